import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Workbench } from '../../../src/core/workbench';
import { samTemplate, writeProject } from '../helpers/project';
import { assertAwsCliV2, runLambda, type AwsRun } from '../helpers/awsCli';
import { buildIfStale, TEST_CREDENTIALS } from '../helpers/build';
import { startListening, stopServe, type ListeningServe } from '../helpers/serveProcess';

// The Invoke API through the real AWS CLI v2 (Debian's `awscli`, /usr/bin/aws — scripts/test.sh
// installs it), against `lambda-workbench serve` as a user runs it: the built CLI in its own process.

const FILES = {
  'src/app.js': `
    exports.handler = async (event, context) => {
      console.log('handling', JSON.stringify(event));
      if (event.fail) { const e = new Error('it failed: ' + event.fail); e.name = 'BusinessError'; throw e; }
      return { event, requestId: context.awsRequestId, clientContext: context.clientContext ?? null };
    };
  `,
};

describe('Invoke API through the AWS CLI v2 (/usr/bin/aws) against lambda-workbench serve', function () {
  this.timeout(60000);
  let served: ListeningServe | undefined;
  let signed: ListeningServe | undefined;
  let work: string;
  const projects: string[] = [];
  const project = () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ Echo: { handler: 'app.handler' } }), ...FILES });
    projects.push(dir);
    return dir;
  };

  /** `aws lambda invoke` with a clean, file-less configuration and no retries; the outfile is read back. */
  async function aws(args: string[], credentials = { id: 'test', secret: 'test' }, endpoint = served!.url): Promise<AwsRun & { out: string }> {
    const outfile = path.join(work, `out-${Math.random().toString(36).slice(2)}.json`);
    const run = await runLambda(['invoke', ...args, outfile], endpoint, work, credentials);
    return { ...run, out: fs.existsSync(outfile) ? fs.readFileSync(outfile, 'utf8') : '' };
  }

  before(async function () {
    assertAwsCliV2();
    buildIfStale();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-awscli-'));
    served = await startListening(['-t', project()], { env: TEST_CREDENTIALS });
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
  after(async () => {
    await stopServe(served);
    await stopServe(signed);
    for (const dir of [work, ...projects]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('success: StatusCode 200, ExecutedVersion $LATEST, the response in the outfile', async () => {
    const r = await aws(['--function-name', 'Echo', '--payload', '{"hello":"cli"}']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { StatusCode: 200, ExecutedVersion: '$LATEST' });
    const body = JSON.parse(r.out);
    assert.deepEqual(body.event, { hello: 'cli' });
    assert.match(body.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(body.clientContext, null);
  });

  it('--log-type Tail: LogResult is base64 of START … REPORT of that invocation', async () => {
    const r = await aws(['--function-name', 'Echo', '--payload', '{"tail":true}', '--log-type', 'Tail']);
    assert.equal(r.status, 0, r.stderr);
    const id = JSON.parse(r.out).requestId;
    const log = Buffer.from(r.json.LogResult, 'base64').toString('utf8');
    assert.match(log, new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\n`));
    assert.match(log, /\tINFO\thandling {"tail":true}\n/);
    assert.match(
      log,
      new RegExp(
        `END RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB.*\\n$`,
      ),
    );
  });

  it('--client-context (base64 JSON) reaches context.clientContext', async () => {
    const context = { client: { installation_id: 'i-cli' }, custom: { tenant: 'acme' }, env: { locale: 'en' } };
    const r = await aws(['--function-name', 'Echo', '--payload', '{}', '--client-context', Buffer.from(JSON.stringify(context)).toString('base64')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.out).clientContext, context);
  });

  it('a function error: FunctionError Unhandled in the output, the error JSON in the outfile (exit 0, as AWS)', async () => {
    const r = await aws(['--function-name', 'Echo', '--payload', '{"fail":"card declined"}']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    const error = JSON.parse(r.out);
    assert.equal(error.errorType, 'BusinessError');
    assert.equal(error.errorMessage, 'it failed: card declined');
    assert.ok(Array.isArray(error.trace));
  });

  it("an unknown function: ResourceNotFoundException on stderr, the CLI's service-error exit status", async () => {
    const r = await aws(['--function-name', 'Nope', '--payload', '{}']);
    assert.ok(r.status === 254 || r.status === 255, `exit status ${r.status}`);
    assert.match(
      r.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the Invoke operation(?: \(reached max retries: 0\))?: Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope/,
    );
    assert.equal(r.stdout, '');
  });

  it('a payload that is not JSON: InvalidRequestContentException', async () => {
    const r = await aws(['--function-name', 'Echo', '--payload', '{not json']);
    assert.ok(r.status === 254 || r.status === 255, `exit status ${r.status}`);
    assert.match(
      r.stderr,
      /\(InvalidRequestContentException\) when calling the Invoke operation(?: \(reached max retries: 0\))?: Could not parse request body into json/,
    );
  });

  it('--invocation-type DryRun: StatusCode 204, nothing run', async () => {
    const before = served!.stderr().split('START RequestId').length;
    const r = await aws(['--function-name', 'Echo', '--payload', '{}', '--invocation-type', 'DryRun']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { StatusCode: 204 });
    assert.equal(r.out, '');
    const dry = await aws(['--function-name', 'Nope', '--payload', '{}', '--invocation-type', 'DryRun']);
    assert.match(dry.stderr, /\(ResourceNotFoundException\)/);
    assert.equal(served!.stderr().split('START RequestId').length, before, 'no invocation started');
  });

  it('--invocation-type Event: StatusCode 202 and the function runs', async () => {
    // A rename of invokeAsync fails here rather than skipping the test.
    assert.equal(typeof (Workbench.prototype as unknown as Record<string, unknown>).invokeAsync, 'function', 'Workbench.invokeAsync exists');
    const r = await aws(['--function-name', 'Echo', '--payload', '{"async":"cli"}', '--invocation-type', 'Event']);
    assert.equal(r.status, 0, `${r.stderr} (a stale dist/? run node scripts/build.mjs)`);
    assert.equal(r.json.StatusCode, 202);
    assert.equal(r.out, '');
    const deadline = Date.now() + 10000;
    while (!served!.stderr().includes('handling {"async":"cli"}') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.match(served!.stderr(), /handling {"async":"cli"}/, 'the event was handled');
  });

  it("with --verify-signatures the CLI's SigV4 signature is accepted, a wrong secret is not", async () => {
    signed = await startListening(['-t', project(), '--verify-signatures', '--access-key-id', 'AKIDCLITEST', '--secret-access-key', 'cli-secret'], {
      env: TEST_CREDENTIALS,
    });
    const ok = await aws(['--function-name', 'Echo', '--payload', '{"signed":true}'], { id: 'AKIDCLITEST', secret: 'cli-secret' }, signed.url);
    assert.equal(
      ok.status,
      0,
      `${ok.stderr} (botocore signs only host;x-amz-date: the verifier must not add x-amz-content-sha256 — SignatureV4 applyChecksum: false)`,
    );
    assert.deepEqual(JSON.parse(ok.out).event, { signed: true });
    const qualified = await aws(
      ['--function-name', 'Echo', '--qualifier', '$LATEST', '--payload', '{}'],
      { id: 'AKIDCLITEST', secret: 'cli-secret' },
      signed.url,
    );
    assert.equal(qualified.status, 0, `a query string and an escaped path verify too: ${qualified.stderr}`);
    const wrong = await aws(['--function-name', 'Echo', '--payload', '{}'], { id: 'AKIDCLITEST', secret: 'not-it' }, signed.url);
    assert.ok(wrong.status === 254 || wrong.status === 255, `exit status ${wrong.status}`);
    assert.match(
      wrong.stderr,
      /\(InvalidSignatureException\) when calling the Invoke operation(?: \(reached max retries: 0\))?: The request signature we calculated does not match/,
    );
  });
});
