import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateAliasCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  type InvocationType,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { readJsonLines, waitFor } from '../helpers/wait';
import { ConformanceProject, type FunctionSpec } from './conformanceProject';
import { recording, Replay } from './replay';
import { invokeOutcome } from './invokeAnswer';

// Concurrency as invocations meet it, as AWS answers: LocalStack's TestLambdaConcurrency (test_lambda.py)
// replayed against our Lambda API and compared with AWS's recorded answers (recorded/README.md) —
// throttling (TooManyRequestsException, its Reason), reserved concurrency 0, the asynchronous queue
// holding events while throttled, provisioned environments (AWS_LAMBDA_INITIALIZATION_TYPE, READY and
// the allocated counts), provisioned concurrency following an alias, and INIT failures under it.
// The functions are template functions configured as the fixture's (create_lambda_function: python3.12,
// handler.handler, no Variables), with handlers of the same behaviour written here. Where LocalStack's
// functions sleep (for an invocation still running, provisioned environments still initialising), ours
// wait for a file the test writes, so nothing here depends on timing. A function's notifications to an
// SQS queue are lines appended to a file. UpdateFunctionConfiguration is not served: the template is
// edited and the engine reopened (ConformanceProject.reconfigure).

const RECORDED = 'test_lambda.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency';
const uid = () => randomBytes(4).toString('hex');

/** LocalStack's echo function. */
const ECHO = 'def handler(event, context):\n    return event\n';

/** Waits (bounded) until a file exists: what stands in for LocalStack's sleeps. */
const WAIT_FOR = [
  'def wait_for(path):',
  '    deadline = time.time() + 25',
  '    while not os.path.exists(path) and time.time() < deadline:',
  '        time.sleep(0.02)',
];

/**
 * Answers how its environment was initialised (AWS_LAMBDA_INITIALIZATION_TYPE). A provisioned
 * environment's INIT waits for `gate` (so the test sees it IN_PROGRESS), and fails after it when
 * `failProvisioned`. An event's `started` file is written when it runs; it ends once `release` exists.
 */
function invocationType(gate: string, failProvisioned = false): string {
  return [
    'import os, time',
    '',
    ...WAIT_FOR,
    '',
    'init_type = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]',
    'if init_type == "provisioned-concurrency":',
    `    wait_for(${JSON.stringify(gate)})`,
    ...(failProvisioned ? ['    raise Exception("Intentional failure upon provisioned concurrency initialization")'] : []),
    '',
    'def handler(event, context):',
    '    if event.get("started"):',
    '        open(event["started"], "w").close()',
    '    if event.get("release"):',
    '        wait_for(event["release"])',
    '    print(f"{init_type=}")',
    '    return init_type',
    '',
  ].join('\n');
}

/** LocalStack's notifier: appends its request id to the event's `notify` file, then waits for `release`. */
const NOTIFIER = [
  'import json, os, time',
  '',
  ...WAIT_FOR,
  '',
  'def handler(event, context):',
  '    if event.get("notify"):',
  '        with open(event["notify"], "a") as f:',
  '            f.write(json.dumps({"request_id": context.aws_request_id}) + "\\n")',
  '    if event.get("release"):',
  '        wait_for(event["release"])',
  '',
].join('\n');

const ACCOUNT_CONCURRENCY = 1000;

/** The fixture's function (create_lambda_function) with a handler and a timeout. */
function fixture(code: string, timeout = 30, settings: FunctionSpec['settings'] = {}): FunctionSpec {
  return {
    handler: 'handler.handler',
    code,
    props: `Timeout: ${timeout}\nEnvironment:\n  Variables: {}`,
    settings: { accountConcurrency: ACCOUNT_CONCURRENCY, ...settings },
  };
}

function invoke(client: LambdaClient, FunctionName: string, Qualifier?: string, payload?: unknown, InvocationType?: InvocationType) {
  return client.send(
    new InvokeCommand({ FunctionName, Qualifier, InvocationType, Payload: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload)) }),
  );
}

