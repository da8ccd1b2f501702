import {
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import * as fs from 'node:fs';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { ConformanceProject } from './conformanceProject';
import { recording, Replay, sdkOutcome } from './replay';

// Functions as AWS answers them: LocalStack's TestLambdaFunction tests of function names, qualifiers,
// regions and lists (test_lambda_api.py), replayed against our Lambda API and compared with AWS's
// recorded answers (recorded/README.md). Only the operations we serve are replayed: GetFunction,
// GetFunctionConfiguration, GetFunctionEventInvokeConfig, GetFunctionConcurrency, Invoke and
// ListFunctions. DeleteFunction, CreateFunction, GetFunctionUrlConfig and
// GetFunctionCodeSigningConfig are not served, and their recorded answers are not compared.

const RECORDED = 'test_lambda_api.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_api.py::TestLambdaFunction';

type Op = (client: LambdaClient, input: { FunctionName: string; Qualifier?: string }) => Promise<unknown>;
const OPS: Record<string, Op> = {
  get_function: (c, i) => c.send(new GetFunctionCommand(i)),
  get_function_configuration: (c, i) => c.send(new GetFunctionConfigurationCommand(i)),
  get_function_event_invoke_config: (c, i) => c.send(new GetFunctionEventInvokeConfigCommand(i)),
  get_function_concurrency: (c, i) => c.send(new GetFunctionConcurrencyCommand({ FunctionName: i.FunctionName })),
  invoke: (c, i) => c.send(new InvokeCommand({ ...i, Payload: Buffer.from('{}') })),
};

describe('conformance: functions (TestLambdaFunction, recorded against AWS)', function () {
  this.timeout(60000);
  const project = new ConformanceProject();
  let client: LambdaClient;
  let name: string;
  let region: string;
  before(async () => {
    // One function as the tests create it ("i-exist-…", python3.12, Description "Initial description").
    ({ client, name } = await project.open({ props: 'Description: Initial description' }, 'i-exist'));
    region = await client.config.region();
  });
  after(() => project.close());

  for (const op of ['get_function', 'get_function_configuration']) {
    it(`test_ops_with_arn_qualifier_mismatch[${op}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_ops_with_arn_qualifier_mismatch[${op}]`));
      const arn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:some-function`;
      await replay.call('not_match_exception', () => OPS[op]!(client, { FunctionName: `${arn}:1`, Qualifier: '$LATEST' }));
      await replay.call('match_exception', () => OPS[op]!(client, { FunctionName: `${arn}:$LATEST`, Qualifier: '$LATEST' }));
    });
  }

  for (const op of ['get_function', 'get_function_configuration', 'get_function_event_invoke_config']) {
    it(`test_ops_on_nonexisting_version[${op}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_ops_on_nonexisting_version[${op}]`));
      await replay.call('version_not_found_exception', () => OPS[op]!(client, { FunctionName: name, Qualifier: '1221' }));
    });
  }

  for (const op of ['get_function', 'get_function_configuration', 'get_function_event_invoke_config', 'get_function_concurrency']) {
    it(`test_ops_on_nonexisting_fn[${op}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_ops_on_nonexisting_fn[${op}]`));
      await replay.call('not_found_exception', () => OPS[op]!(client, { FunctionName: `i-dont-exist-${Date.now().toString(36)}` }));
    });
  }

  for (const op of ['get_function', 'get_function_configuration', 'get_function_event_invoke_config', 'get_function_concurrency', 'invoke']) {
    it(`test_get_function_wrong_region[${op}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::test_get_function_wrong_region[${op}]`));
      const wrongRegion = region !== 'us-east-1' ? 'us-east-1' : 'eu-central-1';
      const arn = `arn:aws:lambda:${wrongRegion}:${LOCAL_ACCOUNT_ID}:function:${name}`;
      await replay.call('wrong_region_exception', () => OPS[op]!(client, { FunctionName: arn }));
    });
  }

  it('test_invalid_invoke', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_invalid_invoke`));
    await replay.call('invoke_function_name_pattern_exc', () => OPS.invoke!(client, { FunctionName: `arn:aws:lambda:${region}:123400000000@function:myfn` }));
  });

  // The test's cases (its parameters; {region_name} and {account_id} are the client's), for the
  // operations we serve. The recordings of qualifier_too_long0, qualifier_too_long1 and
  // function_name_and_qualifier_too_long come from an earlier version of the test whose inputs the
  // current test file no longer has: they are not compared.
  const a = (n: number) => 'a'.repeat(n);
  const CASES: Record<string, { FunctionName: string; Qualifier?: string }> = {
    invalid_characters_in_function_name: { FunctionName: 'my-function!' },
    function_name_is_single_invalid: { FunctionName: '*' },
    invalid_characters_in_qualifier: { FunctionName: 'my-function', Qualifier: 'invalid!' },
    qualifier_too_long: { FunctionName: 'my-function', Qualifier: a(129) },
    invalid_account_id_in_partial_arn: { FunctionName: 'invalid-account:function:my-function' },
    invalid_region_in_arn: { FunctionName: 'arn:aws:lambda:invalid-region:{account_id}:function:my-function' },
    non_lambda_arn: { FunctionName: 'arn:aws:ec2:{region_name}:{account_id}:instance:i-1234567890abcdef0' },
    function_name_too_long: { FunctionName: a(65) },
    function_name_too_long_and_invalid_region: { FunctionName: `arn:aws:lambda:invalid-region:{account_id}:function:my-function${a(170)}` },
    full_arn_and_qualifier_too_long_and_invalid_region: {
      FunctionName: `arn:aws:lambda:invalid-region:{account_id}:function:my-function-${a(170)}`,
      Qualifier: a(129),
    },
    full_arn_with_multiple_qualifiers: { FunctionName: 'arn:aws:lambda:{region_name}:{account_id}:function:my-function:1:2' },
    incomplete_arn: { FunctionName: 'arn:aws:lambda:{region_name}:{account_id}:function' },
    partial_arn_with_extra_qualifier: { FunctionName: 'function:my-function:$LATEST:extra' },
    latest_version_with_additional_qualifier: { FunctionName: 'arn:aws:lambda:{region_name}:{account_id}:function:my-function:$LATEST', Qualifier: '1' },
    lowercase_latest_qualifier: { FunctionName: 'arn:aws:lambda:{region_name}:{account_id}:function:my-function', Qualifier: '$latest' },
    missing_region_in_arn: { FunctionName: 'arn:aws:lambda::{account_id}:function:my-function' },
    missing_account_id_in_arn: { FunctionName: 'arn:aws:lambda:{region_name}::function:my-function' },
    misspelled_latest_in_arn: { FunctionName: 'arn:aws:lambda:{region_name}:{account_id}:function:my-function:$LATES' },
  };
  for (const [id, input] of Object.entries(CASES)) {
    for (const op of ['get_function', 'invoke']) {
      it(`test_function_name_and_qualifier_validation[${id}-${op}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::test_function_name_and_qualifier_validation[${id}-${op}]`));
        const FunctionName = input.FunctionName.replace('{region_name}', region).replace('{account_id}', LOCAL_ACCOUNT_ID);
        const outcome = await sdkOutcome(() => OPS[op]!(client, { ...input, FunctionName }));
        if (!('error' in outcome)) throw new Error(`${id}-${op} succeeded`);
        // The test's own transform: a validation error's messages extracted, sorted and counted; the
        // runs of a's named by their length (170, the longest ARN GetFunction and Invoke take, then 129, 65).
        let message = outcome.error.message;
        for (const n of [170, 129, 65]) message = message.split(a(n)).join(`<a:len(${n})>`);
        const errors = [...outcome.error.message.matchAll(/(Value '.*?' at '.*?' failed to satisfy constraint: .+?(?=;|$))/g)].map((m) => m[1]!).sort();
        const named = errors.map((e) => [170, 129, 65].reduce((text, n) => text.split(a(n)).join(`<a:len(${n})>`), e));
        replay.expectValue(
          `${op}_exception`,
          named.length > 0 ? { Code: outcome.error.code, Errors: named, Count: named.length } : { Code: outcome.error.code, Message: message },
        );
      });
    }
  }
});

