import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../../src/core/config/types';
import { setRuntimesDir } from '../../../src/core/runtimes/files';
import { compileJavaRuntime, JavaRuntime, jvmMemoryOptions, resolveLocalJava } from '../../../src/core/runtimes/javaRuntime';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { findOnPath } from '../../../src/core/util/executables';
import type { Workbench } from '../../../src/core/workbench';
import { buildIfStale, cleanEnv, REPO_ROOT, runCli } from '../helpers/build';
import { recordFunctionOutput, settle } from '../helpers/invocation';
import { waitFor } from '../helpers/wait';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';
import { JAR, JAVAC, JAVA_FIXTURES, buildCoreJar, compileJava, createJar, javaFiles } from '../helpers/java';

// The Java runtime (our lambdaworkbench.runtime client) with Debian's JDK: handlers compiled with
// javac against test-only copies of aws-lambda-java-core's interfaces (test/fixtures/java/core),
// packaged as classes + lib/*.jar and as jars only in lib/; every handler form, POJO binding, the
// Context and its LambdaLogger, AWS's error shapes, init errors, timeouts, warm reuse and memory.

/** Compiles the fixtures: the core interfaces into core.jar, the handlers against it. */
function compileFixtures(root: string): { core: string; classes: string; handlersJar: string } {
  const coreClasses = path.join(root, 'core-classes');
  const classes = path.join(root, 'classes');
  const core = path.join(root, 'aws-lambda-java-core.jar');
  buildCoreJar(coreClasses, core);
  compileJava(classes, javaFiles(path.join(JAVA_FIXTURES, 'handlers')), ['-cp', core]);
  const handlersJar = path.join(root, 'handlers.jar');
  createJar(handlersJar, classes);
  return { core, classes, handlersJar };
}

const java = (handler: string, props?: string, codeUri = 'fn') => ({ handler, runtime: 'java17', codeUri, ...(props ? { props } : {}) });

