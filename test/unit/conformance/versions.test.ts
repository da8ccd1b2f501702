import {
  CreateAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { ConformanceProject } from './conformanceProject';
import { recording, Replay } from './replay';

// Versions and RevisionIds as AWS answers them: LocalStack's TestLambdaVersions and
// TestLambdaRevisions (test_lambda_api.py), replayed call by call against our Lambda API and
// compared with AWS's recorded answers (recorded/README.md). CreateFunction, UpdateFunctionCode and
// UpdateFunctionConfiguration are not served: a test's function is a template function configured
// as the recorded one (Publish: True on create is a PublishVersion), and an update is the local
// one, an edit of the template or the code and a reopen. The answers of the operations not served
// ('create_response', 'first_update_response', …) are not compared.

const RECORDED = 'test_lambda_api.snapshot.json';
const API = 'tests/aws/services/lambda_/test_lambda_api.py';
/** YAML's double-quoted scalar is JSON's string. */
const quoted = (text: string) => JSON.stringify(text);

describe('conformance: versions (TestLambdaVersions, recorded against AWS)', function () {
  this.timeout(60000);
  const TEST = `${API}::TestLambdaVersions`;
  const project = new ConformanceProject();
  afterEach(() => project.close());

  it('test_publish_version_on_create', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_publish_version_on_create`));
    const { client, name } = await project.open({}, 'fn');
    await client.send(new PublishVersionCommand({ FunctionName: name }));
    await replay.call('get_function_result', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('get_function_version_result', () => client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' })));
    await replay.call('get_function_latest_result', () => client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' })));
    await replay.call('list_versions_result', () => client.send(new ListVersionsByFunctionCommand({ FunctionName: name })));
    await replay.call('repeated_publish_response', () =>
      client.send(new PublishVersionCommand({ FunctionName: name, Description: 'Repeated version description :)' })),
    );
    await replay.call('list_versions_result_after_publish', () => client.send(new ListVersionsByFunctionCommand({ FunctionName: name })));
  });

  it('test_version_lifecycle', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_version_lifecycle`));
    const { name } = await project.open({ props: `Description: ${quoted('No version :(')}` }, 'fn');
    let lambda = project.client;
    await replay.call('get_function_result', () => lambda.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('list_versions_result', () => lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name })));
    await project.reconfigure({ props: `Description: ${quoted('First version :)')}` });
    lambda = project.client;
    await replay.call('first_update_get_function', () => lambda.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('first_publish_response', () =>
      lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'First version description :)' })),
    );
    await replay.call('first_publish_get_function', () => lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' })));
    await replay.call('first_publish_get_function_config', () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '1' })));
    await project.reconfigure({ props: `Description: ${quoted('Second version :))')}` });
    lambda = project.client;
    await replay.call('first_publish_get_function_after_update', () => lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' })));
    await replay.call('second_publish_response', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    await replay.call('third_publish_response', () =>
      lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'Third version description :)))' })),
    );
    await replay.call('list_versions_result_after_third_publish', () => lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name })));
    // DeleteFunction of version 1 is not served: 'list_versions_result_after_deletion_of_first_version' is not compared.
  });

  it('test_publish_with_wrong_sha256', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_publish_with_wrong_sha256`));
    const { client, name } = await project.open({}, 'fn');
    const got = await replay.call('get_fn_response', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('publish_wrong_sha256_exc', () => client.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: 'somenonexistentsha256' })));
    const sha = 'body' in got ? String((got.body.Configuration as { CodeSha256: string }).CodeSha256) : '';
    await replay.call('publish_result', () => client.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: sha })));
  });

  it('test_publish_with_wrong_revisionid', async () => {
    // Recorded by an earlier version of the test (python3.9, before LoggingConfig, SnapStart and
    // RuntimeVersionConfig were answered): its successful answers have fewer keys than AWS's today, so
    // only its error is compared.
    const replay = new Replay(recording(RECORDED, `${TEST}::test_publish_with_wrong_revisionid`));
    const { client, name } = await project.open({}, 'fn');
    await replay.call('publish_wrong_revisionid_exc', () =>
      client.send(new PublishVersionCommand({ FunctionName: name, RevisionId: 'somenonexistentrevisionid' })),
    );
  });

  it('test_publish_with_update', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_publish_with_update`));
    const { client, name } = await project.open({}, 'fn');
    await replay.call('get_function_result', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    // UpdateFunctionCode with Publish: True, the local way: new code, then PublishVersion.
    await project.setCode('def handler(event, context):\n    return {"version": 1, "event": event}\n');
    const lambda = project.client;
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    // AWS answered while the update was still going on (the version Pending, $LATEST's LastUpdateStatus
    // InProgress: "The function is being created."); ours has finished when the update is made, so
    // 'get_function_version_result' and 'get_function_latest_result' are not compared.
    await lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' }));
    await lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' }));
  });
});

describe('conformance: RevisionIds (TestLambdaRevisions, recorded against AWS)', function () {
  this.timeout(60000);
  const TEST = `${API}::TestLambdaRevisions`;
  /** What LocalStack's create_lambda_function fixture gives a function: Timeout 30, an empty Environment. */
  const FIXTURE = { environment: {}, props: 'Timeout: 30' };
  const project = new ConformanceProject();
  afterEach(() => project.close());

  it('test_function_revisions_basic', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_function_revisions_basic`));
    const { client, name } = await project.open(FIXTURE, 'fn');
    await replay.call('get_function_response_rev2', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    // UpdateFunctionCode (with the same code) is not served: 'update_function_revision_exception',
    // 'update_function_code_response_rev3' and 'get_function_response_rev4' are not compared; nor
    // UpdateFunctionConfiguration's own answers. Its effect, the local way: the runtime changed in the template.
    await project.reconfigure({ ...FIXTURE, runtime: 'python3.8' });
    const lambda = project.client;
    await replay.call('get_function_response_rev6', () => lambda.send(new GetFunctionCommand({ FunctionName: name })));
  });

  it('test_function_revisions_version_and_alias', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_function_revisions_version_and_alias`));
    const { client, name } = await project.open({ ...FIXTURE, handler: 'handler.handler' }, 'fn');
    const active = await replay.call('get_function_active_rev2', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('publish_version_revision_exception', () => client.send(new PublishVersionCommand({ FunctionName: name, RevisionId: 'wrong' })));
    const revision = 'body' in active ? (active.body.Configuration as { RevisionId: string }).RevisionId : '';
    await replay.call('publish_version_response_rev_v1', () => client.send(new PublishVersionCommand({ FunctionName: name, RevisionId: revision })));
    await replay.call('get_function_published_version_rev_v2', () => client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' })));
    await replay.call('get_function_latest_rev3', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    const alias = await replay.call('create_alias_response_rev_a1', () =>
      client.send(new CreateAliasCommand({ FunctionName: name, Name: 'revision_alias', FunctionVersion: '1' })),
    );
    await replay.call('get_function_latest_rev4', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    await replay.call('get_function_published_version_rev_v3', () => client.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '1' })));
    await replay.call('update_alias_revision_exception', () =>
      client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'revision_alias', RevisionId: 'wrong' })),
    );
    const aliasRevision = 'body' in alias ? String(alias.body.RevisionId) : '';
    await replay.call('update_alias_response_rev_a2', () =>
      client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'revision_alias', Description: 'something changed', RevisionId: aliasRevision })),
    );
  });
});
