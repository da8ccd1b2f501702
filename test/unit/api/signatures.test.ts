import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { readRunningServe } from '../../../src/core/api/serveDiscovery';
import { RemoteDebugTarget } from '../../../src/debug/remoteDebugTarget';
import { buildIfStale, cleanEnv, runCliSync } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { samTemplate, writeEchoProject, writeProject } from '../helpers/project';
import { exitWithin, listening, startServe, type ServeProcess } from '../helpers/serveProcess';

// `serve --verify-signatures` (a real process): the payload hash must be signed and match the body
// (no UNSIGNED-PAYLOAD replay); credentials from the environment alone (no secret on the command
// line); the CLI's own queue commands sign their requests with the user's credentials.

const HANDLER = `
  const fs = require('fs');
  exports.handler = async (event) => { fs.appendFileSync(process.env.RAN, JSON.stringify(event) + '\\n'); return { event }; };
`;

const KEY = { AWS_ACCESS_KEY_ID: 'AKIDENVONLY', AWS_SECRET_ACCESS_KEY: 'env-only-secret' };
/** A clean environment (no profile of the user's) plus these variables. */

describe('serve --verify-signatures: signed payloads, credentials from the environment, the CLI signing', function () {
  this.timeout(60000);
  let dir: string;
  let ran: string;
  let s: ServeProcess;
  let url: string;
  const runs = () => (fs.existsSync(ran) ? fs.readFileSync(ran, 'utf8') : '');

  before(async () => {
    buildIfStale();
    ({ dir, file: ran } = writeEchoProject(HANDLER));
    // The credentials come from the environment only: no secret on the command line.
    s = startServe(['--port', '0', '-t', dir, '--verify-signatures'], { env: KEY });
    url = await listening(s);
  });
  after(async () => {
    s.child.kill('SIGTERM');
    await exitWithin(s, 10000);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Headers of a request to `pathname` signed (with `payloadHash` as its x-amz-content-sha256) over `body`. */
  async function sign(pathname: string, body: string, payloadHash: string): Promise<Record<string, string>> {
    const target = new URL(pathname, url);
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEY.AWS_ACCESS_KEY_ID, secretAccessKey: KEY.AWS_SECRET_ACCESS_KEY },
      region: 'us-east-1',
      service: 'lambda',
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: {},
      headers: { host: target.host, 'content-type': 'application/json', 'x-amz-content-sha256': payloadHash },
      body,
    });
    return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
  }

  it('serve with only env credentials verifies SDK requests signed with them; other keys are refused', async () => {
    const sdk = (secretAccessKey: string) =>
      new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: KEY.AWS_ACCESS_KEY_ID, secretAccessKey }, maxAttempts: 1 });
    const good = sdk(KEY.AWS_SECRET_ACCESS_KEY);
    const bad = sdk('wrong');
    try {
      const out = await good.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"sdk":1}') }));
      assert.equal(out.StatusCode, 200);
      assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString('utf8')).event, { sdk: 1 });
      await assert.rejects(
        bad.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{}') })),
        (e: any) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403,
      );
    } finally {
      good.destroy();
      bad.destroy();
    }
  });

  it('serve --profile takes the keys of a credentials profile (nothing secret on the command line)', async () => {
    // A project of its own: this serve's serve.json must not replace the other's.
    const own = writeProject({ 'src/app.js': 'exports.handler = async (e) => e;', 'template.yaml': samTemplate({ Echo: { handler: 'app.handler' } }) });
    const credentials = path.join(own, 'credentials');
    fs.writeFileSync(credentials, '[workbench]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');
    const p = startServe(['--port', '0', '-t', own, '--verify-signatures', '--profile', 'workbench'], { env: { AWS_SHARED_CREDENTIALS_FILE: credentials } });
    const sdk = new LambdaClient({
      endpoint: await listening(p),
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDPROFILE', secretAccessKey: 'profile-secret' },
      maxAttempts: 1,
    });
    try {
      const out = await sdk.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"profile":1}') }));
      assert.equal(out.StatusCode, 200);
      assert.doesNotMatch(fs.readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8'), /profile-secret/);
    } finally {
      sdk.destroy();
      p.child.kill('SIGTERM');
      await exitWithin(p, 10000);
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('UNSIGNED-PAYLOAD replayed with another body: 403 InvalidSignatureException, nothing run', async () => {
    const pathname = '/2015-03-31/functions/Echo/invocations';
    const headers = await sign(pathname, '{"original":1}', 'UNSIGNED-PAYLOAD');
    const before = runs();
    const replay = await httpRequest('POST', `${url}${pathname}`, '{"replayed":1}', headers);
    assert.equal(replay.status, 403, replay.body);
    assert.equal(replay.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(JSON.parse(replay.body).message, /payload must be signed.*UNSIGNED-PAYLOAD/);
    // A signed hash of one body, sent with another.
    const other = await sign(pathname, '{"original":1}', createHash('sha256').update('{"original":1}').digest('hex'));
    const swapped = await httpRequest('POST', `${url}${pathname}`, '{"replayed":2}', other);
    assert.equal(swapped.status, 403, swapped.body);
    assert.equal(swapped.headers['x-amzn-errortype'], 'InvalidSignatureException');
    // PublishVersion the same way.
    const publish = await httpRequest(
      'POST',
      `${url}/2015-03-31/functions/Echo/versions`,
      '{}',
      await sign('/2015-03-31/functions/Echo/versions', '{"Description":"x"}', 'UNSIGNED-PAYLOAD'),
    );
    assert.equal(publish.status, 403, publish.body);
    assert.equal(runs(), before, 'nothing ran');
    // The signed original is served.
    const ok = await httpRequest('POST', `${url}${pathname}`, '{"original":1}', other);
    assert.equal(ok.status, 200, ok.body);
  });

  it("send-message signs with the user's credentials: served with the same env, a one-line error with wrong ones", () => {
    const cli = (env: NodeJS.ProcessEnv) => runCliSync(['send-message', 'Jobs', '--body', 'signed', '-t', dir], { env: cleanEnv(env) });
    const ok = cli(KEY);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^Sent message [0-9a-f-]{36} to Jobs\n$/);
    const queues = runCliSync(['queues', '--json', '-t', dir], { env: cleanEnv(KEY) });
    assert.equal(queues.status, 0, queues.stderr);
    assert.equal(JSON.parse(queues.stdout).find((q: any) => q.Name === 'Jobs' || q.LogicalId === 'Jobs' || /Jobs/.test(JSON.stringify(q))).Visible, 1);
    const wrong = cli({ AWS_ACCESS_KEY_ID: KEY.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: 'wrong' });
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.match(wrong.stderr, /^InvalidSignatureException: The request signature we calculated does not match/);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    const none = cli({});
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /^lambda-workbench serve at http:\S+ verifies signatures \(--verify-signatures\): no credentials/);
    assert.equal(none.stderr.trim().split('\n').length, 1, none.stderr);
  });

  it("the debug adapter's requests (RemoteDebugTarget, as serve.json describes the serve) are signed too", async () => {
    const running = readRunningServe(path.join(dir, '.lambda-workbench'))!;
    assert.equal(running.verifySignatures, true);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, KEY);
    const target = new RemoteDebugTarget(running.url, running.token, running.region);
    try {
      const { fn } = await target.enable('Echo', { environment: { LWB_DEBUG_TEST: '1' } });
      assert.equal(fn.functionName, 'Echo');
      const unsubscribe = await target.subscribe(new Set(['Echo']), () => undefined);
      unsubscribe();
      await target.disable('Echo');
    } finally {
      await target.close();
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
