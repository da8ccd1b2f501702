import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import {
  CreateAliasCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
  type PutFunctionEventInvokeConfigCommandInput,
} from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { recording, Replay } from './replay';

// Event invoke configs as AWS answers them: LocalStack's TestLambdaEventInvokeConfig
// (test_lambda_api.py), replayed call by call against our Lambda API and compared with AWS's recorded
// answers (recorded/README.md). CreateFunction is not served: the recorded tests' functions
// (python3.12, handler.handler, an echo handler, Timeout 30, no environment variables) are template
// functions here, the second one being the destination Lambda of the exceptions test.

const RECORDED = 'test_lambda_api.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig';
const ECHO = 'def handler(event, context):\n    return event\n';

/** Template functions configured as LocalStack's create_lambda_function makes them, behind our Lambda API. */
class Project {
  private dir: string | undefined;
  private workbench: Workbench | undefined;
  private api: TestApi | undefined;

  async open(names: string[]): Promise<LambdaClient> {
    const functions = Object.fromEntries(
      names.map((name, i) => [
        `Fn${i}`,
        { handler: 'handler.handler', runtime: 'python3.12', props: `FunctionName: ${name}\nTimeout: 30\nEnvironment:\n  Variables: {}` },
      ]),
    );
    this.dir = writeProject({ 'template.yaml': samTemplate(functions), 'src/handler.py': ECHO });
    this.workbench = await openProject(this.dir, { hotReload: false, asyncWorkers: false });
    this.api = await startLambdaApi(this.workbench);
    return this.api.client;
  }

  async close(): Promise<void> {
    await this.api?.close();
    await this.workbench?.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.api = undefined;
    this.workbench = undefined;
    this.dir = undefined;
  }
}

const uid = () => randomBytes(4).toString('hex');

