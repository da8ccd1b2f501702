import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { LAST_PAYLOAD_KEY } from '../commands/engineCommands';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// The template language server (src/language/server, bundled as dist/languageServer.js) in its own
// Node process, started with vscode-languageclient for YAML and JSON files; the server decides which
// of them are SAM / CloudFormation templates. Its CodeLens commands are ours, registered here and
// mapped to the extension's commands on the engine that runs the template.

/** What a CodeLens of the server carries: the template (absolute path) and a function's logical id. */
interface TemplateFunctionArgs {
  template: string;
  function: string;
}

/** Restarts within this window count towards giving up (a server that crashes on start would loop). */
const RESTART_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 5;

export interface TemplateLanguageApi {
  client: LanguageClient;
  /** Settles once the server answered `initialize` (or failed to start). */
  ready: Promise<void>;
}

export function startTemplateLanguageServer(context: vscode.ExtensionContext, host: WorkbenchHost): TemplateLanguageApi {
  const module = context.asAbsolutePath(path.join('dist', 'languageServer.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6011'] } },
  };
  const output = vscode.window.createOutputChannel('Lambda Template Language Server', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'untitled', language: 'json' },
    ],
    outputChannel: output,
    errorHandler: new RestartingErrorHandler(output),
  };
  const client = new LanguageClient('lambdaWorkbench.templates', 'Lambda Template Language Server', serverOptions, clientOptions);
  context.subscriptions.push(
    output,
    client,
    vscode.commands.registerCommand('lambdaWorkbench.templateInvoke', (args: TemplateFunctionArgs) => invoke(context, host, args)),
    vscode.commands.registerCommand('lambdaWorkbench.templateDebug', (args: TemplateFunctionArgs) =>
      vscode.commands.executeCommand('lambdaWorkbench.debugFunction', { template: args.template, function: args.function }),
    ),
    vscode.commands.registerCommand('lambdaWorkbench.templateReplay', async (args: TemplateFunctionArgs) => {
      const target = await functionTarget(host, args);
      if (target) return vscode.commands.executeCommand('lambdaWorkbench.replayEvent', target);
    }),
  );
  const ready = client.start().catch((error: Error) => {
    output.appendLine(`The template language server did not start: ${error.message}`);
  });
  return { client, ready };
}

/** ▶ Invoke runs at once, with the event the function was last invoked with (else `{}`); Replay asks. */
async function invoke(context: vscode.ExtensionContext, host: WorkbenchHost, args: TemplateFunctionArgs): Promise<unknown> {
  const target = await functionTarget(host, args);
  if (!target) return undefined;
  const last = context.workspaceState.get<Record<string, string>>(LAST_PAYLOAD_KEY, {})[`${target.engine.templateFile}\0${target.functionName}`];
  return vscode.commands.executeCommand('lambdaWorkbench.invoke', target, last ?? '{}');
}

/** The engine running the template and the function's name there; a message when there is none. */
async function functionTarget(host: WorkbenchHost, args: TemplateFunctionArgs): Promise<{ engine: Engine; functionName: string } | undefined> {
  await host.start();
  const engine = host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(args.template));
  const fn = engine?.workbench.getFunction(args.function);
  if (engine && fn) return { engine, functionName: fn.functionName };
  const reason = engine
    ? `${args.function} is not a function of the running template (save the file, or fix its errors, so the engine reloads it)`
    : `${path.basename(args.template)} is not a template Lambda Workbench runs (see the lambdaWorkbench.templatePaths setting)`;
  void vscode.window.showWarningMessage(`Lambda: ${reason}.`);
  return undefined;
}

/** Restarts the server whenever it dies, unless it died MAX_RESTARTS times within RESTART_WINDOW_MS. */
class RestartingErrorHandler implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(private readonly output: vscode.OutputChannel) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - this.restarts[0] > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length > MAX_RESTARTS) {
      return { action: CloseAction.DoNotRestart, message: `The Lambda template language server stopped ${MAX_RESTARTS} times in 3 minutes and is not restarted; see its output.` };
    }
    this.output.appendLine('The template language server stopped; restarting it.');
    return { action: CloseAction.Restart, handled: true };
  }
}
