import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../../../src/core/util/executables';
import { GO, buildGoBootstrap } from '../helpers/go';
import type { Workbench } from '../../../src/core/workbench';
import { JAVA_FIXTURES, buildCoreJar, compileJava, javaFiles, JAVAC, JAR } from '../helpers/java';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { invokeAnswer, payloadOf } from './invokeAnswer';
import { recording, Replay } from './replay';

// What every runtime shares, as AWS answers it: LocalStack's TestLambdaRuntimesCommon
// (test_lambda_common.py) — the introspection function (the environment Lambda sets, the context's
// fields, invoked unqualified and by its `:$LATEST` ARN) and the uncaught exception (each runtime's
// error document) — replayed on the runtimes we run, with handlers of the same behaviour written
// here (Python, Node.js, Ruby), in test/fixtures/java/conformance (Java, compiled with javac) and
// test/fixtures/go/conformance (a custom runtime on the standard library, built with go).
// Recordings of runtime versions we do not have locally run on the interpreter the engine resolves
// (python3.9 … 3.14 on the Python resolved for each, ruby3.2 … 3.4 on the local Ruby, java11 … 21
// on the local JDK, nodejs18.x … 24.x on the local Node).
//
// Not compared: CreateFunction's answers (`create_function_result`: functions come from the
// template); values that name this machine rather than Lambda's sandbox (paths: the task root, the
// runtime's directory, PATH and the library and module search paths; the Runtime API's address), of
// which only the presence is compared; and the variables only a local environment has (TMPDIR, each
// environment's own temporary directory), which are left out before comparing.

const RECORDED = 'test_lambda_common.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_common.py::TestLambdaRuntimesCommon';

/** Environment variables whose values are this machine's paths and addresses: compared by presence. */
const MACHINE_VALUES = [
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'PATH',
  'LD_LIBRARY_PATH',
  'PWD',
  'PYTHONPATH',
  'NODE_PATH',
  'GEM_HOME',
  'GEM_PATH',
  'RUBYLIB',
  'NODE_EXTRA_CA_CERTS',
  '_LAMBDA_TELEMETRY_LOG_FD',
].map((name) => `environment.${name}`);
/** Variables only a local environment has. */
const LOCAL_ONLY = ['TMPDIR'];

const PYTHON = {
  'handler.py': [
    'import json, os',
    '',
    'def handler(event, context):',
    '    print(json.dumps(event))',
    '    ctx = {',
    '        "function_name": context.function_name,',
    '        "function_version": context.function_version,',
    '        "invoked_function_arn": context.invoked_function_arn,',
    '        "memory_limit_in_mb": context.memory_limit_in_mb,',
    '        "aws_request_id": context.aws_request_id,',
    '        "log_group_name": context.log_group_name,',
    '        "log_stream_name": context.log_stream_name,',
    '        "remaining_time_in_millis": context.get_remaining_time_in_millis(),',
    '    }',
    '    return {"environment": dict(os.environ), "ctx": ctx, "packages": []}',
  ].join('\n'),
  'fails.py': 'def handler(event, context):\n    raise Exception("Failed: %s" % event.get("error_msg"))\n',
};
const NODE = {
  // memoryLimitInMb (not the context's memoryLimitInMB) is undefined, and so absent, as in AWS's answer
  'index.js': [
    'exports.handler = async (event, context) => ({',
    '  environment: process.env,',
    '  ctx: {',
    '    function_name: context.functionName,',
    '    function_version: context.functionVersion,',
    '    invoked_function_arn: context.invokedFunctionArn,',
    '    memory_limit_in_mb: context.memoryLimitInMb,',
    '    aws_request_id: context.awsRequestId,',
    '    log_group_name: context.logGroupName,',
    '    log_stream_name: context.logStreamName,',
    '    remaining_time_in_millis: context.getRemainingTimeInMillis(),',
    '  },',
    '  packages: [],',
    '});',
  ].join('\n'),
  'fails.js': 'exports.handler = async (event) => {\n  throw new Error(`Error: ${event.error_msg}`);\n};\n',
};
const RUBY = {
  'function.rb': [
    'def handler(event:, context:)',
    '  ctx = {',
    '    "function_name" => context.function_name,',
    '    "function_version" => context.function_version,',
    '    "invoked_function_arn" => context.invoked_function_arn,',
    '    "memory_limit_in_mb" => context.memory_limit_in_mb,',
    '    "aws_request_id" => context.aws_request_id,',
    '    "log_group_name" => context.log_group_name,',
    '    "log_stream_name" => context.log_stream_name,',
    '    "remaining_time_in_millis" => context.get_remaining_time_in_millis',
    '  }',
    '  { "environment" => ENV.to_h, "ctx" => ctx, "packages" => [] }',
    'end',
  ].join('\n'),
  'fails.rb': 'def handler(event:, context:)\n  raise "Error: " + event["error_msg"]\nend\n',
};

