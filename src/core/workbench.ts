import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic, hasErrors, loadTemplate } from './config';
import type { Diagnostic, FunctionDefinition, TemplateModel } from './config/types';
import { CredentialCache, userCredentialChain, type CredentialResolver } from './environment/credentials';
import { ExecutionEnvironment, type EnvironmentState, type InitSubPhase } from './environment/environment';
import { Invoker, type InvocationResult, type InvokeOptions } from './invoke/invoker';
import { AsyncInvoker, type AsyncInvokeOptions, type AsyncQueueStatus } from './invoke/asyncInvoker';
import { MAX_ASYNC_PAYLOAD_BYTES } from './invoke/asyncPolicy';
import type { DestinationMessage } from './invoke/destinations';
import { NodeRuntime, resolveLocalNode } from './runtimes/nodeRuntime';
import { ProvidedRuntime } from './runtimes/providedRuntime';
import { PythonRuntime, resolveLocalPython } from './runtimes/pythonRuntime';
import type { RuntimeAdapter } from './runtimes/types';
import { OptDirectories } from './layers/optDir';
import { Scheduler } from './scheduler/scheduler';
import type { InitializationType } from './telemetry/events';
import { TelemetryStream } from './telemetry/stream';

// The façade: one engine for one template. The CLI, the extension, the debug adapter, tests and
// benchmarks all go through it.

export interface WorkbenchSettings {
  region: string;
  /** node binary for nodejs* functions (default: `node` on PATH). */
  nodePath?: string;
  /** Cap Node's heap from MemorySize as Lambda does (default true; off: ~8 ms faster cold starts). */
  nodeHeapLimit?: boolean;
  /** Python interpreter for python3.* functions (default: `python3.X`, else `python3`, on PATH). */
  pythonPath?: string;
  /** Idle environments are shut down after this long (default 10 minutes). */
  keepAliveSeconds: number;
  /** Lambda's on-demand INIT limit (default 10 s). */
  initTimeoutSeconds: number;
  /** Engine-wide concurrency (default 1000). */
  accountConcurrency: number;
  /** SIGTERM → SIGKILL grace when an environment shuts down. */
  shutdownGraceMs: number;
  /** Parent of the per-environment TMPDIRs. */
  tmpRoot: string;
  /** Where the engine keeps its state (materialised layers…); default `.lambda-workbench` next to the template. */
  stateDir?: string;
  /** Credentials handed to functions (default: the user's chain, else fake ones). */
  credentials?: CredentialResolver;
  parameterOverrides?: Record<string, string>;
  /** Provisioned concurrency per function name or logical id, overriding the template's. */
  provisionedConcurrency?: Record<string, number>;
  /** Asynchronous invocation: delay before each retry after a function error (default [1, 2]; Lambda: 60, 120). */
  asyncRetryDelaysSeconds?: number[];
  /** Overrides every function's MaximumEventAgeInSeconds (local testing; the template's minimum is 60). */
  asyncMaximumEventAgeSeconds?: number;
  /** At most this many asynchronous attempts of one function in flight (default 10; see asyncPolicy.ts). */
  asyncConcurrency?: number;
  /** Process queued asynchronous events (default true; false for tools that only read the store). */
  asyncWorkers?: boolean;
  /** On close, attempts in flight get this long to finish and be recorded; later ones stay queued (default 2000). */
  asyncCloseGraceMs?: number;
}

export const DEFAULT_SETTINGS: WorkbenchSettings = {
  region: 'us-east-1',
  keepAliveSeconds: 600,
  initTimeoutSeconds: 10,
  accountConcurrency: 1000,
  shutdownGraceMs: 500,
  tmpRoot: path.join(os.tmpdir(), 'lambda-workbench'),
};

/** The template has errors: nothing can run until they are fixed. */
export class TemplateError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`The template has ${errors.length} error(s): ${errors.map(formatDiagnostic).join('; ')}`);
  }
}

export interface EnvironmentInfo {
  id: string;
  functionName: string;
  version: string;
  state: EnvironmentState;
  initSubPhase?: InitSubPhase;
  initializationType: string;
  pid?: number;
  createdAt: number;
  invocations: number;
  maxMemoryUsedMb: number;
  inspectorUrl?: string;
}

