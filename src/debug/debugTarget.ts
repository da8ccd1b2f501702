import * as path from 'node:path';
import type { TelemetryEvent, Workbench } from '../core';

// What a debug session drives: an engine whose functions can be put in debug mode. Either an
// engine in this process (the extension host's, or the adapter's own), or a running `serve`
// reached over its loopback API (remoteDebugTarget.ts).

export interface DebugFunction {
  functionName: string;
  logicalId?: string;
  /** Absolute path of the code directory (source maps, outFiles). */
  codeUri: string;
}

export interface DebugInvocation {
  requestId: string;
  payload: string;
  functionError?: string;
  errorType?: string;
}

export interface DebugTarget {
  /** Puts a function (logical id or name) in debug mode; returns it and how many environments of the other mode were retired. */
  enable(name: string, overrides: { environment?: Record<string, string>; stopOnInit?: boolean }): Promise<{ fn: DebugFunction; retired: number }>;
  /** Back to normal mode, and SHUTDOWN for the environments started in debug mode. */
  disable(functionName: string): Promise<void>;
  /**
   * The engine's events for these functions (logical ids or names; an environment started in debug mode reports its
   * debugger's address as the `inspectorUrl` of a `workbench.environment` record).
   */
  subscribe(functionNames: ReadonlySet<string>, listener: (event: TelemetryEvent) => void): Promise<() => void>;
  /** Lifts (or restores) Lambda's timeouts of one environment; false when it is gone. */
  suspendTimeouts(environmentId: string, suspended: boolean): Promise<boolean>;
  invoke(functionName: string, payload: string, qualifier?: string): Promise<DebugInvocation>;
  invokeAsync(functionName: string, payload: string, qualifier?: string): Promise<{ requestId: string }>;
  /** Ends what the session opened (its own engine); a shared engine stays. */
  close(): Promise<void>;
}

/** An engine in this process; `owned` when the session opened it (and closes it at the end). */
export class LocalDebugTarget implements DebugTarget {
  constructor(
    readonly workbench: Workbench,
    private readonly owned: boolean,
  ) {}

  async enable(name: string, overrides: { environment?: Record<string, string>; stopOnInit?: boolean }): Promise<{ fn: DebugFunction; retired: number }> {
    const fn = this.workbench.getFunction(name);
    if (!fn) throw new Error(`Function not found in ${path.basename(this.workbench.template.file)}: ${name}`);
    const retired = this.workbench.setDebug(fn.functionName, true, overrides);
    return { fn: { functionName: fn.functionName, logicalId: fn.logicalId, codeUri: fn.codeUri }, retired };
  }

  async disable(functionName: string): Promise<void> {
    this.workbench.setDebug(functionName, false);
    const debugging = this.workbench.liveEnvironments().filter((env) => env.fn.functionName === functionName && env.debugMode);
    await Promise.all(debugging.map((env) => env.shutdown()));
  }

  async subscribe(names: ReadonlySet<string>, listener: (event: TelemetryEvent) => void): Promise<() => void> {
    const functionNames = new Set([...names].map((name) => this.workbench.getFunction(name)?.functionName ?? name));
    return this.workbench.telemetry.subscribe((event) => {
      if (!event.functionName || !functionNames.has(event.functionName)) {
        if (event.type === 'workbench.warning' && this.owned) listener(event);
        return;
      }
      listener(event);
    });
  }

  async suspendTimeouts(environmentId: string, suspended: boolean): Promise<boolean> {
    const env = this.environment(environmentId);
    if (!env || env.state === 'Terminated') return false;
    env.suspendTimeouts(suspended);
    return true;
  }

  async invoke(functionName: string, payload: string, qualifier?: string): Promise<DebugInvocation> {
    const result = await this.workbench.invoke(functionName, payload, { qualifier });
    await result.logs.catch(() => undefined);
    return { requestId: result.requestId, payload: result.payload.toString('utf8'), functionError: result.functionError, errorType: result.errorType };
  }

  invokeAsync(functionName: string, payload: string, qualifier?: string): Promise<{ requestId: string }> {
    return this.workbench.invokeAsync(functionName, payload, { qualifier });
  }

  async close(): Promise<void> {
    if (this.owned) await this.workbench.close();
  }

  private environment(id: string) {
    return this.workbench.liveEnvironments().find((env) => env.id === id);
  }
}
