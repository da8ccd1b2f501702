import type { LambdaClient } from '@aws-sdk/client-lambda';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../../../src/core/workbench';
import { GO, buildGoBootstrap } from '../helpers/go';
import { JAR, JAVA_FIXTURES, JAVAC, buildCoreJar, compileJava, createJar, javaFiles } from '../helpers/java';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { invokeAnswer } from './invokeAnswer';
import { recording, Replay } from './replay';

// What is particular to each runtime, as AWS answers it: LocalStack's test_lambda_runtimes.py —
// Node.js ES modules (TestNodeJSRuntimes), Java's handler forms and deployment packages
// (TestJavaRuntimes: a library in lib/ of a .jar, of a zip of jars, of Gradle's zip; a stream
// handler; POJOs in and out; the Handler naming a method or only the class), a Go custom runtime's
// returned error (TestGoProvidedRuntimes) and a multi-line print in the log (TestCloudwatchLogs) —
// replayed against our Lambda API with handlers of the same behaviour written here and in
// test/fixtures/java/conformance (compiled with javac, packaged with jar) and
// test/fixtures/go/conformance (built with go). Java runs on the local JDK whatever the version
// declared (java11, java17, java21), Node.js on the local Node. CreateFunction's answers are not compared
// (functions come from the template).

const RECORDED = 'test_lambda_runtimes.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_runtimes.py';

const NODE_ES6 = [
  'export const handler = async (event) => {',
  '  console.log(JSON.stringify(event));',
  '  return { statusCode: 200, body: JSON.stringify(`response from localstack lambda: ${JSON.stringify(event)}`) };',
  '};',
].join('\n');
const PYTHON_PRINTS = 'def handler(event, context):\n    print(event["body"])\n    return event\n';

const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
const JAVA_RUNTIMES = ['java11', 'java17', 'java21'];
const PROVIDED_RUNTIMES = ['provided.al2', 'provided.al2023'];
const JAVA = Boolean(JAVAC && JAR);

/** Java's deployment packages, as LocalStack's test makes them from one jar of classes and its lib/. */
const PACKAGES = {
  // the classes and lib/*.jar in one .jar
  'jar-with-lib': 'with-lib.jar',
  // only lib/: the classes as lib/lambda.jar beside the library's jar
  'zip-with-lib': 'with-lib.zip',
  // Gradle's buildZip: the classes at the root, the runtime classpath's jars in lib/
  'zip-with-lib-gradle': 'with-lib-gradle.zip',
} as const;

/** Compiles the fixtures and writes the three packages, and the classes as a directory (java/), into the project. */
function buildJava(project: string): void {
  const work = path.join(project, '.work');
  const core = path.join(work, 'aws-lambda-java-core.jar');
  buildCoreJar(path.join(work, 'core-classes'), core);
  const conformance = path.join(JAVA_FIXTURES, 'conformance');
  const libClasses = path.join(work, 'textlib-classes');
  compileJava(libClasses, javaFiles(path.join(conformance, 'textlib')));
  const textlib = path.join(work, 'textlib.jar');
  createJar(textlib, libClasses);
  const classes = path.join(work, 'classes');
  compileJava(classes, javaFiles(path.join(conformance, 'sample')), ['-cp', [core, textlib].join(path.delimiter)]);

  const rooted = path.join(work, 'rooted');
  fs.cpSync(classes, rooted, { recursive: true });
  fs.mkdirSync(path.join(rooted, 'lib'));
  fs.copyFileSync(core, path.join(rooted, 'lib', 'aws-lambda-java-core.jar'));
  fs.copyFileSync(textlib, path.join(rooted, 'lib', 'textlib.jar'));
  createJar(path.join(project, PACKAGES['jar-with-lib']), rooted);
  zip(path.join(project, PACKAGES['zip-with-lib-gradle']), rooted);

  const libOnly = path.join(work, 'lib-only');
  fs.mkdirSync(path.join(libOnly, 'lib'), { recursive: true });
  createJar(path.join(libOnly, 'lib', 'lambda.jar'), classes);
  fs.copyFileSync(core, path.join(libOnly, 'lib', 'aws-lambda-java-core.jar'));
  fs.copyFileSync(textlib, path.join(libOnly, 'lib', 'textlib.jar'));
  zip(path.join(project, PACKAGES['zip-with-lib']), libOnly);

  fs.cpSync(rooted, path.join(project, 'java'), { recursive: true });
}

