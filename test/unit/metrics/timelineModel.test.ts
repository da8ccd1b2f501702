import { strict as assert } from 'node:assert';
import { TimelineModel, type TimelineEnvironment } from '../../../src/core/metrics/timelineModel';
import { environmentLife, ev, merged, T0, throttle } from './events';

// The timeline's rows from synthetic event streams: INIT sub-phases from the measured spans,
// invocations with outcome / start kind / REPORT, idle gaps, SHUTDOWN, failed INIT, markers,
// incremental changes and bounds.

function modelOf(events: ReturnType<typeof environmentLife>, options = {}): TimelineModel {
  const model = new TimelineModel(options);
  for (const e of events) model.apply(e);
  return model;
}

const kinds = (env: TimelineEnvironment) => env.segments.map((s) => s.kind);

describe('TimelineModel', () => {
  it('one environment: init sub-phases, cold then warm invocations with REPORT, idle gaps, shutdown', () => {
    const model = modelOf(
      environmentLife({
        env: 'env-a',
        at: 0,
        initMs: 100,
        invocations: [
          [200, 50],
          [400, 30, 'error'],
        ],
        shutdownAt: 1000,
      }),
    );
    const [env] = model.snapshot().environments;
    assert.equal(env.id, 'env-a');
    assert.equal(env.initializationType, 'on-demand');
    assert.deepEqual(kinds(env), ['runtimeInit', 'functionInit', 'idle', 'invoke', 'idle', 'invoke', 'idle', 'shutdown']);
    const [runtimeInit, functionInit, idle, cold, , warm] = env.segments;
    assert.deepEqual([runtimeInit.start, runtimeInit.end, functionInit.start, functionInit.end], [T0, T0 + 50, T0 + 50, T0 + 100]);
    assert.match(functionInit.text!, /^INIT_REPORT Init Duration: 100\.00 ms\tPhase: init\tStatus: success$/);
    assert.deepEqual([idle.start, idle.end], [T0 + 100, T0 + 200]);
    assert.equal(cold.startKind, 'cold');
    assert.equal(cold.outcome, 'success');
    assert.deepEqual([cold.start, cold.end, cold.durationMs], [T0 + 200, T0 + 250, 50]);
    assert.match(
      cold.text!,
      /^REPORT RequestId: env-a-r0\tDuration: 50\.00 ms\tBilled Duration: 50 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 100\.00 ms\t$/,
    );
    assert.equal(cold.logLines, 1);
    assert.deepEqual(cold.lastLines, ['log line 0']);
    assert.equal(warm.startKind, 'warm');
    assert.equal(warm.outcome, 'error');
    assert.equal(warm.errorType, 'Error');
    assert.equal(env.invocations, 2);
    assert.equal(env.errors, 1);
    assert.equal(env.state, 'Terminated');
    assert.equal(env.endedAt, T0 + 1020);
    assert.deepEqual([env.segments[7].start, env.segments[7].end], [T0 + 1000, T0 + 1020]);
    assert.equal(env.initDurationMs, 100);
  });

  it('while it happens: provisional sub-phases, a running invocation, then the measured spans', () => {
    const events = environmentLife({ env: 'env-a', at: 0, initMs: 100, extensions: true, invocations: [[200, 50]] });
    const model = new TimelineModel();
    const upTo = (type: string) => {
      while (events.length && events[0].type !== type) model.apply(events.shift()!);
    };
    upTo('platform.initRuntimeDone');
    let env = model.snapshot().environments[0];
    assert.deepEqual(kinds(env), ['extensionInit', 'runtimeInit']);
    assert.equal(env.segments[1].end, undefined, 'runtime init is going on');
    assert.equal(env.segments[1].outcome, 'running');
    upTo('platform.start');
    model.apply(events.shift()!);
    env = model.snapshot().environments[0];
    assert.deepEqual(kinds(env), ['extensionInit', 'runtimeInit', 'functionInit', 'idle', 'invoke']);
    assert.equal(env.segments[4].outcome, 'running');
    assert.equal(env.segments[4].end, undefined);
    assert.equal(model.counts().running, 1);
    while (events.length) model.apply(events.shift()!);
    assert.equal(model.counts().running, 0);
  });

  it('provisioned environments: every invocation is a provisioned start', () => {
    const model = modelOf(
      environmentLife({
        env: 'env-p',
        at: 0,
        provisioned: true,
        invocations: [
          [500, 10],
          [600, 10],
        ],
      }),
    );
    const [env] = model.snapshot().environments;
    assert.equal(env.initializationType, 'provisioned-concurrency');
    assert.deepEqual(
      env.segments.filter((s) => s.kind === 'invoke').map((s) => s.startKind),
      ['provisioned', 'provisioned'],
    );
    const counts = model.counts();
    assert.equal(counts.provisioned, 2);
    assert.equal(counts.cold, 0);
    assert.equal(counts.provisionedEnvironments, 1);
  });

  it('a failed INIT: the triggering invocation fails on the environment that is going away', () => {
    const o = { functionName: 'Fn', functionVersion: '$LATEST', environmentId: 'env-x' };
    const r = { ...o, requestId: 'req-1' };
    const spans = [{ name: 'runtimeInit', start: new Date(T0).toISOString(), durationMs: 30 }];
    const model = new TimelineModel();
    for (const e of [
      ev(
        0,
        'platform.initStart',
        { initializationType: 'on-demand', phase: 'init', runtimeVersion: 'v', runtimeVersionArn: 'a', functionName: 'Fn', functionVersion: '$LATEST' },
        o,
      ),
      ev(0, 'workbench.environment', { state: 'Initializing', detail: 'init:runtime' }, o),
      ev(
        30,
        'platform.initReport',
        { initializationType: 'on-demand', phase: 'init', status: 'error', errorType: 'Runtime.ImportModuleError', metrics: { durationMs: 30 }, spans },
        o,
      ),
      ev(31, 'workbench.environment', { state: 'ShuttingDown' }, o),
      ev(32, 'platform.start', { requestId: 'req-1', version: '$LATEST' }, r),
      ev(
        32,
        'platform.runtimeDone',
        { requestId: 'req-1', status: 'error', errorType: 'Runtime.ImportModuleError', metrics: { durationMs: 0, producedBytes: 10 }, spans: [] },
        r,
      ),
      ev(
        32,
        'platform.report',
        {
          requestId: 'req-1',
          status: 'error',
          errorType: 'Runtime.ImportModuleError',
          metrics: { durationMs: 0, billedDurationMs: 30, memorySizeMB: 128, maxMemoryUsedMB: 1, initDurationMs: 30 },
        },
        r,
      ),
      ev(40, 'workbench.environment', { state: 'Terminated' }, o),
    ]) {
      model.apply(e);
    }
    const [env] = model.snapshot().environments;
    assert.deepEqual(kinds(env), ['runtimeInit', 'shutdown', 'invoke']);
    assert.equal(env.segments[0].outcome, 'error');
    assert.equal(env.segments[0].errorType, 'Runtime.ImportModuleError');
    assert.equal(env.initStatus, 'error');
    assert.equal(env.segments[2].outcome, 'error');
    assert.equal(env.segments[2].startKind, 'cold');
    assert.match(env.segments[2].text!, /Status: error\tError Type: Runtime\.ImportModuleError$/);
    assert.equal(env.segments[1].end, T0 + 40);
    assert.equal(model.counts().errors, 1);
  });

  it('an environment that ends mid-invocation closes it as a failure', () => {
    const o = { functionName: 'Fn', functionVersion: '$LATEST', environmentId: 'env-a' };
    const events = environmentLife({ env: 'env-a', at: 0 });
    events.push(ev(200, 'platform.start', { requestId: 'r', version: '$LATEST' }, { ...o, requestId: 'r' }));
    events.push(ev(300, 'workbench.environment', { state: 'ShuttingDown', detail: 'runtime exited' }, o));
    events.push(ev(310, 'workbench.environment', { state: 'Terminated' }, o));
    const [env] = modelOf(events).snapshot().environments;
    const invoke = env.segments.find((s) => s.kind === 'invoke')!;
    assert.equal(invoke.outcome, 'failure');
    assert.equal(invoke.end, T0 + 300);
    assert.equal(env.segments[env.segments.length - 1].text, 'runtime exited');
  });

  it('markers: throttles, hot reloads, dropped asynchronous events, function warnings', () => {
    const model = new TimelineModel();
    model.apply(throttle(10, 'ReservedFunctionConcurrentInvocationLimitExceeded', { functionName: 'Fn', functionVersion: '$LATEST' }));
    model.apply(ev(20, 'workbench.reload', { functionName: 'Fn', reason: 'code', paths: ['/a/app.js'] }, { functionName: 'Fn', functionVersion: '$LATEST' }));
    model.apply(
      ev(
        30,
        'workbench.async',
        { stage: 'dropped', requestId: 'e1', approximateInvokeCount: 3, condition: 'RetriesExhausted', errorType: 'Error' },
        { functionName: 'Fn', functionVersion: '$LATEST' },
      ),
    );
    model.apply(ev(40, 'workbench.warning', { message: 'engine-wide' }));
    model.apply(ev(50, 'workbench.warning', { message: 'provisioning failed' }, { functionName: 'Fn' }));
    const { markers } = model.snapshot();
    assert.deepEqual(
      markers.map((m) => m.kind),
      ['throttle', 'reload', 'asyncDropped', 'warning'],
    );
    assert.equal(markers[0].text, 'Throttled (ReservedFunctionConcurrentInvocationLimitExceeded): Rate Exceeded.');
    assert.equal(markers[1].text, 'Hot reload (code): /a/app.js');
    assert.match(markers[2].text, /e1 dropped \(RetriesExhausted, Error\) after 3 attempt/);
    assert.equal(model.counts().throttles, 1);
  });

  it('changesSince: only what changed, removals, and a full answer for a forgotten revision', () => {
    const model = new TimelineModel({ windowMs: 5000 });
    for (const e of merged(environmentLife({ env: 'env-a', at: 0, shutdownAt: 500 }), environmentLife({ env: 'env-b', at: 0 }))) model.apply(e);
    const first = model.changesSince(-1);
    assert.equal(first.full, true);
    assert.equal(first.environments.length, 2);
    const rev = first.revision;
    assert.deepEqual(model.changesSince(rev).environments, []);
    for (const e of environmentLife({ env: 'env-b', at: 0, invocations: [[1000, 10]] }).slice(-5)) model.apply(e);
    const changes = model.changesSince(rev);
    assert.equal(changes.full, false);
    assert.deepEqual(
      changes.environments.map((e) => e.id),
      ['env-b'],
    );
    // env-a ended at 520 ms: past the 5 s window at 6 s, it is removed.
    model.prune(T0 + 6000);
    const after = model.changesSince(changes.revision);
    assert.deepEqual(after.removed, ['env-a']);
    assert.deepEqual(
      model.snapshot().environments.map((e) => e.id),
      ['env-b'],
    );
    // Segments of a live environment that ended before the window are dropped, the open one stays.
    const b = model.environment('env-b')!;
    assert.ok(b.segments.every((s) => s.end === undefined || s.end >= T0 + 1000));
    assert.equal(b.segments[b.segments.length - 1].end, undefined);
  });

  it('is bounded: ended environments beyond the limit and segments beyond the cap go first', () => {
    const events = merged(
      ...Array.from({ length: 10 }, (_, i) => environmentLife({ env: `env-${i}`, at: i * 10, shutdownAt: 100 + i * 10 })),
      environmentLife({ env: 'env-live', at: 0, invocations: Array.from({ length: 50 }, (_, i) => [200 + i * 10, 5] as [number, number]) }),
    );
    const model = modelOf(events, { maxEnvironments: 4, maxSegmentsPerEnvironment: 20 });
    model.prune(T0 + 1000);
    const ids = model.snapshot().environments.map((e) => e.id);
    assert.equal(ids.length, 4);
    assert.ok(ids.includes('env-live'));
    assert.deepEqual(ids.filter((id) => id !== 'env-live').sort(), ['env-7', 'env-8', 'env-9'], 'the most recently ended ones stay');
    assert.equal(model.environment('env-live')!.segments.length, 20);
  });
});
