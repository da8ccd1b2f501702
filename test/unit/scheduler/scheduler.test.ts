import { strict as assert } from 'node:assert';
import type { FunctionDefinition } from '../../../src/core/config/types';
import { WorkbenchError } from '../../../src/core/errors';
import { Scheduler, type ScheduledResult, type SchedulerSettings } from '../../../src/core/scheduler/scheduler';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { TelemetryStream } from '../../../src/core/telemetry/stream';
import { catalog, FakeClock, fakeFactory, fakeFunction, request, sleep, tick, until, type FakeEnvironment } from './fakeEnvironment';

// The scheduler with a fake environment factory: no process, no Runtime API; the test decides when
// INIT ends, when an invocation is answered and when its REPORT is out.

interface Harness {
  scheduler: Scheduler<FakeEnvironment>;
  created: FakeEnvironment[];
  events: TelemetryEvent[];
}

function harness(functions: FunctionDefinition[], settings: Partial<SchedulerSettings> = {}): Harness {
  const telemetry = new TelemetryStream();
  const events: TelemetryEvent[] = [];
  telemetry.subscribe((e) => events.push(e));
  const factory = fakeFactory();
  const scheduler = new Scheduler({ accountConcurrency: 1000, keepAliveMs: Infinity, ...settings }, factory.create, telemetry, catalog(functions));
  return { scheduler, created: factory.created, events };
}

/** Runs an invocation without awaiting it; the result (or error) is kept. */
function start(h: Harness, fn: FunctionDefinition, version = '$LATEST'): { result: Promise<ScheduledResult>; settled: () => boolean } {
  let done = false;
  const result = h.scheduler.run(fn, version, request());
  result.then(
    () => (done = true),
    () => (done = true),
  );
  return { result, settled: () => done };
}

/** The newest environment, once the scheduler has created `count` of them. */
async function created(h: Harness, count: number): Promise<FakeEnvironment> {
  await until(() => h.created.length >= count, `${count} environment(s)`);
  return h.created[count - 1];
}

/** A cold start served to the end: INIT, answer, REPORT. Returns the environment. */
async function coldStart(h: Harness, fn: FunctionDefinition): Promise<FakeEnvironment> {
  const run = start(h, fn);
  const env = await created(h, h.created.length + 1);
  env.finishInit();
  await until(() => env.awaitingAnswer, 'the invocation');
  await env.complete();
  const result = await run.result;
  assert.equal(result.coldStart, true);
  return env;
}

/** A warm environment that has answered a second invocation and is still finishing its REPORT. */
async function answeredAndFinishing(h: Harness, fn: FunctionDefinition): Promise<FakeEnvironment> {
  const env = await coldStart(h, fn);
  const first = start(h, fn);
  await until(() => env.awaitingAnswer, 'the invocation');
  env.answer();
  await first.result;
  return env;
}

/** One environment invoking (not answered yet), and one the next caller cold-starts; returns the invoking one. */
async function invokingAndColdStarting(h: Harness, fn: FunctionDefinition): Promise<FakeEnvironment> {
  const invoking = await coldStart(h, fn);
  start(h, fn);
  await until(() => invoking.awaitingAnswer, 'the invocation');
  start(h, fn);
  await created(h, 2);
  return invoking;
}

async function throttled(promise: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WorkbenchError);
    assert.equal(error.code, 'TooManyRequestsException');
    assert.equal(error.statusCode, 429);
    assert.equal(error.message, 'Rate Exceeded.');
    assert.equal(error.reason, reason);
    return true;
  });
}

