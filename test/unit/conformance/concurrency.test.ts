import { strict as assert } from 'node:assert';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { ConformanceProject, type FunctionSpec } from './conformanceProject';
import { recording, Replay } from './replay';

// Reserved and provisioned concurrency as AWS answers them: LocalStack's TestLambdaReservedConcurrency
// and TestLambdaProvisionedConcurrency (test_lambda_api.py), replayed call by call against our Lambda
// API and compared with AWS's recorded answers (recorded/README.md). Each test's function is a
// template function configured as the fixture's (create_lambda_function: the echo handler as
// handler.handler, python3.12, Timeout 30, Environment with no Variables); CreateFunction is not served.
//
// The account's concurrency: AWS's recordings hide its numbers behind placeholders, but the tests
// ran only on an account of at least 101 (check_concurrency_quota), and a provisioned environment of
// one version fitted beside the minimum 100 unreserved: AWS's default account limit, 1000, which the
// engine is opened with (`accountConcurrency`). GetAccountSettings is not served: where a test reads
// the account's limits, it takes them from that setting.

const RECORDED = 'test_lambda_api.snapshot.json';
const RESERVED = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaReservedConcurrency';
const PROVISIONED = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency';
const ACCOUNT_CONCURRENCY = 1000;
const FIXTURE_FUNCTION: FunctionSpec = {
  handler: 'handler.handler',
  props: 'Timeout: 30\nEnvironment:\n  Variables: {}',
  settings: { accountConcurrency: ACCOUNT_CONCURRENCY },
};

