import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { verifySignatureV4, type RequestToVerify, type SigningCredentials } from '../../../src/core/util/signatureV4';
import { signedRequestHeaders, type SignOptions } from '../helpers/sigv4';

// The one SigV4 verifier of the Lambda API (`serve --verify-signatures`) and AWS_IAM function URLs,
// against requests signed by the AWS SDK's own signer (@smithy/signature-v4): what passes and
// AWS's type and message for each way a request fails.

const CREDENTIALS: SigningCredentials = { accessKeyId: 'AKIDVERIFY', secretAccessKey: 'verify-secret' };
const URL_BASE = 'http://127.0.0.1:4321';

/** The request a server receives: `url`'s path and query, the signed headers as raw headers. */
async function signed(url: string, options: Partial<SignOptions> = {}, send: { body?: string; extra?: Record<string, string> } = {}): Promise<RequestToVerify> {
  const headers = await signedRequestHeaders(url, { credentials: CREDENTIALS, ...options });
  const target = new URL(url);
  const rawHeaders = Object.entries({ ...headers, ...send.extra }).flat();
  const body = send.body ?? options.body ?? '';
  return { method: options.method ?? 'GET', url: `${target.pathname}${target.search}`, rawHeaders, body: Buffer.from(body) };
}

const verify = (request: RequestToVerify, credentials = CREDENTIALS, now?: number) => verifySignatureV4(request, credentials, { service: 'lambda', now });

