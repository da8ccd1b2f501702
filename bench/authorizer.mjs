// Benchmark: what an authorizer adds to a request through the API front end. One function (Echo)
// behind routes that differ only in their authorizer, all on one port, samples interleaved so
// machine noise hits every side alike:
//
//   REST:      GET /open (no authorizer)  against  GET /token (a TOKEN Lambda authorizer, result cached
//              for 300 s: the cache hit — identity source read, policy evaluated against the method
//              ARN, context into requestContext.authorizer) and GET /uncached (the same authorizer
//              with ReauthorizeEvery 0: a warm authorizer invocation on every request);
//   HTTP API:  GET /h/open  against  GET /h/simple (a payload 2.0 simple-response authorizer, cached)
//              and GET /h/jwt (a JWT authorizer: an RS256 signature verified with jose on every request).
//
// Usage: node bench/authorizer.mjs [--samples 2000]
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildIfStale, fmt, loadEngine, machine, now, numberOption, quantile } from './lib.mjs';

buildIfStale('core.js');
const { Workbench, HttpFrontEnd, FAKE_CREDENTIALS } = loadEngine();
const SAMPLES = numberOption('samples', 2000);
const ISSUER = 'https://issuer.example';

const AUTH = `exports.handler = async (event) => event.type === 'TOKEN'
  ? { principalId: 'user', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] }, context: { user: 'alice' } }
  : { isAuthorized: true, context: { user: 'alice' } };`;
const ECHO = `exports.handler = async (event) => ({ statusCode: 200, body: event.requestContext.authorizer ? 'authorized' : 'open' });`;

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: nodejs20.x, CodeUri: src, MemorySize: 512}
Resources:
  Auth:
    Type: AWS::Serverless::Function
    Properties: {Handler: auth.handler}
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Handler: echo.handler
      Events:
        Open: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /open, Method: GET}}
        Token: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /token, Method: GET, Auth: {Authorizer: Cached}}}
        Uncached: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /uncached, Method: GET, Auth: {Authorizer: Uncached}}}
        HOpen: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /h/open, Method: GET}}
        HSimple: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /h/simple, Method: GET, Auth: {Authorizer: Simple}}}
        HJwt: {Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /h/jwt, Method: GET, Auth: {Authorizer: Jwt}}}
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        Authorizers:
          Cached: {FunctionArn: !GetAtt Auth.Arn, Identity: {ReauthorizeEvery: 300}}
          Uncached: {FunctionArn: !GetAtt Auth.Arn, Identity: {ReauthorizeEvery: 0}}
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          Simple:
            FunctionArn: !GetAtt Auth.Arn
            AuthorizerPayloadFormatVersion: '2.0'
            EnableSimpleResponses: true
            Identity: {Headers: [Authorization], ReauthorizeEvery: 300}
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: ${ISSUER}, audience: [api]}
`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** GET `url` with these headers: ms to the end of the response; the body must be `expected`. */
function timedGet(url, headers, expected) {
  return new Promise((resolve, reject) => {
    const start = now();
    http
      .get(url, { agent, headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200 || body !== expected) return reject(new Error(`${url} answered ${res.statusCode} ${body}`));
          resolve(now() - start);
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'auth.js'), AUTH);
  fs.writeFileSync(path.join(dir, 'src', 'echo.js'), ECHO);
  fs.writeFileSync(path.join(dir, 'template.yaml'), TEMPLATE);
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const jwt = await new SignJWT({ scope: 'read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience('api')
    .setExpirationTime('2h')
    .sign(privateKey);
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, hotReload: false, jwks: { [ISSUER]: { keys: [jwk] } } },
  });
  const frontEnd = new HttpFrontEnd(workbench, { apiPort: 0 });
  const [endpoint] = await frontEnd.start();
  const base = endpoint.url;

  const sides = {
    restOpen: [`${base}/open`, {}, 'open'],
    restCached: [`${base}/token`, { Authorization: 'token-1' }, 'authorized'],
    restUncached: [`${base}/uncached`, { Authorization: 'token-1' }, 'authorized'],
    httpOpen: [`${base}/h/open`, {}, 'open'],
    httpCached: [`${base}/h/simple`, { Authorization: 'token-1' }, 'authorized'],
    httpJwt: [`${base}/h/jwt`, { Authorization: `Bearer ${jwt}` }, 'authorized'],
  };
  const names = Object.keys(sides);
  // Warm every environment, the caches and the JIT outside the samples.
  for (let i = 0; i < 200; i++) for (const name of names) await timedGet(...sides[name]);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < SAMPLES; i++) {
    // Rotate which side goes first.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      samples[name].push(await timedGet(...sides[name]));
    }
  }
  agent.destroy();
  await frontEnd.close();
  await workbench.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const stats = Object.fromEntries(
    names.map((n) => [
      n,
      { p50Ms: +quantile(samples[n], 0.5).toFixed(3), p90Ms: +quantile(samples[n], 0.9).toFixed(3), p99Ms: +quantile(samples[n], 0.99).toFixed(3) },
    ]),
  );
  const compare = (side, baseline) => ({
    addedP50Ms: +(stats[side].p50Ms - stats[baseline].p50Ms).toFixed(3),
    ratioP50: +(stats[side].p50Ms / stats[baseline].p50Ms).toFixed(3),
  });
  const comparisons = {
    'REST cache hit (TOKEN)': { ...compare('restCached', 'restOpen'), side: 'restCached', baseline: 'restOpen' },
    'REST no cache (TOKEN, invoked)': { ...compare('restUncached', 'restOpen'), side: 'restUncached', baseline: 'restOpen' },
    'HTTP API cache hit (simple)': { ...compare('httpCached', 'httpOpen'), side: 'httpCached', baseline: 'httpOpen' },
    'HTTP API JWT (RS256 verify)': { ...compare('httpJwt', 'httpOpen'), side: 'httpJwt', baseline: 'httpOpen' },
  };
  for (const [label, c] of Object.entries(comparisons)) {
    console.log(
      `${label.padEnd(32)} p50 ${fmt(stats[c.side].p50Ms)} vs ${fmt(stats[c.baseline].p50Ms)} without an authorizer → ${c.addedP50Ms < 0 ? '−' : '+'}${fmt(Math.abs(c.addedP50Ms))}, ${c.ratioP50}×`,
    );
  }
  console.log(JSON.stringify({ machine: machine(), samples: SAMPLES, stats, comparisons }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
