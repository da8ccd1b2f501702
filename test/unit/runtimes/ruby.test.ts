import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { findOnPath } from '../../../src/core/util/executables';
import type { Workbench } from '../../../src/core/workbench';
import { buildIfStale, cleanEnv, REPO_ROOT, runCli, TEST_CREDENTIALS } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { recordFunctionOutput, settle } from '../helpers/invocation';
import { json, openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { startListening, stopServe, type ListeningServe } from '../helpers/serveProcess';
import { readJsonLines, waitFor } from '../helpers/wait';

// The Ruby runtime (our bootstrap.rb) with Debian's real ruby: both of AWS's handler forms, the
// context object, puts and Logger framed as Lambda's, every error shape and type of AWS's Ruby
// runtime (aws_lambda_ric), warm reuse, exits, timeouts, memory and INIT spans.

const RB = 'ruby3.3';
const RUBY = findOnPath('ruby');
const RUBY_VERSION = RUBY ? execFileSync(RUBY, ['-e', 'print RUBY_VERSION'], { encoding: 'utf8' }) : '';
const ABI = RUBY ? execFileSync(RUBY, ['-e', 'print RbConfig::CONFIG["ruby_version"]'], { encoding: 'utf8' }) : '';
const ISO_US = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}';

const FILES: Record<string, string> = {
  'src/app.rb': [
    '$count = 0',
    'STARTED_BY = Process.pid',
    'def handler(event:, context:)',
    '  $count += 1',
    '  { event: event, count: $count, pid: Process.pid, started_by: STARTED_BY, event_class: event.class.name }',
    'end',
    'def nothing(event:, context:) = nil',
    "def raw(event:, context:) = StringIO.new('raw bytes')",
  ].join('\n'),
  'src/orders.rb': [
    'module Shop',
    '  class Orders',
    '    def self.create(event:, context:)',
    "      { kind: 'class method', name: name, request_id: context.aws_request_id == $_global_aws_request_id }",
    '    end',
    '  end',
    'end',
  ].join('\n'),
  'src/handlers/orders/create.rb': "def handler(event:, context:) = { kind: 'nested', file: File.basename(__FILE__) }\n",
  'src/ctx.rb': [
    'def context(event:, context:)',
    '  {',
    '    class: context.class.name, aws_request_id: context.aws_request_id, function_name: context.function_name,',
    '    function_version: context.function_version, invoked_function_arn: context.invoked_function_arn,',
    '    memory_limit_in_mb: context.memory_limit_in_mb, log_group_name: context.log_group_name,',
    '    log_stream_name: context.log_stream_name, deadline_ms: context.deadline_ms, now_ms: (Time.now.to_f * 1000).to_i,',
    '    remaining: context.get_remaining_time_in_millis, identity: context.identity, client_context: context.client_context,',
    "    trace: ENV['_X_AMZN_TRACE_ID']",
    '  }',
    'end',
    'def env(event:, context:)',
    '  { environ: ENV.to_h, load_path: $LOAD_PATH, cwd: Dir.pwd, version: RUBY_VERSION, gem_path: Gem.path,',
    "    encoding: Encoding.default_external.name, autoloaded: [Net::HTTP.name, URI('https://example.com/a').path, Net::HTTPOK.name],",
    "    rubygems: [Gem::Version.new('1.10') > Gem::Version.new('1.9'), RbConfig::CONFIG['ruby_version'],",
    "               (begin; require 'no_such_feature_xyz'; rescue LoadError => e; e.message; end)] }",
    'end',
  ].join('\n'),
  'src/logs.rb': [
    "require 'logger'",
    'LOGGER = Logger.new($stdout)',
    "LOGGER.info('during init')",
    'def handler(event:, context:)',
    '  puts "hello #{event[\'who\']}"',
    "  puts 'line one', 'line two'",
    '  puts "multi\\nline"',
    "  LOGGER.warn('from logger')",
    '  Logger.new($stderr, progname: "app").error("to stderr")',
    '  io = StringIO.new',
    "  Logger.new(io).info('kept in its own IO')",
    '  print "printed #{event[\'who\']}\\n"',
    '  $stdout.puts "stdout puts"',
    "  warn 'a warning'",
    '  io.string.include?("kept in its own IO")',
    'end',
  ].join('\n'),
  'src/slowinit.rb': "sleep 0.3\ndef handler(event:, context:) = 'ready'\n",
  'src/syntax.rb': 'x = 1 +\n\ndef handler(event:, context:)\n',
  'src/throwinit.rb': "TABLE = ENV.fetch('TABLE_NAME_NOT_SET')\ndef handler(event:, context:) = 1\n",
  'src/partial.rb': "puts 'top-level code ran'\nrequire_relative 'missing_part'\ndef handler(event:, context:) = 1\n",
  'src/throws.rb': [
    'class OrderRejected < StandardError; end',
    'def handler(event:, context:)',
    '  raise OrderRejected, "order #{event[\'x\']} rejected"',
    'end',
    'def argument(event:, context:)',
    "  raise ArgumentError, 'bad argument'",
    'end',
    'def not_json(event:, context:) = { ratio: Float::NAN }',
    'def exits(event:, context:) = exit(3)',
    'def undefined_name(event:, context:) = argumnet',
  ].join('\n'),
  'src/hang.rb': 'def handler(event:, context:) = sleep(30)\n',
  'src/hog.rb': "def handler(event:, context:)\n  $keep = 'x' * (400 * 1024 * 1024)\n  $keep.size\nend\n",
};

