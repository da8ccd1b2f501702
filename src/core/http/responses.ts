// The function's result → the HTTP response, by AWS's rules for each front end:
// - payload 2.0 (function URLs, HTTP APIs): an object with `statusCode` is a response
//   (`headers`, `cookies` → one Set-Cookie each, `body`, `isBase64Encoded`; `multiValueHeaders` is
//   not part of 2.0 and is ignored); any other valid JSON is a 200 `application/json` response
//   whose body is the result (a string's text; an object or array re-serialised compactly by a
//   function URL; otherwise the JSON as returned);
// - payload 1.0 (REST APIs, HTTP APIs with 1.0): `statusCode` is required, `headers` and
//   `multiValueHeaders` are merged (multiValueHeaders wins for a name in both); a REST API refuses
//   other keys and a non-string body ("Malformed Lambda proxy response") and decodes a base64 body
//   only for its binary media types;
// - a function error, or a result that cannot be interpreted, is a 502 as each front end answers it;
// - a streamed response to a RESPONSE_STREAM function URL in the http-integration-response content
//   type starts with a JSON prelude (`statusCode`, `headers`, `cookies`) and 8 NUL bytes
//   (HttpResponseStream.from): the prelude gives the status and headers, the rest is the body.

import { isWorkbenchError } from '../errors';
import { matchesMediaType } from './events';

export type FrontEndKind = 'url' | 'http' | 'rest';

export interface HttpResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface ResponseContext {
  kind: FrontEndKind;
  payloadFormatVersion: '1.0' | '2.0';
  /** The request's Accept header (REST binary responses). */
  accept?: string;
  /** REST API: BinaryMediaTypes. */
  binaryMediaTypes?: readonly string[];
}

const REST_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

function json(status: number, body: string): HttpResponse {
  return { status, headers: [['Content-Type', 'application/json']], body: Buffer.from(body) };
}

/** What Lambda tells a caller of a function URL it does not allow (no permission, no such URL any more). */
export const FORBIDDEN_MESSAGE =
  'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';

function accessDenied(body: string): HttpResponse {
  const response = json(403, body);
  response.headers.push(['x-amzn-ErrorType', 'AccessDeniedException']);
  return response;
}

/** The answers the front ends give themselves (errors, no route…), with AWS's bodies. */
export const frontEndErrors = {
  /** A function error or a result that is not a valid response. */
  badGateway(kind: FrontEndKind): HttpResponse {
    if (kind === 'rest') return json(502, '{"message": "Internal server error"}');
    if (kind === 'http') return json(502, '{"message":"Internal Server Error"}');
    return { status: 502, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from('Internal Server Error') };
  },
  /** The engine could not run the invocation (unknown alias…). */
  internal(kind: FrontEndKind): HttpResponse {
    if (kind === 'rest') return json(500, '{"message": "Internal server error"}');
    if (kind === 'http') return json(500, '{"message":"Internal Server Error"}');
    return json(500, '{"Message":"Internal Server Error"}');
  },
  notFound(kind: FrontEndKind): HttpResponse {
    // A REST API answers an unknown resource or method with 403 Missing Authentication Token.
    if (kind === 'rest') return json(403, '{"message":"Missing Authentication Token"}');
    if (kind === 'http') return json(404, '{"message":"Not Found"}');
    // A URL no function has (any more): Lambda's 403 AccessDeniedException with no message (TestLambdaURL::test_lambda_url_non_existing_url).
    return accessDenied('{"Message":null}');
  },
  /**
   * A function URL whose alias or function is gone (Lambda deleted the URL with it): Lambda's 403, the
   * answer to a caller it does not allow (recorded: TestLambdaURL::test_lambda_url_persists_after_alias_delete).
   */
  forbidden(): HttpResponse {
    return accessDenied(JSON.stringify({ Message: FORBIDDEN_MESSAGE }));
  },
  tooLarge(kind: FrontEndKind): HttpResponse {
    return json(413, kind === 'url' ? '{"Message":"Request Entity Too Large"}' : '{"message":"Request Entity Too Large"}');
  },
  /**
   * API Gateway stopped waiting for the function (its integration timeout: 29 s REST, 30 s HTTP
   * API); the function runs on to its own timeout. A function URL has no such limit.
   */
  integrationTimeout(kind: 'rest' | 'http'): HttpResponse {
    return kind === 'rest' ? json(504, '{"message": "Endpoint request timed out"}') : json(503, '{"message":"Service Unavailable"}');
  },
  throttled(kind: FrontEndKind): HttpResponse {
    return json(429, kind === 'url' ? '{"Message":"Rate Exceeded."}' : '{"message":"Too Many Requests"}');
  },
};

/** The front end's answer when the engine could not run the invocation (a payload too large, throttled, an unknown alias…). */
export function engineFailure(error: unknown, kind: FrontEndKind): HttpResponse {
  if (isWorkbenchError(error) && error.code === 'RequestEntityTooLargeException') return frontEndErrors.tooLarge(kind);
  if (isWorkbenchError(error) && error.code === 'TooManyRequestsException') return frontEndErrors.throttled(kind);
  if (kind === 'url' && isWorkbenchError(error) && error.code === 'ResourceNotFoundException') return frontEndErrors.forbidden();
  return frontEndErrors.internal(kind);
}

/** Converts a successful invocation's payload; invalid results become the front end's 502. */
export function toHttpResponse(payload: Buffer, ctx: ResponseContext): HttpResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return frontEndErrors.badGateway(ctx.kind);
  }
  return ctx.payloadFormatVersion === '2.0' ? fromV2(result, payload, ctx) : fromV1(result, ctx);
}

