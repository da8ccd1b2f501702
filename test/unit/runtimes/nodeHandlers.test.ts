import { strict as assert } from 'node:assert';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProject, openProjectBeforeAll, samTemplate, writeProject } from '../helpers/project';

// The Node runtime with real processes: module formats, handler styles, context and log lines.

describe('Node runtime: handlers', function () {
  let workbench: Workbench;
  openProjectBeforeAll(
    {
      'template.yaml': samTemplate({
        Cjs: { handler: 'cjs.handler' },
        Mjs: { handler: 'esm.handler' },
        ModuleJs: { handler: 'app.handler', codeUri: 'esm-pkg' },
        Cjs2: { handler: 'explicit.handler' },
        Nested: { handler: 'src/handlers/app.handler', codeUri: '.' },
        Callback: { handler: 'callback.handler' },
        CallbackWaits: { handler: 'callback.waits' },
        CallbackNoWait: { handler: 'callback.noWait' },
        Deep: { handler: 'cjs.handlers.deep.main' },
        Context: { handler: 'cjs.context', props: 'MemorySize: 512\nTimeout: 7\nFunctionName: my-context-fn' },
        Logs: { handler: 'cjs.logs' },
        Env: { handler: 'cjs.env', props: 'Environment:\n  Variables:\n    MY_VAR: hello\n    LANG: C.UTF-8' },
        Undefined: { handler: 'cjs.nothing' },
      }),
      'src/cjs.js': `
        let count = 0;
        exports.handler = async (event) => ({ echo: event, count: ++count, kind: 'cjs' });
        exports.handlers = { deep: { main: async () => 'deep' } };
        exports.context = async (event, context) => ({
          awsRequestId: context.awsRequestId, functionName: context.functionName, functionVersion: context.functionVersion,
          invokedFunctionArn: context.invokedFunctionArn, memoryLimitInMB: context.memoryLimitInMB,
          logGroupName: context.logGroupName, logStreamName: context.logStreamName,
          remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop,
          clientContext: context.clientContext, identity: context.identity, traceEnv: process.env._X_AMZN_TRACE_ID,
        });
        exports.logs = async () => { console.log('plain', 1, {a: 1}); console.info('info'); console.warn('warn'); console.error('error'); console.debug('debug'); console.log('multi\\nline'); return 'ok'; };
        exports.env = async () => process.env;
        exports.nothing = async () => undefined;
      `,
      'src/esm.mjs': `const ready = await Promise.resolve('tla'); export const handler = async (event) => ({ kind: 'mjs', ready, echo: event });`,
      'esm-pkg/package.json': '{"type":"module"}',
      'esm-pkg/app.js': `export async function handler(event) { return { kind: 'module-js', echo: event }; }`,
      'src/explicit.cjs': `module.exports.handler = async () => ({ kind: 'cjs-ext' });`,
      'src/handlers/app.js': `exports.handler = async () => ({ kind: 'nested' });`,
      'src/callback.js': `
        exports.handler = (event, context, callback) => { callback(null, { kind: 'callback', echo: event }); };
        exports.waits = (event, context, callback) => { const t0 = Date.now(); setTimeout(() => {}, 300); callback(null, { t0 }); };
        exports.noWait = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 2000); callback(null, { t0: Date.now() }); };
      `,
    },
    (opened) => (workbench = opened),
  );

  it('runs CommonJS, .mjs (with top-level await), "type":"module" .js and .cjs handlers', async () => {
    const [cjs, mjs, moduleJs, cjs2] = await Promise.all([
      workbench.invoke('Cjs', '{"x":1}'),
      workbench.invoke('Mjs', '{"y":2}'),
      workbench.invoke('ModuleJs', '{"z":3}'),
      workbench.invoke('Cjs2', '{}'),
    ]);
    assert.deepEqual(json(cjs.payload), { echo: { x: 1 }, count: 1, kind: 'cjs' });
    assert.deepEqual(json(mjs.payload), { kind: 'mjs', ready: 'tla', echo: { y: 2 } });
    assert.deepEqual(json(moduleJs.payload), { kind: 'module-js', echo: { z: 3 } });
    assert.deepEqual(json(cjs2.payload), { kind: 'cjs-ext' });
  });

  it('warns when a package.json outside CodeUri decides the module type locally', async () => {
    // Lambda deploys only CodeUri; Node, running natively, also sees the project's package.json.
    const dir = writeProject({
      'package.json': '{"type":"module"}',
      'template.yaml': samTemplate({ Inner: { handler: 'app.handler', codeUri: 'fn' }, Own: { handler: 'app.handler', codeUri: 'own' } }),
      'fn/app.js': `export const handler = async () => 'esm';`,
      'own/package.json': '{"type":"commonjs"}',
      'own/app.js': `exports.handler = async () => 'cjs';`,
    });
    const other = await openProject(dir);
    const warnings: string[] = [];
    other.telemetry.subscribe((e) => e.type === 'workbench.warning' && warnings.push((e.record as { message: string }).message));
    try {
      assert.equal(json((await other.invoke('Inner', '{}')).payload), 'esm');
      assert.equal(json((await other.invoke('Own', '{}')).payload), 'cjs');
      await other.invoke('Inner', '{}');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /package\.json \("type": "module"\) lies outside CodeUri .*\/fn/);
    } finally {
      await other.close();
    }
  });

  it('resolves nested handler paths and nested export paths', async () => {
    assert.deepEqual(json((await workbench.invoke('Nested', '{}')).payload), { kind: 'nested' });
    assert.equal(json((await workbench.invoke('Deep', '{}')).payload), 'deep');
  });

  it('supports callback handlers and callbackWaitsForEmptyEventLoop', async () => {
    assert.deepEqual(json((await workbench.invoke('Callback', '{"c":1}')).payload), { kind: 'callback', echo: { c: 1 } });
    const t = Date.now();
    const waits = await workbench.invoke('CallbackWaits', '{}');
    assert.ok(Date.now() - t >= 280, 'the response waited for the pending timer');
    assert.ok(json(waits.payload).t0 >= t);
    const t2 = Date.now();
    await workbench.invoke('CallbackNoWait', '{}');
    assert.ok(Date.now() - t2 < 1500, 'callbackWaitsForEmptyEventLoop=false answers at once');
  });

  it('gives the handler a complete context', async () => {
    const result = await workbench.invoke('Context', '{}', {
      clientContext: '{"client":{"app_title":"t"},"custom":{"k":"v ✓"}}',
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    });
    const ctx = json(result.payload);
    assert.equal(ctx.awsRequestId, result.requestId);
    assert.equal(ctx.functionName, 'my-context-fn');
    assert.equal(ctx.functionVersion, '$LATEST');
    assert.equal(ctx.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:my-context-fn');
    assert.equal(ctx.memoryLimitInMB, '512');
    assert.equal(ctx.logGroupName, '/aws/lambda/my-context-fn');
    assert.match(ctx.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(ctx.remaining > 6000 && ctx.remaining <= 7000, `remaining ${ctx.remaining}`);
    assert.equal(ctx.waits, true);
    assert.deepEqual(ctx.clientContext, { client: { app_title: 't' }, custom: { k: 'v ✓' } }, 'non-latin1 characters survive the header');
    assert.equal(ctx.traceEnv, 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1');
    assert.equal(result.executedVersion, '$LATEST');
  });

  it('writes Lambda log lines for each console method, multi-line records kept whole', async () => {
    const result = await workbench.invoke('Logs', '{}', { collectLogs: true });
    const lines = await result.logs;
    const id = result.requestId;
    const fn = lines.filter((l) => l.includes(`\t${id}\t`));
    const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
    assert.match(fn[0], new RegExp(`^${iso}\\t${id}\\tINFO\\tplain 1 \\{ a: 1 \\}$`));
    assert.deepEqual(
      fn.slice(1).map((l) => l.split('\t').slice(2).join('\t')),
      ['INFO\tinfo', 'WARN\twarn', 'ERROR\terror', 'DEBUG\tdebug', 'INFO\tmulti\nline'],
    );
    assert.ok(lines.some((l) => l === `START RequestId: ${id} Version: $LATEST`));
    assert.ok(lines.some((l) => l === `END RequestId: ${id}`));
    const report = lines.find((l) => l.startsWith('REPORT'))!;
    assert.match(
      report,
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d{2} ms\\t$`,
      ),
    );
    assert.ok(lines.indexOf(`END RequestId: ${id}`) > lines.indexOf(fn[fn.length - 1]), 'END comes after the function lines');
  });

  it("sets the environment variables as AWS does, with the function's own (unreserved ones overridable)", async () => {
    const env = json((await workbench.invoke('Env', '{}')).payload);
    assert.equal(env.MY_VAR, 'hello');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'us-east-1');
    assert.equal(env._HANDLER, 'cjs.env');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'Env');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '128');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/Env');
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.match(env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
    assert.match(env.LAMBDA_TASK_ROOT, /src$/);
    assert.ok(env.LAMBDA_RUNTIME_DIR);
    assert.equal(env.TZ, ':UTC');
    assert.equal(env.LANG, 'C.UTF-8', 'unreserved variables can be overridden');
    assert.equal(env.AWS_ACCESS_KEY_ID, 'ASIALAMBDAWORKBENCHFAKE');
    assert.ok(env.AWS_SECRET_ACCESS_KEY && env.AWS_SESSION_TOKEN);
    assert.match(env.TMPDIR, /lambda-workbench/);
    assert.match(env._X_AMZN_TRACE_ID, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.ok(!('_LAMBDA_TELEMETRY_LOG_FD' in env), 'the log fd variable is consumed by the runtime');
  });

  it('answers null for a handler that returns undefined, and {} reaches a handler invoked without payload', async () => {
    assert.equal((await workbench.invoke('Undefined', '{}')).payload.toString(), 'null');
    assert.deepEqual(json((await workbench.invoke('Cjs', '')).payload).echo, {});
  });
});
