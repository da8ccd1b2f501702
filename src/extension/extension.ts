import * as vscode from 'vscode';
import { registerEngineCommands } from './commands/engineCommands';
import { registerSourceCommands } from './commands/sourceCommands';
import { registerServeTaskProvider } from './tasks/serveTaskProvider';
import { registerDebug, type DebugApi } from './debug/registerDebug';
import { startTemplateLanguageServer, type TemplateLanguageApi } from './language/templateLanguageClient';
import { registerTimeline, type TimelineApi } from './timeline/timelinePanel';
import { registerEnvironmentsView, type EnvironmentsTreeProvider } from './views/environmentsView';
import { registerEventSourcesView } from './views/eventSourcesView';
import { registerEventsView } from './views/eventsView';
import { registerFunctionsView, type FunctionsTreeProvider } from './views/functionsView';
import { WorkbenchHost } from './workbenchHost';

// The extension: the engine runs in the extension host (WorkbenchHost: one engine per workspace
// folder with a template); the sidebar's views, the commands, the timeline panel and the `lambda`
// debugger all use it. The template language server runs in a process of its own.

let host: WorkbenchHost | undefined;

/** Returned to tests (and other extensions): the host, to assert on what the views show. */
export interface LambdaWorkbenchApi {
  host: WorkbenchHost;
  /** Tree providers: `getChildren()` returns what the views show (see views/functionsView.ts, views/environmentsView.ts). */
  views: { functions: FunctionsTreeProvider; environments: EnvironmentsTreeProvider };
  /** The timeline panel (`panel()`, `show()`) and every engine's metrics and timeline model (timeline/timelinePanel.ts). */
  timeline: TimelineApi;
  /** The `lambda` debugger: running sessions and the configuration providers (debug/registerDebug.ts). */
  debug: DebugApi;
  /** The template language server's client (language/templateLanguageClient.ts). */
  language: TemplateLanguageApi;
  /** When activation began and ended, and when the engines had opened (performance.now() of the extension host; bench/activation.mjs). */
  activation: { startedAt: number; returnedAt: number; enginesOpen: Promise<number> };
}

export async function activate(context: vscode.ExtensionContext): Promise<LambdaWorkbenchApi> {
  const startedAt = performance.now();
  const output = vscode.window.createOutputChannel('Lambda', 'lambda-log');
  host = new WorkbenchHost(output);
  context.subscriptions.push(output, host);
  const functions = registerFunctionsView(context, host);
  const environments = registerEnvironmentsView(context, host);
  registerEventsView(context, host);
  registerEventSourcesView(context, host);
  registerEngineCommands(context, host);
  registerSourceCommands(context, host);
  const timeline = registerTimeline(context, host);
  const debug = registerDebug(context, host);
  const language = startTemplateLanguageServer(context, host);
  registerServeTaskProvider(context, host);
  // Engines open in the background: activation must not wait for cold provisioning.
  const enginesOpen = host.start().then(() => performance.now());
  return { host, views: { functions, environments }, timeline, debug, language, activation: { startedAt, returnedAt: performance.now(), enginesOpen } };
}

export async function deactivate(): Promise<void> {
  await host?.close();
  host = undefined;
}