function rb(handler: string, props?: string) {
  return { handler, runtime: RB, props };
}

describe('Ruby runtime', function () {
  this.timeout(30000);
  let workbench: Workbench;
  let output: string[];
  const events: TelemetryEvent[] = [];

  before(async function () {
    if (!RUBY) this.skip();
    const dir = writeProject({
      'template.yaml': samTemplate({
        Echo: rb('app.handler'),
        Nothing: rb('app.nothing'),
        Raw: rb('app.raw'),
        ClassMethod: rb('orders.Shop::Orders.create'),
        Nested: rb('handlers/orders/create.handler'),
        Context: rb('ctx.context', 'MemorySize: 512\nTimeout: 7\nFunctionName: my-rb-context'),
        Env: rb('ctx.env', 'Environment:\n  Variables:\n    MY_VAR: hello'),
        Logs: rb('logs.handler'),
        SlowInit: rb('slowinit.handler'),
        Syntax: rb('syntax.handler'),
        NoFile: rb('nowhere.handler'),
        Missing: rb('app.nosuch'),
        Malformed: rb('nodot'),
        ThrowInit: rb('throwinit.handler'),
        Partial: rb('partial.handler'),
        Throws: rb('throws.handler'),
        Argument: rb('throws.argument'),
        NotJson: rb('throws.not_json'),
        Exits: rb('throws.exits'),
        UndefinedName: rb('throws.undefined_name'),
        Hang: rb('hang.handler', 'Timeout: 1'),
        Hog: rb('hog.handler', 'MemorySize: 128\nTimeout: 20'),
      }),
      ...FILES,
    });
    workbench = await openProject(dir);
    output = recordFunctionOutput(workbench);
    workbench.telemetry.subscribe((e) => events.push(e));
  });
  after(() => workbench?.close());

  async function expectError(name: string, payload = '{"x":1}') {
    const result = await workbench.invoke(name, payload);
    assert.equal(result.functionError, 'Unhandled', `${name} should fail: ${result.payload}`);
    return { result, body: json(result.payload) };
  }

  async function expectStillServing() {
    const ok = await workbench.invoke('Echo', '{"still":"serving"}');
    assert.equal(ok.functionError, undefined, String(ok.payload));
    assert.deepEqual(json(ok.payload).event, { still: 'serving' });
  }

  it('runs a handler cold, then warm in the same process with module-level state kept', async () => {
    const first = await workbench.invoke('Echo', '{"a":1}');
    const second = await workbench.invoke('Echo', '{"a":2}');
    const third = await workbench.invoke('Echo', '');
    assert.deepEqual([first.coldStart, second.coldStart, third.coldStart], [true, false, false]);
    assert.equal(second.environmentId, first.environmentId);
    const [a, b, c] = [first, second, third].map((r) => json(r.payload));
    assert.deepEqual([a.count, b.count, c.count], [1, 2, 3]);
    assert.equal(new Set([a.pid, b.pid, c.pid, a.started_by]).size, 1);
    assert.deepEqual(a.event, { a: 1 });
    assert.equal(a.event_class, 'Hash', 'the event is a Hash (string keys)');
    assert.deepEqual(c.event, {}, 'an empty payload reaches the handler as {}');
    assert.equal(first.contentType, 'application/json');
  });

  it('runs both handler forms (file.method, file.Module::Class.method) and nested paths; answers nil and an IO', async () => {
    assert.deepEqual(json((await workbench.invoke('ClassMethod', '{}')).payload), { kind: 'class method', name: 'Shop::Orders', request_id: true });
    assert.deepEqual(json((await workbench.invoke('Nested', '{}')).payload), { kind: 'nested', file: 'create.rb' });
    assert.equal((await workbench.invoke('Nothing', '{}')).payload.toString(), 'null');
    const raw = await workbench.invoke('Raw', '{}');
    assert.equal(raw.payload.toString(), 'raw bytes', 'an IO / StringIO is the response as it is');
    assert.equal(raw.contentType, 'application/unknown');
  });

  it("gives the handler AWS's LambdaContext", async () => {
    const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const result = await workbench.invoke('Context', '{}', {
      clientContext: '{"client":{"app_title":"orders-app"},"custom":{"k":"v"},"env":{"locale":"en"}}',
      cognitoIdentity: '{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}',
      traceId,
    });
    const ctx = json(result.payload);
    assert.equal(ctx.class, 'LambdaContext');
    assert.equal(ctx.aws_request_id, result.requestId);
    assert.equal(ctx.function_name, 'my-rb-context');
    assert.equal(ctx.function_version, '$LATEST');
    assert.equal(ctx.invoked_function_arn, 'arn:aws:lambda:us-east-1:000000000000:function:my-rb-context');
    assert.equal(ctx.memory_limit_in_mb, '512', 'a string, from the environment, as on AWS');
    assert.equal(ctx.log_group_name, '/aws/lambda/my-rb-context');
    assert.match(ctx.log_stream_name, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(ctx.remaining > 6000 && ctx.remaining <= 7000, `remaining ${ctx.remaining}`);
    assert.ok(Math.abs(ctx.deadline_ms - ctx.now_ms - ctx.remaining) < 50, 'deadline_ms is the epoch deadline the remaining time counts down to');
    // The headers' JSON, parsed: Hashes with the client's own keys.
    assert.deepEqual(ctx.client_context, { client: { app_title: 'orders-app' }, custom: { k: 'v' }, env: { locale: 'en' } });
    assert.deepEqual(ctx.identity, { cognitoIdentityId: 'us-east-1:abc', cognitoIdentityPoolId: 'us-east-1:pool' });
    assert.equal(ctx.trace, traceId);

    const bare = json((await workbench.invoke('Context', '{}')).payload);
    assert.equal(bare.client_context, null);
    assert.equal(bare.identity, null);
    assert.match(bare.trace, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });

  it("starts Ruby as AWS does: the task root on $LOAD_PATH and RUBYLIB, GEM_PATH on its vendor/bundle, Lambda's variables", async () => {
    const { environ, load_path: loadPath, cwd, gem_path: gemPath, encoding, autoloaded, rubygems } = json((await workbench.invoke('Env', '{}')).payload);
    const root = environ.LAMBDA_TASK_ROOT;
    assert.equal(loadPath[0], root, `$LOAD_PATH starts with the task root: ${loadPath.slice(0, 3)}`);
    assert.equal(fs.realpathSync(cwd), fs.realpathSync(root));
    assert.equal(environ.AWS_EXECUTION_ENV, 'AWS_Lambda_ruby3.3');
    assert.equal(environ._HANDLER, 'ctx.env');
    assert.equal(environ.MY_VAR, 'hello');
    assert.equal(environ.RUBYLIB.split(':')[0], root);
    const gems = environ.GEM_PATH.split(':');
    assert.equal(gems[0], `${root}/vendor/bundle/ruby/${ABI}`);
    if (!ABI.startsWith('3.3.')) assert.ok(gems.includes(`${root}/vendor/bundle/ruby/3.3.0`), 'the declared version’s bundle too');
    assert.ok(gemPath.includes(`${root}/vendor/bundle/ruby/${ABI}`), 'rubygems searches it');
    assert.ok(!('_LAMBDA_TELEMETRY_LOG_FD' in environ), 'the log fd variable is consumed by the runtime');
    assert.equal(encoding, 'UTF-8', 'LANG=en_US.UTF-8 means UTF-8, as on Lambda, whatever locales this machine has');
    assert.deepEqual(autoloaded, ['Net::HTTP', '/a', 'Net::HTTPOK'], 'what AWS’s runtime has loaded (net/http, uri) works without a require');
    // Ruby starts without rubygems; Gem, RbConfig and a failing require behave as in a default ruby.
    assert.deepEqual(rubygems, [true, ABI, 'cannot load such file -- no_such_feature_xyz']);
  });

  it("frames puts and Loggers on $stdout / $stderr as AWS's runtime does, one record per call; other output is plain lines", async () => {
    const result = await workbench.invoke('Logs', '{"who":"rb-logs"}', { collectLogs: true });
    assert.equal(json(result.payload), true, 'a Logger on its own IO is Ruby’s own');
    const lines = await result.logs;
    await settle();
    const id = result.requestId;
    const start = lines.indexOf(`START RequestId: ${id} Version: $LATEST`);
    const end = lines.indexOf(`END RequestId: ${id}`);
    assert.ok(start > 0 && end > start, lines.join('\n'));
    const between = lines.slice(start + 1, end);
    for (const expected of ['hello rb-logs', 'line one\nline two', 'multi\nline', 'printed rb-logs', 'stdout puts', 'a warning']) {
      assert.ok(between.includes(expected), `${JSON.stringify(expected)} in ${JSON.stringify(between)}`);
    }
    const logger = (level: string, progname: string, message: string) =>
      new RegExp(`^${level[0]}, \\[${ISO_US} #\\d+\\] ${level.padStart(5)} ${id} -- ${progname}: ${message}$`);
    assert.ok(
      between.some((l) => logger('WARN', '', 'from logger').test(l)),
      between.join('\n'),
    );
    assert.ok(
      between.some((l) => logger('ERROR', 'app', 'to stderr').test(l)),
      between.join('\n'),
    );
    assert.ok(!between.some((l) => l.includes('kept in its own IO')));
    assert.match(
      lines[0]!,
      new RegExp(`^INIT_START Runtime Version: ruby:3\\.3\\.local-v${RUBY_VERSION.replace(/\./g, '\\.')}\\tRuntime Version ARN: local:ruby:/`),
    );
    // Before the first invocation there is no request id: the field is empty, as on AWS.
    assert.ok(
      lines.some((l) => new RegExp(`^I, \\[${ISO_US} #\\d+\\]  INFO  -- : during init$`).test(l)),
      lines.join('\n'),
    );
    assert.match(
      lines.at(-1)!,
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d{2} ms\\t$`,
      ),
    );
  });

  it('splits INIT into runtimeInit and functionInit at the require of the handler file', async () => {
    const result = await workbench.invoke('SlowInit', '{}');
    assert.equal(json(result.payload), 'ready');
    const initReport = events.find((e) => e.environmentId === result.environmentId && e.type === 'platform.initReport')!.record as any;
    assert.equal(initReport.status, 'success');
    const span = (name: string) => initReport.spans.find((s: any) => s.name === name);
    assert.ok(span('runtimeInit') && span('functionInit'), JSON.stringify(initReport.spans));
    assert.ok(span('functionInit').durationMs >= 290, `top-level sleep 0.3 is function init: ${JSON.stringify(initReport.spans)}`);
    assert.ok(span('runtimeInit').durationMs < 2000, 'runtime init is the interpreter and our bootstrap');
  });

  it('a handler file that cannot be loaded → Init<LoadError>, as AWS words it; the environment is discarded', async () => {
    const { body, result } = await expectError('NoFile');
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'stackTrace']);
    assert.equal(body.errorType, 'Init<LoadError>');
    assert.equal(body.errorMessage, 'cannot load such file -- nowhere');
    assert.equal(result.errorType, 'Init<LoadError>', 'LoadError is one of the classes AWS names in the error type header');
    assert.ok(
      body.stackTrace.every((frame: string) => !frame.includes('bootstrap.rb')),
      `our own frames are left out: ${body.stackTrace}`,
    );
    assert.ok(
      body.stackTrace.every((frame: string) => frame.includes("in `require'")),
      String(body.stackTrace),
    );
    assert.equal(result.coldStart, true);
  });

  it('a syntax error → Init<SyntaxError> with the file and line (reported as Function<UserException>, as AWS does)', async () => {
    const lines = await workbench.invoke('Syntax', '{}', { collectLogs: true }).then((r) => r.logs);
    const { body, result } = await expectError('Syntax');
    assert.equal(body.errorType, 'Init<SyntaxError>');
    assert.match(body.errorMessage, /\/src\/syntax\.rb:\d+: syntax error/);
    assert.equal(result.errorType, 'Function<UserException>');
    // The log as on AWS: the line, then the error as pretty JSON, each one record; then INIT_REPORT.
    const said = lines.indexOf('Init error when loading handler ');
    assert.ok(said >= 0, lines.join('\n'));
    assert.deepEqual(JSON.parse(lines[said + 1]!), body);
    assert.match(lines[said + 1]!, /^\{\n {2}"errorMessage": /);
    assert.ok(
      lines.some((l) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Function<UserException>$/.test(l)),
      lines.join('\n'),
    );
    const again = await workbench.invoke('Syntax', '{}');
    assert.equal(again.coldStart, true, 'a failed environment is never reused');
    assert.notEqual(again.environmentId, result.environmentId);
  });

  it('an exception in top-level code → Init<its class> with its stack; a malformed handler → Init<ArgumentError> in AWS’s words', async () => {
    const { body } = await expectError('ThrowInit');
    assert.equal(body.errorType, 'Init<KeyError>');
    assert.equal(body.errorMessage, 'key not found: "TABLE_NAME_NOT_SET"');
    assert.ok(
      body.stackTrace.some((f: string) => /\/src\/throwinit\.rb:1:in `<top \(required\)>'$/.test(f)),
      String(body.stackTrace),
    );
    assert.ok(!body.stackTrace.some((f: string) => f.includes('bootstrap.rb')));
    // A file whose own require fails: its top-level code ran once (a require is tried again with
    // rubygems only when the feature itself is missing).
    const partial = await workbench.invoke('Partial', '{}', { collectLogs: true });
    assert.equal(json(partial.payload).errorType, 'Init<LoadError>');
    assert.match(json(partial.payload).errorMessage, /^cannot load such file -- .*\/src\/missing_part$/);
    assert.equal((await partial.logs).filter((l) => l === 'top-level code ran').length, 1);
    const malformed = await expectError('Malformed');
    assert.deepEqual(malformed.body, {
      errorMessage:
        'Invalid handler ["nodot"], must be of form FILENAME.METHOD or FILENAME.CLASS.METHOD where FILENAME corresponds with an existing Ruby source file FILENAME.rb, CLASS is an optional module/class namespace and METHOD is a callable method. If using CLASS, METHOD must be a class-level method.',
      errorType: 'Init<ArgumentError>',
      stackTrace: [],
    });
    await expectStillServing();
  });

  it('an exception in the handler → Function<its class>, its message and stack; logged as AWS does; the environment stays warm', async () => {
    const { body, result } = await expectError('Throws', '{"x":42}');
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'stackTrace']);
    assert.equal(body.errorType, 'Function<OrderRejected>');
    assert.equal(body.errorMessage, 'order 42 rejected');
    assert.equal(result.errorType, 'Function<UserException>', 'a class AWS does not name is reported as Function<UserException>');
    assert.equal(body.stackTrace.length, 1, String(body.stackTrace));
    assert.match(body.stackTrace[0], /\/src\/throws\.rb:3:in `handler'$/);
    await result.logs;
    await settle();
    const said = output.lastIndexOf('Error raised from handler method');
    assert.ok(said >= 0, output.join('\n'));
    assert.deepEqual(JSON.parse(output[said + 1]!), body, 'then the error, as pretty JSON');
    const warm = await workbench.invoke('Throws', '{"x":43}');
    assert.equal(warm.coldStart, false, 'a handler error does not end the environment');
    assert.equal(warm.environmentId, result.environmentId);
    const argument = await expectError('Argument');
    assert.equal(argument.body.errorType, 'Function<ArgumentError>');
    assert.equal(argument.result.errorType, 'Function<ArgumentError>', 'ArgumentError is named in the header');
  });

  it('a result to_json refuses → Function<JSON::GeneratorError>', async () => {
    const { body } = await expectError('NotJson');
    assert.equal(body.errorType, 'Function<JSON::GeneratorError>');
    assert.match(body.errorMessage, /NaN not allowed in JSON/);
    await expectStillServing();
  });

  it('a missing handler method, a NameError or exit in the handler → Function<…> for that invocation, then the runtime exits (as AWS’s does)', async () => {
    const missing = await expectError('Missing');
    assert.equal(missing.body.errorType, 'Function<NoMethodError>');
    assert.match(
      missing.body.errorMessage,
      /^undefined method `nosuch' for #<LambdaHandler:0x[0-9a-f]+ @handler_file_name="app", @handler_method_name="nosuch">/,
    );
    assert.equal(missing.result.errorType, 'Function<NoMethodError>');
    const again = await workbench.invoke('Missing', '{}');
    assert.equal(again.coldStart, true, 'the runtime exited after answering');

    const name = await expectError('UndefinedName');
    assert.equal(name.body.errorType, 'Function<NameError>');
    assert.match(
      name.body.errorMessage,
      /^undefined local variable or method `argumnet' for #<LambdaHandler:0x[0-9a-f]+ [^>]*>\n.*Did you mean\?\s+argument$/s,
      'did_you_mean, as a default ruby has it',
    );

    const exited = await expectError('Exits');
    assert.deepEqual([exited.body.errorType, exited.body.errorMessage], ['Function<SystemExit>', 'exit']);
    const next = await workbench.invoke('Exits', '{}');
    assert.equal(next.coldStart, true);
    assert.notEqual(next.environmentId, exited.result.environmentId);
    await expectStillServing();
  });

  it('a handler slower than its timeout → Sandbox.Timedout (Task timed out), and the environment is reset', async () => {
    const started = Date.now();
    const { body, result } = await expectError('Hang');
    const elapsed = Date.now() - started;
    assert.equal(body.errorType, 'Sandbox.Timedout');
    assert.match(body.errorMessage, /^RequestId: [0-9a-f-]+ Error: Task timed out after 1\.\d\d seconds$/);
    assert.ok(elapsed >= 1000 && elapsed < 4000, `took ${elapsed} ms`);
    await result.logs;
    const next = await workbench.invoke('Hang', '{}', { collectLogs: true });
    assert.equal(next.coldStart, true, 'a timed-out environment is reset');
    assert.ok((await next.logs).some((l) => /^REPORT .*\tStatus: timeout$/.test(l)));
  });

  it('memory beyond MemorySize → Runtime.OutOfMemory, and the environment is reset', async () => {
    const result = await workbench.invoke('Hog', '{}', { collectLogs: true });
    assert.equal(result.functionError, 'Unhandled', String(result.payload));
    assert.equal(json(result.payload).errorType, 'Runtime.OutOfMemory');
    const report = (await result.logs).find((l) => l.startsWith('REPORT'))!;
    assert.match(report, /Memory Size: 128 MB\tMax Memory Used: 128 MB/);
    assert.match(report, /Status: error\tError Type: Runtime\.OutOfMemory$/);
    await expectStillServing();
  });
});

describe('Ruby runtime: the Ruby that runs it', function () {
  this.timeout(30000);
  before(function () {
    if (!RUBY) this.skip();
  });

  it('warns once when the declared version differs from the local Ruby; rubyPath picks the Ruby', async () => {
    const local = RUBY_VERSION.split('.').slice(0, 2).join('.');
    const declared = local === '3.4' ? 'ruby3.3' : 'ruby3.4';
    const dir = writeProject({
      'template.yaml': samTemplate({ One: { handler: 'ctx.env', runtime: declared }, Two: { handler: 'app.handler', runtime: declared } }),
      ...FILES,
    });
    const real = fs.realpathSync(RUBY!);
    const workbench = await openProject(dir, { rubyPath: RUBY });
    const warnings: string[] = [];
    workbench.telemetry.subscribe((e) => e.type === 'workbench.warning' && warnings.push((e.record as { message: string }).message));
    try {
      const one = await workbench.invoke('One', '{}', { collectLogs: true });
      assert.equal(json(one.payload).version, RUBY_VERSION, 'the configured Ruby runs the function');
      assert.equal(json(one.payload).environ.AWS_EXECUTION_ENV, `AWS_Lambda_${declared}`);
      assert.equal(
        (await one.logs)[0],
        `INIT_START Runtime Version: ruby:${declared.slice(4)}.local-v${RUBY_VERSION}\tRuntime Version ARN: local:ruby:${real}`,
      );
      await workbench.invoke('Two', '{}');
      await workbench.shutdownEnvironments();
      await workbench.invoke('One', '{}');
      assert.deepEqual(warnings, [`${declared} functions run on the local Ruby ${RUBY_VERSION} (${real}); behaviour of Ruby ${declared.slice(4)} may differ.`]);
    } finally {
      await workbench.close();
    }
  });

  it('a rubyPath that does not exist fails INIT saying so', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ Echo: { handler: 'app.handler', runtime: RB } }), ...FILES });
    const workbench = await openProject(dir, { rubyPath: '/nonexistent/ruby' });
    try {
      const result = await workbench.invoke('Echo', '{}');
      assert.equal(result.functionError, 'Unhandled');
      assert.equal(json(result.payload).errorType, 'Runtime.InvalidEntrypoint');
      assert.match(json(result.payload).errorMessage, /The configured Ruby \/nonexistent\/ruby does not exist\./);
    } finally {
      await workbench.close();
    }
  });
});

