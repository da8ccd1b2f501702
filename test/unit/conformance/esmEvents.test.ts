import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateEventSourceMappingCommand, type CreateEventSourceMappingCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { readJsonLines, waitFor } from '../helpers/wait';
import { recording, Replay, sdkOutcome } from './replay';

// The events event source mappings deliver, as AWS delivered them: LocalStack's ESM integration tests
// (event_source_mapping/test_lambda_integration_{sqs,kinesis,dynamodbstreams}.py) that record the event
// their function received. The queue, stream or table is declared in the template (the embedded
// sources) and fed through the engine's source API — SendMessage, PutRecord, and for DynamoDB's
// PutItem the change the table's stream records (no DynamoDB API is served); the mapping is created
// through our Lambda API and its answer compared; the function (python3.12, as LocalStack's) writes
// each event it gets to a file, and the events, once no more come, are compared with the recorded
// ones. As LocalStack's snapshot does, a JSON body is compared parsed, and SentTimestamp / SenderId
// stand for any value. Not compared: DynamoDB's CreateTable answers ('create-table-result': no
// DynamoDB API is served).

const DIR = 'event_source_mapping';
const REGION = 'us-east-1';
const uid = () => randomBytes(4).toString('hex');

/** A python3.12 handler that appends each event to $OUT and answers `response` (a Python expression). */
const recordingHandler = (response: string) =>
  `import base64, json, os\n\ndef handler(event, context):\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(event) + '\\n')\n    return ${response}\n`;

/** A project with one recording function and the sources a recorded test creates. */
class EventsProject {
  private dir: string | undefined;
  private workbench: Workbench | undefined;
  private api: TestApi | undefined;
  name = '';

  async open(prefix: string, response: string, resources: Record<string, { type: string; props: string }>): Promise<LambdaClient> {
    this.name = `${prefix}-${uid()}`;
    const fn = { handler: 'index.handler', runtime: 'python3.12', props: `FunctionName: ${this.name}\nEnvironment:\n  Variables:\n    OUT: OUT_FILE` };
    this.dir = writeProject({ 'src/index.py': recordingHandler(response) });
    const template = samTemplate({ Fn: fn }).replace('OUT_FILE', this.out) + samResources(resources);
    fs.writeFileSync(path.join(this.dir, 'template.yaml'), template);
    this.workbench = await openProject(this.dir, { hotReload: false, asyncWorkers: false });
    this.api = await startLambdaApi(this.workbench);
    return this.api.client;
  }

  get engine(): Workbench {
    if (!this.workbench) throw new Error('the project is not open');
    return this.workbench;
  }

  get out(): string {
    return path.join(this.dir!, 'events.jsonl');
  }

  /** The events the function got, once `count` came and no more came for a while (a retry would show). */
  async events(count: number): Promise<Record<string, unknown>[]> {
    await waitFor(() => readJsonLines(this.out).length >= count, 30000, `${count} event(s) delivered`);
    await new Promise((r) => setTimeout(r, 2500));
    return readJsonLines(this.out).map(asSnapshotted);
  }

  /** SQS ReceiveMessage on an embedded queue (no SQS API is served): the answer's Messages as SQS shapes them. */
  async receiveMessage(queue: string): Promise<Record<string, unknown>> {
    const source = this.engine.eventSources.sources.queue(queue)!;
    let messages: Awaited<ReturnType<typeof source.receive>> = [];
    await waitFor(async () => (messages = await source.receive({ maxMessages: 1, waitTimeSeconds: 1 })).length > 0, 30000, 'a message in the OnFailure queue');
    return asSnapshotted({
      Messages: messages.map((m) => ({ Body: m.body, MD5OfBody: m.md5OfBody, MessageId: m.messageId, ReceiptHandle: m.receiptHandle })),
    });
  }

