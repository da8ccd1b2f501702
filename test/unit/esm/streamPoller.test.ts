import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkbenchError } from '../../../src/core/errors';
import { createStreamPoller, readStreamCheckpoints } from '../../../src/core/esm/streamPoller';
import type { Poller } from '../../../src/core/esm/types';
import { EmbeddedStream } from '../../../src/core/sources/embeddedStream';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, writeProject } from '../helpers/project';
import { pollersStoppedAfterEach } from './pollers';
import {
  STREAM_HANDLERS,
  decodeData,
  dynamoDefinition,
  invocations,
  kinesisDefinition,
  recordsHandled,
  sleep,
  streamMapping,
  streamTemplate,
  testRuntime,
  waitFor,
} from './streamHelpers';

// The Kinesis / DynamoDB Streams poller end to end, on a real engine and embedded streams: order
// per shard, retries, record age, bisection, partial batch failures, parallelization, filters,
// DynamoDB event shapes, tumbling windows, throttles, and resuming from the checkpoint.

const FUNCTIONS = [
  'record1',
  'record2',
  'record3',
  'record4',
  'record5',
  'record6',
  'record7',
  'failAlways1',
  'failAlways2',
  'failAlways3',
  'poison1',
  'partial1',
  'slow1',
  'window1',
];

