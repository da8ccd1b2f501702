import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { recordFunctionOutput, settle } from '../helpers/invocation';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';

// The Python runtime (our bootstrap.py) with real processes: handler resolution, the context
// object, logging, every error shape of AWS's Python runtime, exits, timeouts and INIT spans.

const PY = 'python3.11';
const ISO_MS = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
const NBSP = '\u00a0';

const FILES: Record<string, string> = {
  'src/app.py': [
    'import os',
    'n = 0',
    'def handler(event, context):',
    '    global n',
    '    n += 1',
    '    return {"event": event, "n": n, "pid": os.getpid()}',
    'def nothing(event, context):',
    '    return None',
    'def raw(event, context):',
    '    return b"raw bytes"',
  ].join('\n'),
  'src/handlers/orders/create.py': 'def handler(event, context):\n    return {"kind": "nested", "module": __name__}\n',
  'src/ctx.py': [
    'import os, sys',
    'def context(event, context):',
    '    cc = context.client_context',
    '    return {',
    '        "aws_request_id": context.aws_request_id, "function_name": context.function_name,',
    '        "function_version": context.function_version, "invoked_function_arn": context.invoked_function_arn,',
    '        "memory_limit_in_mb": context.memory_limit_in_mb, "log_group_name": context.log_group_name,',
    '        "log_stream_name": context.log_stream_name, "remaining": context.get_remaining_time_in_millis(),',
    '        "client_app_title": cc.client.app_title if cc else None, "client_installation_id": cc.client.installation_id if cc else None,',
    '        "custom": cc.custom if cc else None, "env": cc.env if cc else None, "has_client_context": cc is not None,',
    '        "cognito_identity_id": context.identity.cognito_identity_id,',
    '        "cognito_identity_pool_id": context.identity.cognito_identity_pool_id,',
    '        "trace": os.environ.get("_X_AMZN_TRACE_ID"),',
    '    }',
    'def env(event, context):',
    '    return {"environ": dict(os.environ), "path": sys.path, "cwd": os.getcwd(), "version": "%d.%d" % sys.version_info[:2]}',
  ].join('\n'),
  'src/logs.py': [
    'import logging',
    'logger = logging.getLogger()',
    'logger.setLevel(logging.INFO)',
    'logger.info("during init")',
    'def handler(event, context):',
    '    logger.info("hello %s", event["who"])',
    '    logger.debug("not shown below INFO")',
    '    logging.getLogger("app.child").warning("child logger")',
    '    logger.error("line one\\nline two")',
    '    try:',
    '        {}["missing"]',
    '    except KeyError:',
    '        logger.exception("caught it")',
    '    print("printed", event["who"])',
    '    context.log("via context.log\\n")',
    '    return "ok"',
  ].join('\n'),
  'src/slowinit.py': 'import time\ntime.sleep(0.3)\ndef handler(event, context):\n    return "ready"\n',
  'src/syntax.py': 'import os\n\nx = 1 +\n',
  'src/badimport.py': 'import requests_not_installed_anywhere\ndef handler(event, context):\n    return 1\n',
  'src/throwinit.py': 'import os\nTABLE = os.environ["TABLE_NAME_NOT_SET"]\ndef handler(event, context):\n    return 1\n',
  'src/throws.py': [
    'class OrderRejected(Exception):',
    '    pass',
    'def handler(event, context):',
    '    raise OrderRejected("order %s rejected" % event["x"])',
    'def marshal(event, context):',
    '    return {"ids": {1, 2}}',
  ].join('\n'),
  'src/exits.py': 'import os, sys\ndef sys_exit(event, context):\n    sys.exit(3)\ndef os_exit(event, context):\n    os._exit(5)\n',
  'src/hang.py': 'import time\ndef handler(event, context):\n    time.sleep(30)\n',
};

function py(handler: string, props?: string, codeUri?: string) {
  return { handler, runtime: PY, props, codeUri };
}