function defaultContentType(kind: FrontEndKind): string {
  // An HTTP API answers text/plain when the function names no content type; Lambda and REST APIs, JSON.
  return kind === 'http' ? 'text/plain; charset=utf-8' : 'application/json';
}

function statusOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{3}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

function scalarHeader(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function hasHeader(headers: Array<[string, string]>, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

function fromV2(result: unknown, payload: Buffer, ctx: ResponseContext): HttpResponse {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !('statusCode' in result)) {
    // A function URL sends an object or array re-serialised compactly (`{"hello":"world"}` for Python's
    // `{"hello": "world"}`: AWS's recorded answers); other values as the function returned them.
    const compact = ctx.kind === 'url' && typeof result === 'object' && result !== null;
    const body = typeof result === 'string' ? Buffer.from(result, 'utf8') : compact ? Buffer.from(JSON.stringify(result), 'utf8') : payload;
    return { status: 200, headers: [['content-type', 'application/json']], body };
  }
  const r = result as Record<string, unknown>;
  const status = statusOf(r.statusCode);
  if (status === undefined) return frontEndErrors.badGateway(ctx.kind);
  const headers: Array<[string, string]> = [];
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return frontEndErrors.badGateway(ctx.kind);
    for (const [name, value] of Object.entries(r.headers)) {
      const text = scalarHeader(value);
      if (text !== undefined) headers.push([name, text]);
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies)) return frontEndErrors.badGateway(ctx.kind);
    for (const cookie of r.cookies) if (typeof cookie === 'string') headers.push(['set-cookie', cookie]);
  }
  if (!hasHeader(headers, 'content-type')) headers.push(['content-type', defaultContentType(ctx.kind)]);
  let body: Buffer;
  if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else if (typeof r.body === 'string') body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  else body = Buffer.from(JSON.stringify(r.body), 'utf8');
  return { status, headers, body };
}

function fromV1(result: unknown, ctx: ResponseContext): HttpResponse {
  const rest = ctx.kind === 'rest';
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return frontEndErrors.badGateway(ctx.kind);
  const r = result as Record<string, unknown>;
  if (rest && Object.keys(r).some((k) => !REST_KEYS.has(k))) return frontEndErrors.badGateway(ctx.kind);
  const status = statusOf(r.statusCode);
  if (status === undefined) return frontEndErrors.badGateway(ctx.kind);
  const headers: Array<[string, string]> = [];
  const multiNames = new Set<string>();
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object' || Array.isArray(r.multiValueHeaders)) return frontEndErrors.badGateway(ctx.kind);
    for (const [name, values] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(values)) {
        if (rest) return frontEndErrors.badGateway(ctx.kind);
        continue;
      }
      multiNames.add(name.toLowerCase());
      for (const value of values) {
        const text = scalarHeader(value);
        if (text !== undefined) headers.push([name, text]);
      }
    }
  }
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return frontEndErrors.badGateway(ctx.kind);
    for (const [name, value] of Object.entries(r.headers)) {
      const text = scalarHeader(value);
      if (text !== undefined && !multiNames.has(name.toLowerCase())) headers.push([name, text]);
    }
  }
  if (!hasHeader(headers, 'content-type')) headers.push([rest ? 'Content-Type' : 'content-type', defaultContentType(ctx.kind)]);
  let body: Buffer;
  if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else if (typeof r.body !== 'string') {
    if (rest) return frontEndErrors.badGateway(ctx.kind);
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
  } else if (r.isBase64Encoded === true && (!rest || restDecodesBinary(headers, ctx))) {
    body = Buffer.from(r.body, 'base64');
  } else {
    body = Buffer.from(r.body, 'utf8');
  }
  return { status, headers, body };
}

/** A REST API turns a base64 body back into bytes when the Accept header or the response's type is a binary media type. */
function restDecodesBinary(headers: Array<[string, string]>, ctx: ResponseContext): boolean {
  const types = ctx.binaryMediaTypes ?? [];
  if (types.length === 0) return false;
  const contentType = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const accepted = (ctx.accept ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return matchesMediaType(contentType, types) || accepted.some((a) => matchesMediaType(a, types));
}

/** The content type of a streamed response that starts with an HTTP prelude (HttpResponseStream.from). */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** A streamed body's content type when neither the prelude nor the runtime names one (AWS's Node runtime default). */
export const STREAM_DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * The status and headers a streamed response's prelude gives (its body is the stream's): a JSON
 * object whose `statusCode` defaults to 200; undefined when it is not one (the URL answers 502).
 */
export function fromStreamingPrelude(prelude: Buffer): HttpResponse | undefined {
  let result: unknown;
  try {
    result = JSON.parse(prelude.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const r = result as Record<string, unknown>;
  const status = r.statusCode === undefined || r.statusCode === null ? 200 : statusOf(r.statusCode);
  if (status === undefined) return undefined;
  const headers: Array<[string, string]> = [];
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return undefined;
    for (const [name, value] of Object.entries(r.headers)) {
      const text = scalarHeader(value);
      if (text !== undefined) headers.push([name, text]);
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies)) return undefined;
    for (const cookie of r.cookies) if (typeof cookie === 'string') headers.push(['set-cookie', cookie]);
  }
  if (!hasHeader(headers, 'content-type')) headers.push(['content-type', STREAM_DEFAULT_CONTENT_TYPE]);
  return { status, headers, body: Buffer.alloc(0) };
}
