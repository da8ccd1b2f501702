import * as vscode from 'vscode';
import { reportError } from './commands/commandFeedback';
import { createDebug, type DebugApi } from './debug/registerDebug';
import { startTemplateLanguageServer, type TemplateLanguageApi } from './language/templateLanguageClient';
import { LocalApi } from './localApi';
import { ServeTaskProvider } from './tasks/serveTaskProvider';
import { TASK_TYPE } from './tasks/serveTaskDefinition';
import { Timeline } from './timeline/timelinePanel';
import { createViews, type Views } from './views/views';
import { WorkbenchHost } from './workbenchHost';

// The extension's one context object (after rust-analyzer's editors/code/src/ctx.ts): it owns the
// engines' host, the "Lambda" output channel, the views, the timeline, the local API, the debugger's
// and the language server's parts, and every disposable. Whoever needs one of them gets it from
// here — commands through their factory's `ctx`, tests through the object activate() returns.

/** A command's handler, made from the Ctx once, at activation. */
export type CommandFactory = (ctx: Ctx) => (...args: never[]) => unknown;

/**
 * Commands by name, without the `lambdaWorkbench.` prefix: `action` names the command in its
 * error notification ("Lambda: Replay failed — …"), `make` makes its handler.
 */
export type Commands = Record<string, { action: string; make: CommandFactory }>;

export class Ctx implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  readonly host: WorkbenchHost;
  readonly timeline: Timeline;
  readonly views: Views;
  readonly localApi: LocalApi;
  readonly debug: DebugApi;
  readonly language: TemplateLanguageApi;
  readonly tasks: ServeTaskProvider;
  private readonly disposables: vscode.Disposable[] = [];
  private closing: Promise<void> | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.own(vscode.window.createOutputChannel('Lambda', 'lambda-log'));
    // Closed apart, first, by dispose(): its close is awaited (no process left behind).
    this.host = new WorkbenchHost(this.output);
    this.timeline = this.own(new Timeline(extension.extensionUri, this.host));
    this.views = createViews(this.host, this.timeline.metrics, (d) => this.own(d));
    this.localApi = this.own(new LocalApi(this.host));
    this.debug = createDebug(this.host, (d) => this.own(d));
    this.language = startTemplateLanguageServer(extension, (d) => this.own(d));
    this.tasks = new ServeTaskProvider(extension, this.host);
    this.own(vscode.tasks.registerTaskProvider(TASK_TYPE, this.tasks));
  }

  /**
   * Registers each command as `lambdaWorkbench.<name>`. Every failure is a notification worded one
   * way (commandFeedback.ts' reportError) and an `undefined` result, never a rejection.
   */
  registerCommands(commands: Commands): void {
    for (const [name, { action, make }] of Object.entries(commands)) {
      const handler = make(this) as (...args: unknown[]) => unknown;
      this.own(
        vscode.commands.registerCommand(`lambdaWorkbench.${name}`, async (...args: unknown[]) => {
          try {
            return await handler(...args);
          } catch (error) {
            reportError(action, error);
            return undefined;
          }
        }),
      );
    }
  }

  /** Keeps `disposable` until the Ctx is disposed; returns it. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  /** Closes the engines (awaited), then disposes everything else, newest first. */
  dispose(): Promise<void> {
    this.closing ??= (async () => {
      await this.host.close();
      for (const d of this.disposables.splice(0).reverse()) d.dispose();
    })();
    return this.closing;
  }
}
