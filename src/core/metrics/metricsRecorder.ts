import type { AsyncLifecycleRecord, TelemetryEvent } from '../telemetry/events';
import { chartBuckets, type MetricsChartData } from './metricsChartData';
import { summarizeSeries, type MetricsSummary } from './metricsSummary';
import { bucketAt, bucketStart, MetricSeries, recordDuration, sampleGauges, type MetricBucket } from './metricSeries';
import { StreamFollower } from './streamFollower';

export { describeSummary, type MetricsSummary } from './metricsSummary';
export type { MetricsChartData } from './metricsChartData';
export { percentile } from './metricSeries';

// Lambda's CloudWatch metrics, computed locally from the engine's event stream: per function and
// version, in fixed buckets (1 s by default) with a bounded history (15 minutes by default).
//
//   Invocations, Errors, Throttles, Duration (avg, p99)     platform.report, workbench.throttle
//   ConcurrentExecutions, ProvisionedConcurrencyUtilization  platform.start / report, environments' lifecycle
//   IteratorAge                                              workbench.esm (stream mappings)
//   AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped,  workbench.async
//   DeadLetterErrors, DestinationDeliveryFailures
//
// Every event is counted twice: under its version and under the function as a whole (ALL_VERSIONS),
// so per-function maxima and percentiles are those of the function, not sums of its versions'.
// Events that name no version (event source mappings) are counted under the function only.
// Pure: no timers, no vscode; times come from the events.
//
// This module maps events to metrics; the buckets and their arithmetic are metricSeries.ts, the
// window summaries metricsSummary.ts, the charts' columns metricsChartData.ts.

export const ALL_VERSIONS = '*';

