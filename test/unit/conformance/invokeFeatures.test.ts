import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  PutFunctionEventInvokeConfigCommand,
  type InvocationType,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { HttpFrontEnd, type FrontEndEndpoint } from '../../../src/core/http/httpFrontEnd';
import { formatLogLine } from '../../../src/core/telemetry/logFormat';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { recording, Replay, sdkOutcome, type Outcome } from './replay';
import { withRecordedPayload } from './invokeAnswer';

// Invocation features as AWS answers them: LocalStack's TestLambdaFeatures (basic invoke, logs, the
// invocation types, environment variables, functions that return nothing), TestLambdaBaseFeatures
// (function state, large payloads), TestLambdaBehavior (the environment Lambda sets, state kept
// between invocations) and TestRequestIdHandling (request ids of the API, asynchronous retries and
// function URLs) in test_lambda.py, replayed against our Lambda API and compared with AWS's recorded
// answers (recorded/README.md). The functions are template functions configured as the recorded
// ones, with handlers of the same behaviour written here. Recordings of invocations on runtimes we do
// not run (python3.9, python3.10, nodejs16.x) are replayed on the nearest one we do; where the answer
// names the runtime (GetFunction), the template declares the recorded one. CreateFunction,
// CreateFunctionUrlConfig and AddPermission are not served: their recorded answers are not compared.
// AWS's CloudWatch Logs are the engine's log lines (its telemetry stream, as the CLI prints them).

const RECORDED = 'test_lambda.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda.py';
/** The role LocalStack's tests give all their functions (one role, so `<resource:1>` throughout). */
const ROLE = 'Role: arn:aws:iam::000000000000:role/lambda-conformance-role';

const PY = {
  echo: 'def handler(event, context):\n    return event\n',
  // prints the event as JSON and returns it
  echoPrint: 'import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n    return event\n',
  // prints the event as JSON and returns nothing
  none: 'import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n',
  // the variable Hello
  hello: 'import os\n\ndef handler(event, context):\n    return {"Hello": os.environ.get("Hello", "_value_missing_")}\n',
  environment: 'import os\n\ndef handler(event, context):\n    return {"environment": dict(os.environ)}\n',
  // a module-level counter: the environment's memory between invocations
  cache: 'counter = 0\n\ndef handler(event, context):\n    global counter\n    counter += 1\n    return {"counter": counter - 1}\n',
  largeResponse: 'def handler(event, context):\n    print("generating bytes")\n    return "a" * event["bytenum"]\n',
  // logs the event and its request id, fails when asked to
  requestId: [
    'def handler(event, context):',
    '    print(event)',
    '    print(context.aws_request_id)',
    '    if event.get("fail"):',
    '        raise Exception("Intentional failure")',
    '    return context.aws_request_id',
  ].join('\n'),
  hi: 'def handler(event, context):\n    return "hi"\n',
};

const NODE = {
  echoLog: 'exports.handler = async (event) => {\n  console.log(event);\n  return event;\n};\n',
  none: 'exports.handler = async (event) => {\n  console.log(JSON.stringify(event));\n};\n',
  cache: 'let counter = 0;\nexports.handler = async () => ({ counter: counter++ });\n',
};

const FUNCTIONS: Record<string, { module: string; source: string; runtime: string; props?: string }> = {
  // test_basic_invoke's two functions (python3.9, index.handler, an echo handler)
  Basic: { module: 'index', source: PY.echo, runtime: 'python3.9', props: ROLE },
  Basic2: { module: 'index', source: PY.echo, runtime: 'python3.9', props: ROLE },
  // test_lambda_environment's (python3.9, Timeout 30 as LocalStack's create_lambda_function makes it)
  Hello: { module: 'handler', source: PY.hello, runtime: 'python3.9', props: `${ROLE}\nTimeout: 30\nEnvironment:\n  Variables:\n    Hello: World` },
  EchoPython: { module: 'echo_print', source: PY.echoPrint, runtime: 'python3.12' },
  EchoPythonLogs: { module: 'echo_print', source: PY.echoPrint, runtime: 'python3.12' },
  EchoNodeLogs: { module: 'echo_log', source: NODE.echoLog, runtime: 'nodejs20.x' },
  NonePython: { module: 'none_py', source: PY.none, runtime: 'python3.12' },
  NoneNode: { module: 'none_js', source: NODE.none, runtime: 'nodejs18.x' },
  // test_function_state's (python3.12, handler.handler, CreateFunction's defaults)
  State: { module: 'handler', source: PY.echo, runtime: 'python3.12', props: ROLE },
  InitEnvironment: { module: 'handler', source: PY.environment, runtime: 'python3.14', props: 'Timeout: 30' },
  CacheNode: { module: 'cache_js', source: NODE.cache, runtime: 'nodejs20.x' },
  CachePython: { module: 'cache_py', source: PY.cache, runtime: 'python3.12' },
  LargeResponse: { module: 'large', source: PY.largeResponse, runtime: 'python3.12' },
  RequestId: { module: 'request_id', source: PY.requestId, runtime: 'python3.12' },
  Url: { module: 'url', source: PY.hi, runtime: 'python3.12', props: 'FunctionUrlConfig:\n  AuthType: NONE' },
};

