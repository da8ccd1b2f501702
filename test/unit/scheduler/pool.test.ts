import { strict as assert } from 'node:assert';
import { EnvironmentPool } from '../../../src/core/scheduler/pool';
import { FakeClock, FakeEnvironment, fakeFunction, request, tick } from './fakeEnvironment';

// The environments of one function version, with fake environments: reuse order, reaping, waiting
// for one that is finishing its REPORT, claimed cold starts, retiring, shutting down.

const FN = fakeFunction('pooled');

function pool(keepAliveMs = Infinity): EnvironmentPool<FakeEnvironment> {
  return new EnvironmentPool<FakeEnvironment>(FN.functionName, '$LATEST', () => keepAliveMs);
}

/** A provisioned (not claimed) environment of `p`, initialised: Idle in the pool. */
function idleIn(p: EnvironmentPool<FakeEnvironment>, type: 'on-demand' | 'provisioned-concurrency' = 'on-demand'): FakeEnvironment {
  const env = new FakeEnvironment(FN, '$LATEST', type);
  p.add(env);
  void env.init();
  env.finishInit();
  return env;
}

/** Takes `env` (which must be the one handed out) and starts an invocation on it. */
async function invokingIn(p: EnvironmentPool<FakeEnvironment>, env: FakeEnvironment): Promise<void> {
  assert.equal(await p.acquire(), env);
  void env.invoke(request());
}

/** An environment of `p` taken and left answered, its REPORT pending. */
async function finishingIn(p: EnvironmentPool<FakeEnvironment>): Promise<FakeEnvironment> {
  const env = idleIn(p);
  await invokingIn(p, env);
  env.answer();
  assert.equal(env.isFinishing, true);
  return env;
}

