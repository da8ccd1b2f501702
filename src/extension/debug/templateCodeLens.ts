import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchHost } from '../workbenchHost';
import { findFunctionResources } from './functionResources';

// "▶ Invoke" and "Debug" above each function resource of the templates the engines run. Self-
// contained on purpose: a later issue moves template features into a language server.

export class TemplateCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: WorkbenchHost) {
    // Engines opened, reloaded or closed: which functions can be run changes.
    this.subscription = host.onDidChange(() => this.changeEmitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const engine = this.host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(document.uri.fsPath));
    if (!engine) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const resource of findFunctionResources(document.getText())) {
      // Only what the engine has loaded (a resource typed but not saved yet cannot be run).
      const fn = engine.workbench.getFunction(resource.logicalId);
      if (!fn) continue;
      const range = new vscode.Range(resource.line, resource.column, resource.line, resource.column + resource.logicalId.length);
      lenses.push(
        new vscode.CodeLens(range, { title: '▶ Invoke', tooltip: `Invoke ${fn.functionName}`, command: 'lambdaWorkbench.invoke', arguments: [{ engine, functionName: fn.functionName }] }),
        new vscode.CodeLens(range, { title: 'Debug', tooltip: `Debug ${fn.functionName}`, command: 'lambdaWorkbench.debugFunction', arguments: [{ template: engine.templateFile, function: fn.logicalId }] }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

export function registerTemplateCodeLens(context: vscode.ExtensionContext, host: WorkbenchHost): TemplateCodeLensProvider {
  const provider = new TemplateCodeLensProvider(host);
  // Any file: templates can have any name (lambdaWorkbench.templatePaths); the provider filters.
  context.subscriptions.push(provider, vscode.languages.registerCodeLensProvider({ scheme: 'file' }, provider));
  return provider;
}