/** A zip of a directory's content (jar without a manifest is a plain zip). */
function zip(file: string, dir: string): void {
  execFileSync(JAR!, ['--create', '--no-manifest', '--file', file, '-C', dir, '.']);
}

const CUSTOM_HANDLERS: Array<[string, string, string]> = [
  // [LocalStack's parameter id, our Handler, the answer AWS gave]
  ['cloud.localstack.sample.LambdaHandlerWithInterfaceAndCustom::handleRequestCustom-CUSTOM', 'sample.InterfaceAndCustom::handleRequestCustom', 'CUSTOM'],
  ['cloud.localstack.sample.LambdaHandlerWithInterfaceAndCustom-INTERFACE', 'sample.InterfaceAndCustom', 'INTERFACE'],
  ['cloud.localstack.sample.LambdaHandlerWithInterfaceAndCustom::handleRequest-INTERFACE', 'sample.InterfaceAndCustom::handleRequest', 'INTERFACE'],
];

describe('conformance: runtimes (test_lambda_runtimes.py, recorded against AWS)', function () {
  this.timeout(180000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;
  const suffix = Math.random().toString(16).slice(2, 10);
  const names: Record<string, string> = {};

  before(async () => {
    const functions: Record<string, { handler: string; runtime: string; codeUri: string; props?: string }> = {};
    const add = (id: string, fn: { handler: string; runtime: string; codeUri: string; props?: string }) => {
      names[id] = `test-function-${id.toLowerCase()}-${suffix}`;
      functions[id] = { ...fn, props: [`FunctionName: ${names[id]}`, fn.props].filter(Boolean).join('\n') };
    };
    for (const runtime of NODE_RUNTIMES) add(`Es6${runtime.replace(/\W/g, '')}`, { handler: 'lambda_handler_es6.handler', runtime, codeUri: 'nodejs' });
    add('MultiLine', { handler: 'lambda_cloudwatch_logs.handler', runtime: 'python3.13', codeUri: 'python' });
    if (JAVA) {
      for (const [id, file] of Object.entries(PACKAGES)) {
        add(`WithLib${id.replace(/\W/g, '')}`, { handler: 'sample.WithLib', runtime: 'java11', codeUri: file });
      }
      for (const runtime of JAVA_RUNTIMES) {
        add(`Stream${runtime}`, { handler: 'sample.StreamEcho', runtime, codeUri: 'java' });
        add(`Validates${runtime}`, { handler: 'sample.Validates', runtime, codeUri: PACKAGES['zip-with-lib'] });
      }
      CUSTOM_HANDLERS.forEach(([, handler], i) => add(`Custom${i}`, { handler, runtime: 'java11', codeUri: 'java' }));
    }
    if (GO) {
      for (const runtime of PROVIDED_RUNTIMES) {
        add(`GoFails${runtime.replace(/\W/g, '')}`, { handler: 'go.fail', runtime, codeUri: 'provided', props: 'MemorySize: 1024' });
      }
    }
    dir = writeProject({
      'nodejs/lambda_handler_es6.mjs': NODE_ES6,
      'python/lambda_cloudwatch_logs.py': PYTHON_PRINTS,
      'template.yaml': samTemplate(functions),
    });
    if (JAVA) buildJava(dir);
    if (GO) buildGoBootstrap('conformance', path.join(dir, 'provided'), path.join(dir, '.work'));
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: false });
    api = await startLambdaApi(workbench);
    client = api.client;
  });
  after(async () => {
    await api?.close();
    await workbench?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('TestNodeJSRuntimes', () => {
    for (const runtime of NODE_RUNTIMES) {
      it(`test_invoke_nodejs_es6_lambda[${runtime}]`, async () => {
        const replay = new Replay(recording(RECORDED, `${TEST}::TestNodeJSRuntimes::test_invoke_nodejs_es6_lambda[${runtime}]`));
        const outcome = await invokeAnswer(client, {
          FunctionName: names[`Es6${runtime.replace(/\W/g, '')}`],
          Payload: Buffer.from(JSON.stringify({ event_type: 'test_lambda' })),
        });
        replay.expect('invocation-result', outcome);
      });
    }
  });

  describe('TestJavaRuntimes', () => {
    before(function () {
      if (!JAVA) this.skip();
    });
    const java = (test: string) => new Replay(recording(RECORDED, `${TEST}::TestJavaRuntimes::${test}`));

    it('test_java_runtime_with_lib', async () => {
      const replay = java('test_java_runtime_with_lib');
      for (const id of Object.keys(PACKAGES)) {
        const outcome = await invokeAnswer(client, { FunctionName: names[`WithLib${id.replace(/\W/g, '')}`], Payload: Buffer.from('{"echo":"echo"}') });
        replay.expect(`invoke-result-${id}`, outcome);
      }
    });

    for (const runtime of JAVA_RUNTIMES) {
      it(`test_stream_handler[${runtime}]`, async () => {
        const outcome = await invokeAnswer(client, { FunctionName: names[`Stream${runtime}`], Payload: Buffer.from('{"echo":"echo"}') });
        java(`test_stream_handler[${runtime}]`).expect('invoke_result', outcome);
      });
      it(`test_serializable_input_object[${runtime}]`, async () => {
        const outcome = await invokeAnswer(client, {
          FunctionName: names[`Validates${runtime}`],
          Payload: Buffer.from('{"bucket": "test_bucket", "key": "test_key"}'),
        });
        java(`test_serializable_input_object[${runtime}]`).expect('invoke-result', outcome);
      });
    }

    CUSTOM_HANDLERS.forEach(([id, , answer], i) => {
      it(`test_java_custom_handler_method_specification[${id}]`, async () => {
        const outcome = await invokeAnswer(client, { FunctionName: names[`Custom${i}`], Payload: Buffer.from('{"echo":"echo"}'), LogType: 'Tail' });
        const { LogResult, ...body } = 'body' in outcome ? outcome.body : {};
        java(`test_java_custom_handler_method_specification[${id}]`).expect('invoke-result', 'body' in outcome ? { status: outcome.status, body } : outcome);
        assert.equal(body.Payload, JSON.stringify(answer));
        // the method the Handler names is the one that ran (it logs its own name and the event)
        assert.match(
          Buffer.from(String(LogResult), 'base64').toString('utf8'),
          new RegExp(`${answer === 'CUSTOM' ? 'handleRequestCustom' : 'handleRequest'}: \\{echo=echo\\}`),
        );
      });
    });
  });

  describe('TestGoProvidedRuntimes', () => {
    for (const runtime of PROVIDED_RUNTIMES) {
      it(`test_uncaught_exception_invoke[${runtime}]`, async function () {
        if (!GO) this.skip();
        const replay = new Replay(recording(RECORDED, `${TEST}::TestGoProvidedRuntimes::test_uncaught_exception_invoke[${runtime}]`));
        const outcome = await invokeAnswer(client, {
          FunctionName: names[`GoFails${runtime.replace(/\W/g, '')}`],
          Payload: Buffer.from('{"error_msg": "some_error_msg"}'),
        });
        replay.expect('error_result', outcome);
      });
    }
  });

  describe('TestCloudwatchLogs', () => {
    it("test_multi_line_prints (python3.13; compared by the log events' messages, INIT_START aside)", async () => {
      const recorded = recording(RECORDED, `${TEST}::TestCloudwatchLogs::test_multi_line_prints`);
      // AWS's answer is the function's log as CloudWatch Logs holds it; ours is the same log as the
      // engine records it, event by event. The events' ids, stream name and times are CloudWatch's own
      // and INIT_START names the runtime's build (`python:3.13.v<n>`, ours the local interpreter):
      // the messages after INIT_START are compared.
      const events = recorded['log-events'] as unknown as Array<{ message: string }>;
      assert.match(events[0]!.message, /^INIT_START /);
      recorded['log-events-messages'] = events.slice(1).map((event) => event.message) as unknown as Record<string, unknown>;
      const replay = new Replay(recorded);
      const payload = JSON.stringify({ body: '\nmulti\nline\nstring\nanother\rline\n' });
      const result = await workbench.invoke('MultiLine', payload, { collectLogs: true });
      const logs = await result.logs;
      assert.match(logs[0] ?? '', /^INIT_START Runtime Version: python:3\.13\./);
      replay.expectValue(
        'log-events-messages',
        logs.slice(1).map((line) => `${line}\n`),
      );
    });
  });
});