describe('conformance: event invoke configs (TestLambdaEventInvokeConfig, recorded against AWS)', function () {
  this.timeout(60000);
  const project = new Project();
  afterEach(() => project.close());

  it('test_lambda_eventinvokeconfig_lifecycle', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_lambda_eventinvokeconfig_lifecycle`));
    const name = `fn-eventinvoke-${uid()}`;
    const lambda = await project.open([name]);
    const put = (key: string, input: Omit<PutFunctionEventInvokeConfigCommandInput, 'FunctionName'>) =>
      replay.call(key, () => lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, ...input })));
    await put('put_invokeconfig_retries_0', { MaximumRetryAttempts: 0 });
    await put('put_invokeconfig_eventage_60', { MaximumEventAgeInSeconds: 60 });
    await replay.call('update_invokeconfig_eventage_nochange', () =>
      lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 60 })),
    );
    await replay.call('update_invokeconfig_retries', () =>
      lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 })),
    );
    await replay.call('get_invokeconfig', () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })));
    await replay.call('get_invokeconfig_latest', () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: '$LATEST' })));
    await replay.call('list_single_invokeconfig', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name })));
    const published = await replay.call('publish_version_result', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    const version = 'body' in published ? String(published.body.Version) : '';
    await replay.call('get_invokeconfig_postpublish', () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: version })));
    await put('put_published_invokeconfig', { Qualifier: version, MaximumEventAgeInSeconds: 120 });
    await replay.call('get_published_invokeconfig', () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: version })));

    // Paging (not snapshotted, asserted by the recorded test): one and one make both
    const single = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name, MaxItems: 1 }));
    const all = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name }));
    assert.equal(single.FunctionEventInvokeConfigs?.length, 1);
    assert.equal(all.FunctionEventInvokeConfigs?.length, 2);
    assert.equal(all.NextMarker, undefined);
    const rest = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name, Marker: single.NextMarker, MaxItems: 1 }));
    assert.equal(rest.FunctionEventInvokeConfigs?.length, 1);
    assert.deepEqual(
      new Set([single, rest].map((page) => page.FunctionEventInvokeConfigs![0]!.FunctionArn)),
      new Set(all.FunctionEventInvokeConfigs!.map((c) => c.FunctionArn)),
    );

    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
    await replay.call('list_paging_nolimit_postdelete', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name })));
    assert.equal(replay.compared.length, 12);
  });

  it('test_lambda_eventinvokeconfig_exceptions', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_lambda_eventinvokeconfig_exceptions`), {
      sortBy: { FunctionEventInvokeConfigs: 'FunctionArn' },
    });
    const name = `fn-eventinvoke-${uid()}`;
    const name2 = `fn-eventinvoke-2-${uid()}`;
    const lambda = await project.open([name, name2]);
    const fnArn = (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration!.FunctionArn!;
    const fnArn2 = (await lambda.send(new GetFunctionCommand({ FunctionName: name2 }))).Configuration!.FunctionArn!;
    const version = await replay.call('fn_version_result', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    const fnVersion = 'body' in version ? String(version.body.Version) : '';
    const alias = await replay.call('fn_alias_result', () =>
      lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'eventinvokealias', FunctionVersion: fnVersion })),
    );
    const fnAlias = 'body' in alias ? String(alias.body.Name) : '';
    const aliasArn = 'body' in alias ? String(alias.body.AliasArn) : '';
    const fakeArn = fnArn.replace(`:function:${name}`, ':function:doesnotexist');

    const put = (key: string, input: PutFunctionEventInvokeConfigCommandInput) =>
      replay.call(key, () => lambda.send(new PutFunctionEventInvokeConfigCommand(input)));
    const get = (key: string, FunctionName: string, Qualifier?: string) =>
      replay.call(key, () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName, Qualifier })));
    const update = (key: string, FunctionName: string) =>
      replay.call(key, () => lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName, MaximumRetryAttempts: 0 })));
    const del = (key: string, FunctionName: string, Qualifier?: string) =>
      replay.call(key, () => lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName, Qualifier })));

    // FunctionName
    await put('put_functionname_name_notfound', { FunctionName: 'doesnotexist', MaximumRetryAttempts: 1 });
    await put('put_functionname_arn_notfound', { FunctionName: fakeArn, MaximumRetryAttempts: 1 });
    await put('put_functionname_nootherargs', { FunctionName: 'doesnotexist' });
    // Destinations
    await put('put_destination_lambda_doesntexist', { FunctionName: name, DestinationConfig: { OnSuccess: { Destination: fakeArn } } });
    await put('put_destination_recursive', { FunctionName: name, DestinationConfig: { OnSuccess: { Destination: fnArn } } });
    await put('put_destination_other_lambda', { FunctionName: name, DestinationConfig: { OnSuccess: { Destination: fnArn2 } } });
    await put('put_destination_invalid_service_arn', {
      FunctionName: name,
      DestinationConfig: { OnSuccess: { Destination: fnArn.replace(':lambda:', ':iam:') } },
    });
    await put('put_destination_success_no_destination_arn', { FunctionName: name, DestinationConfig: { OnSuccess: {} } });
    await put('put_destination_failure_no_destination_arn', { FunctionName: name, DestinationConfig: { OnFailure: {} } });
    await put('put_destination_invalid_arn_pattern', {
      FunctionName: name,
      DestinationConfig: { OnFailure: { Destination: fnArn.replace(':lambda:', ':_-/!lambda:') } },
    });
    // Function name and qualifier
    await put('put_destination_latest', { FunctionName: name, MaximumRetryAttempts: 1 });
    await put('put_destination_latest_explicit_qualifier', { FunctionName: name, Qualifier: '$LATEST', MaximumRetryAttempts: 1 });
    await put('put_destination_version', { FunctionName: name, Qualifier: fnVersion, MaximumRetryAttempts: 1 });
    await put('put_alias_functionname_qualifier', { FunctionName: name, Qualifier: fnAlias, MaximumRetryAttempts: 1 });
    await put('put_alias_doesnotexist', { FunctionName: name, Qualifier: `${fnAlias}doesnotexist`, MaximumRetryAttempts: 1 });
    await put('put_alias_qualifiedarn', { FunctionName: aliasArn, MaximumRetryAttempts: 1 });
    await put('put_alias_qualifiedarn_qualifier', { FunctionName: aliasArn, Qualifier: fnAlias, MaximumRetryAttempts: 1 });
    await put('put_alias_qualifiedarn_qualifierconflict', { FunctionName: aliasArn, Qualifier: `${fnAlias}doesnotexist`, MaximumRetryAttempts: 1 });
    await put('put_alias_shorthand', { FunctionName: `${name}:${fnAlias}`, MaximumRetryAttempts: 1 });
    await put('put_alias_shorthand_qualifier', { FunctionName: `${name}:${fnAlias}`, Qualifier: fnAlias, MaximumRetryAttempts: 1 });
    await put('put_alias_shorthand_qualifierconflict', {
      FunctionName: `${name}:${fnAlias}`,
      Qualifier: `${fnAlias}doesnotexist`,
      MaximumRetryAttempts: 1,
    });
    await put('put_version_shorthand', { FunctionName: `${name}:${fnVersion}`, MaximumRetryAttempts: 1 });
    await put('put_shorthand_qualifier_match', { FunctionName: `${name}:$LATEST`, Qualifier: '$LATEST', MaximumRetryAttempts: 1 });
    await put('put_shorthand_qualifier_mismatch_1', { FunctionName: `${name}:${fnVersion}`, Qualifier: '$LATEST', MaximumRetryAttempts: 1 });
    await put('put_shorthand_qualifier_mismatch_2', { FunctionName: `${name}:$LATEST`, Qualifier: fnVersion, MaximumRetryAttempts: 1 });
    await put('put_shorthand_qualifier_mismatch_3', { FunctionName: `${name}:${fnVersion}`, Qualifier: fnAlias, MaximumRetryAttempts: 1 });
    await put('put_maxevent_maxvalue_result', { FunctionName: name, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
    // Put replaces the config, Update changes the fields given
    await put('put_pre_overwrite', { FunctionName: name, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
    await put('put_post_overwrite', { FunctionName: name, MaximumRetryAttempts: 0 });
    await put('second_overwrite_existing_response', { FunctionName: name, MaximumRetryAttempts: 0 });
    const overwritten = await get('get_post_overwrite', name);
    assert.ok('body' in overwritten && overwritten.body.MaximumRetryAttempts === 0 && !('MaximumEventAgeInSeconds' in overwritten.body));
    await put('pre_update_response', { FunctionName: name, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
    await update('update_response', name);
    await update('update_response_existing', name);
    const updated = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
    assert.equal(updated.MaximumRetryAttempts, 0);
    assert.equal(updated.MaximumEventAgeInSeconds, 60);
    // Delete and list
    await replay.call('list_configs', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name })));
    const paged = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name, MaxItems: 2 }));
    assert.equal(paged.FunctionEventInvokeConfigs?.length, 2);
    assert.ok(paged.NextMarker);
    await del('delete_latest', name, '$LATEST');
    await del('delete_version', name, fnVersion);
    await del('delete_alias', name, fnAlias);
    await replay.call('list_configs_postdelete', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name })));
    await del('delete_function_not_found', name);
    await del('delete_function_doesnotexist', 'doesnotexist');
    // More errors
    await replay.call('list_function_doesnotexist', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'doesnotexist' })));
    await get('get_function_doesnotexist', 'doesnotexist');
    await get('get_qualifier_doesnotexist', name, 'doesnotexist');
    await update('update_eventinvokeconfig_function_doesnotexist', 'doesnotexist');
    await get('get_eventinvokeconfig_doesnotexist', aliasArn);
    await update('update_eventinvokeconfig_config_doesnotexist_with_qualifier', aliasArn);
    await update('update_eventinvokeconfig_config_doesnotexist_without_qualifier', fnArn);
    assert.equal(replay.compared.length, 50);
  });
});
