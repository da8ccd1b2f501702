import type { PhaseStatus, Span } from '../telemetry/events';
import { initSpans } from './initSpans';
import { errorTypeOf, exitMessage } from './platformErrors';
import type { InitOutcome, LogCollector } from './types';

// The bookkeeping of one environment's INIT phase: its sub-phase boundaries, its time limit, how
// it ends (success, an error the runtime reported, a timeout, a crash) and what that end is
// reported as. The environment drives it and hears back through the hooks.

export interface InitPhaseHooks {
  /** `platform.initRuntimeDone` and `platform.initReport` for the end of INIT. */
  report(status: PhaseStatus, errorType: string | undefined, durationMs: number, spans: Span[]): void;
  /** INIT is over; on failure the environment is discarded. */
  ended(outcome: InitOutcome): void;
}

export class InitPhase {
  readonly startedAt = performance.now();
  readonly outcome: Promise<InitOutcome>;
  /** With external extensions: when the runtime was started (after they registered). */
  runtimeStartedAt: number | undefined;
  /** The runtime asked for its first event. */
  runtimeDone = false;
  private functionInitStartedAt: number | undefined;
  private resolve: ((outcome: InitOutcome) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reportedError: { body: Buffer; errorType?: string } | undefined;

  constructor(
    /** 0: no limit (e.g. while a debugger holds the runtime). */
    private readonly timeoutMs: number,
    /** Lines written during INIT go to the invocation that triggered it. */
    readonly collector: LogCollector | undefined,
    private readonly hooks: InitPhaseHooks,
  ) {
    this.outcome = new Promise((resolve) => (this.resolve = resolve));
  }

  get active(): boolean {
    return this.resolve !== undefined;
  }

  /** Arms Lambda's INIT limit (again, once a debugger lets go). */
  armTimeout(): void {
    if (!this.active || this.timer || this.timeoutMs <= 0) return;
    this.timer = setTimeout(() => {
      const seconds = (this.timeoutMs / 1000).toFixed(2);
      this.fail('Sandbox.Timedout', `Init phase timed out after ${seconds} seconds`, undefined, 'timeout');
    }, this.timeoutMs);
  }

  /** Where our bootstraps say function init began (epoch ms). */
  functionInitStarted(epochMs: number | undefined): void {
    if (epochMs !== undefined) this.functionInitStartedAt = epochMs - performance.timeOrigin;
  }

  /** The runtime posted /init/error: it exits by itself; the failure is reported when it does (or soon). */
  runtimeReportedError(body: Buffer, errorType: string | undefined): void {
    this.reportedError = { body, errorType };
    setTimeout(() => this.failAsReported(), 200).unref();
  }

  /** The runtime ended during INIT (`exit status 1`): its reported error if it posted one, else `errorType`. */
  runtimeExited(errorType: string, reason: string): void {
    if (this.reportedError) this.failAsReported();
    else this.fail(errorType, exitMessage(undefined, reason), undefined, 'error', reason);
  }

  succeed(): number {
    const durationMs = performance.now() - this.startedAt;
    this.hooks.report('success', undefined, durationMs, this.spans());
    this.end({ ok: true, durationMs });
    return durationMs;
  }

  /** Ends INIT with an error: the payload goes to the triggering invocation. */
  fail(errorType: string, message: string | undefined, body?: Buffer, status: PhaseStatus = 'error', exitReason?: string): void {
    if (!this.active) return;
    const durationMs = performance.now() - this.startedAt;
    const payload = body ?? Buffer.from(JSON.stringify({ errorType, errorMessage: message }));
    this.hooks.report(status, errorType, durationMs, this.spans());
    this.end({ ok: false, durationMs, error: { payload, errorType, status, exitReason } });
  }

  private failAsReported(): void {
    if (!this.active || !this.reportedError) return;
    const { body, errorType } = this.reportedError;
    this.fail(errorType ?? errorTypeOf(body) ?? 'Runtime.Unknown', undefined, body);
  }

  private spans(): Span[] {
    return initSpans({
      startedAt: this.startedAt,
      runtimeStartedAt: this.runtimeStartedAt,
      functionInitStartedAt: this.functionInitStartedAt,
      endAt: performance.now(),
    });
  }

  private end(outcome: InitOutcome): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.(outcome);
    this.hooks.ended(outcome);
  }

  /** Stops the clock without an outcome (the environment is going away anyway). */
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
