import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as path from 'node:path';
import CDP from 'chrome-remote-interface';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LambdaDebugSession, resolveEvent, type ChildConfiguration } from '../../../src/debug/lambdaDebugSession';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { buildIfStale, REPO_ROOT } from '../helpers/build';
import { samTemplate, writeProject } from '../helpers/project';

// The `lambda` debug adapter, run in-process in server mode and driven by DebugClient: the
// `startDebugging` reverse request carries the inspector port, a CDP client stands in for js-debug.

type ReverseHandler = (args: any) => { success: boolean; body?: unknown; message?: string };

/** DebugClient ignores reverse requests; this answers them (and records them). */
function handleReverseRequests(dc: DebugClient, handlers: Record<string, ReverseHandler>): void {
  const client = dc as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
  const dispatch = client.dispatch.bind(dc);
  let seq = 100000;
  client.dispatch = (body: string) => {
    const message = JSON.parse(body);
    if (message.type !== 'request') return dispatch(body);
    dc.emit(`reverse:${message.command}`, message);
    const handler = handlers[message.command];
    const result = handler ? handler(message.arguments) : { success: false, message: `unsupported: ${message.command}` };
    const response: DebugProtocol.Response = { type: 'response', seq: seq++, request_seq: message.seq, command: message.command, ...result };
    const json = JSON.stringify(response);
    client.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a Node environment's child configuration carries. */
type NodeChild = ChildConfiguration & { port: number; address: string; continueOnAttach: boolean };

/** A CDP client on a child configuration's port, standing in for js-debug; records where it paused. */
async function attach(config: NodeChild, file: string, lines: number[], onPause: (line: number) => number) {
  const client = await CDP({ host: config.address, port: config.port });
  const scripts = new Map<string, string>();
  const paused: number[] = [];
  client.Debugger.scriptParsed((s) => scripts.set(s.scriptId, s.url));
  client.Debugger.paused((p) => {
    const frame = p.callFrames[0];
    const url = scripts.get(frame.location.scriptId) ?? frame.url;
    const line = frame.location.lineNumber;
    if (url.endsWith(path.basename(file))) paused.push(line);
    setTimeout(() => void client.Debugger.resume().catch(() => undefined), url.endsWith(path.basename(file)) ? onPause(line) : 0);
  });
  await client.Debugger.enable({});
  for (const lineNumber of lines) await client.Debugger.setBreakpointByUrl({ url: `file://${file}`, lineNumber });
  await client.Runtime.runIfWaitingForDebugger();
  return { client, paused };
}

describe('lambda debug adapter', function () {
  this.timeout(60000);
  let server: net.Server;
  let port: number;
  let dir: string;
  let file: string;
  const sockets = new Set<net.Socket>();

  before(async () => {
    dir = writeProject({
      'template.yaml': samTemplate({ App: { handler: 'app.handler', props: 'Timeout: 1' } }),
      'src/app.js': [
        "const initValue = 'set during init';", // line 0 (CDP): module scope, INIT
        'let calls = 0;',
        'exports.handler = async (event) => {',
        '  calls++;', // line 3: handler body
        '  return { initValue, calls, event };',
        '};',
      ].join('\n'),
    });
    file = path.join(dir, 'src', 'app.js');
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const session = new LambdaDebugSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });

  async function startClient() {
    const dc = new DebugClient('node', 'unused', 'lambda');
    const children: NodeChild[] = [];
    handleReverseRequests(dc, {
      startDebugging: (args: DebugProtocol.StartDebuggingRequestArguments) => {
        children.push(args.configuration as NodeChild);
        return { success: true };
      },
    });
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start(port);
    await dc.initializeRequest({ adapterID: 'lambda', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsStartDebuggingRequest: true });
    return { dc, children, output };
  }

  it('launch → startDebugging with the inspector port → init breakpoint before INIT ends → handler → response; the timeout is suspended', async () => {
    const { dc, children, output } = await startClient();
    try {
      await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: 'App', event: { hello: 'world' } } as DebugProtocol.LaunchRequestArguments);
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
      const { client, paused } = await attach(child, file, [0, 3], (line) => {
        if (line === 0) outputAtInitBreakpoint = [...output];
        return line === 3 ? 1500 : 0; // held past the 1 s timeout in the handler
      });
      const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
      assert.deepEqual(JSON.parse(response.slice(response.indexOf('response: ') + 10)), { initValue: 'set during init', calls: 1, event: { hello: 'world' } });
      assert.deepEqual(paused, [0, 3], 'init breakpoint first, then the handler');
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
      assert.deepEqual(JSON.parse(again.body.payload), { initValue: 'set during init', calls: 2, event: { n: 2 } });
      assert.deepEqual(paused, [0, 3, 3]);
      assert.equal(children.length, 1, 'one child per environment');
      await client.close();
    } finally {
      await dc.stop();
    }
    assert.ok(output.some((l) => l.startsWith('REPORT ')));
  });

  it('starts one child session per environment when two invocations run at once', async () => {
    const { dc, children, output } = await startClient();
    try {
      await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: ['App'] } as DebugProtocol.LaunchRequestArguments);
      await dc.configurationDoneRequest();
      const invocations = [dc.customRequest('invoke', { event: { i: 1 } }), dc.customRequest('invoke', { event: { i: 2 } })];
      await until('two startDebugging requests', () => children.length === 2);
      assert.notEqual(children[0].port, children[1].port);
      assert.notEqual(children[0].__lambdaEnvironmentId, children[1].__lambdaEnvironmentId);
      const attached = await Promise.all(children.map((c) => attach(c, file, [0], () => 0)));
      const results = await Promise.all(invocations);
      assert.deepEqual(results.map((r) => JSON.parse(r.body.payload).event.i).sort(), [1, 2]);
      for (const a of attached) assert.deepEqual(a.paused, [0]);
      for (const a of attached) await a.client.close();
      assert.equal(output.filter((l) => l.startsWith('INIT_START')).length, 2);
    } finally {
      await dc.stop();
    }
  });

  it('the built adapter (node dist/debugAdapter.js) speaks DAP over stdio', async () => {
    buildIfStale();
    const adapter = path.join(REPO_ROOT, 'dist', 'debugAdapter.js');
    if (!fs.existsSync(adapter)) assert.equal(spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' }).status, 0);
    const dc = new DebugClient(process.execPath, adapter, 'lambda', { env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'lwb-none' } });
    const children: NodeChild[] = [];
    handleReverseRequests(dc, { startDebugging: (args: DebugProtocol.StartDebuggingRequestArguments) => (children.push(args.configuration as NodeChild), { success: true }) });
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
    try {
      await dc.initializeRequest({ adapterID: 'lambda', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsStartDebuggingRequest: true });
      await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: 'App', event: '{"via":"stdio"}' } as DebugProtocol.LaunchRequestArguments);
      const child = await until('startDebugging', () => children[0]);
      const { client, paused } = await attach(child, file, [0], () => 0);
      const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
      assert.deepEqual(JSON.parse(response.slice(response.indexOf('response: ') + 10)).event, { via: 'stdio' });
      assert.deepEqual(paused, [0]);
      await client.close();
    } finally {
      await dc.stop();
    }
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
