import { percentile, type MetricBucket } from './metricSeries';

// A series' buckets as the Timeline panel's charts draw them: one value per bucket over a range,
// empty buckets included, in uPlot's column layout.

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

/**
 * The buckets from `from` to `to` (bucket starts, epoch ms): counts 0 where a bucket is empty,
 * gauges carried forward from the last bucket seen (before the range too), averages and ages null.
 */
export function chartBuckets(
  functionName: string,
  version: string | undefined,
  bucketMs: number,
  buckets: readonly MetricBucket[],
  from: number,
  to: number,
): MetricsChartData {
  const data: MetricsChartData = {
    functionName,
    version,
    bucketMs,
    t: [],
    Invocations: [],
    Errors: [],
    Throttles: [],
    DurationAvg: [],
    DurationP99: [],
    ConcurrentExecutions: [],
    ProvisionedConcurrencyUtilization: [],
    IteratorAge: [],
    AsyncEventsReceived: [],
    AsyncEventAge: [],
    AsyncEventsDropped: [],
    DeadLetterErrors: [],
    DestinationDeliveryFailures: [],
  };
  let i = 0;
  // The gauges' level entering the range: the last bucket before it.
  let concurrency = 0;
  let pc: number | undefined;
  while (i < buckets.length && buckets[i].t < from) {
    concurrency = buckets[i].concurrencyEnd;
    pc = buckets[i].pcUtilizationEnd;
    i++;
  }
  for (let t = from; t <= to; t += bucketMs) {
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
