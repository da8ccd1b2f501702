import * as vscode from 'vscode';
import { LambdaApiServer, writeServeDiscovery } from '../core';
import { affectsSettings, settingsFor } from './config';
import { startApiGateway, type ServedApiGateway } from './localApiGateway';
import { awsCliExample, statusBarText, warmEnvironmentCount } from './sourcesModel';
import type { Engine, WorkbenchHost } from './workbenchHost';

// The local Lambda API inside the extension host: "Lambda: Start Local API" serves an engine's
// LambdaApiServer (Invoke, the control plane, the `/_workbench/` queue and stream routes) on
// 127.0.0.1 with the `lambdaWorkbench.apiPort` setting, and writes `<stateDir>/serve.json` as
// `lambda-workbench serve` does, so the CLI's send-message / put-record / queues reach this engine
// (and its mappings process what they send). One server per engine; when the host reopens an
// engine (settings changed), its server follows the new one. `lambdaWorkbench.apiAutoStart` starts
// it for each engine as it opens. A status-bar item shows the address(es) and the number of warm
// environments; clicking it offers the API's actions. Beside it, the template's REST and HTTP API
// routes on one port (`lambdaWorkbench.apiGatewayPort`, 3000), as `start-api` serves them
// (localApiGateway.ts); a port in use there is a warning, the Lambda API runs on.
//
//   lambdaWorkbench.startApi(engine?: Engine | { engine }, options?: { port?: number }) → url (string)
//   lambdaWorkbench.stopApi(engine?: Engine | { engine }) → number of servers stopped (all when no engine)
//   lambdaWorkbench.apiActions() → the quick pick behind the status bar item
//
// The Ctx owns the one LocalApi (`ctx.localApi`): `servers()`, `status()` (the status bar item's
// text and tooltip, warm count, URLs); its commands are in commands/localApiCommands.ts.

interface Serving {
  engine: Engine;
  server: LambdaApiServer;
  url: string;
  port: number;
  /** The port asked for explicitly (programmatic `port`), kept when the engine is reopened. */
  requestedPort?: number;
  discovery: { remove(): void };
  /** The template's API routes on one port, when it has some and the port was free. */
  apiGateway?: ServedApiGateway;
}

