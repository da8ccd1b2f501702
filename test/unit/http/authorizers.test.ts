import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { HttpFrontEnd } from '../../../src/core/http/httpFrontEnd';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import { httpRequest } from '../helpers/http';
import { openProject, writeProject } from '../helpers/project';

// Authorizers end to end: a real engine runs the authorizer (src/auth.js) and the route's function
// (src/app.js, which answers with the event it got) behind the API front end, called by node:http.
// The authorizer's invocations are counted from the engine's telemetry (platform.start of Auth).

const AUTH = `
exports.handler = async (event) => {
  const seen = JSON.stringify(event);
  if (event.type === 'TOKEN') {
    const token = event.authorizationToken;
    const policy = (effect, resource, context) => ({
      principalId: 'user-' + token,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
      context: { user: 'alice', n: 7, ok: true, seen, ...context },
    });
    if (token.startsWith('allow')) return policy('Allow', event.methodArn);
    if (token.startsWith('wild')) {
      const r = policy('Allow', event.methodArn.replace(/\\/GET\\/.*$/, '/GET/*'));
      r.policyDocument.Statement.push({ Action: 'execute-api:*', Effect: 'Deny', Resource: event.methodArn.replace(/\\/GET\\/.*$/, '/GET/token/secret') });
      return r;
    }
    if (token.startsWith('deny')) return policy('Deny', event.methodArn);
    if (token.startsWith('other')) return policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:other/*/GET/*');
    if (token.startsWith('unauthorized')) throw new Error('Unauthorized');
    if (token.startsWith('nested')) return policy('Allow', event.methodArn, { deep: { a: 1 } });
    if (token.startsWith('bad')) return { nope: true };
    throw new Error('boom');
  }
  if (event.version === '2.0') {
    return { isAuthorized: event.identitySource[0].startsWith('secret'), context: { tier: 'gold', nested: { a: 1 }, seen } };
  }
  const allow = (event.headers['X-A'] ?? event.headers['x-a'] ?? '').startsWith('yes');
  return {
    principalId: 'req-user',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: allow ? 'Allow' : 'Deny', Resource: event.methodArn }] },
    context: { seen },
  };
};
`;

const APP = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`;

const ISSUER = 'https://issuer.example';
const POOL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool';

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: nodejs20.x, CodeUri: src}
Resources:
  Auth:
    Type: AWS::Serverless::Function
    Properties: {Handler: auth.handler}
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        Token: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: '/token/{id}', Method: GET}}
        Open: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /open, Method: GET, Auth: {Authorizer: NONE}}}
        Request: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /request, Method: GET, Auth: {Authorizer: RequestAuth}}}
        Cognito: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /cognito, Method: GET, Auth: {Authorizer: PoolAuth}}}
        CognitoScoped: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /cognito-scoped, Method: GET, Auth: {Authorizer: PoolAuth, AuthorizationScopes: [orders/read]}}}
        Simple: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /simple, Method: GET, Auth: {Authorizer: SimpleAuth}}}
        SimpleV1: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /simple-v1, Method: GET, PayloadFormatVersion: '1.0', Auth: {Authorizer: SimpleAuth}}}
        Policy: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /policy, Method: GET, Auth: {Authorizer: PolicyAuth}}}
        Jwt: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /jwt, Method: GET, Auth: {Authorizer: JwtAuth}}}
        JwtScoped: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /jwt-scoped, Method: GET, Auth: {Authorizer: JwtAuth, AuthorizationScopes: [read]}}}
        NoKeys: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /jwt-no-keys, Method: GET, Auth: {Authorizer: NoKeysAuth}}}
        Gone: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /gone, Method: GET, Auth: {Authorizer: GoneAuth}}}
  Pool:
    Type: AWS::Cognito::UserPool
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Variables: {tenant: acme}
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt Auth.Arn
            Identity: {Header: X-Token, ValidationExpression: '[a-z0-9-]+', ReauthorizeEvery: 300}
          RequestAuth:
            FunctionArn: !GetAtt Auth.Arn
            FunctionPayloadType: REQUEST
            Identity: {Headers: [X-A], QueryStrings: [q], StageVariables: [tenant], ReauthorizeEvery: 0}
          PoolAuth:
            UserPoolArn: !GetAtt Pool.Arn
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          SimpleAuth:
            FunctionArn: !GetAtt Auth.Arn
            AuthorizerPayloadFormatVersion: '2.0'
            EnableSimpleResponses: true
            Identity: {Headers: [Authorization], ReauthorizeEvery: 300}
          PolicyAuth:
            FunctionArn: !GetAtt Auth.Arn
            AuthorizerPayloadFormatVersion: '1.0'
            Identity: {Headers: [X-A], ReauthorizeEvery: 0}
          JwtAuth:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: ${ISSUER}, audience: [api]}
          NoKeysAuth:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: https://no-keys.example, audience: [api]}
          GoneAuth:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:Gone
            AuthorizerPayloadFormatVersion: '2.0'
`;

