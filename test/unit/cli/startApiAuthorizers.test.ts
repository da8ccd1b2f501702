import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildIfStale, CLI, runCli } from '../helpers/build';
import { writeProject } from '../helpers/project';
import { startServe, stopServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';
import { waitFor } from '../helpers/wait';

// Authorizers through `lambda-workbench start-api` as a user runs it (the built CLI in a process
// of its own, fetch as the client): a REST TOKEN Lambda authorizer whose invocations show in the
// engine log, and an HTTP API JWT authorizer whose keys come from `--jwks issuer=file`.

const ISSUER = 'https://issuer.example';

// The implicit APIs' authorizers come from Globals (SAM merges them into ServerlessRestApi / ServerlessHttpApi).
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: nodejs20.x, CodeUri: src}
  Api:
    Auth:
      DefaultAuthorizer: Token
      Authorizers:
        Token: {FunctionArn: !GetAtt Auth.Arn}
  HttpApi:
    Auth:
      Authorizers:
        Jwt:
          IdentitySource: $request.header.Authorization
          JwtConfiguration: {issuer: ${ISSUER}, audience: [web]}
Resources:
  Auth:
    Type: AWS::Serverless::Function
    Properties: {Handler: auth.handler}
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        Rest: {Type: Api, Properties: {Path: /hello, Method: GET}}
        Jwt: {Type: HttpApi, Properties: {Path: /me, Method: GET, Auth: {Authorizer: Jwt}}}
`;

const AUTH = `exports.handler = async (event) => {
  if (event.authorizationToken !== 'let-me-in') throw new Error('Unauthorized');
  return {
    principalId: 'alice',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
    context: { plan: 'pro' },
  };
};`;

const APP = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) });`;

describe('cli: start-api with authorizers', function () {
  this.timeout(90_000);
  let api: ServeProcess | undefined;
  let dir: string;

  before(() => buildIfStale());
  afterEach(async () => {
    await stopServe(api);
    api = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a Lambda authorizer (in the engine log) and verifies JWTs against --jwks', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/auth.js': AUTH, 'src/app.js': APP, 'jwks.json': JSON.stringify(jwks) });
    api = startServe([], { argv: [CLI, 'start-api', '--port', '0', '--jwks', `${ISSUER}=jwks.json`], cwd: dir });
    const base = (await waitForOutput(api, /^Local API listening on (http:\/\/127\.0\.0\.1:\d+)$/m, 30000))[1]!;

    const allowed = await fetch(`${base}/hello`, { headers: { Authorization: 'let-me-in' } });
    assert.equal(allowed.status, 200);
    const context = (await allowed.json()) as Record<string, unknown>;
    assert.equal(context.principalId, 'alice');
    assert.equal(context.plan, 'pro');
    // The authorizer ran as a function of the engine: its START / REPORT lines are in the log.
    await waitFor(() => /\[Auth [^\]]+\] REPORT RequestId/.test(api!.stderr()), 10000, "the authorizer's REPORT line");

    const missing = await fetch(`${base}/hello`);
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), { message: 'Unauthorized' });
    assert.equal((await fetch(`${base}/hello`, { headers: { Authorization: 'wrong' } })).status, 401);

    const token = await new SignJWT({ email: 'a@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('web')
      .setSubject('u1')
      .setExpirationTime('5m')
      .sign(privateKey);
    const me = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.deepEqual(((await me.json()) as { jwt: { claims: Record<string, string> } }).jwt.claims.email, 'a@example.com');
    const forged = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    assert.equal(forged.status, 401);
    assert.match(String(forged.headers.get('www-authenticate')), /signature is not valid/);
  });

  it('refuses a --jwks without issuer=file (usage error, nothing run)', async () => {
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/auth.js': AUTH, 'src/app.js': APP });
    const run = await runCli(['start-api', '--port', '0', '--jwks', 'jwks.json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--jwks expects issuer=file/);
  });
});
