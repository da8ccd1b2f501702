import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FunctionDefinition } from '../config/types';
import type { ShutdownReason } from '../runtime-api/extensionsApi';
import { RuntimeApiServer, type RuntimeApiListener, type RuntimeResult } from '../runtime-api/server';
import type { PlatformRecords, TelemetryType, InitializationType } from '../telemetry/events';
import { makeTmpDir, prepareLaunch, type PreparedLaunch } from './lambdaEnv';
import { errorTypeOf, exitMessage, extensionFailed, initFailed, outOfMemory, runtimeExited, timedOut } from './platformErrors';
import { EnvironmentReporter } from './environmentReporter';
import { InitPhase } from './initPhase';
import { EnvironmentExtensions, EXTENSION_SHUTDOWN_MS } from './environmentExtensions';
import { RuntimeProcess } from './runtimeProcess';
import type { EnvironmentOptions, EnvironmentState, InitOutcome, InitSubPhase, InvocationOutcome, InvokeRequest, LogCollector } from './types';

export type { EnvironmentOptions, EnvironmentState, InitOutcome, InitSubPhase, InvocationOutcome, InvokeRequest, LogCollector } from './types';

// An execution environment: its process groups (the runtime, its external extensions) with its own
// Runtime API server, going through Lambda's lifecycle:
//   Initializing(runtime → function) → Idle ⇄ Invoking → ShuttingDown → Terminated
// A failure in any phase ends the environment ("reset", as Lambda does); the caller gets AWS's error.

/** How often memory is sampled during an invocation. */
const MEMORY_SAMPLE_MS = 20;

interface Answered {
  pending: PendingInvocation;
  outcome: InvocationOutcome;
  initDurationMs: number | undefined;
  /** The environment is being reset: report without waiting for the runtime or extensions. */
  final: boolean;
  /** The caller has been answered (pipes drained). */
  flushed: boolean;
  reported: () => void;
}

interface PendingInvocation {
  request: InvokeRequest;
  startedAt: number;
  timer?: NodeJS.Timeout;
  memoryWatch?: NodeJS.Timeout;
  resolve: (outcome: InvocationOutcome) => void;
  collector?: LogCollector;
}

export class ExecutionEnvironment implements RuntimeApiListener {
  readonly id = `env-${randomBytes(4).toString('hex')}`;
  readonly fn: FunctionDefinition;
  readonly version: string;
  readonly createdAt = Date.now();
  state: EnvironmentState = 'Initializing';
  initSubPhase: InitSubPhase | undefined;
  invocationCount = 0;
  lastUsedAt = Date.now();
  /** `ws://127.0.0.1:<port>/<id>` once the runtime's inspector listens (debug mode). */
  inspectorUrl: string | undefined;
  /** Init duration to report on the first invocation's REPORT line. */
  pendingInitDurationMs: number | undefined;
  maxMemoryUsedMb = 0;

  private readonly server: RuntimeApiServer;
  private readonly reporter: EnvironmentReporter;
  private readonly extensions: EnvironmentExtensions;
  private runtime: RuntimeProcess | undefined;
  private tmpDir = '';
  /** The INIT in progress (undefined before and after). */
  private initPhase: InitPhase | undefined;
  private pending: PendingInvocation | undefined;
  /** True from the runtime's response until its next /next and our REPORT are both done. */
  private finishing = false;
  private runtimeReady = false;
  /** The runtime's answer, until the invoke phase ends and REPORT is out. */
  private answered: Answered | undefined;
  private timeoutsSuspended = false;
  private memoryExceeded = false;
  private readonly inspectorWaiters: Array<(url: string | undefined) => void> = [];
  private readonly stateListeners = new Set<(env: ExecutionEnvironment) => void>();

  constructor(private readonly options: EnvironmentOptions) {
    this.fn = options.fn;
    this.version = options.version;
    this.reporter = new EnvironmentReporter(options.telemetry, { functionName: options.fn.functionName, functionVersion: options.version, environmentId: this.id });
    this.extensions = new EnvironmentExtensions(
      () => ({ functionName: this.fn.functionName, functionVersion: this.version, handler: this.fn.handler }),
      this.id,
      options.telemetry,
      {
        ready: () => (this.state === 'Initializing' ? this.tryCompleteInit() : this.settleFinishing()),
        failed: (errorType, message) => this.onExtensionFailed(errorType, message),
        output: (text, time) => this.emit('extension', text, this.pending?.request.requestId, undefined, time),
      },
    );
    this.server = new RuntimeApiServer(this, { extensions: this.extensions.api, subscribe: this.extensions.subscribe });
  }

  get pid(): number | undefined {
    return this.runtime?.pid;
  }

  get initializationType(): InitializationType {
    return this.options.initializationType;
  }

