// API Gateway's own answers when an authorizer refuses a request or fails, with its default
// gateway responses' bodies and (REST) `x-amzn-ErrorType`:
// - REST: identity source missing or invalid, or the authorizer threw `Unauthorized` → 401
//   `{"message":"Unauthorized"}` (UnauthorizedException); a policy that denies → 403 AccessDeniedException
//   with "User is not authorized to access this resource" (no Allow matches) or "… with an explicit
//   deny"; an authorizer that fails or answers something invalid → 500 `{"message": null}`
//   (AuthorizerConfigurationException);
// - HTTP API: 401 `{"message":"Unauthorized"}` (a JWT authorizer adds `www-authenticate` with the
//   reason), 403 `{"message":"Forbidden"}`, 500 `{"message":"Internal Server Error"}`.
import type { HttpResponse } from '../responses';

export type ApiKind = 'rest' | 'http';

function json(status: number, body: string, headers: Array<[string, string]> = []): HttpResponse {
  return { status, headers: [['Content-Type', 'application/json'], ...headers], body: Buffer.from(body) };
}

export const authorizerResponses = {
  unauthorized(kind: ApiKind, wwwAuthenticate?: string): HttpResponse {
    if (kind === 'rest') return json(401, '{"message":"Unauthorized"}', [['x-amzn-ErrorType', 'UnauthorizedException']]);
    return json(401, '{"message":"Unauthorized"}', wwwAuthenticate ? [['www-authenticate', wwwAuthenticate]] : []);
  },
  /** A policy that does not allow the request; `explicit`: a Deny statement matched. */
  denied(kind: ApiKind, explicit: boolean): HttpResponse {
    if (kind === 'http') return json(403, '{"message":"Forbidden"}');
    const message = explicit ? 'User is not authorized to access this resource with an explicit deny' : 'User is not authorized to access this resource';
    return json(403, JSON.stringify({ message }), [['x-amzn-ErrorType', 'AccessDeniedException']]);
  },
  /** A JWT without one of the route's scopes. */
  insufficientScope(kind: ApiKind, wwwAuthenticate: string): HttpResponse {
    if (kind === 'rest') return authorizerResponses.unauthorized('rest');
    return json(403, '{"message":"Forbidden"}', [['www-authenticate', wwwAuthenticate]]);
  },
  /** The authorizer could not be run, failed, or answered something API Gateway cannot use. */
  failed(kind: ApiKind): HttpResponse {
    if (kind === 'rest') return json(500, '{"message": null}', [['x-amzn-ErrorType', 'AuthorizerConfigurationException']]);
    return json(500, '{"message":"Internal Server Error"}');
  },
};
