import { strict as assert } from 'node:assert';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { DynamoDbChange } from '../../../src/core/sources/types';
import { EmbeddedStream } from '../../../src/core/sources/embeddedStream';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import { waitFor } from '../helpers/wait';
import {
  asSnapshotted,
  EsmProject,
  failingHandler,
  kinesis,
  kinesisArn,
  queue,
  queueArn,
  recordingHandler,
  REGION,
  table,
  tableStreamArn,
  uid,
  uuidOf,
} from './esmProject';
import { recording, Replay, sdkOutcome } from './replay';

// More of LocalStack's ESM integration tests (event_source_mapping/test_lambda_integration_*.py)
// replayed against the engine (see esmEvents.test.ts for the method): OnFailure destinations of
// stream mappings (SQS, and S3, whose object the engine keeps as the bucket's destination message),
// MaximumRecordAgeInSeconds, filters, several mappings on one stream, and the mapping API's errors
// for streams. The functions are our own handlers with the behaviour of LocalStack's: they record
// what LocalStack's print to their logs.

const DIR = 'event_source_mapping';

/** LocalStack's lambda_parallel: records {executionStart, event}, then takes a while (5 s at LocalStack). */
const parallelHandler = (seconds: number) =>
  `import json, os, time\n\ndef handler(event, context):\n    result = {'executionStart': time.time(), 'event': event}\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(result) + '\\n')\n    time.sleep(${seconds})\n    return result\n`;

/** LocalStack's kinesis_log: records the decoded data of the records (a JSON list, as it prints it). */
const kinesisLogHandler = () =>
  `import base64, json, os\n\ndef handler(event, context):\n    data = [json.loads(base64.b64decode(r['kinesis']['data']).decode()) for r in event['Records']]\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(json.dumps(data)) + '\\n')\n`;

/** LocalStack's lambda_echo_version_env: records the version and CUSTOM_VAR it ran with, and the event. */
const versionEnvHandler = () =>
  `import json, os\n\ndef handler(event, context):\n    result = {'function_version': context.function_version, 'CUSTOM_VAR': os.environ.get('CUSTOM_VAR'), 'event': event}\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(result) + '\\n')\n    return result\n`;

/** LocalStack's provided_bootstrap_empty: a custom runtime answering every invocation with an empty body (here in Python, recording each event). */
const emptyResponseBootstrap = () =>
  `#!/usr/bin/python3\nimport os, urllib.request\napi = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] + '/2018-06-01/runtime/invocation/'\nwhile True:\n    with urllib.request.urlopen(api + 'next') as r:\n        request_id = r.headers['Lambda-Runtime-Aws-Request-Id']\n        event = r.read()\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(event.decode() + '\\n')\n    urllib.request.urlopen(urllib.request.Request(api + request_id + '/response', data=b'', method='POST')).read()\n`;

