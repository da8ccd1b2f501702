import {
  CreateAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordFunctionOutput } from '../helpers/invocation';
import { waitFor } from '../helpers/wait';
import { ConformanceProject } from './conformanceProject';
import { recording, Replay, type Outcome } from './replay';
import { invokeOutcome } from './invokeAnswer';

// Invoking versions and aliases as AWS answers it: LocalStack's TestLambdaVersions, TestLambdaAliases
// and TestLambdaCleanup (test_lambda.py), replayed call by call against our Lambda API and compared
// with AWS's recorded answers (recorded/README.md). A published version is a snapshot: invoking it
// runs that version's code, whatever $LATEST runs now. CreateFunction, UpdateFunctionCode and
// UpdateFunctionConfiguration are not served: the function is a template function configured as the
// recorded one, and an update is the local one (the code or the template edited, the engine
// reopened); their own answers are not compared.

const RECORDED = 'test_lambda.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda.py';
/** YAML's double-quoted scalar is JSON's string. */
const quoted = (text: string) => JSON.stringify(text);

/** A handler that answers which code it is (`version_id`), the ARN it was invoked by and its version. */
const versionHandler = (versionId: string) =>
  [
    'def handler(event, context):',
    '    result = {',
    `        "version_id": ${quoted(versionId)},`,
    '        "invoked_arn": context.invoked_function_arn,',
    '        "version_from_ctx": context.function_version,',
    '    }',
    '    print(result)',
    '    return result',
    '',
  ].join('\n');

/** What LocalStack's create_lambda_function fixture gives a function: Timeout 30, an empty Environment. */
const FIXTURE = { environment: {}, props: 'Timeout: 30' };

/** Prints the event it gets (as JSON) and answers it. */
const ECHO_PRINTING = ['import json', '', 'def handler(event, context):', '    print(json.dumps(event))', '    return event', ''].join('\n');

/**
 * Sleeps `sleep_seconds` (until RELEASE_FILE exists, so a test need not wait them out), then answers
 * its version, request id, `request_prefix` and FUNCTION_VARIANT; with RECORD_DIR set it also writes
 * a file `<request_prefix>--<variant>` there (the local stand-in for the recorded S3 object).
 */
const VARIANT_HANDLER = [
  'import os, time',
  '',
  'VARIANT = os.environ.get("FUNCTION_VARIANT")',
  '',
  'def handler(event, context):',
  '    seconds = int(event.get("sleep_seconds", 0))',
  '    if seconds > 0:',
  '        print(f"Sleeping for {seconds} seconds ...")',
  '        deadline = time.time() + seconds',
  '        while time.time() < deadline and not os.path.exists(os.environ.get("RELEASE_FILE", "")):',
  '            time.sleep(0.05)',
  '    prefix = event.get("request_prefix")',
  '    answer = {',
  '        "function_version": context.function_version,',
  '        "request_id": context.aws_request_id,',
  '        "request_prefix": prefix,',
  '        "function_variant": VARIANT,',
  '    }',
  '    if os.environ.get("RECORD_DIR"):',
  '        with open(os.path.join(os.environ["RECORD_DIR"], f"{prefix}--{VARIANT}"), "w") as f:',
  '            f.write(context.aws_request_id)',
  '    return answer',
  '',
].join('\n');

/** LocalStack's create_lambda_function fixture's function with the variant handler, run with hot reload (updates are template edits while it runs). */
const VARIANT_FUNCTION = { ...FIXTURE, handler: 'handler.handler', code: VARIANT_HANDLER, settings: { hotReload: true, asyncWorkers: true } };

/**
 * The function_updated_v2 waiter, the local way: the configuration shows the edit and LastUpdateStatus
 * is Successful (InProgress while hot reload applies it; before the watcher sees the edit, the old one shows).
 */
async function updated(project: ConformanceProject, name: string, variant: string): Promise<void> {
  await waitFor(
    async () => {
      const configuration = await project.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      return configuration.Environment?.Variables?.FUNCTION_VARIANT === variant && configuration.LastUpdateStatus === 'Successful';
    },
    30000,
    `the update of ${name}`,
  );
}

