import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FunctionDefinition } from '../config/types';
import type { ShutdownReason } from '../runtime-api/extensionsApi';
import type { ResponseStream } from '../runtime-api/responseStream';
import { RuntimeApiServer, type RuntimeApiListener, type RuntimeResult } from '../runtime-api/server';
import type { PlatformRecords, TelemetryType, InitializationType } from '../telemetry/events';
import { makeTmpDir, prepareLaunch, type PreparedLaunch } from './lambdaEnv';
import { extensionFailed } from './platformErrors';
import { EnvironmentReporter } from './environmentReporter';
import { InitPhase } from './initPhase';
import { InvokePhase } from './invokePhase';
import { EnvironmentLifecycle } from './lifecycle';
import { EnvironmentExtensions, EXTENSION_SHUTDOWN_MS } from './environmentExtensions';
import { RuntimeProcess } from './runtimeProcess';
import type {
  EnvironmentOptions,
  EnvironmentState,
  InitOutcome,
  InitSubPhase,
  InvocationOutcome,
  InvokeRequest,
  LogCollector,
  SchedulableEnvironment,
} from './types';

export type {
  EnvironmentOptions,
  EnvironmentState,
  InitOutcome,
  InitSubPhase,
  InvocationOutcome,
  InvokeRequest,
  LogCollector,
  SchedulableEnvironment,
  StreamedResponse,
} from './types';

// An execution environment: its process groups (the runtime, its external extensions) with its own
// Runtime API server, going through Lambda's lifecycle:
//   Initializing(extensions → runtime → function) → Idle ⇄ Invoking → ShuttingDown → Terminated
// A failure in any phase ends the environment ("reset", as Lambda does); the caller gets AWS's error.
// This class owns the processes and drives the transitions, whose table is EnvironmentLifecycle's
// (lifecycle.ts); each phase's bookkeeping is its own module: INIT in InitPhase, INVOKE in
// InvokePhase, extensions in EnvironmentExtensions, events and log lines in EnvironmentReporter.

export class ExecutionEnvironment implements RuntimeApiListener, SchedulableEnvironment {
  readonly id = `env-${randomBytes(4).toString('hex')}`;
  readonly fn: FunctionDefinition;
  readonly version: string;
  readonly createdAt = Date.now();
  initSubPhase: InitSubPhase | undefined;
  invocationCount = 0;
  lastUsedAt = Date.now();
  /** `ws://127.0.0.1:<port>/<id>` once the runtime's inspector listens (debug mode). */
  inspectorUrl: string | undefined;

  /** The only owner of the state: every change is one of its table's transitions. */
  private readonly lifecycle = new EnvironmentLifecycle();
  private readonly server: RuntimeApiServer;
  private readonly reporter: EnvironmentReporter;
  private readonly extensions: EnvironmentExtensions;
  /** Every invocation of this environment, from START to REPORT. */
  private readonly invocations: InvokePhase;
  private runtime: RuntimeProcess | undefined;
  private tmpDir = '';
  /** The INIT in progress (undefined before and after). */
  private initPhase: InitPhase | undefined;
  private timeoutsSuspended = false;
  private readonly inspectorWaiters: Array<(url: string | undefined) => void> = [];
  private readonly stateListeners = new Set<(env: this) => void>();

  constructor(private readonly options: EnvironmentOptions) {
    this.fn = options.fn;
    this.version = options.version;
    this.lifecycle.onTransition((state) => {
      this.emit('workbench.environment', { state, pid: this.pid, inspectorUrl: this.inspectorUrl });
      for (const listener of this.stateListeners) listener(this);
    });
    this.reporter = new EnvironmentReporter(options.telemetry, {
      functionName: options.fn.functionName,
      functionVersion: options.version,
      environmentId: this.id,
    });
    this.extensions = new EnvironmentExtensions(
      () => ({ functionName: this.fn.functionName, functionVersion: this.version, handler: this.fn.handler }),
      this.id,
      options.telemetry,
      {
        ready: () => (this.lifecycle.is('Initializing') ? this.tryCompleteInit() : this.invocations.settleFinishing()),
        failed: (errorType, message) => this.onExtensionFailed(errorType, message),
        output: (text, time) => this.emit('extension', text, this.invocations.pending?.request.requestId, undefined, time),
      },
    );
    this.server = new RuntimeApiServer(this, { extensions: this.extensions.api, subscribe: this.extensions.subscribe });
    this.invocations = new InvokePhase(this.fn, this.version, this.server, this.extensions, this.reporter, {
      emit: (type, record, requestId, collector) => this.emit(type, record, requestId, collector),
      output: (text) => this.functionOutput(text),
      runtime: () => this.runtime,
      invoking: () => this.lifecycle.allows('invocationDone'),
      timeoutsSuspended: () => this.timeoutsSuspended,
      idle: () => {
        this.lastUsedAt = Date.now();
        this.lifecycle.apply('invocationDone');
      },
      reset: (reason) => void this.terminate(reason),
    });
  }

