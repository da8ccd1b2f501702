import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createStreamPoller, readStreamCheckpoints } from '../../../src/core/esm/streamPoller';
import type { MappingRuntime, Poller } from '../../../src/core/esm/types';
import type { MappingMetric } from '../../../src/core/telemetry/events';
import { DynamoDbStreamsEndpoint } from '../../../src/core/sources/dynamodbStreamsEndpoint';
import { EmbeddedStream } from '../../../src/core/sources/embeddedStream';
import { KinesisEndpointStream } from '../../../src/core/sources/kinesisEndpointStream';
import type { RecordStream, StreamDefinition } from '../../../src/core/sources/types';
import { SharedStore } from '../../../src/core/store/sharedStore';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, writeProject } from '../helpers/project';
import {
  STREAM_HANDLERS,
  decodeData,
  dynamoDefinition,
  invocations,
  recordsHandled,
  streamMapping,
  streamTemplate,
  testRuntime,
  waitFor,
} from '../esm/streamHelpers';

// Real stream endpoints through the AWS SDK: Kinesis against kinesalite (in memory, started here),
// the same scenario on the embedded stream giving the same answers, the poller reading kinesalite;
// DynamoDB Streams' records mapped from the SDK's shapes.

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-secret' };

describe('stream endpoints (AWS SDK)', function () {
  this.timeout(60000);

  describe('Kinesis on kinesalite', () => {
    let server: { listen: Function; close: Function; address: () => AddressInfo };
    let url: string;
    let admin: KinesisClient;
    const saved: Record<string, string | undefined> = {};
    let dir: string;
    let store: SharedStore;

    before(async () => {
      for (const [key, value] of Object.entries(CREDENTIALS)) {
        saved[key] = process.env[key];
        process.env[key] = value;
      }
      const kinesalite = require('kinesalite') as (options: object) => typeof server;
      server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${server.address().port}`;
      admin = new KinesisClient({
        endpoint: url,
        region: 'us-east-1',
        requestHandler: new NodeHttpHandler(),
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-kinesalite-'));
      store = new SharedStore(path.join(dir, 'store'));
    });

    after(async () => {
      admin?.destroy();
      await new Promise((resolve) => server?.close(resolve));
      await store?.close();
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function createStream(name: string, shardCount: number): Promise<StreamDefinition> {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      await waitFor(
        async () => (await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
        10000,
        'ACTIVE',
      );
      return {
        name,
        arn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
        kind: 'kinesis',
        shardCount,
        retentionHours: 24,
        endpoint: { url, region: 'us-east-1' },
      };
    }

    /** One scenario, answered in terms that do not depend on the implementation's sequence numbers. */
    async function scenario(stream: RecordStream) {
      const shards = await stream.listShards();
      const start = Date.now() - 1000;
      const keyShard: Record<string, string> = {};
      const puts: Array<{ shardId: string; sequenceNumber: string; i: number }> = [];
      for (let i = 0; i < 24; i++) {
        const key = `key-${i % 12}`;
        const put = await stream.putRecord({ data: Buffer.from(JSON.stringify({ i })), partitionKey: key });
        keyShard[key] = put.shardId;
        puts.push({ ...put, i });
      }
      const read = async (iterator: string) => {
        const out: number[] = [];
        let it: string | undefined = iterator;
        for (let round = 0; round < 20 && it; round++) {
          const page: Awaited<ReturnType<RecordStream['getRecords']>> = await stream.getRecords(it, 5);
          out.push(...page.records.map((r) => JSON.parse(r.data!.toString()).i as number));
          if (page.records.length === 0) break;
          it = page.nextShardIterator;
        }
        return out;
      };
      const perShard: Record<string, number[]> = {};
      for (const shard of shards) perShard[shard.shardId] = await read(await stream.getShardIterator(shard.shardId, { type: 'TRIM_HORIZON' }));
      const shard = puts[0].shardId;
      const third = puts.filter((p) => p.shardId === shard)[2];
      const atSeq = await read(await stream.getShardIterator(shard, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: third.sequenceNumber }));
      const afterSeq = await read(await stream.getShardIterator(shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: third.sequenceNumber }));
      const atTimestamp = await read(await stream.getShardIterator(shard, { type: 'AT_TIMESTAMP', timestamp: start }));
      const latest = await stream.getShardIterator(shard, { type: 'LATEST' });
      const beforeLatest = await read(latest);
      const key = Object.keys(keyShard).find((k) => keyShard[k] === shard) as string;
      await stream.putRecord({ data: Buffer.from(JSON.stringify({ i: 100 })), partitionKey: key });
      const afterLatest = await read(latest);
      return {
        firstShard: shard,
        shards: shards.map((s) => ({ shardId: s.shardId, range: s.hashKeyRange })),
        keyShard,
        perShard,
        atSeq,
        afterSeq,
        atTimestamp,
        beforeLatest,
        afterLatest,
        increasing: puts.every((p, n) => puts.slice(0, n).every((q) => q.shardId !== p.shardId || BigInt(q.sequenceNumber) < BigInt(p.sequenceNumber))),
      };
    }

    it('reads and writes a Kinesis stream through the SDK exactly as the embedded stream does', async () => {
      const remote = new KinesisEndpointStream(await createStream('common', 3));
      const embedded = new EmbeddedStream(store, {
        name: 'common',
        arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/common',
        kind: 'kinesis',
        shardCount: 3,
        retentionHours: 24,
      });
      try {
        const theirs = await scenario(remote);
        const ours = await scenario(embedded);
        assert.equal(theirs.shards.length, 3);
        assert.ok(theirs.increasing && ours.increasing);
        assert.deepEqual(theirs.afterLatest, [100]);
        assert.equal(theirs.beforeLatest.length, 0);
        assert.deepEqual(theirs.atTimestamp, theirs.perShard[theirs.firstShard]);
        assert.deepEqual(theirs.atSeq.slice(1), theirs.afterSeq);
        assert.deepEqual(ours, theirs);
      } finally {
        await remote.close();
        await embedded.close();
      }
    });

    it("refuses a stream that does not exist with the service's error", async () => {
      const missing = new KinesisEndpointStream({
        name: 'missing',
        arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/missing',
        kind: 'kinesis',
        shardCount: 1,
        retentionHours: 24,
        endpoint: { url, region: 'us-east-1' },
      });
      await assert.rejects(missing.listShards(), { name: 'ResourceNotFoundException' });
      await missing.close();
    });

    describe('the poller on kinesalite', () => {
      let workbench: Workbench;
      let project: string;
      let logDir: string;
      let poller: Poller | undefined;

      before(async () => {
        project = writeProject({ 'src/app.js': STREAM_HANDLERS });
        logDir = path.join(project, 'logs');
        fs.mkdirSync(logDir);
        fs.writeFileSync(path.join(project, 'template.yaml'), streamTemplate(logDir, ['record1']));
        workbench = await openProject(project, { hotReload: false });
      });

      after(async () => {
        await poller?.stop();
        await workbench.close();
        fs.rmSync(project, { recursive: true, force: true });
      });

      it("polls the real stream's shards in order and checkpoints", async () => {
        const definition = await createStream('polled', 2);
        const stream = new KinesisEndpointStream(definition);
        const puts: Array<{ shardId: string; sequenceNumber: string; i: number }> = [];
        for (let i = 0; i < 15; i++) {
          const put = await admin.send(new PutRecordCommand({ StreamName: 'polled', Data: Buffer.from(JSON.stringify({ i })), PartitionKey: `p${i % 5}` }));
          puts.push({ shardId: put.ShardId as string, sequenceNumber: put.SequenceNumber as string, i });
        }
        const runtime = testRuntime(workbench, streamMapping('record1', definition, { batchSize: 4 }), stream);
        poller = createStreamPoller(runtime);
        poller.start();
        await waitFor(() => recordsHandled(logDir, 'record1') >= 15, 20000, 'every record');
        const records = invocations(logDir, 'record1').flatMap((c) => c.event.Records);
        for (const shard of new Set(puts.map((p) => p.shardId))) {
          assert.deepEqual(
            records.filter((r) => r.eventID.startsWith(`${shard}:`)).map((r) => r.kinesis.sequenceNumber),
            puts.filter((p) => p.shardId === shard).map((p) => p.sequenceNumber),
          );
        }
        assert.deepEqual(
          records.map((r) => decodeData(r).i).sort((a, b) => a - b),
          puts.map((p) => p.i),
        );
        assert.equal(records[0].eventSourceARN, definition.arn);
        const lastPerShard = () =>
          Object.fromEntries([...new Set(puts.map((p) => p.shardId))].map((shard) => [shard, puts.filter((p) => p.shardId === shard).at(-1)?.sequenceNumber]));
        await waitFor(
          async () => {
            const saved = await readStreamCheckpoints(workbench.store, runtime.mapping.uuid);
            return Object.entries(lastPerShard()).every(([shard, sequenceNumber]) => saved[shard]?.sequenceNumber === sequenceNumber);
          },
          5000,
          'the checkpoints at the last record of each shard',
        );

        // A record put later is picked up by the idle poll.
        const late = await stream.putRecord({ data: Buffer.from('{"i":99}'), partitionKey: 'late' });
        await waitFor(
          () => invocations(logDir, 'record1').some((c) => c.event.Records.some((r: any) => r.kinesis.sequenceNumber === late.sequenceNumber)),
          10000,
          'the late record',
        );
        await poller.stop();
        poller = undefined;
        await stream.close();
      });
    });
  });

  describe('DynamoDB Streams', () => {
    const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2024-05-01T00:00:00.000';

    /** A stand-in for the SDK client: answers DescribeStream, GetShardIterator, GetRecords with the SDK's shapes. */
    function fakeClient(calls: Array<{ command: string; input: any }>) {
      return {
        send: async (command: { constructor: { name: string }; input: any }) => {
          const name = command.constructor.name;
          calls.push({ command: name, input: command.input });
          switch (name) {
            case 'DescribeStreamCommand':
              return {
                StreamDescription: {
                  StreamArn: streamArn,
                  Shards: [
                    { ShardId: 'shardId-00000001714521600000-aaaaaaaa', SequenceNumberRange: { StartingSequenceNumber: '100', EndingSequenceNumber: '199' } },
                    {
                      ShardId: 'shardId-00000001714536000000-bbbbbbbb',
                      ParentShardId: 'shardId-00000001714521600000-aaaaaaaa',
                      SequenceNumberRange: { StartingSequenceNumber: '200' },
                    },
                  ],
                },
              };
            case 'GetShardIteratorCommand':
              return { ShardIterator: `it:${command.input.ShardId}:${command.input.ShardIteratorType}` };
            case 'GetRecordsCommand':
              if (command.input.ShardIterator === 'it:shardId-00000001714521600000-aaaaaaaa:TRIM_HORIZON') {
                return {
                  Records: [
                    {
                      eventID: 'e1',
                      eventName: 'MODIFY',
                      eventVersion: '1.1',
                      eventSource: 'aws:dynamodb',
                      awsRegion: 'us-east-1',
                      dynamodb: {
                        ApproximateCreationDateTime: new Date('2024-05-01T10:00:00Z'),
                        Keys: { id: { S: 'o-1' } },
                        NewImage: { id: { S: 'o-1' }, blob: { B: new Uint8Array([1, 2, 3]) }, tags: { SS: ['a', 'b'] }, nested: { M: { n: { N: '1' } } } },
                        OldImage: { id: { S: 'o-1' } },
                        SequenceNumber: '150',
                        SizeBytes: 42,
                        StreamViewType: 'NEW_AND_OLD_IMAGES',
                      },
                    },
                  ],
                  // The parent shard is closed: no next iterator once read.
                };
              }
              return { Records: [], NextShardIterator: command.input.ShardIterator };
            default:
              throw new Error(`unexpected ${name}`);
          }
        },
        destroy() {},
      };
    }

    it("maps DescribeStream shards and GetRecords records to the engine's, binary values as base64", async () => {
      const calls: Array<{ command: string; input: any }> = [];
      const stream = new DynamoDbStreamsEndpoint(
        { ...dynamoDefinition('Orders'), arn: streamArn, endpoint: { url: 'http://127.0.0.1:1' } },
        { client: fakeClient(calls) as never },
      );
      const shards = await stream.listShards();
      assert.deepEqual(
        shards.map((s) => [s.shardId, s.parentShardId]),
        [
          ['shardId-00000001714521600000-aaaaaaaa', undefined],
          ['shardId-00000001714536000000-bbbbbbbb', 'shardId-00000001714521600000-aaaaaaaa'],
        ],
      );
      const iterator = await stream.getShardIterator(shards[0].shardId, { type: 'TRIM_HORIZON' });
      const page = await stream.getRecords(iterator, 100);
      assert.equal(page.nextShardIterator, undefined);
      const [record] = page.records;
      assert.equal(record.shardId, shards[0].shardId);
      assert.equal(record.sequenceNumber, '150');
      assert.equal(record.eventID, 'e1');
      assert.equal(record.approximateArrivalTimestamp, Date.parse('2024-05-01T10:00:00Z'));
      assert.deepEqual(record.dynamodb, {
        eventName: 'MODIFY',
        Keys: { id: { S: 'o-1' } },
        NewImage: { id: { S: 'o-1' }, blob: { B: 'AQID' }, tags: { SS: ['a', 'b'] }, nested: { M: { n: { N: '1' } } } },
        OldImage: { id: { S: 'o-1' } },
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: Date.parse('2024-05-01T10:00:00Z') / 1000,
      });
      assert.ok(calls.every((c) => c.command !== 'GetShardIteratorCommand' || c.input.StreamArn === streamArn));
      await assert.rejects(stream.getShardIterator(shards[0].shardId, { type: 'AT_TIMESTAMP', timestamp: 0 }), { name: 'ValidationException' });
    });

    it('the poller reads a parent shard to its end before its child', async () => {
      const calls: Array<{ command: string; input: any }> = [];
      const stream = new DynamoDbStreamsEndpoint({ ...dynamoDefinition('Orders'), arn: streamArn }, { client: fakeClient(calls) as never });
      const events: any[] = [];
      const metrics: MappingMetric[] = [];
      const runtime: MappingRuntime = {
        mapping: streamMapping('consumer', { ...dynamoDefinition('Orders'), arn: streamArn }, { startingPosition: 'TRIM_HORIZON' }),
        region: 'us-east-1',
        invoke: async (payload) => {
          events.push(JSON.parse(payload.toString()));
          return { payload: Buffer.from('null') };
        },
        queue: () => {
          throw new Error('no');
        },
        stream: () => stream,
        sendToDestination: async () => undefined,
        emit: (m) => metrics.push(m),
      };
      const poller = createStreamPoller(runtime);
      poller.start();
      try {
        await waitFor(
          () => events.length > 0 && calls.some((c) => c.command === 'GetShardIteratorCommand' && c.input.ShardId.endsWith('bbbbbbbb')),
          10000,
          'the child shard',
        );
        const child = calls.find((c) => c.command === 'GetShardIteratorCommand' && c.input.ShardId.endsWith('bbbbbbbb'));
        assert.equal(child?.input.ShardIteratorType, 'TRIM_HORIZON', 'a child shard is read from its start');
        const [record] = events[0].Records;
        assert.equal(record.eventName, 'MODIFY');
        assert.equal(record.eventSourceARN, streamArn);
        assert.equal(record.dynamodb.SequenceNumber, '150');
        assert.equal(record.dynamodb.ApproximateCreationDateTime, Date.parse('2024-05-01T10:00:00Z') / 1000);
        assert.deepEqual(record.dynamodb.NewImage.blob, { B: 'AQID' });
      } finally {
        await poller.stop();
      }
    });
  });
});
