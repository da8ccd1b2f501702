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

// The template language server (src/language/server, bundled as dist/languageServer.js) in its own
// Node process, started with vscode-languageclient for YAML and JSON files; the server decides which
// of them are SAM / CloudFormation templates. Its CodeLens commands are ours
// (commands/templateCommands.ts), mapped to the extension's commands on the engine that runs the
// template.

/** Restarts within this window count towards giving up (a server that crashes on start would loop). */
const RESTART_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 5;

export interface TemplateLanguageApi {
  client: LanguageClient;
  /** Settles once the server answered `initialize` (or failed to start). */
  ready: Promise<void>;
}

/** Starts the client (and so the server); every disposable goes to `own`. */
export function startTemplateLanguageServer(context: vscode.ExtensionContext, own: (disposable: vscode.Disposable) => void): TemplateLanguageApi {
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
  own(output);
  own(client);
  const ready = client.start().catch((error: Error) => {
    output.appendLine(`The template language server did not start: ${error.message}`);
  });
  return { client, ready };
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
      return {
        action: CloseAction.DoNotRestart,
        message: `The Lambda template language server stopped ${MAX_RESTARTS} times in 3 minutes and is not restarted; see its output.`,
      };
    }
    this.output.appendLine('The template language server stopped; restarting it.');
    return { action: CloseAction.Restart, handled: true };
  }
}
