import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { buildIfStale, runCli, runCliSync, TEST_CREDENTIALS, type CliRun } from '../helpers/build';
import { startServe, stopServe, waitForOutput } from '../helpers/serveProcess';
import { samResources, writeRecordingProject } from '../helpers/project';
import { eventually } from '../sources/sqsHelpers';
import { startSqsServerOrSkip, stopSqsServer } from '../sources/sqsServer';

// `--source-endpoint Name=url` as a user runs it: the built CLI puts the template's queue or stream on
// a real endpoint — fauxqs (SQS) and kinesalite (Kinesis), both started here — instead of the
// embedded one: `serve`'s SQS mapping polls the real queue, `queues` / `streams` say where each one
// lives, `send-message` and `put-record` write to the real ones. Bad values are one line, exit 2.

const ENV = { ...process.env, ...TEST_CREDENTIALS, AWS_REGION: 'us-east-1' };
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

function cli(args: string[]): CliRun {
  return runCliSync(args, { env: ENV, timeout: 30_000 });
}

/** The same without blocking this process's event loop (kinesalite runs in it). */
function cliAsync(args: string[]): Promise<CliRun> {
  return runCli(args, { env: ENV });
}

/** A project whose Worker appends each event it gets to `out`, with an SQS mapping on the queue Jobs. */
function project(): { dir: string; out: string } {
  const { dir, file: out } = writeRecordingProject({
    handler: `
      const fs = require('fs');
      exports.handler = async (event) => { fs.appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n'); return {}; };
    `,
    name: 'Worker',
    variable: 'OUT',
    file: 'handled.out',
    props: 'Events:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n      BatchSize: 1',
    resources: samResources({ Jobs: 'AWS::SQS::Queue', Clicks: 'AWS::Kinesis::Stream' }),
  });
  return { dir, out };
}

