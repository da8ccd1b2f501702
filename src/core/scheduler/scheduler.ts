import type { FunctionDefinition } from '../config/types';
import type { ExecutionEnvironment, InvocationOutcome, InvokeRequest, LogCollector } from '../environment/environment';
import { WorkbenchError } from '../errors';
import type { InitializationType } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';
import { EnvironmentPool } from './pool';

// Places invocations on environments: warm reuse, cold start on demand, idle reaping, and
// Lambda's concurrency limits (reserved per function, the account-wide pool for the rest).

export interface SchedulerSettings {
  /** Engine-wide concurrency (Lambda's account limit, default 1000). */
  accountConcurrency: number;
  /** Idle environments are shut down after this long. */
  keepAliveMs: number;
}

export type EnvironmentFactory = (fn: FunctionDefinition, version: string, initializationType: InitializationType) => ExecutionEnvironment;

export interface ScheduledResult {
  outcome: InvocationOutcome;
  environmentId: string;
  coldStart: boolean;
  initDurationMs?: number;
}

export class Scheduler {
  private readonly pools = new Map<string, EnvironmentPool>();
  private closed = false;

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly createEnvironment: EnvironmentFactory,
    private readonly telemetry: TelemetryStream,
    /** Every function the engine knows, for the unreserved-concurrency computation. */
    private readonly allFunctions: () => FunctionDefinition[],
  ) {}

  async run(fn: FunctionDefinition, version: string, request: InvokeRequest, collector?: LogCollector): Promise<ScheduledResult> {
    if (this.closed) throw new WorkbenchError('ServiceException', 'The engine is shutting down');
    const pool = this.pool(fn.functionName, version);
    const warm = await pool.acquire();
    if (warm) {
      const outcome = await warm.invoke(request, collector);
      return { outcome, environmentId: warm.id, coldStart: false };
    }
    this.checkConcurrency(fn);
    const env = this.createEnvironment(fn, version, 'on-demand');
    pool.addClaimed(env);
    const init = await env.init(collector);
    if (!init.ok && init.error) {
      const outcome = env.reportFailedInit(request, init, collector);
      return { outcome, environmentId: env.id, coldStart: true, initDurationMs: init.durationMs };
    }
    const outcome = await env.invoke(request, collector);
    return { outcome, environmentId: env.id, coldStart: true, initDurationMs: init.durationMs };
  }

  /**
   * Provisioned concurrency: brings the version's provisioned environments up to `count`, all
   * initialised before they serve anything. One that ends (crash, timeout) is replaced.
   * Resolves with the number that initialised successfully.
   */
  async provision(fn: FunctionDefinition, version: string, count: number): Promise<number> {
    const pool = this.pool(fn.functionName, version);
    const missing = Math.max(0, count - pool.provisionedCount);
    const results = await Promise.all(Array.from({ length: missing }, async () => {
      const env = this.createEnvironment(fn, version, 'provisioned-concurrency');
      pool.add(env);
      const init = await env.init();
      if (!init.ok) {
        this.telemetry.emit('workbench.warning', { message: `A provisioned environment of ${fn.functionName}:${version} failed to initialise (${init.error?.errorType}); invocations will cold-start on demand.` }, { functionName: fn.functionName });
        return false;
      }
      env.onStateChange((e) => {
        if (e.state === 'Terminated' && !this.closed) void this.provision(fn, version, count);
      });
      return true;
    }));
    return results.filter(Boolean).length;
  }

  /** Throws TooManyRequestsException when a new environment would exceed a limit. */
  private checkConcurrency(fn: FunctionDefinition): void {
    let accountBusy = 0;
    let functionBusy = 0;
    for (const pool of this.pools.values()) {
      const busy = pool.busyCount;
      accountBusy += busy;
      if (pool.functionName === fn.functionName) functionBusy += busy;
    }
    const reserved = fn.reservedConcurrentExecutions;
    if (reserved !== undefined) {
      if (functionBusy >= reserved) this.throttle(fn, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      return;
    }
    // Functions without a reservation share what the reservations leave of the account limit.
    const reservedTotal = this.allFunctions().reduce((sum, f) => sum + (f.reservedConcurrentExecutions ?? 0), 0);
    let unreservedBusy = 0;
    for (const pool of this.pools.values()) {
      const other = this.allFunctions().find((f) => f.functionName === pool.functionName);
      if (other?.reservedConcurrentExecutions === undefined) unreservedBusy += pool.busyCount;
    }
    if (accountBusy >= this.settings.accountConcurrency || unreservedBusy >= this.settings.accountConcurrency - reservedTotal) {
      this.throttle(fn, 'ConcurrentInvocationLimitExceeded');
    }
  }

  private throttle(fn: FunctionDefinition, reason: string): never {
    const message = 'Rate Exceeded.';
    this.telemetry.emit('workbench.throttle', { reason, message }, { functionName: fn.functionName });
    throw new WorkbenchError('TooManyRequestsException', message, reason);
  }

  private pool(functionName: string, version: string): EnvironmentPool {
    const key = `${functionName}:${version}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new EnvironmentPool(functionName, version, () => this.settings.keepAliveMs);
      this.pools.set(key, pool);
    }
    return pool;
  }

  environments(): ExecutionEnvironment[] {
    return [...this.pools.values()].flatMap((pool) => [...pool.environments]);
  }

  /** Shuts every environment down (of one function, or all). */
  async shutdown(functionName?: string): Promise<void> {
    await Promise.all([...this.pools.values()].filter((p) => !functionName || p.functionName === functionName).map((p) => p.shutdownAll()));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.shutdown();
  }
}
