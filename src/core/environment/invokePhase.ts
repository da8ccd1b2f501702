import type { FunctionDefinition } from '../config/types';
import type { ShutdownReason } from '../runtime-api/extensionsApi';
import type { ResponseStream } from '../runtime-api/responseStream';
import type { RuntimeApiServer, RuntimeResult } from '../runtime-api/server';
import type { PlatformRecords, TelemetryType } from '../telemetry/events';
import type { EnvironmentExtensions } from './environmentExtensions';
import type { EnvironmentReporter } from './environmentReporter';
import { errorTypeOf, exitMessage, initFailed, outOfMemory, runtimeExited, timedOut, type PlatformAnswer } from './platformErrors';
import type { RuntimeProcess } from './runtimeProcess';
import type { InitOutcome, InvocationOutcome, InvokeRequest, LogCollector } from './types';

// The INVOKE phase of one environment, invocation after invocation: delivering the event, the
// function's timeout, the memory watch, and how an invocation ends. The caller is answered as soon
// as the runtime responds (or the platform gives up on it: timeout, crash, out of memory); END and
// REPORT come when the invoke phase is really over — the runtime and every extension asked for the
// next event — because until then the environment cannot take another invocation. The environment
// owns the states and the processes; it drives this and hears back through the hooks. How these
// sub-phases of Invoking (awaiting the answer, answered, REPORT pending) relate to the
// environment's states is told in lifecycle.ts.

/** How often memory is sampled during an invocation. */
const MEMORY_SAMPLE_MS = 20;

export interface InvokePhaseHooks {
  /** An event on the engine's stream (and the collecting invocation's log). */
  emit<T extends TelemetryType>(type: T, record: PlatformRecords[T], requestId?: string, collector?: LogCollector): void;
  /** A line in the function's log (ours, e.g. "Task timed out"). */
  output(text: string): void;
  /** The runtime process, once started. */
  runtime(): RuntimeProcess | undefined;
  /** The environment is still Invoking (not being reset). */
  invoking(): boolean;
  /** Lambda's timeout is lifted while a debugger holds the runtime. */
  timeoutsSuspended(): boolean;
  /** The invoke phase ended normally: the environment is Idle again. */
  idle(): void;
  /** The environment must be reset (terminated); `reason` goes to extensions' SHUTDOWN. */
  reset(reason?: ShutdownReason): void;
}

interface PendingInvocation {
  request: InvokeRequest;
  startedAt: number;
  timer?: NodeJS.Timeout;
  memoryWatch?: NodeJS.Timeout;
  /** Answers the caller (for a streamed response: settles its `stream.finished`). */
  resolve: (outcome: InvocationOutcome) => void;
  collector?: LogCollector;
  /** The response the runtime is streaming to the caller. */
  stream?: ResponseStream;
}

/** The runtime's answer (or the platform's), kept until the invoke phase ends and REPORT is out. */
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

export class InvokePhase {
  /** The runtime waits on /next for an event (INIT done, or the previous invocation's next). */
  runtimeReady = false;
  /** Init duration to report on the first invocation's REPORT line (on-demand INIT only). */
  pendingInitDurationMs: number | undefined;
  maxMemoryUsedMb = 0;
  private current: PendingInvocation | undefined;
  /** True from the runtime's answer until its next /next and our REPORT are both done. */
  private finishing = false;
  private answered: Answered | undefined;
  private memoryExceeded = false;

  constructor(
    private readonly fn: FunctionDefinition,
    private readonly version: string,
    private readonly server: RuntimeApiServer,
    private readonly extensions: EnvironmentExtensions,
    private readonly reporter: EnvironmentReporter,
    private readonly hooks: InvokePhaseHooks,
  ) {}

  /** The invocation whose output and events this is (until its REPORT). */
  get pending(): { request: InvokeRequest; collector?: LogCollector } | undefined {
    return this.current;
  }

  /** The runtime has answered and the invoke phase is winding down. */
  get isFinishing(): boolean {
    return this.finishing;
  }

  /** An invocation the runtime has not answered yet. */
  get awaitingAnswer(): boolean {
    return this.current !== undefined && !this.finishing;
  }

