import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../../../src/core/workbench';
import { environmentPids, invokeAgain, unhandledError } from '../helpers/invocation';
import { isAlive, json, openProject, samTemplate, writeProject } from '../helpers/project';
import { readStream } from '../helpers/streaming';

// AWS's own Node runtime interface client (npm aws-lambda-ric, unmodified) run as a provided.al2023
// custom runtime: its `bootstrap` execs ric, which speaks the Runtime API to our server through its
// native curl-based client (and Node's http for streamed responses). Whatever it sends is what a
// real Lambda runtime sends, so this is the conformance test of our server against AWS's client.

const REPO = path.resolve(__dirname, '../../..');
const RIC_DIR = path.join(REPO, 'node_modules', 'aws-lambda-ric');

/** ric's entry (its package.json `main`/`bin`: index.mjs in 4.x). */
function ricEntry(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(RIC_DIR, 'package.json'), 'utf8')) as { main?: string; version: string };
  return path.join(RIC_DIR, pkg.main ?? 'index.mjs');
}

/** ric's other /next client: Node's http instead of its native curl-based one. */
const HTTP_CLIENT = 'Environment:\n  Variables:\n    AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1: "true"';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("aws-lambda-ric (AWS's Node runtime client) as a custom runtime", function () {
  this.timeout(30000);
  let workbench: Workbench;
  let dir: string;

  before(async function () {
    // Not a skip: the devDependency is part of the project, and a missing native build is a bug.
    assert.ok(
      fs.existsSync(path.join(RIC_DIR, 'package.json')),
      `aws-lambda-ric is not installed (${RIC_DIR}): run npm ci (its install script must be allowed in package.json "allowScripts")`,
    );
    assert.ok(
      fs.existsSync(path.join(RIC_DIR, 'rapid-client.node')),
      `aws-lambda-ric's native client was not built (${RIC_DIR}/rapid-client.node): its install scripts did not run`,
    );
    const bootstrap = `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(ricEntry())}\n`;
    dir = writeProject({
      'template.yaml': samTemplate({
        Ok: { handler: 'index.handler', runtime: 'provided.al2023' },
        Throws: { handler: 'index.throws', runtime: 'provided.al2023' },
        NoHandler: { handler: 'index.nosuch', runtime: 'provided.al2023' },
        Stream: { handler: 'index.stream', runtime: 'provided.al2023' },
        StreamFails: { handler: 'index.streamFails', runtime: 'provided.al2023' },
        Context: { handler: 'index.context', runtime: 'provided.al2023', props: 'MemorySize: 256\nFunctionName: ric-context' },
        Logs: { handler: 'index.logs', runtime: 'provided.al2023' },
        Syntax: { handler: 'syntax.handler', runtime: 'provided.al2023' },
        NoModule: { handler: 'nowhere.handler', runtime: 'provided.al2023' },
        Huge: { handler: 'index.huge', runtime: 'provided.al2023' },
        Hang: { handler: 'index.hang', runtime: 'provided.al2023', props: 'Timeout: 1' },
        HttpClient: { handler: 'index.handler', runtime: 'provided.al2023', props: HTTP_CLIENT },
        HttpStream: { handler: 'index.stream', runtime: 'provided.al2023', props: HTTP_CLIENT },
        HttpStreamFails: { handler: 'index.streamFails', runtime: 'provided.al2023', props: HTTP_CLIENT },
      }),
      'src/bootstrap': bootstrap,
      'src/index.js': `
        let count = 0;
        class MyCustomError extends Error { constructor(m) { super(m); this.name = 'MyCustomError'; } }
        exports.handler = async (event) => ({ echo: event, count: ++count, pid: process.pid });
        exports.throws = async (event) => { throw new MyCustomError('boom: ' + event.x); };
        exports.stream = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.setContentType('text/plain');
          for (const part of ['one ', 'two ', 'three']) {
            responseStream.write(part);
            await new Promise((r) => setTimeout(r, 20));
          }
          responseStream.end();
        });
        exports.streamFails = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.write('partial ');
          await new Promise((r) => setTimeout(r, 20));
          throw new MyCustomError('stream broke');
        });
        exports.context = async (event, context) => ({
          awsRequestId: context.awsRequestId, functionName: context.functionName, memoryLimitInMB: context.memoryLimitInMB,
          invokedFunctionArn: context.invokedFunctionArn, logStreamName: context.logStreamName,
          remaining: context.getRemainingTimeInMillis(), clientContext: context.clientContext, identity: context.identity,
          traceEnv: process.env._X_AMZN_TRACE_ID, executionEnv: process.env.AWS_EXECUTION_ENV ?? null,
        });
        exports.huge = async () => 'x'.repeat(7 * 1024 * 1024);
        exports.hang = () => { require('fs').writeFileSync(__dirname + '/hang.pid', String(process.pid)); return new Promise(() => setInterval(() => {}, 1000)); };
        exports.logs = async () => { console.log('hello from ric', { a: 1 }); console.error('an error line'); return 'logged'; };
      `,
      'src/syntax.js': `exports.handler = async () => { return 1 +; };`,
    });
    fs.chmodSync(path.join(dir, 'src/bootstrap'), 0o755);
    workbench = await openProject(dir);
  });
  after(() => workbench?.close());

  it("returns the handler's JSON result and reuses the warm environment", async () => {
    const first = await workbench.invoke('Ok', '{"x":1}');
    assert.equal(first.functionError, undefined, String(first.payload));
    assert.equal(first.coldStart, true);
    const body = json(first.payload);
    assert.deepEqual({ echo: body.echo, count: body.count }, { echo: { x: 1 }, count: 1 });
    const second = await workbench.invoke('Ok', '{"x":2}');
    assert.equal(second.coldStart, false);
    assert.equal(second.environmentId, first.environmentId);
    assert.deepEqual(json(second.payload), { echo: { x: 2 }, count: 2, pid: body.pid });
    const third = await workbench.invoke('Ok', '[1,2]');
    assert.deepEqual(json(third.payload).echo, [1, 2]);
    assert.equal(json(third.payload).count, 3);
  });

  it('a thrown error comes back as {errorType: error.name, errorMessage, trace} with functionError Unhandled', async () => {
    const result = await workbench.invoke('Throws', '{"x":"y"}');
    const body = unhandledError(result, 'MyCustomError');
    assert.equal(body.errorMessage, 'boom: y');
    assert.ok(Array.isArray(body.trace), String(result.payload));
    assert.match(body.trace[0], /^MyCustomError: boom: y$/);
    // A handler error does not end the environment.
    const again = await invokeAgain(workbench, 'Throws', result, { reused: true, payload: '{"x":"z"}' });
    assert.equal(json(again.payload).errorMessage, 'boom: z');
  });

  it('a bad handler fails INIT with Runtime.HandlerNotFound and the environment is discarded', async () => {
    const result = await workbench.invoke('NoHandler', '{}', { collectLogs: true });
    const body = unhandledError(result, 'Runtime.HandlerNotFound');
    assert.equal(body.errorMessage, 'index.nosuch is undefined or not exported');
    assert.ok(Array.isArray(body.trace));
    const logs = await result.logs;
    assert.ok(
      logs.some((l) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime\.HandlerNotFound$/.test(l)),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((l) => l.includes('Init Error') && l.includes('Runtime.HandlerNotFound')),
      logs.join('\n'),
    );
    assert.ok(!workbench.environments().some((e) => e.id === result.environmentId && e.state !== 'Terminated'));
    const again = await invokeAgain(workbench, 'NoHandler', result, { reused: false, message: 'a failed environment is never reused' });
    assert.equal(again.errorType, 'Runtime.HandlerNotFound');
  });

  it('syntax errors and missing modules fail INIT with Runtime.UserCodeSyntaxError / Runtime.ImportModuleError', async () => {
    const syntax = await workbench.invoke('Syntax', '{}');
    assert.equal(syntax.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(json(syntax.payload).errorMessage, /^SyntaxError: Unexpected token/);
    const noModule = await workbench.invoke('NoModule', '{}');
    assert.equal(noModule.errorType, 'Runtime.ImportModuleError');
    assert.match(json(noModule.payload).errorMessage, /Cannot find module 'nowhere'/);
  });

  it('a response over 6 MB → Function.ResponseSizeTooLarge (ric gets its 413 and keeps serving)', async () => {
    const result = await workbench.invoke('Huge', '{}');
    assert.equal(result.functionError, 'Unhandled');
    assert.equal(result.errorType, 'Function.ResponseSizeTooLarge');
    const again = await workbench.invoke('Huge', '{}');
    assert.equal(again.coldStart, false);
    assert.equal(again.errorType, 'Function.ResponseSizeTooLarge');
  });

  it('a hanging handler times out and ric is killed', async () => {
    const result = await workbench.invoke('Hang', '{}');
    assert.equal(result.errorType, 'Sandbox.Timedout');
    assert.match(json(result.payload).errorMessage, /Task timed out after 1\.\d\d seconds/);
    const pid = Number(fs.readFileSync(path.join(dir, 'src/hang.pid'), 'utf8'));
    const until = Date.now() + 3000;
    while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    assert.equal(isAlive(pid), false);
  });

  it('a streamed response (awslambda.streamifyResponse) comes back as the concatenated body', async () => {
    const result = await workbench.invoke('Stream', '{}');
    assert.equal(result.functionError, undefined, String(result.payload));
    assert.equal(result.payload.toString('utf8'), 'one two three');
    assert.equal(result.contentType, 'text/plain');
    // And the environment serves the next one.
    const again = await workbench.invoke('Stream', '{}');
    assert.equal(again.coldStart, false);
    assert.equal(again.payload.toString('utf8'), 'one two three');
  });

  it('a stream that fails midway reports the error through HTTP trailers', async () => {
    const result = await workbench.invoke('StreamFails', '{}');
    const body = unhandledError(result, 'MyCustomError');
    assert.equal(body.errorMessage, 'stream broke');
    assert.ok(Array.isArray(body.trace));
    // The environment keeps serving after a failed stream.
    const again = await invokeAgain(workbench, 'StreamFails', result, { reused: true, message: 'a failed stream does not end the environment' });
    assert.equal(again.errorType, 'MyCustomError');
  });

  it("to a caller that takes streams, ric's chunks arrive as it writes them, and a failure midway ends the stream with its error", async () => {
    const result = await workbench.invoke('Stream', '{}', { acceptStream: true });
    assert.equal(result.stream?.contentType, 'text/plain');
    const read = await readStream(result);
    // ric writes a part every 20 ms: each arrives on its own.
    assert.deepEqual(
      read.chunks.map((c) => c.toString('utf8')),
      ['one ', 'two ', 'three'],
    );
    assert.equal(read.end.functionError, undefined);
    const failed = await readStream(await workbench.invoke('StreamFails', '{}', { acceptStream: true }));
    assert.equal(failed.text, 'partial ');
    assert.equal(failed.end.errorType, 'MyCustomError');
    assert.equal(json(failed.end.payload).errorMessage, 'stream broke');
  });

  it("works the same with ric's Node http client (AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1)", async () => {
    const first = await workbench.invoke('HttpClient', '{"a":1}');
    const second = await workbench.invoke('HttpClient', '{"a":2}');
    assert.deepEqual([json(first.payload).count, json(second.payload).count], [1, 2]);
    assert.equal(second.coldStart, false);
    for (let i = 0; i < 2; i++) {
      const streamed = await workbench.invoke('HttpStream', '{}');
      assert.equal(streamed.payload.toString('utf8'), 'one two three');
      const failed = await workbench.invoke('HttpStreamFails', '{}');
      assert.equal(failed.errorType, 'MyCustomError');
      assert.equal(json(failed.payload).errorMessage, 'stream broke');
      assert.equal(failed.coldStart, i === 0);
    }
  });

  it('delivers the context: request id, ARN, memory, client context, identity and trace id', async () => {
    const clientContext = JSON.stringify({ client: { installation_id: 'abc' }, custom: { k: 'v' }, env: { platform: 'test' } });
    const cognitoIdentity = JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' });
    const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const result = await workbench.invoke('ric-context', '{}', { clientContext, cognitoIdentity, traceId });
    assert.equal(result.functionError, undefined, String(result.payload));
    const ctx = json(result.payload);
    assert.equal(ctx.awsRequestId, result.requestId);
    assert.match(ctx.awsRequestId, UUID);
    assert.equal(ctx.functionName, 'ric-context');
    assert.equal(ctx.memoryLimitInMB, '256');
    assert.match(ctx.invokedFunctionArn, /^arn:aws:lambda:us-east-1:\d{12}:function:ric-context$/);
    assert.match(ctx.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(ctx.remaining > 0 && ctx.remaining <= 3000, `remaining ${ctx.remaining}`);
    assert.deepEqual(ctx.clientContext, JSON.parse(clientContext));
    assert.deepEqual(ctx.identity, JSON.parse(cognitoIdentity));
    assert.equal(ctx.traceEnv, traceId);
    assert.equal(ctx.executionEnv, null, 'no AWS_EXECUTION_ENV for custom runtimes');
  });

  it("ric's console output reaches the invocation's log with the request id", async () => {
    const result = await workbench.invoke('Logs', '{}', { collectLogs: true });
    assert.equal(json(result.payload), 'logged');
    const logs = await result.logs;
    const id = result.requestId;
    const info = logs.find((l) => l.includes('hello from ric'));
    assert.ok(info, logs.join('\n'));
    assert.match(info, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\thello from ric \\{ a: 1 \\}$`));
    const error = logs.find((l) => l.includes('an error line'));
    assert.match(error ?? '', new RegExp(`\\t${id}\\tERROR\\tan error line$`));
    const start = logs.findIndex((l) => l.startsWith(`START RequestId: ${id}`));
    const end = logs.findIndex((l) => l.startsWith(`END RequestId: ${id}`));
    assert.ok(start >= 0 && start < logs.indexOf(info) && logs.indexOf(info) < end, logs.join('\n'));
  });

  it('closing the engine leaves no ric process behind', async () => {
    const pids = environmentPids(workbench);
    assert.ok(pids.length > 0);
    await workbench.close();
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
  });
});
