import { strict as assert } from 'node:assert';
import { EsmProject, kinesis, kinesisArn, queue, queueArn, recordingHandler, table, tableStreamArn, uid } from './esmProject';
import { recording, Replay } from './replay';

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
  const project = new EsmProject();
  afterEach(() => project.close());

  describe('SQS (test_lambda_integration_sqs.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_sqs.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_sqs.py::TestSQSEventSourceMapping`;

    it('test_sqs_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_source_mapping`));
      const queueName = `queue-${uid()}-1`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler('event') }], { Queue: queue(queueName) });
      await project.createMapping(replay, 'create-event-source-mapping-response', { EventSourceArn: queueArn(queueName), MaximumBatchingWindowInSeconds: 1 });
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
        await project.open([{ prefix: 'lambda_func', code: recordingHandler('event') }], { Queue: queue(queueName) });
        const source = project.engine.eventSources.sources.queue('Queue')!;
        // both messages wait in the queue before the mapping exists
        await source.send([{ body: JSON.stringify(matching) }]);
        await source.send([{ body: typeof notMatching === 'string' ? notMatching : JSON.stringify(notMatching) }]);
        await project.createMapping(replay, 'create_event_source_mapping_response', {
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
        await project.open([{ prefix: 'lambda_func', code: recordingHandler(response) }], { Stream: kinesis(streamName) });
        await project.createMapping(replay, 'create_event_source_mapping_response', {
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
        await project.open([{ prefix: 'lambda_func', code: recordingHandler(response) }], { Stream: kinesis(streamName), Failures: queue(queueName) });
        await project.createMapping(replay, 'create_event_source_mapping_response', {
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
      await project.open([{ prefix: 'lambda_func', code: recordingHandler(`{'batchItemFailures': ${KINESIS_ITEM_FAILURES}}`) }], {
        Stream: kinesis(streamName),
        Failures: queue(queueName),
      });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
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
      await project.open([{ prefix: 'lambda_func', code: recordingHandler('event') }], { Table: table(tableName, KEY, 'NEW_IMAGE') });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
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
        await project.open([{ prefix: 'lambda_func', code: recordingHandler(response) }], { Table: table(tableName, KEY, 'NEW_IMAGE') });
        // created through LocalStack's fixture, whose answer is not recorded
        await project.createMapping(undefined, '', {
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
        await project.open([{ prefix: 'lambda_func', code: recordingHandler(response) }], {
          Table: table(tableName, KEY, 'NEW_IMAGE'),
          Failures: queue(queueName),
        });
        // created through LocalStack's fixture, whose answer is not recorded
        await project.createMapping(undefined, '', {
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
      await project.open([{ prefix: 'lambda_func', code: recordingHandler(`{'batchItemFailures': ${DYNAMODB_ITEM_FAILURES}}`) }], {
        Table: table(tableName, KEY, 'NEW_IMAGE'),
        Failures: queue(queueName),
      });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
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