export const METRIC_NAMES = [
  'Invocations',
  'Errors',
  'Throttles',
  'Duration',
  'ConcurrentExecutions',
  'ProvisionedConcurrencyUtilization',
  'IteratorAge',
  'AsyncEventsReceived',
  'AsyncEventAge',
  'AsyncEventsDropped',
  'DeadLetterErrors',
  'DestinationDeliveryFailures',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricsRecorderOptions {
  /** Bucket width (default 1000 ms; CloudWatch's high resolution is 1 s, its standard 60 s). */
  bucketMs?: number;
  /** How much history each series keeps (default 15 minutes). */
  historyMs?: number;
  /** Duration samples kept per bucket for percentiles (reservoir; default 2000). */
  maxSamplesPerBucket?: number;
}

export interface MetricsKey {
  functionName: string;
  version: string;
}

const MAX_TRACKED_ASYNC_EVENTS = 10_000;

export class MetricsRecorder extends StreamFollower {
  readonly bucketMs: number;
  readonly historyMs: number;
  private readonly maxSamples: number;
  private readonly series = new Map<string, MetricSeries>();
  /** Environment id → its function and version (so lifecycle events without a version still land). */
  private readonly environments = new Map<string, { functionName: string; version: string; provisioned: boolean }>();
  /** Asynchronous events seen being enqueued (request id → epoch ms), for AsyncEventAge. */
  private readonly enqueuedAt = new Map<string, number>();

  constructor(options: MetricsRecorderOptions = {}) {
    super();
    this.bucketMs = options.bucketMs ?? 1000;
    this.historyMs = options.historyMs ?? 15 * 60_000;
    this.maxSamples = options.maxSamplesPerBucket ?? 2000;
  }

  protected onEvent(event: TelemetryEvent): void {
    this.record(event);
  }

  /** Every function:version seen, with ALL_VERSIONS entries for whole functions; sorted. */
  keys(): MetricsKey[] {
    return [...this.series.values()]
      .map((s) => ({ functionName: s.functionName, version: s.version }))
      .sort((a, b) => a.functionName.localeCompare(b.functionName) || versionOrder(a.version) - versionOrder(b.version) || a.version.localeCompare(b.version));
  }

  record(event: TelemetryEvent): void {
    const time = this.timeOf(event);
    if (time === undefined) return;
    switch (event.type) {
      case 'platform.initStart':
        return this.onInitStart(event as TelemetryEvent<'platform.initStart'>, time);
      case 'platform.start':
        return this.onStart(event as TelemetryEvent<'platform.start'>, time);
      case 'platform.report':
        return this.onReport(event as TelemetryEvent<'platform.report'>, time);
      case 'workbench.environment':
        return this.onEnvironment(event as TelemetryEvent<'workbench.environment'>, time);
      case 'workbench.throttle':
        return this.onThrottle(event, time);
      case 'workbench.esm':
        return this.onMapping(event as TelemetryEvent<'workbench.esm'>, time);
      case 'workbench.async':
        return this.onAsync(event as TelemetryEvent<'workbench.async'>, time);
      default:
        return;
    }
  }

  /**
   * The numbers of one function (every version when `version` is omitted) over the last
   * `windowMs` before the newest event (default: the whole history kept).
   */
  summary(functionName: string, version?: string, options: { windowMs?: number; now?: number } = {}): MetricsSummary {
    const series = this.series.get(key(functionName, version ?? ALL_VERSIONS));
    const to = bucketStart(options.now ?? Math.max(this.latest, 0), this.bucketMs) + this.bucketMs;
    const from = options.windowMs !== undefined ? to - options.windowMs : (series?.buckets[0]?.t ?? to);
    return summarizeSeries(functionName, version, series, from, to);
  }

  /**
   * Per-bucket values from `from` to `to` (epoch ms; default: the history up to the newest event),
   * empty buckets included: counts 0, gauges carried forward, averages and ages null.
   */
  chartData(functionName: string, version?: string, range: { from?: number; to?: number } = {}): MetricsChartData {
    const series = this.series.get(key(functionName, version ?? ALL_VERSIONS));
    const to = bucketStart(range.to ?? Math.max(this.latest, 0), this.bucketMs);
    const from = bucketStart(range.from ?? to - this.historyMs + this.bucketMs, this.bucketMs);
    return chartBuckets(functionName, version, this.bucketMs, series?.buckets ?? [], from, to);
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.series.clear();
    this.environments.clear();
    this.enqueuedAt.clear();
    this.latest = 0;
    this.rev++;
  }

  // ------------------------------------------------------------------------------------------

  private onInitStart(event: TelemetryEvent<'platform.initStart'>, time: number): void {
    const id = event.environmentId;
    if (!id) return;
    const functionName = event.functionName ?? event.record.functionName;
    const version = event.functionVersion ?? event.record.functionVersion;
    const provisioned = event.record.initializationType === 'provisioned-concurrency';
    this.environments.set(id, { functionName, version, provisioned });
    if (!provisioned) return;
    this.update(functionName, version, time, (s) => s.provisioned.add(id));
  }

  private onStart(event: TelemetryEvent<'platform.start'>, time: number): void {
    const where = this.where(event, event.record.version);
    if (!where || !event.environmentId) return;
    const envId = event.environmentId;
    this.update(where.functionName, where.version, time, (s) => s.inFlight.set(envId, event.record.requestId));
  }

  private onReport(event: TelemetryEvent<'platform.report'>, time: number): void {
    const where = this.where(event);
    if (!where) return;
    const { durationMs } = event.record.metrics;
    const failed = event.record.status !== 'success';
    const envId = event.environmentId;
    this.update(where.functionName, where.version, time, (s, b) => {
      if (envId && s.inFlight.get(envId) === event.record.requestId) s.inFlight.delete(envId);
      b.invocations++;
      s.total.invocations++;
      if (failed) {
        b.errors++;
        s.total.errors++;
      }
      recordDuration(b, durationMs, this.maxSamples);
      s.lastInvocationAt = time;
    });
  }

  private onEnvironment(event: TelemetryEvent<'workbench.environment'>, time: number): void {
    const id = event.environmentId;
    if (!id || event.record.state !== 'Terminated') return;
    const env = this.environments.get(id);
    this.environments.delete(id);
    const where = env ?? this.where(event);
    if (!where) return;
    // An environment that ends mid-invocation without a REPORT (the engine closed) frees its slot.
    this.update(where.functionName, where.version, time, (s) => {
      s.inFlight.delete(id);
      s.provisioned.delete(id);
    });
  }

  private onThrottle(event: TelemetryEvent, time: number): void {
    if (!event.functionName) return;
    this.update(event.functionName, event.functionVersion, time, (s, b) => {
      b.throttles++;
      s.total.throttles++;
    });
  }

  private onMapping(event: TelemetryEvent<'workbench.esm'>, time: number): void {
    const age = event.record.iteratorAgeMs;
    if (!event.functionName || age === undefined) return;
    this.update(event.functionName, event.functionVersion, time, (_s, b) => {
      b.iteratorAgeMax = Math.max(b.iteratorAgeMax ?? 0, age);
    });
  }

  private onAsync(event: TelemetryEvent<'workbench.async'>, time: number): void {
    if (!event.functionName) return;
    const record: AsyncLifecycleRecord = event.record;
    const version = event.functionVersion;
    switch (record.stage) {
      case 'enqueued':
        this.enqueuedAt.set(record.requestId, time);
        if (this.enqueuedAt.size > MAX_TRACKED_ASYNC_EVENTS) this.enqueuedAt.delete(this.enqueuedAt.keys().next().value as string);
        return this.update(event.functionName, version, time, (_s, b) => b.asyncReceived++);
      case 'attempt': {
        // Lambda's AsyncEventAge: from the event being queued to this attempt to invoke it.
        const since = this.enqueuedAt.get(record.requestId);
        if (since === undefined) return;
        const age = Math.max(0, time - since);
        return this.update(event.functionName, version, time, (_s, b) => {
          b.asyncAgeSum += age;
          b.asyncAgeCount++;
          b.asyncAgeMax = Math.max(b.asyncAgeMax ?? 0, age);
        });
      }
      case 'success':
        this.enqueuedAt.delete(record.requestId);
        return;
      case 'dropped':
        this.enqueuedAt.delete(record.requestId);
        return this.update(event.functionName, version, time, (_s, b) => b.asyncDropped++);
      case 'deliveryFailed':
        return this.update(event.functionName, version, time, (_s, b) => {
          if (record.role === 'DeadLetterQueue') b.deadLetterErrors++;
          else b.destinationDeliveryFailures++;
        });
      default:
        return;
    }
  }

  /** The function and version an environment's event belongs to. */
  private where(event: TelemetryEvent, fallbackVersion?: string): { functionName: string; version: string } | undefined {
    const env = event.environmentId ? this.environments.get(event.environmentId) : undefined;
    const functionName = event.functionName ?? env?.functionName;
    const version = event.functionVersion ?? env?.version ?? fallbackVersion;
    if (!functionName || !version) return undefined;
    return { functionName, version };
  }

  /** Applies a change to the version's series and the function's, in the bucket of `time`. */
  private update(functionName: string, version: string | undefined, time: number, change: (series: MetricSeries, bucket: MetricBucket) => void): void {
    const targets = [this.seriesFor(functionName, ALL_VERSIONS)];
    if (version !== undefined && version !== ALL_VERSIONS) targets.push(this.seriesFor(functionName, version));
    for (const series of targets) {
      const bucket = bucketAt(series, time, this.bucketMs, this.historyMs);
      change(series, bucket);
      sampleGauges(series, bucket);
    }
    this.rev++;
  }

  private seriesFor(functionName: string, version: string): MetricSeries {
    const k = key(functionName, version);
    let series = this.series.get(k);
    if (!series) {
      series = new MetricSeries(functionName, version);
      this.series.set(k, series);
    }
    return series;
  }
}

function key(functionName: string, version: string): string {
  return `${functionName}:${version}`;
}

/** ALL_VERSIONS first, then $LATEST, then numbered versions in order, then the rest. */
function versionOrder(version: string): number {
  if (version === ALL_VERSIONS) return -2;
  if (version === '$LATEST') return -1;
  return /^\d+$/.test(version) ? Number(version) : Number.MAX_SAFE_INTEGER;
}
