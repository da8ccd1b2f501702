import * as path from 'node:path';
import * as vscode from 'vscode';
import { currentEngine } from '../commands/commandSupport';
import { LAST_PAYLOAD_KEY } from '../commands/invokeCommands';
import type { Commands, Ctx } from '../ctx';
import { isFunctionTarget } from '../targets';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { debugFunctionArgs, eventFromPayload, invokeAgainArgs, launchConfiguration, type LambdaDebugConfiguration } from './debugConfig';
import { pickFunctionToDebug, templatesOf } from './debugProvider';
import type { LambdaSessions } from './debugSessions';

// The debug commands:
//
//   lambdaWorkbench.debugFunction(target?)   → the started lambda vscode.DebugSession | undefined
//       target: a Functions view node (function, $LATEST, version, alias), `{ template, function,
//       qualifier?, event? }`, or nothing (asks which function). Without an event, the function's
//       last invoked payload (else `{}`) is invoked once the session runs.
//   lambdaWorkbench.debugInvoke(args?)        → the adapter's `invoke` answer { requestId, payload?, functionError? } | undefined
//       invokes again in the focused lambda session (or the newest): args `{ event?, qualifier?,
//       invocationType?, function? }`, by default the session's own event.

export class DebugCommands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: WorkbenchHost,
    private readonly sessions: LambdaSessions,
  ) {}

  async debugFunction(target?: unknown): Promise<vscode.DebugSession | undefined> {
    await this.host.start();
    const config = await this.configurationFor(target);
    if (!config) return undefined;
    const engine = this.host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(String(config.template)));
    const folder = engine?.folder ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(String(config.template)));
    return this.start(folder, config);
  }

  private async configurationFor(target: unknown): Promise<LambdaDebugConfiguration | undefined> {
    const withLabel = this.host.engines().length > 1;
    if (isFunctionTarget(target)) {
      const engine = currentEngine(this.host, target.engine);
      const fn = engine.workbench.getFunction(target.functionName);
      if (!fn) throw new Error(`${target.functionName} is not in ${engine.label}'s template any more`);
      const qualifier = target.qualifier === '$LATEST' ? undefined : target.qualifier;
      return launchConfiguration(templatesOf([engine])[0], fn.logicalId, { qualifier, withLabel, event: this.lastEvent(engine, fn.functionName) });
    }
    const args = debugFunctionArgs(target);
    if (args) {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      const engine = args.template
        ? this.host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(base, args.template!))
        : this.host.engines().find((e) => e.workbench.getFunction(args.function));
      if (!engine && !args.template) throw new Error(`No open template declares the function ${args.function}`);
      const fn = engine?.workbench.getFunction(args.function);
      if (engine && !fn) throw new Error(`${engine.label}'s template has no function ${args.function}`);
      const event = args.event ?? (engine && fn ? this.lastEvent(engine, fn.functionName) : undefined);
      if (!engine) {
        // A template no engine runs: the adapter opens its own engine on it.
        const template = path.resolve(base, args.template!);
        return launchConfiguration({ templateFile: template, folderPath: base, label: path.basename(template), functions: [] }, args.function, {
          qualifier: args.qualifier,
          event,
        });
      }
      return launchConfiguration(templatesOf([engine])[0], fn!.logicalId, { qualifier: args.qualifier, withLabel, event });
    }
    const picked = await pickFunctionToDebug(this.host);
    if (!picked) return undefined;
    const fn = picked.engine.workbench.getFunction(picked.logicalId);
    return launchConfiguration(templatesOf([picked.engine])[0], picked.logicalId, { withLabel, event: fn && this.lastEvent(picked.engine, fn.functionName) });
  }

  /** The payload the function was last invoked with from the commands, as a launch event. */
  private lastEvent(engine: Engine, functionName: string): unknown {
    const payloads = this.context.workspaceState.get<Record<string, string>>(LAST_PAYLOAD_KEY, {});
    return eventFromPayload(payloads[`${engine.templateFile}\0${functionName}`]);
  }

  /** Starts the configuration and returns its session (matched by a marker VS Code passes through). */
  private async start(folder: vscode.WorkspaceFolder | undefined, config: LambdaDebugConfiguration): Promise<vscode.DebugSession | undefined> {
    const marker = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let listener: vscode.Disposable | undefined;
    const session = new Promise<vscode.DebugSession>((resolve) => {
      listener = vscode.debug.onDidStartDebugSession((s) => {
        if (s.configuration.__lambdaWorkbenchStart === marker) resolve(s);
      });
    });
    try {
      const started = await vscode.debug.startDebugging(folder, { ...config, __lambdaWorkbenchStart: marker });
      return started ? await session : undefined;
    } finally {
      listener?.dispose();
    }
  }

  async debugInvoke(args?: unknown): Promise<unknown> {
    const session = this.sessions.current();
    if (!session) {
      void vscode.window.showWarningMessage('Lambda: no lambda debug session is running.');
      return undefined;
    }
    return session.customRequest('invoke', invokeAgainArgs(args, session.configuration.event));
  }
}

// DebugCommands keeps no state of its own: one is made per run, on the Ctx's host and sessions.
const debugOf = (ctx: Ctx) => new DebugCommands(ctx.extension, ctx.host, ctx.debug.sessions);

export const debugCommands: Commands = {
  debugFunction: { action: 'Debug', make: (ctx) => (target?: unknown) => debugOf(ctx).debugFunction(target) },
  debugInvoke: { action: 'Invoke again', make: (ctx) => (args?: unknown) => debugOf(ctx).debugInvoke(args) },
};