describe('Python runtime', function () {
  this.timeout(30000);
  let workbench: Workbench;
  let output: string[];
  const events: TelemetryEvent[] = [];

  before(async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({
        Echo: py('app.handler'),
        Nothing: py('app.nothing'),
        Raw: py('app.raw'),
        Nested: py('handlers/orders/create.handler'),
        Context: py('ctx.context', 'MemorySize: 512\nTimeout: 7\nFunctionName: my-py-context'),
        Env: py('ctx.env', 'Environment:\n  Variables:\n    MY_VAR: hello'),
        Logs: py('logs.handler'),
        SlowInit: py('slowinit.handler'),
        Syntax: py('syntax.handler'),
        NoModule: py('nowhere.handler'),
        BadImport: py('badimport.handler'),
        Missing: py('app.nosuch'),
        Malformed: py('nodot'),
        ThrowInit: py('throwinit.handler'),
        Throws: py('throws.handler'),
        Marshal: py('throws.marshal'),
        SysExit: py('exits.sys_exit'),
        OsExit: py('exits.os_exit'),
        Hang: py('hang.handler', 'Timeout: 1'),
      }),
      ...FILES,
    });
    workbench = await openProject(dir);
    output = recordFunctionOutput(workbench);
    workbench.telemetry.subscribe((e) => events.push(e));
  });
  after(() => workbench.close());

  async function expectError(name: string, payload = '{"x":1}') {
    const result = await workbench.invoke(name, payload);
    assert.equal(result.functionError, 'Unhandled', `${name} should fail: ${result.payload}`);
    const body = json(result.payload);
    assert.equal(result.errorType, body.errorType, 'the error type header and the body agree');
    return { result, body };
  }

  async function expectStillServing() {
    const ok = await workbench.invoke('Echo', '{"still":"serving"}');
    assert.equal(ok.functionError, undefined, String(ok.payload));
    assert.deepEqual(json(ok.payload).event, { still: 'serving' });
  }

  it('runs a handler cold, then warm in the same process with module state kept', async () => {
    const first = await workbench.invoke('Echo', '{"a":1}');
    const second = await workbench.invoke('Echo', '{"a":2}');
    const third = await workbench.invoke('Echo', '');
    assert.equal(first.coldStart, true);
    assert.equal(second.coldStart, false);
    assert.equal(third.coldStart, false);
    assert.equal(second.environmentId, first.environmentId);
    const [a, b, c] = [first, second, third].map((r) => json(r.payload));
    assert.deepEqual([a.n, b.n, c.n], [1, 2, 3]);
    assert.equal(new Set([a.pid, b.pid, c.pid]).size, 1);
    assert.deepEqual(a.event, { a: 1 });
    assert.deepEqual(c.event, {}, 'an empty payload reaches the handler as {}');
    assert.equal(first.contentType, 'application/json');
  });

  it('resolves nested handler paths (dir/sub/module.function) and answers null and raw bytes', async () => {
    assert.deepEqual(json((await workbench.invoke('Nested', '{}')).payload), { kind: 'nested', module: 'handlers.orders.create' });
    assert.equal((await workbench.invoke('Nothing', '{}')).payload.toString(), 'null');
    const raw = await workbench.invoke('Raw', '{}');
    assert.equal(raw.payload.toString(), 'raw bytes');
    assert.equal(raw.contentType, 'application/unknown');
  });

  it("gives the handler AWS's context object", async () => {
    const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const result = await workbench.invoke('Context', '{}', {
      clientContext: '{"client":{"app_title":"orders-app"},"custom":{"k":"v"},"env":{"locale":"en"}}',
      cognitoIdentity: '{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}',
      traceId,
    });
    const ctx = json(result.payload);
    assert.equal(ctx.aws_request_id, result.requestId);
    assert.equal(ctx.function_name, 'my-py-context');
    assert.equal(ctx.function_version, '$LATEST');
    assert.equal(ctx.invoked_function_arn, 'arn:aws:lambda:us-east-1:000000000000:function:my-py-context');
    assert.equal(ctx.memory_limit_in_mb, '512', 'a string, from the environment, as on AWS');
    assert.equal(ctx.log_group_name, '/aws/lambda/my-py-context');
    assert.match(ctx.log_stream_name, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(ctx.remaining > 6000 && ctx.remaining <= 7000, `remaining ${ctx.remaining}`);
    assert.equal(ctx.client_app_title, 'orders-app');
    assert.equal(ctx.client_installation_id, null);
    assert.deepEqual(ctx.custom, { k: 'v' });
    assert.deepEqual(ctx.env, { locale: 'en' });
    assert.equal(ctx.cognito_identity_id, 'us-east-1:abc');
    assert.equal(ctx.cognito_identity_pool_id, 'us-east-1:pool');
    assert.equal(ctx.trace, traceId);

    // Without client context: None; identity is an object with None fields; a fresh trace id.
    const bare = json((await workbench.invoke('Context', '{}')).payload);
    assert.equal(bare.has_client_context, false);
    assert.equal(bare.cognito_identity_id, null);
    assert.match(bare.trace, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.notEqual(bare.trace, traceId);
  });

  it("starts Python with the task root first on sys.path and Lambda's variables", async () => {
    const { environ, path, cwd } = json((await workbench.invoke('Env', '{}')).payload);
    assert.match(path[0], /\/src$/, `sys.path starts with the task root: ${path.slice(0, 3)}`);
    assert.equal(path[0], environ.LAMBDA_TASK_ROOT);
    assert.ok(!path.includes(''), 'no cwd-relative entry');
    assert.equal(fs.realpathSync(cwd), fs.realpathSync(environ.LAMBDA_TASK_ROOT));
    assert.equal(environ.AWS_EXECUTION_ENV, 'AWS_Lambda_python3.11');
    assert.equal(environ._HANDLER, 'ctx.env');
    assert.equal(environ.MY_VAR, 'hello');
    assert.ok(environ.PYTHONPATH.startsWith(environ.LAMBDA_TASK_ROOT));
    assert.ok(!('_LAMBDA_TELEMETRY_LOG_FD' in environ), 'the log fd variable is consumed by the runtime');
    assert.match(environ._X_AMZN_TRACE_ID, /^Root=1-/);
  });

  it("logs through the root logger in AWS's format, one record per call; print() is plain output", async () => {
    const result = await workbench.invoke('Logs', '{"who":"py-logs"}');
    assert.equal(json(result.payload), 'ok');
    await result.logs;
    await settle();
    const id = result.requestId;
    const mine = output.filter((l) => l.includes(`\t${id}\t`));
    const record = (level: string, message: string) => new RegExp(`^\\[${level}\\]\\t${ISO_MS}\\t${id}\\t${message}$`);
    assert.equal(mine.length, 4, mine.join('\n---\n'));
    assert.match(mine[0], record('INFO', 'hello py-logs'));
    assert.match(mine[1], record('WARNING', 'child logger'));
    assert.match(mine[2], record('ERROR', 'line one\\nline two'), 'a multi-line message stays one record');
    assert.match(
      mine[3],
      /^\[ERROR\]\t\S+\t\S+\tcaught it\nTraceback \(most recent call last\):\n {2}File ".*logs\.py", line \d+, in handler\n.*\nKeyError: 'missing'$/s,
    );
    assert.ok(!output.some((l) => l.includes('not shown below INFO')));
    assert.ok(output.includes('printed py-logs'), 'print() output is captured as a plain line');
    assert.ok(output.includes('via context.log'), 'context.log writes the message as is');
    // Before the first invocation there is no request id: the field is empty, as on AWS.
    assert.ok(
      output.some((l) => new RegExp(`^\\[INFO\\]\\t${ISO_MS}\\t\\tduring init$`).test(l)),
      output.join('\n'),
    );
  });

  it("collects the invocation's lines between START and END, with Lambda's REPORT line", async () => {
    await workbench.shutdownEnvironments('Logs');
    // Python answers within microseconds of its last log line: the lines must still be read first.
    const cold = await workbench.invoke('Logs', '{"who":"collected"}', { collectLogs: true });
    const warm = await workbench.invoke('Logs', '{"who":"again"}', { collectLogs: true });
    const lines = await cold.logs;
    const id = cold.requestId;
    const start = lines.indexOf(`START RequestId: ${id} Version: $LATEST`);
    const end = lines.indexOf(`END RequestId: ${id}`);
    assert.match(lines[0], /^INIT_START Runtime Version: python:3\.11\.local-v\d+\.\d+\.\d+\tRuntime Version ARN: local:python:\//);
    assert.ok(start > 0 && end > start, lines.join('\n'));
    const between = lines.slice(start + 1, end);
    assert.ok(
      between.some((l) => new RegExp(`^\\[INFO\\]\\t${ISO_MS}\\t${id}\\thello collected$`).test(l)),
      between.join('\n'),
    );
    assert.ok(between.includes('printed collected'));
    const report = lines[lines.length - 1];
    assert.match(
      report,
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d{2} ms\\t$`,
      ),
    );
    const warmLines = await warm.logs;
    assert.ok(!warmLines.some((l) => l.startsWith('INIT_START')));
    assert.ok(warmLines.includes('printed again'), warmLines.join('\n'));
    assert.ok(
      warmLines.some((l) => l.endsWith(`\t${warm.requestId}\thello again`)),
      warmLines.join('\n'),
    );
    assert.match(
      warmLines[warmLines.length - 1],
      new RegExp(
        `^REPORT RequestId: ${warm.requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t$`,
      ),
    );
  });

  it('splits INIT into runtimeInit and functionInit at the import of the handler module', async () => {
    const result = await workbench.invoke('SlowInit', '{}');
    assert.equal(json(result.payload), 'ready');
    const initReport = events.find((e) => e.environmentId === result.environmentId && e.type === 'platform.initReport')!.record as any;
    assert.equal(initReport.status, 'success');
    const span = (name: string) => initReport.spans.find((s: any) => s.name === name);
    assert.ok(span('runtimeInit') && span('functionInit'), JSON.stringify(initReport.spans));
    assert.ok(span('functionInit').durationMs >= 290, `module-scope sleep(0.3) is function init: ${JSON.stringify(initReport.spans)}`);
    assert.ok(span('runtimeInit').durationMs < 1000, 'runtime init is the interpreter and our bootstrap');
    assert.ok(Date.parse(span('functionInit').start) >= Date.parse(span('runtimeInit').start));
    const sum = initReport.spans.reduce((t: number, s: any) => t + s.durationMs, 0);
    assert.ok(Math.abs(sum - initReport.metrics.durationMs) < 1, 'the sub-phases add up to the init duration');
  });

  it('a module that cannot be imported → Runtime.ImportModuleError, as AWS words it', async () => {
    const { body, result } = await expectError('NoModule');
    assert.deepEqual(body, {
      errorMessage: "Unable to import module 'nowhere': No module named 'nowhere'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
    assert.equal(result.coldStart, true);
    const bad = await expectError('BadImport');
    assert.deepEqual(bad.body, {
      errorMessage: "Unable to import module 'badimport': No module named 'requests_not_installed_anywhere'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
  });

  it('a missing handler function → Runtime.HandlerNotFound; a handler without a dot → Runtime.MalformedHandlerName', async () => {
    assert.deepEqual((await expectError('Missing')).body, {
      errorMessage: "Handler 'nosuch' missing on module 'app'",
      errorType: 'Runtime.HandlerNotFound',
      requestId: '',
      stackTrace: [],
    });
    assert.deepEqual((await expectError('Malformed')).body, {
      errorMessage: "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
      errorType: 'Runtime.MalformedHandlerName',
      requestId: '',
      stackTrace: [],
    });
  });

  it('a syntax error → Runtime.UserCodeSyntaxError with the file and line', async () => {
    const { body } = await expectError('Syntax');
    assert.equal(body.errorType, 'Runtime.UserCodeSyntaxError');
    assert.equal(body.errorMessage, "Syntax error in module 'syntax': invalid syntax (syntax.py, line 3)");
    assert.equal(body.requestId, '');
    assert.equal(body.stackTrace.length, 1);
    assert.match(body.stackTrace[0], /^ {2}File ".*\/src\/syntax\.py" Line 3\n {4}x = 1 \+\n$/);
  });

  it('an exception at module scope is reported with its own type; the environment is discarded', async () => {
    const lines = await workbench.invoke('ThrowInit', '{}', { collectLogs: true }).then((r) => r.logs);
    const { body, result } = await expectError('ThrowInit');
    assert.equal(body.errorType, 'KeyError');
    assert.equal(body.errorMessage, "'TABLE_NAME_NOT_SET'");
    assert.equal(body.requestId, '');
    assert.match(body.stackTrace.at(-2), /^ {2}File ".*\/src\/throwinit\.py", line 2, in <module>\n {4}TABLE = os\.environ\["TABLE_NAME_NOT_SET"\]\n$/);
    assert.ok(!body.stackTrace.some((f: string) => f.includes('/bootstrap.py')), 'our own frames are left out');
    assert.equal(result.coldStart, true);
    // The logs as on AWS: the unhandled-exception warning, the error record, INIT_REPORT.
    const warning = lines.findIndex((l) => new RegExp(`^\\[WARNING\\]\\t${ISO_MS}\\t\\tLAMBDA_WARNING: Unhandled exception\\. `).test(l));
    const error = lines.findIndex((l) => l.startsWith("[ERROR] KeyError: 'TABLE_NAME_NOT_SET'\nTraceback (most recent call last):\n"));
    const initReport = lines.findIndex((l) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: KeyError$/.test(l));
    assert.ok(warning >= 0 && error > warning && initReport > error, lines.join('\n'));
    assert.match(lines.at(-1)!, /^REPORT RequestId: .*\tStatus: error\tError Type: KeyError$/);
    const again = await workbench.invoke('ThrowInit', '{}');
    assert.equal(again.coldStart, true, 'a failed environment is never reused');
    assert.notEqual(again.environmentId, result.environmentId);
    await expectStillServing();
  });

  it('an exception in the handler → its type, message and stack trace; logged as one [ERROR] record; the environment stays warm', async () => {
    const { body, result } = await expectError('Throws', '{"x":42}');
    assert.deepEqual(Object.keys(body), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(body.errorType, 'OrderRejected');
    assert.equal(body.errorMessage, 'order 42 rejected');
    assert.equal(body.requestId, result.requestId);
    assert.equal(body.stackTrace.length, 1);
    assert.match(body.stackTrace[0], /^ {2}File ".*\/src\/throws\.py", line 4, in handler\n {4}raise OrderRejected\("order %s rejected" % event\["x"\]\)\n$/);
    await result.logs;
    await settle();
    const record = output.find((l) => l.startsWith('[ERROR] OrderRejected: order 42 rejected\n'));
    assert.ok(record, output.join('\n'));
    const [, traceback, file, code] = record.split('\n');
    assert.equal(traceback, 'Traceback (most recent call last):');
    // AWS indents the traceback lines of the record with no-break spaces.
    assert.match(file, new RegExp(`^${NBSP}{2}File ".*/src/throws\\.py", line 4, in handler$`));
    assert.match(code, new RegExp(`^${NBSP}{4}raise OrderRejected`));
    const warm = await workbench.invoke('Throws', '{"x":43}');
    assert.equal(warm.coldStart, false, 'a handler error does not end the environment');
    assert.equal(warm.environmentId, result.environmentId);
  });

  it('a result that json.dumps cannot serialise → Runtime.MarshalError', async () => {
    const { body, result } = await expectError('Marshal');
    assert.deepEqual(body, {
      errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable',
      errorType: 'Runtime.MarshalError',
      requestId: result.requestId,
      stackTrace: [],
    });
    await expectStillServing();
  });

  it('sys.exit() or os._exit() in a handler → Runtime.ExitError; the engine keeps serving', async () => {
    const { body, result } = await expectError('SysExit');
    assert.deepEqual(body, { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 3` });
    const osExit = await expectError('OsExit');
    assert.match(osExit.body.errorMessage, /^RequestId: [0-9a-f-]+ Error: Runtime exited with error: exit status 5$/);
    const next = await workbench.invoke('SysExit', '{}', { collectLogs: true });
    assert.equal(next.coldStart, true, 'the exited environment is not reused');
    assert.notEqual(next.environmentId, result.environmentId);
    assert.match((await next.logs).at(-1)!, /\tStatus: error\tError Type: Runtime\.ExitError$/);
    await expectStillServing();
  });

  it('a handler slower than its timeout → Sandbox.Timedout, and the environment is reset', async () => {
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
    await expectStillServing();
  });
});

describe('Python runtime: interpreter selection', function () {
  this.timeout(30000);
  const local = execFileSync('python3', ['-c', 'import sys, os; print(os.path.realpath(sys.executable)); print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  const [localPython, localMinor] = local;

  it('warns once when the declared version differs from the interpreter that runs it', async () => {
    const declared = localMinor === '3.12' ? 'python3.11' : 'python3.12';
    const dir = writeProject({
      'template.yaml': samTemplate({
        One: { handler: 'ctx.env', runtime: declared },
        Two: { handler: 'app.handler', runtime: declared },
      }),
      ...FILES,
    });
    const workbench = await openProject(dir, { pythonPath: localPython });
    const warnings: string[] = [];
    workbench.telemetry.subscribe((e) => e.type === 'workbench.warning' && warnings.push((e.record as { message: string }).message));
    try {
      const one = await workbench.invoke('One', '{}', { collectLogs: true });
      assert.equal(json(one.payload).version, localMinor, 'the configured interpreter runs the function');
      assert.equal(json(one.payload).environ.AWS_EXECUTION_ENV, `AWS_Lambda_${declared}`);
      assert.match(
        (await one.logs)[0],
        new RegExp(`^INIT_START Runtime Version: python:${declared.slice(6).replace('.', '\\.')}\\.local-v${localMinor.replace('.', '\\.')}\\.\\d+\\t`),
      );
      await workbench.invoke('Two', '{}');
      await workbench.shutdownEnvironments();
      await workbench.invoke('One', '{}');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.equal(
        warnings[0],
        `${declared} functions run on the local Python ${warnings[0].match(/local Python (\S+)/)![1]} (${localPython}); behaviour of Python ${declared.slice(6)} may differ.`,
      );
      assert.match(warnings[0], new RegExp(`local Python ${localMinor.replace('.', '\\.')}\\.\\d+ `));
    } finally {
      await workbench.close();
    }
  });

  it('runs python3.11 functions on a Python 3.11 when one is installed, and warns otherwise', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ Env: { handler: 'ctx.env', runtime: PY } }), ...FILES });
    const workbench = await openProject(dir);
    const warnings: string[] = [];
    workbench.telemetry.subscribe((e) => e.type === 'workbench.warning' && warnings.push((e.record as { message: string }).message));
    try {
      const { version } = json((await workbench.invoke('Env', '{}')).payload);
      if (version === '3.11') assert.deepEqual(warnings, []);
      else assert.match(warnings.join('\n'), /python3\.11 functions run on the local Python/);
    } finally {
      await workbench.close();
    }
  });
});
