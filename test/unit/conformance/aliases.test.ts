import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  ListAliasesCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { ConformanceProject } from './conformanceProject';
import { recording, Replay } from './replay';

// Aliases as AWS answers them: LocalStack's TestLambdaAlias (test_lambda_api.py), replayed call by
// call against our Lambda API and compared with AWS's recorded answers (recorded/README.md).
// CreateFunction is not served (functions come from the template): each test's function is a
// template function configured as the recorded one, and UpdateFunctionConfiguration is done the local
// way, by editing the template. Their recorded answers ('create_response') are not compared.

const RECORDED = 'test_lambda_api.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias';

describe('conformance: aliases (TestLambdaAlias, recorded against AWS)', function () {
  this.timeout(60000);
  const project = new ConformanceProject();
  afterEach(() => project.close());

  it('test_alias_lifecycle', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_alias_lifecycle`), { sortBy: { Aliases: 'Name' } });
    const { client, name } = await project.open();
    await replay.call('publish_v1', () => client.send(new PublishVersionCommand({ FunctionName: name })));
    await project.setEnvironment({ testenv: 'prod' });
    const lambda = project.client;
    await replay.call('publish_v2', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    const alias11 = await replay.call('create_alias_1_1', () =>
      lambda.send(
        new CreateAliasCommand({
          FunctionName: name,
          Name: 'aliasname1_1',
          FunctionVersion: '1',
          Description: 'custom-alias',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.2 } },
        }),
      ),
    );
    await replay.call('get_alias_1_1', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname1_1' })));
    await replay.call('get_function_alias_1_1', () => lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: 'aliasname1_1' })));
    const aliasArn = 'body' in alias11 ? String(alias11.body.AliasArn) : '';
    await replay.call('get_function_byarn_alias_1_1', () => lambda.send(new GetFunctionCommand({ FunctionName: aliasArn })));
    await replay.call('get_function_alias_notfound_exc', () => lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: 'aliasdoesnotexist' })));
    await replay.call('get_function_alias_byarn_notfound_exc', () =>
      lambda.send(new GetFunctionCommand({ FunctionName: aliasArn.replace('aliasname1_1', 'aliasdoesnotexist') })),
    );
    await replay.call('create_alias_1_2', () =>
      lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'aliasname1_2', FunctionVersion: '1', Description: 'custom-alias' })),
    );
    await replay.call('get_alias_1_2', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname1_2' })));
    await replay.call('create_alias_1_3', () => lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'aliasname1_3', FunctionVersion: '1' })));
    await replay.call('get_alias_1_3', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname1_3' })));
    await replay.call('create_alias_2', () =>
      lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'aliasname2', FunctionVersion: '2', Description: 'custom-alias' })),
    );
    await replay.call('get_alias_2', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname2' })));
    // boto3's paginator with PageSize 1, its full result: every page's Aliases, no NextMarker
    replay.expect('list_aliases_for_fnname', { status: 200, body: { Aliases: await allAliases(lambda, name) } });
    await replay.call('update_alias_1_1', () =>
      lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: 'aliasname1_1', RoutingConfig: { AdditionalVersionWeights: {} } })),
    );
    await replay.call('get_alias_1_1_after_update', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname1_1' })));
    await replay.call('list_aliases_for_fnname_after_update', () => lambda.send(new ListAliasesCommand({ FunctionName: name })));
    await replay.call('update_alias_1_2', () => lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: 'aliasname1_2' })));
    await replay.call('get_alias_1_2_after_update', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'aliasname1_2' })));
    await replay.call('list_aliases_for_fnname_after_update_2', () => lambda.send(new ListAliasesCommand({ FunctionName: name })));
    await replay.call('list_aliases_for_version', () => lambda.send(new ListAliasesCommand({ FunctionName: name, FunctionVersion: '1' })));
    await replay.call('delete_alias_response', () => lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: 'aliasname1_1' })));
    await replay.call('list_aliases_for_fnname_afterdelete', () => lambda.send(new ListAliasesCommand({ FunctionName: name })));
  });

  it('test_non_existent_alias_deletion', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_non_existent_alias_deletion`));
    const { client, name } = await project.open();
    await replay.call('delete_alias_response', () => client.send(new DeleteAliasCommand({ FunctionName: name, Name: 'non-existent' })));
  });

  it('test_non_existent_alias_update', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_non_existent_alias_update`));
    const { client, name } = await project.open();
    await replay.call('update_alias_response', () => client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'non-existent' })));
  });

  it('test_notfound_and_invalid_routingconfigs', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_notfound_and_invalid_routingconfigs`));
    // Publish: true on create publishes version 1 with the function
    const { name } = await project.open();
    let lambda = project.client;
    await replay.call('publish_v1', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    await project.setEnvironment({ testenv: 'prod' });
    lambda = project.client;
    await replay.call('publish_v2', () => lambda.send(new PublishVersionCommand({ FunctionName: name })));
    const create = (
      key: string,
      input: { Name?: string; FunctionName?: string; FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights: Record<string, number> } },
    ) => replay.call(key, () => lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'custom', ...input })));
    await create('routing_config_exc_toomany', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '1': 0.8, '2': 0.2 } } });
    await create('routing_config_exc_toohigh', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 2 } } });
    await create('routing_config_exc_subzero', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': -1 } } });
    await create('routing_config_exc_sameversion', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } });
    await create('target_version_doesnotexist', { FunctionVersion: '10', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } });
    await create('routing_config_exc_version_doesnotexist', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '10': 0.5 } } });
    await create('target_version_exc_version_latest', { FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } });
    await create('routing_config_exc_version_latest', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { $LATEST: 0.5 } } });
    await create('create-alias-latest', { Name: 'custom-latest', FunctionVersion: '$LATEST' });
    await create('routing_config_exc_fn_doesnotexist', {
      FunctionName: `${name}-unknown`,
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
    });
    await create('create_alias_empty_routingconfig', {
      Name: 'custom-empty-routingconfig',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: {} },
    });
    await create('create_alias_response', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } });
    await create('routing_config_exc_already_exist', { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } });
    await replay.call('alias_does_not_exist_esc', () => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'non-existent' })));
  });

  it('test_alias_naming', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_alias_naming`));
    const { client, name } = await project.open();
    await replay.call('publish_v1', () => client.send(new PublishVersionCommand({ FunctionName: name })));
    await replay.call('create_alias_date', () =>
      client.send(new CreateAliasCommand({ FunctionName: name, Name: '2024-01-02', FunctionVersion: '1', Description: 'custom-alias' })),
    );
    await replay.call('get_alias_date', () => client.send(new GetAliasCommand({ FunctionName: name, Name: '2024-01-02' })));
    await client.send(new InvokeCommand({ FunctionName: `${name}:2024-01-02` }));
    await replay.call('create_alias_number_exception', () =>
      client.send(new CreateAliasCommand({ FunctionName: name, Name: '2024', FunctionVersion: '1', Description: 'custom-alias' })),
    );
  });
});

async function allAliases(lambda: ConformanceProject['client'], name: string): Promise<unknown[]> {
  const aliases: unknown[] = [];
  let Marker: string | undefined;
  do {
    const page = await lambda.send(new ListAliasesCommand({ FunctionName: name, MaxItems: 1, Marker }));
    aliases.push(...JSON.parse(JSON.stringify(page.Aliases ?? [])));
    Marker = page.NextMarker;
  } while (Marker);
  return aliases;
}