describe('Scheduler (fake environment factory)', () => {
  const fn = fakeFunction('app');

  it('cold-starts an on-demand environment, then reuses it warm', async () => {
    const h = harness([fn]);
    const run = start(h, fn);
    const env = await created(h, 1);
    assert.equal(env.initializationType, 'on-demand');
    await tick();
    assert.equal(run.settled(), false, 'waits for INIT');
    env.finishInit();
    await until(() => env.awaitingAnswer, 'the invocation');
    env.answer('first');
    const first = await run.result;
    assert.deepEqual(
      { id: first.environmentId, cold: first.coldStart, init: first.initDurationMs, payload: first.outcome.payload.toString() },
      { id: env.id, cold: true, init: 5, payload: 'first' },
    );
    env.finishReport();

    const warm = start(h, fn);
    await until(() => env.awaitingAnswer, 'the warm invocation');
    env.answer('second');
    const second = await warm.result;
    assert.deepEqual(
      { id: second.environmentId, cold: second.coldStart, init: second.initDurationMs, payload: second.outcome.payload.toString() },
      { id: env.id, cold: false, init: undefined, payload: 'second' },
    );
    assert.equal(h.created.length, 1);
    assert.equal(env.requests.length, 2);
  });

  it('scales out for concurrent invocations, then reuses the most recently used environment', async () => {
    const h = harness([fn]);
    const a = start(h, fn);
    const b = start(h, fn);
    const envA = await created(h, 1);
    const envB = await created(h, 2);
    envA.finishInit();
    envB.finishInit();
    await until(() => envA.awaitingAnswer && envB.awaitingAnswer, 'both invocations');
    await envB.complete();
    await envA.complete();
    await Promise.all([a.result, b.result]);
    const next = start(h, fn);
    await until(() => envA.awaitingAnswer || envB.awaitingAnswer, 'the warm invocation');
    assert.equal(envA.awaitingAnswer, true, 'the one idle last goes first');
    envA.answer();
    assert.equal((await next.result).environmentId, envA.id);
    assert.equal(h.created.length, 2);
  });

  it('waits for an environment that answered and is finishing its REPORT instead of cold-starting', async () => {
    const h = harness([fn]);
    const env = await answeredAndFinishing(h, fn);
    assert.equal(env.isFinishing, true);
    const second = start(h, fn);
    await sleep(5);
    assert.equal(h.created.length, 1, 'no cold start');
    assert.equal(second.settled(), false);
    env.finishReport();
    await until(() => env.awaitingAnswer, 'the second invocation on the same environment');
    env.answer();
    assert.deepEqual(await second.result.then((r) => [r.environmentId, r.coldStart]), [env.id, false]);
  });

  it('an environment that has not answered yet is not waited for: the next caller cold-starts', async () => {
    await invokingAndColdStarting(harness([fn]), fn);
  });

  it('a failed INIT answers its caller with the init error; the next invocation cold-starts again', async () => {
    const h = harness([fn]);
    const run = start(h, fn);
    const env = await created(h, 1);
    env.finishInit(false);
    const result = await run.result;
    assert.equal(result.coldStart, true);
    assert.equal(result.outcome.errorType, 'Runtime.ExitError');
    await until(() => env.state === 'Terminated', 'the reset');
    start(h, fn);
    await created(h, 2);
  });

  describe('throttling', () => {
    it('reserved concurrency: over it, TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 1 });
      const h = harness([reserved]);
      start(h, reserved);
      await created(h, 1);
      await throttled(h.scheduler.run(reserved, '$LATEST', request()), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(h.created.length, 1);
      const throttle = h.events.find((e) => e.type === 'workbench.throttle');
      assert.deepEqual(throttle && { record: throttle.record, functionName: throttle.functionName }, {
        record: { reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' },
        functionName: 'reserved',
      });
    });

    it('reserved concurrency counts every version of the function', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 1 });
      const h = harness([reserved]);
      start(h, reserved, '1');
      await created(h, 1);
      await throttled(h.scheduler.run(reserved, '2', request()), 'ReservedFunctionConcurrentInvocationLimitExceeded');
    });

    it('reserved concurrency 0 throttles everything, a warm environment included', async () => {
      const h = harness([fn]);
      await coldStart(h, fn);
      const disabled = { ...fn, reservedConcurrentExecutions: 0 };
      await throttled(h.scheduler.run(disabled, '$LATEST', request()), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(h.created[0].requests.length, 1, 'the warm environment was not used');
      assert.equal(h.created.length, 1);
    });

    it('a warm on-demand environment is one more execution: over the reservation it is throttled, and stays idle for later', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 1 });
      const h = harness([reserved]);
      const warm = await coldStart(h, reserved);
      const busy = start(h, reserved, '1');
      const other = await created(h, 2);
      other.finishInit();
      await until(() => other.awaitingAnswer, 'the invocation of version 1');
      // Version 1 holds the one execution: $LATEST's idle environment may not serve.
      await throttled(h.scheduler.run(reserved, '$LATEST', request()), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(warm.requests.length, 1);
      await other.complete();
      await busy.result;
      const again = start(h, reserved);
      await until(() => warm.awaitingAnswer, 'the warm environment serving again');
      await warm.complete();
      assert.equal((await again.result).coldStart, false);
    });

    it('provisioned concurrency comes out of the reservation: on-demand executions get what is left (recorded: test_lambda_concurrency_block)', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 1 });
      const h = harness([reserved]);
      const provisioning = h.scheduler.provision(reserved, '1', 1);
      (await created(h, 1)).finishInit();
      assert.equal(await provisioning, 1);
      // The provisioned environment is idle, yet $LATEST has nothing left.
      await throttled(h.scheduler.run(reserved, '$LATEST', request()), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(h.created.length, 1);
    });

    it('account concurrency: over it, TooManyRequestsException (ConcurrentInvocationLimitExceeded)', async () => {
      const other = fakeFunction('other');
      const h = harness([fn, other], { accountConcurrency: 2 });
      start(h, fn);
      start(h, other);
      await created(h, 2);
      await throttled(h.scheduler.run(fn, '$LATEST', request()), 'ConcurrentInvocationLimitExceeded');
      assert.equal(h.created.length, 2);
      assert.equal(h.events.filter((e) => e.type === 'workbench.throttle').length, 1);
    });

    it('functions without a reservation share only what the reservations leave of the account limit', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 2 });
      const h = harness([fn, reserved], { accountConcurrency: 3 });
      start(h, fn);
      await created(h, 1);
      await throttled(h.scheduler.run(fn, '$LATEST', request()), 'ConcurrentInvocationLimitExceeded');
      // The reserved function still has its two.
      start(h, reserved);
      start(h, reserved);
      await created(h, 3);
    });

    it('the account limit counts every busy environment, those of a function over a lowered reservation too', async () => {
      const reserved = fakeFunction('reserved', { reservedConcurrentExecutions: 2 });
      const functions = [fn, reserved];
      const h = harness(functions, { accountConcurrency: 3 });
      start(h, reserved);
      start(h, reserved);
      await created(h, 2);
      // The reservation is lowered to 1 while both invocations run: 2 busy, 2 left unreserved.
      functions[1] = { ...reserved, reservedConcurrentExecutions: 1 };
      start(h, fn);
      await created(h, 3);
      await throttled(h.scheduler.run(fn, '$LATEST', request()), 'ConcurrentInvocationLimitExceeded');
    });

    it('an idle environment does not count: a warm invocation is not throttled', async () => {
      const h = harness([fn], { accountConcurrency: 1 });
      const env = await coldStart(h, fn);
      const warm = start(h, fn);
      await until(() => env.awaitingAnswer, 'the warm invocation');
      env.answer();
      assert.equal((await warm.result).coldStart, false);
    });
  });

  it('reaps idle environments after the keep-alive period (on a fake clock)', async () => {
    const clock = new FakeClock().install();
    try {
      const h = harness([fn], { keepAliveMs: 1000 });
      const env = await coldStart(h, fn);
      clock.advance(999);
      assert.equal(env.state, 'Idle');
      clock.advance(1);
      await tick();
      assert.equal(env.state, 'Terminated');
      assert.deepEqual(h.scheduler.environments(), []);
      start(h, fn);
      await created(h, 2);
    } finally {
      clock.uninstall();
    }
  });

  describe('retiring', () => {
    it('an environment busy when retired serves its invocation, then shuts down; the next invocation cold-starts', async () => {
      const h = harness([fn]);
      const busy = await coldStart(h, fn);
      const busyRun = start(h, fn);
      await until(() => busy.awaitingAnswer, 'the invocation');
      const idle = await coldStart(h, fn);
      assert.equal(h.scheduler.retire(fn.functionName, '1'), 0, 'another version');
      assert.equal(h.scheduler.retire(fn.functionName, '$LATEST'), 2);
      assert.equal(idle.shutdownCalls, 1, 'the idle one goes now');
      assert.equal(busy.shutdownCalls, 0, 'the busy one finishes first');
      busy.answer('still served');
      assert.equal((await busyRun.result).outcome.payload.toString(), 'still served');
      busy.finishReport();
      assert.equal(busy.shutdownCalls, 1);
      start(h, fn);
      await created(h, 3);
    });

    it('a cold start that began before the retire serves its caller only', async () => {
      const h = harness([fn]);
      await answeredAndFinishing(h, fn);
      // This caller waits for the finishing environment; the retire sends it to a cold start.
      const waiting = start(h, fn);
      await tick();
      h.scheduler.retire(fn.functionName, '$LATEST');
      const fresh = await created(h, 2);
      fresh.finishInit();
      await until(() => fresh.awaitingAnswer, 'the invocation');
      await fresh.complete();
      assert.equal((await waiting.result).environmentId, fresh.id);
      assert.equal(fresh.shutdownCalls, 1, 'started for superseded code: not kept');
    });

    it('retireWhere retires the matching environments of every version', async () => {
      const h = harness([fn]);
      await coldStart(h, fn);
      const run = start(h, fn, '1');
      const v1 = await created(h, 2);
      v1.finishInit();
      await until(() => v1.awaitingAnswer, 'the invocation');
      await v1.complete();
      await run.result;
      assert.equal(
        h.scheduler.retireWhere(fn.functionName, (env) => env.version === '1'),
        1,
      );
      assert.deepEqual(
        h.created.map((e) => e.shutdownCalls),
        [0, 1],
      );
    });
  });

  it('provisions environments ahead of traffic and serves from them first', async () => {
    const h = harness([fn]);
    const provisioning = h.scheduler.provision(fn, '1', 2);
    const [a, b] = [await created(h, 1), await created(h, 2)];
    assert.deepEqual([a.initializationType, b.initializationType], ['provisioned-concurrency', 'provisioned-concurrency']);
    a.finishInit();
    b.finishInit();
    assert.equal(await provisioning, 2);
    const run = start(h, fn, '1');
    await until(() => a.awaitingAnswer || b.awaitingAnswer, 'the invocation');
    (a.awaitingAnswer ? a : b).answer();
    assert.equal((await run.result).coldStart, false);
    assert.equal(h.created.length, 2);
  });

  it('close shuts every environment down, stops provisioning and refuses new invocations', async () => {
    const h = harness([fn]);
    // One environment invoking, one initialising.
    await invokingAndColdStarting(h, fn);
    await h.scheduler.close();
    assert.deepEqual(
      h.created.map((e) => [e.shutdownCalls, e.state]),
      [
        [1, 'Terminated'],
        [1, 'Terminated'],
      ],
    );
    assert.deepEqual(h.scheduler.environments(), []);
    await assert.rejects(h.scheduler.run(fn, '$LATEST', request()), (error: unknown) => error instanceof WorkbenchError && error.code === 'ServiceException');
    assert.equal(await h.scheduler.provision(fn, '1', 2), 0);
    assert.equal(h.created.length, 2);
  });
});
