import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsPoller } from '../../../src/core/esm/sqsPoller';
import type { Poller } from '../../../src/core/esm/types';
import { WorkbenchError } from '../../../src/core/errors';
import { queueDefinition } from '../../../src/core/sources/declarations';
import { SqsEndpointQueue } from '../../../src/core/sources/sqsEndpointQueue';
import { md5OfMessageAttributes } from '../../../src/core/sources/sqsMessages';
import type { QueueDefinition } from '../../../src/core/sources/types';
import type { Workbench } from '../../../src/core/workbench';
import { metricTotal, recordingRuntime, sqsMapping } from '../esm/sqsRuntime';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { assertCloseEndsLongPoll, eventually, receiveBodies, receiveWith } from './sqsHelpers';
import { startSqsServerOrSkip, stopSqsServer } from './sqsServer';

// SqsEndpointQueue (AWS SDK v3 with an endpoint override) against a real SQS-compatible server:
// fauxqs 1.9.2 (npm), pinned in test/fixtures/sqs-server/ and installed there on first use (npm ci),
// started as a child process on a free loopback port (./sqsServer.ts). It speaks SQS's JSON and
// query protocols, with FIFO groups, deduplication, visibility, redrive and long polling, and needs
// nothing at run time.
// The test skips (saying why) only when the server cannot be installed.

