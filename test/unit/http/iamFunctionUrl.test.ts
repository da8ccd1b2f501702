import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { TelemetryEvent } from '../../../src/core';
import { samTemplate } from '../helpers/project';
import { signedRequestHeaders, type SignOptions } from '../helpers/sigv4';
import { serveFrontEnds, type ServedFrontEnds } from './frontEnds';

// AWS_IAM function URLs verify the SigV4 signature (service `lambda`) against the credentials the
// front end is given, as Lambda does: a real engine and handler, requests from node:http signed by
// the AWS SDK's signer. Refusals are Lambda's 403s and never reach the function.

const HANDLER = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`;
const TEMPLATE = samTemplate({ Private: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: AWS_IAM}' } });
const KEYS = { accessKeyId: 'AKIAURLTEST', secretAccessKey: 'url-secret' };
const FORBIDDEN = {
  Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
};

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs (as `sign` says) and sends: the body sent may differ from the body signed. */
async function signedSend(url: string, sign: Partial<SignOptions> & { method?: string }, sentBody?: string): Promise<Reply> {
  const method = sign.method ?? 'GET';
  const headers = await signedRequestHeaders(url, { credentials: KEYS, ...sign, method });
  return send(url, method, headers, sentBody ?? (sign.body as string | undefined));
}

/** Counts the invocations the engine starts. */
function countStarts(served: ServedFrontEnds): () => number {
  let starts = 0;
  served.workbench.telemetry.subscribe((e: TelemetryEvent) => {
    if (e.type === 'platform.start') starts++;
  });
  return () => starts;
}

describe('http: AWS_IAM function URLs verify SigV4 signatures', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;
  let url: string;
  let starts: () => number;

  before(async () => {
    served = await serveFrontEnds({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER }, { iamCredentials: KEYS });
    url = served.endpoint('url', 'Private').url;
    starts = countStarts(served);
  });
  after(() => served?.close());

  it('a request the SDK signed with the credentials is served; authorizer.iam names the caller as Lambda does', async () => {
    const r = await signedSend(`${url}orders/7?expand=items&expand=customer`, { method: 'GET' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const event = r.json;
    assert.equal(event.rawPath, '/orders/7');
    assert.deepEqual(event.queryStringParameters, { expand: 'items,customer' });
    assert.equal(event.requestContext.accountId, '000000000000');
    const iam = event.requestContext.authorizer.iam;
    assert.deepEqual(Object.keys(iam), ['accessKey', 'accountId', 'callerId', 'cognitoIdentity', 'principalOrgId', 'userArn', 'userId']);
    assert.equal(iam.accessKey, 'AKIAURLTEST');
    assert.equal(iam.accountId, '000000000000');
    assert.match(iam.callerId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(iam.userId, iam.callerId);
    assert.equal(iam.userArn, 'arn:aws:iam::000000000000:user/local');
    assert.equal(iam.cognitoIdentity, null);
    assert.equal(iam.principalOrgId, null);
    // The same key is the same caller on every request.
    const again = await signedSend(url, { method: 'GET' });
    assert.equal(again.json.requestContext.authorizer.iam.callerId, iam.callerId);
  });

  it('a signed POST body reaches the function', async () => {
    const before = starts();
    const r = await signedSend(`${url}pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":5}' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.body, '{"amount":5}');
    assert.equal(starts(), before + 1, 'one invocation (the counter the refusals are checked with)');
  });

  it('unsigned: 403 AccessDeniedException with Lambda’s Forbidden body, nothing run', async () => {
    const before = starts();
    const r = await send(`${url}pay`, 'POST', { 'content-type': 'application/json' }, '{"amount":5}');
    assert.equal(r.status, 403);
    assert.equal(r.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.deepEqual(r.json, FORBIDDEN);
    // A header that only looks like a signature is no better.
    const fake = await send(url, 'GET', {
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKIAURLTEST/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc',
    });
    assert.equal(fake.status, 403);
    assert.equal(fake.headers['x-amzn-errortype'], 'IncompleteSignatureException');
    assert.equal(starts(), before, 'no invocation');
  });

  it('a wrong secret, another key, a tampered body, an expired date or another service: 403 with the SigV4 error, nothing run', async () => {
    const before = starts();
    const wrong = await signedSend(url, { credentials: { ...KEYS, secretAccessKey: 'guess' } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.deepEqual(wrong.json, {
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
    const other = await signedSend(url, { credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'url-secret' } });
    assert.equal(other.status, 403);
    assert.equal(other.headers['x-amzn-errortype'], 'UnrecognizedClientException');
    assert.deepEqual(other.json, { message: 'The security token included in the request is invalid.' });

    const tampered = await signedSend(`${url}pay`, { method: 'POST', body: '{"amount":5}' }, '{"amount":5000}');
    assert.equal(tampered.status, 403);
    assert.equal(tampered.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(tampered.json.message, /x-amz-content-sha256 must be the SHA-256 of the body/);
    const unsignedPayload = await signedSend(`${url}pay`, { method: 'POST', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: '{"amount":5}' });
    assert.equal(unsignedPayload.status, 403);
    assert.match(unsignedPayload.json.message, /UNSIGNED-PAYLOAD is not accepted/);

    const expired = await signedSend(url, { signingDate: new Date(Date.now() - 10 * 60_000) });
    assert.equal(expired.status, 403);
    assert.equal(expired.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(expired.json.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);

    const apiGateway = await signedSend(url, { service: 'execute-api' });
    assert.equal(apiGateway.status, 403);
    assert.deepEqual(apiGateway.json, { message: "Credential should be scoped to correct service: 'lambda'." });
    assert.equal(starts(), before, 'no invocation');
  });

  it('temporary credentials: the session token is required, the caller is an assumed role', async () => {
    const temporary = { accessKeyId: 'ASIAURLTEST', secretAccessKey: 'temp-secret', sessionToken: 'session-token' };
    const own = await serveFrontEnds({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER }, { iamCredentials: temporary });
    try {
      const target = own.endpoint('url', 'Private').url;
      const headers = await signedRequestHeaders(target, { credentials: temporary });
      assert.equal(headers['x-amz-security-token'], 'session-token');
      const ok = await send(target, 'GET', headers);
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      const iam = ok.json.requestContext.authorizer.iam;
      assert.match(iam.callerId, /^AROA[A-Z2-7]{17}:lambda-workbench$/);
      assert.equal(iam.userArn, 'arn:aws:sts::000000000000:assumed-role/local/lambda-workbench');
      const noToken = await send(target, 'GET', await signedRequestHeaders(target, { credentials: { ...temporary, sessionToken: undefined } }));
      assert.equal(noToken.status, 403);
      assert.equal(noToken.headers['x-amzn-errortype'], 'UnrecognizedClientException');
    } finally {
      await own.close();
    }
  });

  it('no credentials configured: a signed request is refused too, with how to configure them', async () => {
    const none = await serveFrontEnds({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER });
    try {
      const target = none.endpoint('url', 'Private').url;
      const r = await send(target, 'GET', await signedRequestHeaders(target, { credentials: KEYS }));
      assert.equal(r.status, 403);
      assert.equal(r.headers['x-amzn-errortype'], 'AccessDeniedException');
      assert.match(r.json.Message, /^Forbidden\. lambda-workbench has no credentials to verify AWS_IAM signatures against: set AWS_ACCESS_KEY_ID/);
      assert.deepEqual((await send(target, 'GET', {})).json, FORBIDDEN);
    } finally {
      await none.close();
    }
  });
});
