import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkbenchError } from '../../../src/core/errors';
import { md5OfMessageAttributes } from '../../../src/core/sources/sqsMessages';
import { assertCloseEndsLongPoll, freshQueueFixtureEach, type QueueFixture, receiveBodies, receiveWith, sleep } from './sqsHelpers';

// The embedded queue against SQS's semantics: a real LevelDB in a temp directory, real timers.

function sqsError(reason: string | RegExp, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof WorkbenchError, `expected a WorkbenchError, got ${String(error)}`);
    assert.equal(error.code, 'InvalidParameterValueException');
    if (typeof reason === 'string') assert.equal(error.reason, reason);
    else assert.match(error.reason ?? '', reason);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('embedded SQS queue', function () {
  this.timeout(20000);
  let f: QueueFixture;
  freshQueueFixtureEach((fixture) => (f = fixture));

  describe('standard queues', () => {
    it("sends, receives and deletes with SQS's fields and digests", async () => {
      const q = f.queue('orders');
      const attributes = {
        s: { DataType: 'String', StringValue: 'x' },
        n: { DataType: 'Number', StringValue: '42' },
        b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') },
      };
      const before = Date.now();
      const [sent] = await q.send([{ body: 'hello', messageAttributes: attributes }]);
      assert.equal(sent.md5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
      assert.equal(sent.sequenceNumber, undefined);
      const [m] = await q.receive({ maxMessages: 10 });
      assert.equal(m.messageId, sent.messageId);
      assert.equal(m.body, 'hello');
      assert.equal(m.md5OfBody, '5d41402abc4b2a76b9719d911017c592');
      // The digest SQS (and fauxqs, checked by the AWS SDK) computes for these attributes.
      assert.equal(m.md5OfMessageAttributes, '43c6b4f9186682354511e289486959a6');
      assert.deepEqual(m.messageAttributes, attributes);
      assert.equal(m.attributes.ApproximateReceiveCount, '1');
      assert.ok(Number(m.attributes.SentTimestamp) >= before);
      assert.ok(Number(m.attributes.ApproximateFirstReceiveTimestamp) >= Number(m.attributes.SentTimestamp));
      assert.equal(m.attributes.SenderId, '000000000000');
      assert.deepEqual(await q.stats(), { visible: 0, inFlight: 1, delayed: 0 });
      await q.delete([m.receiptHandle]);
      assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
      assert.deepEqual(await q.receive({ maxMessages: 10 }), []);
    });

    it('returns at most maxMessages, oldest first, and a batch of sends at once', async () => {
      const q = f.queue('many');
      const sent = await q.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${i}` })));
      await q.send([{ body: 'm10' }, { body: 'm11' }]);
      assert.equal(new Set(sent.map((s) => s.messageId)).size, 10);
      const first = await q.receive({ maxMessages: 5 });
      const second = await q.receive({ maxMessages: 10 });
      assert.deepEqual(
        [...first, ...second].map((m) => m.body),
        Array.from({ length: 12 }, (_, i) => `m${i}`),
      );
    });

    it('hides a received message for the visibility timeout, then redelivers it with a higher receive count', async () => {
      const q = f.queue('vis', { visibilityTimeoutSeconds: 1 });
      await q.send([{ body: 'a' }]);
      const [first] = await q.receive({ maxMessages: 1 });
      assert.deepEqual(await q.receive({ maxMessages: 1 }), []);
      await sleep(1100);
      const [again] = await q.receive({ maxMessages: 1 });
      assert.equal(again.messageId, first.messageId);
      assert.equal(again.attributes.ApproximateReceiveCount, '2');
      assert.equal(again.attributes.ApproximateFirstReceiveTimestamp, first.attributes.ApproximateFirstReceiveTimestamp);
      assert.notEqual(again.receiptHandle, first.receiptHandle);
      // The older receipt handle is stale: deleting with it does nothing.
      await q.delete([first.receiptHandle]);
      assert.equal((await q.stats()).inFlight, 1);
      await q.delete([again.receiptHandle]);
      assert.equal((await q.stats()).inFlight, 0);
    });

    it('per-receive visibility override and ChangeMessageVisibility', async () => {
      const q = f.queue('cv', { visibilityTimeoutSeconds: 30 });
      await q.send([{ body: 'a' }]);
      const [m] = await q.receive({ maxMessages: 1, visibilityTimeoutSeconds: 0 });
      const [m2] = await q.receive({ maxMessages: 1 });
      assert.equal(m2.messageId, m.messageId, 'visibility 0: visible again at once');
      await q.changeVisibility(m2.receiptHandle, 0);
      const [m3] = await q.receive({ maxMessages: 1 });
      assert.equal(m3.attributes.ApproximateReceiveCount, '3');
      await q.changeVisibility(m3.receiptHandle, 1);
      assert.deepEqual(await q.receive({ maxMessages: 1 }), []);
      await sleep(1100);
      assert.equal((await q.receive({ maxMessages: 1 }))[0]?.attributes.ApproximateReceiveCount, '4');
      await assert.rejects(q.changeVisibility(m3.receiptHandle, 5), sqsError('ReceiptHandleIsInvalid'));
      await assert.rejects(q.changeVisibility('garbage', 5), sqsError('ReceiptHandleIsInvalid'));
    });

    it('delays messages (queue DelaySeconds and per message)', async () => {
      const delayed = f.queue('delayed', { delaySeconds: 1 });
      await delayed.send([{ body: 'late' }]);
      assert.deepEqual(await delayed.stats(), { visible: 0, inFlight: 0, delayed: 1 });
      assert.deepEqual(await delayed.receive({ maxMessages: 1 }), []);
      const q = f.queue('plain');
      await q.send([{ body: 'now' }, { body: 'later', delaySeconds: 1 }]);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['now']);
      await sleep(1050);
      assert.deepEqual(await receiveBodies(delayed, { maxMessages: 1 }), ['late']);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['later']);
    });

    it('drops messages past the retention period', async () => {
      const q = f.queue('short', { retentionSeconds: 1 });
      await q.send([{ body: 'old' }]);
      await sleep(1100);
      await q.send([{ body: 'new' }]);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['new']);
      assert.deepEqual(await q.stats(), { visible: 0, inFlight: 1, delayed: 0 });
      await f.reopen();
      assert.deepEqual(
        (await f.queue('short').peek()).map((m) => m.body),
        ['new'],
      );
    });

    it('long polling resolves as soon as a message arrives, and ends on abort', async () => {
      const q = f.queue('poll');
      await q.receive({ maxMessages: 1 }); // loaded
      const started = Date.now();
      setTimeout(() => void q.send([{ body: 'ping' }]), 150);
      const got = await q.receive({ maxMessages: 1, waitTimeSeconds: 10 });
      const waited = Date.now() - started;
      assert.deepEqual(
        got.map((m) => m.body),
        ['ping'],
      );
      assert.ok(waited >= 140 && waited < 1000, `woke after ${waited} ms`);

      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const t = Date.now();
      assert.deepEqual(await q.receive({ maxMessages: 1, waitTimeSeconds: 20, signal: controller.signal }), []);
      assert.ok(Date.now() - t < 1000);

      // A message whose visibility runs out during the poll wakes it too.
      const vis = f.queue('poll-vis', { visibilityTimeoutSeconds: 1 });
      await vis.send([{ body: 'back' }]);
      await vis.receive({ maxMessages: 1 });
      const t2 = Date.now();
      assert.deepEqual(await receiveBodies(vis, { maxMessages: 1, waitTimeSeconds: 5 }), ['back']);
      assert.ok(Date.now() - t2 < 2000);
    });

    it("the queue's ReceiveMessageWaitTimeSeconds applies when the receive does not say", async () => {
      const q = f.queue('waits', { receiveWaitSeconds: 1 });
      const t = Date.now();
      assert.deepEqual(await q.receive({ maxMessages: 1 }), []);
      assert.ok(Date.now() - t >= 950);
    });

    it('closing ends long polls', async () => {
      const q = f.queue('closing');
      await q.stats();
      await assertCloseEndsLongPoll(q, 50, 500);
    });

    it('purge removes every message', async () => {
      const q = f.queue('purge');
      await q.send([{ body: 'a' }, { body: 'b' }]);
      await q.receive({ maxMessages: 1 });
      await q.purge();
      assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
      await f.reopen();
      assert.deepEqual(await f.queue('purge').peek(), []);
    });
  });

  describe('redrive', () => {
    it('moves a message to the dead-letter queue after maxReceiveCount receives, atomically and durably', async () => {
      const dlq = f.queue('dlq');
      const q = f.queue('work', { visibilityTimeoutSeconds: 0, redrive: { deadLetterTargetArn: f.arn('dlq'), maxReceiveCount: 2 } });
      const [sent] = await q.send([{ body: 'poison', messageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }]);
      await q.send([{ body: 'fine' }]);
      const r1 = await q.receive({ maxMessages: 10 });
      assert.deepEqual(
        r1.map((m) => m.body),
        ['poison', 'fine'],
      );
      await q.delete([r1[1].receiptHandle]);
      assert.equal((await q.receive({ maxMessages: 10 }))[0].attributes.ApproximateReceiveCount, '2');
      // The third receive would be the message's third delivery: it moves instead.
      assert.deepEqual(await q.receive({ maxMessages: 10 }), []);
      assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
      await f.reopen();
      const [moved] = await f.queue('dlq').receive({ maxMessages: 10 });
      assert.equal(moved.messageId, sent.messageId, 'the message keeps its id');
      assert.equal(moved.body, 'poison');
      assert.deepEqual(moved.messageAttributes, { k: { DataType: 'String', StringValue: 'v' } });
      assert.equal(moved.attributes.ApproximateReceiveCount, '1');
      assert.equal(moved.attributes.DeadLetterQueueSourceArn, f.arn('work'));
      assert.deepEqual(await f.queue('work').peek(), []);
      void dlq;
    });

    it('a queue whose dead-letter queue is unknown keeps delivering', async () => {
      const q = f.queue('orphan', { visibilityTimeoutSeconds: 0, redrive: { deadLetterTargetArn: f.arn('nowhere'), maxReceiveCount: 1 } });
      await q.send([{ body: 'x' }]);
      await q.receive({ maxMessages: 1 });
      assert.equal((await q.receive({ maxMessages: 1 }))[0]?.attributes.ApproximateReceiveCount, '2');
    });
  });

  describe('FIFO queues', () => {
    const fifo = (name: string, extra = {}) => f.queue(`${name}.fifo`, { fifo: true, contentBasedDeduplication: true, ...extra });

    it('keeps order within a group and hands out no group that has messages in flight', async () => {
      const q = fifo('orders');
      const sent = await q.send([
        { body: 'a1', messageGroupId: 'a' },
        { body: 'a2', messageGroupId: 'a' },
        { body: 'b1', messageGroupId: 'b' },
        { body: 'a3', messageGroupId: 'a' },
        { body: 'b2', messageGroupId: 'b' },
      ]);
      const seqs = sent.map((s) => BigInt(s.sequenceNumber!));
      assert.ok(
        seqs.every((s, i) => i === 0 || s > seqs[i - 1]),
        'sequence numbers increase',
      );
      assert.ok(sent.every((s) => /^\d{20}$/.test(s.sequenceNumber!)));
      const first = await q.receive({ maxMessages: 2 });
      assert.deepEqual(
        first.map((m) => m.body),
        ['a1', 'a2'],
      );
      assert.equal(first[0].attributes.MessageGroupId, 'a');
      assert.equal(first[0].attributes.SequenceNumber, sent[0].sequenceNumber);
      assert.ok(first[0].attributes.MessageDeduplicationId);
      // Group a is in flight: only b is available, whatever is asked for.
      assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['b1', 'b2']);
      assert.deepEqual(await q.receive({ maxMessages: 10 }), []);
      await q.delete([first[0].receiptHandle]);
      assert.deepEqual(await q.receive({ maxMessages: 10 }), [], 'a2 is still in flight');
      await q.delete([first[1].receiptHandle]);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['a3']);
    });

    it('a group whose messages return (visibility timeout) delivers them again first, in order', async () => {
      const q = fifo('retry', { visibilityTimeoutSeconds: 1 });
      await q.send([
        { body: '1', messageGroupId: 'g' },
        { body: '2', messageGroupId: 'g' },
        { body: '3', messageGroupId: 'g' },
      ]);
      const batch = await q.receive({ maxMessages: 2 });
      assert.deepEqual(
        batch.map((m) => m.body),
        ['1', '2'],
      );
      await q.delete([batch[0].receiptHandle]);
      await sleep(1100);
      assert.deepEqual(await receiveWith(q, { maxMessages: 10 }, 'ApproximateReceiveCount'), [
        ['2', '2'],
        ['3', '1'],
      ]);
    });

    it('deduplicates within five minutes (explicit ids and content-based)', async () => {
      const q = fifo('dedup');
      const [a] = await q.send([{ body: 'same', messageGroupId: 'g' }]);
      const [b] = await q.send([{ body: 'same', messageGroupId: 'g' }]);
      assert.equal(b.messageId, a.messageId);
      assert.equal(b.sequenceNumber, a.sequenceNumber);
      const [c] = await q.send([{ body: 'x', messageGroupId: 'g', messageDeduplicationId: 'id-1' }]);
      const [d] = await q.send([{ body: 'y', messageGroupId: 'g', messageDeduplicationId: 'id-1' }]);
      assert.equal(d.messageId, c.messageId);
      const [inBatch1, inBatch2] = await q.send([
        { body: 'z', messageGroupId: 'g' },
        { body: 'z', messageGroupId: 'h' },
      ]);
      assert.equal(inBatch2.messageId, inBatch1.messageId, 'duplicates within one batch too');
      const all = await q.receive({ maxMessages: 10 });
      assert.deepEqual(
        all.map((m) => m.body),
        ['same', 'x', 'z'],
      );
      assert.equal(all[0].attributes.MessageDeduplicationId, createHash('sha256').update('same').digest('hex'));
      // Deleted messages stay deduplicated, also after a restart.
      await q.delete(all.map((m) => m.receiptHandle));
      await f.reopen();
      const [again] = await f.queue('dedup.fifo').send([{ body: 'x', messageGroupId: 'g', messageDeduplicationId: 'id-1' }]);
      assert.equal(again.messageId, c.messageId);
      assert.deepEqual(await f.queue('dedup.fifo').receive({ maxMessages: 10 }), []);
    });

    it('validates FIFO sends', async () => {
      const q = fifo('strict', { contentBasedDeduplication: false });
      await assert.rejects(q.send([{ body: 'x' }]), sqsError('MissingParameter', /MessageGroupId/));
      await assert.rejects(q.send([{ body: 'x', messageGroupId: 'g' }]), sqsError('InvalidParameterValue', /ContentBasedDeduplication/));
      await assert.rejects(
        q.send([{ body: 'x', messageGroupId: 'g', messageDeduplicationId: 'd', delaySeconds: 5 }]),
        sqsError('InvalidParameterValue', /DelaySeconds/),
      );
      await assert.rejects(
        q.send([{ body: 'x', messageGroupId: 'bad group id with spaces', messageDeduplicationId: 'd' }]),
        sqsError('InvalidParameterValue', /MessageGroupId/),
      );
      await assert.rejects(f.queue('std').send([{ body: 'x', messageDeduplicationId: 'd' }]), sqsError('InvalidParameterValue', /MessageDeduplicationId/));
      // Nothing of a rejected batch is stored.
      await assert.rejects(
        q.send([
          { body: 'ok', messageGroupId: 'g', messageDeduplicationId: '1' },
          { body: 'bad', messageGroupId: 'g' },
        ]),
      );
      assert.deepEqual(await q.peek(), []);
    });

    it('redrives FIFO messages to a FIFO dead-letter queue and unblocks the group', async () => {
      const dlq = fifo('dead');
      const q = fifo('src', { visibilityTimeoutSeconds: 0, redrive: { deadLetterTargetArn: f.arn('dead.fifo'), maxReceiveCount: 1 } });
      await q.send([
        { body: 'p', messageGroupId: 'g' },
        { body: 'q', messageGroupId: 'g' },
      ]);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 1 }), ['p']);
      assert.deepEqual(await receiveBodies(q, { maxMessages: 1 }), ['q'], 'p moved on; q is next');
      const [moved] = await dlq.receive({ maxMessages: 1 });
      assert.equal(moved.body, 'p');
      assert.equal(moved.attributes.MessageGroupId, 'g');
    });
  });

  describe('durability', () => {
    it('keeps sent, received and not deleted messages across a restart, with their receive counts', async () => {
      const q = f.queue('durable', { visibilityTimeoutSeconds: 1 });
      await q.send([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
      const got = await q.receive({ maxMessages: 2 });
      await q.delete([got[0].receiptHandle]);
      await f.reopen();
      const reopened = f.queue('durable');
      const left = await reopened.peek();
      assert.deepEqual(
        left.map((m) => [m.body, m.receiveCount, m.inFlight]),
        [
          ['b', 1, true],
          ['c', 0, false],
        ],
      );
      assert.deepEqual(await receiveBodies(reopened, { maxMessages: 10 }), ['c'], 'b is still invisible');
      await sleep(1100);
      const [b] = await reopened.receive({ maxMessages: 1 });
      assert.equal(b.body, 'b');
      assert.equal(b.attributes.ApproximateReceiveCount, '2');
      // A receipt handle from before the restart no longer deletes anything.
      await reopened.delete([got[1].receiptHandle]);
      assert.equal((await reopened.stats()).inFlight, 1);
    });

    it('leaves nothing in the store once every message is deleted (chunks, deletions and receive states)', async () => {
      const q = f.queue('tidy', { visibilityTimeoutSeconds: 0 });
      for (let i = 0; i < 25; i += 5) await q.send(Array.from({ length: 5 }, (_, k) => ({ body: `m${i + k}` })));
      // Received in batches that straddle the send batches, some more than once, deleted in pieces.
      const first = await q.receive({ maxMessages: 7 });
      const again = await q.receive({ maxMessages: 3 });
      await q.delete(first.slice(0, 4).map((m) => m.receiptHandle));
      await f.reopen();
      const reopened = f.queue('tidy');
      let left = (await reopened.peek()).length;
      assert.equal(left, 21);
      void again;
      while (left > 0) {
        const batch = await reopened.receive({ maxMessages: 6, visibilityTimeoutSeconds: 30 });
        await reopened.changeVisibility(batch[0].receiptHandle, 30);
        await reopened.delete(batch.map((m) => m.receiptHandle));
        left -= batch.length;
      }
      await f.reopen();
      const store = await f.store.open();
      assert.deepEqual(await store.entries('sqs!tidy!'), []);
    });

    it('every message a send acknowledged survives a kill -9 of the process right after', async function () {
      const script = path.join(f.dir, 'sender.ts');
      fs.writeFileSync(
        script,
        `
import { EmbeddedQueue } from ${JSON.stringify(path.resolve(__dirname, '../../../src/core/sources/embeddedQueue'))};
import { queueDefinition } from ${JSON.stringify(path.resolve(__dirname, '../../../src/core/sources/declarations'))};
import { SharedStore } from ${JSON.stringify(path.resolve(__dirname, '../../../src/core/store/sharedStore'))};
const queue = new EmbeddedQueue(new SharedStore(process.argv[2]), queueDefinition('crash', 'us-east-1'), () => undefined);
(async () => {
  for (let i = 0; ; i++) {
    await queue.send(Array.from({ length: 10 }, (_, k) => ({ body: 'm' + (i * 10 + k) })));
    process.stdout.write('ACK ' + i + '\\n');
  }
})();
`,
      );
      const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), script, path.join(f.dir, 'store')], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let acked = -1;
      await new Promise<void>((resolve) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          const last = /ACK (\d+)\n(?![\s\S]*ACK)/.exec(chunk.toString());
          if (last) acked = Number(last[1]);
          if (acked >= 30 && !child.killed) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.once('exit', resolve));
      const bodies = new Set((await f.queue('crash').peek()).map((m) => m.body));
      for (let i = 0; i < (acked + 1) * 10; i++) assert.ok(bodies.has(`m${i}`), `acknowledged message m${i} is missing`);
    });

    it('resolves send only once the messages are on disk (a new engine sees them at once)', async () => {
      const q = f.queue('sync');
      await q.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${i}` })));
      // Open the same directory from a second store while the first is closed: nothing pending is lost.
      await f.reopen();
      assert.equal((await f.queue('sync').peek()).length, 10);
    });
  });

  describe('validation', () => {
    it("answers bad input with SQS's errors", async () => {
      const q = f.queue('v');
      await assert.rejects(q.send([{ body: '' }]), sqsError('MissingParameter', /MessageBody/));
      await assert.rejects(q.send([{ body: 'x'.repeat(262_145) }]), sqsError('InvalidParameterValue', /shorter than 262144 bytes/));
      await q.send([{ body: 'x'.repeat(262_144) }]);
      await assert.rejects(q.send(Array.from({ length: 11 }, () => ({ body: 'x' }))), sqsError(/TooManyEntriesInBatchRequest/));
      await assert.rejects(q.send([]), sqsError(/EmptyBatchRequest/));
      await assert.rejects(q.send([{ body: 'x'.repeat(200_000) }, { body: 'x'.repeat(100_000) }]), sqsError(/BatchRequestTooLong/));
      await assert.rejects(q.send([{ body: 'x', delaySeconds: 901 }]), sqsError('InvalidParameterValue', /DelaySeconds/));
      await assert.rejects(
        q.send([{ body: 'x', messageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } } }]),
        sqsError('InvalidParameterValue', /name/),
      );
      await assert.rejects(
        q.send([{ body: 'x', messageAttributes: { a: { DataType: 'Text', StringValue: 'v' } } }]),
        sqsError('InvalidParameterValue', /type prefixes/),
      );
      await assert.rejects(
        q.send([{ body: 'x', messageAttributes: { a: { DataType: 'Number', StringValue: 'abc' } } }]),
        sqsError('InvalidParameterValue', /to a number/),
      );
      await assert.rejects(q.send([{ body: 'x', messageAttributes: { a: { DataType: 'String' } } }]), sqsError('InvalidParameterValue', /non-empty value/));
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
      await assert.rejects(q.send([{ body: 'x', messageAttributes: eleven }]), sqsError('InvalidParameterValue', /exceeds the allowed maximum \[10\]/));
      await assert.rejects(q.receive({ maxMessages: 11 }), sqsError('InvalidParameterValue', /MaxNumberOfMessages/));
      await assert.rejects(q.receive({ maxMessages: 1, waitTimeSeconds: 21 }), sqsError('InvalidParameterValue', /WaitTimeSeconds/));
      await assert.rejects(q.receive({ maxMessages: 1, visibilityTimeoutSeconds: 43_201 }), sqsError('InvalidParameterValue', /VisibilityTimeout/));
      // The size limit counts attributes too; a larger MaximumMessageSize raises it.
      const big = f.queue('big', { maximumMessageSizeBytes: 1_048_576 });
      await big.send([{ body: 'x'.repeat(1_000_000) }]);
    });

    it('replaces characters SQS does not allow with U+FFFD', async () => {
      const q = f.queue('chars');
      await q.send([{ body: 'a\u0000b\uFFFEc' }]);
      const [m] = await q.receive({ maxMessages: 1 });
      assert.equal(m.body, 'a\uFFFDb\uFFFDc');
      await assert.rejects(q.send([{ body: '\u0001\u0002' }]), sqsError('InvalidMessageContents'));
    });

    it("md5OfMessageAttributes follows SQS's encoding (sorted names, transport types)", () => {
      assert.equal(md5OfMessageAttributes({}), undefined);
      const one = md5OfMessageAttributes({ a: { DataType: 'String', StringValue: 'b' } });
      const manual = createHash('md5')
        .update(
          Buffer.concat([
            Buffer.from([0, 0, 0, 1]),
            Buffer.from('a'),
            Buffer.from([0, 0, 0, 6]),
            Buffer.from('String'),
            Buffer.from([1]),
            Buffer.from([0, 0, 0, 1]),
            Buffer.from('b'),
          ]),
        )
        .digest('hex');
      assert.equal(one, manual);
    });
  });
});