type Language = 'python' | 'nodejs' | 'ruby' | 'java' | 'provided';
/** Per language: the code directory and the two handlers (the introspection one as AWS's answer names it in _HANDLER). */
const HANDLERS: Record<Language, { introspection: string; fails: string }> = {
  python: { introspection: 'handler.handler', fails: 'fails.handler' },
  nodejs: { introspection: 'index.handler', fails: 'fails.handler' },
  ruby: { introspection: 'function.handler', fails: 'fails.handler' },
  java: { introspection: 'echo.Handler', fails: 'echo.Fails' },
  provided: { introspection: 'function.handler', fails: 'rust.fail' },
};

const RUNTIMES: Array<[string, Language]> = [
  ...['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'].map((r) => [r, 'python'] as [string, Language]),
  ...['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'].map((r) => [r, 'nodejs'] as [string, Language]),
  ...['ruby3.2', 'ruby3.3', 'ruby3.4'].map((r) => [r, 'ruby'] as [string, Language]),
  ...['java11', 'java17', 'java21'].map((r) => [r, 'java'] as [string, Language]),
  ...['provided.al2', 'provided.al2023'].map((r) => [r, 'provided'] as [string, Language]),
];

const RUBY_BIN = findOnPath('ruby');

/** The languages this machine can run (Python and Node.js always; the others when their tools are installed). */
function available(language: Language): boolean {
  if (language === 'java') return Boolean(JAVAC && JAR);
  if (language === 'provided') return Boolean(GO);
  if (language === 'ruby') return Boolean(RUBY_BIN);
  return true;
}

/** Builds the Java classes (with aws-lambda-java-core in lib/, as a deployment package has it) into `dir`. */
function buildJava(dir: string, work: string): void {
  const core = path.join(dir, 'lib', 'aws-lambda-java-core.jar');
  buildCoreJar(path.join(work, 'core-classes'), core);
  compileJava(dir, javaFiles(path.join(JAVA_FIXTURES, 'conformance', 'echo')), ['-cp', core]);
}

