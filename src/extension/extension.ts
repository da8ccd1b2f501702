import type * as vscode from 'vscode';
import { environmentCommands } from './commands/environmentCommands';
import { eventCommands } from './commands/eventCommands';
import { functionCommands } from './commands/functionCommands';
import { localApiCommands } from './commands/localApiCommands';
import { sourceCommands } from './commands/sourceCommands';
import { templateCommands } from './commands/templateCommands';
import { viewCommands } from './commands/viewCommands';
import { Ctx } from './ctx';
import { debugCommands } from './debug/debugCommands';
import type { DebugApi } from './debug/registerDebug';
import type { TemplateLanguageApi } from './language/templateLanguageClient';
import type { TimelineApi } from './timeline/timelinePanel';
import type { Views } from './views/views';
import type { WorkbenchHost } from './workbenchHost';

// The extension: one Ctx (ctx.ts) owns the engines (WorkbenchHost: one engine per workspace folder
// with a template), the sidebar's views, the timeline panel, the local API, the `lambda` debugger
// and the template language server's client (its server runs in a process of its own); the
// commands, one module per concept, are made from it.

/** Returned to tests (and other extensions): the host, to assert on what the views show. */
export interface LambdaWorkbenchApi {
  host: WorkbenchHost;
  /** Tree providers: `getChildren()` returns what the views show (see views/functionsView.ts, views/environmentsView.ts, views/eventsView.ts, views/eventSourcesView.ts). */
  views: Views;
  /** The timeline panel (`panel()`, `show()`) and every engine's metrics and timeline model (timeline/timelinePanel.ts). */
  timeline: TimelineApi;
  /** The `lambda` debugger: running sessions and the configuration providers (debug/registerDebug.ts). */
  debug: DebugApi;
  /** The template language server's client (language/templateLanguageClient.ts). */
  language: TemplateLanguageApi;
  /** When activation began and ended, and when the engines had opened (performance.now() of the extension host; bench/activation.mjs). */
  activation: { startedAt: number; returnedAt: number; enginesOpen: Promise<number> };
}

/** The running extension's Ctx: deactivate() takes no arguments, yet must wait for the engines to close. */
let active: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LambdaWorkbenchApi> {
  const startedAt = performance.now();
  const ctx = new Ctx(context);
  active = ctx;
  context.subscriptions.push(ctx);
  for (const commands of [
    functionCommands,
    environmentCommands,
    viewCommands,
    eventCommands,
    sourceCommands,
    localApiCommands,
    debugCommands,
    templateCommands,
  ]) {
    ctx.registerCommands(commands);
  }
  // Engines open in the background: activation must not wait for cold provisioning.
  const enginesOpen = ctx.host.start().then(() => performance.now());
  return {
    host: ctx.host,
    views: ctx.views,
    timeline: ctx.timeline,
    debug: ctx.debug,
    language: ctx.language,
    activation: { startedAt, returnedAt: performance.now(), enginesOpen },
  };
}

export async function deactivate(): Promise<void> {
  await active?.dispose();
  active = undefined;
}
