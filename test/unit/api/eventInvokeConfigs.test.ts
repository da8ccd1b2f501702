import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';

// The template's EventInvokeConfig is $LATEST's config for the API (Get, List, Update) until it is
// deleted through the API; then asynchronous invocations use Lambda's defaults, until one is put.

describe("Event invoke configs: the template's, through the API", function () {
  this.timeout(30000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;
  const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Async';
  /** The config asynchronous invocations of $LATEST use. */
  const effective = () => workbench.catalog.withEventInvokeConfig(workbench.catalog.getFunction('Async')!, undefined).eventInvokeConfig;

  before(async () => {
    const props = 'EventInvokeConfig:\n  MaximumRetryAttempts: 0\n  MaximumEventAgeInSeconds: 300';
    dir = writeProject({ 'template.yaml': samTemplate({ Async: { handler: 'app.handler', props } }), 'src/app.js': 'exports.handler = async (e) => e;\n' });
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: false });
    api = await startLambdaApi(workbench);
    client = api.client;
  });
  after(async () => {
    await api.close();
    await workbench.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is listed, updated, deleted (then absent for invocations too) and put again', async () => {
    const listed = await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'Async' }));
    assert.deepEqual(
      listed.FunctionEventInvokeConfigs?.map((c) => [c.FunctionArn, c.MaximumRetryAttempts, c.MaximumEventAgeInSeconds]),
      [[`${ARN}:$LATEST`, 0, 300]],
    );
    const updated = await client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'Async', MaximumRetryAttempts: 1 }));
    assert.deepEqual([updated.MaximumRetryAttempts, updated.MaximumEventAgeInSeconds], [1, 300]);
    assert.deepEqual([effective()?.maximumRetryAttempts, effective()?.maximumEventAgeInSeconds], [1, 300]);

    const deleted = await client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'Async' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await assert.rejects(client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async' })), {
      name: 'ResourceNotFoundException',
      message: `The function ${ARN}:$LATEST doesn't have an EventInvokeConfig`,
    });
    assert.deepEqual((await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'Async' }))).FunctionEventInvokeConfigs, []);
    assert.equal(effective(), undefined, "the template's config no longer applies");
    await assert.rejects(client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'Async', MaximumRetryAttempts: 1 })), {
      name: 'ResourceNotFoundException',
    });
    await assert.rejects(client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'Async' })), { name: 'ResourceNotFoundException' });

    const put = await client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'Async', MaximumEventAgeInSeconds: 60 }));
    assert.deepEqual([put.MaximumRetryAttempts, put.MaximumEventAgeInSeconds], [undefined, 60]);
    assert.deepEqual([effective()?.maximumRetryAttempts, effective()?.maximumEventAgeInSeconds], [undefined, 60]);
  });

  it('Update and Put need a setting; List pages', async () => {
    await assert.rejects(client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'Async' })), {
      name: 'InvalidParameterValueException',
      message: 'You must specify at least one of error handling or destination setting.',
    });
    const page = await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'Async', MaxItems: 1 }));
    assert.equal(page.FunctionEventInvokeConfigs?.length, 1);
    assert.equal(page.NextMarker, undefined);
  });
});
