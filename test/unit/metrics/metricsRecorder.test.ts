import { strict as assert } from 'node:assert';
import { ALL_VERSIONS, describeSummary, MetricsRecorder, percentile } from '../../../src/core/metrics/metricsRecorder';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { TelemetryStream } from '../../../src/core/telemetry/stream';
import { environmentLife, ev, merged, T0, throttle } from './events';

// Lambda's CloudWatch metrics from synthetic event streams: counts, duration statistics, gauges
// carried across buckets, per version and per function, asynchronous and stream metrics, bounds.

/** A recorder given these environments' lives, their events merged in time order. */
function recorded(lives: TelemetryEvent[][], options = {}): MetricsRecorder {
  const recorder = new MetricsRecorder(options);
  for (const e of merged(...lives)) recorder.record(e);
  return recorder;
}

describe('MetricsRecorder', () => {
  it('counts Invocations and Errors and computes Duration avg / p99 / max per bucket and overall', () => {
    const recorder = recorded([
      environmentLife({
        env: 'env-a',
        at: 0,
        invocations: [
          [200, 10],
          [400, 30, 'error'],
          [1200, 20],
          [1400, 1000, 'timeout'],
        ],
      }),
    ]);
    const s = recorder.summary('Fn');
    assert.equal(s.invocations, 4);
    assert.equal(s.errors, 2, 'a function error and a timeout are Errors');
    assert.equal(s.errorRate, 0.5);
    assert.equal(s.durationAvgMs, (10 + 30 + 20 + 1000) / 4);
    assert.equal(s.durationMaxMs, 1000);
    assert.equal(s.durationP99Ms, 1000);
    assert.equal(s.lastInvocationAt, T0 + 2400);
    const data = recorder.chartData('Fn', undefined, { from: T0, to: T0 + 2999 });
    assert.deepEqual(data.t, [T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
    // Invocations land in the bucket of their REPORT.
    assert.deepEqual(data.Invocations, [2, 1, 1]);
    assert.deepEqual(data.Errors, [1, 0, 1]);
    assert.deepEqual(data.DurationAvg, [20, 20, 1000]);
    assert.deepEqual(data.DurationP99, [30, 20, 1000]);
  });

  it('keeps versions apart and sums them for the function as a whole', () => {
    const recorder = recorded([
      environmentLife({
        env: 'env-a',
        version: '$LATEST',
        at: 0,
        invocations: [
          [200, 10],
          [300, 10],
        ],
      }),
      environmentLife({ env: 'env-b', version: '3', at: 0, invocations: [[200, 50, 'error']] }),
    ]);
    assert.equal(recorder.summary('Fn', '$LATEST').invocations, 2);
    assert.equal(recorder.summary('Fn', '3').invocations, 1);
    assert.equal(recorder.summary('Fn', '3').errors, 1);
    const all = recorder.summary('Fn');
    assert.equal(all.invocations, 3);
    assert.equal(all.errors, 1);
    assert.equal(all.concurrentExecutionsMax, 2, 'both versions ran at once');
    assert.deepEqual(
      recorder.keys().map((k) => `${k.functionName}:${k.version}`),
      ['Fn:*', 'Fn:$LATEST', 'Fn:3'],
    );
    assert.equal(recorder.summary('Other').invocations, 0, 'an unknown function has an empty summary');
  });

  it('ConcurrentExecutions is the maximum in flight per bucket, carried through buckets without events', () => {
    const recorder = recorded([
      environmentLife({ env: 'env-a', at: 0, invocations: [[500, 3000]] }),
      environmentLife({ env: 'env-b', at: 0, invocations: [[600, 200]] }),
    ]);
    const data = recorder.chartData('Fn', '$LATEST', { from: T0, to: T0 + 5000 });
    // 0 s: a and b overlap; 1 s, 2 s: only a (no event in 1 s and 2 s); 3 s: a ends; 4 s, 5 s: none.
    assert.deepEqual(data.ConcurrentExecutions, [2, 1, 1, 1, 0, 0]);
    assert.equal(recorder.summary('Fn').concurrentExecutionsMax, 2);
    assert.equal(recorder.summary('Fn').concurrentExecutions, 0);
  });

  it('ProvisionedConcurrencyUtilization: busy provisioned environments over provisioned ones', () => {
    const recorder = recorded([
      environmentLife({
        env: 'env-p1',
        at: 0,
        provisioned: true,
        invocations: [
          [1000, 500],
          [2000, 100],
        ],
      }),
      environmentLife({ env: 'env-p2', at: 0, provisioned: true, invocations: [[2000, 100]] }),
      // An on-demand environment of the same version does not count as provisioned.
      environmentLife({ env: 'env-o', at: 0, invocations: [[3000, 100]] }),
    ]);
    const data = recorder.chartData('Fn', '$LATEST', { from: T0, to: T0 + 3000 });
    assert.deepEqual(data.ProvisionedConcurrencyUtilization, [0, 0.5, 1, 0]);
    const s = recorder.summary('Fn', '$LATEST');
    assert.equal(s.provisionedConcurrencyUtilizationMax, 1);
    assert.equal(s.provisionedEnvironments, 2);
    assert.equal(recorder.summary('Other').provisionedConcurrencyUtilizationMax, undefined);
  });

  it('a terminated environment leaves the provisioned pool and frees its concurrency', () => {
    const recorder = recorded([
      environmentLife({ env: 'env-p1', at: 0, provisioned: true, invocations: [[1000, 500, 'timeout']] }),
      environmentLife({ env: 'env-p2', at: 0, provisioned: true }),
    ]);
    const s = recorder.summary('Fn', '$LATEST');
    assert.equal(s.provisionedEnvironments, 1);
    assert.equal(s.concurrentExecutions, 0);
  });

  it('counts Throttles under the version named by the event, and the function', () => {
    const recorder = new MetricsRecorder();
    recorder.record(throttle(100, 'ReservedFunctionConcurrentInvocationLimitExceeded', { functionName: 'Fn', functionVersion: '$LATEST' }));
    recorder.record(throttle(200, 'ConcurrentInvocationLimitExceeded', { functionName: 'Fn' }));
    assert.equal(recorder.summary('Fn').throttles, 2);
    assert.equal(recorder.summary('Fn', '$LATEST').throttles, 1);
    assert.equal(recorder.summary('Fn').invocations, 0, 'a throttled request is not an invocation');
  });

  it('asynchronous metrics: AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, DeadLetterErrors, DestinationDeliveryFailures', () => {
    const o = (requestId: string) => ({ functionName: 'Fn', functionVersion: '$LATEST', requestId });
    const a = (at: number, stage: any, requestId: string, extra = {}) =>
      ev(at, 'workbench.async', { stage, requestId, approximateInvokeCount: 0, ...extra }, o(requestId));
    const recorder = new MetricsRecorder();
    for (const e of [
      a(0, 'enqueued', 'e1'),
      a(0, 'enqueued', 'e2'),
      a(100, 'attempt', 'e1'),
      a(300, 'attempt', 'e2'),
      a(150, 'success', 'e1'),
      a(1300, 'retry', 'e2', { delayMs: 1000 }),
      a(2300, 'attempt', 'e2'), // a retry's age counts from the first enqueue
      a(2400, 'dropped', 'e2', { condition: 'RetriesExhausted' }),
      a(2400, 'deliveryFailed', 'e2', { role: 'DeadLetterQueue', destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' }),
      a(2400, 'deliveryFailed', 'e2', { role: 'OnFailure', destination: 'arn:aws:sqs:us-east-1:000000000000:q' }),
      a(2500, 'attempt', 'unknown'), // enqueued before the recorder was attached: no age
    ]) {
      recorder.record(e);
    }
    const s = recorder.summary('Fn');
    assert.equal(s.asyncEventsReceived, 2);
    assert.equal(s.asyncEventAgeMaxMs, 2300);
    assert.equal(s.asyncEventAgeAvgMs, (100 + 300 + 2300) / 3);
    assert.equal(s.asyncEventsDropped, 1);
    assert.equal(s.deadLetterErrors, 1);
    assert.equal(s.destinationDeliveryFailures, 1);
    const data = recorder.chartData('Fn', '$LATEST', { from: T0, to: T0 + 2000 });
    assert.deepEqual(data.AsyncEventsReceived, [2, 0, 0]);
    assert.deepEqual(data.AsyncEventAge, [200, null, 2300]);
    assert.deepEqual(data.AsyncEventsDropped, [0, 0, 1]);
  });

  it('IteratorAge: the oldest record age of the stream mappings per bucket (function level)', () => {
    const recorder = new MetricsRecorder();
    const esm = (at: number, iteratorAgeMs?: number) =>
      ev(at, 'workbench.esm', { kind: 'batch', size: 1, iteratorAgeMs, uuid: 'u', eventSourceArn: 'arn' }, { functionName: 'Fn' });
    for (const e of [esm(0, 50), esm(500, 80), esm(1200, 10), esm(1300)]) recorder.record(e);
    assert.equal(recorder.summary('Fn').iteratorAgeMaxMs, 80);
    assert.deepEqual(recorder.chartData('Fn', undefined, { from: T0, to: T0 + 2000 }).IteratorAge, [80, 10, null]);
  });

  it('keeps a bounded history and handles slightly out-of-order events', () => {
    const recorder = recorded(
      [environmentLife({ env: 'env-a', at: 0, invocations: Array.from({ length: 30 }, (_, i) => [i * 1000 + 200, 5] as [number, number]) })],
      { historyMs: 10_000 },
    );
    const data = recorder.chartData('Fn', undefined, { from: T0, to: T0 + 29_999 });
    assert.equal(
      data.Invocations.reduce((a, b) => a + b, 0),
      10,
      'only the last 10 s are kept',
    );
    assert.equal(recorder.summary('Fn').invocations, 10);
    // A REPORT timestamped a little before the newest bucket lands in its own bucket.
    recorder.record(
      ev(
        27_500,
        'platform.report',
        { requestId: 'late', status: 'success', metrics: { durationMs: 1, billedDurationMs: 1, memorySizeMB: 128, maxMemoryUsedMB: 1 } },
        { functionName: 'Fn', functionVersion: '$LATEST', environmentId: 'env-a' },
      ),
    );
    assert.equal(recorder.chartData('Fn', undefined, { from: T0 + 27_000, to: T0 + 27_999 }).Invocations[0], 2);
  });

  it('summaries over a window, the chart defaults, percentile and the tooltip lines', () => {
    const recorder = recorded([
      environmentLife({
        env: 'env-a',
        at: 0,
        invocations: [
          [100, 10],
          [5000, 20, 'error'],
        ],
      }),
    ]);
    assert.equal(recorder.summary('Fn', undefined, { windowMs: 2000 }).invocations, 1, 'the last 2 s hold one invocation');
    const data = recorder.chartData('Fn');
    assert.equal(data.t.length, 15 * 60, 'the default chart range is the history (15 min of 1 s buckets)');
    assert.equal(data.t[data.t.length - 1], (T0 + 5000) / 1000);
    assert.equal(percentile([], 0.99), undefined);
    assert.equal(percentile([5, 1, 3], 0.5), 3);
    assert.equal(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
      99,
    );
    const lines = describeSummary(recorder.summary('Fn'));
    assert.match(lines[0], /^Invocations: 2 {2}Errors: 1 \(50\.0%\)$/);
    assert.match(lines[1], /^Duration: avg 15\.0 ms, p99 20\.0 ms, max 20\.0 ms$/);
  });

  it('attaches to a TelemetryStream and detaches', () => {
    const stream = new TelemetryStream();
    const recorder = new MetricsRecorder();
    recorder.attach(stream);
    stream.emit('workbench.throttle', { reason: 'r', message: 'm' }, { functionName: 'Fn' });
    const revision = recorder.revision;
    recorder.detach();
    stream.emit('workbench.throttle', { reason: 'r', message: 'm' }, { functionName: 'Fn' });
    assert.equal(recorder.summary('Fn').throttles, 1);
    assert.equal(recorder.revision, revision);
    assert.equal(
      recorder.keys().some((k) => k.version === ALL_VERSIONS),
      true,
    );
  });
});
