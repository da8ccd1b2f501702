import type { AsyncLifecycleRecord, TelemetryEvent } from '../telemetry/events';
import { StreamFollower } from './streamFollower';

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

interface Bucket {
  /** Bucket start, epoch ms. */
  t: number;
  invocations: number;
  errors: number;
  throttles: number;
  durationSum: number;
  durationCount: number;
  durationMax: number;
  /** A sample of durations (all of them up to maxSamplesPerBucket). */
  durations: number[];
  concurrencyMax: number;
  /** The level when the bucket's last event was seen (carried into empty buckets). */
  concurrencyEnd: number;
  /** Provisioned utilization (0..1); undefined while the version has no provisioned environment. */
  pcUtilizationMax?: number;
  pcUtilizationEnd?: number;
  iteratorAgeMax?: number;
  asyncReceived: number;
  asyncAgeSum: number;
  asyncAgeCount: number;
  asyncAgeMax?: number;
  asyncDropped: number;
  deadLetterErrors: number;
  destinationDeliveryFailures: number;
}

class Series {
  readonly buckets: Bucket[] = [];
  /** Invocations in flight (environment id → request id). */
  readonly inFlight = new Map<string, string>();
  /** Live provisioned environments of this version (or function). */
  readonly provisioned = new Set<string>();
  lastInvocationAt: number | undefined;
  total = { invocations: 0, errors: 0, throttles: 0 };

  constructor(readonly functionName: string, readonly version: string) {}

  get concurrency(): number {
    return this.inFlight.size;
  }

  /** Provisioned environments busy / provisioned environments; undefined without any. */
  get pcUtilization(): number | undefined {
    if (this.provisioned.size === 0) return undefined;
    let busy = 0;
    for (const id of this.inFlight.keys()) if (this.provisioned.has(id)) busy++;
    return busy / this.provisioned.size;
  }
}

/** Per function (and version) numbers over a window: what a tooltip or a status line shows. */
export interface MetricsSummary {
  functionName: string;
  /** Undefined: every version together. */
  version?: string;
  /** The window summarised (epoch ms, bucket-aligned); equal when nothing was recorded. */
  from: number;
  to: number;
  invocations: number;
  errors: number;
  throttles: number;
  /** errors / invocations (0 without invocations). */
  errorRate: number;
  durationAvgMs?: number;
  durationP99Ms?: number;
  durationMaxMs?: number;
  /** The highest concurrency seen in the window, and now. */
  concurrentExecutionsMax: number;
  concurrentExecutions: number;
  /** 0..1; undefined when the version has had no provisioned environment in the window. */
  provisionedConcurrencyUtilizationMax?: number;
  provisionedEnvironments: number;
  iteratorAgeMaxMs?: number;
  asyncEventsReceived: number;
  asyncEventAgeAvgMs?: number;
  asyncEventAgeMaxMs?: number;
  asyncEventsDropped: number;
  deadLetterErrors: number;
  destinationDeliveryFailures: number;
  /** Epoch ms of the last invocation's end, in the whole history. */
  lastInvocationAt?: number;
}