export class LocalApi implements vscode.Disposable {
  private readonly serving = new Map<string, Serving>();
  private readonly starting = new Map<string, Promise<string>>();
  /** Servers whose engine closed: started again when an engine of the same template opens. */
  private readonly resume = new Map<string, { port?: number; lastPort: number }>();
  /** Templates whose API the user stopped: auto-start leaves them alone for this session. */
  private readonly stoppedByUser = new Set<string>();
  private readonly seen = new WeakSet<object>();
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly host: WorkbenchHost) {
    this.item = vscode.window.createStatusBarItem('lambdaWorkbench.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Lambda Workbench';
    this.item.command = 'lambdaWorkbench.apiActions';
    this.disposables.push(
      this.item,
      host.onDidChange(() => {
        this.reconciling = this.reconciling.then(() => this.reconcile()).catch(() => undefined);
      }),
      // Turning auto-start on again overrides an earlier Stop.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSettings(e, 'apiAutoStart')) this.stoppedByUser.clear();
      }),
    );
    this.updateStatus();
  }

  /** The servers running now. */
  servers(): Array<{ engine: Engine; url: string; port: number }> {
    return [...this.serving.values()].map(({ engine, url, port }) => ({ engine, url, port }));
  }

  /** What the status bar item shows. */
  status(): { text: string; tooltip: string; urls: string[]; warm: number; visible: boolean } {
    const urls = [...this.serving.values()].map((s) => s.url);
    const engines = this.host.engines();
    const warm = engines.reduce((n, engine) => n + warmEnvironmentCount(engine.workbench.environments()), 0);
    const lines = [
      ...(urls.length > 0
        ? [...this.serving.values()].flatMap((s) => [
            `Local Lambda API${engines.length > 1 ? ` (${s.engine.label})` : ''}: ${s.url}`,
            ...(s.apiGateway ? [`REST and HTTP API routes${engines.length > 1 ? ` (${s.engine.label})` : ''}: ${s.apiGateway.url}`] : []),
          ])
        : ['Local Lambda API: not running']),
      `${warm} warm environment${warm === 1 ? '' : 's'}`,
      "Click for the API's actions",
    ];
    return { text: statusBarText({ urls, warm }), tooltip: lines.join('\n'), urls, warm, visible: engines.length > 0 };
  }

  /** Serves the engine's API (or returns the URL it already has). */
  async start(engine: Engine, port?: number): Promise<string> {
    const key = engine.templateFile;
    const running = this.serving.get(key);
    if (running && running.engine.workbench === engine.workbench) return running.url;
    const pending = this.starting.get(key);
    if (pending) return pending;
    const started = this.listen(engine, port).finally(() => this.starting.delete(key));
    this.starting.set(key, started);
    return started;
  }

  /** Stops the engine's server, or every server; returns how many were stopped. */
  async stop(engine?: Engine): Promise<number> {
    const keys = engine ? [engine.templateFile] : [...this.serving.keys()];
    let stopped = 0;
    for (const key of keys) {
      await this.starting.get(key)?.catch(() => undefined);
      this.stoppedByUser.add(key);
      this.resume.delete(key);
      const serving = this.serving.get(key);
      if (!serving) continue;
      await this.close(serving);
      stopped++;
    }
    this.updateStatus();
    return stopped;
  }

  dispose(): void {
    for (const serving of this.serving.values()) void this.close(serving);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async listen(engine: Engine, port: number | undefined): Promise<string> {
    const key = engine.templateFile;
    const previous = this.serving.get(key);
    if (previous) await this.close(previous);
    const configured = settingsFor(engine.folder.uri).apiPort;
    const server = new LambdaApiServer(engine.workbench, { host: '127.0.0.1', port: port ?? configured, debug: engine.workbench });
    let listening: { url: string; port: number };
    try {
      listening = await server.listen();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `port ${port ?? configured} is in use (another lambda-workbench serve?); set lambdaWorkbench.apiPort, 0 for any free port`
          : `cannot listen on 127.0.0.1:${port ?? configured}: ${(error as Error).message}`,
      );
    }
    const discovery = writeServeDiscovery(engine.workbench.stateDir, listening.url, { token: server.debugToken });
    const output = this.host.output;
    const gatewayPort = settingsFor(engine.folder.uri).apiGatewayPort;
    const apiGateway = await startApiGateway(engine.workbench, gatewayPort, (line) => output.appendLine(line)).catch((error: Error) => {
      const message = `Lambda: the REST and HTTP API routes of ${engine.label} are not served — ${error.message}`;
      output.appendLine(message);
      void vscode.window.showWarningMessage(message);
      return undefined;
    });
    this.serving.set(key, { engine, server, url: listening.url, port: listening.port, requestedPort: port, discovery, apiGateway });
    this.stoppedByUser.delete(key);
    this.resume.delete(key);
    this.host.output.appendLine(
      `Lambda API for ${engine.label} listening on ${listening.url} (e.g. ${awsCliExample(listening.url, engine.workbench.functions()[0]?.functionName ?? 'MyFunction')})`,
    );
    for (const line of apiGateway?.lines ?? []) this.host.output.appendLine(line);
    this.updateStatus();
    return listening.url;
  }

  private async close(serving: Serving): Promise<void> {
    if (this.serving.get(serving.engine.templateFile) === serving) this.serving.delete(serving.engine.templateFile);
    serving.discovery.remove();
    await serving.apiGateway?.close().catch(() => undefined);
    await serving.server.close().catch(() => undefined);
    this.host.output.appendLine(`Lambda API for ${serving.engine.label} stopped (${serving.url})`);
  }

  /** Engines opened, closed or reopened: servers follow their template's engine; auto-start new ones. */
  private async reconcile(): Promise<void> {
    const engines = this.host.engines();
    for (const [key, serving] of [...this.serving]) {
      const current = engines.find((e) => e.templateFile === key);
      if (current?.workbench === serving.engine.workbench) continue;
      await this.close(serving);
      this.resume.set(key, { port: serving.requestedPort, lastPort: serving.port });
    }
    for (const engine of engines) {
      const key = engine.templateFile;
      const resume = this.resume.get(key);
      if (resume && !this.serving.has(key)) {
        const configured = settingsFor(engine.folder.uri).apiPort;
        // A free port (0) keeps the address it had, so clients need not be told again.
        const port = resume.port ?? (configured === 0 ? resume.lastPort : configured);
        await this.start(engine, port)
          .catch(() => this.start(engine, resume.port ?? configured))
          .catch((error) => this.failed(engine, error));
      }
      if (this.seen.has(engine.workbench)) continue;
      this.seen.add(engine.workbench);
      const autoStart = settingsFor(engine.folder.uri).apiAutoStart;
      if (autoStart && !this.serving.has(key) && !this.stoppedByUser.has(key)) await this.start(engine).catch((error) => this.failed(engine, error));
    }
    this.updateStatus();
  }

  private failed(engine: Engine, error: unknown): void {
    const message = `Lambda: the local API for ${engine.label} did not start — ${(error as Error).message}`;
    this.host.output.appendLine(message);
    void vscode.window.showWarningMessage(message);
  }

  private updateStatus(): void {
    const status = this.status();
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    if (status.visible) this.item.show();
    else this.item.hide();
    // package.json's menus show Start or Stop by it.
    void vscode.commands.executeCommand('setContext', 'lambdaWorkbench.apiRunning', status.urls.length > 0);
  }
}