describe('SigV4 verification (util/signatureV4)', () => {
  it('accepts what the SDK signs: a body, an escaped path, repeated query keys, unsigned extra headers', async () => {
    const post = await signed(`${URL_BASE}/orders/a%20b/%24LATEST?x=1&x=2&y=%2Fz&flag`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    post.rawHeaders = [...post.rawHeaders, 'User-Agent', 'test', 'X-Amzn-Trace-Id', 'Root=1-0-0'];
    assert.deepEqual(await verify(post), { ok: true, accessKeyId: 'AKIDVERIFY' });
    assert.deepEqual(await verify(await signed(`${URL_BASE}/`)), { ok: true, accessKeyId: 'AKIDVERIFY' });
  });

  it('no Authorization: MissingAuthenticationTokenException; a malformed one or no date: IncompleteSignatureException', async () => {
    assert.deepEqual(await verify({ method: 'GET', url: '/', rawHeaders: ['Host', '127.0.0.1'], body: Buffer.alloc(0) }), {
      ok: false,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const bearer = await verify({ method: 'GET', url: '/', rawHeaders: ['Authorization', 'Bearer abc'], body: Buffer.alloc(0) });
    assert.equal(bearer.ok === false && bearer.type, 'IncompleteSignatureException');
    const request = await signed(`${URL_BASE}/`);
    const withoutDate: RequestToVerify = { ...request, rawHeaders: withoutHeader(request.rawHeaders, 'x-amz-date') };
    const noDate = await verify(withoutDate);
    assert.equal(noDate.ok === false && noDate.type, 'IncompleteSignatureException');
    assert.match(noDate.ok === false ? noDate.message : '', /requires existence of either a 'X-Amz-Date' or a 'Date' header/);
  });

  it('a wrong secret: InvalidSignatureException with AWS message; another key: UnrecognizedClientException', async () => {
    const wrong = await verify(await signed(`${URL_BASE}/`, { credentials: { accessKeyId: 'AKIDVERIFY', secretAccessKey: 'guess' } }));
    assert.deepEqual(wrong, {
      ok: false,
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
    const other = await verify(await signed(`${URL_BASE}/`, { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'verify-secret' } }));
    assert.deepEqual(other, { ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('a tampered request: another body, path, query or signed header value fails; an added unsigned header does not', async () => {
    const body = await signed(`${URL_BASE}/`, { method: 'POST', body: '{"amount":1}' }, { body: '{"amount":1000}' });
    assert.equal((await verify(body)).ok, false, 'another body than the one signed');
    // The body's hash left out of the headers: the signature itself covers the body.
    const noHash = await signed(`${URL_BASE}/`, { method: 'POST', body: '{"amount":1}' });
    const tampered: RequestToVerify = { ...noHash, rawHeaders: withoutHeader(noHash.rawHeaders, 'x-amz-content-sha256'), body: Buffer.from('{"amount":2}') };
    const failed = await verify(tampered);
    assert.equal(failed.ok === false && failed.type, 'InvalidSignatureException');
    assert.match(failed.ok === false ? failed.message : '', /signature we calculated does not match/);
    const request = await signed(`${URL_BASE}/a?x=1`, { headers: { 'x-custom': 'one' } });
    assert.equal((await verify({ ...request, url: '/b?x=1' })).ok, false, 'path');
    assert.equal((await verify({ ...request, url: '/a?x=2' })).ok, false, 'query');
    assert.equal((await verify({ ...request, rawHeaders: replaceHeader(request.rawHeaders, 'x-custom', 'two') })).ok, false, 'signed header');
    assert.equal((await verify({ ...request, rawHeaders: [...request.rawHeaders, 'X-Other', 'added'] })).ok, true, 'unsigned header');
  });

  it('UNSIGNED-PAYLOAD or a hash of another body is refused: the payload must be signed', async () => {
    const unsigned = await signed(`${URL_BASE}/`, { method: 'POST', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: '{"a":1}' });
    const result = await verify(unsigned);
    assert.equal(result.ok === false && result.type, 'InvalidSignatureException');
    assert.match(result.ok === false ? result.message : '', /payload must be signed.*UNSIGNED-PAYLOAD is not accepted/);
    const hash = createHash('sha256').update('{"a":1}').digest('hex');
    const other = await signed(`${URL_BASE}/`, { method: 'POST', headers: { 'x-amz-content-sha256': hash }, body: '{"a":1}' }, { body: '{"a":2}' });
    const mismatch = await verify(other);
    assert.match(mismatch.ok === false ? mismatch.message : '', /does not match the body received/);
  });

  it('a date more than 5 minutes away: Signature expired / not yet current, with AWS messages', async () => {
    const now = Date.UTC(2026, 0, 2, 10, 0, 0);
    const at = (offsetMs: number) => signed(`${URL_BASE}/`, { signingDate: new Date(now + offsetMs) });
    assert.equal((await verify(await at(-4 * 60_000), CREDENTIALS, now)).ok, true, '4 minutes late is within the skew');
    assert.equal((await verify(await at(4 * 60_000), CREDENTIALS, now)).ok, true, '4 minutes early is within the skew');
    assert.deepEqual(await verify(await at(-6 * 60_000), CREDENTIALS, now), {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'Signature expired: 20260102T095400Z is now earlier than 20260102T095500Z (20260102T100000Z - 5 min.)',
    });
    assert.deepEqual(await verify(await at(6 * 60_000), CREDENTIALS, now), {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'Signature not yet current: 20260102T100600Z is still later than 20260102T100500Z (20260102T100000Z + 5 min.)',
    });
  });

  it('a credential scope of another service is refused; the region is the client’s own', async () => {
    const apiGateway = await verify(await signed(`${URL_BASE}/`, { service: 'execute-api' }));
    assert.deepEqual(apiGateway, { ok: false, type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'lambda'." });
    assert.equal((await verify(await signed(`${URL_BASE}/`, { region: 'eu-west-3' }))).ok, true);
  });

  it('temporary credentials: the request must carry their session token', async () => {
    const temporary = { ...CREDENTIALS, sessionToken: 'the-token' };
    assert.equal((await verify(await signed(`${URL_BASE}/`, { credentials: temporary }), temporary)).ok, true);
    const without = await verify(await signed(`${URL_BASE}/`), temporary);
    assert.deepEqual(without, { ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const forged = await verify(await signed(`${URL_BASE}/`, { credentials: { ...temporary, sessionToken: 'another' } }), temporary);
    assert.equal(forged.ok, false);
  });
});

function withoutHeader(rawHeaders: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() !== name) out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  return out;
}

function replaceHeader(rawHeaders: readonly string[], name: string, value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push(rawHeaders[i]!, rawHeaders[i]!.toLowerCase() === name ? value : rawHeaders[i + 1]!);
  return out;
}