/** One value per bucket for a chart: `t` in epoch seconds (uPlot's x), gaps as null. */
export interface MetricsChartData {
  functionName: string;
  version?: string;
  bucketMs: number;
  t: number[];
  Invocations: number[];
  Errors: number[];
  Throttles: number[];
  DurationAvg: Array<number | null>;
  DurationP99: Array<number | null>;
  ConcurrentExecutions: number[];
  ProvisionedConcurrencyUtilization: Array<number | null>;
  IteratorAge: Array<number | null>;
  AsyncEventsReceived: number[];
  AsyncEventAge: Array<number | null>;
  AsyncEventsDropped: number[];
  DeadLetterErrors: number[];
  DestinationDeliveryFailures: number[];
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
  private readonly series = new Map<string, Series>();
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
    const summary: MetricsSummary = {
      functionName, version, from, to,
      invocations: 0, errors: 0, throttles: 0, errorRate: 0,
      concurrentExecutionsMax: 0, concurrentExecutions: series?.concurrency ?? 0,
      provisionedEnvironments: series?.provisioned.size ?? 0,
      asyncEventsReceived: 0, asyncEventsDropped: 0, deadLetterErrors: 0, destinationDeliveryFailures: 0,
      lastInvocationAt: series?.lastInvocationAt,
    };
    if (!series) return summary;
    const samples: number[] = [];
    let durationSum = 0;
    let durationCount = 0;
    let asyncAgeSum = 0;
    let asyncAgeCount = 0;
    for (const b of series.buckets) {
      if (b.t < from || b.t >= to) continue;
      summary.invocations += b.invocations;
      summary.errors += b.errors;
      summary.throttles += b.throttles;
      durationSum += b.durationSum;
      durationCount += b.durationCount;
      if (b.durationCount > 0) summary.durationMaxMs = Math.max(summary.durationMaxMs ?? 0, b.durationMax);
      samples.push(...b.durations);
      summary.concurrentExecutionsMax = Math.max(summary.concurrentExecutionsMax, b.concurrencyMax);
      if (b.pcUtilizationMax !== undefined) summary.provisionedConcurrencyUtilizationMax = Math.max(summary.provisionedConcurrencyUtilizationMax ?? 0, b.pcUtilizationMax);
      if (b.iteratorAgeMax !== undefined) summary.iteratorAgeMaxMs = Math.max(summary.iteratorAgeMaxMs ?? 0, b.iteratorAgeMax);
      summary.asyncEventsReceived += b.asyncReceived;
      asyncAgeSum += b.asyncAgeSum;
      asyncAgeCount += b.asyncAgeCount;
      if (b.asyncAgeMax !== undefined) summary.asyncEventAgeMaxMs = Math.max(summary.asyncEventAgeMaxMs ?? 0, b.asyncAgeMax);
      summary.asyncEventsDropped += b.asyncDropped;
      summary.deadLetterErrors += b.deadLetterErrors;
      summary.destinationDeliveryFailures += b.destinationDeliveryFailures;
    }
    // Something still running since before the window counts as concurrency inside it.
    summary.concurrentExecutionsMax = Math.max(summary.concurrentExecutionsMax, series.concurrency);
    if (series.provisioned.size > 0) summary.provisionedConcurrencyUtilizationMax = Math.max(summary.provisionedConcurrencyUtilizationMax ?? 0, series.pcUtilization ?? 0);
    summary.errorRate = summary.invocations > 0 ? summary.errors / summary.invocations : 0;
    if (durationCount > 0) {
      summary.durationAvgMs = durationSum / durationCount;
      summary.durationP99Ms = percentile(samples, 0.99);
    }
    if (asyncAgeCount > 0) summary.asyncEventAgeAvgMs = asyncAgeSum / asyncAgeCount;
    return summary;
  }

  /**
   * Per-bucket values from `from` to `to` (epoch ms; default: the history up to the newest event),
   * empty buckets included: counts 0, gauges carried forward, averages and ages null.
   */
  chartData(functionName: string, version?: string, range: { from?: number; to?: number } = {}): MetricsChartData {
    const series = this.series.get(key(functionName, version ?? ALL_VERSIONS));
    const to = bucketStart(range.to ?? Math.max(this.latest, 0), this.bucketMs);
    const from = bucketStart(range.from ?? to - this.historyMs + this.bucketMs, this.bucketMs);
    const data: MetricsChartData = {
      functionName, version, bucketMs: this.bucketMs, t: [],
      Invocations: [], Errors: [], Throttles: [], DurationAvg: [], DurationP99: [], ConcurrentExecutions: [],
      ProvisionedConcurrencyUtilization: [], IteratorAge: [], AsyncEventsReceived: [], AsyncEventAge: [],
      AsyncEventsDropped: [], DeadLetterErrors: [], DestinationDeliveryFailures: [],
    };
    const buckets = series?.buckets ?? [];
    let i = 0;
    // The gauges' level entering the range: the last bucket before it.
    let concurrency = 0;
    let pc: number | undefined;
    while (i < buckets.length && buckets[i].t < from) {
      concurrency = buckets[i].concurrencyEnd;
      pc = buckets[i].pcUtilizationEnd;
      i++;
    }
    for (let t = from; t <= to; t += this.bucketMs) {
      const b = i < buckets.length && buckets[i].t === t ? buckets[i++] : undefined;
      data.t.push(t / 1000);
      data.Invocations.push(b?.invocations ?? 0);
      data.Errors.push(b?.errors ?? 0);
      data.Throttles.push(b?.throttles ?? 0);
      data.DurationAvg.push(b && b.durationCount > 0 ? b.durationSum / b.durationCount : null);
      data.DurationP99.push(b && b.durations.length > 0 ? (percentile(b.durations, 0.99) ?? null) : null);
      data.ConcurrentExecutions.push(b ? b.concurrencyMax : concurrency);
      data.ProvisionedConcurrencyUtilization.push(b ? (b.pcUtilizationMax ?? null) : (pc ?? null));
      data.IteratorAge.push(b?.iteratorAgeMax ?? null);
      data.AsyncEventsReceived.push(b?.asyncReceived ?? 0);
      data.AsyncEventAge.push(b && b.asyncAgeCount > 0 ? b.asyncAgeSum / b.asyncAgeCount : null);
      data.AsyncEventsDropped.push(b?.asyncDropped ?? 0);
      data.DeadLetterErrors.push(b?.deadLetterErrors ?? 0);
      data.DestinationDeliveryFailures.push(b?.destinationDeliveryFailures ?? 0);
      if (b) {
        concurrency = b.concurrencyEnd;
        pc = b.pcUtilizationEnd;
      }
    }
    return data;
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
      b.durationSum += durationMs;
      b.durationCount++;
      b.durationMax = Math.max(b.durationMax, durationMs);
      if (b.durations.length < this.maxSamples) b.durations.push(durationMs);
      else {
        // Reservoir sampling keeps an unbiased sample of a very busy bucket.
        const j = Math.floor(Math.random() * b.durationCount);
        if (j < this.maxSamples) b.durations[j] = durationMs;
      }
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
  private update(functionName: string, version: string | undefined, time: number, change: (series: Series, bucket: Bucket) => void): void {
    const targets = [this.seriesFor(functionName, ALL_VERSIONS)];
    if (version !== undefined && version !== ALL_VERSIONS) targets.push(this.seriesFor(functionName, version));
    for (const series of targets) {
      const bucket = this.bucketFor(series, time);
      change(series, bucket);
      bucket.concurrencyMax = Math.max(bucket.concurrencyMax, series.concurrency);
      bucket.concurrencyEnd = series.concurrency;
      const pc = series.pcUtilization;
      if (pc !== undefined) bucket.pcUtilizationMax = Math.max(bucket.pcUtilizationMax ?? 0, pc);
      bucket.pcUtilizationEnd = pc;
    }
    this.rev++;
  }

  private seriesFor(functionName: string, version: string): Series {
    const k = key(functionName, version);
    let series = this.series.get(k);
    if (!series) {
      series = new Series(functionName, version);
      this.series.set(k, series);
    }
    return series;
  }

  /** The bucket of `time` (created in order; events slightly out of order land in earlier buckets). */
  private bucketFor(series: Series, time: number): Bucket {
    const t = bucketStart(time, this.bucketMs);
    const buckets = series.buckets;
    const last = buckets[buckets.length - 1];
    if (last && last.t === t) return last;
    if (last && last.t > t) {
      // Out of order (a record timestamped before one already seen): find or insert its bucket.
      let i = buckets.length - 1;
      while (i >= 0 && buckets[i].t > t) i--;
      if (i >= 0 && buckets[i].t === t) return buckets[i];
      const inserted = emptyBucket(t, buckets[i]?.concurrencyEnd ?? 0, buckets[i]?.pcUtilizationEnd);
      buckets.splice(i + 1, 0, inserted);
      return inserted;
    }
    const bucket = emptyBucket(t, last?.concurrencyEnd ?? series.concurrency, last?.pcUtilizationEnd);
    buckets.push(bucket);
    // Bounded history: buckets older than historyMs before the newest are dropped.
    const oldest = t - this.historyMs;
    let drop = 0;
    while (drop < buckets.length && buckets[drop].t <= oldest) drop++;
    if (drop > 0) buckets.splice(0, drop);
    return bucket;
  }
}

