import type { PlatformRecords, TelemetryType } from '../telemetry/events';
import { formatLogLine } from '../telemetry/logFormat';
import type { TelemetryStream } from '../telemetry/stream';
import type { InvocationOutcome, InvokeRequest, LogCollector } from './types';

// How an environment reports: its events on the engine's stream, tagged with where they happened,
// and — for an invocation that collects its log — the same events as Lambda's log lines.

export class EnvironmentReporter {
  constructor(
    private readonly telemetry: TelemetryStream,
    private readonly origin: { functionName: string; functionVersion: string; environmentId: string },
  ) {}

  emit<T extends TelemetryType>(type: T, record: PlatformRecords[T], requestId: string | undefined, collector: LogCollector | undefined, time?: Date): void {
    if (!collector && !this.telemetry.hasListeners) return;
    const origin = { ...this.origin, requestId };
    this.telemetry.emit(type, record, origin, time);
    if (collector) {
      const line = formatLogLine({ time: (time ?? new Date()).toISOString(), type, record, ...origin });
      if (line !== undefined) collector(line);
    }
  }

  /** END and REPORT of an invocation. */
  invocationEnd(
    request: InvokeRequest,
    outcome: Omit<InvocationOutcome, 'reported'>,
    metrics: { initDurationMs: number | undefined; memorySizeMB: number; maxMemoryUsedMB: number },
    collector: LogCollector | undefined,
  ): void {
    const { requestId, traceId } = request;
    this.emit(
      'platform.runtimeDone',
      {
        requestId,
        status: outcome.status,
        errorType: outcome.errorType,
        metrics: { durationMs: outcome.durationMs, producedBytes: outcome.payload.length },
        spans: [],
      },
      requestId,
      collector,
    );
    this.emit(
      'platform.report',
      {
        requestId,
        status: outcome.status,
        errorType: outcome.platformErrorType,
        metrics: {
          durationMs: outcome.durationMs,
          // Lambda bills per ms, and since 2025 includes the INIT phase of on-demand cold starts.
          billedDurationMs: Math.ceil(outcome.durationMs + (metrics.initDurationMs ?? 0)),
          memorySizeMB: metrics.memorySizeMB,
          maxMemoryUsedMB: Math.max(metrics.maxMemoryUsedMB, 1),
          initDurationMs: metrics.initDurationMs,
        },
        tracing: { type: 'X-Amzn-Trace-Id', value: traceId },
      },
      requestId,
      collector,
    );
  }
}
