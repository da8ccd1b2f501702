import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../../../src/core/workbench';
import { environmentPids, unhandledError } from '../helpers/invocation';
import { isAlive, json, openProject, samLayers, samTemplate, withProject, writeProject } from '../helpers/project';

// Custom runtimes (provided.al2023): the function's own `bootstrap` executable speaks the Runtime
// API. Here it is bash talking HTTP/1.1 over /dev/tcp (no curl: a fresh machine may not have it),
// the same bootstrap as the shell-runtime example, so the demo is tested too.

const REPO = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(REPO, 'examples', 'sam-app', 'shell-runtime');
const BOOTSTRAP = fs.readFileSync(path.join(EXAMPLE, 'bootstrap'), 'utf8');
const PROVIDED = 'provided.al2023';

// The test's handlers, sourced by the bootstrap (so its json_string helper is at hand).
const HANDLERS = String.raw`
COUNT=0
echo "init: function.sh sourced" >&2
handler() {
  COUNT=$((COUNT + 1))
  echo "log line from the handler, invocation $COUNT" >&2
  printf '{"echo":%s,"count":%d,"pid":%d,"requestId":%s,"deadlineMs":%s,"arn":%s,"trace":%s,"clientContext":%s,"identity":%s}' \
    "$1" "$COUNT" "$$" "$(json_string "$REQUEST_ID")" "$(json_string "$DEADLINE_MS")" "$(json_string "$FUNCTION_ARN")" \
    "$(json_string "$_X_AMZN_TRACE_ID")" "$(json_string "$CLIENT_CONTEXT")" "$(json_string "$COGNITO_IDENTITY")"
}
fails() { COUNT=$((COUNT + 1)); echo "it broke \"badly\" (call $COUNT)"; return 3; }
env() {
  if declare -p AWS_EXECUTION_ENV >/dev/null 2>&1; then set=true; else set=false; fi
  printf '{"executionEnvSet":%s,"handler":%s,"taskRoot":%s,"runtimeDir":%s,"runtimeApi":%s,"myVar":%s,"functionName":%s,"memory":%s}' \
    "$set" "$(json_string "$_HANDLER")" "$(json_string "$LAMBDA_TASK_ROOT")" "$(json_string "$LAMBDA_RUNTIME_DIR")" \
    "$(json_string "$AWS_LAMBDA_RUNTIME_API")" "$(json_string "$MY_VAR")" "$(json_string "$AWS_LAMBDA_FUNCTION_NAME")" \
    "$(json_string "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE")"
}
exits() { echo "bye" >&2; exit 3; }
hangs() { sleep 30 & echo $! > "$LAMBDA_TASK_ROOT/hang.pids"; echo $$ >> "$LAMBDA_TASK_ROOT/hang.pids"; wait; }
`;

/** Start of a minimal bash runtime: `api METHOD PATH [BODY]` sets ID (from /next) and BODY. */
const RAW_API = [
  '#!/bin/bash',
  'export LC_ALL=C',
  'api() {',
  '  exec 7<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API##*:}"',
  '  printf \'%s %s HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nContent-Length: %d\\r\\n\\r\\n%s\' "$1" "$2" "${#3}" "$3" >&7',
  '  while IFS= read -r line <&7; do',
  "    line=${line%$'\\r'}",
  '    [ -z "$line" ] && break',
  '    case $line in [Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d:*) ID=${line#*: } ;; esac',
  '  done',
  "  IFS= read -r -d '' BODY <&7",
  '  exec 7<&-',
  '}',
];