describe('conformance: ListFunctions (TestLambdaFunction::test_list_functions, recorded against AWS)', function () {
  this.timeout(60000);
  let dir: string | undefined;
  let workbench: Workbench | undefined;
  let api: TestApi | undefined;
  after(async () => {
    await api?.close();
    await workbench?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('test_list_functions', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::test_list_functions`), { sortBy: { Functions: 'FunctionArn' } });
    // Two functions as the test's fixture creates them (python3.12, handler.handler, Timeout 30,
    // 128 MB, an empty Environment, one role, each its own package); the first published with its
    // creation (Publish: True), the local way: PublishVersion.
    const uid = Date.now().toString(36);
    const props = (n: number) =>
      [
        `FunctionName: list-fn-${n}-${uid}`,
        'Timeout: 30',
        'MemorySize: 128',
        `Role: arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/lambda-su-role`,
        'Environment:',
        '  Variables: {}',
      ].join('\n');
    dir = writeProject({
      'template.yaml': samTemplate({
        Fn1: { handler: 'handler.handler', runtime: 'python3.12', codeUri: 'src1', props: props(1) },
        Fn2: { handler: 'handler.handler', runtime: 'python3.12', codeUri: 'src2', props: props(2) },
      }),
      'src1/handler.py': '# list-fn-1\ndef handler(event, context):\n    return event\n',
      'src2/handler.py': '# list-fn-2\ndef handler(event, context):\n    return event\n',
    });
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: false });
    api = await startLambdaApi(workbench);
    const lambda = api.client;
    await lambda.send(new PublishVersionCommand({ FunctionName: `list-fn-1-${uid}` }));
    await replay.call('list_functions_invalid_functionversion', () => lambda.send(new ListFunctionsCommand({ FunctionVersion: 'invalid' as 'ALL' })));
    // boto3's paginator with PageSize 1, its full result: every page's Functions, no NextMarker
    replay.expectValue('list_all', { Functions: await allFunctions(lambda, 'ALL') });
    replay.expectValue('list_default', { Functions: await allFunctions(lambda) });
  });
});

async function allFunctions(lambda: LambdaClient, FunctionVersion?: 'ALL'): Promise<unknown[]> {
  const functions: unknown[] = [];
  let Marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ FunctionVersion, MaxItems: 1, Marker }));
    functions.push(...JSON.parse(JSON.stringify(page.Functions ?? [])));
    Marker = page.NextMarker;
  } while (Marker);
  return functions;
}