/** Two handlers in one module, each answering its own name. */
const MULTIPLE_HANDLERS = [
  'def handler(event, context):',
  '    return {"handler": "handler"}',
  '',
  'def handler_two(event, context):',
  '    return {"handler": "handler_two"}',
  '',
].join('\n');

const codeSha256 = (outcome: Outcome) => ('body' in outcome ? outcome.body.CodeSha256 : undefined);

describe('conformance: invoking versions and aliases (test_lambda.py, recorded against AWS)', function () {
  this.timeout(90000);
  const project = new ConformanceProject();
  afterEach(() => project.close());

  const invoke = async (replay: Replay, key: string, input: { FunctionName: string; Qualifier?: string; Payload?: string }) => {
    const outcome = await invokeOutcome(() =>
      project.client.send(new InvokeCommand({ ...input, Payload: input.Payload === undefined ? undefined : Buffer.from(input.Payload) })),
    );
    replay.expect(key, outcome);
    return outcome;
  };

  describe('TestLambdaVersions', () => {
    it('test_lambda_versions_with_code_changes', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaVersions::test_lambda_versions_with_code_changes`));
      const { name } = await project.open(
        { handler: 'handler.handler', code: versionHandler('version1'), props: `Description: ${quoted('No version :(')}` },
        'fn',
      );
      const first = await replay.call('first_publish_response', () =>
        project.client.send(new PublishVersionCommand({ FunctionName: name, Description: 'First version description :)' })),
      );
      // UpdateFunctionCode, the local way: 'update_lambda_response' is not compared.
      await project.setCode(versionHandler('version2'));
      await invoke(replay, 'invocation_result_latest', { FunctionName: name, Payload: '{}' });
      await invoke(replay, 'invocation_result_v1', { FunctionName: name, Qualifier: '1', Payload: '{}' });
      const second = await replay.call('second_publish_response', () =>
        project.client.send(new PublishVersionCommand({ FunctionName: name, Description: 'Second version description :)' })),
      );
      // AWS's CodeSha256 was recorded as any value (`code-sha256`): new code is a new hash all the same.
      assert.notEqual(codeSha256(second), codeSha256(first));
      await invoke(replay, 'invocation_result_v2', { FunctionName: name, Qualifier: '2', Payload: '{}' });
      // UpdateFunctionCode with Publish: True, the local way: new code, then PublishVersion
      // ('update_lambda_response_with_publish', UpdateFunctionCode's own answer, is not compared).
      await project.setCode(versionHandler('version3'));
      await project.client.send(new PublishVersionCommand({ FunctionName: name }));
      await invoke(replay, 'invocation_result_v3', { FunctionName: name, Qualifier: '3', Payload: '{}' });
      await invoke(replay, 'invocation_result_latest_end', { FunctionName: name, Payload: '{}' });
      await invoke(replay, 'invocation_result_v2_end', { FunctionName: name, Qualifier: '2', Payload: '{}' });
      await invoke(replay, 'invocation_result_v1_end', { FunctionName: name, Qualifier: '1', Payload: '{}' });
    });

    it('test_function_update_during_invoke', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaVersions::test_function_update_during_invoke`));
      const records = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-variants-'));
      const spec = (variant: string) => ({ ...VARIANT_FUNCTION, environment: { FUNCTION_VARIANT: variant, RELEASE_FILE: path.join(records, 'release') } });
      try {
        const { name } = await project.open(spec('variant-1'), 'test-function');
        const output = recordFunctionOutput(project.engine);
        // An invocation that sleeps (until released: the recorded 20 s are not waited for) ...
        const before = invokeOutcome(() =>
          project.client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"request_prefix": "1-sleep", "sleep_seconds": 20}') })),
        );
        await waitFor(() => output.some((line) => line.includes('Sleeping')), 30000, 'the invocation to start');
        // ... while UpdateFunctionConfiguration changes its environment, the local way (hot reload).
        await project.editTemplate(spec('variant-2'));
        await updated(project, name, 'variant-2');
        const after = await invokeOutcome(() =>
          project.client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"request_prefix": "2-post-update"}') })),
        );
        assert.ok('body' in after, JSON.stringify(after));
        assert.deepEqual(
          {
            function_variant: (after.body.Payload as Record<string, unknown>).function_variant,
            function_version: (after.body.Payload as Record<string, unknown>).function_version,
          },
          { function_variant: 'variant-2', function_version: '$LATEST' },
        );
        fs.writeFileSync(path.join(records, 'release'), '');
        // The invocation under way finished on the code and configuration it started with.
        replay.expect('invoke_response_before', await before);
      } finally {
        fs.rmSync(records, { recursive: true, force: true });
      }
    });

    it('test_async_invoke_queue_upon_function_update', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaVersions::test_async_invoke_queue_upon_function_update`));
      const records = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-variants-'));
      const release = path.join(records, 'release');
      const spec = (variant: string) => ({ ...VARIANT_FUNCTION, environment: { RECORD_DIR: records, FUNCTION_VARIANT: variant, RELEASE_FILE: release } });
      const event = (payload: object) =>
        project.client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
      let name = '';
      try {
        ({ name } = await project.open(spec('variant-1'), 'test-function'));
        const output = recordFunctionOutput(project.engine);
        // Reserved concurrency 1: the events queue up behind the first one, which sleeps.
        await project.client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
        await event({ request_prefix: '01-sleep', sleep_seconds: 22 });
        await waitFor(() => output.some((line) => line.includes('Sleeping')), 30000, 'the first event to be under way');
        for (let i = 2; i <= 10; i++) await event({ request_prefix: `${String(i).padStart(2, '0')}-before` });
        // UpdateFunctionConfiguration while events are queued, the local way (hot reload).
        await project.editTemplate(spec('variant-2'));
        await updated(project, name, 'variant-2');
        for (let i = 11; i <= 15; i++) await event({ request_prefix: `${String(i).padStart(2, '0')}-after` });
        // The recorded 22 s are not waited out.
        fs.writeFileSync(release, '');
        const written = () => fs.readdirSync(records).filter((f) => f !== 'release');
        await waitFor(() => written().length >= 15, 60000, 'the 15 events to run');
        replay.expectValue('async_invoke_history_sorted', written().sort());
      } finally {
        fs.rmSync(records, { recursive: true, force: true });
      }
    });

    it('test_lambda_handler_update', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaVersions::test_lambda_handler_update`));
      const { name } = await project.open({ ...FIXTURE, handler: 'handler.handler', code: MULTIPLE_HANDLERS }, 'test_lambda');
      await invoke(replay, 'invoke_result_handler_one', { FunctionName: name });
      // UpdateFunctionConfiguration of Handler, the local way ('update_function_configuration_result' is not compared)
      await project.reconfigure({ ...FIXTURE, handler: 'handler.handler_two' });
      await replay.call('get_function_result', () => project.client.send(new GetFunctionCommand({ FunctionName: name })));
      await invoke(replay, 'invoke_result_handler_two', { FunctionName: name });
      await project.client.send(new PublishVersionCommand({ FunctionName: name }));
      await invoke(replay, 'invoke_result_handler_two_postpublish', { FunctionName: name });
    });
  });

  describe('TestLambdaAliases', () => {
    it('test_lambda_alias_moving', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaAliases::test_lambda_alias_moving`));
      const { name } = await project.open(
        { handler: 'handler.handler', code: versionHandler('version1'), props: `Description: ${quoted('No version :(')}` },
        'fn',
      );
      await project.client.send(new PublishVersionCommand({ FunctionName: name, Description: 'First version description :)' }));
      const alias = await replay.call('create_alias_response', () =>
        project.client.send(new CreateAliasCommand({ FunctionName: name, FunctionVersion: '1', Name: 'alias1' })),
      );
      const aliasArn = 'body' in alias ? String(alias.body.AliasArn) : '';
      await invoke(replay, 'invocation_result_qualifier_v1', { FunctionName: name, Qualifier: 'alias1', Payload: '{}' });
      await invoke(replay, 'invocation_result_qualifier_v1_arn', { FunctionName: aliasArn, Payload: '{}' });
      // UpdateFunctionCode, the local way: 'update_lambda_response' is not compared.
      await project.setCode(versionHandler('version2'));
      await invoke(replay, 'invocation_result_qualifier_v1_after_update', { FunctionName: name, Qualifier: 'alias1', Payload: '{}' });
      await replay.call('second_publish_response', () =>
        project.client.send(new PublishVersionCommand({ FunctionName: name, Description: 'Second version description :)' })),
      );
      await invoke(replay, 'invocation_result_qualifier_v1_after_publish', { FunctionName: name, Qualifier: 'alias1', Payload: '{}' });
      await replay.call('update_alias_response', () =>
        project.client.send(new UpdateAliasCommand({ FunctionName: name, Name: 'alias1', FunctionVersion: '2' })),
      );
      await invoke(replay, 'invocation_result_qualifier_v2', { FunctionName: name, Qualifier: 'alias1', Payload: '{}' });
      await invoke(replay, 'invocation_exc_not_existent', { FunctionName: name, Qualifier: 'non-existent-alias', Payload: '{}' });
    });

    it('test_alias_routingconfig', async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaAliases::test_alias_routingconfig`));
      // CreateFunction with Publish: True: the template function, then PublishVersion
      const { name } = await project.open(
        { handler: 'handler.handler', code: versionHandler('version1'), props: `Description: ${quoted('First version :)')}` },
        'fn',
      );
      await project.client.send(new PublishVersionCommand({ FunctionName: name }));
      await project.setCode(versionHandler('version2'));
      await project.client.send(new PublishVersionCommand({ FunctionName: name, Description: 'Second version description :)' }));
      await replay.call('create_alias_response', () =>
        project.client.send(
          new CreateAliasCommand({ FunctionName: name, FunctionVersion: '1', Name: 'alias1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }),
        ),
      );
      // As the recorded test: up to 20 invocations of the alias reach both versions, each running its own code.
      const hit = new Map<string, string>();
      for (let i = 0; i < 20 && hit.size < 2; i++) {
        const outcome = await invokeOutcome(() =>
          project.client.send(new InvokeCommand({ FunctionName: name, Qualifier: 'alias1', Payload: Buffer.from('{}') })),
        );
        assert.ok('body' in outcome, JSON.stringify(outcome));
        const payload = outcome.body.Payload as { version_id: string; version_from_ctx: string };
        assert.equal(outcome.body.ExecutedVersion, payload.version_from_ctx);
        hit.set(payload.version_from_ctx, payload.version_id);
      }
      assert.deepEqual(Object.fromEntries(hit), { '1': 'version1', '2': 'version2' });
    });
  });

  describe('TestLambdaCleanup', () => {
    it('test_recreate_function', async () => {
      // Both recorded answers are CreateFunction's ('create_function_response_one', '…_two'), not
      // served: the replay is the behaviour, a function deleted and made again at once still runs
      // its asynchronous invocations (a queue keeps the template valid while the function is out of it).
      const { name } = await project.open(
        { ...FIXTURE, handler: 'lambda_echo.handler', code: ECHO_PRINTING, settings: { asyncWorkers: true }, resources: { Placeholder: 'AWS::SQS::Queue' } },
        'test-function',
      );
      await project.deleteFunction();
      await assert.rejects(project.client.send(new GetFunctionCommand({ FunctionName: name })), { name: 'ResourceNotFoundException' });
      await project.recreateFunction();
      const output = recordFunctionOutput(project.engine);
      const accepted = await project.client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event' }));
      assert.equal(accepted.StatusCode, 202);
      await waitFor(() => output.some((line) => /\{\}/.test(line)), 30000, "the event's log line");
    });
  });
});
