import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDiagnostic, samRunInputs } from '../core/config';
import { formatTerminalLine, type TelemetryEvent, TemplateError, Workbench, type WorkbenchSettings } from '../core';
import { affectsSettings, settingsFor } from './config';
import { jwksFromSetting } from './jwksSetting';
import { sourceEndpointsFromSetting } from './sourceEndpointsSetting';
import { templatesOf } from './templates';
import { BuildProgress } from './buildProgress';

// The extension host runs the engine: one Workbench per template of the workspace folders (the
// `lambdaWorkbench.templatePaths` setting, else templates.ts' discovery: the folder's root template,
// or those below it in a monorepo). Views, commands and panels go through this host: its
// `onDidChange` fires when what they show may have changed (engines opened or closed, a reload,
// versions, environments), debounced; `onTelemetry` carries every engine's event stream; log lines
// go to the "Lambda" output channel.
//
// Running a function executes the workspace's code, so in an untrusted workspace (Restricted Mode)
// the host opens no engine until the user trusts it; commands then say why instead of acting.

const RESTRICTED_MODE =
  "Lambda: this workspace is in Restricted Mode. Running a function executes the workspace's code, so Lambda Workbench starts no engine, handler or debugger until you trust the workspace.";

/** Why a command found no engine: Restricted Mode (with a way out), or no template. */
export function explainNoEngine(): void {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(RESTRICTED_MODE, 'Manage Workspace Trust').then((button) => {
      if (button) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return;
  }
  void vscode.window.showWarningMessage('Lambda: no workspace folder has a SAM template (template.yaml).');
}

export interface Engine {
  folder: vscode.WorkspaceFolder;
  templateFile: string;
  workbench: Workbench;
  /** A short name for pickers and tree labels: the folder, plus the template when not the default. */
  label: string;
}

export interface EngineTelemetry {
  engine: Engine;
  event: TelemetryEvent;
}

export class WorkbenchHost implements vscode.Disposable {
  private readonly engineList: Engine[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly telemetryEmitter = new vscode.EventEmitter<EngineTelemetry>();
  private readonly disposables: vscode.Disposable[] = [];
  private changeTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  /** The env-vars files the engines read (samconfig files are recognised by name): an edit reopens the engines. */
  private readonly samInputFiles = new Set<string>();
  private samInputTimer: NodeJS.Timeout | undefined;

  /** What the views show may have changed (debounced to one event per 100 ms). */
  readonly onDidChange = this.changeEmitter.event;
  /** Every engine's telemetry, as it happens. */
  readonly onTelemetry = this.telemetryEmitter.event;

  private readonly buildProgress: BuildProgress;

  constructor(readonly output: vscode.OutputChannel) {
    this.buildProgress = new BuildProgress(output);
    this.disposables.push(
      this.buildProgress,
      this.changeEmitter,
      this.telemetryEmitter,
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.restart()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSettings(e)) void this.restart();
      }),
      ...this.watchSamInputs(),
    );
  }

  /** samconfig files and the env-vars files read are inputs as settings are: a change reopens the engines (debounced). */
  private watchSamInputs(): vscode.Disposable[] {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{toml,yaml,yml,json}');
    const changed = (uri: vscode.Uri) => {
      if (!/^samconfig\.(toml|ya?ml)$/.test(path.basename(uri.fsPath)) && !this.samInputFiles.has(uri.fsPath)) return;
      clearTimeout(this.samInputTimer);
      this.samInputTimer = setTimeout(() => {
        this.output.appendLine(`${path.basename(uri.fsPath)} changed: reopening with it`);
        void this.restart();
      }, 300);
    };
    return [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
  }

  /** Opens an engine for each workspace folder with a template (once; later calls wait for it). */
  start(): Promise<void> {
    this.starting ??= this.openAll();
    return this.starting;
  }

  /** Closes every engine and opens them again with the current settings. */
  async restart(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.closeAll();
    this.starting = this.openAll();
    await this.starting;
  }

  engines(): Engine[] {
    return [...this.engineList];
  }

  /** The engine whose folder contains `uri`, else the only one, else undefined. */
  engineFor(uri?: vscode.Uri): Engine | undefined {
    if (uri) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const engine = this.engineList.find((e) => e.folder === folder);
      if (engine) return engine;
    }
    return this.engineList.length === 1 ? this.engineList[0] : undefined;
  }

  /** One engine: the only one, or the user's pick; undefined when there is none or the pick was dismissed. */
  async pickEngine(): Promise<Engine | undefined> {
    await this.start();
    if (this.engineList.length <= 1) {
      if (this.engineList.length === 0) explainNoEngine();
      return this.engineList[0];
    }
    const picked = await vscode.window.showQuickPick(
      this.engineList.map((engine) => ({ label: engine.label, description: engine.templateFile, engine })),
      { placeHolder: 'Which project?' },
    );
    return picked?.engine;
  }

  /** Tells the views to refresh (debounced). */
  changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.changeEmitter.fire();
    }, 100);
  }

  /** Closes every engine (no process left behind) and releases the host. */
  async close(): Promise<void> {
    clearTimeout(this.changeTimer);
    clearTimeout(this.samInputTimer);
    await this.starting?.catch(() => undefined);
    await this.closeAll();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  dispose(): void {
    void this.close();
  }

  private async openAll(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.output.appendLine(RESTRICTED_MODE);
      this.changed();
      return;
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const templateFile of await templatesOf(folder)) {
        try {
          // Subscribed during open: provisioned environments initialise before open returns; their
          // events are held until the engine exists, then delivered in order.
          // Not const: the callback below reads it during open, before it is assigned.
          let opened: Engine | undefined;
          const early: TelemetryEvent[] = [];
          const workbench = await Workbench.open({
            template: templateFile,
            settings: this.settings(folder, templateFile),
            onTelemetry: (event) => {
              // Builds run during open: their progress is shown as it happens, not once the engine exists.
              this.buildProgress.update(event);
              if (opened) this.onEvent(opened, event);
              else early.push(event);
            },
          });
          const relative = path.relative(folder.uri.fsPath, templateFile);
          const engine: Engine = {
            folder,
            templateFile,
            workbench,
            label: /^template\.(ya?ml|json)$/.test(relative) ? folder.name : `${folder.name}/${relative}`,
          };
          this.engineList.push(engine);
          opened = engine;
          for (const event of early.splice(0)) this.onEvent(engine, event);
          for (const d of workbench.template.diagnostics) this.output.appendLine(formatDiagnostic(d));
        } catch (error) {
          // A samconfig or env-vars file that does not parse stops the engine as a template error does:
          // running without the user's overrides could reach the resources they meant to replace.
          const message = error instanceof TemplateError ? error.diagnostics.map(formatDiagnostic).join('\n') : (error as Error).message;
          this.output.appendLine(`Cannot open ${templateFile}:\n${message}`);
          void vscode.window.showErrorMessage(`Lambda: ${path.basename(templateFile)} has errors — see the Lambda output.`);
        }
      }
    }
    this.changed();
  }

  private async closeAll(): Promise<void> {
    const closing = this.engineList.splice(0);
    this.samInputFiles.clear();
    await Promise.allSettled(closing.map((engine) => engine.workbench.close()));
    this.changed();
  }

  /** Log lines to the output channel; anything that changes what the views show → onDidChange. */
  private onEvent(engine: Engine, event: TelemetryEvent): void {
    this.telemetryEmitter.fire({ engine, event });
    const line = formatTerminalLine(event);
    if (line !== undefined) this.output.appendLine(`${event.environmentId ? `[${event.functionName} ${event.environmentId}] ` : ''}${line}`);
    if (!event.type.startsWith('function')) this.changed();
  }

  /**
   * The extension's settings (config.ts; defaults from package.json) as the engine's, with SAM's
   * inputs: the settings `envVars` / `parameterOverrides` / `region` (when set) over the samconfig of
   * the folder (SAM's project root), else the one next to the template.
   */
  private settings(folder: vscode.WorkspaceFolder, templateFile: string): Partial<WorkbenchSettings> {
    const c = settingsFor(folder.uri);
    const envVars = c.envVars;
    const sam = samRunInputs({
      searchDirs: [folder.uri.fsPath, path.dirname(templateFile)],
      envVarsFile: envVars ? path.resolve(folder.uri.fsPath, envVars) : undefined,
      parameterOverrides: c.parameterOverrides,
    });
    for (const warning of sam.warnings) this.output.appendLine(`WARNING ${warning}`);
    if (sam.envVarsFile) this.samInputFiles.add(path.resolve(sam.envVarsFile));
    const settings: Partial<WorkbenchSettings> = {
      region: c.regionSetByUser ?? sam.region ?? c.region,
      nodePath: c.nodePath,
      pythonPath: c.pythonPath,
      rubyPath: c.rubyPath,
      javaPath: c.javaPath,
      javaClassDataSharing: c.javaClassDataSharing,
      keepAliveSeconds: c.keepAliveSeconds,
      initTimeoutSeconds: c.initTimeoutSeconds,
      accountConcurrency: c.accountConcurrency,
      nodeHeapLimit: c.nodeHeapLimit,
      provisionedConcurrency: c.provisionedConcurrency,
      hotReload: c.hotReload,
      parameterOverrides: sam.parameterOverrides,
      environmentOverrides: sam.environmentOverrides,
    };
    const stateDir = c.stateDirectory;
    if (stateDir) settings.stateDir = path.resolve(folder.uri.fsPath, stateDir);
    const scale = c.asyncRetryDelayScale;
    // Lambda waits 1 and 2 minutes between retries; the scale shortens that for local work.
    settings.asyncRetryDelaysSeconds = [60 * scale, 120 * scale];
    const { endpoints, problems } = sourceEndpointsFromSetting(c.sourceEndpoints);
    settings.sourceEndpoints = endpoints;
    for (const problem of problems) this.output.appendLine(`WARNING ${problem}`);
    const jwks = jwksFromSetting(c.jwks, folder.uri.fsPath);
    settings.jwks = jwks.jwks;
    for (const problem of jwks.problems) this.output.appendLine(`WARNING ${problem}`);
    return settings;
  }
}
