// CORS as the front ends apply it. With CORS configured, a function URL or an HTTP API answers
// preflight requests itself (the function is not invoked) and puts the configured headers on every
// response to an allowed origin, ignoring any CORS headers the function returned. A REST API's SAM
// `Cors` only answers the preflight (SAM adds a mock OPTIONS method per path); the function's
// responses are passed through as they are.
import type { CorsConfig } from '../config/types';
import { headerValue } from './events';
import type { HttpResponse } from './responses';

/** `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(method: string, rawHeaders: string[]): boolean {
  return method === 'OPTIONS' && headerValue(rawHeaders, 'origin') !== undefined && headerValue(rawHeaders, 'access-control-request-method') !== undefined;
}

/** The Access-Control-Allow-Origin value for this origin, or undefined when it is not allowed. */
function allowOrigin(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  const lower = origin.toLowerCase();
  return cors.allowOrigins.some((o) => o.toLowerCase() === lower) ? origin : undefined;
}

function name(header: string, canonical: boolean): string {
  return canonical ? header.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()) : header;
}

/** The answer to a preflight: the configured headers when origin, method and headers are allowed, none otherwise. */
export function preflightResponse(cors: CorsConfig, rawHeaders: string[], status: number, canonical = false): HttpResponse {
  const origin = allowOrigin(cors, headerValue(rawHeaders, 'origin'));
  const method = (headerValue(rawHeaders, 'access-control-request-method') ?? '').trim().toUpperCase();
  const requested = (headerValue(rawHeaders, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const anyHeader = cors.allowHeaders.includes('*');
  const allowedHeaders = new Set(cors.allowHeaders.map((h) => h.toLowerCase()));
  const methodOk = cors.allowMethods.includes('*') || cors.allowMethods.includes(method);
  const headersOk = anyHeader || requested.every((h) => allowedHeaders.has(h.toLowerCase()));
  const headers: Array<[string, string]> = [];
  if (origin !== undefined && methodOk && headersOk) {
    headers.push([name('access-control-allow-origin', canonical), origin]);
    headers.push([name('access-control-allow-methods', canonical), cors.allowMethods.includes('*') ? method : cors.allowMethods.join(',')]);
    const allowHeaders = anyHeader ? requested : cors.allowHeaders;
    if (allowHeaders.length > 0) headers.push([name('access-control-allow-headers', canonical), allowHeaders.join(',')]);
    if (cors.allowCredentials) headers.push([name('access-control-allow-credentials', canonical), 'true']);
    if (cors.maxAge !== undefined) headers.push([name('access-control-max-age', canonical), String(cors.maxAge)]);
    if (origin !== '*') headers.push([name('vary', canonical), 'Origin']);
  }
  return { status, headers, body: Buffer.alloc(0) };
}

/** The configured CORS headers on a response (the function's own Access-Control-* headers are dropped). */
export function withCorsHeaders(response: HttpResponse, cors: CorsConfig, rawHeaders: string[]): HttpResponse {
  const headers = response.headers.filter(([n]) => !n.toLowerCase().startsWith('access-control-'));
  const origin = allowOrigin(cors, headerValue(rawHeaders, 'origin'));
  if (origin !== undefined) {
    headers.push(['access-control-allow-origin', origin]);
    if (cors.exposeHeaders.length > 0) headers.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
    if (cors.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
    if (origin !== '*' && !headers.some(([n]) => n.toLowerCase() === 'vary')) headers.push(['vary', 'Origin']);
  }
  return { ...response, headers };
}