  get state(): EnvironmentState {
    return this.lifecycle.state;
  }

  get pid(): number | undefined {
    return this.runtime?.pid;
  }

  get initializationType(): InitializationType {
    return this.options.initializationType;
  }

  /** True once the runtime has answered and the environment is about to be Idle again. */
  get isFinishing(): boolean {
    return this.lifecycle.is('Invoking') && this.invocations.isFinishing;
  }

  /** The peak memory of the environment's processes over its invocations (REPORT's Max Memory Used). */
  get maxMemoryUsedMb(): number {
    return this.invocations.maxMemoryUsedMb;
  }

  /** Init duration to report on the first invocation's REPORT line. */
  get pendingInitDurationMs(): number | undefined {
    return this.invocations.pendingInitDurationMs;
  }

  onStateChange(listener: (env: this) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  // ------------------------------------------------------------------------------------------
  // INIT

  /** Starts the process group and runs INIT until the runtime first asks for an event. */
  async init(collector?: LogCollector): Promise<InitOutcome> {
    const { fn } = this.options;
    const init = new InitPhase(this.options.debug ? 0 : this.options.initTimeoutMs, collector, {
      report: (status, errorType, durationMs, spans) => {
        const initializationType = this.options.initializationType;
        this.emit('platform.initRuntimeDone', { initializationType, phase: 'init', status, errorType, spans });
        this.emit('platform.initReport', { initializationType, phase: 'init', status, errorType, metrics: { durationMs }, spans });
      },
      ended: (result) => {
        this.initPhase = undefined;
        this.extensions.endInit();
        this.setSubPhase(undefined);
        if (!result.ok) void this.terminate();
      },
    });
    this.initPhase = init;
    const outcome = init.outcome;
    let prepared: PreparedLaunch;
    try {
      prepared = await prepareLaunch({
        fn,
        version: this.version,
        region: this.options.region,
        initializationType: this.options.initializationType,
        runtime: this.options.runtime,
        debug: this.options.debug,
        stopOnInit: this.options.stopOnInit,
        listen: () => this.server.listen(),
        credentials: () => this.options.credentials.get(),
        optDir: this.options.optDir,
        tmpDir: () => makeTmpDir(this.options.tmpRoot, this.id).then((dir) => (this.tmpDir = dir)),
      });
    } catch (error) {
      this.failInit('Runtime.InvalidEntrypoint', (error as Error).message);
      return outcome;
    }
    const { launch, env, optDir } = prepared;
    this.emit('platform.initStart', {
      initializationType: this.options.initializationType,
      phase: 'init',
      runtimeVersion: launch.runtimeVersion,
      runtimeVersionArn: launch.runtimeVersionArn,
      functionName: fn.functionName,
      functionVersion: this.version,
    });
    init.armTimeout();
    if (!(await this.extensions.start(optDir, env, () => this.setSubPhase('extensions')))) return outcome;
    if (this.extensions.hasExternal) init.runtimeStartedAt = performance.now();
    this.setSubPhase('runtime');
    try {
      this.runtime = new RuntimeProcess(
        { command: launch.command, args: launch.args, cwd: fn.codeUri, env },
        {
          output: (text, time) => this.functionOutput(text, time),
          inspector: (url) => this.onInspector(url),
          exit: (reason) => this.onExit(reason),
          spawnError: (message) => this.failInit('Runtime.InvalidEntrypoint', `Runtime failed to start: ${message}`),
        },
      );
    } catch (error) {
      this.failInit('Runtime.InvalidEntrypoint', `Runtime failed to start: ${(error as Error).message}`);
    }
    return outcome;
  }

  /** An extension failed: during INIT, INIT fails; afterwards, see failWithExtension. */
  private onExtensionFailed(errorType: string, message: string): void {
    if (!this.lifecycle.live) return;
    if (this.initPhase) return this.failInit(errorType === 'Extension.ExitError' ? 'Extension.InitError' : errorType, message);
    this.failWithExtension(errorType, message);
  }

  /** An extension failed after INIT: the invocation in progress (if any) fails, the environment resets. */
  private failWithExtension(errorType: string, message: string): void {
    this.invocations.abort((requestId) => extensionFailed(requestId, errorType, message));
    this.invocations.endAnsweredInvocation();
    this.emit('workbench.environment', { state: this.state, detail: message, pid: this.pid });
    void this.terminate('FAILURE');
  }

  onReady(functionInitStart: number | undefined): void {
    if (this.lifecycle.is('Initializing') && this.initPhase) {
      this.initPhase.functionInitStarted(functionInitStart);
      this.initPhase.runtimeDone = true;
      return this.tryCompleteInit();
    }
    this.invocations.onRuntimeReady();
  }

  onInitError(body: Buffer, errorType: string | undefined, functionInitStart: number | undefined): void {
    this.initPhase?.functionInitStarted(functionInitStart);
    this.initPhase?.runtimeReportedError(body, errorType);
  }

  /** INIT is over when the runtime and every registered extension have asked for an event. */
  private tryCompleteInit(): void {
    const init = this.initPhase;
    if (!init || !init.runtimeDone || !this.extensions.allReady) return;
    const durationMs = init.succeed();
    this.invocations.initCompleted(this.options.initializationType === 'on-demand' ? durationMs : undefined);
    this.lifecycle.apply('initDone');
  }

  private failInit(errorType: string, message: string): void {
    this.initPhase?.fail(errorType, message);
  }

  // ------------------------------------------------------------------------------------------
  // INVOKE

  /** Runs one invocation. The environment must be Idle (the scheduler guarantees it). */
  invoke(request: InvokeRequest, collector?: LogCollector): Promise<InvocationOutcome> {
    if (!this.lifecycle.allows('invoke') || !this.invocations.runtimeReady) {
      return Promise.reject(new Error(`Environment ${this.id} is ${this.state}, not Idle`));
    }
    this.lifecycle.apply('invoke');
    this.invocationCount++;
    this.lastUsedAt = Date.now();
    return this.invocations.start(request, collector);
  }

  /**
   * The invocation that triggered a failed INIT gets the init error as its response, with its own
   * START / END / REPORT (the environment is already gone).
   */
  reportFailedInit(request: InvokeRequest, init: InitOutcome, collector?: LogCollector): InvocationOutcome {
    return this.invocations.reportFailedInit(request, init, collector);
  }

  onStreamStart(requestId: string, stream: ResponseStream): void {
    this.invocations.onStreamStart(requestId, stream);
  }

  onResult(requestId: string, result: RuntimeResult): void {
    this.invocations.onResult(requestId, result);
  }

  // ------------------------------------------------------------------------------------------
  // Debugger hooks

  /** Started with the runtime waiting for a debugger. */
  get debugMode(): boolean {
    return this.options.debug;
  }

  /** Lambda's timeout is lifted while a debugger holds the runtime (issue: debugger hooks). */
  suspendTimeouts(suspended: boolean): void {
    if (this.timeoutsSuspended === suspended) return;
    this.timeoutsSuspended = suspended;
    if (suspended) return;
    // Released: the limits apply again, in full from now.
    this.invocations.rearmTimeout();
    this.initPhase?.armTimeout();
  }

  get areTimeoutsSuspended(): boolean {
    return this.timeoutsSuspended;
  }

  private onInspector(url: string): void {
    this.inspectorUrl = url;
    this.emit('workbench.environment', { state: this.state, detail: 'debugger waiting', pid: this.pid, inspectorUrl: url });
    for (const waiter of this.inspectorWaiters.splice(0)) waiter(url);
  }

  /** Resolves with the inspector's WebSocket URL once the debug-mode runtime listens. */
  waitForInspector(): Promise<string | undefined> {
    if (this.inspectorUrl || !this.options.debug || this.lifecycle.is('Terminated')) return Promise.resolve(this.inspectorUrl);
    return new Promise((resolve) => this.inspectorWaiters.push(resolve));
  }

  // ------------------------------------------------------------------------------------------
  // Output, exits, SHUTDOWN

  private functionOutput(text: string, time?: Date): void {
    this.emit('function', text, this.invocations.pending?.request.requestId, undefined, time);
  }

  private onExit(reason: string): void {
    if (this.initPhase) {
      this.initPhase.runtimeExited(this.runtime?.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', reason);
    } else if (this.invocations.awaitingAnswer) {
      this.invocations.runtimeCrashed(reason);
    } else if (this.lifecycle.is('Idle', 'Invoking')) {
      // Exited between invocations (uncaught exception after responding, process.exit…).
      this.invocations.endAnsweredInvocation();
      this.emit('workbench.environment', { state: this.state, detail: `runtime exited between invocations (${reason})`, pid: this.pid });
    }
    void this.terminate();
  }

  /**
   * SHUTDOWN: SIGTERM to the process group, SIGKILL after the grace period, then the Runtime API
   * server closes and the temporary directory goes.
   */
  async shutdown(): Promise<void> {
    if (this.lifecycle.is('Terminated')) return;
    // Already ShuttingDown (a shutdown or a reset in progress): straight to the end.
    if (this.lifecycle.allows('shutdown')) {
      this.lifecycle.apply('shutdown');
      const budget = this.extensions.hasExternal ? EXTENSION_SHUTDOWN_MS : this.options.shutdownGraceMs;
      await this.extensions.notifyShutdown('SPINDOWN', budget);
      const runtime = this.runtime;
      const exits: Array<Promise<unknown>> = [];
      if (runtime?.isRunning) {
        runtime.signal('SIGTERM');
        exits.push(runtime.exited);
      }
      exits.push(this.extensions.waitForExit(budget));
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, budget).unref())]);
    }
    await this.terminate();
  }

  private terminating: Promise<void> | undefined;

  /**
   * Ends the environment now: the runtime is killed; after a failure (`reason`), running extensions
   * still get SHUTDOWN and their budget, as in Lambda's reset. Idempotent.
   */
  terminate(reason?: ShutdownReason): Promise<void> {
    if (this.terminating) return this.terminating;
    this.terminating = (async () => {
      this.initPhase?.disarm();
      this.lifecycle.apply('reset');
      this.runtime?.signal('SIGKILL');
      this.failInit('Runtime.ExitError', 'Runtime exited with error: signal: killed');
      if (reason && this.extensions.anyRunning) {
        await this.extensions.notifyShutdown(reason, EXTENSION_SHUTDOWN_MS);
        await this.extensions.waitForExit(EXTENSION_SHUTDOWN_MS);
      }
      if (this.runtime) await Promise.race([this.runtime.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.extensions.close();
      await this.server.close();
      if (this.tmpDir) await fs.rm(this.tmpDir, { recursive: true, force: true }).catch(() => undefined);
      this.lifecycle.apply('terminated');
      for (const waiter of this.inspectorWaiters.splice(0)) waiter(undefined);
    })();
    return this.terminating;
  }

  // ------------------------------------------------------------------------------------------

  private setSubPhase(phase: InitSubPhase | undefined): void {
    this.initSubPhase = phase;
    if (phase) this.emit('workbench.environment', { state: this.state, detail: `init:${phase}`, pid: this.pid });
  }

  private emit<T extends TelemetryType>(type: T, record: PlatformRecords[T], requestId?: string, collector?: LogCollector, time?: Date): void {
    // Lines belong to the invocation in progress, or during INIT to the one that triggered it.
    this.reporter.emit(type, record, requestId, collector ?? this.invocations.pending?.collector ?? this.initPhase?.collector, time);
  }
}