interface Keys {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function rsaKey(kid: string): Promise<Keys> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(key: Keys, issuer: string, claims: Record<string, unknown>, options: { expiresIn?: string | number; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.jwk.kid })
    .setIssuer(issuer)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key.privateKey);
}

describe('http: authorizers', function () {
  this.timeout(60_000);
  let dir: string;
  let workbench: Workbench;
  let frontEnd: HttpFrontEnd;
  let base: string;
  let key: Keys;
  let poolKey: Keys;
  let otherKey: Keys;
  const starts: string[] = [];
  const authCalls = () => starts.filter((f) => f === 'Auth').length;

  before(async () => {
    [key, poolKey, otherKey] = await Promise.all([rsaKey('k1'), rsaKey('pool-1'), rsaKey('k1')]);
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/auth.js': AUTH, 'src/app.js': APP, 'keys/jwks.json': JSON.stringify({ keys: [key.jwk] }) });
    // The JWT issuer's keys from a file (relative to the template), the pool's inline.
    workbench = await openProject(dir, { hotReload: false, jwks: { [ISSUER]: 'keys/jwks.json', [POOL_ISSUER]: { keys: [poolKey.jwk] } } });
    workbench.telemetry.subscribe((e: TelemetryEvent) => {
      if (e.type === 'platform.start' && e.functionName) starts.push(e.functionName);
    });
    frontEnd = new HttpFrontEnd(workbench, { apiPort: 0 });
    const [endpoint] = await frontEnd.start();
    base = endpoint!.url;
  });

  after(async () => {
    await frontEnd?.close();
    await workbench?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (p: string, headers: Record<string, string> = {}) => httpRequest('GET', base + p, undefined, headers);
  const eventOf = (body: string) => JSON.parse(body) as { requestContext: Record<string, any>; [k: string]: any };

  it('the template is read with every authorizer; the one whose function is not in the template is a warning', () => {
    assert.deepEqual(
      workbench.template.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
      ['unknown-function'],
    );
    const byEvent = Object.fromEntries(workbench.template.httpFrontEnds!.routes.map((r) => [r.eventName, r.authorizer?.definition.name]));
    assert.deepEqual(byEvent, {
      Token: 'TokenAuth',
      Open: undefined,
      Request: 'RequestAuth',
      Cognito: 'PoolAuth',
      CognitoScoped: 'PoolAuth',
      Simple: 'SimpleAuth',
      SimpleV1: 'SimpleAuth',
      Policy: 'PolicyAuth',
      Jwt: 'JwtAuth',
      JwtScoped: 'JwtAuth',
      NoKeys: 'NoKeysAuth',
      Gone: 'GoneAuth',
    });
  });

  describe('REST TOKEN authorizer (the API default)', () => {
    it('allows: the authorizer gets {type, authorizationToken, methodArn}; principalId and context (as strings) reach requestContext.authorizer', async () => {
      const before = authCalls();
      const res = await get('/token/1', { 'X-Token': 'allow-1' });
      assert.equal(res.status, 200, res.body);
      assert.equal(authCalls(), before + 1);
      const event = eventOf(res.body);
      const authorizer = event.requestContext.authorizer;
      const seen = JSON.parse(authorizer.seen);
      const apiId = event.requestContext.apiId;
      assert.deepEqual(seen, {
        type: 'TOKEN',
        authorizationToken: 'allow-1',
        methodArn: `arn:aws:execute-api:us-east-1:${LOCAL_ACCOUNT_ID}:${apiId}/dev/GET/token/1`,
      });
      assert.equal(authorizer.principalId, 'user-allow-1');
      assert.equal(authorizer.user, 'alice');
      assert.equal(authorizer.n, '7');
      assert.equal(authorizer.ok, 'true');
      assert.equal(typeof authorizer.integrationLatency, 'number');
      assert.ok(authorizer.integrationLatency > 0, 'an invocation took some time');
    });

    it('caches the result by token for ReauthorizeEvery: a second request is not authorized again (integrationLatency 0)', async () => {
      await get('/token/1', { 'X-Token': 'allow-cache' });
      const before = authCalls();
      const res = await get('/token/1', { 'X-Token': 'allow-cache' });
      assert.equal(res.status, 200);
      assert.equal(authCalls(), before, 'the authorizer ran again within its TTL');
      assert.equal(eventOf(res.body).requestContext.authorizer.integrationLatency, 0);
      // Another token is another cache entry.
      await get('/token/1', { 'X-Token': 'allow-cache-2' });
      assert.equal(authCalls(), before + 1);
    });

    it('evaluates a cached policy against each method ARN: another path is denied, a wildcard resource allows it, an explicit Deny wins', async () => {
      assert.equal((await get('/token/1', { 'X-Token': 'allow-path' })).status, 200);
      const before = authCalls();
      const other = await get('/token/2', { 'X-Token': 'allow-path' });
      assert.equal(other.status, 403);
      assert.deepEqual(JSON.parse(other.body), { message: 'User is not authorized to access this resource' });
      assert.equal(authCalls(), before, 'served from the cache');

      assert.equal((await get('/token/1', { 'X-Token': 'wild' })).status, 200);
      assert.equal((await get('/token/2', { 'X-Token': 'wild' })).status, 200);
      const secret = await get('/token/secret', { 'X-Token': 'wild' });
      assert.equal(secret.status, 403);
      assert.deepEqual(JSON.parse(secret.body), { message: 'User is not authorized to access this resource with an explicit deny' });
      assert.equal(secret.headers['x-amzn-errortype'], 'AccessDeniedException');
    });

    it('denies with API Gateway bodies: explicit Deny, no matching Allow', async () => {
      const deny = await get('/token/1', { 'X-Token': 'deny' });
      assert.equal(deny.status, 403);
      assert.deepEqual(JSON.parse(deny.body), { message: 'User is not authorized to access this resource with an explicit deny' });
      const other = await get('/token/1', { 'X-Token': 'other' });
      assert.equal(other.status, 403);
      assert.deepEqual(JSON.parse(other.body), { message: 'User is not authorized to access this resource' });
    });

    it('a missing token or one that fails the ValidationExpression is 401 without invoking the authorizer', async () => {
      const before = authCalls();
      const missing = await get('/token/1');
      assert.equal(missing.status, 401);
      assert.deepEqual(JSON.parse(missing.body), { message: 'Unauthorized' });
      assert.equal(missing.headers['x-amzn-errortype'], 'UnauthorizedException');
      assert.equal((await get('/token/1', { 'X-Token': 'Not Valid!' })).status, 401);
      assert.equal(authCalls(), before);
    });

    it("an authorizer error 'Unauthorized' is 401; another error or an unusable answer is 500 AuthorizerConfigurationException", async () => {
      const unauthorized = await get('/token/1', { 'X-Token': 'unauthorized' });
      assert.equal(unauthorized.status, 401);
      assert.deepEqual(JSON.parse(unauthorized.body), { message: 'Unauthorized' });
      for (const token of ['boom', 'bad', 'nested']) {
        const res = await get('/token/1', { 'X-Token': token });
        assert.equal(res.status, 500, token);
        assert.equal(res.body, '{"message": null}');
        assert.equal(res.headers['x-amzn-errortype'], 'AuthorizerConfigurationException');
      }
    });

    it('Auth.Authorizer: NONE opens a route of an API with a default authorizer', async () => {
      const before = authCalls();
      const res = await get('/open');
      assert.equal(res.status, 200);
      assert.equal(eventOf(res.body).requestContext.authorizer, undefined);
      assert.equal(authCalls(), before);
    });
  });

  describe('REST REQUEST authorizer', () => {
    it('needs every identity source (header, query, stage variable); gets the request without its body; ReauthorizeEvery 0 runs it every time', async () => {
      const before = authCalls();
      assert.equal((await get('/request?q=1')).status, 401, 'no X-A header');
      assert.equal((await get('/request', { 'X-A': 'yes' })).status, 401, 'no q');
      assert.equal(authCalls(), before);
      const res = await get('/request?q=1', { 'X-A': 'yes' });
      assert.equal(res.status, 200, res.body);
      const event = eventOf(res.body);
      const seen = JSON.parse(event.requestContext.authorizer.seen);
      assert.equal(seen.type, 'REQUEST');
      assert.equal(seen.methodArn, `arn:aws:execute-api:us-east-1:${LOCAL_ACCOUNT_ID}:${event.requestContext.apiId}/dev/GET/request`);
      assert.equal(seen.resource, '/request');
      assert.deepEqual(seen.queryStringParameters, { q: '1' });
      assert.equal(seen.headers['X-A'], 'yes');
      assert.deepEqual(seen.stageVariables, { tenant: 'acme' });
      assert.equal('body' in seen, false);
      assert.equal(seen.requestContext.authorizer, undefined);
      assert.equal(event.requestContext.authorizer.principalId, 'req-user');
      assert.equal((await get('/request?q=1', { 'X-A': 'yes' })).status, 200);
      assert.equal(authCalls(), before + 2, 'no caching with ReauthorizeEvery: 0');
      assert.equal((await get('/request?q=1', { 'X-A': 'no' })).status, 403);
    });
  });

  describe('HTTP API Lambda authorizers', () => {
    it('payload 2.0 with simple responses: the authorizer gets routeArn and identitySource; its context reaches requestContext.authorizer.lambda', async () => {
      const before = authCalls();
      const res = await get('/simple?x=1', { Authorization: 'secret-1' });
      assert.equal(res.status, 200, res.body);
      const event = eventOf(res.body);
      const lambda = event.requestContext.authorizer.lambda;
      assert.equal(lambda.tier, 'gold');
      assert.deepEqual(lambda.nested, { a: 1 }, 'an HTTP API keeps the context as returned');
      const seen = JSON.parse(lambda.seen);
      assert.equal(seen.version, '2.0');
      assert.equal(seen.type, 'REQUEST');
      assert.equal(seen.routeArn, `arn:aws:execute-api:us-east-1:${LOCAL_ACCOUNT_ID}:${event.requestContext.apiId}/$default/GET/simple`);
      assert.deepEqual(seen.identitySource, ['secret-1']);
      assert.equal(seen.routeKey, 'GET /simple');
      assert.equal(seen.rawQueryString, 'x=1');
      assert.equal('body' in seen, false);
      assert.equal(authCalls(), before + 1);
      // Within the TTL the same identity is not authorized again, on this route or another using the authorizer.
      assert.equal((await get('/simple', { Authorization: 'secret-1' })).status, 200);
      const v1 = await get('/simple-v1', { Authorization: 'secret-1' });
      assert.equal(v1.status, 200);
      assert.equal(authCalls(), before + 1);
      // A payload 1.0 integration gets the context's keys and integrationLatency (0: cached).
      const authorizer = eventOf(v1.body).requestContext.authorizer;
      assert.equal(authorizer.tier, 'gold');
      assert.equal(authorizer.integrationLatency, 0);
    });

    it('an authorizer whose function is not in the template answers 500, as API Gateway does when it cannot invoke one', async () => {
      const res = await get('/gone', { Authorization: 'secret' });
      assert.equal(res.status, 500);
      assert.deepEqual(JSON.parse(res.body), { message: 'Internal Server Error' });
    });

    it("isAuthorized false is 403 Forbidden, a missing identity source 401 (not invoked), and both keep the API's answers", async () => {
      const forbidden = await get('/simple', { Authorization: 'nope' });
      assert.equal(forbidden.status, 403);
      assert.deepEqual(JSON.parse(forbidden.body), { message: 'Forbidden' });
      const before = authCalls();
      const missing = await get('/simple');
      assert.equal(missing.status, 401);
      assert.deepEqual(JSON.parse(missing.body), { message: 'Unauthorized' });
      assert.equal(authCalls(), before);
    });

    it('payload 1.0: the authorizer gets methodArn and identitySource as text; its policy decides', async () => {
      const res = await get('/policy', { 'X-A': 'yes-please' });
      assert.equal(res.status, 200, res.body);
      const lambda = eventOf(res.body).requestContext.authorizer.lambda;
      assert.equal(lambda.principalId, 'req-user');
      const seen = JSON.parse(lambda.seen);
      assert.equal(seen.version, '1.0');
      assert.equal(seen.identitySource, 'yes-please');
      assert.equal(seen.authorizationToken, 'yes-please');
      assert.match(seen.methodArn, /\/\$default\/GET\/policy$/);
      const denied = await get('/policy', { 'X-A': 'no' });
      assert.equal(denied.status, 403);
      assert.deepEqual(JSON.parse(denied.body), { message: 'Forbidden' });
    });
  });

  describe('HTTP API JWT authorizer (keys from a JWKS file)', () => {
    it('a token signed with the JWKS key, for the audience, is allowed: claims (as strings) in requestContext.authorizer.jwt', async () => {
      const token = await sign(key, ISSUER, { aud: 'api', scope: 'read write', groups: ['a', 'b'] });
      const res = await get('/jwt', { Authorization: `Bearer ${token}` });
      assert.equal(res.status, 200, res.body);
      const jwt = eventOf(res.body).requestContext.authorizer.jwt;
      assert.equal(jwt.claims.sub, 'user-1');
      assert.equal(jwt.claims.iss, ISSUER);
      assert.match(jwt.claims.exp, /^\d+$/);
      assert.equal(jwt.claims.groups, '[a b]');
      assert.equal(jwt.scopes, null, 'the route requires no scopes');
      // Without the Bearer prefix, and with client_id in place of aud.
      assert.equal((await get('/jwt', { Authorization: await sign(key, ISSUER, { client_id: 'api' }) })).status, 200);
    });

    it('refuses a wrong audience, an expired token, another key, another issuer and no token, saying why in www-authenticate', async () => {
      const cases: Array<[string, string | undefined, RegExp | undefined]> = [
        ['wrong audience', await sign(key, ISSUER, { aud: 'someone-else' }), /does not have a valid audience/],
        ['expired', await sign(key, ISSUER, { aud: 'api' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /has expired/],
        ['another key', await sign(otherKey, ISSUER, { aud: 'api' }), /signature is not valid/],
        ['unknown kid', await sign(key, ISSUER, { aud: 'api' }, { kid: 'nope' }), /no key .* matches/],
        ['another issuer', await sign(key, 'https://elsewhere.example', { aud: 'api' }), /valid issuer/],
        ['not a JWT', 'Bearer abc.def', /not a valid JWT/],
        ['no token', undefined, undefined],
      ];
      for (const [what, token, reason] of cases) {
        const res = await get('/jwt', token ? { Authorization: token.startsWith('Bearer') ? token : `Bearer ${token}` } : {});
        assert.equal(res.status, 401, what);
        assert.equal(res.body, '{"message":"Unauthorized"}', what);
        if (reason) assert.match(String(res.headers['www-authenticate']), reason, what);
        else assert.equal(res.headers['www-authenticate'], undefined, what);
      }
    });

    it("a route's AuthorizationScopes: a token with one of them passes (scopes in the event), one without is 403", async () => {
      const ok = await get('/jwt-scoped', { Authorization: `Bearer ${await sign(key, ISSUER, { aud: 'api', scope: 'read write' })}` });
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(eventOf(ok.body).requestContext.authorizer.jwt.scopes, ['read', 'write']);
      const res = await get('/jwt-scoped', { Authorization: `Bearer ${await sign(key, ISSUER, { aud: 'api', scope: 'write' })}` });
      assert.equal(res.status, 403);
      assert.deepEqual(JSON.parse(res.body), { message: 'Forbidden' });
      assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/);
    });

    it('an issuer without a configured JWKS is refused (401), never let through, and the reason names the setting', async () => {
      const token = await sign(key, 'https://no-keys.example', { aud: 'api' });
      const res = await get('/jwt-no-keys', { Authorization: `Bearer ${token}` });
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /no JWKS is configured locally for the issuer https:\/\/no-keys.example \(lambda-workbench --jwks/);
    });

    it('reads the JWKS file again when it changes (a rotated key)', async () => {
      const rotated = await rsaKey('k2');
      const token = await sign(rotated, ISSUER, { aud: 'api' });
      assert.equal((await get('/jwt', { Authorization: `Bearer ${token}` })).status, 401);
      fs.writeFileSync(path.join(dir, 'keys/jwks.json'), JSON.stringify({ keys: [key.jwk, rotated.jwk] }));
      assert.equal((await get('/jwt', { Authorization: `Bearer ${token}` })).status, 200);
    });
  });

  describe('Cognito user pool authorizer (REST; the pool of the template, keys inline)', () => {
    it("allows a token of the pool's issuer: claims in requestContext.authorizer.claims, exp and iat as Cognito's REST authorizer writes them", async () => {
      const token = await sign(poolKey, POOL_ISSUER, { token_use: 'id', 'cognito:username': 'alice', email_verified: true });
      const res = await get('/cognito', { Authorization: token });
      assert.equal(res.status, 200, res.body);
      const claims = eventOf(res.body).requestContext.authorizer.claims;
      assert.equal(claims['cognito:username'], 'alice');
      assert.equal(claims.email_verified, 'true');
      assert.match(claims.exp, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    });

    it('refuses expired tokens, other keys, other pools and missing tokens with 401; a route scope needs an access token with it', async () => {
      const cases: Array<[string, Record<string, string>]> = [
        ['expired', { Authorization: await sign(poolKey, POOL_ISSUER, {}, { expiresIn: Math.floor(Date.now() / 1000) - 5 }) }],
        ['another key', { Authorization: await sign(otherKey, POOL_ISSUER, {}, { kid: 'pool-1' }) }],
        ['another pool', { Authorization: await sign(poolKey, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other', {}) }],
        ['missing', {}],
      ];
      for (const [what, headers] of cases) {
        const res = await get('/cognito', headers);
        assert.equal(res.status, 401, what);
        assert.deepEqual(JSON.parse(res.body), { message: 'Unauthorized' }, what);
      }
      const idToken = await sign(poolKey, POOL_ISSUER, { token_use: 'id' });
      assert.equal((await get('/cognito-scoped', { Authorization: idToken })).status, 401);
      const access = await sign(poolKey, POOL_ISSUER, { token_use: 'access', scope: 'orders/read orders/write' });
      assert.equal((await get('/cognito-scoped', { Authorization: access })).status, 200);
    });
  });
});

describe('http: authorizers under hot reload', function () {
  this.timeout(60_000);

  it("an edit to the authorizer's code forgets its cached results: the next request is decided by the new code", async () => {
    const allowing = `exports.handler = async (event) => ({ principalId: 'u', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'ALLOW_OR_DENY', Resource: event.methodArn }] } });`;
    const template = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: nodejs20.x, CodeUri: src}
  Api:
    Auth:
      DefaultAuthorizer: Token
      Authorizers:
        Token: {FunctionArn: !GetAtt Auth.Arn, Identity: {ReauthorizeEvery: 300}}
Resources:
  Auth:
    Type: AWS::Serverless::Function
    Properties: {Handler: auth.handler}
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: GET}}
`;
    const dir = writeProject({ 'template.yaml': template, 'src/auth.js': allowing.replace('ALLOW_OR_DENY', 'Allow'), 'src/app.js': APP });
    const workbench = await openProject(dir);
    const frontEnd = new HttpFrontEnd(workbench, { apiPort: 0 });
    try {
      await workbench.hotReloadReady();
      const [endpoint] = await frontEnd.start();
      const get = () => httpRequest('GET', `${endpoint!.url}/x`, undefined, { Authorization: 't' });
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 200, 'cached');
      const reloaded = new Promise<void>((resolve) => {
        const stop = workbench.telemetry.subscribe((e: TelemetryEvent) => {
          if (e.type === 'workbench.reload' && e.functionName === 'Auth') {
            stop();
            resolve();
          }
        });
      });
      fs.writeFileSync(path.join(dir, 'src/auth.js'), allowing.replace('ALLOW_OR_DENY', 'Deny'));
      await reloaded;
      const denied = await get();
      assert.equal(denied.status, 403);
      assert.deepEqual(JSON.parse(denied.body), { message: 'User is not authorized to access this resource with an explicit deny' });
    } finally {
      await frontEnd.close();
      await workbench.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
