import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { resolveEvent } from '../../../src/debug/lambdaDebugSession';
import type { Workbench } from '../../../src/core/workbench';
import { buildIfStale, REPO_ROOT } from '../helpers/build';
import { isAlive, json, openProject, writeBreakpointProject } from '../helpers/project';
import { listening, startServe, stopServe } from '../helpers/serveProcess';
import { attachCdp, responseOf, serveAdapter, startClient, until, withClient } from './dapTestSupport';

// The `lambda` debug adapter with Node functions, served in-process and driven by DebugClient: the
// `startDebugging` reverse request carries the inspector port, a CDP client stands in for js-debug.

type Launch = DebugProtocol.LaunchRequestArguments;

describe('lambda debug adapter (Node)', function () {
  this.timeout(60000);
  let adapter: { port: number; close(): Promise<void> };
  /** The engine the adapter's sessions find running (the extension host's case), if set. */
  let running: Workbench | undefined;
  let dir: string;
  let template: string;
  let file: string;

  before(async () => {
    dir = writeBreakpointProject(['if (event.crash) process.exit(3);'], ', event, mode: process.env.MODE ?? null');
    template = path.join(dir, 'template.yaml');
    file = path.join(dir, 'src', 'app.js');
    adapter = await serveAdapter(() => ({ workbenchFor: (t) => (running && t === template ? running : undefined) }));
  });
  after(() => adapter.close());

  it('launch → startDebugging with the inspector port → init breakpoint before INIT ends → handler → response; the timeout is suspended', async () => {
    await withClient(adapter.port, async ({ dc, children, output }) => {
      await dc.launchRequest({ template, function: 'App', event: { hello: 'world' } } as Launch);
      await dc.configurationDoneRequest();
      const child = await until('startDebugging', () => children[0]);
      assert.equal(child.type, 'pwa-node');
      assert.equal(child.request, 'attach');
      assert.equal(child.address, '127.0.0.1');
      assert.equal(child.continueOnAttach, true);
      assert.ok(child.port > 0);
      assert.match(child.__lambdaEnvironmentId, /./);
      assert.match(child.name, /^App /);

      let outputAtInitBreakpoint: string[] | undefined;
      const cdp = await attachCdp(child, file, [0, 3], (line) => {
        if (line === 0) outputAtInitBreakpoint = [...output];
        return line === 3 ? 1500 : 0; // held past the 1 s timeout in the handler
      });
      const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
      assert.deepEqual(responseOf(response), { initValue: 'set during init', calls: 1, event: { hello: 'world' }, mode: null });
      assert.deepEqual(cdp.lines(), [0, 3], 'init breakpoint first, then the handler');
      assert.ok(outputAtInitBreakpoint, 'stopped in init code');
      assert.ok(!outputAtInitBreakpoint!.some((l) => l.startsWith('START ')), 'INIT had not completed at the init breakpoint');
      const text = output.join('');
      assert.match(text, /INIT_START Runtime Version/);
      assert.match(text, /START RequestId: \S+ Version: \$LATEST/);
      assert.match(text, /^[0-9a-f-]{36} timeout suspended while debugging$/m, 'the timeout fired while paused and was suspended');
      await until('REPORT', () => output.some((l) => l.startsWith('REPORT ')));
      assert.match(text, /END RequestId/);
      assert.ok(!/Task timed out/.test(output.join('')));

      // Invoke again (custom request): a warm invocation in the same environment, same child.
      const again = await dc.customRequest('invoke', { event: { n: 2 } });
      assert.deepEqual(JSON.parse(again.body.payload).calls, 2);
      assert.deepEqual(cdp.lines(), [0, 3, 3]);
      assert.equal(children.length, 1, 'one child per environment');
      await cdp.client.close();
    });
  });

  it('starts one child session per environment when two invocations run at once', async () => {
    await withClient(adapter.port, async ({ dc, children, output }) => {
      await dc.launchRequest({ template, function: ['App'] } as Launch);
      await dc.configurationDoneRequest();
      const invocations = [dc.customRequest('invoke', { event: { i: 1 } }), dc.customRequest('invoke', { event: { i: 2 } })];
      await until('two startDebugging requests', () => children.length === 2);
      assert.notEqual(children[0].port, children[1].port);
      assert.notEqual(children[0].__lambdaEnvironmentId, children[1].__lambdaEnvironmentId);
      const attached = await Promise.all(children.map((c) => attachCdp(c, file, [0])));
      const results = await Promise.all(invocations);
      assert.deepEqual(results.map((r) => JSON.parse(r.body.payload).event.i).sort(), [1, 2]);
      for (const a of attached) assert.deepEqual(a.lines(), [0]);
      for (const a of attached) await a.client.close();
      assert.equal(output.filter((l) => l.startsWith('INIT_START')).length, 2);
    });
  });

  it('stopOnInit pauses at the first line of the handler module; env overrides reach the function', async () => {
    await withClient(adapter.port, async ({ dc, children }) => {
      await dc.launchRequest({ template, function: 'App', stopOnInit: true, env: { MODE: 'debug' } } as Launch);
      await dc.configurationDoneRequest();
      const invocation = dc.customRequest('invoke', { event: {} });
      const child = await until('startDebugging', () => children[0]);
      const cdp = await attachCdp(child, file, []); // no breakpoint at all
      const result = JSON.parse((await invocation).body.payload);
      assert.equal(result.mode, 'debug');
      assert.deepEqual(cdp.paused, [{ line: 0, reason: 'other' }], 'paused once, on line 1 of app.js (a debugger statement)');
      await cdp.client.close();
    });
  });

  it('childEnded: once the child session is gone, the function timeout applies again', async () => {
    await withClient(adapter.port, async ({ dc, children, output }) => {
      await dc.launchRequest({ template, function: 'App' } as Launch);
      await dc.configurationDoneRequest();
      const first = dc.customRequest('invoke', { event: {} });
      const child = await until('startDebugging', () => children[0]);
      const cdp = await attachCdp(child, file, [3], () => 2000); // every handler pause lasts 2 s
      assert.equal((await first).body.functionError, undefined, 'held 2 s past the 1 s timeout, not killed');
      await dc.customRequest('childEnded', { environmentId: child.__lambdaEnvironmentId });
      assert.ok(output.some((l) => l.includes("debugger detached; the function's timeout applies again")));
      const second = await dc.customRequest('invoke', { event: {} });
      assert.equal(second.body.functionError, 'Unhandled');
      assert.match(second.body.payload, /Task timed out after 1\.\d\d seconds/);
      await cdp.client.close().catch(() => undefined);
    });
  });

  it('a crashed environment ends only its own child; the session and the other environment go on', async () => {
    await withClient(adapter.port, async ({ dc, children, output, terminated }) => {
      await dc.launchRequest({ template, function: 'App' } as Launch);
      await dc.configurationDoneRequest();
      // Both held at the handler breakpoint until both environments exist.
      const invocations = [dc.customRequest('invoke', { event: { crash: true } }), dc.customRequest('invoke', { event: { i: 1 } })];
      await until('two startDebugging requests', () => children.length === 2);
      const attached = await Promise.all(children.map((c) => attachCdp(c, file, [3], () => 300)));
      const [crashed, served] = await Promise.all(invocations);
      assert.equal(crashed.body.functionError, 'Unhandled');
      assert.match(crashed.body.payload, /Runtime\.ExitError/);
      assert.equal(JSON.parse(served.body.payload).event.i, 1);
      await until('the crashed environment reported', () => output.some((l) => / environment ended/.test(l)));
      // The survivor serves the next invocation warm, with its child still attached.
      const next = await dc.customRequest('invoke', { event: { i: 2 } });
      assert.equal(JSON.parse(next.body.payload).calls, 2);
      assert.equal(children.length, 2, 'no new environment, no new child');
      const alive = attached.filter((a) => a.lines().length === 2);
      assert.equal(alive.length, 1, 'the surviving child paused for both of its invocations');
      assert.equal(
        (await alive[0].client.Runtime.evaluate({ expression: 'process.env.AWS_LAMBDA_FUNCTION_NAME' })).result.value,
        'App',
        'its debugger connection is still up',
      );
      assert.equal(terminated, 0, 'the lambda session did not end');
      for (const a of attached) await a.client.close().catch(() => undefined);
    });
  });

  it("attach: a running engine's function goes into debug mode, its invocations (local API, mappings) get children, and it is left running after", async () => {
    running = await openProject(dir);
    try {
      assert.deepEqual(json((await running.invoke('App', '{}')).payload).calls, 1, 'a normal environment first');
      const normalPid = running.environments()[0].pid!;
      const { dc, children, output } = await startClient(adapter.port);
      await dc.attachRequest({ template, function: 'App' } as DebugProtocol.AttachRequestArguments);
      assert.ok(output.some((l) => l.includes('1 running environment(s) retired')));
      assert.ok(running.isDebugging('App'));
      // Invoked by someone else (the engine's own API), not by the session.
      const invocation = running.invoke('App', '{"from":"api"}');
      const child = await until('startDebugging', () => children[0]);
      const cdp = await attachCdp(child, file, [3]);
      assert.deepEqual(json((await invocation).payload), { initValue: 'set during init', calls: 1, event: { from: 'api' }, mode: null });
      assert.deepEqual(cdp.lines(), [3]);
      await until('the normal environment retired', () => !isAlive(normalPid));
      const debugPid = running.environments().find((e) => e.inspectorUrl)!.pid!;
      await dc.stop();
      await until('the debug environment shut down', () => !isAlive(debugPid));
      assert.ok(!running.isDebugging('App'));
      const after = await running.invoke('App', '{}');
      assert.equal(json(after.payload).calls, 1, 'a new environment, not in debug mode');
      assert.ok(running.environments().every((e) => !e.inspectorUrl));
      await cdp.client.close().catch(() => undefined);
    } finally {
      await running.close();
      running = undefined;
    }
  });

  it('attach, standalone: reaches the `serve` running on the template (a real process) through its debug routes', async () => {
    buildIfStale();
    const serve = startServe(['--port', '0', '-t', template]);
    try {
      const url = await listening(serve, 20000);
      const { dc, children, output } = await startClient(adapter.port);
      await dc.attachRequest({ template, function: 'App' } as DebugProtocol.AttachRequestArguments);
      assert.ok(output.some((l) => l.includes(`Attaching through the serve at ${url}`)));
      // Someone else invokes (the AWS SDK against serve's Invoke API).
      const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      const invocation = lambda.send(new InvokeCommand({ FunctionName: 'App', Payload: Buffer.from('{"via":"sdk"}') }));
      const child = await until('startDebugging', () => children[0]);
      assert.equal(child.type, 'pwa-node');
      const cdp = await attachCdp(child, file, [0, 3], (line) => (line === 3 ? 1500 : 0)); // past the 1 s timeout
      const result = await invocation;
      assert.equal(result.FunctionError, undefined);
      assert.deepEqual(JSON.parse(Buffer.from(result.Payload!).toString()).event, { via: 'sdk' });
      assert.deepEqual(cdp.lines(), [0, 3]);
      assert.ok(
        output.some((l) => /^START RequestId/.test(l)),
        'phase lines streamed from the serve',
      );
      // Invoke again from the session, through the serve.
      const again = await dc.customRequest('invoke', { event: { n: 2 } });
      assert.equal(JSON.parse(again.body.payload).calls, 2);
      await dc.stop();
      await until('the debug environment shut down (its inspector connection closed)', () => cdp.disconnected(), 10000);
      const after = await lambda.send(new InvokeCommand({ FunctionName: 'App', Payload: Buffer.from('{}') }));
      assert.equal(JSON.parse(Buffer.from(after.Payload!).toString()).calls, 1, 'a new environment, not in debug mode');
      lambda.destroy();
    } finally {
      await stopServe(serve);
    }
  });

  it('refuses attach without a running engine, and launch with unknown functions, with clear errors', async () => {
    await withClient(adapter.port, async ({ dc }) => {
      await assert.rejects(
        dc.attachRequest({ template, function: 'App' } as DebugProtocol.AttachRequestArguments),
        /Nothing runs .*template\.yaml to attach to: start `lambda-workbench serve` on it/,
      );
    });
    await withClient(adapter.port, async ({ dc }) => {
      await assert.rejects(dc.launchRequest({ template, function: 'Nope' } as Launch), /Function not found in template\.yaml: Nope/);
    });
  });

  it('the built adapter (node dist/debugAdapter.js) speaks DAP over stdio', async () => {
    const built = path.join(REPO_ROOT, 'dist', 'debugAdapter.js');
    buildIfStale(built);
    await withClient(
      undefined,
      async ({ dc, children, output }) => {
        await dc.launchRequest({ template, function: 'App', event: '{"via":"stdio"}' } as Launch);
        const child = await until('startDebugging', () => children[0]);
        const cdp = await attachCdp(child, file, [0]);
        const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
        assert.deepEqual(responseOf(response).event, { via: 'stdio' });
        assert.deepEqual(cdp.lines(), [0]);
        await cdp.client.close();
      },
      new DebugClient(process.execPath, built, 'lambda', { env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'lwb-none' } }),
    );
  });

  it('resolves events: inline JSON, objects, files, samples', () => {
    assert.equal(resolveEvent(undefined, dir), '{}');
    assert.equal(resolveEvent({ a: 1 }, dir), '{"a":1}');
    assert.equal(resolveEvent(' {"b":2}', dir), '{"b":2}');
    fs.writeFileSync(path.join(dir, 'event.json'), '{"c":3}');
    assert.equal(resolveEvent('event.json', dir), '{"c":3}');
    assert.ok(Array.isArray(JSON.parse(resolveEvent('sqs/receive-message', dir)).Records));
    assert.throws(() => resolveEvent('nope', dir), /neither a file/);
  });
});