/** Answers recorded before Lambda answered these fields (2022-2023): test_function_state, recorded in 2025, has all three. */
const LATER_FIELDS = ['LoggingConfig', 'SnapStart', 'RuntimeVersionConfig'];

/** A configuration's answer without the fields AWS added after the recording was made. */
function withoutLaterFields(outcome: Outcome): Outcome {
  if (!('body' in outcome)) return outcome;
  const strip = (config: Record<string, unknown>) => Object.fromEntries(Object.entries(config).filter(([k]) => !LATER_FIELDS.includes(k)));
  const body = outcome.body.Configuration
    ? { ...outcome.body, Configuration: strip(outcome.body.Configuration as Record<string, unknown>) }
    : strip(outcome.body);
  return { status: outcome.status, body };
}

/** boto3's Invoke answer as LocalStack's snapshot records it (the Payload a JSON object when it is one, else its text), and its request id. */
async function invokeAnswer(call: () => Promise<unknown>): Promise<{ outcome: Outcome; requestId?: string }> {
  let requestId: string | undefined;
  const outcome = await sdkOutcome(async () => {
    const output = (await call()) as { $metadata?: { requestId?: string } };
    requestId = output.$metadata?.requestId;
    return output;
  });
  return { outcome: withRecordedPayload(outcome), requestId };
}

/** The Payload's bytes as text. */
function payloadText(output: { Payload?: Uint8Array }): string {
  return Buffer.from(output.Payload ?? []).toString('utf8');
}