describe('stream poller (Kinesis, DynamoDB Streams)', function () {
  this.timeout(60000);
  let dir: string;
  let logDir: string;
  let workbench: Workbench;
  const startPoller = pollersStoppedAfterEach();

  before(async () => {
    dir = writeProject({ 'src/app.js': STREAM_HANDLERS });
    logDir = path.join(dir, 'logs');
    fs.mkdirSync(logDir);
    fs.writeFileSync(path.join(dir, 'template.yaml'), streamTemplate(logDir, FUNCTIONS));
    workbench = await openProject(dir, { hotReload: false });
  });

  after(async () => {
    await workbench.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function start(runtime: ReturnType<typeof testRuntime>): Poller {
    return startPoller(createStreamPoller(runtime));
  }

  const calls = (fn: string) => invocations(logDir, fn);
  const seqs = (event: any) => event.Records.map((r: any) => r.kinesis?.sequenceNumber ?? r.dynamodb?.SequenceNumber);

  it("invokes with AWS's Kinesis event, in order per shard, at most BatchSize records per batch", async () => {
    const definition = kinesisDefinition('ordered', 2);
    const stream = new EmbeddedStream(workbench.store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 30; i++) {
      puts.push(await stream.putRecord({ data: Buffer.from(JSON.stringify({ key: `k${i % 6}`, n: i })), partitionKey: `k${i % 6}` }));
    }
    const runtime = testRuntime(workbench, streamMapping('record1', definition, { batchSize: 5 }), stream);
    start(runtime);
    // Every record delivered (distinct sequence numbers: a batch seen twice must not end the wait early).
    await waitFor(() => new Set(calls('record1').flatMap((batch) => seqs(batch.event))).size >= 30, 15000, '30 records');
    const batches = calls('record1');
    const perShard = new Map<string, string[]>();
    for (const batch of batches) {
      assert.ok(batch.event.Records.length <= 5);
      const shards = new Set(batch.event.Records.map((r: any) => r.eventID.split(':')[0]));
      assert.equal(shards.size, 1, 'a batch comes from one shard');
      const shard = [...shards][0] as string;
      perShard.set(shard, [...(perShard.get(shard) ?? []), ...seqs(batch.event)]);
    }
    for (const [shard, list] of perShard) {
      assert.deepEqual(
        list,
        puts.filter((p) => p.shardId === shard).map((p) => p.sequenceNumber),
        `order of ${shard}`,
      );
    }
    assert.equal([...perShard.values()].flat().length, 30, 'each record once');

    const record = batches[0].event.Records[0];
    assert.deepEqual(Object.keys(record), [
      'kinesis',
      'eventSource',
      'eventVersion',
      'eventID',
      'eventName',
      'invokeIdentityArn',
      'awsRegion',
      'eventSourceARN',
    ]);
    assert.deepEqual(Object.keys(record.kinesis), ['kinesisSchemaVersion', 'partitionKey', 'sequenceNumber', 'data', 'approximateArrivalTimestamp']);
    const put = puts.find((p) => p.sequenceNumber === record.kinesis.sequenceNumber)!;
    assert.equal(record.kinesis.kinesisSchemaVersion, '1.0');
    assert.equal(record.eventSource, 'aws:kinesis');
    assert.equal(record.eventVersion, '1.0');
    assert.equal(record.eventName, 'aws:kinesis:record');
    assert.equal(record.eventID, `${put.shardId}:${put.sequenceNumber}`);
    assert.equal(record.awsRegion, 'us-east-1');
    assert.equal(record.eventSourceARN, definition.arn);
    assert.match(record.invokeIdentityArn, /^arn:aws:iam::\d{12}:role\//);
    assert.equal(typeof record.kinesis.approximateArrivalTimestamp, 'number');
    assert.ok(Math.abs(record.kinesis.approximateArrivalTimestamp - Date.now() / 1000) < 60, 'epoch seconds');
    assert.deepEqual(decodeData(record), { key: record.kinesis.partitionKey, n: decodeData(record).n });

    const batchMetrics = runtime.metrics.filter((m) => m.kind === 'batch');
    assert.equal(
      batchMetrics.reduce((n, m) => n + (m.size ?? 0), 0),
      30,
    );
    assert.ok(batchMetrics.every((m) => typeof m.iteratorAgeMs === 'number' && m.iteratorAgeMs >= 0 && m.shardId));
    // Each shard's checkpoint reaches its last record.
    await waitFor(
      async () => {
        const saved = await readStreamCheckpoints(workbench.store, runtime.mapping.uuid);
        return [...perShard.keys()].every((shard) => saved[shard]?.sequenceNumber === perShard.get(shard)!.at(-1));
      },
      5000,
      'the checkpoints',
    );
  });

  it('wakes up when records arrive, and gathers them for MaximumBatchingWindowInSeconds', async () => {
    const definition = kinesisDefinition('windowed-batches');
    const stream = new EmbeddedStream(workbench.store, definition);
    start(
      testRuntime(workbench, streamMapping('record2', definition, { batchSize: 100, maximumBatchingWindowInSeconds: 1, startingPosition: 'LATEST' }), stream),
    );
    await sleep(300);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      await stream.putRecord({ data: Buffer.from(`{"n":${i}}`), partitionKey: 'p' });
      await sleep(50);
    }
    const [batch] = await waitFor(() => calls('record2').length > 0 && calls('record2'), 10000, 'a batch');
    assert.equal(batch.event.Records.length, 5, 'one batch with all five records');
    assert.ok(batch.at - t0 >= 900, `the batching window was waited for (${batch.at - t0} ms)`);
  });

  it("retries a failing batch until MaximumRetryAttempts, then sends AWS's OnFailure record and moves on", async () => {
    const definition = kinesisDefinition('retries');
    const stream = new EmbeddedStream(workbench.store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 3; i++) puts.push(await stream.putRecord({ data: Buffer.from(`{"n":${i}}`), partitionKey: `k${i}` }));
    const destination = 'arn:aws:sqs:us-east-1:000000000000:stream-failures';
    const mapping = streamMapping('failAlways1', definition, { batchSize: 10, maximumRetryAttempts: 2, onFailureDestination: destination });
    const runtime = testRuntime(workbench, mapping, stream);
    start(runtime);
    const [delivery] = await waitFor(() => runtime.deliveries.length > 0 && runtime.deliveries, 15000, 'an OnFailure record');
    const attempts = calls('failAlways1');
    assert.equal(attempts.length, 3, 'the first attempt and two retries');
    for (const attempt of attempts) {
      assert.deepEqual(
        seqs(attempt.event),
        puts.map((p) => p.sequenceNumber),
        'the same batch, in the same order',
      );
    }
    assert.equal(delivery.arn, destination);
    const body = delivery.body;
    assert.deepEqual(Object.keys(body), ['requestContext', 'responseContext', 'version', 'timestamp', 'KinesisBatchInfo']);
    assert.deepEqual(Object.keys(body.requestContext), ['requestId', 'functionArn', 'condition', 'approximateInvokeCount']);
    assert.equal(body.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:failAlways1');
    assert.equal(body.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(body.requestContext.approximateInvokeCount, 3);
    assert.equal(body.requestContext.requestId, attempts[2].id, "the last invocation's request id");
    assert.deepEqual(body.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(body.version, '1.0');
    assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(Object.keys(body.KinesisBatchInfo), [
      'shardId',
      'startSequenceNumber',
      'endSequenceNumber',
      'approximateArrivalOfFirstRecord',
      'approximateArrivalOfLastRecord',
      'batchSize',
      'streamArn',
    ]);
    assert.deepEqual(
      { ...body.KinesisBatchInfo, approximateArrivalOfFirstRecord: undefined, approximateArrivalOfLastRecord: undefined },
      {
        shardId: 'shardId-000000000000',
        startSequenceNumber: puts[0].sequenceNumber,
        endSequenceNumber: puts[2].sequenceNumber,
        approximateArrivalOfFirstRecord: undefined,
        approximateArrivalOfLastRecord: undefined,
        batchSize: 3,
        streamArn: definition.arn,
      },
    );
    assert.match(body.KinesisBatchInfo.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(runtime.metrics.some((m) => m.kind === 'discarded' && m.size === 3 && m.condition === 'RetryAttemptsExhausted'));
    assert.equal(runtime.metrics.filter((m) => m.kind === 'retry').length, 2);
    assert.equal(runtime.metrics.filter((m) => m.kind === 'failure').length, 3);

    // The discarded batch is consumed: the next record is a batch of its own.
    const next = await stream.putRecord({ data: Buffer.from('{"n":3}'), partitionKey: 'k' });
    await waitFor(() => calls('failAlways1').length >= 4, 10000, 'the next batch');
    assert.deepEqual(seqs(calls('failAlways1')[3].event), [next.sequenceNumber]);
  });

  it('discards records older than MaximumRecordAgeInSeconds (RecordAgeExceeded)', async () => {
    // Records that arrived two minutes ago, a mapping with a one-minute maximum age: never invoked.
    const definition = kinesisDefinition('aged');
    const stream = new EmbeddedStream(workbench.store, definition, { now: () => Date.now() - 120_000 });
    const old = await stream.putRecord({ data: Buffer.from('{"old":true}'), partitionKey: 'p' });
    const fresh = new EmbeddedStream(workbench.store, definition);
    const current = await fresh.putRecord({ data: Buffer.from('{"old":false}'), partitionKey: 'p' });
    const destination = 'arn:aws:sqs:us-east-1:000000000000:aged';
    const runtime = testRuntime(workbench, streamMapping('record3', definition, { maximumRecordAgeInSeconds: 60, onFailureDestination: destination }), fresh);
    start(runtime);
    await waitFor(() => calls('record3').length > 0, 10000, 'an invocation');
    assert.deepEqual(seqs(calls('record3')[0].event), [current.sequenceNumber], 'only the record young enough');
    const [delivery] = runtime.deliveries;
    assert.equal(delivery.body.requestContext.condition, 'RecordAgeExceeded');
    // AWS's recording (test_kinesis_maximum_record_age_exceeded[expire-before-ingestion]): 1, no responseContext
    assert.equal(delivery.body.requestContext.approximateInvokeCount, 1);
    assert.equal(delivery.body.responseContext, undefined);
    assert.equal(delivery.body.KinesisBatchInfo.startSequenceNumber, old.sequenceNumber);
    assert.equal(delivery.body.KinesisBatchInfo.batchSize, 1);

    // A failing function with infinite retries: the batch goes once it is too old.
    const definition2 = kinesisDefinition('aging');
    const stream2 = new EmbeddedStream(workbench.store, definition2);
    await stream2.putRecord({ data: Buffer.from('{}'), partitionKey: 'p' });
    const runtime2 = testRuntime(
      workbench,
      streamMapping('failAlways2', definition2, { maximumRecordAgeInSeconds: 1, onFailureDestination: destination }),
      stream2,
    );
    start(runtime2);
    const [aged] = await waitFor(() => runtime2.deliveries.length > 0 && runtime2.deliveries, 15000, 'RecordAgeExceeded');
    assert.equal(aged.body.requestContext.condition, 'RecordAgeExceeded');
    assert.ok(aged.body.requestContext.approximateInvokeCount >= 2, 'it was retried meanwhile');
    assert.equal(aged.body.responseContext, undefined, 'AWS records no response for aged records');
  });

  it('bisects a failing batch to isolate a poison record; its batch-mates succeed', async () => {
    const definition = kinesisDefinition('bisect');
    const stream = new EmbeddedStream(workbench.store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 8; i++) puts.push(await stream.putRecord({ data: Buffer.from(JSON.stringify({ n: i, poison: i === 5 })), partitionKey: 'p' }));
    const destination = 'arn:aws:sqs:us-east-1:000000000000:poison';
    const runtime = testRuntime(
      workbench,
      streamMapping('poison1', definition, { batchSize: 8, bisectBatchOnFunctionError: true, maximumRetryAttempts: 1, onFailureDestination: destination }),
      stream,
    );
    start(runtime);
    const [delivery] = await waitFor(() => runtime.deliveries.length > 0 && runtime.deliveries, 15000, 'the poison record discarded');
    await waitFor(
      () => calls('poison1').some((c) => seqs(c.event).includes(puts[7].sequenceNumber) && !c.event.Records.some((r: any) => decodeData(r).poison)),
      10000,
      'the last record processed',
    );
    assert.equal(delivery.body.KinesisBatchInfo.batchSize, 1);
    assert.equal(delivery.body.KinesisBatchInfo.startSequenceNumber, puts[5].sequenceNumber);
    assert.equal(delivery.body.requestContext.condition, 'RetryAttemptsExhausted');
    const succeeded = calls('poison1')
      .filter((c) => !c.event.Records.some((r: any) => decodeData(r).poison))
      .flatMap((c) => seqs(c.event));
    assert.deepEqual(
      succeeded,
      puts.filter((_, i) => i !== 5).map((p) => p.sequenceNumber),
      'every other record succeeded, in order',
    );
    const sizes = calls('poison1').map((c) => c.event.Records.length);
    // 0-7 fails → 0-3 ok; 4-7 fails → 4-5 fails → 4 ok; 5 fails, retried once, discarded; 6-7 ok.
    assert.deepEqual(sizes, [8, 4, 4, 2, 1, 1, 1, 2]);
    assert.ok(runtime.metrics.filter((m) => m.kind === 'bisect').length >= 3);
  });

  it('ReportBatchItemFailures: checkpoints before the lowest failed sequence number and retries from there', async () => {
    const definition = kinesisDefinition('partial');
    const stream = new EmbeddedStream(workbench.store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 6; i++) puts.push(await stream.putRecord({ data: Buffer.from(JSON.stringify({ n: i, fail: i === 2 || i === 4 })), partitionKey: 'p' }));
    const runtime = testRuntime(
      workbench,
      streamMapping('partial1', definition, { batchSize: 10, functionResponseTypes: ['ReportBatchItemFailures'] }),
      stream,
    );
    start(runtime);
    await waitFor(() => calls('partial1').length >= 2, 10000, 'two invocations');
    await sleep(300);
    const batches = calls('partial1').map((c) => seqs(c.event));
    const s = puts.map((p) => p.sequenceNumber);
    // 0-5 → 2 and 4 reported (each fails once) → 0-1 are checkpointed, the retry is 2-5 → ok.
    assert.deepEqual(batches, [s, s.slice(2)]);
    const saved = await waitFor(
      async () => {
        const checkpoints = await readStreamCheckpoints(workbench.store, runtime.mapping.uuid);
        return checkpoints['shardId-000000000000']?.sequenceNumber === s[5] && checkpoints;
      },
      5000,
      'the checkpoint at the end',
    );
    assert.ok(saved);
    assert.equal(runtime.metrics.filter((m) => m.kind === 'failure').length, 1);
  });

  it('ParallelizationFactor: several batches of a shard at once, records of a partition key in order', async () => {
    const definition = kinesisDefinition('parallel');
    const stream = new EmbeddedStream(workbench.store, definition);
    const expected = new Map<string, number[]>();
    for (let i = 0; i < 48; i++) {
      const key = `key-${i % 8}`;
      await stream.putRecord({ data: Buffer.from(JSON.stringify({ key, n: i })), partitionKey: key });
      expected.set(key, [...(expected.get(key) ?? []), i]);
    }
    const runtime = testRuntime(workbench, streamMapping('slow1', definition, { batchSize: 3, parallelizationFactor: 4 }), stream);
    start(runtime);
    await waitFor(() => recordsHandled(logDir, 'slow1') >= 48, 20000, '48 records');
    const all = calls('slow1').sort((a, b) => a.at - b.at);
    const seen = new Map<string, number[]>();
    for (const call of all) {
      for (const r of call.event.Records) {
        const { key, n } = decodeData(r);
        seen.set(key, [...(seen.get(key) ?? []), n]);
      }
    }
    assert.deepEqual(seen, expected, 'each key in order, each record once');
    let maxOverlap = 0;
    for (const call of all) maxOverlap = Math.max(maxOverlap, all.filter((c) => c.at <= call.at && (c.end as number) > call.at).length);
    assert.ok(maxOverlap >= 2 && maxOverlap <= 4, `batches in flight at once: ${maxOverlap}`);
    // The checkpoint reaches the end of the shard (once every lane's batches are done).
    await waitFor(
      async () => {
        const checkpoint = (await readStreamCheckpoints(workbench.store, runtime.mapping.uuid))['shardId-000000000000'];
        if (!checkpoint) return false;
        const page = await stream.getRecords(
          await stream.getShardIterator('shardId-000000000000', { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber }),
          10,
        );
        return page.records.length === 0;
      },
      5000,
      'the checkpoint at the end of the shard',
    );
  });

  it('FilterCriteria: filtered-out records are consumed without an invocation', async () => {
    const definition = kinesisDefinition('filtered');
    const stream = new EmbeddedStream(workbench.store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 6; i++) puts.push(await stream.putRecord({ data: Buffer.from(JSON.stringify({ n: i, keep: i % 2 === 0 })), partitionKey: 'p' }));
    puts.push(await stream.putRecord({ data: Buffer.from('plain text'), partitionKey: 'p' }));
    const mapping = streamMapping('record4', definition, { filterCriteria: { filters: [{ pattern: '{"data":{"keep":[true]}}' }] } });
    const runtime = testRuntime(workbench, mapping, stream);
    start(runtime);
    await waitFor(
      async () => (await readStreamCheckpoints(workbench.store, mapping.uuid))['shardId-000000000000']?.sequenceNumber === puts[6].sequenceNumber,
      10000,
      'every record consumed',
    );
    const delivered = calls('record4').flatMap((c) => c.event.Records.map((r: any) => decodeData(r).n));
    assert.deepEqual(delivered, [0, 2, 4]);
    assert.equal(
      runtime.metrics.filter((m) => m.kind === 'filtered').reduce((n, m) => n + (m.size ?? 0), 0),
      4,
    );
  });

  it("DynamoDB: INSERT, MODIFY and REMOVE records in AWS's shape, filters on the dynamodb fields", async () => {
    const definition = dynamoDefinition('Orders');
    const stream = new EmbeddedStream(workbench.store, definition);
    const keys = { id: { S: 'o-1' } };
    const v1 = { id: { S: 'o-1' }, total: { N: '10' } };
    const v2 = { id: { S: 'o-1' }, total: { N: '12' } };
    const puts = [
      await stream.putChange({ eventName: 'INSERT', Keys: keys, NewImage: v1 }),
      await stream.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: v2, OldImage: v1 }),
      await stream.putChange({ eventName: 'REMOVE', Keys: keys, OldImage: v2 }),
    ];
    const runtime = testRuntime(workbench, streamMapping('record5', definition), stream);
    start(runtime);
    const [call] = await waitFor(() => calls('record5').length > 0 && calls('record5'), 10000, 'a batch');
    const records = call.event.Records;
    assert.deepEqual(
      records.map((r: any) => r.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    for (const [i, r] of records.entries()) {
      assert.deepEqual(Object.keys(r), ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN']);
      assert.equal(r.eventVersion, '1.1');
      assert.equal(r.eventSource, 'aws:dynamodb');
      assert.equal(r.awsRegion, 'us-east-1');
      assert.equal(r.eventSourceARN, definition.arn);
      assert.match(r.eventID, /^[0-9a-f]{32}$/);
      assert.equal(r.dynamodb.SequenceNumber, puts[i].sequenceNumber);
      assert.equal(r.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
      assert.equal(typeof r.dynamodb.SizeBytes, 'number');
      assert.ok(Number.isInteger(r.dynamodb.ApproximateCreationDateTime));
      assert.deepEqual(r.dynamodb.Keys, keys);
    }
    assert.deepEqual(Object.keys(records[0].dynamodb), ['ApproximateCreationDateTime', 'Keys', 'NewImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType']);
    assert.deepEqual(Object.keys(records[1].dynamodb), [
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'OldImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
    assert.deepEqual(Object.keys(records[2].dynamodb), ['ApproximateCreationDateTime', 'Keys', 'OldImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType']);
    assert.deepEqual(records[1].dynamodb.NewImage, v2);
    assert.deepEqual(records[1].dynamodb.OldImage, v1);

    // Filters see the record: eventName and the dynamodb fields.
    const filteredDefinition = dynamoDefinition('Filtered');
    const filteredStream = new EmbeddedStream(workbench.store, filteredDefinition);
    await filteredStream.putChange({ eventName: 'INSERT', Keys: keys, NewImage: v1 });
    await filteredStream.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: v2, OldImage: v1 });
    await filteredStream.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: v1, OldImage: v2 });
    const filtered = testRuntime(
      workbench,
      streamMapping('record6', filteredDefinition, {
        filterCriteria: { filters: [{ pattern: '{"eventName":["MODIFY"],"dynamodb":{"NewImage":{"total":{"N":["12"]}}}}' }] },
      }),
      filteredStream,
    );
    start(filtered);
    await waitFor(() => filtered.metrics.some((m) => m.kind === 'filtered') && calls('record6').length > 0, 10000, 'the filtered batch');
    const only = calls('record6').flatMap((c) => c.event.Records);
    assert.equal(only.length, 1);
    assert.deepEqual(only[0].dynamodb.NewImage, v2);
  });

  it('DynamoDB OnFailure records carry DDBStreamBatchInfo (timestamps to the second)', async () => {
    const definition = dynamoDefinition('FailingTable');
    const stream = new EmbeddedStream(workbench.store, definition);
    const put = await stream.putChange({ eventName: 'INSERT', Keys: { id: { S: 'x' } }, NewImage: { id: { S: 'x' } } });
    const runtime = testRuntime(
      workbench,
      streamMapping('failAlways3', definition, { maximumRetryAttempts: 0, onFailureDestination: 'arn:aws:sns:us-east-1:000000000000:ddb-failures' }),
      stream,
    );
    start(runtime);
    const [delivery] = await waitFor(() => runtime.deliveries.length > 0 && runtime.deliveries, 10000, 'an OnFailure record');
    assert.deepEqual(Object.keys(delivery.body), ['requestContext', 'responseContext', 'version', 'timestamp', 'DDBStreamBatchInfo']);
    const info = delivery.body.DDBStreamBatchInfo;
    assert.equal(info.startSequenceNumber, put.sequenceNumber);
    assert.equal(info.endSequenceNumber, put.sequenceNumber);
    assert.equal(info.shardId, put.shardId);
    assert.equal(info.streamArn, definition.arn);
    assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(delivery.body.requestContext.approximateInvokeCount, 1);
  });

  it('retries throttled invocations with back-off, without counting them as failures', async () => {
    const definition = kinesisDefinition('throttled');
    const stream = new EmbeddedStream(workbench.store, definition);
    await stream.putRecord({ data: Buffer.from('{}'), partitionKey: 'p' });
    let throttles = 2;
    const runtime = testRuntime(workbench, streamMapping('record7', definition, { maximumRetryAttempts: 0 }), stream, {
      before: () => {
        if (throttles-- > 0) throw new WorkbenchError('TooManyRequestsException', 'Rate Exceeded.', 'ReservedFunctionConcurrentInvocationLimitExceeded');
      },
    });
    start(runtime);
    await waitFor(() => calls('record7').length > 0, 10000, 'the invocation');
    assert.equal(calls('record7').length, 1);
    assert.equal(runtime.deliveries.length, 0);
    assert.equal(runtime.metrics.filter((m) => m.kind === 'failure').length, 0);
    assert.equal(runtime.metrics.filter((m) => m.kind === 'retry' && /Throttled/.test(m.message ?? '')).length, 2);
  });

  it('resumes after the last successful batch when restarted (checkpoint in the store)', async () => {
    const definition = kinesisDefinition('resume');
    const stream = new EmbeddedStream(workbench.store, definition);
    const mapping = streamMapping('record1', definition, { uuid: 'resume-mapping', batchSize: 2, startingPosition: 'TRIM_HORIZON' });
    const before = calls('record1').length;
    for (let i = 0; i < 5; i++) await stream.putRecord({ data: Buffer.from(`{"phase":1,"n":${i}}`), partitionKey: 'p' });
    const first = createStreamPoller(testRuntime(workbench, mapping, stream));
    first.start();
    await waitFor(() => recordsHandled(logDir, 'record1', before) >= 5, 10000, 'phase 1');
    await first.stop();
    const after1 = calls('record1').length;
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await stream.putRecord({ data: Buffer.from(`{"phase":2,"n":${i}}`), partitionKey: 'p' }));
    start(testRuntime(workbench, streamMapping('record1', definition, { ...mapping }), stream));
    await waitFor(() => recordsHandled(logDir, 'record1', after1) >= 3, 10000, 'phase 2');
    await sleep(200);
    const resumed = calls('record1')
      .slice(after1)
      .flatMap((c) => seqs(c.event));
    assert.deepEqual(
      resumed,
      more.map((p) => p.sequenceNumber),
      'only the records after the checkpoint',
    );
  });

  it('TumblingWindowInSeconds: state carried between invocations of a window, then a final invocation', async () => {
    const definition = kinesisDefinition('tumbling');
    const stream = new EmbeddedStream(workbench.store, definition);
    const runtime = testRuntime(workbench, streamMapping('window1', definition, { batchSize: 2, tumblingWindowInSeconds: 1 }), stream);
    // Put the records just after a window starts, so they share it.
    await sleep(1000 - (Date.now() % 1000) + 20);
    for (let i = 0; i < 5; i++) await stream.putRecord({ data: Buffer.from(`{"n":${i}}`), partitionKey: 'p' });
    start(runtime);
    const final = await waitFor(() => calls('window1').find((c) => c.event.isFinalInvokeForWindow), 10000, 'the final invocation');
    const all = calls('window1');
    const windowCalls = all.filter((c) => c.event.window.start === final.event.window.start);
    assert.deepEqual(
      windowCalls.map((c) => c.event.Records.length),
      [2, 2, 1, 0],
    );
    assert.deepEqual(
      windowCalls.map((c) => c.event.state),
      [{}, { count: 2 }, { count: 4 }, { count: 5 }],
    );
    const event = final.event;
    assert.deepEqual(Object.keys(event), ['Records', 'window', 'state', 'shardId', 'eventSourceARN', 'isFinalInvokeForWindow', 'isWindowTerminatedEarly']);
    assert.equal(event.shardId, 'shardId-000000000000');
    assert.equal(event.eventSourceARN, definition.arn);
    assert.equal(event.isWindowTerminatedEarly, false);
    assert.equal(Date.parse(event.window.end) - Date.parse(event.window.start), 1000);
  });
});