function emptyBucket(t: number, concurrency: number, pc: number | undefined): Bucket {
  return {
    t, invocations: 0, errors: 0, throttles: 0, durationSum: 0, durationCount: 0, durationMax: 0, durations: [],
    concurrencyMax: concurrency, concurrencyEnd: concurrency, pcUtilizationMax: pc, pcUtilizationEnd: pc,
    asyncReceived: 0, asyncAgeSum: 0, asyncAgeCount: 0, asyncDropped: 0, deadLetterErrors: 0, destinationDeliveryFailures: 0,
  };
}

function key(functionName: string, version: string): string {
  return `${functionName}:${version}`;
}

function bucketStart(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/** ALL_VERSIONS first, then $LATEST, then numbered versions in order, then the rest. */
function versionOrder(version: string): number {
  if (version === ALL_VERSIONS) return -2;
  if (version === '$LATEST') return -1;
  return /^\d+$/.test(version) ? Number(version) : Number.MAX_SAFE_INTEGER;
}

/** Nearest-rank percentile (CloudWatch's pNN over the samples). */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** A summary as short lines for a tooltip: only what has happened is listed. */
export function describeSummary(summary: MetricsSummary): string[] {
  const lines: string[] = [];
  const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ms`);
  lines.push(`Invocations: ${summary.invocations}` + (summary.errors > 0 ? `  Errors: ${summary.errors} (${(summary.errorRate * 100).toFixed(1)}%)` : '') + (summary.throttles > 0 ? `  Throttles: ${summary.throttles}` : ''));
  if (summary.durationAvgMs !== undefined) lines.push(`Duration: avg ${ms(summary.durationAvgMs)}, p99 ${ms(summary.durationP99Ms)}, max ${ms(summary.durationMaxMs)}`);
  if (summary.concurrentExecutionsMax > 0) lines.push(`ConcurrentExecutions: max ${summary.concurrentExecutionsMax}, now ${summary.concurrentExecutions}`);
  if (summary.provisionedConcurrencyUtilizationMax !== undefined) lines.push(`ProvisionedConcurrencyUtilization: max ${(summary.provisionedConcurrencyUtilizationMax * 100).toFixed(0)}% of ${summary.provisionedEnvironments}`);
  if (summary.iteratorAgeMaxMs !== undefined) lines.push(`IteratorAge: max ${ms(summary.iteratorAgeMaxMs)}`);
  if (summary.asyncEventsReceived > 0 || summary.asyncEventsDropped > 0) {
    lines.push(`AsyncEventsReceived: ${summary.asyncEventsReceived}` + (summary.asyncEventAgeAvgMs !== undefined ? `  AsyncEventAge: avg ${ms(summary.asyncEventAgeAvgMs)}, max ${ms(summary.asyncEventAgeMaxMs)}` : '') + (summary.asyncEventsDropped > 0 ? `  AsyncEventsDropped: ${summary.asyncEventsDropped}` : ''));
  }
  if (summary.deadLetterErrors > 0 || summary.destinationDeliveryFailures > 0) lines.push(`DeadLetterErrors: ${summary.deadLetterErrors}  DestinationDeliveryFailures: ${summary.destinationDeliveryFailures}`);
  return lines;
}