export class Workbench {
  readonly telemetry = new TelemetryStream();
  readonly settings: WorkbenchSettings;
  private readonly scheduler: Scheduler;
  private readonly invoker: Invoker;
  private readonly asyncInvoker: AsyncInvoker;
  private readonly runtimes: Map<string, RuntimeAdapter>;
  private readonly credentials: CredentialCache;
  private readonly debugFunctions = new Set<string>();
  private readonly optDirs: OptDirectories;
  private byName = new Map<string, FunctionDefinition>();

  private constructor(readonly template: TemplateModel, settings: Partial<WorkbenchSettings>) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.indexFunctions(template.functions);
    const warn = (message: string) => this.telemetry.emit('workbench.warning', { message });
    this.runtimes = new Map<string, RuntimeAdapter>([
      ['nodejs', new NodeRuntime(this.settings.nodePath, warn, this.settings.nodeHeapLimit ?? true)],
      ['python', new PythonRuntime(this.settings.pythonPath, warn)],
      ['provided', new ProvidedRuntime()],
    ]);
    this.optDirs = new OptDirectories(path.join(this.settings.stateDir ?? path.join(path.dirname(template.file), '.lambda-workbench'), 'opt'));
    this.credentials = new CredentialCache(this.settings.credentials ?? userCredentialChain());
    this.scheduler = new Scheduler(
      { accountConcurrency: this.settings.accountConcurrency, keepAliveMs: this.settings.keepAliveSeconds * 1000 },
      (fn, version, initializationType) => this.createEnvironment(fn, version, initializationType),
      this.telemetry,
      () => this.template.functions,
    );
    this.invoker = new Invoker(this.scheduler, (name) => this.byName.get(name), () => this.settings.region);
    this.asyncInvoker = new AsyncInvoker({
      scheduler: this.scheduler,
      telemetry: this.telemetry,
      lookup: (name) => this.byName.get(name),
      resolve: (name, payload, qualifier) => this.invoker.resolve(name, payload, qualifier, MAX_ASYNC_PAYLOAD_BYTES),
      functions: () => this.template.functions,
      storeDir: path.join(this.settings.stateDir ?? path.join(path.dirname(template.file), '.lambda-workbench'), 'store'),
      settings: () => ({
        region: this.settings.region,
        accountConcurrency: this.settings.accountConcurrency,
        retryDelaysSeconds: this.settings.asyncRetryDelaysSeconds ?? [1, 2],
        maximumEventAgeSeconds: this.settings.asyncMaximumEventAgeSeconds,
        maxConcurrencyPerFunction: this.settings.asyncConcurrency ?? 10,
        workers: this.settings.asyncWorkers ?? true,
      }),
    });
  }

  /** Reads the template; throws TemplateError when it has errors. */
  static async open(options: { template: string; settings?: Partial<WorkbenchSettings> }): Promise<Workbench> {
    const settings = options.settings ?? {};
    const model = await loadTemplate(path.resolve(options.template), {
      region: settings.region ?? DEFAULT_SETTINGS.region,
      parameterOverrides: settings.parameterOverrides,
    });
    if (hasErrors(model)) throw new TemplateError(model.diagnostics);
    const workbench = new Workbench(model, settings);
    workbench.warmCaches();
    await workbench.provisionAll();
    await workbench.asyncInvoker.start();
    return workbench;
  }

  functions(): FunctionDefinition[] {
    return this.template.functions;
  }

  /** By function name or logical id. */
  getFunction(name: string): FunctionDefinition | undefined {
    return this.byName.get(name);
  }

  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult> {
    return this.invoker.invoke(functionName, payload, options);
  }

  /** Validates an invocation without running it (the Invoke API's DryRun). */
  checkInvocation(functionName: string, payload: Buffer | string, qualifier?: string): void {
    this.invoker.resolve(functionName, payload, qualifier);
  }

  /**
   * Asynchronous invocation (InvocationType Event): validated like a synchronous one (1 MB payload
   * limit), resolved once the event is durably stored in the state directory. Workers run it through
   * the same scheduler, with Lambda's retries, event age and destinations; queued events survive a
   * crash and resume on the next `open` of the same state directory.
   */
  invokeAsync(functionName: string, payload: Buffer | string, options?: AsyncInvokeOptions): Promise<{ requestId: string }> {
    return this.asyncInvoker.enqueue(functionName, payload, options);
  }

  /** What the OnSuccess / OnFailure destinations and the dead-letter queue of a function received, oldest first. */
  destinationRecords(functionName: string): Promise<DestinationMessage[]> {
    return this.asyncInvoker.destinationRecords(functionName);
  }

  /** The local message list of one destination ARN (queue, topic, event bus, bucket, function). */
  destinationMessages(destinationArn: string): Promise<DestinationMessage[]> {
    return this.asyncInvoker.destinationMessages(destinationArn);
  }

  /** Queued and in-flight asynchronous events per function (of this engine's workers). */
  asyncStatus(): AsyncQueueStatus[] {
    return this.asyncInvoker.status();
  }

  /** New environments of the function start with the runtime waiting for a debugger. */
  setDebug(functionName: string, enabled: boolean): void {
    const fn = this.byName.get(functionName);
    if (!fn) throw new Error(`Unknown function ${functionName}`);
    if (enabled) this.debugFunctions.add(fn.functionName);
    else this.debugFunctions.delete(fn.functionName);
  }

  /** The live environment objects (debugger hooks: inspector URL, timeout suspension). */
  liveEnvironments(): ExecutionEnvironment[] {
    return this.scheduler.environments();
  }

  environments(): EnvironmentInfo[] {
    return this.scheduler.environments().map((env) => ({
      id: env.id,
      functionName: env.fn.functionName,
      version: env.version,
      state: env.state,
      initSubPhase: env.initSubPhase,
      initializationType: env.initializationType,
      pid: env.pid,
      createdAt: env.createdAt,
      invocations: env.invocationCount,
      maxMemoryUsedMb: env.maxMemoryUsedMb,
      inspectorUrl: env.inspectorUrl,
    }));
  }

  /** SHUTDOWN for every environment (of one function, or all). */
  shutdownEnvironments(functionName?: string): Promise<void> {
    return this.scheduler.shutdown(functionName);
  }

  /** Shuts every environment down; no process is left behind. */
  async close(): Promise<void> {
    await this.asyncInvoker.stop(this.settings.asyncCloseGraceMs ?? 2000);
    await this.scheduler.close();
    await this.asyncInvoker.close();
  }

  private createEnvironment(fn: FunctionDefinition, version: string, initializationType: InitializationType): ExecutionEnvironment {
    const runtime = this.runtimeFor(fn.runtime);
    return new ExecutionEnvironment({
      fn,
      version,
      region: this.settings.region,
      runtime,
      credentials: this.credentials,
      telemetry: this.telemetry,
      initializationType,
      initTimeoutMs: this.settings.initTimeoutSeconds * 1000,
      shutdownGraceMs: this.settings.shutdownGraceMs,
      debug: this.debugFunctions.has(fn.functionName),
      tmpRoot: this.settings.tmpRoot,
      optDir: () => this.optDirs.get(fn.functionName, version, fn.layers),
    });
  }

  private runtimeFor(runtime: string): RuntimeAdapter {
    for (const [prefix, adapter] of this.runtimes) if (runtime.startsWith(prefix)) return adapter;
    return {
      launch: async () => {
        throw new Error(`Runtime ${runtime} is not supported locally yet`);
      },
    };
  }

  private indexFunctions(functions: FunctionDefinition[]): void {
    this.byName = new Map();
    for (const fn of functions) {
      this.byName.set(fn.logicalId, fn);
      this.byName.set(fn.functionName, fn);
    }
  }

  /** Initialises every function's provisioned environments before any invocation. */
  private async provisionAll(): Promise<void> {
    const overrides = this.settings.provisionedConcurrency ?? {};
    await Promise.all(this.template.functions.map((fn) => {
      const count = overrides[fn.functionName] ?? overrides[fn.logicalId] ?? fn.provisionedConcurrency ?? 0;
      return count > 0 ? this.scheduler.provision(fn, '$LATEST', count) : Promise.resolve(0);
    }));
  }

  /** Resolves the node binary and credentials ahead of the first cold start. */
  private warmCaches(): void {
    if (this.template.functions.some((f) => f.runtime.startsWith('nodejs'))) {
      resolveLocalNode(this.settings.nodePath).catch(() => undefined);
    }
    for (const runtime of new Set(this.template.functions.map((f) => f.runtime).filter((r) => r.startsWith('python')))) {
      resolveLocalPython(runtime, this.settings.pythonPath).catch(() => undefined);
    }
    this.credentials.get().catch(() => undefined);
  }
}
