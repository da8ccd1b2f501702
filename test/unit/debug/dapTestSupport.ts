import * as net from 'node:net';
import * as path from 'node:path';
import CDP from 'chrome-remote-interface';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LambdaDebugSession, type ChildConfiguration, type LambdaDebugSessionOptions } from '../../../src/debug/lambdaDebugSession';

// What the debugger tests share: the adapter served in-process, a DebugClient that answers the
// adapter's reverse requests, and a CDP client standing in for js-debug on a Node child.

type ReverseHandler = (args: any) => { success: boolean; body?: unknown; message?: string };

/** What a Node environment's child configuration carries. */
export type NodeChild = ChildConfiguration & { port: number; address: string; continueOnAttach: boolean };

/** DebugClient ignores reverse requests; this answers them (and records them). */
function handleReverseRequests(dc: DebugClient, handlers: Record<string, ReverseHandler>): void {
  const client = dc as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
  const dispatch = client.dispatch.bind(dc);
  let seq = 100000;
  client.dispatch = (body: string) => {
    const message = JSON.parse(body);
    if (message.type !== 'request') return dispatch(body);
    const handler = handlers[message.command];
    const result = handler ? handler(message.arguments) : { success: false, message: `unsupported: ${message.command}` };
    const response: DebugProtocol.Response = { type: 'response', seq: seq++, request_seq: message.seq, command: message.command, ...result };
    const json = JSON.stringify(response);
    client.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  };
}

export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Serves LambdaDebugSession over loopback sockets, one session per connection. */
export async function serveAdapter(options: () => LambdaDebugSessionOptions = () => ({})): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const session = new LambdaDebugSession(options());
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface LambdaClient {
  dc: DebugClient;
  children: NodeChild[];
  output: string[];
  /** `terminated` events received. */
  terminated: number;
}

/** A DebugClient initialised against the adapter (on a port, or a spawned adapter when `port` is undefined). */
export async function startClient(port: number | undefined, dc = new DebugClient('node', 'unused', 'lambda')): Promise<LambdaClient> {
  const client: LambdaClient = { dc, children: [], output: [], terminated: 0 };
  handleReverseRequests(dc, {
    startDebugging: (args: DebugProtocol.StartDebuggingRequestArguments) => {
      client.children.push(args.configuration as NodeChild);
      return { success: true };
    },
  });
  dc.on('output', (e: DebugProtocol.OutputEvent) => client.output.push(e.body.output));
  dc.on('terminated', () => client.terminated++);
  await (port === undefined ? dc.start() : dc.start(port));
  await dc.initializeRequest({ adapterID: 'lambda', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsStartDebuggingRequest: true });
  return client;
}

/** A client session on the adapter for `use`, stopped whatever happens. */
export async function withClient(port: number | undefined, use: (client: LambdaClient) => Promise<void>, dc?: DebugClient): Promise<void> {
  const client = await startClient(port, dc);
  try {
    await use(client);
  } finally {
    await client.dc.stop();
  }
}

/** The JSON of the adapter's "<fn> <id> response: …" line. */
export function responseOf(line: string): any {
  return JSON.parse(line.slice(line.indexOf('response: ') + 10));
}

/**
 * A CDP client on a Node child's port, standing in for js-debug: sets breakpoints (0-based lines)
 * in `file`, lets the runtime go, and records every pause in `file` (resumed after `onPause` ms).
 */
export async function attachCdp(config: NodeChild, file: string, lines: number[], onPause: (line: number) => number = () => 0) {
  const client = await CDP({ host: config.address, port: config.port });
  const scripts = new Map<string, string>();
  const paused: Array<{ line: number; reason: string }> = [];
  let disconnected = false;
  client.on('disconnect', () => (disconnected = true));
  client.Debugger.scriptParsed((s) => scripts.set(s.scriptId, s.url));
  client.Debugger.paused((p) => {
    const frame = p.callFrames[0];
    const url = scripts.get(frame.location.scriptId) ?? frame.url;
    const ours = url.endsWith(path.basename(file));
    if (ours) paused.push({ line: frame.location.lineNumber, reason: p.reason });
    setTimeout(() => void client.Debugger.resume().catch(() => undefined), ours ? onPause(frame.location.lineNumber) : 0);
  });
  // As js-debug does: when the program ends (Node then waits for debuggers to disconnect), let go.
  client.Runtime.executionContextDestroyed(() => void client.close().catch(() => undefined));
  await client.Runtime.enable();
  await client.Debugger.enable({});
  for (const lineNumber of lines) await client.Debugger.setBreakpointByUrl({ url: `file://${file}`, lineNumber });
  await client.Runtime.runIfWaitingForDebugger();
  return { client, paused, lines: () => paused.map((p) => p.line), disconnected: () => disconnected };
}