describe('SQS endpoint queues (fauxqs, an SQS-compatible server)', function () {
  this.timeout(60000);
  let server: ChildProcess | undefined;
  let url: string;
  let admin: SQSClient;
  const open: SqsEndpointQueue[] = [];

  before(async function () {
    this.timeout(240_000);
    ({ child: server, url } = await startSqsServerOrSkip(this));
    admin = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  after(async () => {
    admin?.destroy();
    await stopSqsServer(server);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });

  async function remoteQueue(name: string, attributes: Record<string, string> = {}, overrides: Partial<QueueDefinition> = {}): Promise<SqsEndpointQueue> {
    await admin.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const definition = queueDefinition(name, 'us-east-1', { endpoint: { url, region: 'us-east-1' }, ...overrides });
    const queue = new SqsEndpointQueue(definition);
    open.push(queue);
    return queue;
  }

  it("sends, receives and deletes through the AWS SDK, with SQS's attributes and digests", async () => {
    const q = await remoteQueue('ep-basic');
    const attributes = {
      s: { DataType: 'String', StringValue: 'x' },
      n: { DataType: 'Number', StringValue: '42' },
      b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') },
    };
    const [sent] = await q.send([{ body: 'hello', messageAttributes: attributes }]);
    assert.equal(sent.md5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
    assert.match(await q.url(), /ep-basic$/);
    const [m] = await q.receive({ maxMessages: 10 });
    assert.equal(m.messageId, sent.messageId);
    assert.equal(m.body, 'hello');
    assert.deepEqual(m.messageAttributes, attributes);
    // The server's digest of the attributes is the one the embedded queue computes.
    assert.equal(m.md5OfMessageAttributes, md5OfMessageAttributes(attributes));
    assert.equal(m.attributes.ApproximateReceiveCount, '1');
    assert.ok(m.attributes.SentTimestamp);
    assert.deepEqual(await q.stats(), { visible: 0, inFlight: 1, delayed: 0 });
    await q.delete([m.receiptHandle]);
    assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
  });

  it('visibility: ChangeMessageVisibility and the receive count; batches of more than 10', async () => {
    const q = await remoteQueue('ep-visibility', { VisibilityTimeout: '30' });
    const sent = await q.send(Array.from({ length: 12 }, (_, i) => ({ body: `m${i}` })));
    assert.equal(sent.length, 12);
    const first = await q.receive({ maxMessages: 10 });
    assert.equal(first.length, 10);
    await q.changeVisibility(first[0].receiptHandle, 0);
    const rest = await q.receive({ maxMessages: 10 });
    const again = rest.find((m) => m.messageId === first[0].messageId);
    assert.equal(again?.attributes.ApproximateReceiveCount, '2');
    await q.delete([...first, ...rest].map((m) => m.receiptHandle));
    assert.deepEqual(await q.stats(), { visible: 0, inFlight: 0, delayed: 0 });
    await q.send([{ body: 'p' }]);
    await q.purge();
    assert.deepEqual(await q.receive({ maxMessages: 1 }), []);
  });

  it('FIFO: sequence numbers, deduplication and message groups', async () => {
    const q = await remoteQueue('ep-order.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' }, { fifo: true, contentBasedDeduplication: true });
    const sent = await q.send([
      { body: 'a1', messageGroupId: 'a' },
      { body: 'a2', messageGroupId: 'a' },
      { body: 'b1', messageGroupId: 'b' },
      { body: 'a1', messageGroupId: 'a' },
    ]);
    assert.ok(sent.every((s) => s.sequenceNumber));
    assert.equal(sent[3].messageId, sent[0].messageId, 'deduplicated');
    assert.deepEqual(await receiveWith(q, { maxMessages: 1 }, 'MessageGroupId'), [['a1', 'a']]);
    assert.deepEqual(await receiveBodies(q, { maxMessages: 10 }), ['b1'], 'group a is in flight');
  });

  it('long polls (fractional waits too), and close() ends one at once', async () => {
    const q = await remoteQueue('ep-poll');
    const t = Date.now();
    setTimeout(() => void q.send([{ body: 'ping' }]), 300);
    assert.deepEqual(await receiveBodies(q, { maxMessages: 1, waitTimeSeconds: 5 }), ['ping']);
    assert.ok(Date.now() - t < 3000);
    const t2 = Date.now();
    assert.deepEqual(await q.receive({ maxMessages: 1, waitTimeSeconds: 0.3 }), []);
    assert.ok(Date.now() - t2 >= 250, 'a wait below one second is waited out locally');
    await assertCloseEndsLongPoll(q, 100, 1000);
  });

  it('finds the queue by remoteName (a name or a URL); an unknown queue is ResourceNotFoundException', async () => {
    const real = await remoteQueue('ep-real-name');
    await real.send([{ body: 'via remote name' }]);
    const byName = new SqsEndpointQueue(queueDefinition('LocalAlias', 'us-east-1', { endpoint: { url, region: 'us-east-1', remoteName: 'ep-real-name' } }));
    const byUrl = new SqsEndpointQueue(queueDefinition('Other', 'us-east-1', { endpoint: { url, region: 'us-east-1', remoteName: await real.url() } }));
    open.push(byName, byUrl);
    assert.deepEqual(await receiveBodies(byName, { maxMessages: 1 }), ['via remote name']);
    assert.equal(await byUrl.url(), await real.url());
    const missing = new SqsEndpointQueue(queueDefinition('does-not-exist', 'us-east-1', { endpoint: { url, region: 'us-east-1' } }));
    open.push(missing);
    await assert.rejects(missing.send([{ body: 'x' }]), (error: unknown) => error instanceof WorkbenchError && error.code === 'ResourceNotFoundException');
  });

  describe('with the SQS poller and a real engine', () => {
    let workbench: Workbench;
    let dir: string;
    const pollers: Poller[] = [];

    before(async () => {
      dir = writeProject({
        'template.yaml': samTemplate({ Echo: { handler: 'index.echo' }, Partial: { handler: 'index.partial' } }),
        'src/index.js': `
exports.echo = async (event) => ({ received: event.Records.length });
exports.partial = async (event) => ({ batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({ itemIdentifier: r.messageId })) });
`,
      });
      workbench = await openProject(dir, { hotReload: false });
    });
    after(async () => {
      await Promise.all(pollers.splice(0).map((p) => p.stop()));
      await workbench?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await Promise.all(pollers.splice(0).map((p) => p.stop()));
    });

    it('send → handler → delete end to end', async () => {
      const q = await remoteQueue('ep-mapping');
      const r = recordingRuntime(workbench, q, sqsMapping(q, 'Echo'));
      const poller = createSqsPoller(r.runtime);
      pollers.push(poller);
      poller.start();
      for (let i = 0; i < 3; i++) {
        await q.send(
          Array.from({ length: 10 }, (_, k) => ({ body: `e${i * 10 + k}`, messageAttributes: { i: { DataType: 'Number', StringValue: String(k) } } })),
        );
      }
      await eventually(() => r.bodies().length === 30, 15000, '30 messages');
      await eventually(
        async () => {
          const { Attributes } = await admin.send(
            new GetQueueAttributesCommand({
              QueueUrl: await q.url(),
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          return Attributes?.ApproximateNumberOfMessages === '0' && Attributes?.ApproximateNumberOfMessagesNotVisible === '0';
        },
        10000,
        'the queue to be empty',
      );
      const record = r.invocations[0].records[0];
      assert.equal(record.eventSource, 'aws:sqs');
      assert.equal(record.eventSourceARN, q.definition.arn);
      assert.deepEqual(record.messageAttributes.i, {
        stringValue: record.messageAttributes.i.stringValue,
        stringListValues: [],
        binaryListValues: [],
        dataType: 'Number',
      });
      assert.equal(new Set(r.bodies()).size, 30);
      assert.equal(metricTotal(r.metrics, 'batch'), 30);
    });

    it('ReportBatchItemFailures: only the failed messages come back (visibility timeout on the server)', async () => {
      const q = await remoteQueue('ep-partial', { VisibilityTimeout: '1' });
      await q.send([{ body: 'good1' }, { body: 'bad1' }, { body: 'good2' }]);
      const r = recordingRuntime(workbench, q, sqsMapping(q, 'Partial', { functionResponseTypes: ['ReportBatchItemFailures'] }));
      const poller = createSqsPoller(r.runtime);
      pollers.push(poller);
      poller.start();
      await eventually(() => r.invocations.length >= 2, 15000, 'the redelivery');
      assert.deepEqual(r.invocations[0].records.map((x) => x.body).sort(), ['bad1', 'good1', 'good2']);
      assert.deepEqual(
        r.invocations[1].records.map((x) => [x.body, x.attributes.ApproximateReceiveCount]),
        [['bad1', '2']],
      );
    });
  });
});
