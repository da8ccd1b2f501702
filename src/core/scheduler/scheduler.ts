import type { FunctionDefinition, FunctionLookup } from '../config/types';
import type { ExecutionEnvironment, InvocationOutcome, InvokeRequest, LogCollector, SchedulableEnvironment } from '../environment/environment';
import { WorkbenchError } from '../errors';
import type { InitializationType } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';
import { EnvironmentPool } from './pool';

// Places invocations on environments: warm reuse, cold start on demand, idle reaping, and
// Lambda's concurrency limits (reserved per function, the account-wide pool for the rest).

/** How many provisioned environments initialise at once, engine-wide. */
export const PROVISIONING_INITS = 4;

export interface SchedulerSettings {
  /** Engine-wide concurrency (Lambda's account limit, default 1000). */
  accountConcurrency: number;
  /** Idle environments are shut down after this long. */
  keepAliveMs: number;
}

export type EnvironmentFactory<E extends SchedulableEnvironment = ExecutionEnvironment> = (
  fn: FunctionDefinition,
  version: string,
  initializationType: InitializationType,
) => E;

export interface ScheduledResult {
  outcome: InvocationOutcome;
  environmentId: string;
  coldStart: boolean;
  initDurationMs?: number;
}

export class Scheduler<E extends SchedulableEnvironment = ExecutionEnvironment> {
  private readonly pools = new Map<string, EnvironmentPool<E>>();
  /** The provisioned count each pool is held at (what a replacement provisions up to). */
  private readonly provisionTargets = new WeakMap<EnvironmentPool<E>, number>();
  private closed = false;
  /** INITs of provisioned environments in progress, engine-wide (at most PROVISIONING_INITS). */
  private readonly initSlots = new Slots(PROVISIONING_INITS);

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly createEnvironment: EnvironmentFactory<E>,
    private readonly telemetry: TelemetryStream,
    /** Every function the engine knows, for the unreserved-concurrency computation. */
    private readonly catalog: Pick<FunctionLookup, 'functions'>,
  ) {}

  async run(fn: FunctionDefinition, version: string, request: InvokeRequest, collector?: LogCollector): Promise<ScheduledResult> {
    if (this.closed) throw new WorkbenchError('ServiceException', 'The engine is shutting down');
    // Reserved concurrency 0 throttles everything, warm environments included (it can be set while some are idle).
    if (fn.reservedConcurrentExecutions === 0) this.throttle(fn, version, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    const pool = this.pool(fn.functionName, version);
    const generation = pool.generation;
    const warm = await pool.acquire();
    if (warm) {
      // A warm on-demand environment is one more concurrent execution, as a cold start is (Lambda
      // counts executions, not environments); a provisioned one is within the provisioned count.
      if (warm.initializationType === 'on-demand') {
        try {
          this.checkConcurrency(fn, version);
        } catch (error) {
          pool.release(warm);
          throw error;
        }
      }
      const outcome = await warm.invoke(request, collector);
      return { outcome, environmentId: warm.id, coldStart: false };
    }
    this.checkConcurrency(fn, version);
    const env = this.createEnvironment(fn, version, 'on-demand');
    pool.addClaimed(env);
    // The pool was retired while this invocation waited: `fn` may be the superseded definition, so
    // the environment serves this invocation only.
    if (pool.generation !== generation) pool.retire(env);
    const init = await env.init(collector);
    if (!init.ok && init.error) {
      const outcome = env.reportFailedInit(request, init, collector);
      return { outcome, environmentId: env.id, coldStart: true, initDurationMs: init.durationMs };
    }
    const outcome = await env.invoke(request, collector);
    return { outcome, environmentId: env.id, coldStart: true, initDurationMs: init.durationMs };
  }

  /**
   * Provisioned concurrency: brings the version's provisioned environments to `count`, all
   * initialised before they serve anything; extras (a lower count, 0 to remove them) are retired,
   * idle ones first. One that ends (crash, timeout) is replaced while the count stands.
   * Resolves with the number that initialised successfully.
   */
  async provision(fn: FunctionDefinition, version: string, count: number): Promise<number> {
    if (this.closed) return 0;
    const pool = this.pool(fn.functionName, version);
    this.provisionTargets.set(pool, count);
    const current = [...pool.environments].filter((env) => env.initializationType === 'provisioned-concurrency' && !pool.isRetired(env));
    if (current.length > count) {
      current.sort((a, b) => Number(b.state === 'Idle') - Number(a.state === 'Idle'));
      for (const env of current.slice(0, current.length - count)) pool.retire(env);
      return count;
    }
    // A few INITs at a time (engine-wide), not all at once: a large count neither floods the host
    // nor starves other functions' invocations, and closing the engine stops it between two INITs.
    let ready = 0;
    const next = async (): Promise<void> => {
      for (;;) {
        if (this.closed || started >= missing || pool.provisionedCount >= (this.provisionTargets.get(pool) ?? 0)) return;
        await this.initSlots.acquire();
        // The target may have been lowered, or the engine closed, while this waited for a slot.
        if (this.closed || pool.provisionedCount >= (this.provisionTargets.get(pool) ?? 0)) return this.initSlots.release();
        // Each missing environment is tried once: a failed INIT is not retried here.
        if (started >= missing) return this.initSlots.release();
        started++;
        const env = this.createEnvironment(fn, version, 'provisioned-concurrency');
        pool.add(env);
        const init = await env.init().finally(() => this.initSlots.release());
        if (!init.ok) {
          if (!this.closed && !pool.isRetired(env)) {
            this.telemetry.emit(
              'workbench.warning',
              {
                message: `A provisioned environment of ${fn.functionName}:${version} failed to initialise (${init.error?.errorType}); invocations will cold-start on demand.`,
              },
              { functionName: fn.functionName },
            );
          }
          continue;
        }
        ready++;
        env.onStateChange((e) => {
          // A retired one is replaced by whoever retired it, with the new definition.
          if (e.state === 'Terminated' && !this.closed && !pool.isRetired(e)) void this.provision(fn, version, this.provisionTargets.get(pool) ?? 0);
        });
      }
    };
    const missing = Math.max(0, count - pool.provisionedCount);
    let started = 0;
    await Promise.all(Array.from({ length: Math.min(PROVISIONING_INITS, missing) }, next));
    return ready;
  }

  /** Throws TooManyRequestsException when a new environment would exceed a limit. */
  private checkConcurrency(fn: FunctionDefinition, version: string): void {
    let accountBusy = 0;
    let onDemandBusy = 0;
    let provisioned = 0;
    for (const pool of this.pools.values()) {
      accountBusy += pool.busyCount;
      if (pool.functionName !== fn.functionName) continue;
      onDemandBusy += pool.onDemandBusyCount;
      provisioned += this.provisionTargets.get(pool) ?? 0;
    }
    const reserved = fn.reservedConcurrentExecutions;
    if (reserved !== undefined) {
      // The function's provisioned concurrency (every version and alias) is taken from its reservation:
      // on-demand executions get what is left, even while the provisioned environments are idle.
      if (onDemandBusy + provisioned >= reserved) this.throttle(fn, version, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      return;
    }
    // Functions without a reservation share what the reservations leave of the account limit.
    const reservedTotal = this.catalog.functions().reduce((sum, f) => sum + (f.reservedConcurrentExecutions ?? 0), 0);
    let unreservedBusy = 0;
    for (const pool of this.pools.values()) {
      const other = this.catalog.functions().find((f) => f.functionName === pool.functionName);
      if (other?.reservedConcurrentExecutions === undefined) unreservedBusy += pool.busyCount;
    }
    if (accountBusy >= this.settings.accountConcurrency || unreservedBusy >= this.settings.accountConcurrency - reservedTotal) {
      this.throttle(fn, version, 'ConcurrentInvocationLimitExceeded');
    }
  }

  private throttle(fn: FunctionDefinition, version: string, reason: string): never {
    const message = 'Rate Exceeded.';
    this.telemetry.emit('workbench.throttle', { reason, message }, { functionName: fn.functionName, functionVersion: version });
    throw new WorkbenchError('TooManyRequestsException', message, reason);
  }

  private pool(functionName: string, version: string): EnvironmentPool<E> {
    const key = `${functionName}:${version}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new EnvironmentPool<E>(functionName, version, () => this.settings.keepAliveMs);
      this.pools.set(key, pool);
    }
    return pool;
  }

  environments(): E[] {
    return [...this.pools.values()].flatMap((pool) => [...pool.environments]);
  }

  /**
   * Retires the environments of one function version (its code or configuration changed): idle
   * ones shut down now, busy ones after their current invocation; none is handed out again, so the
   * next invocation cold-starts. Provisioned ones are not replaced here: provision() again.
   * Returns how many environments were retired.
   */
  retire(functionName: string, version: string): number {
    return this.pools.get(`${functionName}:${version}`)?.retireAll() ?? 0;
  }

  /** Retires the function's environments (any version) that match; see retire(). Returns how many. */
  retireWhere(functionName: string, matches: (env: E) => boolean): number {
    let n = 0;
    for (const pool of this.pools.values()) {
      if (pool.functionName !== functionName) continue;
      for (const env of [...pool.environments]) if (matches(env) && pool.retire(env)) n++;
    }
    return n;
  }

  /** Shuts every environment down (of one function, or all). */
  async shutdown(functionName?: string): Promise<void> {
    await Promise.all([...this.pools.values()].filter((p) => !functionName || p.functionName === functionName).map((p) => p.shutdownAll()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.initSlots.drain();
    await this.shutdown();
  }
}

/** A counting semaphore; drain() lets every waiter through (they then see the engine closed). */
class Slots {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter();
    else this.free++;
  }

  drain(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
