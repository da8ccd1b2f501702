// JWT authorizers (HTTP APIs) and Cognito user pool authorizers (REST APIs): the token is taken
// from its identity source (`Bearer ` prefix allowed), its signature checked with `jose` against the
// issuer's JWKS (RSA algorithms, as API Gateway supports; the header's `kid` must name a key), then
// its claims: `iss` one of the authorizer's issuers, `exp` and `nbf` against the clock, the audience
// (JWT: `aud`, else `client_id`, must be one of JwtConfiguration.audience), and the route's
// scopes (`scope` / `scp`: at least one). Allowed, the claims go into the integration event:
// HTTP APIs `requestContext.authorizer.jwt = {claims, scopes}` (payload 1.0: `{claims, scopes}`),
// REST APIs `requestContext.authorizer.claims` — values as strings, as API Gateway passes them.
// Refused: 401 (HTTP APIs say why in `www-authenticate`), or 403 for missing scopes.
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { TokenAuthorizerDefinition } from '../../config/types';
import type { HttpRequestInfo } from '../events';
import type { HttpResponse } from '../responses';
import { authorizerResponses } from './gatewayResponses';
import { identityValue } from './identitySources';
import type { JwksStore } from './jwks';
import { setAuthorizer, wholeMatch } from './lambdaAuthorizer';

/** API Gateway verifies RSA signatures only. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

export interface TokenAuthorization {
  definition: TokenAuthorizerDefinition;
  /** The route's scopes (its own, else the authorizer's); empty: none required. */
  scopes: string[];
  info: HttpRequestInfo;
  event: Record<string, unknown>;
  jwks: JwksStore;
}

/** Undefined: the request goes on to the function; otherwise API Gateway's refusal. */
export async function runTokenAuthorizer(a: TokenAuthorization): Promise<HttpResponse | undefined> {
  const { definition: def, info, event } = a;
  const kind = def.api;
  const refuse = (description: string) => authorizerResponses.unauthorized(kind, `Bearer scope="" error="invalid_token" error_description="${description}"`);
  const raw = identityValue(def.identitySource, kind, info, event);
  if (raw === undefined) return authorizerResponses.unauthorized(kind);
  if (def.validationExpression !== undefined && !wholeMatch(def.validationExpression, raw)) return authorizerResponses.unauthorized(kind);
  const token = raw.replace(/^Bearer\s+/i, '').trim();

  let unverified: JWTPayload;
  let kid: string | undefined;
  try {
    unverified = decodeJwt(token);
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return refuse('the token is not a valid JWT');
  }
  if (kid === undefined) return refuse('the token has no kid header naming its signing key');
  // The issuer decides which keys verify the token; one that is not the authorizer's is refused before any.
  const issuer = def.issuers.find((i) => i === unverified.iss);
  if (issuer === undefined) return refuse('the token does not have a valid issuer');
  const keys = a.jwks.keysFor(issuer);
  if ('problem' in keys) return refuse(keys.problem.replace(/"/g, "'"));

  let claims: JWTPayload;
  try {
    claims = (await jwtVerify(token, keys.keys, { issuer, algorithms: ALGORITHMS, requiredClaims: ['exp'] })).payload;
  } catch (error) {
    return refuse(reasonOf(error));
  }
  if (def.type === 'jwt' && !hasAudience(claims, def.audience ?? [])) return refuse('the token does not have a valid audience');
  const tokenScopes = scopesOf(claims);
  if (a.scopes.length > 0 && !a.scopes.some((s) => tokenScopes.includes(s))) {
    return authorizerResponses.insufficientScope(
      kind,
      `Bearer scope="${a.scopes.join(' ')}" error="insufficient_scope" error_description="expected scopes: [${a.scopes.join(' ')}]"`,
    );
  }

  if (def.type === 'cognito') {
    setAuthorizer(event, { claims: stringClaims(claims, true) });
  } else {
    const jwt = { claims: stringClaims(claims, false), scopes: a.scopes.length > 0 ? tokenScopes : null };
    setAuthorizer(event, event.version === '2.0' ? { jwt } : jwt);
  }
  return undefined;
}

/** `aud` (a string or a list) names one of the audiences; without `aud`, `client_id` must. */
function hasAudience(claims: JWTPayload, audience: string[]): boolean {
  if (claims.aud !== undefined) return (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).some((a) => audience.includes(a));
  return typeof claims.client_id === 'string' && audience.includes(claims.client_id);
}

/** OAuth's `scope` (space-separated) or `scp` (a list or a string). */
function scopesOf(claims: JWTPayload): string[] {
  const scope = claims.scope ?? claims.scp;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return [];
}

/** Why `jose` refused the token, in the words of API Gateway's `error_description`. */
function reasonOf(error: unknown): string {
  const e = error as { code?: string; claim?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'nbf') return 'the token is not valid yet';
      if (e.claim === 'iss') return 'the token does not have a valid issuer';
      return `the token's ${e.claim ?? 'claims'} claim is not valid`;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "no key of the issuer's JWKS matches the token's kid";
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return "the token's signature is not valid";
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return "the token's signing algorithm is not supported (RS256, RS384, RS512)";
    default:
      return 'the token is not valid';
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * Claims as API Gateway passes them: every value a string, a list as `[a b]`; a REST API's Cognito
 * authorizer writes `exp` and `iat` as dates (`Thu May 16 22:01:37 UTC 2019`).
 */
function stringClaims(claims: JWTPayload, cognito: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (cognito && (k === 'exp' || k === 'iat') && typeof v === 'number') out[k] = javaDate(new Date(v * 1000));
    else if (Array.isArray(v)) out[k] = `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}]`;
    else if (typeof v === 'object' && v !== null) out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

function javaDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