  async close(): Promise<void> {
    await this.api?.close();
    await this.workbench?.close();
    this.api = undefined;
    this.workbench = undefined;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** A value as LocalStack's snapshot records it: JSON strings parsed, ISO timestamps by format, SQS's SentTimestamp and SenderId by name. */
function asSnapshotted(value: any): any {
  if (Array.isArray(value)) return value.map(asSnapshotted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'SentTimestamp') return [k, 'sent-timestamp'];
        if (k === 'SenderId') return [k, 'sender-id'];
        return [k, asSnapshotted(v)];
      }),
    );
  }
  // LocalStack's transformer replaces ISO timestamps by their format, not their value
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) return '<timestamp:2022-07-13T13:48:01.000Z>';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) return '<timestamp:2022-07-13T13:48:01Z>';
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return asSnapshotted(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return value;
}

const queue = (name: string) => ({ type: 'AWS::SQS::Queue', props: `QueueName: ${name}` });
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
const kinesis = (name: string) => ({ type: 'AWS::Kinesis::Stream', props: `Name: ${name}\nShardCount: 1` });
const kinesisArn = (name: string) => `arn:aws:kinesis:${REGION}:${LOCAL_ACCOUNT_ID}:stream/${name}`;
const table = (name: string, key: string, viewType: string) => ({
  type: 'AWS::DynamoDB::Table',
  props: [
    `TableName: ${name}`,
    'BillingMode: PAY_PER_REQUEST',
    `AttributeDefinitions: [{ AttributeName: ${key}, AttributeType: S }]`,
    `KeySchema: [{ AttributeName: ${key}, KeyType: HASH }]`,
    `StreamSpecification: { StreamViewType: ${viewType} }`,
  ].join('\n'),
});
/** Our embedded DynamoDB streams' label is fixed (DynamoDB chooses a timestamp). */
const tableStreamArn = (name: string) => `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT_ID}:table/${name}/stream/1970-01-01T00:00:00.000`;

/** Reports the records whose data says should_fail as batch item failures (Kinesis). */
const KINESIS_ITEM_FAILURES =
  "[{'itemIdentifier': r['kinesis']['sequenceNumber']} for r in event['Records'] if json.loads(base64.b64decode(r['kinesis']['data'])).get('should_fail')]";
/** Reports the items whose NewImage says should_fail as batch item failures (DynamoDB). */
const DYNAMODB_ITEM_FAILURES =
  "[{'itemIdentifier': r['dynamodb']['SequenceNumber']} for r in event['Records'] if r['dynamodb'].get('NewImage', {}).get('should_fail', {}).get('BOOL')]";

/** LocalStack's SQS filter cases: id, the filter, a message body it matches, and one it does not (a string is sent as it is). */
const SQS_FILTERS: [string, unknown, unknown, unknown][] = [
  ['single', { body: { 'my-key': ['my-value'] } }, { 'my-key': 'my-value' }, { 'my-key': 'other-value' }],
  ['or', { body: { 'my-key': ['my-value-one', 'my-value-two'] } }, { 'my-key': 'my-value-two' }, { 'my-key': 'other-value' }],
  [
    'and',
    { body: { 'my-key-one': ['other-filter', 'my-value-one'], 'my-key-two': ['my-value-two'] } },
    { 'my-key-one': 'my-value-one', 'my-key-two': 'my-value-two' },
    { 'my-key-one': 'other-value-', 'my-key-two': 'my-value-two' },
  ],
  ['exists', { body: { 'my-key': [{ exists: true }] } }, { 'my-key': 'any-value-one' }, { 'other-key': 'any-value-two' }],
  ['numeric-bigger', { body: { 'my-number': [{ numeric: ['>', 100] }] } }, { 'my-number': 101 }, { 'my-number': 100 }],
  ['numeric-smaller', { body: { 'my-number': [{ numeric: ['<', 100] }] } }, { 'my-number': 99 }, { 'my-number': 100 }],
  ['numeric-range', { body: { 'my-number': [{ numeric: ['>=', 100, '<', 200] }] } }, { 'my-number': 100 }, { 'my-number': 200 }],
  ['prefix', { body: { 'my-key': [{ prefix: 'yes' }] } }, { 'my-key': 'yes-value' }, { 'my-key': 'no-value' }],
  ['valid-json-filter', { body: { 'my-key': ['my-value'] } }, { 'my-key': 'my-value' }, 'plain-string'],
];

