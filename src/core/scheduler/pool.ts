import type { ExecutionEnvironment, SchedulableEnvironment } from '../environment/environment';

/**
 * The environments of one function version. Idle ones are reused most-recently-used first (as
 * Lambda does, so the least used ones age out); an environment that has already answered and is
 * only finishing its REPORT is waited for rather than cold-starting a new one.
 */
export class EnvironmentPool<E extends SchedulableEnvironment = ExecutionEnvironment> {
  readonly environments = new Set<E>();
  private readonly idle: E[] = [];
  private readonly waiters: Array<(env: E | undefined) => void> = [];
  private readonly reapTimers = new Map<E, NodeJS.Timeout>();
  /** Environments being cold-started for a caller: their first Idle belongs to that caller. */
  private readonly claimed = new Set<E>();
  /** Environments running superseded code: they finish what they are doing, then shut down. */
  private readonly retired = new WeakSet<E>();
  /** Incremented by every retireAll(): an environment started before it belongs to the old code. */
  generation = 0;

  constructor(
    readonly functionName: string,
    readonly version: string,
    private readonly keepAliveMs: () => number,
  ) {}

  /** Adds an environment that is cold-starting for a caller, who will invoke it first. */
  addClaimed(env: E): void {
    this.claimed.add(env);
    this.add(env);
  }

  /** Adds a provisioned environment: once initialised it waits, idle, for invocations. */
  add(env: E): void {
    this.environments.add(env);
    env.onStateChange((e) => this.onStateChange(e));
  }

  /** An idle environment, or one that becomes idle in a moment, or undefined (cold start needed). */
  async acquire(): Promise<E | undefined> {
    const env = this.takeIdle();
    if (env) return env;
    if (this.waiters.length < this.finishingCount()) {
      return new Promise((resolve) => this.waiters.push(resolve));
    }
    return undefined;
  }

  /**
   * Environments counting against concurrency: those serving or cold-starting for an invocation
   * (provisioned ones initialising ahead of traffic serve nobody yet).
   */
  get busyCount(): number {
    let busy = 0;
    for (const env of this.environments) {
      // A retired environment that has already answered serves nobody any more.
      if (env.state === 'Invoking' && !(env.isFinishing && this.retired.has(env))) busy++;
      else if (env.state === 'Initializing' && env.initializationType === 'on-demand') busy++;
    }
    return busy;
  }

  /** On-demand environments serving or cold-starting for an invocation (what reserved concurrency less the provisioned leaves room for). */
  get onDemandBusyCount(): number {
    let busy = 0;
    for (const env of this.environments) {
      if (env.initializationType !== 'on-demand') continue;
      if (env.state === 'Invoking' && !(env.isFinishing && this.retired.has(env))) busy++;
      else if (env.state === 'Initializing') busy++;
    }
    return busy;
  }

  /** Provisioned environments that will keep serving (retired ones are on their way out). */
  get provisionedCount(): number {
    let n = 0;
    for (const env of this.environments) if (env.initializationType === 'provisioned-concurrency' && !this.retired.has(env)) n++;
    return n;
  }

  isRetired(env: E): boolean {
    return this.retired.has(env);
  }

  /**
   * Retires every environment (the code or configuration they were started with has changed): idle
   * ones shut down now; busy ones (initialising or invoking) finish their current invocation and
   * then shut down instead of becoming idle, so the next invocation cold-starts. Returns how many.
   */
  retireAll(): number {
    this.generation++;
    let n = 0;
    for (const env of this.environments) if (this.retire(env)) n++;
    return n;
  }

  /** Retires one environment (see retireAll); false if it already was. */
  retire(env: E): boolean {
    if (this.retired.has(env)) return false;
    this.retired.add(env);
    const i = this.idle.indexOf(env);
    if (i >= 0) {
      this.idle.splice(i, 1);
      clearTimeout(this.reapTimers.get(env));
      this.reapTimers.delete(env);
      void env.shutdown();
    }
    // Callers waiting for a retired environment to finish would wait for nothing: they cold-start.
    this.releaseExcessWaiters();
    return true;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Provisioned environments first (Lambda uses them before on-demand ones), then most recently used. */
  private takeIdle(): E | undefined {
    const live = this.idle.filter((env) => env.state === 'Idle' && !this.retired.has(env));
    this.idle.splice(0, this.idle.length, ...live);
    let index = -1;
    for (let i = live.length - 1; i >= 0; i--) {
      if (live[i].initializationType === 'provisioned-concurrency') {
        index = i;
        break;
      }
    }
    if (index < 0) index = live.length - 1;
    if (index < 0) return undefined;
    const [env] = this.idle.splice(index, 1);
    clearTimeout(this.reapTimers.get(env));
    this.reapTimers.delete(env);
    return env;
  }

  private finishingCount(): number {
    let n = 0;
    for (const env of this.environments) if (env.isFinishing && !this.retired.has(env)) n++;
    return n;
  }

  /** Gives back an idle environment acquire() handed out and the caller did not use (it was throttled). */
  release(env: E): void {
    if (env.state !== 'Idle') return;
    if (this.retired.has(env)) {
      void env.shutdown();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) return waiter(env);
    this.idle.push(env);
    this.armReaper(env);
  }

  private onStateChange(env: E): void {
    if (env.state === 'Idle') {
      if (this.claimed.delete(env)) return;
      this.release(env);
      return;
    }
    if (env.state === 'ShuttingDown' || env.state === 'Terminated') {
      this.environments.delete(env);
      this.claimed.delete(env);
      const i = this.idle.indexOf(env);
      if (i >= 0) this.idle.splice(i, 1);
      clearTimeout(this.reapTimers.get(env));
      this.reapTimers.delete(env);
      this.releaseExcessWaiters();
    }
  }

  /** Waiters beyond what can still become idle must cold-start instead. */
  private releaseExcessWaiters(): void {
    while (this.waiters.length > this.finishingCount()) this.waiters.pop()?.(undefined);
  }

  private armReaper(env: E): void {
    const keepAlive = this.keepAliveMs();
    if (!Number.isFinite(keepAlive) || keepAlive < 0 || env.initializationType === 'provisioned-concurrency') return;
    const timer = setTimeout(() => {
      this.reapTimers.delete(env);
      if (env.state === 'Idle') void env.shutdown();
    }, keepAlive);
    timer.unref();
    this.reapTimers.set(env, timer);
  }

  async shutdownAll(): Promise<void> {
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    await Promise.all([...this.environments].map((env) => env.shutdown()));
  }
}
