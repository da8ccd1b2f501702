import * as path from 'node:path';
import * as vscode from 'vscode';
import { LambdaDebugSession } from '../../debug/lambdaDebugSession';
import type { WorkbenchHost } from '../workbenchHost';
import { DEBUG_TYPE } from './debugConfig';

// The `lambda` debug adapter runs inline in the extension host, on the host's engines (so the
// views, the local API and event source mappings see the debugged environments). VS Code starts
// the JavaScript debugger children itself (DAP `startDebugging`); this module tells the adapter
// when one ends and tracks which lambda session the focused session belongs to.

/** Context key: the focused debug session is a lambda session or one of its children (toolbar, palette). */
export const IN_LAMBDA_SESSION = 'lambdaWorkbench.inLambdaDebugSession';

/** The lambda session a session belongs to: itself, or the nearest lambda ancestor. */
export function lambdaSessionOf(session: vscode.DebugSession | undefined): vscode.DebugSession | undefined {
  for (let s = session; s; s = s.parentSession) if (s.type === DEBUG_TYPE) return s;
  return undefined;
}

export class LambdaSessions implements vscode.Disposable {
  /** Running lambda sessions, oldest first. */
  private readonly live: vscode.DebugSession[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly host: WorkbenchHost) {
    this.disposables.push(
      vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, { createDebugAdapterDescriptor: () => this.createAdapter() }),
      vscode.debug.onDidStartDebugSession((session) => {
        if (session.type === DEBUG_TYPE) this.live.push(session);
      }),
      vscode.debug.onDidTerminateDebugSession((session) => this.terminated(session)),
      vscode.debug.onDidChangeActiveDebugSession((session) => this.setContext(session)),
    );
  }

  /** The running lambda sessions, oldest first. */
  sessions(): vscode.DebugSession[] {
    return [...this.live];
  }

  /** The focused session's lambda session, else the newest one. */
  current(): vscode.DebugSession | undefined {
    return lambdaSessionOf(vscode.debug.activeDebugSession) ?? this.live[this.live.length - 1];
  }

  private async createAdapter(): Promise<vscode.DebugAdapterDescriptor> {
    // The host's engines are opened in the background at activation; the session must see them.
    await this.host.start();
    const workbenchFor = (template: string) => this.host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(template))?.workbench;
    return new vscode.DebugAdapterInlineImplementation(new LambdaDebugSession({ workbenchFor }));
  }

  private terminated(session: vscode.DebugSession): void {
    const index = this.live.indexOf(session);
    if (index >= 0) this.live.splice(index, 1);
    const environmentId = session.configuration.__lambdaEnvironmentId;
    const parent = lambdaSessionOf(session.parentSession);
    // The adapter restores the environment's timeouts; the parent may be ending too, so no error.
    if (typeof environmentId === 'string' && parent && this.live.includes(parent)) {
      void Promise.resolve(parent.customRequest('childEnded', { environmentId })).catch(() => undefined);
    }
    this.setContext(vscode.debug.activeDebugSession);
  }

  private setContext(session: vscode.DebugSession | undefined): void {
    void vscode.commands.executeCommand('setContext', IN_LAMBDA_SESSION, lambdaSessionOf(session) !== undefined);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.live.splice(0);
  }
}