describe('Java runtime', function () {
  this.timeout(60000);
  let workbench: Workbench;
  let output: string[];
  const events: TelemetryEvent[] = [];

  before(async function () {
    if (!JAVAC || !JAR) this.skip();
    const dir = writeProject({
      'template.yaml': samTemplate({
        Echo: java('example.Echo'),
        EchoFromJar: java('example.Echo', undefined, 'jarred'),
        Orders: java('example.Orders::create'),
        OrderIds: java('example.OrderIds'),
        Pick: java('example.Overloads::pick', 'FunctionName: picked'),
        Reads: java('example.Overloads::reads'),
        OnlyContext: java('example.Overloads::onlyContext'),
        CtorThrows: java('example.CtorThrows'),
        Upper: java('example.Plain::upper'),
        NoArgs: java('example.Plain::noArgs'),
        Nothing: java('example.Plain::nothing'),
        PlainStreams: java('example.Plain::streams'),
        Streams: java('example.Streams', 'FunctionName: my-streams'),
        Context: java('example.Ctx::handle', 'MemorySize: 512\nTimeout: 7\nFunctionName: my-java-context'),
        Boom: java('example.Boom::handle'),
        BadStatic: java('example.BadStatic::handle'),
        Missing: java('example.Nowhere'),
        NoMethod: java('example.Plain::nosuch'),
        NotAHandler: java('example.Order'),
        SlowInit: java('example.SlowInit::handle'),
        Slow: java('example.Slow::handle', 'Timeout: 1'),
        Hog: java('example.Hog::handle', 'MemorySize: 512\nTimeout: 20'),
      }),
    });
    const built = compileFixtures(fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-')));
    // classes + lib/*.jar, as SAM's Maven / Gradle builds lay a function out
    fs.cpSync(built.classes, path.join(dir, 'fn'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'fn', 'lib'));
    fs.copyFileSync(built.core, path.join(dir, 'fn', 'lib', 'aws-lambda-java-core.jar'));
    // jars only, in lib/ (a Gradle buildZip's layout)
    fs.mkdirSync(path.join(dir, 'jarred', 'lib'), { recursive: true });
    fs.copyFileSync(built.core, path.join(dir, 'jarred', 'lib', 'aws-lambda-java-core.jar'));
    fs.copyFileSync(built.handlersJar, path.join(dir, 'jarred', 'lib', 'handlers.jar'));
    workbench = await openProject(dir);
    output = recordFunctionOutput(workbench);
    workbench.telemetry.subscribe((e) => events.push(e));
  });
  after(() => workbench?.close());

  async function expectError(name: string, payload = '{"id":"o-1"}') {
    const result = await workbench.invoke(name, payload, { collectLogs: true });
    assert.equal(result.functionError, 'Unhandled', `${name} should fail: ${result.payload}`);
    return { result, body: json(result.payload) };
  }

  it('runs a RequestHandler<Map, Map> cold, then warm in the same JVM with static state kept', async () => {
    const first = await workbench.invoke('Echo', '{"a":1,"nested":{"b":[1,2.5,"x",null,true]}}');
    const second = await workbench.invoke('Echo', '{"a":2}');
    assert.deepEqual([first.coldStart, second.coldStart], [true, false]);
    assert.equal(second.environmentId, first.environmentId);
    const [a, b] = [first, second].map((r) => json(r.payload));
    assert.deepEqual([a.count, b.count], [1, 2]);
    assert.equal(a.pid, b.pid);
    assert.equal(a.startedBy, a.pid);
    assert.deepEqual(a.event, { a: 1, nested: { b: [1, 2.5, 'x', null, true] } });
    assert.match(a.eventClass, /Map$/);
    assert.equal(first.contentType, 'application/json');
  });

  it('loads handlers from jars in lib/ (no classes at the root)', async () => {
    const result = await workbench.invoke('EchoFromJar', '{"from":"jar"}');
    assert.equal(result.functionError, undefined, String(result.payload));
    assert.deepEqual(json(result.payload).event, { from: 'jar' });
  });

  it('binds a POJO (bean setters, nested public-field POJOs in a List) and writes one back through its getters', async () => {
    const result = await workbench.invoke('Orders', '{"id":"o-7","quantity":3,"lines":[{"sku":"a","price":1.5},{"sku":"b","price":2}]}');
    assert.equal(result.functionError, undefined, String(result.payload));
    const receipt = json(result.payload);
    assert.equal(receipt.orderId, 'o-7');
    assert.equal(receipt.total, 10.5);
    assert.match(receipt.requestId, /^[0-9a-f-]{36}$/);
  });

  it('binds the input type a RequestHandler subclass gives its generic base (OrderIds extends Base<Order>)', async () => {
    const result = await workbench.invoke('OrderIds', '{"id":"o-9","quantity":4}');
    assert.equal(result.functionError, undefined, String(result.payload));
    assert.equal(json(result.payload), 'o-9 x4');
  });

  it('plain methods: (String) gets a JSON string’s value and answers a JSON string; () ; void answers null; (InputStream, OutputStream)', async () => {
    const upper = await workbench.invoke('Upper', '"hello"');
    assert.equal(String(upper.payload), '"HELLO"');
    const number = await workbench.invoke('Upper', '12');
    assert.equal(String(number.payload), '"12"', 'a number reaches a String input as its text (as Jackson coerces it)');
    const object = await workbench.invoke('Upper', '{"a":1}');
    assert.equal(object.functionError, 'Unhandled');
    assert.equal(json(object.payload).errorType, 'java.lang.RuntimeException');
    assert.equal(json(object.payload).errorMessage, 'An error occurred during JSON parsing');
    assert.equal(String((await workbench.invoke('NoArgs', '{}')).payload), '42');
    assert.equal(String((await workbench.invoke('Nothing', '{}')).payload), 'null');
    assert.equal(String((await workbench.invoke('PlainStreams', '{"x":1}')).payload), 'raw:{"x":1}');
  });

  it('picks among overloads as AWS does (longest, a Context last counting one more); (InputStream, Context) answers null; (Context) alone', async () => {
    assert.equal(json((await workbench.invoke('Pick', '{}')).payload), '(Map, Context) picked');
    const reads = await workbench.invoke('Reads', '{"r":1}', { collectLogs: true });
    assert.equal(String(reads.payload), 'null');
    assert.ok((await reads.logs).includes('read {"r":1}'), String(await reads.logs));
    assert.equal(json((await workbench.invoke('OnlyContext', '{}')).payload), '36 chars');
  });

  it('a RequestStreamHandler gets the payload’s bytes and answers what it writes', async () => {
    const result = await workbench.invoke('Streams', '"abc"', { collectLogs: true });
    assert.equal(String(result.payload), '"cba"');
    assert.ok((await result.logs).includes('streamed 5 bytes for my-streams'), String(await result.logs));
  });

  it('gives the handler a Context (a proxy of the function’s own interface) with Lambda’s values; its LambdaLogger writes one record per call', async () => {
    const result = await workbench.invoke('Context', '{}', {
      collectLogs: true,
      traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    });
    assert.equal(result.functionError, undefined, String(result.payload));
    const c = json(result.payload);
    assert.match(c.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(c.functionName, 'my-java-context');
    assert.equal(c.functionVersion, '$LATEST');
    assert.match(c.arn, /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:my-java-context$/);
    assert.equal(c.memory, 512);
    assert.equal(c.logGroup, '/aws/lambda/my-java-context');
    assert.match(c.logStream, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(c.remaining > 5000 && c.remaining <= 7000, `remaining ${c.remaining}`);
    assert.equal(c.identityNull, true);
    assert.equal(c.clientContextNull, true);
    assert.match(c.traceHeader, /^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1/);
    assert.equal(c.executionEnv, 'AWS_Lambda_java17');
    // -XX:MaxHeapSize = 85% of 512 MB (maxMemory() leaves out a survivor space of the serial collector)
    const heapMb = c.maxHeap / 1024 / 1024;
    assert.ok(heapMb > 400 && heapMb <= 512 * 0.85, `max heap ${heapMb} MB`);
    const logs = await result.logs;
    assert.ok(logs.includes('logged line one\nand two'), `a multi-line log call stays one record: ${JSON.stringify(logs)}`);
    assert.ok(logs.includes('second record'), JSON.stringify(logs));
    assert.ok(logs.includes('printed to stdout'), JSON.stringify(logs));
  });

  it('passes the Cognito identity to the Context as a CognitoIdentity proxy', async () => {
    const cognitoIdentity = JSON.stringify({ cognitoIdentityId: 'us-east-1:abc', cognitoIdentityPoolId: 'us-east-1:pool' });
    const c = json((await workbench.invoke('Context', '{}', { cognitoIdentity })).payload);
    assert.equal(c.identityNull, false);
    assert.equal(c.identityId, 'us-east-1:abc');
    assert.equal(c.identityPoolId, 'us-east-1:pool');
  });

  it('passes the client context to the Context as ClientContext / Client proxies', async () => {
    const clientContext = JSON.stringify({ client: { installation_id: 'inst-1', app_title: 'Shop' }, custom: { k: 'v' }, env: { platform: 'android' } });
    const result = await workbench.invoke('Context', '{}', { clientContext });
    const c = json(result.payload);
    assert.equal(c.installationId, 'inst-1');
    assert.equal(c.appTitle, 'Shop');
    assert.deepEqual(c.custom, { k: 'v' });
    assert.deepEqual(c.env, { platform: 'android' });
  });

  it('an exception in the handler → {errorMessage, errorType: its class, stackTrace: frames}; logged with its cause; the environment stays warm', async () => {
    const { body, result } = await expectError('Boom');
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'stackTrace']);
    assert.equal(body.errorType, 'java.lang.IllegalStateException');
    assert.equal(body.errorMessage, 'bad order o-1');
    assert.equal(result.errorType, 'Runtime.UserException');
    assert.ok(Array.isArray(body.stackTrace) && body.stackTrace.length > 0);
    assert.match(body.stackTrace[0], /^example\.Boom\.handle\(Boom\.java:\d+\)$/);
    assert.ok(
      body.stackTrace.every((f: string) => !f.startsWith('lambdaworkbench.') && !f.includes('reflect')),
      `the runtime's own frames are cut: ${body.stackTrace}`,
    );
    const logs = (await result.logs).join('\n');
    assert.match(logs, /bad order o-1: java\.lang\.IllegalStateException/);
    assert.match(logs, /Caused by: java\.lang\.NumberFormatException: For input string: "not a number"/);
    const again = await workbench.invoke('Boom', '{"id":"o-2"}');
    assert.equal(again.coldStart, false);
  });

  it('a static initialiser that throws → an init error named as AWS names it (ExceptionInInitializerError, Runtime.BadFunctionCode)', async () => {
    const { body, result } = await expectError('BadStatic');
    assert.deepEqual(body, { errorMessage: 'Error loading class example.BadStatic', errorType: 'java.lang.ExceptionInInitializerError' });
    assert.equal(result.errorType, 'Runtime.BadFunctionCode');
    const logs = (await result.logs).join('\n');
    assert.match(logs, /Caused by: java\.lang\.IllegalArgumentException: no configuration/);
    assert.match(logs, /INIT_REPORT|Status: error/);
  });

  it('a handler whose constructor throws → an init error with that exception’s class and message', async () => {
    const { body, result } = await expectError('CtorThrows');
    assert.deepEqual(body, { errorMessage: 'missing TABLE_NAME', errorType: 'java.lang.IllegalStateException' });
    assert.equal(result.errorType, 'Runtime.BadFunctionCode');
    const logs = (await result.logs).join('\n');
    assert.match(logs, /missing TABLE_NAME: java\.lang\.IllegalStateException/);
    assert.match(logs, /at example\.CtorThrows\.<init>\(CtorThrows\.java:\d+\)/);
  });

  it('a class not on the class path → "Class not found" (ClassNotFoundException) for each invocation, as AWS answers', async () => {
    const { body, result } = await expectError('Missing');
    assert.deepEqual(body, { errorMessage: 'Class not found: example.Nowhere', errorType: 'java.lang.ClassNotFoundException' });
    assert.equal(result.errorType, 'Runtime.BadFunctionCode');
    const again = await expectError('Missing');
    assert.equal(again.body.errorType, 'java.lang.ClassNotFoundException');
  });

  it('a method that does not exist, a class that is no handler → AWS’s messages', async () => {
    const { body } = await expectError('NoMethod');
    assert.equal(body.errorMessage, 'No public method named nosuch with appropriate method signature found on class example.Plain');
    const other = await expectError('NotAHandler');
    assert.equal(
      other.body.errorMessage,
      'Class does not implement an appropriate handler interface: com.amazonaws.services.lambda.runtime.RequestHandler or com.amazonaws.services.lambda.runtime.RequestStreamHandler',
    );
  });

  it('splits INIT into runtimeInit and functionInit where the handler class starts loading', async () => {
    const result = await workbench.invoke('SlowInit', '{}', { collectLogs: true });
    assert.equal(json(result.payload), 'ready');
    const initReport = events.find((e) => e.environmentId === result.environmentId && e.type === 'platform.initReport')!.record as any;
    assert.equal(initReport.status, 'success');
    const span = (name: string) => initReport.spans.find((s: any) => s.name === name);
    assert.ok(span('runtimeInit') && span('functionInit'), JSON.stringify(initReport.spans));
    assert.ok(span('functionInit').durationMs >= 290, `the static initialiser's 300 ms are function init: ${JSON.stringify(initReport.spans)}`);
    assert.ok(span('runtimeInit').durationMs < 2000, 'runtime init is the JVM and our runtime');
    assert.match((await result.logs)[0], /^INIT_START Runtime Version: java:17\.local-v\d+[.\d]*\tRuntime Version ARN: local:java:\/.*java$/);
  });

  it('a handler slower than its timeout → Sandbox.Timedout, and the environment is reset', async () => {
    const { body, result } = await expectError('Slow');
    assert.equal(body.errorType, 'Sandbox.Timedout');
    assert.match(body.errorMessage, /Task timed out after 1\.\d\d seconds$/);
    await result.logs;
    const next = await workbench.invoke('Slow', '{}');
    assert.equal(next.coldStart, true);
  });

  it('a heap exhausted (85% of MemorySize) → java.lang.OutOfMemoryError answered as AWS’s runtime does, then the runtime exits', async () => {
    const { body, result } = await expectError('Hog');
    await settle();
    assert.equal(body.errorType, 'java.lang.OutOfMemoryError', JSON.stringify(body));
    assert.equal(body.errorMessage, 'Java heap space');
    assert.equal(result.errorType, 'Runtime.UserException');
    assert.match(body.stackTrace[0], /^example\.Hog\.handle\(Hog\.java:\d+\)$/);
    await result.logs;
    const next = await workbench.invoke('Hog', '{}');
    assert.equal(next.coldStart, true, 'the runtime exits after an OutOfMemoryError (a VirtualMachineError), as AWS’s does');
    assert.ok(
      output.some((line) => line.startsWith('Java heap space: java.lang.OutOfMemoryError')),
      'logged as AWS logs it',
    );
  });
});

describe('Java runtime: its classes and the JVM it starts', function () {
  this.timeout(120000);
  afterEach(() => setRuntimesDir(undefined));

  const fn = (runtime: string, memorySize = 1024) => ({ runtime, memorySize, codeUri: '/task', handler: 'a.B' }) as FunctionDefinition;

  it('starts the configured java with runtime.jar when the build made one, with Lambda’s JVM options; warns once when its major version differs', async function () {
    if (!JAVAC || !JAR) this.skip();
    const runtimes = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-runtimes-'));
    fs.cpSync(path.join(REPO_ROOT, 'src', 'core', 'runtimes', 'java', 'src'), path.join(runtimes, 'java', 'src'), { recursive: true });
    fs.writeFileSync(path.join(runtimes, 'java', 'runtime.jar'), 'a jar');
    setRuntimesDir(runtimes);
    const warnings: string[] = [];
    const cache = path.join(runtimes, 'cache');
    const javaPath = findOnPath('java')!;
    const adapter = new JavaRuntime(javaPath, (m) => warnings.push(m), cache);
    const local = await resolveLocalJava(javaPath);
    const other = local.major === 21 ? 'java17' : 'java21';
    const launch = await adapter.launch(fn(other), { optDir: '/layers' });
    assert.equal(launch.command, fs.realpathSync(javaPath));
    assert.deepEqual(launch.args.slice(0, 4), jvmMemoryOptions(1024));
    assert.equal(launch.args[launch.args.indexOf('-cp') + 1], path.join(runtimes, 'java', 'runtime.jar'));
    assert.ok(launch.args.includes('-Dlambdaworkbench.taskRoot=/task') && launch.args.includes('-Dlambdaworkbench.opt=/layers'), String(launch.args));
    assert.equal(launch.args.at(-1), 'lambdaworkbench.runtime.Main');
    assert.equal(launch.env.AWS_EXECUTION_ENV, `AWS_Lambda_${other}`);
    assert.equal(launch.runtimeVersion, `java:${other.slice(4)}.local-v${local.version}`);
    assert.ok(!fs.existsSync(cache), 'nothing compiled');
    await adapter.launch(fn(other), {});
    await adapter.launch(fn(`java${local.major}`), {});
    assert.deepEqual(warnings, [`${other} functions run on the local Java ${local.version} (${local.path}); behaviour of Java ${other.slice(4)} may differ.`]);
  });

  it('warm() compiles the runtime ahead of the first cold start when no runtime.jar was built', async function () {
    if (!JAVAC) this.skip();
    const runtimes = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-runtimes-'));
    fs.cpSync(path.join(REPO_ROOT, 'src', 'core', 'runtimes', 'java', 'src'), path.join(runtimes, 'java', 'src'), { recursive: true });
    setRuntimesDir(runtimes);
    const cache = path.join(runtimes, 'cache');
    const adapter = new JavaRuntime(undefined, () => undefined, cache);
    adapter.warm();
    await waitFor(
      () => fs.existsSync(cache) && fs.readdirSync(cache).some((d) => fs.existsSync(path.join(cache, d, 'lambdaworkbench', 'runtime', 'Main.class'))),
      60000,
    );
    const launch = await adapter.launch(fn('java21'), {});
    const classPath = launch.args[launch.args.indexOf('-cp') + 1];
    assert.equal(path.dirname(classPath), cache);
  });

  it('a javaPath that does not exist is said', async () => {
    await assert.rejects(
      new JavaRuntime('/nonexistent/java', () => undefined, os.tmpdir()).launch(fn('java21'), {}),
      /The configured Java \/nonexistent\/java does not exist\./,
    );
  });

  it('Lambda’s JVM memory limits: heap 85%, metaspace 10%, code cache 5% of MemorySize', () => {
    assert.deepEqual(jvmMemoryOptions(256), ['-XX:MaxHeapSize=222822k', '-XX:MaxMetaspaceSize=26214k', '-XX:ReservedCodeCacheSize=13107k', '-XX:+UseSerialGC']);
  });

  it('compiles the runtime with javac on first use into a cache keyed by the sources’ hash, once', async function () {
    if (!JAVAC) this.skip();
    const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-cache-'));
    // a copy of the runtime's sources, steady while the test runs
    const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-runtime-'));
    fs.cpSync(path.join(REPO_ROOT, 'src', 'core', 'runtimes', 'java', 'src'), path.join(runtimeDir, 'src'), { recursive: true });
    const first = await compileJavaRuntime(cacheRoot, fs.realpathSync(findOnPath('java')!), runtimeDir);
    assert.ok(fs.existsSync(path.join(first, 'lambdaworkbench', 'runtime', 'Main.class')));
    assert.equal(path.dirname(first), cacheRoot);
    assert.match(path.basename(first), /^[0-9a-f]{16}$/);
    const stamp = fs.statSync(path.join(first, 'lambdaworkbench', 'runtime', 'Main.class')).mtimeMs;
    assert.equal(await compileJavaRuntime(cacheRoot, findOnPath('java')!, runtimeDir), first);
    assert.equal(fs.statSync(path.join(first, 'lambdaworkbench', 'runtime', 'Main.class')).mtimeMs, stamp, 'not compiled again');
    // a runtime directory with other sources gets classes of its own
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-src-'));
    const sources = path.join(other, 'src', 'lambdaworkbench', 'runtime');
    fs.mkdirSync(sources, { recursive: true });
    fs.writeFileSync(path.join(sources, 'Main.java'), 'package lambdaworkbench.runtime; public class Main { public static void main(String[] a) {} }');
    const third = await compileJavaRuntime(cacheRoot, findOnPath('java')!, other);
    assert.notEqual(third, first);
    fs.writeFileSync(path.join(sources, 'Main.java'), 'package lambdaworkbench.runtime; public class Main { broken');
    await assert.rejects(compileJavaRuntime(cacheRoot, findOnPath('java')!, other), /Compiling the Java runtime with .*javac failed: .*error/s);
  });

  it('the build ships runtime.jar (release 11) beside the runtime’s sources', function () {
    if (!JAVAC) this.skip();
    const jar = path.join(__dirname, '..', '..', '..', 'dist', 'runtimes', 'java', 'runtime.jar');
    if (!fs.existsSync(jar)) this.skip();
    const listing = execFileSync(JAR!, ['--list', '--file', jar], { encoding: 'utf8' });
    assert.match(listing, /lambdaworkbench\/runtime\/Main\.class/);
    assert.match(listing, /lambdaworkbench\/runtime\/Json\.class/);
    // and it runs: with no Runtime API to talk to, it says so and exits 1
    const run = spawnSync(findOnPath('java')!, ['-cp', jar, 'lambdaworkbench.runtime.Main'], {
      encoding: 'utf8',
      env: { ...process.env, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:1', _HANDLER: 'example.Echo' },
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Failed to get next invocation\. No Response from endpoint/);
  });
});

describe("examples/sam-app's Java function", function () {
  this.timeout(120000);
  before(function () {
    if (!JAVAC) this.skip();
    buildIfStale();
  });

  it('JavaQuotes (built by its Makefile, records in and out) prices events/order.json, warm state kept; a bad order is an IllegalArgumentException in AWS’s shape', async () => {
    const examples = path.join(REPO_ROOT, 'examples', 'sam-app');
    const ok = await runCli(['invoke', 'JavaQuotes', '-t', examples, '-e', path.join(examples, 'events', 'order.json'), '--repeat', '2'], { env: cleanEnv() });
    assert.equal(ok.status, 0, ok.stderr);
    const quotes = ok.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      quotes.map((q) => [q.orderId, q.currency, q.subtotal, q.tax, q.total, q.quotesServed]),
      [
        ['o-42', 'GBP', 16, 3.2, 19.2, 1],
        ['o-42', 'GBP', 16, 3.2, 19.2, 2],
      ],
    );
    assert.equal(typeof quotes[0].quotedAt, 'number', 'an Instant is written as epoch seconds, as AWS’s JavaTimeModule does');
    assert.match(ok.stderr, /quotes ready: currency GBP, tax 0\.20/);
    assert.match(ok.stderr, /quote o-42: 2 lines, total 19\.20 GBP/);
    assert.match(ok.stderr, /1 cold start\(s\), 1 warm/);
    const failed = await runCli(['invoke', 'JavaQuotes', '-t', examples, '--event-json', '{"orderId":"o-1","lines":[]}'], { env: cleanEnv() });
    assert.equal(failed.status, 1);
    const error = JSON.parse(failed.stdout);
    assert.equal(error.errorType, 'java.lang.IllegalArgumentException');
    assert.equal(error.errorMessage, 'order o-1 has no lines');
    assert.ok(
      Array.isArray(error.stackTrace) && error.stackTrace.some((frame: string) => frame.startsWith('example.Quotes.quote(Quotes.java:')),
      JSON.stringify(error),
    );
  });
});

describe('Java runtime at SHUTDOWN', function () {
  this.timeout(60000);
  before(function () {
    if (!JAVAC || !JAR) this.skip();
    buildIfStale();
  });

  it('SIGTERM while parked on GET /next: the JVM exits as SIGTERM asks (143) and reports nothing (the socket its shutdown hook closed is no platform failure)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-sigterm-'));
    const built = compileFixtures(root);
    const task = path.join(root, 'task');
    fs.cpSync(built.classes, task, { recursive: true });
    fs.mkdirSync(path.join(task, 'lib'));
    fs.copyFileSync(built.core, path.join(task, 'lib', 'aws-lambda-java-core.jar'));
    // A Runtime API that never answers GET /next, as the engine's between invocations.
    let parked!: () => void;
    const nextAsked = new Promise<void>((resolve) => (parked = resolve));
    const server = net.createServer((socket) => socket.on('data', (data) => /^GET \/2018-06-01\/runtime\/invocation\/next /m.test(String(data)) && parked()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const jar = path.join(REPO_ROOT, 'dist', 'runtimes', 'java', 'runtime.jar');
      const child = spawn(findOnPath('java')!, [`-Dlambdaworkbench.taskRoot=${task}`, '-cp', jar, 'lambdaworkbench.runtime.Main'], {
        env: { ...process.env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, _HANDLER: 'example.Echo' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      await nextAsked;
      child.kill('SIGTERM');
      const exit = await exited;
      assert.deepEqual(exit, { code: 143, signal: null }, stderr);
      assert.doesNotMatch(stderr, /Failed to get next invocation/);
    } finally {
      server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