describe('conformance: invocation features (test_lambda.py, recorded against AWS)', function () {
  this.timeout(90000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;
  let frontEnd: HttpFrontEnd;
  let endpoints: FrontEndEndpoint[];
  const names: Record<string, string> = {};
  /** Each function's log lines, as CloudWatch Logs would hold them. */
  const logs = new Map<string, string[]>();

  before(async () => {
    const suffix = Math.random().toString(16).slice(2, 10);
    const files: Record<string, string> = {};
    const functions: Record<string, { handler: string; codeUri: string; runtime: string; props: string }> = {};
    for (const [id, f] of Object.entries(FUNCTIONS)) {
      names[id] = `test-function-${id.toLowerCase()}-${suffix}`;
      // a folder each: several handlers are handler.handler, as the recorded functions' are
      files[`${id}/${f.module}.${f.runtime.startsWith('python') ? 'py' : 'js'}`] = f.source;
      functions[id] = { handler: `${f.module}.handler`, codeUri: id, runtime: f.runtime, props: [`FunctionName: ${names[id]}`, f.props ?? ''].join('\n') };
    }
    dir = writeProject({ ...files, 'template.yaml': samTemplate(functions) });
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: true });
    workbench.telemetry.subscribe((event) => {
      const line = event.functionName ? formatLogLine(event) : undefined;
      if (line !== undefined) logs.set(event.functionName!, [...(logs.get(event.functionName!) ?? []), line]);
    });
    api = await startLambdaApi(workbench);
    client = api.client;
    frontEnd = new HttpFrontEnd(workbench);
    endpoints = await frontEnd.start();
  });
  after(async () => {
    await frontEnd?.close();
    await api?.close();
    await workbench?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const invoke = async (replay: Replay, key: string, input: ConstructorParameters<typeof InvokeCommand>[0]) => {
    const answer = await invokeAnswer(() => client.send(new InvokeCommand(input)));
    replay.expect(key, answer.outcome);
    return answer;
  };

  /** A function's log lines once `done` says they are all there (asynchronous retries, REPORT after the answer). */
  const logsOf = async (id: string, done: (lines: string[]) => boolean, timeoutMs = 30000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (!done(logs.get(names[id]!) ?? [])) {
      if (Date.now() > deadline) assert.fail(`${id}'s log is not complete: ${JSON.stringify(logs.get(names[id]!))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return logs.get(names[id]!)!;
  };

  describe('TestLambdaFeatures', () => {
    const features = (test: string) => new Replay(recording(RECORDED, `${TEST}::TestLambdaFeatures::${test}`));

    it('test_basic_invoke (python3.9; its two CreateFunction answers not compared)', async () => {
      const replay = features('test_basic_invoke');
      replay.expect('lambda_get_fn', withoutLaterFields(await sdkOutcome(() => client.send(new GetFunctionCommand({ FunctionName: names.Basic })))));
      replay.expect('lambda_get_fn_2', withoutLaterFields(await sdkOutcome(() => client.send(new GetFunctionCommand({ FunctionName: names.Basic2 })))));
      await invoke(replay, 'lambda_invoke_result', { FunctionName: names.Basic, Payload: Buffer.from('{}') });
    });

    for (const [recorded, fn] of [
      ['python3.10', 'EchoPythonLogs'],
      ['nodejs16.x', 'EchoNodeLogs'],
    ] as const) {
      it(`test_invocation_with_logs[${recorded}] (${FUNCTIONS[fn]!.runtime})`, async () => {
        const replay = features(`test_invocation_with_logs[${recorded}]`);
        const { outcome } = await invoke(replay, 'invoke', { FunctionName: names[fn], Payload: Buffer.from('{}'), LogType: 'Tail' });
        const log = Buffer.from(String('body' in outcome ? outcome.body.LogResult : ''), 'base64').toString('utf8');
        // as boto3's splitlines(keepends=True), timestamps normalised as LocalStack's snapshots normalise them
        const lines = log.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'date').match(/[^\n]*\n|[^\n]+$/g) ?? [];
        replay.expectValue('logs', { logs: lines });
      });
    }

    for (const type of ['request_response', 'event', 'dry_run'] as const) {
      const invocationType = ({ request_response: 'RequestResponse', event: 'Event', dry_run: 'DryRun' } as const)[type] as InvocationType;
      it(`test_invocation_type_${type}[python3.9] (python3.12)`, async () => {
        await invoke(features(`test_invocation_type_${type}[python3.9]`), 'invoke-result', {
          FunctionName: names.EchoPython,
          Payload: Buffer.from('{}'),
          InvocationType: invocationType,
        });
      });
    }

    it('test_lambda_environment (python3.9; its CreateFunction answer not compared)', async () => {
      const replay = features('test_lambda_environment');
      await invoke(replay, 'invocation-result', { FunctionName: names.Hello, Payload: Buffer.from('{}') });
      replay.expect(
        'get-configuration-result',
        withoutLaterFields(await sdkOutcome(() => client.send(new GetFunctionConfigurationCommand({ FunctionName: names.Hello })))),
      );
    });

    for (const [label, fn] of [
      ['python', 'NonePython'],
      ['nodejs', 'NoneNode'],
    ] as const) {
      for (const invocationType of ['RequestResponse', 'Event'] as const) {
        it(`test_invocation_type_no_return_payload[${label}-${invocationType}]`, async () => {
          const replay = features(`test_invocation_type_no_return_payload[${label}-${invocationType}]`);
          const reports = (lines: string[]) => lines.filter((line) => line.startsWith('REPORT ')).length;
          const earlier = reports(logs.get(names[fn]!) ?? []);
          await invoke(replay, 'invoke-result', { FunctionName: names[fn], Payload: Buffer.from('{}'), InvocationType: invocationType });
          // as the test checks, the function ran and logged the event (asynchronously too)
          const lines = await logsOf(fn, (l) => reports(l) > earlier);
          assert.ok(lines.some((line) => line.endsWith('{}')));
        });
      }
    }
  });

  describe('TestLambdaBaseFeatures', () => {
    const base = (test: string) => new Replay(recording(RECORDED, `${TEST}::TestLambdaBaseFeatures::${test}`));

    it('test_function_state (its CreateFunction answer not compared)', async () => {
      const replay = base('test_function_state');
      await replay.call('get-fn-response', () => client.send(new GetFunctionCommand({ FunctionName: names.State })));
    });

    // Nothing recorded (the test asserts only): a 5 MB event echoed back, a 6 MB answer returned.
    it('test_large_payloads (no recorded answer: the test asserts the echo)', async () => {
      const payload = { test: 'test123456'.repeat(100 * 1000 * 5) };
      const result = await client.send(new InvokeCommand({ FunctionName: names.EchoPython, Payload: Buffer.from(JSON.stringify(payload)) }));
      assert.equal(result.FunctionError, undefined);
      assert.deepEqual(JSON.parse(payloadText(result)), payload);
    });

    it('test_lambda_large_response (no recorded answer: the test asserts the answer)', async () => {
      const size = 6 * 1024 * 1024;
      const result = await client.send(new InvokeCommand({ FunctionName: names.LargeResponse, Payload: Buffer.from(JSON.stringify({ bytenum: size })) }));
      assert.equal(result.FunctionError, undefined);
      assert.equal(JSON.parse(payloadText(result)), 'a'.repeat(size));
    });
  });

  describe('TestLambdaBehavior', () => {
    const behavior = (test: string, skip?: string[]) => new Replay(recording(RECORDED, `${TEST}::TestLambdaBehavior::${test}`), { skip });

    // Values that are the machine's paths and the Runtime API's port (AWS: /var/task, /var/runtime,
    // /var/lang/..., port 9001) are compared in presence only. The environment's own TMPDIR is ours
    // alone (environments share the machine's /tmp, so each gets a folder of its own): left out.
    it('test_lambda_init_environment (python3.14)', async () => {
      const paths = ['PWD', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'LD_LIBRARY_PATH', 'PATH', 'PYTHONPATH', 'AWS_LAMBDA_RUNTIME_API'];
      const replay = behavior(
        'test_lambda_init_environment',
        paths.map((name) => `Payload.environment.${name}`),
      );
      const { outcome } = await invokeAnswer(() => client.send(new InvokeCommand({ FunctionName: names.InitEnvironment, Payload: Buffer.from('{"pid": 1}') })));
      const environment = 'body' in outcome ? ((outcome.body.Payload as { environment?: Record<string, string> }).environment ?? {}) : {};
      assert.ok(environment.TMPDIR, 'each environment has a TMPDIR of its own');
      delete environment.TMPDIR;
      replay.expect('lambda-init-inspection', outcome);
    });

    for (const [label, fn] of [
      ['nodejs', 'CacheNode'],
      ['python', 'CachePython'],
    ] as const) {
      it(`test_lambda_cache_local[${label}]`, async () => {
        const replay = behavior(`test_lambda_cache_local[${label}]`);
        await invoke(replay, 'first_invoke_result', { FunctionName: names[fn] });
        await invoke(replay, 'second_invoke_result', { FunctionName: names[fn] });
      });
    }
  });

  describe('TestRequestIdHandling', () => {
    const requestIds = (test: string) => new Replay(recording(RECORDED, `${TEST}::TestRequestIdHandling::${test}`));

    it('test_request_id_format (no recorded answer: the test asserts a UUID)', async () => {
      const listed = await client.send(new ListFunctionsCommand({}));
      assert.match(listed.$metadata.requestId ?? '', /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
    });

    it('test_request_id_async_invoke_with_retry (retried after 1 s, AWS 60 s)', async () => {
      const replay = requestIds('test_request_id_async_invoke_with_retry');
      await client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: names.RequestId, MaximumRetryAttempts: 1 }));
      const { requestId } = await invoke(replay, 'invoke_result', {
        FunctionName: names.RequestId,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ fail: 1 })),
      });
      const lines = await logsOf('RequestId', (l) => l.filter((line) => line.includes('REPORT')).length >= 2);
      const reports = lines.filter((line) => line.includes('REPORT'));
      assert.equal(reports.length, 2);
      // both attempts carry the request id Invoke answered with
      assert.ok(requestId && reports.every((line) => line.includes(requestId)), `${requestId} in ${JSON.stringify(reports)}`);
      replay.expectValue(
        'end_messages',
        lines.filter((line) => line.includes('END')).map((line) => line.trimEnd()),
      );
    });

    it('test_request_id_invoke_url (its CreateFunctionUrlConfig and AddPermission answers not compared)', async () => {
      const replay = requestIds('test_request_id_invoke_url');
      const url = endpoints.find((e) => e.kind === 'url' && e.functionName === names.Url)!.url;
      const response = await fetch(`${url}custom_path/extend?test_param=test_value`, { method: 'POST', body: "{'key':'value'}" });
      replay.expectValue('lambda_url_invocation', {
        statuscode: response.status,
        headers: { 'x-amzn-RequestId': response.headers.get('x-amzn-RequestId') },
        content: await response.text(),
      });
      const lines = await logsOf('Url', (l) => l.some((line) => line.startsWith('REPORT ')));
      replay.expectValue(
        'end_log_entries',
        lines.filter((line) => line.startsWith('END')).map((line) => line.trimEnd()),
      );
    });
  });
});
