import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { openProjectClosedAfterEach, samResources, samTemplate, writeProject } from '../helpers/project';
import { readJsonLines, waitFor } from '../helpers/wait';

// The event sources wired into the engine: the template's queues, streams and mappings poll as
// soon as the engine opens; asynchronous destinations feed embedded queues that mappings consume.

const HANDLER = `
  const fs = require('fs');
  exports.handler = async (event) => {
    fs.appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n');
    if (event.Records && event.Records.some((r) => r.body === 'fail')) throw new Error('poison');
    return event.Records ? {} : { handled: event };
  };
`;

describe('event sources in the engine', function () {
  this.timeout(60000);
  const openEach = openProjectClosedAfterEach({ hotReload: false });

  /** A project declaring `resources`, and `functions` (name → their properties besides OUT) each appending its events to out(its name in lower case). */
  function project(resources: string, functions: Record<string, string>): { dir: string; out: (name: string) => string } {
    const dir = writeProject({ 'src/app.js': HANDLER });
    const out = (name: string) => path.join(dir, `${name}.out`);
    const template = samTemplate(
      Object.fromEntries(
        Object.entries(functions).map(([name, props]) => [
          name,
          { handler: 'app.handler', props: `Environment:\n  Variables:\n    OUT: ${out(name.toLowerCase())}\n${props}` },
        ]),
      ),
    );
    fs.writeFileSync(path.join(dir, 'template.yaml'), `${template}\n${resources}`);
    return { dir, out };
  }

  it('an SQS mapping from the template polls the embedded queue: batches of BatchSize, every message once, deleted after success', async () => {
    const { dir, out } = project(samResources({ Jobs: 'AWS::SQS::Queue' }), {
      Worker: 'Events:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n      BatchSize: 10',
    });
    const metrics: TelemetryEvent[] = [];
    const workbench = await openEach(dir);
    workbench.telemetry.subscribe((e) => void (e.type === 'workbench.esm' && metrics.push(e)));
    const queue = workbench.eventSources.sources.queue('Jobs')!;
    for (let i = 0; i < 25; i += 10) await queue.send(Array.from({ length: Math.min(10, 25 - i) }, (_, k) => ({ body: `m${i + k}` })));
    await waitFor(() => readJsonLines(out('worker')).flatMap((e) => e.Records).length >= 25, 15000, '25 messages handled');
    const events = readJsonLines(out('worker'));
    const bodies = events.flatMap((e) => e.Records.map((r: any) => r.body)).sort();
    assert.deepEqual(bodies, Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    assert.ok(events.every((e) => e.Records.length <= 10));
    const record = events[0].Records[0];
    assert.equal(record.eventSource, 'aws:sqs');
    assert.equal(record.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:Jobs');
    for (let i = 0; i < 100; i++) {
      const stats = await queue.stats();
      if (stats.visible === 0 && stats.inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(await queue.stats(), { visible: 0, inFlight: 0, delayed: 0 });
    assert.ok(
      metrics.some((m) => (m.record as any).kind === 'batch'),
      'batch metrics in the event stream',
    );
  });

  it("an asynchronous invocation's OnSuccess queue feeds another function's SQS mapping", async () => {
    const { dir, out } = project(samResources({ Handoff: 'AWS::SQS::Queue' }), {
      First: 'EventInvokeConfig:\n  DestinationConfig:\n    OnSuccess:\n      Type: SQS\n      Destination: !GetAtt Handoff.Arn',
      Second: 'Events:\n  Handoff:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Handoff.Arn',
    });
    const workbench = await openEach(dir);
    await workbench.invokeAsync('First', '{"order":7}');
    await waitFor(() => readJsonLines(out('second')).length > 0, 15000, 'the second function to get the record');
    const record = JSON.parse(readJsonLines(out('second'))[0].Records[0].body);
    assert.equal(record.requestContext.condition, 'Success');
    assert.deepEqual(record.requestPayload, { order: 7 });
    assert.deepEqual(record.responsePayload, { handled: { order: 7 } });
  });

  it('a Kinesis mapping reads every shard in order per partition key', async () => {
    const { dir, out } = project(samResources({ Clicks: { type: 'AWS::Kinesis::Stream', props: 'ShardCount: 2' } }), {
      Reader:
        'Events:\n  Clicks:\n    Type: Kinesis\n    Properties:\n      Stream: !GetAtt Clicks.Arn\n      StartingPosition: TRIM_HORIZON\n      BatchSize: 7',
    });
    const workbench = await openEach(dir);
    const stream = workbench.eventSources.sources.stream('Clicks')!;
    for (let i = 0; i < 40; i++) await stream.putRecord({ data: Buffer.from(JSON.stringify({ key: `k${i % 4}`, n: i })), partitionKey: `k${i % 4}` });
    await waitFor(() => readJsonLines(out('reader')).flatMap((e) => e.Records).length >= 40, 15000, '40 records handled');
    const records = readJsonLines(out('reader')).flatMap((e) => e.Records);
    assert.equal(records.length, 40);
    assert.equal(records[0].eventSource, 'aws:kinesis');
    const byKey = new Map<string, number[]>();
    for (const r of records) {
      const data = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
      byKey.set(data.key, [...(byKey.get(data.key) ?? []), data.n]);
    }
    for (const [, ns] of byKey) {
      assert.deepEqual(
        ns,
        [...ns].sort((a, b) => a - b),
        'in order per partition key',
      );
    }
    assert.equal(new Set(records.map((r: any) => r.eventID.split(':')[0])).size, 2, 'both shards');
  });

  it('a DynamoDB stream mapping gets INSERT / MODIFY / REMOVE records', async () => {
    const { dir, out } = project(
      `  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      BillingMode: PAY_PER_REQUEST
      StreamSpecification:
        StreamViewType: NEW_AND_OLD_IMAGES
`,
      { Auditor: 'Events:\n  Orders:\n    Type: DynamoDB\n    Properties:\n      Stream: !GetAtt Orders.StreamArn\n      StartingPosition: TRIM_HORIZON' },
    );
    const workbench = await openEach(dir);
    const stream = workbench.eventSources.sources.stream('Orders')!;
    const keys = { id: { S: 'o1' } };
    await stream.putChange!({ eventName: 'INSERT', Keys: keys, NewImage: { ...keys, total: { N: '5' } } });
    await stream.putChange!({ eventName: 'MODIFY', Keys: keys, OldImage: { ...keys, total: { N: '5' } }, NewImage: { ...keys, total: { N: '7' } } });
    await stream.putChange!({ eventName: 'REMOVE', Keys: keys, OldImage: { ...keys, total: { N: '7' } } });
    await waitFor(() => readJsonLines(out('auditor')).flatMap((e) => e.Records).length >= 3, 15000, '3 records handled');
    const records = readJsonLines(out('auditor')).flatMap((e) => e.Records);
    assert.deepEqual(
      records.map((r: any) => r.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    assert.equal(records[0].eventSource, 'aws:dynamodb');
    assert.deepEqual(records[1].dynamodb.OldImage.total, { N: '5' });
    assert.deepEqual(records[1].dynamodb.NewImage.total, { N: '7' });
    assert.equal(records[1].dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
  });
});