  /** INIT succeeded: the runtime waits for its first event; on-demand, INIT's duration goes on the first REPORT. */
  initCompleted(reportInitDurationMs: number | undefined): void {
    if (reportInitDurationMs !== undefined) this.pendingInitDurationMs = reportInitDurationMs;
    this.runtimeReady = true;
  }

  /** START, the deadline, the memory watch, then the event to the runtime and to extensions. */
  start(request: InvokeRequest, collector?: LogCollector): Promise<InvocationOutcome> {
    this.runtimeReady = false;
    this.finishing = false;
    return new Promise<InvocationOutcome>((resolve) => {
      const pending: PendingInvocation = { request, startedAt: performance.now(), resolve, collector };
      this.current = pending;
      this.hooks.emit('platform.start', {
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
        acceptsStream: request.acceptStream,
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

  /** See ExecutionEnvironment.reportFailedInit. */
  reportFailedInit(request: InvokeRequest, init: InitOutcome, collector?: LogCollector): InvocationOutcome {
    const outcome: InvocationOutcome = { ...initFailed(init.error!, request.requestId), durationMs: 0, reported: Promise.resolve() };
    const { requestId, traceId } = request;
    this.hooks.emit('platform.start', { requestId, version: this.version, tracing: { type: 'X-Amzn-Trace-Id', value: traceId } }, requestId, collector);
    this.emitEnd(request, outcome, init.durationMs, collector);
    return outcome;
  }

  /**
   * The runtime started streaming the response (the request accepts streams): the caller is
   * answered now with the stream; the invocation goes on — timeout, memory watch, crash — until
   * the response is over (onResult, or the platform ends it), which settles `stream.finished`.
   */
  onStreamStart(requestId: string, stream: ResponseStream): void {
    const pending = this.current;
    if (!pending || this.finishing || pending.request.requestId !== requestId) return stream.close();
    pending.stream = stream;
    const answer = pending.resolve;
    const finished = new Promise<InvocationOutcome>((resolve) => (pending.resolve = resolve));
    answer({
      payload: Buffer.alloc(0),
      contentType: stream.contentType,
      status: 'success',
      durationMs: performance.now() - pending.startedAt,
      reported: finished.then((outcome) => outcome.reported),
      stream: { contentType: stream.contentType, body: stream, discard: () => stream.discard(), finished },
    });
  }

  /** The runtime posted the invocation's response or error (for a stream: the response is over). */
  onResult(requestId: string, result: RuntimeResult): void {
    const pending = this.current;
    // Late answers (after a timeout already answered the caller) are ignored.
    if (!pending || this.finishing || pending.request.requestId !== requestId) return;
    const isError = result.kind === 'error';
    const errorType = isError ? (result.platformError?.errorType ?? result.errorType ?? errorTypeOf(result.body) ?? 'Function.Unknown') : undefined;
    // Platform rejections (oversized response…) are failures; a handler's own error is an error.
    this.finishInvocation(
      pending,
      {
        payload: result.body,
        contentType: isError ? 'application/json' : result.contentType,
        functionError: isError ? 'Unhandled' : undefined,
        errorType,
        status: isError ? 'error' : 'success',
        platformErrorType: result.platformError?.errorType,
        durationMs: performance.now() - pending.startedAt,
      },
      { alive: true, final: false },
    );
  }

  /** The runtime asked for the next event: the invoke phase may be over. */
  onRuntimeReady(): void {
    this.runtimeReady = true;
    this.settleFinishing();
  }

  /** Timeouts apply again (a debugger let go): the unanswered invocation gets a full timeout from now. */
  rearmTimeout(): void {
    if (this.current && !this.finishing) this.armTimeout(this.current);
  }

  /** The environment is being reset: the unanswered invocation (if any) fails with `answer`. */
  abort(answer: (requestId: string) => PlatformAnswer): void {
    const pending = this.current;
    if (!pending || this.finishing) return;
    this.finishInvocation(pending, { ...answer(pending.request.requestId), durationMs: performance.now() - pending.startedAt }, { alive: true, final: true });
  }

  /** The runtime ended before answering: the invocation fails (Runtime.ExitError, or out of memory). */
  runtimeCrashed(reason: string): void {
    const pending = this.current;
    if (!pending || this.finishing) return;
    const { requestId } = pending.request;
    const oom = this.memoryExceeded || this.hooks.runtime()?.outOfMemory;
    this.hooks.output(exitMessage(requestId, reason));
    const answer = oom ? outOfMemory(requestId) : runtimeExited(requestId, reason);
    if (oom) this.maxMemoryUsedMb = this.fn.memorySize;
    this.finishInvocation(pending, { ...answer, durationMs: performance.now() - pending.startedAt }, { alive: false, final: true });
  }

  /** The environment is being reset after the runtime answered: REPORT without waiting further. */
  endAnsweredInvocation(): void {
    if (!this.answered) return;
    this.answered.final = true;
    this.settleFinishing();
  }

  /** END and REPORT once the invoke phase is over; see finishInvocation. */
  settleFinishing(): void {
    const answered = this.answered;
    if (!answered || !answered.flushed) return;
    if (!answered.final && (!this.hooks.invoking() || !this.runtimeReady || !this.extensions.allReady)) return;
    this.answered = undefined;
    clearTimeout(answered.pending.timer);
    this.emitEnd(answered.pending.request, answered.outcome, answered.initDurationMs, answered.pending.collector);
    if (this.current === answered.pending) this.current = undefined;
    answered.reported();
    if (!answered.final && this.hooks.invoking()) {
      this.finishing = false;
      this.hooks.idle();
    }
  }

  // ------------------------------------------------------------------------------------------

  private armTimeout(pending: PendingInvocation): void {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => this.onTimeout(pending), this.fn.timeout * 1000);
  }

  private onTimeout(pending: PendingInvocation): void {
    if (this.current !== pending) return;
    if (this.hooks.timeoutsSuspended()) {
      this.hooks.emit('workbench.timeoutSuspended', { requestId: pending.request.requestId }, pending.request.requestId);
      return;
    }
    if (this.finishing) {
      // The runtime answered, but an extension is still busy when the timeout strikes: the
      // invoke phase ends here and the environment resets.
      this.endAnsweredInvocation();
      this.hooks.reset('TIMEOUT');
      return;
    }
    const elapsed = (performance.now() - pending.startedAt) / 1000;
    const seconds = Math.max(elapsed, this.fn.timeout).toFixed(2);
    const { requestId } = pending.request;
    this.hooks.output(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`);
    // Lambda resets the environment after a timeout: the next invocation starts a fresh one.
    this.finishInvocation(pending, { ...timedOut(requestId, seconds), durationMs: performance.now() - pending.startedAt }, { alive: true, final: true });
    this.hooks.reset('TIMEOUT');
  }

  /** MemorySize bounds the environment: over it, the process group is killed (Runtime.OutOfMemory). */
  private watchMemory(pending: PendingInvocation): void {
    const runtime = this.hooks.runtime();
    if (this.current !== pending || this.finishing || !runtime) return;
    if (runtime.currentMemoryMb() > this.fn.memorySize) {
      this.memoryExceeded = true;
      runtime.signal('SIGKILL');
    }
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
    const runtime = this.hooks.runtime();
    let peakMb = how.alive && runtime ? runtime.peakMemoryMb() + this.extensions.peakMemoryMb() : 0;
    let final = how.final;
    // A peak above MemorySize is an out-of-memory, even if it came and went between samples.
    if (peakMb > this.fn.memorySize && result.status !== 'timeout') {
      result = { ...outOfMemory(pending.request.requestId), durationMs: result.durationMs };
      peakMb = this.fn.memorySize;
      final = true;
      this.hooks.reset();
    }
    this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, peakMb);
    let reported!: () => void;
    const outcome: InvocationOutcome = { ...result, reported: new Promise<void>((resolve) => (reported = resolve)) };
    const answered: Answered = { pending, outcome, initDurationMs: this.pendingInitDurationMs, final, flushed: false, reported };
    this.pendingInitDurationMs = undefined;
    this.answered = answered;
    setImmediate(() => {
      pending.stream?.close();
      pending.resolve(outcome);
      answered.flushed = true;
      this.settleFinishing();
    });
  }

  /** END and REPORT of an invocation. */
  private emitEnd(request: InvokeRequest, outcome: Omit<InvocationOutcome, 'reported'>, initDurationMs: number | undefined, collector?: LogCollector): void {
    this.reporter.invocationEnd(request, outcome, { initDurationMs, memorySizeMB: this.fn.memorySize, maxMemoryUsedMB: this.maxMemoryUsedMb }, collector);
  }
}
