import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';

// CreateEventSourceMapping … DeleteEventSourceMapping through the AWS SDK: AWS's shapes, defaults,
// validation and errors; template mappings listed with stable UUIDs; API mappings kept across restarts.

const TEMPLATE = `${samTemplate({
  Worker: { handler: 'app.handler', props: 'Events:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n      BatchSize: 5' },
  Reader: { handler: 'app.handler' },
})}${samResources({
  Jobs: 'AWS::SQS::Queue',
  Other: { type: 'AWS::SQS::Queue', props: 'QueueName: other-queue' },
  Clicks: { type: 'AWS::Kinesis::Stream', props: 'ShardCount: 2' },
})}`;

describe('event source mappings through the control-plane API', function () {
  this.timeout(30000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;

  const start = async () => {
    workbench = await openProject(dir, { hotReload: false, eventSourceMappings: false });
    api = await startLambdaApi(workbench);
    client = api.client;
  };
  const stop = async () => {
    await api.close();
    await workbench.close();
  };
  before(async () => {
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/app.js': 'exports.handler = async (e) => e;' });
    await start();
  });
  after(stop);

  const rejects = async (promise: Promise<unknown>, name: string, status: number, message?: RegExp) => {
    await assert.rejects(promise, (e: any) => {
      assert.equal(e.name, name, e.message);
      assert.equal(e.$metadata?.httpStatusCode, status);
      if (message) assert.match(e.message, message);
      return true;
    });
  };

  it("lists the template's mappings with AWS's shape and a stable UUID", async () => {
    const out = await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'Worker' }));
    assert.equal(out.EventSourceMappings?.length, 1);
    const m = out.EventSourceMappings![0];
    assert.match(m.UUID!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(m.EventSourceArn, 'arn:aws:sqs:us-east-1:000000000000:Jobs');
    assert.equal(m.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Worker');
    assert.equal(m.BatchSize, 5);
    assert.equal(m.MaximumBatchingWindowInSeconds, 0);
    assert.equal(m.State, 'Enabled');
    assert.ok(m.LastModified instanceof Date);
    await stop();
    await start();
    const again = await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'Worker' }));
    assert.equal(again.EventSourceMappings![0].UUID, m.UUID);
  });

  it('creates, gets, updates and deletes an SQS mapping; API mappings survive a restart', async () => {
    const created = await client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'Reader',
        EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:other-queue',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 2,
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 100);
    const got = await client.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
    assert.equal(got.State, 'Enabled');
    // AWS's answers for SQS mappings carry no LastProcessingResult (recorded: test_fifo_message_group_parallelism's Get)
    assert.equal(got.LastProcessingResult, undefined);
    const updated = await client.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: false, BatchSize: 10 }));
    assert.equal(updated.State, 'Disabling'); // AWS's answer to Enabled=false (recorded: test_disabled_dynamodb_event_source_mapping)
    await stop();
    await start();
    const afterRestart = await client.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
    assert.equal(afterRestart.State, 'Disabled');
    assert.equal(afterRestart.BatchSize, 10);
    assert.equal(afterRestart.MaximumBatchingWindowInSeconds, 2, 'what the update did not give stays');
    const deleted = await client.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    assert.equal(deleted.State, 'Deleting');
    await rejects(client.send(new GetEventSourceMappingCommand({ UUID: created.UUID })), 'ResourceNotFoundException', 404);
  });

  it('a Kinesis mapping: StartingPosition required, stream settings with their defaults', async () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/Clicks';
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: arn })),
      'InvalidParameterValueException',
      400,
      /Value null at 'startingPosition' failed to satisfy constraint: Member must not be null\./,
    );
    const created = await client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'Reader',
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:other-queue' } },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    assert.equal(created.BatchSize, 100);
    assert.equal(created.ParallelizationFactor, 1);
    assert.equal(created.MaximumRetryAttempts, -1);
    assert.equal(created.MaximumRecordAgeInSeconds, -1);
    assert.equal(created.BisectBatchOnFunctionError, true);
    assert.equal(created.StartingPosition, 'TRIM_HORIZON');
    assert.deepEqual(created.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(created.DestinationConfig?.OnFailure?.Destination, 'arn:aws:sqs:us-east-1:000000000000:other-queue');
    const byArn = await client.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn }));
    assert.deepEqual(
      byArn.EventSourceMappings!.map((m) => m.UUID),
      [created.UUID],
    );
    await client.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  });

  it("AWS's validation and errors", async () => {
    const queue = 'arn:aws:sqs:us-east-1:000000000000:other-queue';
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue, BatchSize: 20 })),
      'InvalidParameterValueException',
      400,
      /Maximum batch window in seconds must be greater than 0/,
    );
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue, BatchSize: 20000, MaximumBatchingWindowInSeconds: 1 })),
      'InvalidParameterValueException',
      400,
      /less than or equal to 10000/,
    );
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue, StartingPosition: 'LATEST' })),
      'InvalidParameterValueException',
      400,
      /Unsupported StartingPosition parameter for the event source type sqs/,
    );
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Nope', EventSourceArn: queue })),
      'InvalidParameterValueException',
      400,
      /^Function does not exist$/,
    );
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: 'arn:aws:s3:::bucket' })),
      'InvalidParameterValueException',
      400,
      /Unrecognized event source/,
    );
    await rejects(
      client.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue, FilterCriteria: { Filters: [{ Pattern: '{not json' }] } }),
      ),
      'InvalidParameterValueException',
      400,
      /Invalid filter pattern/,
    );
    const first = await client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue }));
    await rejects(
      client.send(new CreateEventSourceMappingCommand({ FunctionName: 'Reader', EventSourceArn: queue })),
      'ResourceConflictException',
      409,
      new RegExp(`existing mapping with UUID ${first.UUID}`),
    );
    await client.send(new DeleteEventSourceMappingCommand({ UUID: first.UUID }));
  });

  it('a template mapping can be disabled and deleted through the API (kept in the state directory)', async () => {
    const [m] = (await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'Worker' }))).EventSourceMappings!;
    await client.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: false }));
    assert.equal((await client.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State, 'Disabled');
    await client.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
    assert.equal((await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'Worker' }))).EventSourceMappings!.length, 0);
    assert.ok(fs.existsSync(path.join(dir, '.lambda-workbench', 'esm', `${m.UUID}.json`)));
  });
});
