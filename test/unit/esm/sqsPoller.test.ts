import { strict as assert } from 'node:assert';
import {
  batchItemFailures,
  createSqsPoller,
  DEFAULT_MAX_POLLERS,
  MAX_BATCH_PAYLOAD_BYTES,
  type SqsPoller,
  sqsPollerFactory,
} from '../../../src/core/esm/sqsPoller';
import type { EventSourceMapping } from '../../../src/core/config/mappingDefinitions';
import type { EmbeddedQueue } from '../../../src/core/sources/embeddedQueue';
import type { Workbench } from '../../../src/core/workbench';
import { openProjectBeforeAll, samTemplate } from '../helpers/project';
import { eventually, freshQueueFixtureEach, type QueueFixture, sleep } from '../sources/sqsHelpers';
import { pollersStoppedAfterEach } from './pollers';
import { metricTotal, recordingRuntime, sqsMapping, type RecordingRuntime } from './sqsRuntime';

// The SQS poller end to end: a real engine running Node functions, real embedded queues.

const HANDLERS = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.echo = async (event) => ({ received: event.Records.length });
exports.fails = async (event) => {
  if (event.Records.some((r) => r.body.includes('fail'))) throw new Error('boom');
  return {};
};
exports.partial = async (event) => {
  if (event.Records.some((r) => r.body === 'malformed')) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
  return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({ itemIdentifier: r.messageId })) };
};
exports.slow = async (event) => {
  await sleep(Number(process.env.DELAY_MS));
  return {};
};
`;

describe('SQS event source mapping (poller)', function () {
  this.timeout(60000);
  let workbench: Workbench;
  let f: QueueFixture;
  const startPoller = pollersStoppedAfterEach();
  freshQueueFixtureEach((fixture) => (f = fixture));
  openProjectBeforeAll(
    {
      'template.yaml': samTemplate({
        Echo: { handler: 'index.echo' },
        Fails: { handler: 'index.fails' },
        Partial: { handler: 'index.partial' },
        Slow: { handler: 'index.slow', props: 'Environment:\n  Variables:\n    DELAY_MS: "300"' },
        Quick: { handler: 'index.slow', props: 'Environment:\n  Variables:\n    DELAY_MS: "40"' },
        OneAtATime: { handler: 'index.slow', props: 'ReservedConcurrentExecutions: 1\nEnvironment:\n  Variables:\n    DELAY_MS: "200"' },
      }),
      'src/index.js': HANDLERS,
    },
    (opened) => (workbench = opened),
    { hotReload: false },
  );

  function start(
    queue: EmbeddedQueue,
    functionName: string,
    overrides: Partial<EventSourceMapping> = {},
    longPollSeconds?: number,
  ): RecordingRuntime & { poller: SqsPoller } {
    const recording = recordingRuntime(workbench, queue, sqsMapping(queue, functionName, overrides));
    const factory = longPollSeconds === undefined ? createSqsPoller : sqsPollerFactory({ longPollSeconds });
    const poller = startPoller(factory(recording.runtime) as SqsPoller);
    return { ...recording, poller };
  }

  async function sendAll(queue: EmbeddedQueue, bodies: string[], extra: Record<string, unknown> = {}): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) await queue.send(bodies.slice(i, i + 10).map((body) => ({ body, ...extra })));
  }

  it("invokes with AWS's SQS event and deletes the messages once the function succeeded", async () => {
    const q = f.queue('events');
    const r = start(q, 'Echo');
    await q.send([
      { body: '{"n":1}', messageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, blob: { DataType: 'Binary', BinaryValue: 'AQID' } } },
    ]);
    await sendAll(
      q,
      Array.from({ length: 24 }, (_, i) => `m${i}`),
    );
    await eventually(() => r.bodies().length === 25, 10000, 'all messages');
    await eventually(async () => (await q.stats()).inFlight === 0, 5000, 'deletes');
    assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
    assert.deepEqual(r.bodies().slice(0, 1), ['{"n":1}']);
    const first = r.invocations[0].records[0];
    assert.deepEqual(Object.keys(first), [
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfMessageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
    assert.equal(first.eventSource, 'aws:sqs');
    assert.equal(first.eventSourceARN, q.definition.arn);
    assert.equal(first.awsRegion, 'us-east-1');
    assert.equal(first.attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(Object.keys(first.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    assert.deepEqual(first.messageAttributes, {
      kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    assert.ok(r.invocations.every((i) => i.records.length <= 10 && !i.functionError));
    assert.equal(metricTotal(r.metrics, 'batch'), 25);
    assert.equal(metricTotal(r.metrics, 'failure'), 0);
    const second = r.invocations.find((i) => i.records.some((rec) => rec.body === 'm5'))!;
    // a message without attributes: the key with null, as AWS's recorded events show (conformance/esmEvents.test.ts)
    const plain = second.records.find((rec) => rec.body === 'm5')!;
    assert.equal(plain.md5OfMessageAttributes, null);
  });

  it('a function error returns the batch after its visibility timeout; after maxReceiveCount it lands in the DLQ', async () => {
    const dlq = f.queue('errors-dlq');
    const q = f.queue('errors', { visibilityTimeoutSeconds: 1, redrive: { deadLetterTargetArn: f.arn('errors-dlq'), maxReceiveCount: 2 } });
    const r = start(q, 'Fails', { batchSize: 1 });
    await q.send([{ body: 'please fail' }]);
    await q.send([{ body: 'fine' }]);
    const [dead] = await dlq.receive({ maxMessages: 1, waitTimeSeconds: 10 });
    assert.equal(dead?.body, 'please fail');
    const failing = r.invocations.filter((i) => i.records[0].body === 'please fail');
    assert.deepEqual(
      failing.map((i) => [i.functionError, i.records[0].attributes.ApproximateReceiveCount]),
      [
        ['Unhandled', '1'],
        ['Unhandled', '2'],
      ],
    );
    assert.ok(failing[1].startedAt - failing[0].startedAt >= 900, 'redelivered after the visibility timeout (counted from the receive), not before');
    assert.deepEqual(
      r.bodies().filter((b) => b === 'fine'),
      ['fine'],
    );
    assert.equal(metricTotal(r.metrics, 'failure'), 2);
    assert.equal(metricTotal(r.metrics, 'retry'), 1);
    await eventually(async () => (await q.stats()).inFlight === 0);
    assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
  });

  it('ReportBatchItemFailures: only the failed messages return to the queue', async () => {
    const q = f.queue('partial', { visibilityTimeoutSeconds: 1 });
    await q.send([{ body: 'good1' }, { body: 'bad1' }, { body: 'good2' }, { body: 'bad2' }]);
    const r = start(q, 'Partial', { functionResponseTypes: ['ReportBatchItemFailures'] });
    await eventually(() => r.invocations.length >= 2 && r.invocations[1].endedAt, 10000, 'the redelivery');
    assert.deepEqual(
      r.invocations[0].records.map((x) => x.body),
      ['good1', 'bad1', 'good2', 'bad2'],
    );
    assert.deepEqual(
      r.invocations[1].records.map((x) => [x.body, x.attributes.ApproximateReceiveCount]),
      [
        ['bad1', '2'],
        ['bad2', '2'],
      ],
    );
    assert.equal(metricTotal(r.metrics, 'failure'), 4);
    assert.equal((await q.peek()).length, 2);
  });

  it('ReportBatchItemFailures: an unknown itemIdentifier fails the whole batch', async () => {
    const q = f.queue('malformed', { visibilityTimeoutSeconds: 1 });
    await q.send([{ body: 'good' }, { body: 'malformed' }]);
    const r = start(q, 'Partial', { functionResponseTypes: ['ReportBatchItemFailures'] });
    await eventually(() => r.invocations.length >= 2, 10000, 'the redelivery');
    assert.deepEqual(
      r.invocations[1].records.map((x) => x.body),
      ['good', 'malformed'],
    );
    assert.match(r.metrics.find((m) => m.kind === 'failure')!.message!, /not a message of the batch/);
  });

  it('batchItemFailures reads responses as Lambda does', () => {
    const ids = new Set(['a', 'b']);
    const read = (value: string) => batchItemFailures(Buffer.from(value), ids);
    assert.deepEqual(read(''), new Set());
    assert.deepEqual(read('null'), new Set());
    assert.deepEqual(read('{}'), new Set());
    assert.deepEqual(read('{"batchItemFailures":[]}'), new Set());
    assert.deepEqual(read('{"batchItemFailures":null}'), new Set());
    assert.deepEqual(read('{"batchItemFailures":[{"itemIdentifier":"b"}]}'), new Set(['b']));
    for (const bad of [
      '{',
      '"ok"',
      '[1]',
      '{"batchItemFailures":[{"itemIdentifier":""}]}',
      '{"batchItemFailures":[{"itemIdentifier":null}]}',
      '{"batchItemFailures":[{"id":"a"}]}',
      '{"batchItemFailures":[{"itemIdentifier":"c"}]}',
      '{"batchItemFailures":"a"}',
    ]) {
      assert.ok(!(read(bad) instanceof Set), `${bad} fails the batch`);
    }
  });

  it('filter criteria: only matching messages reach the function; the others are consumed', async () => {
    const q = f.queue('filtered');
    const r = start(q, 'Echo', {
      filterCriteria: {
        filters: [
          { pattern: JSON.stringify({ body: { kind: ['keep'], amount: [{ numeric: ['>', 10] }] } }) },
          { pattern: JSON.stringify({ body: [{ prefix: 'txt-' }] }) },
        ],
      },
    });
    await q.send([
      { body: JSON.stringify({ kind: 'keep', amount: 11 }) },
      { body: JSON.stringify({ kind: 'keep', amount: 5 }) },
      { body: JSON.stringify({ kind: 'drop', amount: 50 }) },
      { body: 'txt-1' },
      { body: 'other text' },
      { body: JSON.stringify({ note: 'txt-in-json' }) },
    ]);
    await eventually(async () => (await q.peek()).length === 0, 10000, 'every message consumed');
    assert.deepEqual(r.bodies(), [JSON.stringify({ kind: 'keep', amount: 11 }), 'txt-1']);
    assert.equal(metricTotal(r.metrics, 'filtered'), 4);
    assert.equal(metricTotal(r.metrics, 'batch'), 2);
  });

  it('waits up to MaximumBatchingWindowInSeconds to fill a batch, and invokes at once when BatchSize is reached', async () => {
    const q = f.queue('window');
    const r = start(q, 'Echo', { batchSize: 100, maximumBatchingWindowInSeconds: 1 });
    await sleep(100);
    const t0 = Date.now();
    for (const body of ['w1', 'w2', 'w3']) {
      await q.send([{ body }]);
      await sleep(150);
    }
    await eventually(() => r.invocations.length === 1 && r.invocations[0].endedAt, 5000, 'one invocation');
    assert.deepEqual(r.bodies(), ['w1', 'w2', 'w3']);
    const after = r.invocations[0].startedAt - t0;
    assert.ok(after >= 900 && after < 2000, `invoked ${after} ms after the first message`);

    const full = f.queue('window-full');
    const r2 = start(full, 'Echo', { batchSize: 25, maximumBatchingWindowInSeconds: 5 });
    await sleep(100);
    const t1 = Date.now();
    await sendAll(
      full,
      Array.from({ length: 30 }, (_, i) => `f${i}`),
    );
    await eventually(() => r2.invocations.length >= 1, 5000);
    assert.equal(r2.invocations[0].records.length, 25);
    assert.ok(r2.invocations[0].startedAt - t1 < 1500, 'a full batch does not wait for the window');
  });

  it('cuts a batch before its event would exceed 6 MB', async () => {
    const q = f.queue('large');
    const body = 'x'.repeat(250_000);
    for (let i = 0; i < 30; i++) await q.send([{ body: `${i}:${body}` }]);
    const r = start(q, 'Echo', { batchSize: 100, maximumBatchingWindowInSeconds: 1 });
    await eventually(() => r.bodies().length === 30 && r.invocations.every((i) => i.endedAt), 15000, 'all 30 large messages');
    assert.ok(r.invocations.length >= 2);
    for (const i of r.invocations) {
      assert.ok(Buffer.byteLength(JSON.stringify({ Records: i.records })) <= MAX_BATCH_PAYLOAD_BYTES);
      assert.ok(!i.error && !i.functionError, i.error);
    }
    assert.equal(new Set(r.bodies()).size, 30);
  });

  it('runs several batches at once up to ScalingConfig.MaximumConcurrency', async () => {
    const q = f.queue('scaled');
    await sendAll(
      q,
      Array.from({ length: 10 }, (_, i) => `s${i}`),
    );
    const r = start(q, 'Slow', { batchSize: 1, maximumConcurrency: 2 });
    await eventually(() => r.bodies().length === 10 && r.invocations.every((i) => i.endedAt), 20000, 'all messages');
    assert.equal(r.maxConcurrent(), 2);
    assert.equal(r.invocations.filter((i) => i.error).length, 0);
  });

  it(`scales up to ${DEFAULT_MAX_POLLERS} pollers without MaximumConcurrency, and back down when the queue is empty`, async () => {
    const q = f.queue('default-scale');
    await sendAll(
      q,
      Array.from({ length: 20 }, (_, i) => `d${i}`),
    );
    const r = start(q, 'Slow', { batchSize: 1 }, 1);
    await eventually(() => r.bodies().length === 20 && r.invocations.every((i) => i.endedAt), 20000, 'all messages');
    assert.ok(r.maxConcurrent() > 2 && r.maxConcurrent() <= DEFAULT_MAX_POLLERS, `peak ${r.maxConcurrent()}`);
    // An empty long poll (1 s here, 20 s by default) lets the extra pollers go.
    await eventually(() => r.poller.pollers === 1, 5000, 'one idle poller');
    await q.send([{ body: 'later' }]);
    await eventually(() => r.bodies().includes('later'), 5000, 'the remaining poller still works');
  });

  it('FIFO: a message group is processed one batch at a time, in order', async () => {
    const q = f.queue('ordered.fifo', { fifo: true, contentBasedDeduplication: true });
    for (const group of ['g1', 'g2', 'g3']) {
      await q.send(Array.from({ length: 6 }, (_, i) => ({ body: `${group}-${i}`, messageGroupId: group })));
    }
    const r = start(q, 'Quick', { batchSize: 2, maximumConcurrency: 3 });
    await eventually(() => r.bodies().length === 18 && r.invocations.every((i) => i.endedAt), 20000, 'all messages');
    for (const group of ['g1', 'g2', 'g3']) {
      assert.deepEqual(
        r.bodies().filter((b) => b.startsWith(group)),
        Array.from({ length: 6 }, (_, i) => `${group}-${i}`),
      );
      const spans = r.invocations.filter((i) => i.records.some((x) => x.body.startsWith(group)));
      for (let k = 1; k < spans.length; k++) assert.ok(spans[k].startedAt >= spans[k - 1].endedAt!, `two batches of ${group} overlapped`);
    }
    assert.ok(r.maxConcurrent() >= 2, 'different groups run in parallel');
  });

  it('stop() waits for the batch in flight, whose outcome is applied', async () => {
    const q = f.queue('stopping');
    const r = start(q, 'Slow');
    await q.send([{ body: 'in flight' }]);
    await eventually(() => r.invocations.length === 1, 5000);
    await r.poller.stop();
    assert.ok(r.invocations[0].endedAt, 'the invocation finished before stop resolved');
    assert.deepEqual(await q.peek(), [], 'and its message was deleted');
    await q.send([{ body: 'after stop' }]);
    await sleep(300);
    assert.equal(r.invocations.length, 1, 'nothing polled after stop');
  });

  it('throttles return messages to the queue; fewer pollers, and everything is processed in the end', async () => {
    const q = f.queue('throttled', { visibilityTimeoutSeconds: 1 });
    await sendAll(
      q,
      Array.from({ length: 6 }, (_, i) => `t${i}`),
    );
    const r = start(q, 'OneAtATime', { batchSize: 1, maximumConcurrency: 3 });
    await eventually(async () => (await q.peek()).length === 0, 30000, 'every message processed');
    const throttles = r.metrics.filter((m) => m.kind === 'error' && /Throttled/.test(m.message ?? ''));
    assert.ok(throttles.length > 0, 'some batches were throttled');
    assert.equal(new Set(r.invocations.filter((i) => !i.error).flatMap((i) => i.records.map((x) => x.body))).size, 6);
    assert.ok(metricTotal(r.metrics, 'retry') > 0, 'throttled messages came back');
  });
});