/** Writes the project, then makes every `bootstrap` in it executable (writeProject does not). */
function writeCustomProject(files: Record<string, string>): string {
  const dir = writeProject(files);
  for (const name of Object.keys(files)) {
    if (path.basename(name) === 'bootstrap') fs.chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

/** Waits until none of the pids runs any more (a killed group is reaped asynchronously). */
async function expectGone(pids: number[], what: string): Promise<void> {
  const until = Date.now() + 3000;
  while (pids.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  for (const pid of pids) assert.equal(isAlive(pid), false, `${what}: pid ${pid} still alive`);
}

describe('custom runtime (provided.al2023): a bash bootstrap over /dev/tcp', function () {
  this.timeout(30000);
  let dir: string;
  let workbench: Workbench;
  const hostExecutionEnv = process.env.AWS_EXECUTION_ENV;

  before(async () => {
    // Must not leak from the host into a custom runtime's environment either.
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_host_leak';
    dir = writeCustomProject({
      'template.yaml': samTemplate({
        Echo: { handler: 'function.handler', runtime: PROVIDED, props: 'MemorySize: 256\nFunctionName: shell-echo' },
        Fails: { handler: 'function.fails', runtime: PROVIDED },
        Env: {
          handler: 'function.env',
          runtime: PROVIDED,
          props: 'Environment:\n  Variables:\n    MY_VAR: mine',
        },
        Exits: { handler: 'function.exits', runtime: PROVIDED },
        Hangs: { handler: 'function.hangs', runtime: PROVIDED, props: 'Timeout: 1' },
        NoFunction: { handler: 'function.nosuch', runtime: PROVIDED },
        NoFile: { handler: 'nowhere.handler', runtime: PROVIDED },
        InitFails: { handler: 'initfails.handler', runtime: PROVIDED },
        Lingers: { handler: 'any.handler', runtime: PROVIDED, codeUri: 'lingers' },
        AfterResponse: { handler: 'any.handler', runtime: PROVIDED, codeUri: 'after' },
        OneShot: { handler: 'any.handler', runtime: PROVIDED, codeUri: 'oneshot' },
        Missing: { handler: 'any.handler', runtime: PROVIDED, codeUri: 'missing' },
        NotExecutable: { handler: 'any.handler', runtime: PROVIDED, codeUri: 'notexec' },
        Example: { handler: 'function.handler', runtime: PROVIDED, codeUri: EXAMPLE },
      }),
      'src/bootstrap': BOOTSTRAP,
      'src/function.sh': HANDLERS,
      'src/initfails.sh': `echo "config missing" >&2\nreturn 7\nhandler() { :; }\n`,
      // A bootstrap that reports an init error and then does not exit, with a child of its own.
      'lingers/bootstrap': [
        '#!/bin/bash',
        'sleep 30 &',
        'echo "$$ $!" > "$LAMBDA_TASK_ROOT/pids"',
        'body=\'{"errorType":"ConfigError","errorMessage":"TABLE_NAME is not set","stackTrace":[]}\'',
        'exec 7<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API##*:}"',
        'printf \'POST /2018-06-01/runtime/init/error HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\nLambda-Runtime-Function-Error-Type: Runtime.ConfigError\\r\\nContent-Length: %d\\r\\n\\r\\n%s\' "${#body}" "$body" >&7',
        'read -r _ status _ <&7',
        'echo "init/error answered $status" >&2',
        'wait',
        '',
      ].join('\n'),
      // Answers each event, then logs a line before it asks for the next one.
      // Answers each event, then logs (and takes its time) before it asks for the next one.
      'after/bootstrap': [
        ...RAW_API,
        'while true; do',
        '  api GET /2018-06-01/runtime/invocation/next',
        '  echo "handling $ID" >&2',
        '  api POST "/2018-06-01/runtime/invocation/$ID/response" "$BODY"',
        '  echo "cleaning up after $ID" >&2',
        '  sleep 0.2',
        '  echo "done with $ID" >&2',
        'done',
        '',
      ].join('\n'),
      // Answers one event and exits, without asking for another.
      'oneshot/bootstrap': [
        ...RAW_API,
        'api GET /2018-06-01/runtime/invocation/next',
        'api POST "/2018-06-01/runtime/invocation/$ID/response" "$BODY"',
        'echo "one shot: exiting after $ID" >&2',
        'exit 0',
        '',
      ].join('\n'),
      'notexec/bootstrap': '#!/bin/sh\necho never\n',
      'missing/readme.txt': 'no bootstrap here',
    });
    // writeCustomProject made every bootstrap executable; this one must not be.
    fs.chmodSync(path.join(dir, 'notexec/bootstrap'), 0o644);
    workbench = await openProject(dir);
  });
  after(async () => {
    if (hostExecutionEnv === undefined) delete process.env.AWS_EXECUTION_ENV;
    else process.env.AWS_EXECUTION_ENV = hostExecutionEnv;
    await workbench?.close();
  });

  it("runs the /next → /response loop: the handler's output is the response, and the warm environment keeps its state", async () => {
    const first = await workbench.invoke('Echo', '{"msg":"héllo \\"quoted\\""}');
    assert.equal(first.functionError, undefined, String(first.payload));
    assert.equal(first.coldStart, true);
    const body = json(first.payload);
    assert.deepEqual(body.echo, { msg: 'héllo "quoted"' });
    assert.equal(body.count, 1);
    assert.equal(body.requestId, first.requestId);
    for (let i = 2; i <= 4; i++) {
      const next = await workbench.invoke('Echo', `{"i":${i}}`);
      assert.equal(next.coldStart, false);
      assert.equal(next.environmentId, first.environmentId);
      const b = json(next.payload);
      assert.deepEqual([b.echo, b.count, b.pid], [{ i }, i, body.pid], 'same bash process, state kept');
    }
  });

  it('delivers the invocation headers: request id, deadline, ARN, trace id, client context, identity', async () => {
    const clientContext = JSON.stringify({ custom: { k: 'v' } });
    const cognitoIdentity = JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' });
    const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const before = Date.now();
    const result = await workbench.invoke('shell-echo', '{}', { clientContext, cognitoIdentity, traceId });
    const b = json(result.payload);
    assert.equal(b.requestId, result.requestId);
    assert.match(b.arn, /^arn:aws:lambda:us-east-1:\d{12}:function:shell-echo$/);
    assert.equal(b.trace, traceId);
    assert.equal(b.clientContext, clientContext);
    assert.equal(b.identity, cognitoIdentity);
    const deadline = Number(b.deadlineMs);
    assert.ok(deadline >= before + 2900 && deadline <= Date.now() + 3100, `deadline ${b.deadlineMs}`);
  });

  it('scales out: concurrent invocations get their own environments and bash processes', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => workbench.invoke('Echo', `{"c":${i}}`)));
    assert.deepEqual(
      results.map((r) => json(r.payload).echo.c),
      [1, 2, 3],
    );
    assert.equal(new Set(results.map((r) => r.environmentId)).size, 3);
    assert.equal(new Set(results.map((r) => json(r.payload).pid)).size, 3);
  });

  it('an error posted to /runtime/invocation/{id}/error reaches the caller unchanged; the environment keeps serving', async () => {
    const result = await workbench.invoke('Fails', '{}');
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(result.errorType, 'HandlerError');
    assert.deepEqual(json(result.payload), { errorType: 'HandlerError', errorMessage: 'it broke "badly" (call 1)', stackTrace: [] });
    const again = await workbench.invoke('Fails', '{}', { collectLogs: true });
    assert.equal(again.coldStart, false);
    assert.equal(again.environmentId, result.environmentId);
    assert.equal(json(again.payload).errorMessage, 'it broke "badly" (call 2)');
    const logs = await again.logs;
    assert.match(logs.at(-1)!, /^REPORT RequestId: [0-9a-f-]+\tDuration: [\d.]+ ms\t/);
  });

  it('stderr of the runtime and the handler reaches the logs, during INIT and inside the invocation', async () => {
    await workbench.shutdownEnvironments('shell-echo');
    const result = await workbench.invoke('Echo', '{}', { collectLogs: true });
    assert.equal(result.coldStart, true);
    const logs = await result.logs;
    const init = logs.indexOf('init: function.sh sourced');
    const start = logs.findIndex((l) => l.startsWith(`START RequestId: ${result.requestId}`));
    const line = logs.indexOf('log line from the handler, invocation 1');
    const end = logs.findIndex((l) => l.startsWith(`END RequestId: ${result.requestId}`));
    assert.ok(logs[0].startsWith('INIT_START Runtime Version: provided:al2023'), logs.join('\n'));
    assert.ok(init > 0 && init < start && start < line && line < end, logs.join('\n'));
  });

  it("does not set AWS_EXECUTION_ENV for custom runtimes (nor does the host's leak in)", async () => {
    const result = await workbench.invoke('Env', '{}');
    const env = json(result.payload);
    assert.equal(env.executionEnvSet, false, String(result.payload));
    assert.equal(env.handler, 'function.env');
    assert.equal(env.taskRoot, path.join(dir, 'src'));
    assert.equal(env.runtimeDir, path.join(dir, 'src'));
    assert.match(env.runtimeApi, /^127\.0\.0\.1:\d+$/);
    assert.equal(env.myVar, 'mine');
    assert.equal(env.functionName, result.functionName);
    assert.equal(env.memory, '128');
  });

  it('a handler that makes the bootstrap exit → Runtime.ExitError, and the next invocation cold-starts', async () => {
    const result = await workbench.invoke('Exits', '{}');
    assert.equal(result.errorType, 'Runtime.ExitError');
    assert.match(json(result.payload).errorMessage, /^RequestId: [0-9a-f-]+ Error: Runtime exited with error: exit status 3$/);
    const next = await workbench.invoke('Exits', '{}');
    assert.equal(next.coldStart, true);
    assert.notEqual(next.environmentId, result.environmentId);
  });

  it('a hanging handler times out and the whole process group (bash and its children) is killed', async () => {
    const result = await workbench.invoke('Hangs', '{}');
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(result.errorType, 'Sandbox.Timedout');
    assert.match(json(result.payload).errorMessage, /Task timed out after 1\.\d\d seconds/);
    const pids = fs.readFileSync(path.join(dir, 'src/hang.pids'), 'utf8').trim().split(/\s+/).map(Number);
    assert.equal(pids.length, 2);
    await expectGone(pids, 'after the timeout');
  });

  it('a missing handler fails INIT through /init/error (Runtime.HandlerNotFound); the environment is discarded', async () => {
    const result = await workbench.invoke('NoFunction', '{}', { collectLogs: true });
    const body = unhandledError(result, 'Runtime.HandlerNotFound');
    assert.match(body.errorMessage, /^function\.nosuch is undefined: no shell function nosuch in .*\/function\.sh$/);
    const logs = await result.logs;
    assert.ok(
      logs.some((l) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime\.HandlerNotFound$/.test(l)),
      logs.join('\n'),
    );
    assert.match(logs.at(-1)!, /\tStatus: error\tError Type: Runtime\.HandlerNotFound$/);
    const again = await workbench.invoke('NoFunction', '{}');
    assert.equal(again.coldStart, true, 'a failed environment is never reused');
    assert.notEqual(again.environmentId, result.environmentId);

    const noFile = await workbench.invoke('NoFile', '{}');
    assert.equal(noFile.errorType, 'Runtime.HandlerNotFound');
    assert.match(json(noFile.payload).errorMessage, /nowhere\.sh not found \(handler nowhere\.handler\)$/);
    const initFails = await workbench.invoke('InitFails', '{}');
    assert.equal(initFails.errorType, 'Runtime.InitError');
    assert.match(json(initFails.payload).errorMessage, /initfails\.sh failed with status 7$/);
  });

  it('a runtime that posts /init/error and lingers is failed anyway, with its whole process group', async () => {
    const started = Date.now();
    const result = await workbench.invoke('Lingers', '{}', { collectLogs: true });
    assert.ok(Date.now() - started < 5000, 'does not wait for the init timeout');
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(result.errorType, 'Runtime.ConfigError', 'the error type header names the failure');
    assert.deepEqual(json(result.payload), { errorType: 'ConfigError', errorMessage: 'TABLE_NAME is not set', stackTrace: [] });
    const logs = await result.logs;
    assert.ok(logs.includes('init/error answered 202'), logs.join('\n'));
    const pids = fs.readFileSync(path.join(dir, 'lingers/pids'), 'utf8').trim().split(/\s+/).map(Number);
    await expectGone(pids, 'after /init/error');
  });

  // On Lambda the invoke phase ends when the runtime asks for the next event (RIE: Invoke = FastInvoke
  // + AwaitRelease, and END/REPORT are printed after the release), so what the runtime writes between
  // its response and its next /next belongs to the invocation, before END.
  it('output written between /response and the next /next belongs to the invocation, before END', async () => {
    const result = await workbench.invoke('AfterResponse', '{"k":1}', { collectLogs: true });
    assert.deepEqual(json(result.payload), { k: 1 });
    assert.ok(result.durationMs < 150, 'the caller is answered at once, not after the runtime is back');
    const logs = await result.logs;
    const id = result.requestId;
    const order = [`handling ${id}`, `cleaning up after ${id}`, `done with ${id}`, `END RequestId: ${id}`].map((line) => logs.indexOf(line));
    assert.ok(
      order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1])),
      logs.join('\n'),
    );
    assert.match(logs.at(-1)!, new RegExp(`^REPORT RequestId: ${id}\t`));
  });

  it('a runtime that answers and exits instead of asking for the next event: END and REPORT still come, the next invocation cold-starts', async () => {
    const first = await workbench.invoke('OneShot', '{"shot":1}', { collectLogs: true });
    assert.deepEqual(json(first.payload), { shot: 1 });
    assert.equal(first.functionError, undefined);
    const logs = await Promise.race([first.logs, new Promise<string[]>((_, reject) => setTimeout(() => reject(new Error('END/REPORT never came')), 5000))]);
    const id = first.requestId;
    const exiting = logs.indexOf(`one shot: exiting after ${id}`);
    const end = logs.indexOf(`END RequestId: ${id}`);
    assert.ok(exiting > 0 && end > exiting, logs.join('\n'));
    assert.match(logs.at(-1)!, new RegExp(`^REPORT RequestId: ${id}\t`));
    const second = await workbench.invoke('OneShot', '{"shot":2}');
    assert.equal(second.coldStart, true);
    assert.notEqual(second.environmentId, first.environmentId);
    assert.deepEqual(json(second.payload), { shot: 2 });
  });

  it('a missing or non-executable bootstrap → Runtime.InvalidEntrypoint with a clear message', async () => {
    const missing = await workbench.invoke('Missing', '{}');
    assert.equal(missing.functionError, 'Unhandled');
    assert.equal(missing.errorType, 'Runtime.InvalidEntrypoint');
    assert.equal(json(missing.payload).errorMessage, `Couldn't find valid bootstrap(s): [${path.join(dir, 'missing', 'bootstrap')}]`);
    const notExecutable = await workbench.invoke('NotExecutable', '{}');
    assert.equal(notExecutable.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(
      json(notExecutable.payload).errorMessage,
      new RegExp(`${path.join(dir, 'notexec', 'bootstrap').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not executable`),
    );
    const again = await workbench.invoke('Missing', '{}');
    assert.equal(again.coldStart, true);
  });

  it('takes the bootstrap from a layer when the code directory has none (/opt/bootstrap on AWS)', async () => {
    const dir = writeProject({
      'template.yaml':
        samTemplate({ FromLayer: { handler: 'function.handler', codeUri: 'fn', runtime: PROVIDED, props: 'Layers: [!Ref RuntimeLayer]' } }) +
        samLayers({ RuntimeLayer: 'runtime-layer' }),
      'runtime-layer/bootstrap': BOOTSTRAP,
      'fn/function.sh': fs.readFileSync(path.join(EXAMPLE, 'function.sh'), 'utf8'),
    });
    fs.chmodSync(path.join(dir, 'runtime-layer', 'bootstrap'), 0o755);
    await withProject(dir, async (workbench) => {
      const result = await workbench.invoke('FromLayer', '{"name":"layer"}');
      assert.equal(result.functionError, undefined, String(result.payload));
      assert.deepEqual(json(result.payload).echo, { name: 'layer' });
    });
  });

  it('the shell-runtime example runs as it is in examples/sam-app', async () => {
    const first = await workbench.invoke('Example', '{"name":"Ada"}');
    assert.equal(first.functionError, undefined, String(first.payload));
    const body = json(first.payload);
    assert.deepEqual(body.echo, { name: 'Ada' });
    assert.equal(body.invocation, 1);
    assert.equal(body.requestId, first.requestId);
    const second = await workbench.invoke('Example', '{"n":2}');
    assert.equal(json(second.payload).invocation, 2);
    const failed = await workbench.invoke('Example', '{"fail":true}');
    assert.equal(failed.functionError, 'Unhandled');
    assert.deepEqual(json(failed.payload), { errorType: 'HandlerError', errorMessage: 'asked to fail (invocation 3)', stackTrace: [] });
  });

  it('closing the engine leaves no bootstrap behind', async () => {
    const pids = environmentPids(workbench);
    assert.ok(pids.length > 0);
    await workbench.close();
    await expectGone(pids, 'after close');
  });
});