describe('conformance: events delivered by event source mappings, part 2 (ESM integration tests, recorded against AWS)', function () {
  this.timeout(120000);
  const project = new EsmProject();
  afterEach(() => project.close());

  describe('Kinesis (test_lambda_integration_kinesis.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_kinesis.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_kinesis.py::TestKinesisSource`;
    const stream = () => project.engine.eventSources.sources.stream('Stream')!;
    /** PutRecords of `count` records (one call: the shard's records readable together). */
    const putRecords = (count: number, data: (i: number) => string, partitionKey: (i: number) => string) =>
      stream().putRecords!(Array.from({ length: count }, (_, i) => ({ data: Buffer.from(data(i)), partitionKey: partitionKey(i) })));
    /** LocalStack's _await_event_source_mapping_enabled; then a moment for the poller to take its LATEST iterator as it starts. */
    const awaitEnabled = async (uuid: string) => {
      await waitFor(
        async () => (await project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Enabled',
        30000,
        'the mapping Enabled',
        200,
      );
      await new Promise((r) => setTimeout(r, 1000));
    };
    /** LocalStack's retry of `send` until `count` events come: a LATEST mapping reads only what comes after it started reading. */
    const sendUntilDelivered = async (send: () => Promise<unknown>, count: number) => {
      for (let attempt = 0; attempt < 3 && project.recorded().length < count; attempt++) {
        await send();
        await waitFor(() => project.recorded().length >= count, 15000, 'the events').catch(() => undefined);
      }
    };

    it('test_create_kinesis_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_create_kinesis_event_source_mapping`));
      const streamName = `test-foobar-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Stream: kinesis(streamName) });
      const created = await project.createMapping(replay, 'create_event_source_mapping_response', {
        EventSourceArn: kinesisArn(streamName),
        StartingPosition: 'LATEST',
      });
      await awaitEnabled(uuidOf(created));
      await sendUntilDelivered(
        () =>
          putRecords(
            10,
            () => 'hello',
            (i) => `test_${i}`,
          ),
        1,
      );
      const [records] = await project.events(1);
      replay.expectValue('kinesis_records', records);
      assert.equal(records.Records.length, 10, 'the ten records of one PutRecords in one batch');
      assert.equal(Math.floor(Math.log10(records.Records[0].kinesis.approximateArrivalTimestamp)), 9, 'approximateArrivalTimestamp in epoch seconds');
      assert.equal(replay.compared.length, 2);
    });

    it('test_create_kinesis_event_source_mapping_multiple_lambdas_single_kinesis_event_stream', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_create_kinesis_event_source_mapping_multiple_lambdas_single_kinesis_event_stream`));
      const streamName = `test-stream-${uid()}`;
      await project.open(
        [
          { prefix: 'lambda_func', code: recordingHandler() },
          { prefix: 'lambda_func', code: recordingHandler() },
        ],
        { Stream: kinesis(streamName) },
      );
      for (const [i, id] of ['a', 'b'].entries()) {
        await project.createMapping(
          replay,
          `create_event_source_mapping_response-${id}`,
          { EventSourceArn: kinesisArn(streamName), StartingPosition: 'TRIM_HORIZON' },
          i,
        );
      }
      await putRecords(
        1,
        () => 'hello',
        () => 'test_1',
      );
      for (const [i, id] of ['a', 'b'].entries()) {
        const [records] = await project.events(1, i);
        replay.expectValue(`kinesis_records-${id}`, records);
      }
      assert.equal(replay.compared.length, 4);
    });

    it('test_kinesis_event_source_trim_horizon', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_event_source_trim_horizon`));
      const streamName = `test-foobar-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: parallelHandler(1) }], { Stream: kinesis(streamName) });
      // two PutRecords of ten before the mapping exists, one after
      for (let i = 0; i < 2; i++) {
        await putRecords(
          10,
          (j) => JSON.stringify({ record_id: j }).replace(':', ': '),
          () => `test_${i}`,
        );
      }
      await project.createMapping(replay, 'create_event_source_mapping_response', {
        EventSourceArn: kinesisArn(streamName),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
      });
      await putRecords(
        10,
        (j) => JSON.stringify({ record_id: j }).replace(':', ': '),
        () => 'test_3',
      );
      replay.expectValue('invocation_events', await project.events(3));
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_event_source_mapping_with_async_invocation', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_event_source_mapping_with_async_invocation`));
      const streamName = `test-foobar-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: parallelHandler(2) }], { Stream: kinesis(streamName) });
      const created = await project.createMapping(replay, 'create_event_source_mapping_response', {
        EventSourceArn: kinesisArn(streamName),
        StartingPosition: 'LATEST',
        BatchSize: 10,
      });
      await awaitEnabled(uuidOf(created));
      await sendUntilDelivered(async () => {
        for (let i = 0; i < 2; i++) {
          await putRecords(
            10,
            (j) => JSON.stringify({ record_id: j }).replace(':', ': '),
            () => `test_${i}`,
          );
        }
      }, 2);
      const events = await project.events(2);
      replay.expectValue('invocation_events', events);
      // one shard: the second batch waits for the first
      const starts = project.recorded().map((e) => e.executionStart as number);
      assert.ok(starts[1] - starts[0] >= 2, `the second batch began ${starts[1] - starts[0]} s after the first`);
      assert.equal(replay.compared.length, 2);
    });

    it('test_disable_kinesis_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_disable_kinesis_event_source_mapping`));
      const streamName = `test-foobar-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Stream: kinesis(streamName) });
      const created = await project.createMapping(replay, 'create_event_source_mapping_response', {
        EventSourceArn: kinesisArn(streamName),
        StartingPosition: 'LATEST',
        BatchSize: 10,
      });
      const uuid = uuidOf(created);
      await awaitEnabled(uuid);
      await sendUntilDelivered(
        () =>
          putRecords(
            10,
            (i) => JSON.stringify({ record_id: i }).replace(':', ': '),
            () => 'test',
          ),
        1,
      );
      replay.expectValue('invocation_events', await project.events(1));
      await project.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
      await waitFor(async () => (await project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Disabled', 30000, 'Disabled', 200);
      await putRecords(
        10,
        (i) => JSON.stringify({ record_id_disabled: i }).replace(':', ': '),
        () => 'test',
      );
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(project.recorded().length, 1, 'a disabled mapping delivers nothing');
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_empty_provided', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_empty_provided`));
      const streamName = `test-foobar-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: emptyResponseBootstrap(), runtime: 'provided.al2023' }], { Stream: kinesis(streamName) });
      const created = await project.createMapping(replay, 'create_event_source_mapping_response', {
        EventSourceArn: kinesisArn(streamName),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 2,
      });
      await stream().putRecord({ data: Buffer.from('hello'), partitionKey: 'test' });
      // one invocation: an empty answer is a success, so the record is not retried
      assert.equal((await project.events(1)).length, 1);
      await replay.call('get_esm_result', () => project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuidOf(created) })));
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_event_source_mapping_with_on_failure_destination_config', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_event_source_mapping_with_on_failure_destination_config`));
      const streamName = `test-kinesis-${uid()}`;
      const queueName = `queue-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: failingHandler() }], { Stream: kinesis(streamName), Failures: queue(queueName) });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
        BatchSize: 1,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: kinesisArn(streamName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
      });
      await stream().putRecord({ data: Buffer.from(JSON.stringify({ input: 'hello', value: 'world', raise_error: 1 })), partitionKey: 'custom' });
      replay.expect('sqs_payload', { status: 200, body: await project.receiveMessage('Failures') });
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_event_source_mapping_with_s3_on_failure_destination', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_event_source_mapping_with_s3_on_failure_destination`));
      const streamName = `test-kinesis-${uid()}`;
      const bucketArn = `arn:aws:s3:::test-bucket-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: failingHandler() }], { Stream: kinesis(streamName) });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
        BatchSize: 1,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: kinesisArn(streamName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: bucketArn } },
      });
      // json.dumps' spacing: the recorded data is base64 of it
      await stream().putRecord({ data: Buffer.from('{"input": "hello", "value": "world", "raise_error": 1}'), partitionKey: 'custom' });
      // no S3 is served: the engine keeps the object it would write as the bucket's destination message
      const [object] = await waitFor(
        async () => {
          const messages = await project.engine.destinationMessages(bucketArn);
          return messages.length > 0 && messages;
        },
        45000,
        'the OnFailure object',
      );
      const body = asSnapshotted(JSON.parse(object.body));
      body.KinesisBatchInfo.shardId = body.KinesisBatchInfo.shardId.replace(/shardId-\d+/, '<kinesis-shard-id>');
      for (const r of body.payload.Records) r.eventID = r.eventID.replace(/shardId-\d+/, '<kinesis-shard-id>');
      replay.expectValue('record_body', body);
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_maximum_record_age_exceeded[expire-before-ingestion]', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_maximum_record_age_exceeded[expire-before-ingestion]`));
      const streamName = `test-kinesis-${uid()}`;
      const queueName = `queue-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: failingHandler() }], { Stream: kinesis(streamName), Failures: queue(queueName) });
      // A record that arrived two minutes ago (AWS's test waits for it to be older than 60 s): the
      // stream written through a clock two minutes behind.
      const definition = stream().definition;
      const behind = new EmbeddedStream(project.engine.store, definition, { now: () => Date.now() - 120_000 });
      await behind.putRecord({ data: Buffer.from('stream-data'), partitionKey: 'test' });
      await project.createMapping(replay, 'create_event_source_mapping_response', {
        BatchSize: 1,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: kinesisArn(streamName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 0,
        MaximumRecordAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
      });
      replay.expect('record_age_exceeded_payload', { status: 200, body: await project.receiveMessage('Failures') });
      assert.equal(project.recorded().length, 0, 'the aged record is never delivered');
      assert.equal(replay.compared.length, 2);
    });

    it('test_kinesis_maximum_record_age_exceeded_discard_records', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_maximum_record_age_exceeded_discard_records`));
      const streamName = `test-kinesis-${uid()}`;
      const queueName = `queue-${uid()}`;
      // LocalStack's function sends each batch's Records to a queue the test reads; ours records them (the same records)
      await project.open([{ prefix: 'lambda_func', code: recordingHandler("{'count': len(event['Records'])}") }], {
        Stream: kinesis(streamName),
        Failures: queue(queueName),
      });
      // the first record arrived two minutes ago (AWS's test waits 80 s), through a clock two minutes behind
      const behind = new EmbeddedStream(project.engine.store, stream().definition, { now: () => Date.now() - 120_000 });
      await behind.putRecord({ data: Buffer.from('stream-data'), partitionKey: 'test' });
      await putRecords(
        5,
        (i) => `stream-data-${i + 1}`,
        () => 'test',
      );
      await project.createMapping(replay, 'create_event_source_mapping_response', {
        BatchSize: 10,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: kinesisArn(streamName),
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 0,
        MaximumRecordAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: queueArn(queueName) } },
      });
      replay.expect('record_age_exceeded_payload', { status: 200, body: await project.receiveMessage('Failures') });
      await waitFor(() => project.recorded().flatMap((e) => e.Records).length >= 5, 45000, '5 records');
      const records = (await project.events(1)).flatMap((e) => e.Records as { kinesis: { data: string } }[]);
      // the test sorts them by their data
      records.sort((a, b) => Buffer.from(a.kinesis.data, 'base64').toString().localeCompare(Buffer.from(b.kinesis.data, 'base64').toString()));
      replay.expectValue('Records', records);
      assert.equal(replay.compared.length, 3);
    });

    it('test_duplicate_event_source_mappings', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_duplicate_event_source_mappings`));
      const streamName = `test-foobar-${uid()}`;
      await project.open(
        [
          { prefix: 'lambda_func', code: recordingHandler() },
          { prefix: 'lambda_func', code: recordingHandler() },
        ],
        { Stream: kinesis(streamName) },
      );
      const input = { EventSourceArn: kinesisArn(streamName), StartingPosition: 'LATEST' as const };
      await project.createMapping(replay, 'create', input);
      await project.createMapping(replay, 'error', input);
      // another function's mapping of the same stream is no duplicate
      const other = await project.createMapping(undefined, '', input, 1);
      assert.equal(other.status, 202);
      assert.equal(replay.compared.length, 2);
    });

    it('test_esm_with_not_existing_kinesis_stream', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_esm_with_not_existing_kinesis_stream`));
      await project.open([{ prefix: 'simple-lambda', code: recordingHandler() }], {});
      await project.createMapping(replay, 'error', { EventSourceArn: kinesisArn('test-foobar-81ded7e8'), StartingPosition: 'LATEST' });
      assert.equal(replay.compared.length, 1);
    });
  });

  describe('DynamoDB streams (test_lambda_integration_dynamodbstreams.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_dynamodbstreams.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_dynamodbstreams.py::TestDynamoDBEventSourceMapping`;
    type Item = Record<string, Record<string, string>>;
    /**
     * PutItem on the table, as its stream records it (no DynamoDB API is served): INSERT for a new
     * key, MODIFY with the old image for an existing one, nothing when the item does not change.
     */
    const items = new Map<string, Item>();
    afterEach(() => items.clear());
    const putItem = async (key: string, item: Item) => {
      const id = JSON.stringify(item[key]);
      const old = items.get(id);
      if (old && JSON.stringify(old) === JSON.stringify(item)) return;
      items.set(id, item);
      const change: DynamoDbChange = { eventName: old ? 'MODIFY' : 'INSERT', Keys: { [key]: item[key] }, NewImage: item, ...(old ? { OldImage: old } : {}) };
      await project.engine.eventSources.sources.stream('Table')!.putChange!(change);
    };
    /** LocalStack's transformer for ApproximateCreationDateTime: any value, recorded as its string. */
    const creationTimeAsString = (value: any): any => {
      if (Array.isArray(value)) return value.map(creationTimeAsString);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, k === 'ApproximateCreationDateTime' ? JSON.stringify(v) : creationTimeAsString(v)]),
        );
      }
      return value;
    };

    it('test_esm_with_not_existing_dynamodb_stream', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_esm_with_not_existing_dynamodb_stream`));
      await project.open([{ prefix: 'simple-lambda', code: recordingHandler() }], {});
      await project.createMapping(replay, 'error', {
        BatchSize: 1,
        StartingPosition: 'TRIM_HORIZON',
        EventSourceArn: `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT_ID}:table/test-table-4a53f4e8/stream/2025-02-22T03:03:25.490`,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 1,
      });
      assert.equal(replay.compared.length, 1);
    });

    it('test_duplicate_event_source_mappings', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_duplicate_event_source_mappings`));
      const tableName = `test-table-${uid()}`;
      await project.open(
        [
          { prefix: 'lambda_func', code: recordingHandler() },
          { prefix: 'lambda_func', code: recordingHandler() },
        ],
        { Table: table(tableName, 'my_partition_key', 'NEW_IMAGE') },
      );
      const input = {
        EventSourceArn: tableStreamArn(tableName),
        StartingPosition: 'TRIM_HORIZON' as const,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 1,
      };
      await project.createMapping(replay, 'create', input);
      await project.createMapping(replay, 'error', input);
      assert.equal((await project.createMapping(undefined, '', input, 1)).status, 202, 'another function may map the same stream');
      assert.equal(replay.compared.length, 2);
    });

    it('test_disabled_dynamodb_event_source_mapping', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_disabled_dynamodb_event_source_mapping`));
      const tableName = `ddb_table-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Table: table(tableName, 'id', 'NEW_IMAGE') });
      const created = await project.createMapping(replay, 'create_event_source_mapping_result', {
        EventSourceArn: tableStreamArn(tableName),
        StartingPosition: 'TRIM_HORIZON',
        MaximumBatchingWindowInSeconds: 1,
      });
      const uuid = uuidOf(created);
      await putItem('id', { id: { S: uid() }, data: { S: 'data1' } });
      await project.events(1);
      await replay.call('update_event_source_mapping_result', () => project.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false })));
      await new Promise((r) => setTimeout(r, 2000));
      await putItem('id', { id: { S: uid() }, data: { S: 'data2' } });
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(project.recorded().length, 1, 'a disabled mapping invokes no more');
      assert.equal(replay.compared.length, 2);
    });

    it('test_deletion_event_source_mapping_with_dynamodb', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_deletion_event_source_mapping_with_dynamodb`));
      const tableName = `ddb_table-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Table: table(tableName, 'id', 'NEW_IMAGE') });
      const streamArn = tableStreamArn(tableName);
      await project.createMapping(replay, 'create_event_source_mapping_result', { EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON' });
      // (AWS's test deletes the table first: the mapping stays, Enabled; no DynamoDB API is served)
      await replay.call('list_event_source_mapping_result', () => project.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn })));
      assert.equal(replay.compared.length, 2);
    });

    for (const [id, destination] of [
      ['test_dynamodb_event_source_mapping_with_on_failure_destination_config', 'sqs'],
      ['test_dynamodb_event_source_mapping_with_s3_on_failure_destination', 's3'],
    ] as const) {
      it(id, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::${id}`));
        const tableName = `test-table-${uid()}`;
        const queueName = `queue-${uid()}`;
        const bucketArn = `arn:aws:s3:::test-bucket-${uid()}`;
        await project.open([{ prefix: 'lambda_func', code: failingHandler() }], {
          Table: table(tableName, 'my_partition_key', 'NEW_IMAGE'),
          Failures: queue(queueName),
        });
        await project.createMapping(replay, 'create_event_source_mapping_response', {
          BatchSize: 1,
          StartingPosition: 'TRIM_HORIZON',
          EventSourceArn: tableStreamArn(tableName),
          MaximumBatchingWindowInSeconds: 1,
          MaximumRetryAttempts: 1,
          DestinationConfig: { OnFailure: { Destination: destination === 'sqs' ? queueArn(queueName) : bucketArn } },
        });
        await putItem('my_partition_key', { my_partition_key: { S: 'hello world' } });
        if (destination === 'sqs') {
          replay.expect('destination_queue_messages', { status: 200, body: await project.receiveMessage('Failures') });
        } else {
          // no S3 is served: the engine keeps the object it would write as the bucket's destination message
          const [object] = await waitFor(
            async () => {
              const messages = await project.engine.destinationMessages(bucketArn);
              return messages.length > 0 && messages;
            },
            45000,
            'the OnFailure object',
          );
          replay.expectValue('record_body', creationTimeAsString(asSnapshotted(JSON.parse(object.body))));
        }
        assert.equal(replay.compared.length, 2);
      });
    }

    for (const [id, filter] of [
      ['single-string', 'single-string'],
      ['[{"eventName": ["INSERT"=123}]', '[{"eventName": ["INSERT"=123}]'],
    ]) {
      it(`test_dynamodb_invalid_event_filter[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_invalid_event_filter[${id}]`));
        const tableName = `test-table-${uid()}`;
        await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Table: table(tableName, 'id', 'NEW_AND_OLD_IMAGES') });
        await project.createMapping(replay, 'exception_event_source_creation', {
          BatchSize: 1,
          StartingPosition: 'TRIM_HORIZON',
          EventSourceArn: tableStreamArn(tableName),
          MaximumBatchingWindowInSeconds: 1,
          MaximumRetryAttempts: 1,
          FilterCriteria: { Filters: [{ Pattern: filter }] },
        });
        assert.equal(replay.compared.length, 1);
      });
    }

    // LocalStack's cases: the items put one after the other, the filter, and how many invocations follow
    const FILTERS: [string, Item, Item, unknown, number][] = [
      [
        'insert_same_entry_twice',
        { id: { S: 'id_value' }, id2: { S: 'id2_value' } },
        { id: { S: 'id_value' }, id2: { S: 'id2_value' } },
        { eventName: ['INSERT'] },
        1,
      ],
      ['content_or_filter', { id: { S: 'id_value' } }, { id: { S: 'id_value' }, id2: { S: 'id2_new_value' } }, { eventName: ['INSERT', 'MODIFY'] }, 2],
      [
        'content_multiple_filters',
        { id: { S: 'id_value' } },
        { id: { S: 'id_value' }, id2: { S: 'id2_new_value' } },
        { eventName: ['INSERT'], eventSource: ['aws:dynamodb'] },
        1,
      ],
      [
        'content_filter_type',
        { id: { S: 'id_value_1' }, presentKey: { S: 'presentValue' } },
        { id: { S: 'id_value_2' } },
        { dynamodb: { NewImage: { presentKey: { S: ['presentValue'] } } } },
        1,
      ],
      [
        'exists_filter_type',
        { id: { S: 'id_value_1' }, presentKey: { S: 'presentValue' } },
        { id: { S: 'id_value_2' } },
        { dynamodb: { NewImage: { presentKey: { S: [{ exists: true }] } } } },
        1,
      ],
      [
        'exists_false_filter',
        { id: { S: 'id_value_1' } },
        { id: { S: 'id_value_2' }, presentKey: { S: 'presentValue' } },
        { dynamodb: { NewImage: { presentKey: [{ exists: false }] } } },
        2,
      ],
      [
        'numeric_filter',
        { id: { S: 'id_value_1' }, numericFilter: { N: '42' } },
        { id: { S: 'id_value_2' }, numericFilter: { N: '101' } },
        { dynamodb: { NewImage: { numericFilter: { N: [{ numeric: ['>', 100] }, { 'anything-but': '101' }] } } } },
        1,
      ],
      [
        'prefix_filter',
        { id: { S: 'id_value_1' }, prefix: { S: 'us-1-other-suffix' } },
        { id: { S: 'id_value_1' }, prefix: { S: 'other-suffix' } },
        { dynamodb: { NewImage: { prefix: { S: [{ prefix: 'us-1' }] } } } },
        1,
      ],
      [
        'date_time_conversion',
        { id: { S: 'id_value_1' } },
        { id: { S: 'id_value_2' } },
        { dynamodb: { ApproximateCreationDateTime: [{ numeric: ['>', 0] }] } },
        2,
      ],
    ];
    for (const [id, item1, item2, filter, calls] of FILTERS) {
      it(`test_dynamodb_event_filter[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_dynamodb_event_filter[${id}]`));
        const tableName = `test-table-${uid()}`;
        await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Table: table(tableName, 'id', 'NEW_AND_OLD_IMAGES') });
        const outcome = await sdkOutcome(() =>
          project.lambda.send(
            new CreateEventSourceMappingCommand({
              FunctionName: project.name,
              BatchSize: 1,
              StartingPosition: 'TRIM_HORIZON',
              EventSourceArn: tableStreamArn(tableName),
              MaximumBatchingWindowInSeconds: 1,
              MaximumRetryAttempts: 1,
              FilterCriteria: { Filters: [{ Pattern: JSON.stringify(filter) }] },
            }),
          ),
        );
        replay.expect('create_event_source_mapping_response', creationTimeAsString(asSnapshotted(outcome)));
        await putItem('id', item1);
        replay.expectValue('lambda-log-events', creationTimeAsString(await project.events(1)));
        await putItem('id', item2);
        const events = await project.events(calls, 0, 3000);
        assert.equal(events.length, calls);
        for (const event of events) for (const r of event.Records) assert.equal(typeof r.dynamodb.ApproximateCreationDateTime, 'number');
        replay.expectValue('lambda-multiple-log-events', creationTimeAsString(events));
        assert.equal(replay.compared.length, 3);
      });
    }
  });

  describe('SQS (test_lambda_integration_sqs.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_sqs.snapshot.json`;
    const FILE = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_sqs.py`;
    const TEST = `${FILE}::TestSQSEventSourceMapping`;
    const source = () => project.engine.eventSources.sources.queue('Queue')!;

    // The filter cases of the test's earlier versions (LocalStack bebc66a8d and its predecessor; the
    // recordings kept their ids): the filter, a body it passes, one it drops (a string is sent as it is).
    const OLD_FILTERS: [string[], unknown, unknown, unknown][] = [
      [['filter0-item_matching0-item_not_matching0', 'single-filter'], { body: { testItem: ['test24'] } }, { testItem: 'test24' }, { testItem: 'tesWER' }],
      [['filter1-item_matching1-item_not_matching1', 'or-filter'], { body: { testItem: ['test24', 'test45'] } }, { testItem: 'test45' }, { testItem: 'WERTD' }],
      [
        ['filter2-item_matching2-item_not_matching2', 'and-filter'],
        { body: { testItem: ['test24', 'test45'], test2: ['go'] } },
        { testItem: 'test45', test2: 'go' },
        { testItem: 'test67', test2: 'go' },
      ],
      [['filter3-item_matching3-item_not_matching3', 'exists-filter'], { body: { test2: [{ exists: true }] } }, { test2: '7411' }, { test5: '74545' }],
      [['filter4-item_matching4-this is a test string'], { body: { test2: [{ numeric: ['>', 100] }] } }, { test2: 105 }, 'this is a test string'],
      [['filter5-item_matching5-item_not_matching5'], { body: { test2: [{ numeric: ['<', 100] }] } }, { test2: 93 }, { test2: 105 }],
      [['filter6-item_matching6-item_not_matching6'], { body: { test2: [{ numeric: ['>=', 100, '<', 200] }] } }, { test2: 105 }, { test2: 200 }],
      [
        ['filter7-item_matching7-item_not_matching7', 'numeric-prefix'],
        { body: { test2: [{ prefix: 'us-1' }] } },
        { test2: 'us-1-48454' },
        { test2: 'eu-wert' },
      ],
    ];
    for (const [ids, filter, matching, notMatching] of OLD_FILTERS) {
      for (const id of ids) {
        it(`test_sqs_event_filter[${id}]`, async () => {
          const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_filter[${id}]`));
          const queueName = `queue-${uid()}-1`;
          await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Queue: queue(queueName) });
          await source().send([{ body: JSON.stringify(matching).replace(/":/g, '": ').replace(/,"/g, ', "') }]);
          await source().send([{ body: typeof notMatching === 'string' ? notMatching : JSON.stringify(notMatching) }]);
          await project.createMapping(replay, 'create_event_source_mapping_response', {
            EventSourceArn: queueArn(queueName),
            MaximumBatchingWindowInSeconds: 1,
            FilterCriteria: { Filters: [{ Pattern: JSON.stringify(filter) }] },
          });
          const events = await project.events(1);
          replay.expectValue('invocation_events', events);
          // the dropped message is deleted too
          assert.deepEqual(await source().stats(), { visible: 0, inFlight: 0, delayed: 0 });
          assert.equal(replay.compared.length, 2);
        });
      }
    }

    for (const [id, pattern] of [
      ['None', 'null'],
      ['simple string', 'simple string'],
      ['invalid_filter2', JSON.stringify({ eventSource: 'aws:sqs' })],
      ['invalid_filter3', JSON.stringify({ eventSource: [] })],
    ]) {
      it(`test_sqs_invalid_event_filter[${id}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_invalid_event_filter[${id}]`));
        const queueName = `queue-${uid()}-1`;
        await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Queue: queue(queueName) });
        await project.createMapping(replay, 'create_event_source_mapping_exception', {
          EventSourceArn: queueArn(queueName),
          MaximumBatchingWindowInSeconds: 1,
          FilterCriteria: { Filters: [{ Pattern: pattern }] },
        });
        assert.equal(replay.compared.length, 1);
      });
    }

    it('test_duplicate_event_source_mappings', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_duplicate_event_source_mappings`));
      const queueName = `queue-${uid()}`;
      await project.open(
        [
          { prefix: 'lambda_func', code: recordingHandler() },
          { prefix: 'lambda_func', code: recordingHandler() },
        ],
        { Queue: queue(queueName) },
      );
      await project.createMapping(replay, 'create', { EventSourceArn: queueArn(queueName) });
      await project.createMapping(replay, 'error', { EventSourceArn: queueArn(queueName) });
      assert.equal((await project.createMapping(undefined, '', { EventSourceArn: queueArn(queueName) }, 1)).status, 202);
      assert.equal(replay.compared.length, 2);
    });

    it('test_event_source_mapping_default_batch_size', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_event_source_mapping_default_batch_size`));
      const queueName = `queue-${uid()}-1`;
      const queueName2 = `queue-${uid()}-2`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler() }], { Queue: queue(queueName), Queue2: queue(queueName2) });
      const created = await project.createMapping(replay, 'create-event-source-mapping', { EventSourceArn: queueArn(queueName) });
      await replay.call('invalid-update-event-source-mapping', () =>
        project.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuidOf(created), FunctionName: project.name, BatchSize: 11 })),
      );
      await project.createMapping(replay, 'invalid-create-event-source-mapping', { EventSourceArn: queueArn(queueName2), BatchSize: 11 });
      assert.equal(replay.compared.length, 3);
    });

    // LocalStack's function sends each batch's Records to a queue the test reads; ours records them (the same records)
    for (const batchSize of [15, 100, 1000, 10000]) {
      it(`test_sqs_event_source_mapping_batch_size[${batchSize}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_source_mapping_batch_size[${batchSize}]`));
        const queueName = `source-queue-${uid()}`;
        await project.open([{ prefix: 'lambda_func', code: recordingHandler("{'count': len(event['Records'])}") }], { Queue: queue(queueName) });
        const created = await project.createMapping(undefined, '', {
          EventSourceArn: queueArn(queueName),
          MaximumBatchingWindowInSeconds: 2,
          BatchSize: batchSize,
        });
        // the test's transformer: the window differs between AWS (10 s) and local runs (2 s)
        if ('body' in created) created.body.MaximumBatchingWindowInSeconds = 'maximum-batching-window-in-seconds';
        replay.expect('create-event-source-mapping-response', asSnapshotted(created));
        await source().send(Array.from({ length: 10 }, (_, i) => ({ body: `${i}-0-message-${i}` })));
        await source().send(Array.from({ length: 5 }, (_, i) => ({ body: `${i}-1-message-${i}` })));
        await waitFor(() => project.recorded().flatMap((e) => e.Records).length >= 15, 45000, '15 records');
        const records = (await project.events(1)).flatMap((e) => e.Records as { body: string }[]);
        records.sort((a, b) => a.body.localeCompare(b.body));
        replay.expectValue('Records', records);
        assert.equal(replay.compared.length, 2);
      });
    }

    it('test_sqs_event_source_mapping_batching_reserved_concurrency', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_source_mapping_batching_reserved_concurrency`));
      const queueName = `source-queue-${uid()}`;
      await project.open([{ prefix: 'lambda_func', code: recordingHandler("{'count': len(event['Records'])}") }], { Queue: queue(queueName) });
      await replay.call('put_concurrency_resp', () =>
        project.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: project.name, ReservedConcurrentExecutions: 2 })),
      );
      for (let b = 0; b < 3; b++) await source().send(Array.from({ length: 10 }, (_, i) => ({ body: `${i}-${b}-message` })));
      await project.createMapping(replay, 'create-event-source-mapping-response', {
        EventSourceArn: queueArn(queueName),
        MaximumBatchingWindowInSeconds: 1,
        BatchSize: 20,
        ScalingConfig: { MaximumConcurrency: 2 },
      });
      await waitFor(() => project.recorded().flatMap((e) => e.Records).length >= 30, 45000, '30 records');
      const batches = await project.events(1);
      replay.expectValue('batch_info', { total_batches_received: batches.length });
      const records = batches.flatMap((e) => e.Records as { body: string }[]);
      records.sort((a, b) => a.body.localeCompare(b.body));
      replay.expectValue('Records', records);
      assert.equal(replay.compared.length, 4);
    });

    it('test_sqs_event_source_mapping_update', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_sqs_event_source_mapping_update`));
      const queueName = `queue-${uid()}-1`;
      await project.open([{ prefix: 'lambda_func', code: versionEnvHandler(), environment: { CUSTOM_VAR: 'a' } }], { Queue: queue(queueName) });
      const v1 = await project.lambda.send(new PublishVersionCommand({ FunctionName: project.name }));
      const created = await sdkOutcome(() =>
        project.lambda.send(
          new CreateEventSourceMappingCommand({ EventSourceArn: queueArn(queueName), FunctionName: v1.FunctionArn, MaximumBatchingWindowInSeconds: 1 }),
        ),
      );
      replay.expect('create-event-source-mapping-response', asSnapshotted(created));
      const uuid = uuidOf(created);
      const enabled = () =>
        waitFor(async () => (await project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Enabled', 30000, 'Enabled', 200);
      await enabled();
      await source().send([{ body: JSON.stringify({ foo: 'bar' }) }]);
      replay.expectValue('events', await project.events(1));

      // UpdateFunctionConfiguration (CUSTOM_VAR b), the local way; then version 2, and the mapping moved to it
      await project.setEnvironment(0, { CUSTOM_VAR: 'b' });
      const v2 = await project.lambda.send(new PublishVersionCommand({ FunctionName: project.name }));
      const updated = await replay.call('updated_esm', () =>
        project.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionName: v2.FunctionArn })),
      );
      assert.equal('body' in updated && updated.body.FunctionArn, v2.FunctionArn);
      await enabled();
      await replay.call('updated_event_source_mapping', () => project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })));
      await source().send([{ body: JSON.stringify({ foo: 'bar2' }) }]);
      replay.expectValue('events_postupdate', await project.events(2));
      assert.deepEqual(await source().stats(), { visible: 0, inFlight: 0, delayed: 0 });
      assert.equal(replay.compared.length, 5);
    });

    it('test_fifo_message_group_parallelism', async () => {
      const replay = new Replay(recording(RECORDED, `${FILE}::test_fifo_message_group_parallelism`));
      const queueName = `test-queue-${uid()}.fifo`;
      await project.open([{ prefix: 'function-name', code: parallelHandler(1) }], {
        Queue: queue(queueName, 'FifoQueue: true\nContentBasedDeduplication: true\nVisibilityTimeout: 60'),
      });
      const created = await project.createMapping(replay, 'create_esm_disabled', { EventSourceArn: queueArn(queueName), Enabled: false, BatchSize: 1 });
      const uuid = uuidOf(created);
      for (let i = 0; i < 5; i++) await source().send([{ body: `message-${i}`, messageGroupId: 'fixed-message-group-id-test' }]);
      await replay.call('update_esm_enabling', () => project.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true })));
      await waitFor(async () => (await project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Enabled', 30000, 'Enabled', 200);
      await replay.call('get_esm_enabled', () => project.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })));
      // one message group: one message at a time, in order (each invocation begins after the last ended)
      const events = await project.events(5);
      assert.deepEqual(
        events.map((e) => e.event.Records[0].body),
        [0, 1, 2, 3, 4].map((i) => `message-${i}`),
      );
      const starts = project.recorded().map((e) => e.executionStart as number);
      for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 1, 'no two invocations of the group overlap');
      assert.equal(replay.compared.length, 3);
    });
  });

  describe('Kinesis filters (test_lambda_integration_kinesis.py)', () => {
    const RECORDED = `${DIR}/test_lambda_integration_kinesis.snapshot.json`;
    const TEST = `tests/aws/services/lambda_/${DIR}/test_lambda_integration_kinesis.py::TestKinesisEventFiltering`;

    it('test_kinesis_event_filtering_json_pattern', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_kinesis_event_filtering_json_pattern`));
      const streamName = `test-kinesis-${uid()}`;
      await project.open(
        [
          { prefix: 'lambda_func1', code: kinesisLogHandler() },
          { prefix: 'lambda_func2', code: kinesisLogHandler() },
        ],
        { Stream: kinesis(streamName) },
      );
      for (const [i, key] of ['create_event_source_mapping_response', 'create_event_source_mapping_2_response'].entries()) {
        await project.createMapping(
          replay,
          key,
          {
            BatchSize: 1,
            StartingPosition: 'TRIM_HORIZON',
            EventSourceArn: kinesisArn(streamName),
            MaximumBatchingWindowInSeconds: 1,
            MaximumRetryAttempts: 1,
            FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { event_type: [`function_${i + 1}`] } }) }] },
          },
          i,
        );
      }
      const source = project.engine.eventSources.sources.stream('Stream')!;
      await source.putRecord({ data: Buffer.from('{"event_type": "function_1", "message": "foo"}'), partitionKey: 'custom' });
      await source.putRecord({ data: Buffer.from('{"event_type": "function_2", "message": "bar"}'), partitionKey: 'custom' });
      // each function is invoked once, with the record its filter passes
      await project.events(1, 0);
      await project.events(1, 1, 0);
      assert.equal(project.recorded(0).length, 1);
      assert.equal(project.recorded(1).length, 1);
      assert.deepEqual(JSON.parse(project.recorded(1)[0]), [{ event_type: 'function_2', message: 'bar' }]);
      // the printed line, as LocalStack's snapshot keeps it (a string)
      replay.expectValue('kinesis-record-lambda-payload', project.recorded(0)[0]);
      assert.equal(replay.compared.length, 3);
    });
  });
});
