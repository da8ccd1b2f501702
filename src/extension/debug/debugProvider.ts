import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { pickFunction } from '../commands/commandSupport';
import { explainNoEngine, type Engine, type WorkbenchHost } from '../workbenchHost';
import {
  checkConfiguration,
  childDebugType,
  DEBUG_TYPE,
  dynamicConfigurations,
  initialConfigurations,
  launchConfiguration,
  missingChildDebugger,
  resolveConfiguration,
  type LambdaDebugConfiguration,
  type TemplateFunctions,
} from './debugConfig';

// Debug configuration providers of the `lambda` type: launch.json's initial entries, the Run and
// Debug dropdown's dynamic entries (one per function), and resolution (a missing template filled
// in, F5 without launch.json asks which function, errors said plainly before the adapter starts).
// The logic is in debugConfig.ts (no 'vscode'); this file asks and reports.

/** The engines as debugConfig.ts sees them. */
export function templatesOf(engines: Engine[]): TemplateFunctions[] {
  return engines.map((engine) => ({
    templateFile: engine.templateFile,
    folderPath: engine.folder.uri.fsPath,
    label: engine.label,
    functions: engine.workbench.functions().map((fn) => ({ logicalId: fn.logicalId, functionName: fn.functionName })),
  }));
}

/** The debugger types the installed extensions contribute. */
function installedDebuggerTypes(): Set<string> {
  const types = new Set<string>();
  for (const extension of vscode.extensions.all) {
    const debuggers = (extension.packageJSON as { contributes?: { debuggers?: Array<{ type?: unknown }> } } | undefined)?.contributes?.debuggers ?? [];
    for (const d of debuggers) if (typeof d.type === 'string') types.add(d.type);
  }
  return types;
}

/** Which function to debug, over every engine; undefined when dismissed. */
export async function pickFunctionToDebug(host: WorkbenchHost, engines = host.engines()): Promise<{ engine: Engine; logicalId: string } | undefined> {
  const picked = await pickFunction(engines, 'Debug which function?', (fn) => fn.logicalId);
  return picked && { engine: picked.engine, logicalId: picked.fn.logicalId };
}

/** Initial configurations and resolution (registered with the Initial trigger). */
export class LambdaConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly host: WorkbenchHost) {}

  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    await this.host.start();
    const engines = this.host.engines().filter((e) => !folder || e.folder.uri.toString() === folder.uri.toString());
    const configs = initialConfigurations(templatesOf(engines));
    if (configs.length > 0) return configs;
    // No template yet: one entry to fill in.
    return [
      { type: DEBUG_TYPE, request: 'launch', name: 'Debug a Lambda function', template: '${workspaceFolder}/template.yaml', function: 'MyFunction', event: {} },
    ];
  }

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    // A debug session runs the workspace's handlers: never in Restricted Mode.
    if (!vscode.workspace.isTrusted) {
      explainNoEngine();
      return undefined;
    }
    await this.host.start();
    const templates = templatesOf(this.host.engines());
    const resolution = resolveConfiguration(config as Partial<LambdaDebugConfiguration>, templates, folder?.uri.fsPath);
    if (resolution.kind === 'error') return this.fail(resolution.message);
    if (resolution.kind === 'config') {
      const childType = childDebugType(config as Partial<LambdaDebugConfiguration>);
      const missing = childType === undefined ? undefined : missingChildDebugger(childType, installedDebuggerTypes());
      if (missing) return this.offerInstall(missing);
      return resolution.config;
    }
    const picked = await pickFunctionToDebug(this.host);
    if (!picked) return undefined;
    return launchConfiguration(templatesOf([picked.engine])[0], picked.logicalId, { withLabel: this.host.engines().length > 1 });
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const folderPath = folder?.uri.fsPath ?? this.host.engines()[0]?.folder.uri.fsPath;
    const resolution = checkConfiguration(config as LambdaDebugConfiguration, templatesOf(this.host.engines()), folderPath, (file) => fs.existsSync(file));
    if (resolution.kind !== 'config') return this.fail(resolution.kind === 'error' ? resolution.message : 'unexpected');
    return resolution.config;
  }

  /** A child whose debugger is not installed: the session does not start (the adapter then lets timeouts apply again); the extension is offered. */
  private offerInstall(missing: { extensionId: string; message: string }): undefined {
    void vscode.window.showErrorMessage(`Lambda: ${missing.message}`, 'Show Extension').then((button) => {
      if (button) void vscode.commands.executeCommand('workbench.extensions.search', missing.extensionId);
    });
    return undefined;
  }

  /** Undefined aborts the launch without opening launch.json; the reason is shown. */
  private fail(message: string): undefined {
    void vscode.window.showErrorMessage(`Lambda: ${message}`);
    return undefined;
  }
}

/** The Run and Debug dropdown's entries (registered with the Dynamic trigger; resolution is the provider's above). */
export class LambdaDynamicConfigurations implements vscode.DebugConfigurationProvider {
  constructor(private readonly host: WorkbenchHost) {}

  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    await this.host.start();
    const engines = this.host.engines().filter((e) => !folder || e.folder.uri.toString() === folder.uri.toString());
    return dynamicConfigurations(templatesOf(engines));
  }
}