describe('CLI: --source-endpoint', function () {
  this.timeout(60000);
  let dir: string;
  let out: string;
  before(() => {
    buildIfStale();
    ({ dir, out } = project());
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is in the help of invoke, serve and the queue commands', () => {
    for (const command of ['invoke', 'serve', 'send-message', 'queues']) {
      const r = cli([command, '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /--source-endpoint <Name=url>/, command);
      assert.match(r.stdout.replace(/\s+/g, ' '), /region: --region/, command);
    }
  });

  it('bad values: one line on stderr, exit 2, nothing run', () => {
    const cases: Array<[string, RegExp]> = [
      ['Jobs', /^--source-endpoint expects Name=url \(a queue or stream's logical id, name or ARN, then its endpoint\), got "Jobs"\n$/],
      ['=http://127.0.0.1:9324', /^--source-endpoint expects Name=url .*, got "=http:\/\/127\.0\.0\.1:9324"\n$/],
      ['Jobs=', /^--source-endpoint expects Name=url .*, got "Jobs="\n$/],
      ['Jobs=127.0.0.1:9324 x', /^--source-endpoint Jobs: "127\.0\.0\.1:9324 x" is not a URL \(e\.g\. http:\/\/127\.0\.0\.1:9324\)\n$/],
      ['Jobs=not a url', /^--source-endpoint Jobs: "not a url" is not a URL/],
      ['Jobs=ftp://127.0.0.1:21', /^--source-endpoint Jobs: the endpoint must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/127\.0\.0\.1:21"\n$/],
    ];
    for (const command of [['invoke', 'Worker'], ['serve', '--port', '0'], ['queues']]) {
      for (const [value, message] of command[0] === 'invoke' ? cases : [cases[0], cases[5]]) {
        const r = cli([...command, '-t', dir, '--source-endpoint', value]);
        assert.equal(r.status, 2, `${command[0]} ${value}: ${r.stderr}`);
        assert.match(r.stderr, message, `${command[0]} ${value}`);
        assert.equal(r.stdout, '', `${command[0]} ${value}`);
      }
    }
    const twice = cli(['queues', '-t', dir, '--source-endpoint', 'Jobs=http://127.0.0.1:1', '--source-endpoint', 'Jobs=http://127.0.0.1:2']);
    assert.equal(twice.status, 2);
    assert.equal(twice.stderr, '--source-endpoint Jobs is given twice\n');
  });

  it('a name that is no queue or stream of the template is said, not fatal', () => {
    const r = cli(['queues', '-t', dir, '--json', '--source-endpoint', 'Nope=http://127.0.0.1:1']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'Warning: --source-endpoint Nope matches no queue or stream of the template (queues and streams: Jobs, Clicks); it is ignored.\n');
    assert.equal(JSON.parse(r.stdout).find((q: any) => q.Name === 'Jobs').Endpoint, 'embedded');
  });

  describe('on fauxqs (SQS)', () => {
    let server: ChildProcess | undefined;
    let url: string;
    let sqs: SQSClient;
    let queueUrl: string;

    before(async function () {
      this.timeout(240_000);
      ({ child: server, url } = await startSqsServerOrSkip(this));
      sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS });
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'Jobs' }))).QueueUrl!;
    });
    after(async () => {
      sqs?.destroy();
      await stopSqsServer(server);
    });

    const visible = async () =>
      Number(
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes
          ?.ApproximateNumberOfMessages,
      );

    it('queues says where the queue lives; send-message writes to the real queue', async () => {
      let r = cli(['queues', '-t', dir, '--json', '--source-endpoint', `Jobs=${url}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(JSON.parse(r.stdout).find((q: any) => q.Name === 'Jobs').Endpoint, url);
      r = cli(['queues', '-t', dir, '--json']);
      assert.equal(JSON.parse(r.stdout).find((q: any) => q.Name === 'Jobs').Endpoint, 'embedded', 'without the option the queue is embedded');

      assert.equal(await visible(), 0);
      r = cli(['send-message', 'Jobs', '--body', 'to the real queue', '-t', dir, '--source-endpoint', `Jobs=${url}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Sent message \S+ to Jobs\n$/);
      assert.equal(await visible(), 1);
      r = cli(['purge', 'Jobs', '-t', dir, '--source-endpoint', `Jobs=${url}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(await visible(), 0);
    });

    it('serve: the SQS mapping polls the real queue and invokes the function', async () => {
      const served = startServe(['--port', '0', '-t', dir, '--source-endpoint', `Jobs=${url}`], { env: { ...TEST_CREDENTIALS, AWS_REGION: 'us-east-1' } });
      try {
        await waitForOutput(served, /Event source mapping: Jobs/, 20000);
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'Jobs' }));
        const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"from":"fauxqs"}' }));
        const line = await eventually(
          () =>
            (fs.existsSync(out) &&
              fs
                .readFileSync(out, 'utf8')
                .split('\n')
                .find((l) => l.includes('fauxqs'))) ||
            undefined,
          20000,
          'the function to get the message',
        );
        const record = JSON.parse(line!).Records[0];
        assert.equal(record.body, '{"from":"fauxqs"}');
        assert.equal(record.messageId, sent.MessageId);
        assert.equal(record.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:Jobs');
        // Deleted from the real queue after the function succeeded.
        await eventually(
          async () =>
            (await visible()) === 0 &&
            Number(
              (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes
                ?.ApproximateNumberOfMessagesNotVisible,
            ) === 0,
          10000,
          'the message to be deleted',
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\nserve's stdout:\n${served.stdout()}\nserve's stderr:\n${served.stderr()}`);
      } finally {
        await stopServe(served);
      }
    });
  });

  describe('on kinesalite (Kinesis)', () => {
    let server: { listen: Function; close: Function; address: () => AddressInfo };
    let url: string;
    let kinesis: KinesisClient;

    before(async () => {
      const kinesalite = require('kinesalite') as (options: object) => typeof server;
      server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${server.address().port}`;
      kinesis = new KinesisClient({ endpoint: url, region: 'us-east-1', requestHandler: new NodeHttpHandler(), credentials: CREDENTIALS });
      await kinesis.send(new CreateStreamCommand({ StreamName: 'Clicks', ShardCount: 1 }));
      await eventually(
        async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'Clicks' }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
        10000,
        'ACTIVE',
      );
    });
    after(async () => {
      kinesis?.destroy();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('streams says where the stream lives; put-record writes to the real stream', async () => {
      let r = await cliAsync(['streams', '-t', dir, '--json', '--source-endpoint', `arn:aws:kinesis:us-east-1:000000000000:stream/Clicks=${url}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).find((s: any) => s.Name === 'Clicks').Endpoint, url, 'by ARN');
      r = await cliAsync(['put-record', 'Clicks', '--data', 'click!', '--partition-key', 'user-1', '-t', dir, '--source-endpoint', `Clicks=${url}`]);
      assert.equal(r.status, 0, r.stderr);
      const sequenceNumber = /^Put record (\d+) into Clicks \(shardId-\d+\)\n$/.exec(r.stdout)?.[1];
      assert.ok(sequenceNumber, r.stdout);
      const [shard] = (await kinesis.send(new ListShardsCommand({ StreamName: 'Clicks' }))).Shards!;
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({ StreamName: 'Clicks', ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      assert.deepEqual(
        Records!.map((rec) => [rec.SequenceNumber, Buffer.from(rec.Data!).toString('utf8'), rec.PartitionKey]),
        [[sequenceNumber, 'click!', 'user-1']],
      );
    });
  });
});
