// What every debug adapter of the extension host sends (the `lambda` adapter and js-debug's
// children), recorded through a DebugAdapterTracker on '*', for the debugging tests.
import * as assert from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';
import { eventually } from './helpers';

export interface Recorded {
  session: vscode.DebugSession;
  message: DebugProtocol.ProtocolMessage;
  /** The adapter sent it, or the client (VS Code) sent it to the adapter. */
  from: 'adapter' | 'client';
}

export class DapRecorder implements vscode.Disposable {
  /** Both directions, in order (`next` and `outputOf` look at events, which only adapters send). */
  readonly messages: Recorded[] = [];
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: DebugProtocol.ProtocolMessage) => void this.messages.push({ session, message, from: 'adapter' }),
        onWillReceiveMessage: (message: DebugProtocol.ProtocolMessage) => void this.messages.push({ session, message, from: 'client' }),
      }),
    });
  }

  /** The index of the next message (a cursor for `next`). */
  mark(): number {
    return this.messages.length;
  }

  /** The first message from index `from` on that matches, waiting for it; returns it and its index. */
  async next(what: string, from: number, match: (r: Recorded) => boolean, timeoutMs = 60_000): Promise<Recorded & { index: number }> {
    return eventually(
      what,
      () => {
        for (let i = from; i < this.messages.length; i++) if (match(this.messages[i])) return { ...this.messages[i], index: i };
        return undefined;
      },
      timeoutMs,
      50,
    );
  }

  /** The next DAP event named `event` (optionally of one session only). */
  nextEvent(event: string, from: number, session?: vscode.DebugSession, timeoutMs?: number) {
    return this.next(
      `a DAP "${event}" event`,
      from,
      (r) => r.message.type === 'event' && (r.message as DebugProtocol.Event).event === event && (!session || r.session.id === session.id),
      timeoutMs,
    );
  }

  /** Output events of `session` from `from` on, as text. */
  outputOf(session: vscode.DebugSession, from = 0): string {
    return this.messages
      .slice(from)
      .filter((r) => r.session.id === session.id && r.message.type === 'event' && (r.message as DebugProtocol.Event).event === 'output')
      .map((r) => (r.message as DebugProtocol.OutputEvent).body.output)
      .join('');
  }

  /** One line per message from `from` on (sessions by type and name; output text shortened). */
  describe(from = 0): string {
    const noise = (r: Recorded) =>
      (r.message.type === 'event' && (r.message as DebugProtocol.Event).event === 'loadedSource') || (r.from === 'client' && r.message.type !== 'request');
    return this.messages
      .slice(from)
      .filter((r) => !noise(r))
      .map(({ session, message, from: direction }) => {
        const who = `${direction === 'client' ? '→ ' : ''}[${session.type} "${session.name}"${session.parentSession ? ` < "${session.parentSession.name}"` : ''}]`;
        const m = message as DebugProtocol.Event & DebugProtocol.Response & DebugProtocol.Request;
        if (m.type === 'event' && m.event === 'output') return `${who} output: ${JSON.stringify((m.body as { output: string }).output).slice(0, 300)}`;
        if (m.type === 'event') return `${who} event ${m.event} ${JSON.stringify(m.body ?? {}).slice(0, 200)}`;
        if (m.type === 'response') return `${who} response ${m.command} ${m.success ? 'ok' : `FAILED ${m.message}`}`;
        return `${who} ${m.type} ${m.command ?? ''} ${JSON.stringify(m.arguments ?? {}).slice(0, 300)}`;
      })
      .join('\n');
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/** The session and its ancestors, nearest first. */
export function ancestry(session: vscode.DebugSession | undefined): vscode.DebugSession[] {
  const chain: vscode.DebugSession[] = [];
  for (let s = session; s; s = s.parentSession) chain.push(s);
  return chain;
}

/** The top stack frame of a stopped thread, as the session that stopped reports it. */
export async function topFrame(stop: Recorded): Promise<{ id: number; path: string; line: number; name: string; threadId: number }> {
  const threadId = (stop.message as DebugProtocol.StoppedEvent).body.threadId;
  assert.ok(threadId !== undefined, 'the stopped event names its thread');
  const trace = (await stop.session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })) as DebugProtocol.StackTraceResponse['body'];
  const frame = trace.stackFrames[0];
  assert.ok(frame, 'a stack frame');
  // A remote workbench (code-server) hands paths back as URIs (vscode-remote://host/path).
  const raw = frame.source?.path ?? '';
  const file = /^[a-z][\w+.-]+:\/\//i.test(raw) ? vscode.Uri.parse(raw).fsPath : raw;
  return { id: frame.id, path: file, line: frame.line, name: frame.name, threadId };
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