describe('conformance: runtimes in common (test_lambda_common.py, recorded against AWS)', function () {
  this.timeout(180000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;
  const suffix = Math.random().toString(16).slice(2, 10);
  const nameOf = (kind: 'introspection' | 'fails', runtime: string) => `${kind}-${runtime.replace(/\./g, '-')}-${suffix}`;

  before(async () => {
    const files: Record<string, string> = {};
    for (const [name, source] of Object.entries(PYTHON)) files[`python/${name}`] = source;
    for (const [name, source] of Object.entries(NODE)) files[`nodejs/${name}`] = source;
    for (const [name, source] of Object.entries(RUBY)) files[`ruby/${name}`] = source;
    const functions: Record<string, { handler: string; runtime: string; codeUri: string; props: string }> = {};
    for (const [runtime, language] of RUNTIMES) {
      if (!available(language)) continue;
      const id = runtime.replace(/[^A-Za-z0-9]/g, '');
      functions[`Introspection${id}`] = {
        handler: HANDLERS[language].introspection,
        runtime,
        codeUri: language,
        props: `FunctionName: ${nameOf('introspection', runtime)}\nMemorySize: 1024\nEnvironment:\n  Variables:\n    TEST_KEY: TEST_VAL`,
      };
      functions[`Fails${id}`] = {
        handler: HANDLERS[language].fails,
        runtime,
        codeUri: language,
        props: `FunctionName: ${nameOf('fails', runtime)}\nMemorySize: 1024`,
      };
    }
    dir = writeProject({ ...files, 'template.yaml': samTemplate(functions) });
    if (available('java')) buildJava(path.join(dir, 'java'), path.join(dir, '.work'));
    if (available('provided')) buildGoBootstrap('conformance', path.join(dir, 'provided'), path.join(dir, '.work'));
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: false });
    api = await startLambdaApi(workbench);
    client = api.client;
  });
  after(async () => {
    await api?.close();
    await workbench?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The introspection function's answer, without the variables only a local environment has. */
  const introspect = async (functionName: string) => {
    const outcome = await invokeAnswer(client, { FunctionName: functionName, Payload: Buffer.from('{"simple": "payload"}') });
    assert.ok('body' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.body.FunctionError, undefined, JSON.stringify(outcome.body.Payload));
    const payload = outcome.body.Payload as { environment: Record<string, string> };
    for (const name of LOCAL_ONLY) delete payload.environment[name];
    return payload;
  };
  /**
   * LC_CTYPE is the interpreter's locale coercion (PEP 538) when LANG names a locale the machine
   * lacks: AWS's python3.12+ have it, its 3.9 … 3.11 not; locally it depends on the Python and the
   * locales installed. Compared where AWS's answer has it.
   */
  const withoutCoercedLocale = (payload: { environment: Record<string, string> }, recorded: unknown) => {
    const environment = (recorded as { environment: Record<string, string> }).environment;
    if (!('LC_CTYPE' in environment)) delete payload.environment.LC_CTYPE;
    return payload;
  };

  for (const [runtime, language] of RUNTIMES) {
    // java11's environment is its own runtime client's (it adds AWS_ACCESS_KEY, AWS_SECRET_KEY and
    // _X_AMZN_TRACE_ID, and consumes _LAMBDA_TELEMETRY_LOG_FD): ours is java17's for every Java.
    if (runtime !== 'java11') {
      it(`test_introspection_invoke[${runtime}]`, async function () {
        if (!available(language)) this.skip();
        const recorded = recording(RECORDED, `${TEST}::test_introspection_invoke[${runtime}]`);
        const replay = new Replay(recorded, { skip: MACHINE_VALUES });
        const name = nameOf('introspection', runtime);
        replay.expectValue('invocation_result_payload', withoutCoercedLocale(await introspect(name), recorded.invocation_result_payload));
        const { FunctionArn } = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        const qualified = await introspect(`${FunctionArn}:$LATEST`);
        replay.expectValue('invocation_result_payload_qualified', withoutCoercedLocale(qualified, recorded.invocation_result_payload_qualified));
      });
    }

    it(`test_uncaught_exception_invoke[${runtime}]`, async function () {
      if (!available(language)) this.skip();
      // Stack traces name this machine's files: compared by presence, as LocalStack replaces them.
      const replay = new Replay(recording(RECORDED, `${TEST}::test_uncaught_exception_invoke[${runtime}]`), {
        skip: ['Payload.stackTrace', 'Payload.trace'],
      });
      const outcome = await invokeAnswer(client, { FunctionName: nameOf('fails', runtime), Payload: Buffer.from('{"error_msg": "some_error_msg"}') });
      replay.expect('error_result', outcome);
      assert.ok(payloadOf(outcome).text.length > 0);
    });
  }
});
