import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  PublishVersionCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import { ConformanceProject } from './conformanceProject';
import { recording, Replay, sdkOutcome } from './replay';

// Event source mappings as AWS answers them: LocalStack's TestLambdaEventSourceMappings
// (test_lambda_api.py), replayed call by call against our Lambda API and compared with AWS's recorded
// answers (recorded/README.md). The queues, streams and tables the recorded tests create through SQS,
// Kinesis and DynamoDB are declared in the template (the embedded sources), with the names their
// ARNs need; the function is a template function (CreateFunction is not served), and DeleteFunction's
// local stand-in is the template edited without it and the engine reopened. Not compared: DynamoDB's
// UpdateTable answers ('update_table_response': no DynamoDB API is served), DeleteFunction's own
// answer, boto3's client-side ParamValidationErrors (no answer of AWS recorded), and the Kafka
// mappings of test_create_event_source_self_managed (no Kafka source is polled here).

const RECORDED = 'test_lambda_api.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventSourceMappings';
const REGION = 'us-east-1';

const uid = () => randomBytes(4).toString('hex');
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
/** Our embedded DynamoDB streams' label is fixed (DynamoDB chooses a timestamp). */
const tableStreamArn = (table: string) => `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT_ID}:table/${table}/stream/1970-01-01T00:00:00.000`;
const kinesisArn = (stream: string) => `arn:aws:kinesis:${REGION}:${LOCAL_ACCOUNT_ID}:stream/${stream}`;

const queue = (name: string) => ({ type: 'AWS::SQS::Queue', props: `QueueName: ${name}` });
const table = (name: string, viewType: string) => ({
  type: 'AWS::DynamoDB::Table',
  props: [
    `TableName: ${name}`,
    'BillingMode: PAY_PER_REQUEST',
    'AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]',
    'KeySchema: [{ AttributeName: id, KeyType: HASH }]',
    `StreamSpecification: { StreamViewType: ${viewType} }`,
  ].join('\n'),
});

