// The storage under the metrics recorder: one series per function version (and per whole function),
// each a run of fixed-width time buckets with a bounded history, plus the live gauges (invocations in
// flight, provisioned environments) the buckets sample. Only arithmetic here — which event changes
// which number is the recorder's business (metricsRecorder.ts).

export interface MetricBucket {
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

export class MetricSeries {
  readonly buckets: MetricBucket[] = [];
  /** Invocations in flight (environment id → request id). */
  readonly inFlight = new Map<string, string>();
  /** Live provisioned environments of this version (or function). */
  readonly provisioned = new Set<string>();
  lastInvocationAt: number | undefined;
  total = { invocations: 0, errors: 0, throttles: 0 };

  constructor(
    readonly functionName: string,
    readonly version: string,
  ) {}

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

export function bucketStart(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/**
 * The series' bucket of `time`, created in order; events slightly out of order land in earlier
 * buckets. Appending a bucket drops those older than `historyMs` before it.
 */
export function bucketAt(series: MetricSeries, time: number, bucketMs: number, historyMs: number): MetricBucket {
  const t = bucketStart(time, bucketMs);
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
  const oldest = t - historyMs;
  let drop = 0;
  while (drop < buckets.length && buckets[drop].t <= oldest) drop++;
  if (drop > 0) buckets.splice(0, drop);
  return bucket;
}

/** Samples the gauges into the bucket after a change: the maximum seen in it and the level now. */
export function sampleGauges(series: MetricSeries, bucket: MetricBucket): void {
  bucket.concurrencyMax = Math.max(bucket.concurrencyMax, series.concurrency);
  bucket.concurrencyEnd = series.concurrency;
  const pc = series.pcUtilization;
  if (pc !== undefined) bucket.pcUtilizationMax = Math.max(bucket.pcUtilizationMax ?? 0, pc);
  bucket.pcUtilizationEnd = pc;
}

/** One invocation's duration: sum, count and maximum exactly, and a bounded sample for percentiles. */
export function recordDuration(bucket: MetricBucket, durationMs: number, maxSamples: number): void {
  bucket.durationSum += durationMs;
  bucket.durationCount++;
  bucket.durationMax = Math.max(bucket.durationMax, durationMs);
  if (bucket.durations.length < maxSamples) bucket.durations.push(durationMs);
  else {
    // Reservoir sampling keeps an unbiased sample of a very busy bucket.
    const j = Math.floor(Math.random() * bucket.durationCount);
    if (j < maxSamples) bucket.durations[j] = durationMs;
  }
}

/** Nearest-rank percentile (CloudWatch's pNN over the samples). */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

function emptyBucket(t: number, concurrency: number, pc: number | undefined): MetricBucket {
  return {
    t,
    invocations: 0,
    errors: 0,
    throttles: 0,
    durationSum: 0,
    durationCount: 0,
    durationMax: 0,
    durations: [],
    concurrencyMax: concurrency,
    concurrencyEnd: concurrency,
    pcUtilizationMax: pc,
    pcUtilizationEnd: pc,
    asyncReceived: 0,
    asyncAgeSum: 0,
    asyncAgeCount: 0,
    asyncDropped: 0,
    deadLetterErrors: 0,
    destinationDeliveryFailures: 0,
  };
}
