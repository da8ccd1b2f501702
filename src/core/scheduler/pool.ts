import type { ExecutionEnvironment } from '../environment/environment';

/**
 * The environments of one function version. Idle ones are reused most-recently-used first (as
 * Lambda does, so the least used ones age out); an environment that has already answered and is
 * only finishing its REPORT is waited for rather than cold-starting a new one.
 */
export class EnvironmentPool {
  readonly environments = new Set<ExecutionEnvironment>();
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiters: Array<(env: ExecutionEnvironment | undefined) => void> = [];
  private readonly reapTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  /** Environments being cold-started for a caller: their first Idle belongs to that caller. */
  private readonly claimed = new Set<ExecutionEnvironment>();

  constructor(readonly functionName: string, readonly version: string, private readonly keepAliveMs: () => number) {}

  /** Adds an environment that is cold-starting for a caller, who will invoke it first. */
  addClaimed(env: ExecutionEnvironment): void {
    this.claimed.add(env);
    this.add(env);
  }

  /** Adds a provisioned environment: once initialised it waits, idle, for invocations. */
  add(env: ExecutionEnvironment): void {
    this.environments.add(env);
    env.onStateChange((e) => this.onStateChange(e));
  }

  /** An idle environment, or one that becomes idle in a moment, or undefined (cold start needed). */
  async acquire(): Promise<ExecutionEnvironment | undefined> {
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
      if (env.state === 'Invoking' || (env.state === 'Initializing' && env.initializationType === 'on-demand')) busy++;
    }
    return busy;
  }

  get provisionedCount(): number {
    let n = 0;
    for (const env of this.environments) if (env.initializationType === 'provisioned-concurrency') n++;
    return n;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Provisioned environments first (Lambda uses them before on-demand ones), then most recently used. */
  private takeIdle(): ExecutionEnvironment | undefined {
    const live = this.idle.filter((env) => env.state === 'Idle');
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
    for (const env of this.environments) if (env.isFinishing) n++;
    return n;
  }

  private onStateChange(env: ExecutionEnvironment): void {
    if (env.state === 'Idle') {
      if (this.claimed.delete(env)) return;
      const waiter = this.waiters.shift();
      if (waiter) return waiter(env);
      this.idle.push(env);
      this.armReaper(env);
      return;
    }
    if (env.state === 'ShuttingDown' || env.state === 'Terminated') {
      this.environments.delete(env);
      this.claimed.delete(env);
      const i = this.idle.indexOf(env);
      if (i >= 0) this.idle.splice(i, 1);
      clearTimeout(this.reapTimers.get(env));
      this.reapTimers.delete(env);
      // Waiters beyond what can still become idle must cold-start instead.
      while (this.waiters.length > this.finishingCount()) this.waiters.pop()?.(undefined);
    }
  }

  private armReaper(env: ExecutionEnvironment): void {
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
