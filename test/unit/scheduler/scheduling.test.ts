import { strict as assert } from 'node:assert';
import { type WorkbenchError } from '../../../src/core/errors';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { isAlive, json, openProject, samTemplate, writeProject } from '../helpers/project';

// Cold and warm starts, reuse, scale-out, concurrency limits, reaping and shutdown.

const FILES = {
  'src/app.js': `
    let n = 0;
    const memory = [];
    exports.handler = async (event) => {
      n++;
      if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
      if (event.allocateMb) memory.push(Buffer.alloc(event.allocateMb * 1024 * 1024, 1));
      return { n, pid: process.pid };
    };
    process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });
  `,
  'src/slowinit.js': `const end = Date.now() + 5000; while (Date.now() < end) {} exports.handler = async () => 1;`,
};

describe('environment lifecycle and scheduling', function () {
  this.timeout(30000);

  describe('reuse and scale-out', () => {
    let workbench: Workbench;
    const events: TelemetryEvent[] = [];
    before(async () => {
      const dir = writeProject({
        'template.yaml': samTemplate({
          App: { handler: 'app.handler', props: 'MemorySize: 256' },
          Reserved: { handler: 'app.handler', props: 'ReservedConcurrentExecutions: 1' },
          Disabled: { handler: 'app.handler', props: 'ReservedConcurrentExecutions: 0' },
        }),
        ...FILES,
      });
      workbench = await openProject(dir);
      workbench.telemetry.subscribe((e) => events.push(e));
    });
    after(() => workbench.close());

    it('cold-starts once, then reuses the warm environment (state kept, no Init Duration)', async () => {
      const first = await workbench.invoke('App', '{}', { collectLogs: true });
      const second = await workbench.invoke('App', '{}', { collectLogs: true });
      const third = await workbench.invoke('App', '{}', { collectLogs: true });
      assert.equal(first.coldStart, true);
      assert.equal(second.coldStart, false);
      assert.equal(third.coldStart, false);
      assert.equal(second.environmentId, first.environmentId);
      assert.deepEqual(
        [first, second, third].map((r) => json(r.payload).n),
        [1, 2, 3],
      );
      assert.equal(new Set([first, second, third].map((r) => json(r.payload).pid)).size, 1);
      const firstLogs = await first.logs;
      const secondLogs = await second.logs;
      assert.match(firstLogs[0], /^INIT_START Runtime Version: nodejs:20\./);
      assert.match(
        firstLogs.find((l) => l.startsWith('REPORT'))!,
        /\tInit Duration: \d+\.\d\d ms\t$/,
      );
      assert.ok(!secondLogs.some((l) => l.startsWith('INIT_START')));
      assert.doesNotMatch(
        secondLogs.find((l) => l.startsWith('REPORT'))!,
        /Init Duration/,
      );
      assert.ok(first.initDurationMs! > 0);
    });

    it('emits the Telemetry API sequence, with runtime and function init timed separately', async () => {
      const env = (await workbench.invoke('App', '{}')).environmentId;
      const types = events.filter((e) => e.environmentId === env && e.type.startsWith('platform.')).map((e) => e.type);
      assert.deepEqual(types.slice(0, 5), ['platform.initStart', 'platform.initRuntimeDone', 'platform.initReport', 'platform.start', 'platform.runtimeDone']);
      assert.equal(types[5], 'platform.report');
      const initReport = events.find((e) => e.environmentId === env && e.type === 'platform.initReport')!.record as any;
      assert.equal(initReport.status, 'success');
      assert.deepEqual(
        initReport.spans.map((s: any) => s.name),
        ['runtimeInit', 'functionInit'],
      );
      const sum = initReport.spans.reduce((t: number, s: any) => t + s.durationMs, 0);
      assert.ok(Math.abs(sum - initReport.metrics.durationMs) < 1, 'the sub-phases add up to the init duration');
      const states = events
        .filter((e) => e.environmentId === env && e.type === 'workbench.environment')
        .map((e) => (e.record as any).detail ?? (e.record as any).state);
      assert.deepEqual(states.slice(0, 3), ['init:runtime', 'Idle', 'Invoking']);
    });

    it('measures Max Memory Used from the process tree', async () => {
      const result = await workbench.invoke('App', '{"allocateMb": 60}', { collectLogs: true });
      const report = (await result.logs).find((l) => l.startsWith('REPORT'))!;
      const used = Number(/Max Memory Used: (\d+) MB/.exec(report)![1]);
      assert.ok(used >= 90, `a node process holding 60 MB uses more than 90 MB, got ${used}`);
      assert.match(report, /Memory Size: 256 MB/);
    });

    it('scales out under concurrency and reuses each environment afterwards', async () => {
      await workbench.shutdownEnvironments('App');
      const burst = await Promise.all([1, 2, 3].map(() => workbench.invoke('App', '{"sleepMs": 200}')));
      assert.equal(new Set(burst.map((r) => r.environmentId)).size, 3);
      assert.ok(burst.every((r) => r.coldStart));
      const again = await Promise.all([1, 2, 3].map(() => workbench.invoke('App', '{"sleepMs": 200}')));
      assert.ok(again.every((r) => !r.coldStart));
      assert.deepEqual(new Set(again.map((r) => r.environmentId)), new Set(burst.map((r) => r.environmentId)));
    });

    it('sequential invocations never cold-start a second environment', async () => {
      await workbench.shutdownEnvironments('App');
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await workbench.invoke('App', '{}')).environmentId);
      assert.equal(ids.size, 1);
    });

    it('throttles over reserved concurrency with ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
      const results = await Promise.allSettled([workbench.invoke('Reserved', '{"sleepMs": 300}'), workbench.invoke('Reserved', '{"sleepMs": 300}')]);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(rejected.length, 1);
      const error = rejected[0].reason as WorkbenchError;
      assert.equal(error.code, 'TooManyRequestsException');
      assert.equal(error.statusCode, 429);
      assert.equal(error.reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(error.message, 'Rate Exceeded.');
      assert.ok(events.some((e) => e.type === 'workbench.throttle' && e.functionName === 'Reserved'));
      // Once the first is done, the same function serves again.
      assert.equal((await workbench.invoke('Reserved', '{}')).functionError, undefined);
    });

    it('a reserved concurrency of 0 disables the function', async () => {
      await assert.rejects(workbench.invoke('Disabled', '{}'), (e: WorkbenchError) => e.reason === 'ReservedFunctionConcurrentInvocationLimitExceeded');
    });

    it('rejects unknown functions and qualifiers, bad JSON and oversized payloads with AWS errors', async () => {
      await assert.rejects(
        workbench.invoke('Nope', '{}'),
        (e: WorkbenchError) =>
          e.code === 'ResourceNotFoundException' && e.message === 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope:$LATEST',
      );
      await assert.rejects(
        workbench.invoke('App', '{}', { qualifier: 'prod' }),
        (e: WorkbenchError) => e.code === 'ResourceNotFoundException' && e.message.endsWith('function:App:prod'),
      );
      await assert.rejects(
        workbench.invoke('App', '{not json'),
        (e: WorkbenchError) => e.code === 'InvalidRequestContentException' && e.statusCode === 400 && /^Could not parse request body into json/.test(e.message),
      );
      await assert.rejects(
        workbench.invoke('App', Buffer.alloc(6 * 1024 * 1024 + 1, 0x20)),
        (e: WorkbenchError) => e.code === 'RequestEntityTooLargeException' && e.statusCode === 413,
      );
      await assert.rejects(workbench.invoke('bad name!', '{}'), (e: WorkbenchError) => e.code === 'ValidationException');
      // Qualified names and ARNs reach the same function.
      assert.equal((await workbench.invoke('App:$LATEST', '{}')).functionName, 'App');
      assert.equal((await workbench.invoke('arn:aws:lambda:us-east-1:000000000000:function:App', '{}')).functionName, 'App');
    });
  });

  it('enforces the engine-wide concurrency limit with ConcurrentInvocationLimitExceeded', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ App: { handler: 'app.handler' } }), ...FILES });
    const workbench = await openProject(dir, { accountConcurrency: 2 });
    try {
      const results = await Promise.allSettled([1, 2, 3].map(() => workbench.invoke('App', '{"sleepMs": 300}')));
      const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as WorkbenchError).reason : 'ok'));
      assert.deepEqual(reasons.sort(), ['ConcurrentInvocationLimitExceeded', 'ok', 'ok']);
    } finally {
      await workbench.close();
    }
  });

  it('reaps idle environments after the keep-alive period with SIGTERM', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ App: { handler: 'app.handler' } }), ...FILES });
    const workbench = await openProject(dir, { keepAliveSeconds: 0.3 });
    const lines: string[] = [];
    workbench.telemetry.subscribe((e) => e.type === 'function' && lines.push(e.record as string));
    try {
      const result = await workbench.invoke('App', '{}');
      const pid = json(result.payload).pid;
      assert.ok(isAlive(pid));
      await new Promise((r) => setTimeout(r, 1200));
      assert.ok(!isAlive(pid), 'the idle environment was shut down');
      assert.deepEqual(workbench.environments(), []);
      assert.ok(
        lines.some((l) => l.endsWith('\tINFO\tgot SIGTERM')),
        'the runtime received SIGTERM first',
      );
      assert.equal((await workbench.invoke('App', '{}')).coldStart, true);
    } finally {
      await workbench.close();
    }
  });

  it('limits INIT to the init timeout and reports it', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ Slow: { handler: 'slowinit.handler' } }), ...FILES });
    const workbench = await openProject(dir, { initTimeoutSeconds: 0.5 });
    try {
      const result = await workbench.invoke('Slow', '{}', { collectLogs: true });
      assert.equal(result.functionError, 'Unhandled');
      assert.equal(json(result.payload).errorType, 'Sandbox.Timedout');
      const lines = await result.logs;
      assert.ok(
        lines.some((l) => /^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout/.test(l)),
        lines.join('\n'),
      );
    } finally {
      await workbench.close();
    }
  });

  it('closing the engine shuts every environment down and leaves no process', async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({ App: { handler: 'app.handler' }, Spawner: { handler: 'spawner.handler' } }),
      ...FILES,
      'src/spawner.js': `const { spawn } = require('child_process'); let child; exports.handler = async () => { child = spawn('sleep', ['60']); return { pid: process.pid, child: child.pid }; };`,
    });
    const workbench = await openProject(dir);
    const results = await Promise.all([
      workbench.invoke('App', '{"sleepMs":100}'),
      workbench.invoke('App', '{"sleepMs":100}'),
      workbench.invoke('Spawner', '{}'),
    ]);
    const pids = results.flatMap((r) => [json(r.payload).pid, json(r.payload).child].filter(Boolean));
    assert.equal(pids.length, 4);
    assert.ok(pids.every(isAlive));
    await workbench.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(pids.filter(isAlive), [], 'runtimes and their children are gone');
    await assert.rejects(workbench.invoke('App', '{}'), /shutting down/);
  });
});