  /** True once the runtime has answered and the environment is about to be Idle again. */
  get isFinishing(): boolean {
    return this.state === 'Invoking' && this.finishing;
  }

  onStateChange(listener: (env: ExecutionEnvironment) => void): () => void {
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
      this.runtime = new RuntimeProcess({ command: launch.command, args: launch.args, cwd: fn.codeUri, env }, {
        output: (text, time) => this.functionOutput(text, time),
        inspector: (url) => this.onInspector(url),
        exit: (reason) => this.onExit(reason),
        spawnError: (message) => this.failInit('Runtime.InvalidEntrypoint', `Runtime failed to start: ${message}`),
      });
    } catch (error) {
      this.failInit('Runtime.InvalidEntrypoint', `Runtime failed to start: ${(error as Error).message}`);
    }
    return outcome;
  }

  /** An extension failed: during INIT, INIT fails; afterwards, see failWithExtension. */
  private onExtensionFailed(errorType: string, message: string): void {
    if (this.state === 'ShuttingDown' || this.state === 'Terminated') return;
    if (this.initPhase) return this.failInit(errorType === 'Extension.ExitError' ? 'Extension.InitError' : errorType, message);
    this.failWithExtension(errorType, message);
  }

  /** An extension failed after INIT: the invocation in progress (if any) fails, the environment resets. */
  private failWithExtension(errorType: string, message: string): void {
    const pending = this.pending;
    if (pending && !this.finishing) {
      const answer = extensionFailed(pending.request.requestId, errorType, message);
      this.finishInvocation(pending, { ...answer, durationMs: performance.now() - pending.startedAt }, { alive: true, final: true });
    }
    this.endAnsweredInvocation();
    this.emit('workbench.environment', { state: this.state, detail: message, pid: this.pid });
    void this.terminate('FAILURE');
  }

  onReady(functionInitStart: number | undefined): void {
    if (this.state === 'Initializing' && this.initPhase) {
      this.initPhase.functionInitStarted(functionInitStart);
      this.initPhase.runtimeDone = true;
      return this.tryCompleteInit();
    }
    this.runtimeReady = true;
    this.settleFinishing();
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
    if (this.options.initializationType === 'on-demand') this.pendingInitDurationMs = durationMs;
    this.runtimeReady = true;
    this.setState('Idle');
  }

  private failInit(errorType: string, message: string): void {
    this.initPhase?.fail(errorType, message);
  }

  // ------------------------------------------------------------------------------------------
  // INVOKE

  /** Runs one invocation. The environment must be Idle (the scheduler guarantees it). */
  invoke(request: InvokeRequest, collector?: LogCollector): Promise<InvocationOutcome> {
    if (this.state !== 'Idle' || !this.runtimeReady) {
      return Promise.reject(new Error(`Environment ${this.id} is ${this.state}, not Idle`));
    }
    this.setState('Invoking');
    this.runtimeReady = false;
    this.finishing = false;
    this.invocationCount++;
    this.lastUsedAt = Date.now();
    return new Promise<InvocationOutcome>((resolve) => {
      const pending: PendingInvocation = { request, startedAt: performance.now(), resolve, collector };
      this.pending = pending;
      this.emit('platform.start', {
        requestId: request.requestId,
        version: this.version,
        tracing: { type: 'X-Amzn-Trace-Id', value: request.traceId },
      });
      const deadlineMs = Math.round(Date.now() + this.fn.timeout * 1000);
      this.armTimeout(pending);
      pending.memoryWatch = setInterval(() => this.watchMemory(pending), MEMORY_SAMPLE_MS);
      this.server.deliver({
        requestId: request.requestId,
        payload: request.payload,
        deadlineMs,
        invokedFunctionArn: request.invokedFunctionArn,
        traceId: request.traceId,
        clientContext: request.clientContext,
        cognitoIdentity: request.cognitoIdentity,
      });
      this.extensions.dispatch({
        eventType: 'INVOKE',
        deadlineMs,
        requestId: request.requestId,
        invokedFunctionArn: request.invokedFunctionArn,
        tracing: { type: 'X-Amzn-Trace-Id', value: request.traceId },
      });
    });
  }

  /**
   * The invocation that triggered a failed INIT gets the init error as its response, with its own
   * START / END / REPORT (the environment is already gone).
   */
  reportFailedInit(request: InvokeRequest, init: InitOutcome, collector?: LogCollector): InvocationOutcome {
    const outcome: InvocationOutcome = { ...initFailed(init.error!), durationMs: 0, reported: Promise.resolve() };
    const { requestId, traceId } = request;
    this.emit('platform.start', { requestId, version: this.version, tracing: { type: 'X-Amzn-Trace-Id', value: traceId } }, requestId, collector);
    this.emitEnd(request, outcome, init.durationMs, collector);
    return outcome;
  }

  onResult(requestId: string, result: RuntimeResult): void {
    const pending = this.pending;
    // Late answers (after a timeout already answered the caller) are ignored.
    if (!pending || this.finishing || pending.request.requestId !== requestId) return;
    const isError = result.kind === 'error';
    const errorType = isError ? result.platformError?.errorType ?? result.errorType ?? errorTypeOf(result.body) ?? 'Function.Unknown' : undefined;
    // Platform rejections (oversized response…) are failures; a handler's own error is an error.
    this.finishInvocation(pending, {
      payload: result.body,
      contentType: isError ? 'application/json' : result.contentType,
      functionError: isError ? 'Unhandled' : undefined,
      errorType,
      status: isError ? 'error' : 'success',
      platformErrorType: result.platformError?.errorType,
      durationMs: performance.now() - pending.startedAt,
    }, { alive: true, final: false });
  }

  /** Started with the runtime waiting for a debugger. */
  get debugMode(): boolean {
    return this.options.debug;
  }

  /** Lambda's timeout is lifted while a debugger holds the runtime (issue: debugger hooks). */
  suspendTimeouts(suspended: boolean): void {
    if (this.timeoutsSuspended === suspended) return;
    this.timeoutsSuspended = suspended;
    if (!suspended && this.pending && !this.finishing) this.armTimeout(this.pending);
    if (!suspended) this.initPhase?.armTimeout();
  }

  get areTimeoutsSuspended(): boolean {
    return this.timeoutsSuspended;
  }

  private armTimeout(pending: PendingInvocation): void {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => this.onInvokeTimeout(pending), this.fn.timeout * 1000);
  }

  private onInvokeTimeout(pending: PendingInvocation): void {
    if (this.pending !== pending) return;
    if (this.timeoutsSuspended) {
      this.emit('workbench.timeoutSuspended', { requestId: pending.request.requestId }, pending.request.requestId);
      return;
    }
    if (this.finishing) {
      // The runtime answered, but an extension is still busy when the timeout strikes: the
      // invoke phase ends here and the environment resets.
      this.endAnsweredInvocation();
      void this.terminate('TIMEOUT');
      return;
    }
    const elapsed = (performance.now() - pending.startedAt) / 1000;
    const seconds = Math.max(elapsed, this.fn.timeout).toFixed(2);
    const { requestId } = pending.request;
    this.functionOutput(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`);
    // Lambda resets the environment after a timeout: the next invocation starts a fresh one.
    this.finishInvocation(pending, { ...timedOut(requestId, seconds), durationMs: performance.now() - pending.startedAt }, { alive: true, final: true });
    void this.terminate('TIMEOUT');
  }

  /**
   * Answers the caller one turn of the event loop later, so that log lines the runtime wrote before
   * responding — already in our pipes — are read first. END and REPORT follow when the invoke
   * phase ends: the runtime and every extension asked for the next event (`final`: at once, the
   * environment is being reset).
   */
  private finishInvocation(pending: PendingInvocation, result: Omit<InvocationOutcome, 'reported'>, how: { alive: boolean; final: boolean }): void {
    clearInterval(pending.memoryWatch);
    // The timeout stays armed while extensions may still be working on this invocation.
    if (how.final || this.extensions.allReady) clearTimeout(pending.timer);
    this.finishing = true;
    let peakMb = how.alive && this.runtime ? this.runtime.peakMemoryMb() + this.extensions.peakMemoryMb() : 0;
    let final = how.final;
    // A peak above MemorySize is an out-of-memory, even if it came and went between samples.
    if (peakMb > this.fn.memorySize && result.status !== 'timeout') {
      result = { ...outOfMemory(pending.request.requestId), durationMs: result.durationMs };
      peakMb = this.fn.memorySize;
      final = true;
      void this.terminate();
    }
    this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, peakMb);
    let reported!: () => void;
    const outcome: InvocationOutcome = { ...result, reported: new Promise<void>((resolve) => (reported = resolve)) };
    const answered: Answered = { pending, outcome, initDurationMs: this.pendingInitDurationMs, final, flushed: false, reported };
    this.pendingInitDurationMs = undefined;
    this.answered = answered;
    setImmediate(() => {
      pending.resolve(outcome);
      answered.flushed = true;
      this.settleFinishing();
    });
  }

  /** The environment is being reset after the runtime answered: REPORT without waiting further. */
  private endAnsweredInvocation(): void {
    if (!this.answered) return;
    this.answered.final = true;
    this.settleFinishing();
  }

  /** MemorySize bounds the environment: over it, the process group is killed (Runtime.OutOfMemory). */
  private watchMemory(pending: PendingInvocation): void {
    if (this.pending !== pending || this.finishing || !this.runtime) return;
    if (this.runtime.currentMemoryMb() > this.fn.memorySize) {
      this.memoryExceeded = true;
      this.runtime.signal('SIGKILL');
    }
  }

  /** The invoke phase is over: END and REPORT, then Idle (unless the environment is being reset). */
  private settleFinishing(): void {
    const answered = this.answered;
    if (!answered || !answered.flushed) return;
    if (!answered.final && (this.state !== 'Invoking' || !this.runtimeReady || !this.extensions.allReady)) return;
    this.answered = undefined;
    clearTimeout(answered.pending.timer);
    this.emitEnd(answered.pending.request, answered.outcome, answered.initDurationMs, answered.pending.collector);
    if (this.pending === answered.pending) this.pending = undefined;
    answered.reported();
    if (!answered.final && this.state === 'Invoking') {
      this.finishing = false;
      this.lastUsedAt = Date.now();
      this.setState('Idle');
    }
  }

  /** END and REPORT of an invocation. */
  private emitEnd(request: InvokeRequest, outcome: Omit<InvocationOutcome, 'reported'>, initDurationMs: number | undefined, collector?: LogCollector): void {
    this.reporter.invocationEnd(request, outcome, { initDurationMs, memorySizeMB: this.fn.memorySize, maxMemoryUsedMB: this.maxMemoryUsedMb }, collector);
  }

  // ------------------------------------------------------------------------------------------
  // Output, exits, SHUTDOWN

  private functionOutput(text: string, time?: Date): void {
    this.emit('function', text, this.pending?.request.requestId, undefined, time);
  }

  private onInspector(url: string): void {
    this.inspectorUrl = url;
    this.emit('workbench.environment', { state: this.state, detail: 'debugger waiting', pid: this.pid, inspectorUrl: url });
    for (const waiter of this.inspectorWaiters.splice(0)) waiter(url);
  }

  /** Resolves with the inspector's WebSocket URL once the debug-mode runtime listens. */
  waitForInspector(): Promise<string | undefined> {
    if (this.inspectorUrl || !this.options.debug || this.state === 'Terminated') return Promise.resolve(this.inspectorUrl);
    return new Promise((resolve) => this.inspectorWaiters.push(resolve));
  }

  private onExit(reason: string): void {
    if (this.initPhase) {
      this.initPhase.runtimeExited(this.runtime?.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', `Runtime exited with error: ${reason}`);
    } else if (this.pending && !this.finishing) {
      const { requestId } = this.pending.request;
      const oom = this.memoryExceeded || this.runtime?.outOfMemory;
      this.functionOutput(exitMessage(requestId, reason));
      const answer = oom ? outOfMemory(requestId) : runtimeExited(requestId, reason);
      if (oom) this.maxMemoryUsedMb = this.fn.memorySize;
      this.finishInvocation(this.pending, { ...answer, durationMs: performance.now() - this.pending.startedAt }, { alive: false, final: true });
    } else if (this.state === 'Idle' || this.state === 'Invoking') {
      // Exited between invocations (uncaught exception after responding, process.exit…).
      this.endAnsweredInvocation();
      this.emit('workbench.environment', { state: this.state, detail: `runtime exited between invocations (${reason})`, pid: this.pid });
    }
    void this.terminate();
  }

  /**
   * SHUTDOWN: SIGTERM to the process group, SIGKILL after the grace period, then the Runtime API
   * server closes and the temporary directory goes.
   */
  async shutdown(): Promise<void> {
    if (this.state === 'Terminated') return;
    if (this.state !== 'ShuttingDown') {
      this.setState('ShuttingDown');
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
      if (this.state !== 'ShuttingDown') this.setState('ShuttingDown');
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
      this.setState('Terminated');
      for (const waiter of this.inspectorWaiters.splice(0)) waiter(undefined);
    })();
    return this.terminating;
  }

  // ------------------------------------------------------------------------------------------

  private setSubPhase(phase: InitSubPhase | undefined): void {
    this.initSubPhase = phase;
    if (phase) this.emit('workbench.environment', { state: this.state, detail: `init:${phase}`, pid: this.pid });
  }

  private setState(state: EnvironmentState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('workbench.environment', { state, pid: this.pid, inspectorUrl: this.inspectorUrl });
    for (const listener of this.stateListeners) listener(this);
  }

  private emit<T extends TelemetryType>(type: T, record: PlatformRecords[T], requestId?: string, collector?: LogCollector, time?: Date): void {
    // Lines belong to the invocation in progress, or during INIT to the one that triggered it.
    this.reporter.emit(type, record, requestId, collector ?? this.pending?.collector ?? this.initPhase?.collector, time);
  }
}
