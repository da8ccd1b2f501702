// CORS as the HTTP front ends' templates declare it: a function URL's `Cors`, an HTTP API's
// `CorsConfiguration` and a REST API's SAM `Cors` (quoted values), checked as Lambda and API Gateway check them.
import type { CorsConfig } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { integer } from './validation';
import { ALL_METHODS, METHODS } from './frontEndContext';

const CORS_KEYS = ['AllowCredentials', 'AllowHeaders', 'AllowMethods', 'AllowOrigins', 'ExposeHeaders', 'MaxAge'];

export function readCors(r: PropertyReader, at: string[], kind: 'url' | 'http'): CorsConfig | undefined {
  const v = r.get(...at);
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true && kind === 'http') {
    // SAM: `CorsConfiguration: true` allows every origin, header and method.
    return { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false };
  }
  const name = at.join('.');
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.error('invalid-type', at, `${name} must be a mapping of ${CORS_KEYS.join(', ')}${kind === 'http' ? ' (or true)' : ''}, got ${describe(v)}`);
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!CORS_KEYS.includes(key)) r.error('unknown-property', [...at, key], `${key} is not a CORS property (allowed: ${CORS_KEYS.join(', ')})`);
  }
  const list = (key: string, max: number | undefined, check: (s: string) => string | undefined): string[] => {
    const value = r.get(...at, key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
      r.error('invalid-type', [...at, key], `${key} must be a list of strings, got ${describe(value)}`);
      return [];
    }
    if (max !== undefined && value.length > max) r.error('invalid-value', [...at, key], `${key} has ${value.length} entries; at most ${max} are allowed`);
    const out: string[] = [];
    for (const s of value as string[]) {
      const problem = check(s);
      if (problem) r.error('invalid-value', [...at, key], `${key}: ${problem}`);
      else out.push(s);
    }
    return out;
  };
  const url = kind === 'url';
  const cors: CorsConfig = {
    allowOrigins: list('AllowOrigins', url ? 100 : undefined, (s) =>
      s.length < 1 || s.length > 253 ? `origin '${s}' must be 1 to 253 characters` : undefined,
    ),
    allowMethods: list('AllowMethods', url ? 6 : undefined, (s) =>
      s === '*' || METHODS.has(s.toUpperCase()) ? undefined : `'${s}' is not an HTTP method (${[...METHODS].join(', ')} or *)`,
    ).map((m) => m.toUpperCase()),
    allowHeaders: list('AllowHeaders', url ? 100 : undefined, (s) => (s.length > 1024 ? 'a header name is at most 1024 characters' : undefined)),
    exposeHeaders: list('ExposeHeaders', url ? 100 : undefined, (s) => (s.length > 1024 ? 'a header name is at most 1024 characters' : undefined)),
    allowCredentials: false,
  };
  const credentials = r.get(...at, 'AllowCredentials');
  if (credentials === true || credentials === 'true') cors.allowCredentials = true;
  else if (credentials !== undefined && credentials !== null && credentials !== false && credentials !== 'false') {
    r.error('invalid-type', [...at, 'AllowCredentials'], `AllowCredentials must be true or false, got ${describe(credentials)}`);
  }
  const maxAge = integer(r, [...at, 'MaxAge'], { min: 0, max: 86400, unit: 'seconds' });
  if (maxAge !== undefined) cors.maxAge = maxAge;
  if (kind === 'http' && cors.allowCredentials && cors.allowOrigins.includes('*')) {
    r.error('invalid-value', [...at, 'AllowCredentials'], "API Gateway rejects AllowCredentials: true together with AllowOrigins '*'; list the origins");
  }
  return cors;
}

/** A REST API's SAM `Cors`: an origin string, or { AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials } with quoted values ("'*'"). */
export function readRestCors(r: PropertyReader): CorsConfig | undefined {
  const v = r.get('Cors');
  if (v === undefined || v === null) return undefined;
  const unquote = (s: string) => s.trim().replace(/^'(.*)'$/s, '$1');
  const split = (s: unknown) =>
    typeof s === 'string'
      ? unquote(s)
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [];
  if (typeof v === 'string') {
    return { allowOrigins: [unquote(v)], allowMethods: ALL_METHODS, allowHeaders: [], exposeHeaders: [], allowCredentials: false };
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.error('invalid-type', ['Cors'], `Cors must be an origin ("'*'") or a mapping with AllowOrigin, got ${describe(v)}`);
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.AllowOrigin !== 'string') {
    r.error('missing-property', ['Cors', 'AllowOrigin'], 'Cors needs AllowOrigin (a quoted origin, e.g. "\'https://example.com\'")');
    return undefined;
  }
  const cors: CorsConfig = {
    allowOrigins: [unquote(o.AllowOrigin)],
    allowMethods: o.AllowMethods === undefined ? ALL_METHODS : split(o.AllowMethods).map((m) => m.toUpperCase()),
    allowHeaders: split(o.AllowHeaders),
    exposeHeaders: [],
    allowCredentials: o.AllowCredentials === true || o.AllowCredentials === 'true',
  };
  if (o.MaxAge !== undefined) {
    const n = Number(typeof o.MaxAge === 'string' ? unquote(o.MaxAge) : o.MaxAge);
    if (Number.isInteger(n) && n >= 0) cors.maxAge = n;
    else r.error('invalid-value', ['Cors', 'MaxAge'], `Cors.MaxAge must be a number of seconds, got ${describe(o.MaxAge)}`);
  }
  return cors;
}