describe('EnvironmentPool (fake environments)', () => {
  it('an empty pool has nothing to hand out: the caller cold-starts', async () => {
    assert.equal(await pool().acquire(), undefined);
  });

  it('hands an idle environment out once, and again after its invocation', async () => {
    const p = pool();
    const env = idleIn(p);
    assert.equal(p.idleCount, 1);
    assert.equal(await p.acquire(), env);
    assert.equal(await p.acquire(), undefined, 'not twice');
    void env.invoke(request());
    await env.complete();
    assert.equal(p.idleCount, 1);
    assert.equal(await p.acquire(), env);
  });

  it('reuses the most recently used environment first', async () => {
    const p = pool();
    const a = idleIn(p);
    const b = idleIn(p);
    // b became idle last: it goes first.
    await invokingIn(p, b);
    await invokingIn(p, a);
    await b.complete();
    await a.complete();
    assert.equal(await p.acquire(), a, 'a finished last');
    assert.equal(await p.acquire(), b);
  });

  it('prefers provisioned environments over on-demand ones', async () => {
    const p = pool();
    const provisioned = idleIn(p, 'provisioned-concurrency');
    const onDemand = idleIn(p);
    assert.equal(await p.acquire(), provisioned);
    assert.equal(await p.acquire(), onDemand);
  });

  it('a cold start claimed by a caller is not handed to anyone else when it becomes Idle', async () => {
    const p = pool();
    const env = new FakeEnvironment(FN, '$LATEST', 'on-demand');
    p.addClaimed(env);
    void env.init();
    env.finishInit();
    assert.equal(env.state, 'Idle');
    assert.equal(p.idleCount, 0);
    assert.equal(await p.acquire(), undefined);
    // After its first invocation it is an ordinary idle environment.
    void env.invoke(request());
    await env.complete();
    assert.equal(await p.acquire(), env);
  });

  describe('keep-alive (on a fake clock)', () => {
    let clock: FakeClock;
    beforeEach(() => (clock = new FakeClock().install()));
    afterEach(() => clock.uninstall());

    it('reaps an idle environment after the keep-alive period', async () => {
      const p = pool(1000);
      const env = idleIn(p);
      clock.advance(999);
      assert.equal(env.shutdownCalls, 0, 'not before');
      clock.advance(1);
      assert.equal(env.shutdownCalls, 1);
      await tick();
      assert.equal(env.state, 'Terminated');
      assert.equal(p.environments.has(env), false);
      assert.equal(p.idleCount, 0);
    });

    it('an environment in use is not reaped; provisioned ones and an infinite keep-alive never are', async () => {
      const p = pool(1000);
      const env = idleIn(p);
      const provisioned = idleIn(p, 'provisioned-concurrency');
      clock.advance(500);
      assert.equal(await p.acquire(), provisioned);
      await invokingIn(p, env);
      clock.advance(5000);
      assert.equal(env.shutdownCalls, 0, 'not reaped while in use');
      await env.complete();
      clock.advance(999);
      assert.equal(env.shutdownCalls, 0, 'a fresh keep-alive');
      void provisioned.invoke(request());
      await provisioned.complete();
      clock.advance(1);
      assert.equal(env.shutdownCalls, 1);
      clock.advance(3_600_000);
      assert.equal(provisioned.shutdownCalls, 0);

      const forever = pool(Infinity);
      const kept = idleIn(forever);
      clock.advance(3_600_000);
      assert.equal(kept.shutdownCalls, 0);
    });

    it('taking an environment cancels its reaper: after its invocation the keep-alive starts over', async () => {
      const p = pool(1000);
      const env = idleIn(p);
      clock.advance(600);
      await invokingIn(p, env);
      await env.complete();
      // Past the end of the first idle period, not of the second.
      clock.advance(500);
      assert.equal(env.shutdownCalls, 0);
      clock.advance(500);
      assert.equal(env.shutdownCalls, 1);
    });
  });

  it('waits for an environment that answered and is finishing its REPORT rather than cold-starting', async () => {
    const p = pool();
    const env = await finishingIn(p);
    let handed: FakeEnvironment | undefined | 'pending' = 'pending';
    void p.acquire().then((e) => (handed = e));
    await tick();
    assert.equal(handed, 'pending', 'waits');
    // One finishing environment serves one waiter: the next caller cold-starts.
    assert.equal(await p.acquire(), undefined);
    env.finishReport();
    await tick();
    assert.equal(handed, env);
    assert.equal(p.idleCount, 0, 'handed over, not parked');
  });

  it('a waiter cold-starts after all if the finishing environment ends instead of becoming Idle', async () => {
    const p = pool();
    const env = await finishingIn(p);
    const waiting = p.acquire();
    await env.reset();
    assert.equal(await waiting, undefined);
    assert.equal(p.environments.has(env), false);
  });

  it('counts as busy the environments serving or cold-starting for an invocation', async () => {
    const p = pool();
    const idle = idleIn(p);
    const provisioning = new FakeEnvironment(FN, '$LATEST', 'provisioned-concurrency');
    p.add(provisioning);
    const coldStart = new FakeEnvironment(FN, '$LATEST', 'on-demand');
    p.addClaimed(coldStart);
    assert.equal(p.busyCount, 1, 'the cold start, not the provisioned INIT nor the idle one');
    await invokingIn(p, idle);
    assert.equal(p.busyCount, 2);
    idle.answer();
    assert.equal(p.busyCount, 2, 'answered, still Invoking until REPORT');
    p.retire(idle);
    assert.equal(p.busyCount, 1, 'a retired environment that has answered serves nobody');
    assert.equal(p.provisionedCount, 1);
  });

  it('retiring: idle environments shut down now, busy ones after their invocation, none is handed out again', async () => {
    const p = pool();
    const idle = idleIn(p);
    const busy = idleIn(p);
    await invokingIn(p, busy);
    const generation = p.generation;
    assert.equal(p.retireAll(), 2);
    assert.equal(p.generation, generation + 1);
    assert.equal(idle.shutdownCalls, 1);
    assert.equal(busy.shutdownCalls, 0, 'busy: not yet');
    assert.equal(p.isRetired(busy), true);
    assert.equal(p.retire(busy), false, 'already retired');
    await busy.complete();
    assert.equal(busy.shutdownCalls, 1, 'shut down instead of becoming idle');
    assert.equal(await p.acquire(), undefined);
  });

  it('retiring the finishing environment a caller waits for lets the caller cold-start', async () => {
    const p = pool();
    const env = await finishingIn(p);
    const waiting = p.acquire();
    p.retire(env);
    assert.equal(await waiting, undefined);
  });

  it('shutdownAll shuts every environment down and lets waiters go', async () => {
    const p = pool();
    const idle = idleIn(p);
    const initializing = new FakeEnvironment(FN, '$LATEST', 'on-demand');
    p.addClaimed(initializing);
    void initializing.init();
    const invoking = idleIn(p);
    await invokingIn(p, invoking);
    await p.shutdownAll();
    for (const env of [idle, initializing, invoking]) {
      assert.equal(env.shutdownCalls, 1, env.id);
      assert.equal(env.state, 'Terminated');
    }
    assert.equal(p.environments.size, 0);

    const withWaiter = pool();
    const finishing = await finishingIn(withWaiter);
    const waiting = withWaiter.acquire();
    await withWaiter.shutdownAll();
    assert.equal(await waiting, undefined);
    assert.equal(finishing.state, 'Terminated');
  });
});
