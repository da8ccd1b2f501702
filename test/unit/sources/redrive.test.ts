import { strict as assert } from 'node:assert';
import { deadLetterQueues, deadLetterSources, redriveDeadLetterQueue, redriveInput } from '../../../src/core/sources/redrive';
import { queueDefinition } from '../../../src/core/sources/declarations';
import type { MessageQueue } from '../../../src/core/sources/types';
import { freshQueueFixtureEach, type QueueFixture, receiveBodies, receiveWith } from './sqsHelpers';

// DLQ redrive (core/sources/redrive.ts) on embedded queues: a real LevelDB in a temp directory.

describe('dead-letter queue redrive', function () {
  this.timeout(20000);
  let f: QueueFixture;
  freshQueueFixtureEach((fixture) => (f = fixture));

  /** Sends the bodies to `q` and lets each exceed maxReceiveCount 1, so that they land in its DLQ. */
  async function deadLetter(q: MessageQueue, bodies: string[], extra: { messageGroupId?: string } = {}): Promise<void> {
    for (const body of bodies) await q.send([{ body, ...extra, messageAttributes: { n: { DataType: 'String', StringValue: body } } }]);
    for (let i = 0; i < bodies.length; i++) await q.receive({ maxMessages: 1 });
    // Every message was received once (visibility 0): the next receive moves them all.
    assert.deepEqual(await q.receive({ maxMessages: 10 }), []);
  }

  it('moves dead-lettered messages back to their source queue, body and attributes kept, and empties the DLQ', async () => {
    const dlq = f.queue('dlq');
    const work = f.queue('work', { visibilityTimeoutSeconds: 0, redrive: { deadLetterTargetArn: f.arn('dlq'), maxReceiveCount: 1 } });
    await deadLetter(work, ['a', 'b', 'c']);
    assert.equal((await dlq.stats()).visible, 3);

    const result = await redriveDeadLetterQueue(dlq, { resolve: (arn) => (arn === f.arn('work') ? work : undefined) });
    assert.deepEqual(result, { moved: { work: 3 }, total: 3, skipped: 0 });
    assert.deepEqual(await dlq.stats(), { visible: 0, inFlight: 0, delayed: 0 });
    const back = await work.receive({ maxMessages: 10 });
    assert.deepEqual(
      back.map((m) => m.body),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      back.map((m) => m.messageAttributes.n.StringValue),
      ['a', 'b', 'c'],
    );
    assert.ok(
      back.every((m) => m.attributes.ApproximateReceiveCount === '1'),
      'a redriven message starts its receive count again',
    );
  });

  it('sends messages without a known source to the given target; with no target they stay in the DLQ, visible', async () => {
    const dlq = f.queue('dlq');
    const target = f.queue('target');
    await dlq.send([{ body: 'x' }, { body: 'y' }]);

    const none = await redriveDeadLetterQueue(dlq, {});
    assert.deepEqual(none, { moved: {}, total: 0, skipped: 2 });
    assert.deepEqual(await dlq.stats(), { visible: 2, inFlight: 0, delayed: 0 });

    const result = await redriveDeadLetterQueue(dlq, { target });
    assert.equal(result.total, 2);
    assert.deepEqual(await receiveBodies(target, { maxMessages: 10 }), ['x', 'y']);
    assert.equal((await dlq.stats()).visible, 0);
  });

  it('moves at most maxMessages (default: what was visible at the start) and leaves messages in flight alone', async () => {
    const dlq = f.queue('dlq');
    const target = f.queue('target');
    await dlq.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${i}` })));
    await dlq.send(Array.from({ length: 5 }, (_, i) => ({ body: `m${10 + i}` })));
    const [inFlight] = await dlq.receive({ maxMessages: 1, visibilityTimeoutSeconds: 60 });
    assert.equal(inFlight.body, 'm0');

    const first = await redriveDeadLetterQueue(dlq, { target, maxMessages: 12 });
    assert.equal(first.total, 12);
    const second = await redriveDeadLetterQueue(dlq, { target });
    assert.equal(second.total, 2);
    assert.deepEqual(await dlq.stats(), { visible: 0, inFlight: 1, delayed: 0 });
    const moved = [];
    for (let batch; (batch = await target.receive({ maxMessages: 10 })).length > 0;) moved.push(...batch.map((m) => m.body));
    assert.deepEqual(
      moved,
      Array.from({ length: 14 }, (_, i) => `m${i + 1}`),
    );
  });

  it("FIFO: keeps the group and order, and is not swallowed by the source's deduplication interval", async () => {
    const dlq = f.queue('dead.fifo', { fifo: true, contentBasedDeduplication: true });
    const src = f.queue('src.fifo', {
      fifo: true,
      contentBasedDeduplication: true,
      visibilityTimeoutSeconds: 0,
      redrive: { deadLetterTargetArn: f.arn('dead.fifo'), maxReceiveCount: 1 },
    });
    await src.send([
      { body: 'p', messageGroupId: 'g' },
      { body: 'q', messageGroupId: 'g' },
    ]);
    assert.deepEqual(await receiveBodies(src, { maxMessages: 1 }), ['p']);
    assert.deepEqual(await receiveBodies(src, { maxMessages: 1 }), ['q']);
    assert.deepEqual(await src.receive({ maxMessages: 1 }), []);
    assert.equal((await dlq.stats()).visible, 2);

    // Within 5 minutes of the original sends: content-based deduplication would drop the same bodies.
    const result = await redriveDeadLetterQueue(dlq, { target: src });
    assert.equal(result.total, 2);
    assert.deepEqual(await receiveWith(src, { maxMessages: 10 }, 'MessageGroupId'), [
      ['p', 'g'],
      ['q', 'g'],
    ]);
  });

  it('a failed send leaves the messages in the DLQ, visible again at once', async () => {
    const dlq = f.queue('dlq');
    await dlq.send([{ body: 'a' }, { body: 'b' }]);
    const real = f.queue('target');
    const failing: MessageQueue = Object.assign(Object.create(real) as MessageQueue, {
      definition: real.definition,
      send: async () => {
        throw new Error('endpoint down');
      },
    });
    await assert.rejects(redriveDeadLetterQueue(dlq, { target: failing }), /endpoint down/);
    assert.deepEqual(await dlq.stats(), { visible: 2, inFlight: 0, delayed: 0 });
  });

  it('finds dead-letter queues and their sources from the queue definitions', () => {
    const dlq = queueDefinition('dlq', 'us-east-1');
    const a = queueDefinition('a', 'us-east-1', { redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });
    const b = queueDefinition('b', 'us-east-1', { redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } });
    const c = queueDefinition('c', 'us-east-1', { redrive: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:undeclared', maxReceiveCount: 1 } });
    const all = [dlq, a, b, c];
    assert.deepEqual(
      deadLetterSources(all, dlq.arn).map((q) => q.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      deadLetterQueues(all).map((d) => [d.arn.split(':').pop(), d.definition?.name, d.sources.map((s) => s.name)]),
      [
        ['dlq', 'dlq', ['a', 'b']],
        ['undeclared', undefined, ['c']],
      ],
    );
  });

  it('builds the send input: FIFO gets the group and a fresh deduplication id; standard neither', () => {
    const message = {
      messageId: 'id-1',
      receiptHandle: 'r',
      body: 'b',
      md5OfBody: '',
      attributes: { MessageGroupId: 'g', MessageDeduplicationId: 'd' },
      messageAttributes: {},
    };
    assert.deepEqual(redriveInput(message, queueDefinition('s', 'us-east-1')), { body: 'b' });
    const fifo = redriveInput(message, queueDefinition('s.fifo', 'us-east-1', { fifo: true }), 36);
    assert.deepEqual(fifo, { body: 'b', messageGroupId: 'g', messageDeduplicationId: 'id-1-redrive-10' });
  });
});