describe('conformance: event source mappings (TestLambdaEventSourceMappings, recorded against AWS)', function () {
  this.timeout(60000);
  const project = new ConformanceProject();
  /** LocalStack's echo function (python3.12) and the sources a recorded test creates. */
  const open = async (prefix: string, resources: Record<string, string | { type: string; props: string }> = {}) =>
    (await project.open({ resources }, prefix)).client;
  afterEach(() => project.close());

  it('test_event_source_mapping_exceptions', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_event_source_mapping_exceptions`));
    const lambda = await open('function');
    const unknown = () => `${uid()}${uid()}${uid()}`;
    await replay.call('get_unknown_uuid', () => lambda.send(new GetEventSourceMappingCommand({ UUID: unknown() })));
    await replay.call('delete_unknown_uuid', () => lambda.send(new DeleteEventSourceMappingCommand({ UUID: unknown() })));
    await replay.call('update_unknown_uuid', () => lambda.send(new UpdateEventSourceMappingCommand({ UUID: unknown(), Enabled: false })));
    // List does not care whether its filters name anything (no recorded answer: only that it succeeds)
    const somequeue = queueArn('somequeue');
    for (const input of [{}, { FunctionName: 'doesnotexist' }, { EventSourceArn: somequeue }]) {
      const listed = await lambda.send(new ListEventSourceMappingsCommand(input));
      assert.deepEqual(listed.EventSourceMappings, []);
    }
    await replay.call('create_no_event_source_arn', () => lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'doesnotexist' })));
    await replay.call('create_unknown_params', () =>
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'doesnotexist', EventSourceArn: somequeue })),
    );
    await replay.call('destination_config_failure', () =>
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'doesnotexist',
          EventSourceArn: somequeue,
          DestinationConfig: { OnSuccess: { Destination: queueArn('someotherqueue') } },
        }),
      ),
    );
    assert.equal(replay.compared.length, 6);
  });

  for (const test of ['test_event_source_mapping_lifecycle', 'test_event_source_mapping_lifecycle_delete_function']) {
    it(test, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::${test}`));
      const destination = `destination-${uid()}`;
      const tableName = `teststreamtable-${uid()}`;
      let lambda = await open('lambda_func', { Destination: queue(destination), Table: table(tableName, 'NEW_IMAGE') });
      const name = project.name;
      const created = await replay.call('create_response', () =>
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: name,
            EventSourceArn: tableStreamArn(tableName),
            DestinationConfig: { OnFailure: { Destination: queueArn(destination) } },
            BatchSize: 1,
            StartingPosition: 'TRIM_HORIZON',
            MaximumBatchingWindowInSeconds: 1,
            MaximumRetryAttempts: 1,
          }),
        ),
      );
      const UUID = 'body' in created ? String(created.body.UUID) : '';
      await replay.call('get_response', () => lambda.send(new GetEventSourceMappingCommand({ UUID })));
      if (test.endsWith('_delete_function')) {
        await project.deleteFunction();
        lambda = project.client;
        const gone = await sdkOutcome(() => lambda.send(new GetFunctionCommand({ FunctionName: name })));
        assert.ok('error' in gone && gone.error.code === 'ResourceNotFoundException', 'the function is gone');
        // the mapping outlives its function, still Enabled
        await replay.call('get_response_post_delete', () => lambda.send(new GetEventSourceMappingCommand({ UUID })));
      }
      await replay.call('delete_response', () => lambda.send(new DeleteEventSourceMappingCommand({ UUID })));
    });
  }

  it('test_function_name_variations', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_function_name_variations`));
    const source = `queue-${uid()}`;
    const lambda = await open('lambda_func', { Source: queue(source) });
    const name = project.name;
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: name, FunctionVersion: v1.Version, Name: 'myalias' }));
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const createEsm = async (scope: string, functionName: string) => {
      const created = await replay.call(`${scope}_create_esm`, () =>
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: queueArn(source) })),
      );
      const UUID = 'body' in created ? String(created.body.UUID) : '';
      assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, 'Enabled');
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
      const deleted = await sdkOutcome(() => lambda.send(new GetEventSourceMappingCommand({ UUID })));
      assert.ok('error' in deleted && deleted.error.code === 'ResourceNotFoundException', 'the mapping is gone');
    };
    await createEsm('name_only', name);
    await createEsm('partial_arn_latest', `${name}:$LATEST`);
    await createEsm('partial_arn_version', `${name}:${v1.Version}`);
    await createEsm('partial_arn_alias', `${name}:${alias.Name}`);
    await createEsm('full_arn_latest', fn.Configuration!.FunctionArn!);
    await createEsm('full_arn_version', v1.FunctionArn!);
    await createEsm('full_arn_alias', alias.AliasArn!);
    assert.equal(replay.compared.length, 7);
  });

  it('test_create_event_source_validation', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_create_event_source_validation`));
    const tableName = `table-${uid()}`;
    const lambda = await open('function', { Table: table(tableName, 'NEW_AND_OLD_IMAGES') });
    const create = (key: string, input: Partial<CreateEventSourceMappingCommandInput>) =>
      replay.call(key, () =>
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: project.name, EventSourceArn: tableStreamArn(tableName), ...input })),
      );
    await create('no_starting_position', {});
    await create('invalid_starting_position', { StartingPosition: 'invalid' as 'LATEST' });
    // AT_TIMESTAMP is Kinesis's only
    await create('incompatible_starting_position', { StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date(1741010802 * 1000) });
  });

  it('test_create_event_source_validation_kinesis', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_create_event_source_validation_kinesis`));
    const stream = `stream-${uid()}`;
    const lambda = await open('function', { Stream: { type: 'AWS::Kinesis::Stream', props: `Name: ${stream}\nShardCount: 1` } });
    const create = (key: string, input: Partial<CreateEventSourceMappingCommandInput>) =>
      replay.call(key, () => lambda.send(new CreateEventSourceMappingCommand({ FunctionName: project.name, EventSourceArn: kinesisArn(stream), ...input })));
    await create('no_starting_position', {});
    await create('invalid_starting_position', { StartingPosition: 'invalid' as 'LATEST' });
  });

  it('test_create_event_filter_criteria_validation', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_create_event_filter_criteria_validation`));
    const tableName = `table-${uid()}`;
    const lambda = await open('function', { Table: table(tableName, 'NEW_AND_OLD_IMAGES') });
    const created = await replay.call('response-with-empty-filters', () =>
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: project.name,
          EventSourceArn: tableStreamArn(tableName),
          StartingPosition: 'LATEST',
          FilterCriteria: { Filters: [] },
        }),
      ),
    );
    const UUID = 'body' in created ? String(created.body.UUID) : '';
    assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, 'Enabled');
    // The rest of the recorded test are boto3's client-side ParamValidationErrors: AWS answered nothing.
  });

  it('test_create_event_source_self_managed (its first answer: Kafka sources are not polled here)', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_create_event_source_self_managed`));
    const lambda = await open('function');
    await replay.call('missing-source-access-configuration', () =>
      lambda.send(
        new CreateEventSourceMappingCommand({
          Topics: ['topic'],
          FunctionName: project.name,
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka:1000'] } },
        }),
      ),
    );
    // With credentials, AWS creates the mapping; we answer that Kafka is not polled locally.
    const kafka = await sdkOutcome(() =>
      lambda.send(
        new CreateEventSourceMappingCommand({
          Topics: ['topic'],
          FunctionName: project.name,
          SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: `arn:aws:secretsmanager:${REGION}:${LOCAL_ACCOUNT_ID}:secret:secret-${uid()}` }],
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka:1000'] } },
        }),
      ),
    );
    assert.ok('error' in kafka && kafka.status === 400 && /Kafka event sources are not polled locally/.test(kafka.error.message), JSON.stringify(kafka));
  });
});
