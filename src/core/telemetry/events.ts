// The engine's single event stream. Records use the Telemetry API's own schema
// (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html) so that log
// formatting, the UI and (later) Telemetry API subscribers all read the same thing.
// Each record is wrapped with where it happened (environment, function, version), which the
// Telemetry API leaves implicit because there it is scoped to one environment.

export type InitializationType = 'on-demand' | 'provisioned-concurrency';
export type PhaseStatus = 'success' | 'failure' | 'error' | 'timeout';

export interface Span {
  name: string;
  start: string;
  durationMs: number;
}

export interface PlatformRecords {
  'platform.initStart': {
    initializationType: InitializationType;
    phase: 'init' | 'invoke';
    runtimeVersion: string;
    runtimeVersionArn: string;
    functionName: string;
    functionVersion: string;
  };
  'platform.initRuntimeDone': {
    initializationType: InitializationType;
    phase: 'init' | 'invoke';
    status: PhaseStatus;
    errorType?: string;
    spans: Span[];
  };
  'platform.initReport': {
    initializationType: InitializationType;
    phase: 'init' | 'invoke';
    status: PhaseStatus;
    errorType?: string;
    metrics: { durationMs: number };
    spans: Span[];
  };
  'platform.start': {
    requestId: string;
    version: string;
    tracing?: { type: 'X-Amzn-Trace-Id'; value: string };
  };
  'platform.runtimeDone': {
    requestId: string;
    status: PhaseStatus;
    errorType?: string;
    metrics: { durationMs: number; producedBytes: number };
    spans: Span[];
  };
  'platform.report': {
    requestId: string;
    status: PhaseStatus;
    errorType?: string;
    metrics: {
      durationMs: number;
      billedDurationMs: number;
      memorySizeMB: number;
      maxMemoryUsedMB: number;
      initDurationMs?: number;
    };
    tracing?: { type: 'X-Amzn-Trace-Id'; value: string };
  };
  /** A line (or multi-line record) the function wrote. */
  function: string;
  /** A line an extension wrote. */
  extension: string;
  /** Our own: an environment changed state (drives the Environments view and the timeline). */
  'workbench.environment': {
    state: string;
    detail?: string;
    pid?: number;
    inspectorUrl?: string;
  };
  /** Our own: a warning the user should see once (version mismatch, unsupported feature…). */
  'workbench.warning': { message: string };
  /** Our own: hot reload retired the function's $LATEST environments; the next invocation cold-starts. */
  'workbench.reload': { functionName: string; reason: 'code' | 'layer' | 'template'; paths: string[] };
  /** Our own: an invocation was throttled. */
  'workbench.throttle': { reason: string; message: string };
  /** Our own: the timeout of a paused invocation was suspended because a debugger is attached. */
  'workbench.timeoutSuspended': { requestId: string };
  /** Our own: the lifecycle of an asynchronous (Event) invocation. */
  'workbench.async': AsyncLifecycleRecord;
  /** Our own: an event source mapping's metrics and what happened to its records. */
  'workbench.esm': MappingMetric & { uuid: string; eventSourceArn: string };
  /** Our own: a function's build (as `sam build` would do it): started, a progress line, done, up to date or failed. */
  'workbench.build': BuildRecord;
}

export interface BuildRecord {
  functionName: string;
  /** esbuild, npm, pip, make, go, image. */
  builder: string;
  status: 'started' | 'progress' | 'built' | 'upToDate' | 'failed';
  /** progress: the line; failed: the error, with the tool's file:line:column diagnostics on lines of their own. */
  message?: string;
  durationMs?: number;
  warnings?: string[];
}

/**
 * `enqueued` (durably accepted) → `attempt` (invoking) → `success` | `retry` (function error, next
 * attempt after `delayMs`) | `requeued` (throttled or engine error, back-off `delayMs`, not counted as
 * an invocation); `dropped` when no attempt is left (`condition` RetriesExhausted / EventAgeExceeded);
 * `delivered` once per destination that received the record or the event; `deliveryFailed` when a
 * destination or dead-letter queue could not be written (the event is finished again later).
 */
export interface AsyncLifecycleRecord {
  stage: 'enqueued' | 'attempt' | 'success' | 'retry' | 'requeued' | 'dropped' | 'delivered' | 'deliveryFailed';
  requestId: string;
  approximateInvokeCount: number;
  condition?: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';
  delayMs?: number;
  errorType?: string;
  /** Why an attempt was requeued (a throttle's Reason, or the engine error's message). */
  reason?: string;
  destination?: string;
  role?: 'OnSuccess' | 'OnFailure' | 'DeadLetterQueue';
}

export type TelemetryType = keyof PlatformRecords;

export interface TelemetryEvent<T extends TelemetryType = TelemetryType> {
  /** ISO 8601 time, as the Telemetry API sends it. */
  time: string;
  type: T;
  record: PlatformRecords[T];
  /** Where it happened; absent for engine-wide events. */
  functionName?: string;
  functionVersion?: string;
  environmentId?: string;
  /** The invocation the event belongs to, when there is one (function lines included). */
  requestId?: string;
}

export type TelemetryListener = (event: TelemetryEvent) => void;

export interface MappingMetric {
  /** batch: an invocation with `size` records; failure / retry / bisect / discarded / filtered: what happened to records. */
  kind: 'batch' | 'failure' | 'retry' | 'bisect' | 'discarded' | 'filtered' | 'error';
  size?: number;
  /** Streams: age of the newest record read, ms (IteratorAge). */
  iteratorAgeMs?: number;
  shardId?: string;
  message?: string;
  /** discarded: why (RetryAttemptsExhausted, RecordAgeExceeded…). */
  condition?: string;
}