/** LocalStack's get_invoke_init_type: what the invocation-type function answers. */
async function initType(client: LambdaClient, name: string, qualifier?: string, payload?: unknown): Promise<string> {
  const out = await invoke(client, name, qualifier, payload);
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  return JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as string;
}

/** LocalStack's concurrency_update_done / concurrency_update_failed: waits for the status, the other final one ends it. */
async function waitStatus(client: LambdaClient, name: string, qualifier: string, wanted: 'READY' | 'FAILED'): Promise<void> {
  await waitFor(
    async () => {
      const { Status, StatusReason } = await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }));
      assert.ok(Status === wanted || Status === 'IN_PROGRESS', `${name}:${qualifier} is ${Status} (${StatusReason})`);
      return Status === wanted;
    },
    30000,
    `provisioned concurrency of ${name}:${qualifier} ${wanted}`,
    50,
  );
}

describe('conformance: concurrency of invocations (TestLambdaConcurrency, recorded against AWS)', function () {
  this.timeout(90000);
  const project = new ConformanceProject();
  const files: string[] = [];
  /** A file path for a gate or a notification, removed after the test. */
  const tmpFile = (what: string) => {
    const file = path.join(os.tmpdir(), `lwb-conformance-${what}-${uid()}`);
    files.push(file);
    return file;
  };
  const open = (file: string) => fs.writeFileSync(file, '');
  afterEach(async () => {
    await project.close();
    for (const file of files.splice(0)) fs.rmSync(file, { force: true });
  });

  const replays = new Map<Replay, string>();
  const replayOf = (test: string): Replay => {
    const replay = new Replay(recording(RECORDED, `${TEST}::${test}`));
    replays.set(replay, test);
    return replay;
  };
  /** Every recorded answer was compared, but those named (each one's reason is in the test). */
  const everyCompared = (replay: Replay, except: string[] = []) => {
    const all = Object.keys(recording(RECORDED, `${TEST}::${replays.get(replay)!}`)).filter((k) => !except.includes(k));
    assert.deepEqual([...replay.compared].sort(), all.sort());
  };

  it('test_lambda_concurrency_crud', async () => {
    const replay = replayOf('test_lambda_concurrency_crud');
    const { client, name } = await project.open(fixture(ECHO), 'fn-concurrency');
    await replay.call('get_function_concurrency_default', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    await replay.call('put_function_concurrency', () =>
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 })),
    );
    await replay.call('get_function_concurrency_updated', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    await replay.call('get_function_concurrency_deleted', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    everyCompared(replay);
  });

  it('test_lambda_concurrency_update', async () => {
    const replay = replayOf('test_lambda_concurrency_update');
    const { client, name } = await project.open(fixture(ECHO), 'fn-concurrency');
    await replay.call('put_function_concurrency', () =>
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 3 })),
    );
    await replay.call('get_function_concurrency_updated', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    await replay.call('get_function_concurrency_info', () => client.send(new GetFunctionCommand({ FunctionName: name })));
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    await replay.call('get_function_concurrency_deleted', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    everyCompared(replay);
  });

  it('test_lambda_concurrency_block', async () => {
    const replay = replayOf('test_lambda_concurrency_block');
    const { client, name } = await project.open(fixture(ECHO), 'fn-concurrency');
    const published = await replay.call('v1_result', () => client.send(new PublishVersionCommand({ FunctionName: name })));
    const v1 = 'body' in published ? String(published.body.Version) : '';
    await replay.call('reserved_concurrency_result', () =>
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 })),
    );
    const hello = { hello: 'world' };
    replay.expect('invoke_latest_before_block', await invokeOutcome(() => invoke(client, name, '$LATEST', hello)));
    await replay.call('provisioned_concurrency_result', () =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1, ProvisionedConcurrentExecutions: 1 })),
    );
    await waitStatus(client, name, v1, 'READY');
    // The reservation (1) is all provisioned: nothing is left for $LATEST, warm as it is.
    replay.expect('invoke_latest_first_exc', await invokeOutcome(() => invoke(client, name, '$LATEST', hello)));
    replay.expect('invoke_v1_after_block', await invokeOutcome(() => invoke(client, name, v1, hello)));
    replay.expect('invoke_latest_second_exc', await invokeOutcome(() => invoke(client, name, '$LATEST', hello)));
    everyCompared(replay);
  });

  it('test_provisioned_concurrency', async () => {
    const replay = replayOf('test_provisioned_concurrency');
    const gate = tmpFile('gate');
    const { client, name } = await project.open(fixture(invocationType(gate)), 'test_lambda');
    const { Version: v1 } = await client.send(new PublishVersionCommand({ FunctionName: name }));
    await replay.call('put_provisioned_5', () =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1, ProvisionedConcurrentExecutions: 5 })),
    );
    await replay.call('get_provisioned_prewait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1 })));
    open(gate);
    await waitStatus(client, name, v1!, 'READY');
    await replay.call('get_provisioned_postwait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1 })));
    assert.equal(await initType(client, name, v1), 'provisioned-concurrency');
    assert.equal(await initType(client, name, '$LATEST'), 'on-demand');
    everyCompared(replay);
  });

  it('test_provisioned_concurrency_on_alias', async () => {
    const replay = replayOf('test_provisioned_concurrency_on_alias');
    const gate = tmpFile('gate');
    const { client, name } = await project.open(fixture(invocationType(gate)), 'test_lambda');
    const { Version: v1 } = await client.send(new PublishVersionCommand({ FunctionName: name }));
    await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: v1 }));
    await replay.call('put_provisioned_5', () =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: 'live', ProvisionedConcurrentExecutions: 5 })),
    );
    await replay.call('get_provisioned_prewait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: 'live' })));
    open(gate);
    await waitStatus(client, name, 'live', 'READY');
    await replay.call('get_provisioned_postwait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: 'live' })));
    assert.equal(await initType(client, name, 'live'), 'provisioned-concurrency');
    assert.equal(await initType(client, name, v1), 'provisioned-concurrency');
    assert.equal(await initType(client, name, '$LATEST'), 'on-demand');
    everyCompared(replay);
  });

  it('test_lambda_provisioned_concurrency_scheduling', async () => {
    const replay = replayOf('test_lambda_provisioned_concurrency_scheduling');
    const gate = tmpFile('gate');
    open(gate);
    const { client, name } = await project.open(fixture(invocationType(gate), 10), 'fn-concurrency');
    const { Version: v1 } = await client.send(new PublishVersionCommand({ FunctionName: name }));
    await client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1, ProvisionedConcurrentExecutions: 1 }));
    await waitStatus(client, name, v1!, 'READY');
    await replay.call('get_provisioned_postwait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1 })));
    // A free provisioned environment is preferred to a new on-demand one …
    assert.equal(await initType(client, name, v1), 'provisioned-concurrency');
    // … and only while it is free: one invocation holds it, the next one is served on demand.
    const started = tmpFile('started');
    const release = tmpFile('release');
    const first = initType(client, name, v1, { started, release });
    await waitFor(() => fs.existsSync(started), 20000, 'the first invocation running');
    assert.equal(await initType(client, name, v1), 'on-demand');
    open(release);
    assert.equal(await first, 'provisioned-concurrency');
    everyCompared(replay);
  });

  it('test_provisioned_concurrency_init_failure', async () => {
    const replay = replayOf('test_provisioned_concurrency_init_failure');
    const gate = tmpFile('gate');
    const { client, name } = await project.open(fixture(invocationType(gate, true), 3), 'test_lambda');
    // CreateFunction with Publish=True: the version published at once.
    const { Version: version } = await client.send(new PublishVersionCommand({ FunctionName: name }));
    await replay.call('put_provisioned', () =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version, ProvisionedConcurrentExecutions: 1 })),
    );
    await replay.call('get_provisioned_prewait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version })));
    // Served on demand while the provisioned environment initialises.
    assert.equal(await initType(client, name, version), 'on-demand');
    open(gate);
    await waitStatus(client, name, version!, 'FAILED');
    await replay.call('get_provisioned_postwait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: version })));
    // Never on a failed provisioned environment.
    assert.equal(await initType(client, name, version), 'on-demand');
    everyCompared(replay);
  });

  it('test_reserved_provisioned_overlap', async () => {
    const replay = replayOf('test_reserved_provisioned_overlap');
    const gate = tmpFile('gate');
    const { client, name } = await project.open(fixture(invocationType(gate)), 'test_lambda');
    const { Version: v1 } = await client.send(new PublishVersionCommand({ FunctionName: name }));
    await replay.call('put_provisioned_5', () =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1, ProvisionedConcurrentExecutions: 2 })),
    );
    await replay.call('get_provisioned_prewait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1 })));
    open(gate);
    await waitStatus(client, name, v1!, 'READY');
    await replay.call('get_provisioned_postwait', () => client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1 })));
    await replay.call('reserved_lower_than_provisioned_exc', () =>
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 })),
    );
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 2 }));
    await replay.call('get_concurrency', () => client.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
    // All the reservation is provisioned: no execution is left for what has none.
    replay.expect('reserved_equals_provisioned_latest_invoke_exc', await invokeOutcome(() => invoke(client, name)));
    assert.equal(await initType(client, name, v1), 'provisioned-concurrency');
    // UpdateFunctionConfiguration(Timeout=15), the local way (not compared: update_func_config).
    await project.reconfigure(fixture(invocationType(gate), 15));
    const lambda = project.client;
    const { Version: v2 } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    assert.notEqual(v2, v1);
    await replay.call('reserved_equals_provisioned_another_provisioned_exc', () =>
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v2, ProvisionedConcurrentExecutions: 1 })),
    );
    await replay.call('reserved_equals_provisioned_increase_provisioned_exc', () =>
      lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v1, ProvisionedConcurrentExecutions: 3 })),
    );
    // update_func_config: UpdateFunctionConfiguration is not served (the template is edited instead).
    everyCompared(replay, ['update_func_config']);
  });

  it('test_reserved_concurrency', async () => {
    const replay = replayOf('test_reserved_concurrency');
    const queueName = `test-queue-${uid()}`;
    const { client, name } = await project.open(
      { ...fixture(ECHO, 20, { asyncWorkers: true }), resources: { Queue: { type: 'AWS::SQS::Queue', props: `QueueName: ${queueName}` } } },
      'test_lambda',
    );
    const fn = await replay.call('fn', () => client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '$LATEST' })));
    const fnArn = 'body' in fn ? String(fn.body.FunctionArn) : '';
    await replay.call('put_reserved', () => client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 })));
    replay.expect('exc_no_cap_requestresponse', await invokeOutcome(() => invoke(client, fnArn, undefined, undefined, 'RequestResponse')));
    const sources = project.engine.eventSources.sources;
    const queueArn = sources.findQueueDefinition(queueName)!.arn;
    await replay.call('put_event_invoke_conf', () =>
      client.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } }),
      ),
    );
    replay.expect('invoke_result', await invokeOutcome(() => invoke(client, fnArn, undefined, undefined, 'Event')));
    // ReceiveMessage(AttributeNames=[All]) on the queue: the event went to OnFailure, never attempted.
    const queue = sources.queue(queueArn)!;
    const [m] = await waitFor(async () => {
      const received = await queue.receive({ maxMessages: 1, waitTimeSeconds: 1 });
      return received.length > 0 ? received : undefined;
    }, 30000);
    const msg = {
      Attributes: m!.attributes,
      Body: JSON.parse(m!.body) as unknown,
      MD5OfBody: m!.md5OfBody,
      MessageId: m!.messageId,
      ReceiptHandle: m!.receiptHandle,
    };
    replay.expect('msg', { status: 200, body: msg });
    everyCompared(replay);
  });

  it('test_reserved_concurrency_async_queue', async () => {
    const replay = replayOf('test_reserved_concurrency_async_queue');
    const { client, name } = await project.open(fixture(NOTIFIER, 30, { asyncWorkers: true }), 'test_lambda');
    const fn = await replay.call('fn', () => client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '$LATEST' })));
    const fnArn = 'body' in fn ? String(fn.body.FunctionArn) : '';
    await replay.call('put_fn_concurrency', () => client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 })));
    const warmUp = await invoke(client, fnArn, undefined, undefined, 'RequestResponse');
    assert.equal(warmUp.FunctionError, undefined);
    const notify = tmpFile('notify');
    const release = tmpFile('release');
    // The first event runs at once (until released); the second is throttled and held in the queue.
    const one = await invoke(client, fnArn, undefined, { notify, release }, 'Event');
    const two = await invoke(client, fnArn, undefined, { notify }, 'Event');
    assert.equal(one.StatusCode, 202);
    assert.equal(two.StatusCode, 202);
    const [first] = await waitFor(() => readJsonLines(notify).length > 0 && readJsonLines(notify), 20000, 'the first event running');
    assert.equal(first.request_id, one.$metadata.requestId);
    // While it runs, the one execution the function has is taken.
    replay.expect('too_many_requests_exc', await invokeOutcome(() => invoke(client, fnArn, undefined, undefined, 'RequestResponse')));
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 3 }));
    const final = await invoke(client, fnArn, undefined, { notify }, 'RequestResponse');
    assert.equal(final.FunctionError, undefined);
    open(release);
    // The held event ran after all, beside the final synchronous one (in either order).
    const lines = await waitFor(() => readJsonLines(notify).length >= 3 && readJsonLines(notify), 30000, 'the held event and the final invocation');
    assert.deepEqual(new Set(lines.slice(1).map((l: { request_id: string }) => l.request_id)), new Set([two.$metadata.requestId, final.$metadata.requestId]));
    everyCompared(replay);
  });

  it('test_lambda_provisioned_concurrency_moves_with_alias', async () => {
    const replay = replayOf('test_lambda_provisioned_concurrency_moves_with_alias');
    const gate = tmpFile('gate');
    open(gate);
    // Recorded on python3.8 (not run here): python3.12.
    const { client, name } = await project.open(fixture(invocationType(gate), 2), 'test_lambda');
    const aliasName = `test_alias_${uid()}`;
    const { Version: v1 } = await client.send(new PublishVersionCommand({ FunctionName: name, Description: 'my-first-version' }));
    assert.equal(await initType(client, name, v1), 'on-demand');
    await replay.call('create_alias', () => client.send(new CreateAliasCommand({ FunctionName: name, FunctionVersion: v1, Name: aliasName })));
    await client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: aliasName, ProvisionedConcurrentExecutions: 1 }));
    await waitStatus(client, name, aliasName, 'READY');
    // The alias and the version it points at both run on the provisioned environment.
    assert.equal(await initType(client, name, v1), 'provisioned-concurrency');
    assert.equal(await initType(client, name, aliasName), 'provisioned-concurrency');
    // UpdateFunctionConfiguration(Timeout=10), the local way.
    await project.reconfigure(fixture(invocationType(gate), 10));
    const lambda = project.client;
    // The new version's provisioned environment holds its INIT until the status was read.
    fs.rmSync(gate);
    const { Version: v2 } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await replay.call('update_alias', () => lambda.send(new UpdateAliasCommand({ FunctionName: name, FunctionVersion: v2, Name: aliasName })));
    await replay.call('get_provisioned_config_after_alias_move', () =>
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: aliasName })),
    );
    open(gate);
    await waitStatus(lambda, name, aliasName, 'READY');
    // The old version is served on demand now; the new one, and the alias, on the provisioned environment.
    assert.equal(await initType(lambda, name, v1), 'on-demand');
    assert.equal(await initType(lambda, name, v2), 'provisioned-concurrency');
    assert.equal(await initType(lambda, name, aliasName), 'provisioned-concurrency');
    // The config belongs to the alias, not to the version it points at.
    await replay.call('provisioned_concurrency_notfound', () => lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: v2 })));
    // Recorded in 2023, before Lambda's answers had LoggingConfig (and on python3.8): the
    // configurations (create-result is CreateFunction's, not served) cannot match.
    everyCompared(replay, [
      'create-result',
      'get-function-configuration',
      'publish_version_1',
      'get_function_configuration_version_1',
      'get_function_before_provisioned',
      'get_function_after_provisioned',
      'get_function_after_update',
      'publish_version_2',
    ]);
  });
});