describe('conformance: concurrency (TestLambdaReservedConcurrency, TestLambdaProvisionedConcurrency, recorded against AWS)', function () {
  this.timeout(60000);
  const project = new ConformanceProject();
  afterEach(() => project.close());

  describe('reserved concurrency', () => {
    it('test_function_concurrency_exceptions', async () => {
      const replay = replayOf(`${RESERVED}::test_function_concurrency_exceptions`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      await replay.call('put_function_concurrency_with_function_name_doesnotexist', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'doesnotexist', ReservedConcurrentExecutions: 1 })),
      );
      await replay.call('put_function_concurrency_with_function_name_doesnotexist_and_invalid_concurrency', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'doesnotexist', ReservedConcurrentExecutions: 0 })),
      );
      const latest = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '$LATEST' }));
      await replay.call('put_function_concurrency_with_qualified_arn', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: latest.FunctionArn, ReservedConcurrentExecutions: 0 })),
      );
      everyCompared(replay);
    });

    it('test_function_concurrency_limits', async () => {
      const replay = replayOf(`${RESERVED}::test_function_concurrency_limits`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      await replay.call('put_function_concurrency_account_limit_exceeded', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: ACCOUNT_CONCURRENCY + 1 })),
      );
      await replay.call('put_function_concurrency_below_unreserved_min_value', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: ACCOUNT_CONCURRENCY })),
      );
      everyCompared(replay);
    });

    it('test_function_concurrency', async () => {
      const replay = replayOf(`${RESERVED}::test_function_concurrency`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      await replay.call('put_function_concurrency_with_reserved_0', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 })),
      );
      await replay.call('put_function_concurrency_with_reserved_1', () =>
        client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 })),
      );
      await replay.call('get_function_concurrency', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
      await replay.call('delete_response', () => client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name })));
      await replay.call('get_function_concurrency_after_delete', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
      // The largest reservation the test's account allows (not recorded: it depends on the account):
      // its UnreservedConcurrentExecutions (nothing reserved now) less the test's 101.
      const max = ACCOUNT_CONCURRENCY - 101;
      const putMax = await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: max }));
      assert.equal(putMax.ReservedConcurrentExecutions, max);
      everyCompared(replay);
    });
  });

  describe('provisioned concurrency', () => {
    it('test_provisioned_concurrency_exceptions', async () => {
      const replay = replayOf(`${PROVISIONED}::test_provisioned_concurrency_exceptions`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      const published = await replay.call('publish_version_result', () => client.send(new PublishVersionCommand({ FunctionName: name })));
      const version = 'body' in published ? String(published.body.Version) : '';
      const get = (key: string, FunctionName: string, Qualifier: string) =>
        replay.call(key, () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier })));
      await get('get_provisioned_config_doesnotexist', name, version);
      await get('get_provisioned_functionname_doesnotexist', 'doesnotexist', 'noalias');
      await get('get_provisioned_qualifier_doesnotexist', name, 'noalias');
      await get('get_provisioned_version_doesnotexist', name, '10');
      await get('get_provisioned_latest', name, '$LATEST');

      await replay.call('list_provisioned_noconfigs', () => client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: name })));
      await replay.call('list_provisioned_functionname_doesnotexist', () =>
        client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'doesnotexist' })),
      );

      const del = (key: string, FunctionName: string, Qualifier: string) =>
        replay.call(key, () => client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier })));
      await del('delete_provisioned_functionname_doesnotexist', 'doesnotexist', version);
      await del('delete_provisioned_qualifier_doesnotexist', name, 'noalias');
      await del('delete_provisioned_version_doesnotexist', name, '10');
      await del('delete_provisioned_latest', name, '$LATEST');
      await del('delete_provisioned_config_doesnotexist', name, version);

      const put = (key: string, FunctionName: string, Qualifier: string, ProvisionedConcurrentExecutions: number) =>
        replay.call(key, () => client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier, ProvisionedConcurrentExecutions })));
      await put('put_provisioned_invalid_param_0', name, version, 0);
      await put('put_provisioned_functionname_doesnotexist_alias', 'doesnotexist', 'noalias', 1);
      await put('put_provisioned_functionname_doesnotexist_version', 'doesnotexist', '1', 1);
      await put('put_provisioned_qualifier_doesnotexist', name, 'doesnotexist', 1);
      await put('put_provisioned_version_doesnotexist', name, '10', 1);
      await put('put_provisioned_latest', name, '$LATEST', 1);
      everyCompared(replay);
    });

    it('test_provisioned_concurrency_limits', async () => {
      const replay = replayOf(`${PROVISIONED}::test_provisioned_concurrency_limits`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      const { Version } = await client.send(new PublishVersionCommand({ FunctionName: name }));
      const put = (key: string, count: number) =>
        replay.call(key, () =>
          client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: Version, ProvisionedConcurrentExecutions: count })),
        );
      const exceeded = await put('put_provisioned_concurrency_account_limit_exceeded', ACCOUNT_CONCURRENCY + 1);
      // the account's unreserved concurrency named is its ConcurrentExecutions (nothing reserved)
      assert.ok('error' in exceeded && exceeded.error.message.includes(`[${ACCOUNT_CONCURRENCY}]`), JSON.stringify(exceeded));
      await put('put_provisioned_concurrency_below_unreserved_min_value', ACCOUNT_CONCURRENCY);
      everyCompared(replay);
    });

    it('test_lambda_provisioned_lifecycle', async () => {
      const replay = replayOf(`${PROVISIONED}::test_lambda_provisioned_lifecycle`);
      const { client, name } = await project.open(FIXTURE_FUNCTION, 'lambda_func');
      const published = await replay.call('publish_version_result', () => client.send(new PublishVersionCommand({ FunctionName: name })));
      const version = 'body' in published ? String(published.body.Version) : '';
      const alias = `alias-${Math.random().toString(16).slice(2, 10)}`;
      await replay.call('create_alias_result', () => client.send(new CreateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: version })));
      const put = (key: string, Qualifier: string) =>
        replay.call(key, () => client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier, ProvisionedConcurrentExecutions: 1 })));
      await put('put_provisioned_on_version', version);
      await put('put_provisioned_on_alias_versionconflict', alias);
      await waitReady(client, name, version);
      await replay.call('delete_provisioned_version', () =>
        client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version })),
      );
      await replay.call('get_provisioned_version_postdelete', () =>
        client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version })),
      );
      await put('put_provisioned_on_alias', alias);
      await put('put_provisioned_on_version_conflict', version);
      await replay.call('delete_alias_result', () => client.send(new DeleteAliasCommand({ FunctionName: name, Name: alias })));
      await replay.call('get_provisioned_alias_postaliasdelete', () =>
        client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: alias })),
      );
      await replay.call('list_response_postdeletes', () => client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: name })));
      everyCompared(replay);
    });
  });
});

const recorded = new Map<Replay, string>();

/** The replay of a recorded test. */
function replayOf(testId: string): Replay {
  const replay = new Replay(recording(RECORDED, testId));
  recorded.set(replay, testId);
  return replay;
}

/** Every answer AWS gave in the recorded test was compared. */
function everyCompared(replay: Replay): void {
  assert.deepEqual([...replay.compared].sort(), Object.keys(recording(RECORDED, recorded.get(replay)!)).sort());
}

/** The test's wait: the version's provisioned environments READY (FAILED ends it). */
async function waitReady(client: LambdaClient, name: string, version: string): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const { Status, StatusReason } = await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version }));
    if (Status === 'READY') return;
    assert.notEqual(Status, 'FAILED', StatusReason);
    assert.ok(Date.now() < deadline, `provisioned concurrency of ${name}:${version} still ${Status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