describe('Ruby functions under serve: the AWS SDK and an SQS mapping', function () {
  this.timeout(60000);
  let serve: ListeningServe | undefined;
  let out: string;

  before(async function () {
    if (!RUBY) this.skip();
    buildIfStale();
    const dir = writeProject({
      'src/app.rb': [
        "require 'json'",
        '$calls = 0',
        'def handler(event:, context:)',
        '  $calls += 1',
        "  File.open(ENV['OUT'], 'a') { |f| f.puts(JSON.generate(event)) }",
        "  { 'calls' => $calls, 'function' => context.function_name, 'got' => event }",
        'end',
      ].join('\n'),
    });
    out = path.join(dir, 'events.out');
    const props = `Environment:\n  Variables:\n    OUT: ${out}\nEvents:\n  Jobs:\n    Type: SQS\n    Properties:\n      Queue: !GetAtt Jobs.Arn\n      BatchSize: 1`;
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      samTemplate({ Orders: { handler: 'app.handler', runtime: RB, props } }) + samResources({ Jobs: 'AWS::SQS::Queue' }),
    );
    serve = await startListening(['-t', dir], { env: TEST_CREDENTIALS });
  });
  after(() => stopServe(serve));

  it('answers InvokeCommand from the AWS SDK, warm on the second call', async () => {
    const sdk = new LambdaClient({ endpoint: serve!.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const first = await sdk.send(new InvokeCommand({ FunctionName: 'Orders', Payload: Buffer.from('{"order":1}') }));
      assert.equal(first.StatusCode, 200);
      assert.equal(first.FunctionError, undefined);
      const body = JSON.parse(Buffer.from(first.Payload!).toString());
      assert.deepEqual(body, { calls: body.calls, function: 'Orders', got: { order: 1 } });
      const second = JSON.parse(
        Buffer.from((await sdk.send(new InvokeCommand({ FunctionName: 'Orders', Payload: Buffer.from('{"order":2}') }))).Payload!).toString(),
      );
      assert.equal(second.calls, body.calls + 1, 'the same warm Ruby process');
    } finally {
      sdk.destroy();
    }
  });

  it("an SQS mapping delivers the queue's messages to it in SQS's event shape", async () => {
    const sent = await httpRequest('POST', `${serve!.url}/_workbench/queues/Jobs/messages`, JSON.stringify({ Body: 'from the queue' }), {
      'Content-Type': 'application/json',
    });
    assert.ok(sent.status < 300, sent.body);
    const event = await waitFor(() => readJsonLines(out).find((e) => e.Records), 15000, 'the SQS event');
    assert.equal(event.Records.length, 1);
    assert.equal(event.Records[0].body, 'from the queue');
    assert.equal(event.Records[0].eventSource, 'aws:sqs');
    assert.equal(event.Records[0].eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:Jobs');
  });
});

describe("SAM's Ruby hello-world template", function () {
  this.timeout(60000);
  before(function () {
    if (!RUBY || !findOnPath('bundle')) this.skip();
    buildIfStale();
  });

  it('invoke -e events/event.json answers statusCode 200 and the message; its Gemfile is installed by the build', async () => {
    // `sam init --runtime ruby3.3 --app-template hello-world`, rewritten: its Gemfile's httparty (which the
    // handler does not use) cannot be fetched here, so the Gemfile keeps only its source and `ruby` line.
    const dir = writeProject({
      'template.yaml': [
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    Timeout: 3',
        '    MemorySize: 512',
        'Resources:',
        '  HelloWorldFunction:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: hello_world/',
        '      Handler: app.lambda_handler',
        '      Runtime: ruby3.3',
        '      Architectures: [x86_64]',
        '      Events:',
        '        HelloWorld:',
        '          Type: Api',
        '          Properties: { Path: /hello, Method: get }',
        '',
      ].join('\n'),
      'hello_world/Gemfile': 'source "https://rubygems.org"\n\nruby \'~> 3.3\'\n',
      'hello_world/app.rb': [
        "require 'json'",
        '',
        '# API Gateway proxy event in, proxy response out.',
        'def lambda_handler(event:, context:)',
        '  {',
        '    statusCode: 200,',
        "    body: { message: 'Hello World!' }.to_json",
        '  }',
        'end',
        '',
      ].join('\n'),
      'events/event.json': JSON.stringify({
        body: '{"message": "hello world"}',
        resource: '/{proxy+}',
        path: '/path/to/resource',
        httpMethod: 'POST',
        isBase64Encoded: false,
        queryStringParameters: { foo: 'bar' },
        headers: { Accept: 'application/json' },
        requestContext: { stage: 'prod', httpMethod: 'POST' },
      }),
    });
    const r = await runCli(['invoke', '-e', 'events/event.json'], { cwd: dir, env: cleanEnv() });
    assert.equal(r.status, 0, r.stderr);
    const answer = JSON.parse(r.stdout);
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(JSON.parse(answer.body), { message: 'Hello World!' });
    assert.ok(fs.existsSync(path.join(dir, '.lambda-workbench', 'build', 'HelloWorldFunction')), r.stderr);
    if (!RUBY_VERSION.startsWith('3.3.')) assert.match(r.stderr, /The Gemfile asks for Ruby ~> 3\.3/);
  });
});

describe("examples/sam-app's Ruby function", function () {
  this.timeout(60000);
  before(function () {
    if (!RUBY) this.skip();
    buildIfStale();
  });

  it('RbInvoices (a class-level handler) totals events/invoice.json, and fails in AWS’s Ruby error shape', async () => {
    const examples = path.join(REPO_ROOT, 'examples', 'sam-app');
    const ok = await runCli(['invoke', 'RbInvoices', '-t', examples, '-e', path.join(examples, 'events', 'invoice.json')], { env: cleanEnv() });
    assert.equal(ok.status, 0, ok.stderr);
    const invoice = JSON.parse(ok.stdout);
    assert.deepEqual([invoice.invoiceId, invoice.subtotal, invoice.tax, invoice.total, invoice.stage], ['inv-7', '16.00', '3.20', '19.20', 'dev']);
    assert.match(ok.stderr, /INFO [0-9a-f-]{36} -- : invoice inv-7: 2 lines, total 19\.20$/m);
    const failed = await runCli(['invoke', 'RbInvoices', '-t', examples, '--event-json', '{"invoiceId":"x"}'], { env: cleanEnv() });
    assert.equal(failed.status, 1);
    assert.equal(JSON.parse(failed.stdout).errorType, 'Function<Invoices::InvalidInvoice>');
  });
});