/** LocalStack's success scenarios: what the function answers (a Python expression) per test id. */
const SUCCESS_RESPONSES: Record<string, string> = {
  empty_string_success: '',
  empty_list_success: '[]',
  null_success: 'None',
  empty_dict_success: '{}',
  empty_batch_item_failure_success: "{'batchItemFailures': []}",
  null_batch_item_failure_success: "{'batchItemFailures': None}",
};

/** LocalStack's failure scenarios: what the function answers (a Python expression) per test id; all fail the whole batch. */
const FAILURE_RESPONSES: Record<string, string> = {
  item_identifier_not_present_failure: "{'batchItemFailures': [{'itemIdentifier': 123}]}",
  empty_string_item_identifier_failure: "{'batchItemFailures': [{'itemIdentifier': ''}]}",
  null_item_identifier_failure: "{'batchItemFailures': [{'itemIdentifier': None}]}",
  invalid_key_foo_failure: "{'batchItemFailures': [{'foo': 123}]}",
  invalid_key_foo_null_value_failure: "{'batchItemFailures': [{'foo': None}]}",
  unhandled_exception_in_function: '(lambda: 1 / 0)()',
};

describe('conformance: events delivered by event source mappings (ESM integration tests, recorded against AWS)', function () {
  this.timeout(90000);
  const project = new EventsProject();
  afterEach(() => project.close());

  async function createMapping(
    replay: Replay | undefined,
    key: string,
    lambda: LambdaClient,
    input: Omit<CreateEventSourceMappingCommandInput, 'FunctionName'>,
  ) {
    const outcome = await sdkOutcome(() => lambda.send(new CreateEventSourceMappingCommand({ FunctionName: project.name, ...input })));
    // LocalStack's snapshot parses JSON strings (a filter's Pattern) before recording them
    if (replay) replay.expect(key, asSnapshotted(outcome));
  }

  describe('SQS (test_lambda_integration_sqs.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_sqs.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_sqs.py::TestSQSEventSourceMapping`;

    it('test_sqs_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_source_mapping`));
      const queueName = `queue-${uid()}-1`;
      const lambda = await project.open('lambda_func', 'event', { Queue: queue(queueName) });
      await createMapping(replay, 'create-event-source-mapping-response', lambda, { EventSourceArn: queueArn(queueName), MaximumBatchingWindowInSeconds: 1 });
      const source = project.engine.eventSources.sources.queue('Queue')!;
      await source.send([{ body: JSON.stringify({ foo: 'bar' }) }]);
      replay.expectValue('events', await project.events(1));
      // the message is deleted once the function succeeded
      assert.deepEqual(await source.stats(), { visible: 0, inFlight: 0, delayed: 0 });
      assert.equal(replay.compared.length, 2);
    });

    for (const [id, filter, matching, notMatching] of SQS_FILTERS) {
      it(`test_sqs_event_filter[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_filter[${id}]`));
        const queueName = `queue-${uid()}-1`;
        const lambda = await project.open('lambda_func', 'event', { Queue: queue(queueName) });
        const source = project.engine.eventSources.sources.queue('Queue')!;
        // both messages wait in the queue before the mapping exists
        await source.send([{ body: JSON.stringify(matching) }]);
        await source.send([{ body: typeof notMatching === 'string' ? notMatching : JSON.stringify(notMatching) }]);
        await createMapping(replay, 'create_event_source_mapping_response', lambda, {
          EventSourceArn: queueArn(queueName),
          MaximumBatchingWindowInSeconds: 1,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(filter) }] },
        });
        replay.expectValue('invocation_events', await project.events(1));
        assert.equal(replay.compared.length, 2);
      });
    }
  });

  describe('Kinesis (test_lambda_integration_kinesis.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_kinesis.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_kinesis.py::TestKinesisSource`;

    for (const [id, response] of Object.entries(SUCCESS_RESPONSES)) {
      it(`test_kinesis_report_batch_item_success_scenarios[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_report_batch_item_success_scenarios[${id}]`));
        const streamName = `test-foobar-${uid()}`;
        const lambda = await project.open('lambda_func', response, { Stream: kinesis(streamName) });
        await createMapping(replay, 'create_event_source_mapping_response', lambda, {
          EventSourceArn: kinesisArn(streamName),
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          MaximumBatchingWindowInSeconds: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 2,
        });
        await project.engine.eventSources.sources.stream('Stream')!.putRecord({ data: Buffer.from('hello'), partitionKey: 'test' });
        // one invocation: the answer counts as success, so the record is not retried
        replay.expectValue('kinesis_events', await project.events(1));
        assert.equal(replay.compared.length, 2);
      });
    }

    for (const [id, response] of Object.entries(FAILURE_RESPONSES)) {
      it(`test_kinesis_report_batch_item_failure_scenarios[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_report_batch_item_failure_scenarios[${id}]`));
        const streamName = `test-foobar-${uid()}`;
        const queueName = `queue-${uid()}`;
        const lambda = await project.open('lambda_func', response, { Stream: kinesis(streamName), Failures: queue(queueName) });
        await createMapping(replay, 'create_event_source_mapping_response', lambda, {
          EventSourceArn: kinesisArn(streamName),
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          MaximumBatchingWindowInSeconds: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
        });
        await project.engine.eventSources.sources.stream('Stream')!.putRecord({ data: Buffer.from('hello'), partitionKey: 'test' });
        replay.expect('sqs_payload', { status: 200, body: await project.receiveMessage('Failures') });
        // the first invocation and MaximumRetryAttempts retries
        replay.expectValue('kinesis_events', await project.events(3));
        assert.equal(replay.compared.length, 3);
      });
    }
  });

  describe('Kinesis batch item failures (test_lambda_integration_kinesis.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_kinesis.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_kinesis.py::TestKinesisSource`;

    it('test_kinesis_report_batch_item_failures', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_report_batch_item_failures`));
      const streamName = `test-kinesis-${uid()}`;
      const queueName = `queue-${uid()}`;
      const lambda = await project.open('lambda_func', `{'batchItemFailures': ${KINESIS_ITEM_FAILURES}}`, {
        Stream: kinesis(streamName),
        Failures: queue(queueName),
      });
      await createMapping(replay, 'create_event_source_mapping_response', lambda, {
        BatchSize: 3,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: kinesisArn(streamName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 3,
        DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const stream = project.engine.eventSources.sources.stream('Stream')!;
      // PutRecords of six records (json.dumps' spacing, as the recorded data is base64 of it); the last fails
      for (let i = 0; i < 6; i++) await stream.putRecord({ data: Buffer.from(`{"should_fail": ${i === 5 ? 'true' : 'false'}}`), partitionKey: `test_${i}` });
      replay.expect('sqs_payload', { status: 200, body: await project.receiveMessage('Failures') });
      const records = (await project.events(1)).flatMap((e) => e.Records as { kinesis: { partitionKey: string } }[]);
      records.sort((a, b) => a.kinesis.partitionKey.localeCompare(b.kinesis.partitionKey));
      replay.expectValue('kinesis_records', { Records: records });
      assert.equal(replay.compared.length, 3);
    });
  });

  describe('DynamoDB streams (test_lambda_integration_dynamodbstreams.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_dynamodbstreams.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_dynamodbstreams.py::TestDynamoDBEventSourceMapping`;
    const KEY = 'my_partition_key';
    /** PutItem of LocalStack's db_item ({my_partition_key: "hello world", binary_key: b"foobar"}): the INSERT its stream records. */
    const putItem = () => {
      const keys = { [KEY]: { S: 'hello world' } };
      return project.engine.eventSources.sources.stream('Table')!.putChange!({
        eventName: 'INSERT',
        Keys: keys,
        NewImage: { ...keys, binary_key: { B: Buffer.from('foobar').toString('base64') } },
      });
    };

    it('test_dynamodb_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_event_source_mapping`));
      const tableName = `test-table-${uid()}`;
      const lambda = await project.open('lambda_func', 'event', { Table: table(tableName, KEY, 'NEW_IMAGE') });
      await createMapping(replay, 'create_event_source_mapping_response', lambda, {
        BatchSize: 1,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: tableStreamArn(tableName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 1,
      });
      await putItem();
      replay.expectValue('event_logs', await project.events(1));
      assert.equal(replay.compared.length, 2);
    });

    for (const [id, response] of Object.entries(SUCCESS_RESPONSES)) {
      if (id === 'empty_string_success') continue; // not recorded for DynamoDB
      it(`test_dynamodb_report_batch_item_success_scenarios[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_report_batch_item_success_scenarios[${id}]`));
        const tableName = `test-table-${uid()}`;
        const lambda = await project.open('lambda_func', response, { Table: table(tableName, KEY, 'NEW_IMAGE') });
        // created through LocalStack's fixture, whose answer is not recorded
        await createMapping(undefined, '', lambda, {
          EventSourceArn: tableStreamArn(tableName),
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          MaximumBatchingWindowInSeconds: 0,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 2,
        });
        await putItem();
        replay.expectValue('dynamodb_events', await project.events(1));
        assert.equal(replay.compared.length, 1);
      });
    }

    for (const [id, response] of Object.entries(FAILURE_RESPONSES)) {
      it(`test_dynamodb_report_batch_item_failure_scenarios[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_report_batch_item_failure_scenarios[${id}]`));
        const tableName = `test-table-${uid()}`;
        const queueName = `queue-${uid()}`;
        const lambda = await project.open('lambda_func', response, { Table: table(tableName, KEY, 'NEW_IMAGE'), Failures: queue(queueName) });
        // created through LocalStack's fixture, whose answer is not recorded
        await createMapping(undefined, '', lambda, {
          BatchSize: 3,
          StartingPosition: 'TRIM_HORIZON',
          EventSourceArn: tableStreamArn(tableName),
          MaximumBatchingWindowInSeconds: 1,
          MaximumRetryAttempts: 3,
          DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
        await putItem();
        replay.expect('destination_queue_messages', { status: 200, body: await project.receiveMessage('Failures') });
        // the first invocation and MaximumRetryAttempts retries
        replay.expectValue('dynamodb_events', await project.events(4));
        assert.equal(replay.compared.length, 2);
      });
    }

    it('test_dynamodb_report_batch_item_failures', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_report_batch_item_failures`));
      const tableName = `test-table-${uid()}`;
      const queueName = `queue-${uid()}`;
      const lambda = await project.open('lambda_func', `{'batchItemFailures': ${DYNAMODB_ITEM_FAILURES}}`, {
        Table: table(tableName, KEY, 'NEW_IMAGE'),
        Failures: queue(queueName),
      });
      await createMapping(replay, 'create_event_source_mapping_response', lambda, {
        BatchSize: 3,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: tableStreamArn(tableName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 3,
        DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const stream = project.engine.eventSources.sources.stream('Table')!;
      for (let i = 0; i < 6; i++) {
        const keys = { [KEY]: { S: `testId${i}` } };
        await stream.putChange!({ eventName: 'INSERT', Keys: keys, NewImage: { ...keys, should_fail: { BOOL: i === 5 } } });
      }
      replay.expect('destination_queue_messages', { status: 200, body: await project.receiveMessage('Failures') });
      const records = (await project.events(1)).flatMap((e) => e.Records as { dynamodb: { Keys: Record<string, { S: string }> } }[]);
      records.sort((a, b) => a.dynamodb.Keys[KEY]!.S.localeCompare(b.dynamodb.Keys[KEY]!.S));
      replay.expectValue('dynamodb_records', { Records: records });
      assert.equal(replay.compared.length, 3);
    });
  });
});
