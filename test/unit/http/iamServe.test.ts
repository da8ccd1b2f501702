import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { samTemplate, writeProject } from '../helpers/project';
import { startServe, stopServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';
import { signedRequestHeaders } from '../helpers/sigv4';

// `lambda-workbench serve` (the built CLI, a process of its own) with an AWS_IAM function URL: the
// signature is verified against the credentials serve finds as `--verify-signatures` finds them
// (the environment, else --profile / AWS_PROFILE), signed by the AWS SDK's signer and by botocore
// (what the AWS CLI and Python clients sign with).

const HANDLER = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ iam: event.requestContext.authorizer?.iam ?? null, body: event.body ?? null, query: event.queryStringParameters ?? null }) });`;
const TEMPLATE = samTemplate({ Private: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: AWS_IAM}' } });
const ENV_KEYS = { AWS_ACCESS_KEY_ID: 'AKIASERVEURL', AWS_SECRET_ACCESS_KEY: 'serve-url-secret' };
const SIGNER = { accessKeyId: ENV_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: ENV_KEYS.AWS_SECRET_ACCESS_KEY };
const URL_LINE = /^Function URL for Private: (http:\/\/127\.0\.0\.1:\d+\/) \((AWS_IAM: [^)]*)\)$/m;

/** Debian's python3 has botocore; null when no python with it is found. */
const BOTOCORE_PYTHON =
  ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0) ?? null;

/** Headers botocore's SigV4Auth adds for this request (service lambda, us-east-1). */
function botocoreHeaders(url: string, method: string, body: string, accessKeyId: string, secretAccessKey: string): Record<string, string> {
  const script = [
    'import json, sys',
    'from botocore.auth import SigV4Auth',
    'from botocore.awsrequest import AWSRequest',
    'from botocore.credentials import Credentials',
    'url, method, body, key, secret = sys.argv[1:6]',
    "request = AWSRequest(method=method, url=url, data=body.encode() if body else None, headers={'Content-Type': 'application/json'})",
    "SigV4Auth(Credentials(key, secret), 'lambda', 'us-east-1').add_auth(request)",
    'print(json.dumps(dict(request.headers.items())))',
  ].join('\n');
  const run = spawnSync(BOTOCORE_PYTHON!, ['-c', script, url, method, body, accessKeyId, secretAccessKey], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe('serve: AWS_IAM function URLs verify signatures against your credentials', function () {
  this.timeout(60000);
  let dir: string;
  let serve: ServeProcess | undefined;
  let url: string;

  before(async () => {
    buildIfStale();
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER });
    serve = startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0'], { env: ENV_KEYS });
    const line = await waitForOutput(serve, URL_LINE);
    assert.equal(line[2], 'AWS_IAM: SigV4 signatures verified against your credentials');
    url = line[1]!;
  });
  after(async () => {
    await stopServe(serve);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signed with the environment’s keys by the AWS SDK: 200, the caller in authorizer.iam', async () => {
    const target = `${url}orders?id=7`;
    const credentials = SIGNER;
    const r = await httpRequest(
      'POST',
      target,
      '{"n":1}',
      await signedRequestHeaders(target, { method: 'POST', credentials, headers: { 'content-type': 'application/json' }, body: '{"n":1}' }),
    );
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body);
    assert.equal(seen.body, '{"n":1}');
    assert.deepEqual(seen.query, { id: '7' });
    assert.equal(seen.iam.accessKey, 'AKIASERVEURL');
    assert.equal(seen.iam.userArn, 'arn:aws:iam::000000000000:user/local');
  });

  it('signed by botocore (the AWS CLI’s and Python’s signer): 200; with a wrong secret: 403', function () {
    if (!BOTOCORE_PYTHON) this.skip();
    return (async () => {
      const target = `${url}items/a%20b?tag=x&tag=y`;
      const ok = await httpRequest(
        'POST',
        target,
        '{"py":1}',
        botocoreHeaders(target, 'POST', '{"py":1}', ENV_KEYS.AWS_ACCESS_KEY_ID, ENV_KEYS.AWS_SECRET_ACCESS_KEY),
      );
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(JSON.parse(ok.body).query, { tag: 'x,y' });
      const wrong = await httpRequest('POST', target, '{"py":1}', botocoreHeaders(target, 'POST', '{"py":1}', ENV_KEYS.AWS_ACCESS_KEY_ID, 'nope'));
      assert.equal(wrong.status, 403);
      assert.equal(wrong.headers['x-amzn-errortype'], 'InvalidSignatureException');
    })();
  });

  it('unsigned, wrongly signed or with a body other than the one signed: 403, nothing run', async () => {
    await httpRequest('POST', url, '{}', await signedRequestHeaders(url, { method: 'POST', credentials: SIGNER, body: '{}' }));
    // Invocations show on stderr (what "nothing run" counts): wait for this one's lines to arrive.
    const until = Date.now() + 5000;
    while (!/REPORT RequestId/.test(serve!.stderr()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(serve!.stderr(), /START RequestId/);
    const before = serve!.stderr().split('START RequestId').length;
    const unsigned = await httpRequest('GET', url);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.match(JSON.parse(unsigned.body).Message, /^Forbidden\. For troubleshooting Function URL authorization issues/);
    const wrong = await httpRequest(
      'GET',
      url,
      undefined,
      await signedRequestHeaders(url, { credentials: { accessKeyId: 'AKIASERVEURL', secretAccessKey: 'guess' } }),
    );
    assert.equal(wrong.status, 403);
    const credentials = SIGNER;
    const tampered = await httpRequest('POST', url, '{"n":2}', await signedRequestHeaders(url, { method: 'POST', credentials, body: '{"n":1}' }));
    assert.equal(tampered.status, 403);
    const expired = await httpRequest('GET', url, undefined, await signedRequestHeaders(url, { credentials, signingDate: new Date(Date.now() - 3600_000) }));
    assert.equal(expired.status, 403);
    assert.match(JSON.parse(expired.body).message, /^Signature expired: /);
    assert.equal(serve!.stderr().split('START RequestId').length, before, 'no invocation');
  });

  it('--profile: the keys (and session token) of a credentials profile', async () => {
    const credentials = path.join(dir, 'credentials');
    fs.writeFileSync(credentials, '[urls]\naws_access_key_id = ASIAPROFILEURL\naws_secret_access_key = profile-secret\naws_session_token = profile-token\n');
    const own = startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0', '--profile', 'urls'], { env: { AWS_SHARED_CREDENTIALS_FILE: credentials } });
    try {
      const line = await waitForOutput(own, URL_LINE);
      assert.equal(line[2], 'AWS_IAM: SigV4 signatures verified against your credentials');
      const keys = { accessKeyId: 'ASIAPROFILEURL', secretAccessKey: 'profile-secret', sessionToken: 'profile-token' };
      const ok = await httpRequest('GET', line[1]!, undefined, await signedRequestHeaders(line[1]!, { credentials: keys }));
      assert.equal(ok.status, 200, ok.body);
      assert.match(JSON.parse(ok.body).iam.userArn, /^arn:aws:sts::000000000000:assumed-role\//);
      const noToken = await httpRequest(
        'GET',
        line[1]!,
        undefined,
        await signedRequestHeaders(line[1]!, { credentials: { ...keys, sessionToken: undefined } }),
      );
      assert.equal(noToken.status, 403);
      assert.equal(noToken.headers['x-amzn-errortype'], 'UnrecognizedClientException');
    } finally {
      await stopServe(own);
    }
  });

  it('no credentials anywhere: the URL’s line says so, and a signed request is refused with how to configure them', async () => {
    const own = startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0']);
    try {
      const line = await waitForOutput(own, URL_LINE);
      assert.match(line[2]!, /^AWS_IAM: no credentials to verify SigV4 signatures against, every request is refused: set AWS_ACCESS_KEY_ID/);
      const credentials = SIGNER;
      const r = await httpRequest('GET', line[1]!, undefined, await signedRequestHeaders(line[1]!, { credentials }));
      assert.equal(r.status, 403);
      assert.match(JSON.parse(r.body).Message, /no credentials to verify AWS_IAM signatures against: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    } finally {
      await stopServe(own);
    }
  });
});
