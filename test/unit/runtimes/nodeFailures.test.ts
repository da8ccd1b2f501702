import { strict as assert } from 'node:assert';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProjectBeforeAll, samTemplate } from '../helpers/project';

// Every way a handler can misbehave gets AWS's exact error type, and the engine keeps serving.

describe('Node runtime: failure modes', function () {
  this.timeout(30000);
  let workbench: Workbench;
  openProjectBeforeAll(
    {
      'template.yaml': samTemplate({
        Good: { handler: 'good.handler' },
        Syntax: { handler: 'syntax.handler' },
        EsmSyntax: { handler: 'esmsyntax.handler' },
        Missing: { handler: 'good.nosuch' },
        NoModule: { handler: 'nowhere.handler' },
        BadImport: { handler: 'badimport.handler' },
        ThrowInit: { handler: 'throwinit.handler' },
        ExitInit: { handler: 'exitinit.handler' },
        Throws: { handler: 'throws.handler' },
        Rejects: { handler: 'throws.rejectString' },
        ExitInvoke: { handler: 'exits.handler' },
        ExitAfter: { handler: 'exits.after' },
        Uncaught: { handler: 'exits.uncaught' },
        Hang: { handler: 'hang.handler', props: 'Timeout: 1' },
        Garbage: { handler: 'garbage.handler' },
        Huge: { handler: 'huge.handler' },
        Circular: { handler: 'huge.circular' },
        Malformed: { handler: 'nodot' },
      }),
      'src/good.js': `let n = 0; exports.handler = async (e) => ({ ok: true, n: ++n, pid: process.pid });`,
      'src/syntax.js': `exports.handler = async () => { return 1 +; };`,
      'src/esmsyntax.mjs': `export const handler = async () => { return {{ };`,
      'src/badimport.js': `require('./not-there'); exports.handler = async () => 1;`,
      'src/throwinit.js': `class ConfigError extends Error { constructor(m) { super(m); this.name = 'ConfigError'; } }\nthrow new ConfigError('missing TABLE_NAME');`,
      'src/exitinit.js': `console.log('bye'); process.exit(3);`,
      'src/throws.js': `
        class MyCustomError extends Error { constructor(m) { super(m); this.name = 'MyCustomError'; } }
        exports.handler = async (e) => { throw new MyCustomError('boom: ' + e.x); };
        exports.rejectString = async () => Promise.reject('plain string');
      `,
      'src/exits.js': `
        exports.handler = async () => { process.exit(1); };
        exports.after = async () => { setTimeout(() => process.exit(2), 50); return 'answered'; };
        exports.uncaught = async () => { setTimeout(() => { throw new TypeError('late'); }, 10); return 'answered first'; };
      `,
      'src/hang.js': `exports.handler = () => new Promise(() => { setInterval(() => {}, 1000); });`,
      'src/garbage.js': `
        const http = require('http');
        const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
        const post = (path, body) => new Promise((resolve) => {
          const req = http.request({ host, port, path, method: 'POST' }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
          req.on('error', () => resolve(-1)); req.end(body);
        });
        exports.handler = async (event, context) => {
          const wrongId = await post('/2018-06-01/runtime/invocation/not-the-id/response', 'x');
          const nextAgain = await new Promise((resolve) => { http.get({ host, port, path: '/2018-06-01/runtime/invocation/next' }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(-1)); });
          const raw = await new Promise((resolve) => { const s = require('net').connect(port, host, () => s.end('GARBAGE\\r\\n\\r\\n')); s.on('data', (d) => resolve(String(d).split('\\r\\n')[0])); s.on('error', () => resolve('error')); });
          return { wrongId, nextAgain, raw };
        };
      `,
      'src/huge.js': `exports.handler = async () => 'x'.repeat(7 * 1024 * 1024); exports.circular = async () => { const a = {}; a.a = a; return a; };`,
    },
    (opened) => (workbench = opened),
  );

  async function expectError(name: string, errorType: string, message?: RegExp) {
    const result = await workbench.invoke(name, '{"x":1}');
    assert.equal(result.functionError, 'Unhandled', `${name} should fail`);
    const body = json(result.payload);
    assert.equal(body.errorType, errorType, `${name}: ${result.payload}`);
    assert.equal(result.errorType, errorType);
    if (message) assert.match(body.errorMessage, message);
    return { result, body };
  }

  async function expectStillServing() {
    const ok = await workbench.invoke('Good', '{}');
    assert.equal(ok.functionError, undefined);
    assert.equal(json(ok.payload).ok, true);
  }

  it('syntax error in the handler → Runtime.UserCodeSyntaxError (CommonJS and ES module)', async () => {
    await expectError('Syntax', 'Runtime.UserCodeSyntaxError', /^SyntaxError: Unexpected token/);
    await expectError('EsmSyntax', 'Runtime.UserCodeSyntaxError', /^SyntaxError/);
    await expectStillServing();
  });

  it('missing handler export → Runtime.HandlerNotFound', async () => {
    await expectError('Missing', 'Runtime.HandlerNotFound', /^good\.nosuch is undefined or not exported$/);
  });

  it('missing module → Runtime.ImportModuleError, also for a failed require inside the module', async () => {
    await expectError('NoModule', 'Runtime.ImportModuleError', /Cannot find module 'nowhere'/);
    await expectError('BadImport', 'Runtime.ImportModuleError', /Cannot find module '\.\/not-there'/);
    await expectError('Malformed', 'Runtime.MalformedHandlerName', /Bad handler nodot/);
  });

  it('a throw during init returns the error to the triggering invocation and discards the environment', async () => {
    const { result } = await expectError('ThrowInit', 'ConfigError', /^missing TABLE_NAME$/);
    assert.equal(result.coldStart, true);
    const logs = await workbench.invoke('ThrowInit', '{}', { collectLogs: true }).then((r) => r.logs);
    const uncaught = logs.findIndex((l) => /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"ConfigError","errorMessage":"missing TABLE_NAME"/.test(l));
    const initReport = logs.findIndex((l) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: ConfigError$/.test(l));
    assert.ok(uncaught > 0 && initReport > uncaught, logs.join('\n'));
    assert.match(logs[logs.length - 1], /^REPORT RequestId: .*\tStatus: error\tError Type: ConfigError$/);
    const again = await workbench.invoke('ThrowInit', '{}');
    assert.equal(again.coldStart, true, 'a failed environment is never reused');
    assert.notEqual(again.environmentId, result.environmentId);
    await expectStillServing();
  });

  it('process.exit during init → Runtime.ExitError', async () => {
    await expectError('ExitInit', 'Runtime.ExitError', /Runtime exited with error: exit status 3/);
  });

  it("thrown errors and rejections in AWS's shape {errorType, errorMessage, trace}", async () => {
    const { body } = await expectError('Throws', 'MyCustomError', /^boom: 1$/);
    assert.ok(Array.isArray(body.trace));
    assert.match(body.trace[0], /^MyCustomError: boom: 1/);
    const rejected = await expectError('Rejects', 'string', /^plain string$/);
    assert.deepEqual(rejected.body.trace, []);
    // A handler error does not end the environment.
    const warm = await workbench.invoke('Throws', '{"x":2}');
    assert.equal(warm.coldStart, false);
  });

  it('process.exit during an invocation → Runtime.ExitError, and the next invocation cold-starts', async () => {
    const { result } = await expectError('ExitInvoke', 'Runtime.ExitError', /^RequestId: [0-9a-f-]+ Error: Runtime exited with error: exit status 1$/);
    const next = await workbench.invoke('ExitInvoke', '{}', { collectLogs: true });
    assert.match((await next.logs).at(-1)!, /\tStatus: error\tError Type: Runtime\.ExitError$/);
    assert.equal(next.coldStart, true);
    assert.notEqual(next.environmentId, result.environmentId);
  });

  it('exiting or throwing between invocations ends the environment without touching the answered invocation', async () => {
    for (const name of ['ExitAfter', 'Uncaught']) {
      const first = await workbench.invoke(name, '{}');
      assert.equal(first.functionError, undefined, `${name}: ${first.payload}`);
      await new Promise((r) => setTimeout(r, 300));
      const second = await workbench.invoke(name, '{}');
      assert.equal(second.coldStart, true, `${name}: the runtime exited, so a new environment starts`);
    }
  });

  it("a hanging handler times out with AWS's message and its process is killed", async () => {
    const started = Date.now();
    const { result } = await expectError('Hang', 'Sandbox.Timedout', /^RequestId: [0-9a-f-]+ Error: Task timed out after 1\.\d\d seconds$/);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 4000, `took ${elapsed} ms`);
    const logs = await result.logs;
    void logs;
    const next = await workbench.invoke('Hang', '{}', { collectLogs: true });
    assert.equal(next.coldStart, true, 'the environment was reset');
    const lines = await next.logs;
    assert.ok(lines.some((l) => /Task timed out after 1\.\d\d seconds$/.test(l)));
    assert.ok(
      lines.some((l) => /^REPORT .*\tStatus: timeout$/.test(l)),
      lines.join('\n'),
    );
    await expectStillServing();
  });

  it('garbage on the Runtime API from a handler is rejected and the invocation completes', async () => {
    const result = await workbench.invoke('Garbage', '{}');
    assert.deepEqual(json(result.payload), { wrongId: 400, nextAgain: 403, raw: 'HTTP/1.1 400 Bad Request' });
    await expectStillServing();
  });

  it('a response over 6 MB → Function.ResponseSizeTooLarge; an unserialisable result is a function error', async () => {
    await expectError('Huge', 'Function.ResponseSizeTooLarge', /exceeded maximum allowed payload size/);
    await expectError('Circular', 'TypeError', /circular/i);
    await expectStillServing();
  });
});
