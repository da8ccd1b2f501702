import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadTemplate } from '../../../src/core/config';
import { buildIfStale, jsonLines, REPO_ROOT, runCli, startCli, type CliRun } from '../helpers/build';
import { isAlive, samTemplate, writeProject } from '../helpers/project';

// The built CLI (dist/cli.js) as a user runs it: stdout, stderr and exit codes.

const examples = path.join(REPO_ROOT, 'examples', 'sam-app');

function run(args: string[], input?: string): Promise<CliRun> {
  return runCli(args, { input });
}

describe('CLI', function () {
  this.timeout(30000);

  before(() => {
    buildIfStale();
  });

  it("invoke prints the response on stdout and Lambda's log lines on stderr (exit 0)", async () => {
    const r = await run(['invoke', 'HelloCjs', '-t', examples, '--event-json', '{"name":"Ada"}', '--phases']);
    assert.equal(r.status, 0, r.stderr);
    // The example's layer carries an extension: INIT has all three sub-phases.
    assert.match(r.stderr, /^\(workbench\) INIT [\d.]+ ms = extension [\d.]+ ms \+ runtime [\d.]+ ms \+ function [\d.]+ ms$/m);
    assert.match(r.stderr, /^\[request-logger\] INVOKE /m);
    const body = JSON.parse(r.stdout);
    assert.equal(body.message, '✨ Hello, Ada! ✨', 'decorated by a module from the layer');
    assert.match(r.stderr, /^INIT_START Runtime Version: nodejs:20\./m);
    assert.match(r.stderr, new RegExp(`^START RequestId: ${body.requestId} Version: \\$LATEST$`, 'm'));
    assert.match(
      r.stderr,
      new RegExp(
        `^REPORT RequestId: ${body.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms\\t$`,
        'm',
      ),
    );
  });

  it('reads the event from a file and from standard input, and runs the bundled TypeScript function', async () => {
    const fromFile = await run(['invoke', 'OrdersTs', '-t', examples, '-e', path.join(examples, 'events', 'order.json')]);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout), { orderId: 'o-42', total: 16, table: 'orders-dev-us-east-1', function: 'dev-orders' });
    const fromStdin = await run(['invoke', 'dev-orders', '-t', examples, '-e', '-'], '{"orderId":"o-1","lines":[{"sku":"a","quantity":0,"unitPrice":1}]}');
    assert.equal(fromStdin.status, 1);
    const error = JSON.parse(fromStdin.stdout);
    assert.equal(error.errorType, 'RangeError');
    assert.match(error.errorMessage, /non-positive quantity/);
    assert.match(error.trace[1], /ts-orders\/src\/app\.ts:\d+:\d+\)$/, "the bundle's source map points the trace at the TypeScript source");
  });

  it('--repeat and --concurrency show cold starts, warm reuse and scale-out in one engine', async () => {
    const r = await run(['invoke', 'HelloCjs', '-t', examples, '--repeat', '6', '--concurrency', '2']);
    assert.equal(r.status, 0, r.stderr);
    const docs = jsonLines(r.stdout);
    assert.equal(docs.length, 6);
    // Each environment counts its own invocations: two first invocations (cold), the rest warm.
    const counts = docs.map((d) => d.invocationsInThisEnvironment);
    assert.equal(counts.filter((n) => n === 1).length, 2, counts.join(','));
    const starts = r.stderr.match(/^\[(env-[0-9a-f]+)\] START/gm) ?? [];
    assert.equal(new Set(starts.map((l) => l.slice(1, l.indexOf(']')))).size, 2);
    assert.equal((r.stderr.match(/^\[env-[0-9a-f]+\] INIT_START/gm) ?? []).length, 2);
    assert.match(r.stderr, /6 invocations: 2 cold start\(s\), 4 warm; 2 environment\(s\); 0 failed/);
  });

  it('exit 1 with the error JSON on stdout for a function error and a timeout', async () => {
    const faulty = await run(['invoke', 'Faulty', '-t', examples]);
    assert.equal(faulty.status, 1);
    assert.equal(JSON.parse(faulty.stdout).errorType, 'PaymentDeclinedError');
    const sleepy = await run(['invoke', 'Sleepy', '-t', examples]);
    assert.equal(sleepy.status, 1);
    assert.match(JSON.parse(sleepy.stdout).errorMessage, /Task timed out after 1\.\d\d seconds/);
    assert.match(sleepy.stderr, /Status: timeout/);
  });

  it('exit 2 for usage errors: unknown function, bad event JSON, missing template, bad flags', async () => {
    const unknown = await run(['invoke', 'Nope', '-t', examples]);
    assert.equal(unknown.status, 2);
    const names = (await loadTemplate(path.join(examples, 'template.yaml'))).functions.map((f) => f.logicalId);
    assert.equal(unknown.stderr.trim(), `Function Nope is not in the template (functions: ${names.join(', ')})`);
    const badJson = await run(['invoke', 'HelloCjs', '-t', examples, '--event-json', '{oops']);
    assert.equal(badJson.status, 2);
    assert.match(badJson.stderr, /The event is not valid JSON/);
    const noTemplate = await run(['invoke', 'HelloCjs', '-t', '/nonexistent/template.yaml']);
    assert.equal(noTemplate.status, 2);
    assert.match(noTemplate.stderr, /Template not found/);
    const badRepeat = await run(['invoke', 'HelloCjs', '-t', examples, '--repeat', '0']);
    assert.equal(badRepeat.status, 2);
    const badOption = await run(['invoke', 'HelloCjs', '--no-such-flag']);
    assert.equal(badOption.status, 2);
    for (const r of [unknown, badJson, noTemplate, badRepeat, badOption]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('exit 2 with one positioned message per problem for an invalid template', async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({
        Bad: { handler: 'app.handler', props: 'MemorySize: 64\nTimeout: 1000' },
        Worse: { handler: 'app.handler', props: 'Environment:\n  Variables:\n    REF: !ImportValue SharedStack-Output' },
      }).replace('Runtime: nodejs20.x', 'Runtime: nodejs99.x'),
      'src/app.js': 'exports.handler = async () => 1;',
    });
    const r = await run(['invoke', 'Bad', '-t', path.join(dir, 'template.yaml')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /template\.yaml:\d+:\d+ error .*Runtime.*nodejs99\.x/);
    assert.match(r.stderr, /template\.yaml:\d+:\d+ error .*MemorySize/);
    assert.match(r.stderr, /template\.yaml:\d+:\d+ error .*Timeout/);
    assert.match(r.stderr, /template\.yaml:\d+:\d+ \w+ .*ImportValue/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('stops cleanly on SIGINT: environments shut down, no process left behind', async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({ Long: { handler: 'long.handler', props: 'Timeout: 60' } }),
      'src/long.js': `exports.handler = async () => { console.log('pid=' + process.pid); await new Promise((r) => setTimeout(r, 60000)); };`,
    });
    const child = startCli(['invoke', 'Long', '-t', dir], { env: process.env });
    let stderr = '';
    const pid = await new Promise<number>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /pid=(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      }),
    );
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!isAlive(pid), 'the runtime process is gone');
  });

  it('list prints the functions; --help works on every command', async () => {
    const list = await run(['list', '-t', examples]);
    assert.equal(list.status, 0);
    assert.match(list.stdout, /^FUNCTION\s+RUNTIME\s+HANDLER\s+MEMORY\s+TIMEOUT$/m);
    assert.match(list.stdout, /^OrdersTs \(dev-orders\)\s+nodejs20\.x\s+app\.handler\s+256 MB\s+3 s$/m);
    const json = JSON.parse((await run(['list', '-t', examples, '--json'])).stdout);
    assert.deepEqual(
      json.map((f: { logicalId: string }) => f.logicalId),
      (await loadTemplate(path.join(examples, 'template.yaml'))).functions.map((f) => f.logicalId),
    );
    for (const args of [['--help'], ['invoke', '--help'], ['list', '--help']]) {
      const help = await run(args);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Usage: lambda-workbench/);
    }
  });
});
