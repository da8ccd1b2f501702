import { percentile, type MetricSeries } from './metricSeries';

// One function's (or version's) numbers over a window, folded from its buckets — what the Functions
// view's tooltips show — and those numbers as tooltip lines.

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

/** The series' buckets in [from, to) folded into a summary; zeros when there is no series. */
export function summarizeSeries(functionName: string, version: string | undefined, series: MetricSeries | undefined, from: number, to: number): MetricsSummary {
  const summary: MetricsSummary = {
    functionName,
    version,
    from,
    to,
    invocations: 0,
    errors: 0,
    throttles: 0,
    errorRate: 0,
    concurrentExecutionsMax: 0,
    concurrentExecutions: series?.concurrency ?? 0,
    provisionedEnvironments: series?.provisioned.size ?? 0,
    asyncEventsReceived: 0,
    asyncEventsDropped: 0,
    deadLetterErrors: 0,
    destinationDeliveryFailures: 0,
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
    if (b.pcUtilizationMax !== undefined) {
      summary.provisionedConcurrencyUtilizationMax = Math.max(summary.provisionedConcurrencyUtilizationMax ?? 0, b.pcUtilizationMax);
    }
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
  if (series.provisioned.size > 0) {
    summary.provisionedConcurrencyUtilizationMax = Math.max(summary.provisionedConcurrencyUtilizationMax ?? 0, series.pcUtilization ?? 0);
  }
  summary.errorRate = summary.invocations > 0 ? summary.errors / summary.invocations : 0;
  if (durationCount > 0) {
    summary.durationAvgMs = durationSum / durationCount;
    summary.durationP99Ms = percentile(samples, 0.99);
  }
  if (asyncAgeCount > 0) summary.asyncEventAgeAvgMs = asyncAgeSum / asyncAgeCount;
  return summary;
}

/** A summary as short lines for a tooltip: only what has happened is listed. */
export function describeSummary(summary: MetricsSummary): string[] {
  const lines: string[] = [];
  const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ms`);
  lines.push(
    `Invocations: ${summary.invocations}` +
      (summary.errors > 0 ? `  Errors: ${summary.errors} (${(summary.errorRate * 100).toFixed(1)}%)` : '') +
      (summary.throttles > 0 ? `  Throttles: ${summary.throttles}` : ''),
  );
  if (summary.durationAvgMs !== undefined) {
    lines.push(`Duration: avg ${ms(summary.durationAvgMs)}, p99 ${ms(summary.durationP99Ms)}, max ${ms(summary.durationMaxMs)}`);
  }
  if (summary.concurrentExecutionsMax > 0) lines.push(`ConcurrentExecutions: max ${summary.concurrentExecutionsMax}, now ${summary.concurrentExecutions}`);
  if (summary.provisionedConcurrencyUtilizationMax !== undefined) {
    lines.push(
      `ProvisionedConcurrencyUtilization: max ${(summary.provisionedConcurrencyUtilizationMax * 100).toFixed(0)}% of ${summary.provisionedEnvironments}`,
    );
  }
  if (summary.iteratorAgeMaxMs !== undefined) lines.push(`IteratorAge: max ${ms(summary.iteratorAgeMaxMs)}`);
  if (summary.asyncEventsReceived > 0 || summary.asyncEventsDropped > 0) {
    lines.push(
      `AsyncEventsReceived: ${summary.asyncEventsReceived}` +
        (summary.asyncEventAgeAvgMs !== undefined ? `  AsyncEventAge: avg ${ms(summary.asyncEventAgeAvgMs)}, max ${ms(summary.asyncEventAgeMaxMs)}` : '') +
        (summary.asyncEventsDropped > 0 ? `  AsyncEventsDropped: ${summary.asyncEventsDropped}` : ''),
    );
  }
  if (summary.deadLetterErrors > 0 || summary.destinationDeliveryFailures > 0) {
    lines.push(`DeadLetterErrors: ${summary.deadLetterErrors}  DestinationDeliveryFailures: ${summary.destinationDeliveryFailures}`);
  }
  return lines;
}
