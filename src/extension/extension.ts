import * as vscode from 'vscode';

// The extension's entry. The sidebar, commands and debugger arrive with later issues; for now it
// activates on workspaces with a SAM template and offers the function list.

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Lambda', 'lambda-log');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('lambdaWorkbench.listFunctions', async () => {
      const { loadTemplate, findTemplate } = await import('../core/config');
      const folder = vscode.workspace.workspaceFolders?.[0];
      const file = folder ? findTemplate(folder.uri.fsPath) : undefined;
      if (!file) {
        void vscode.window.showWarningMessage('No template.yaml in the workspace.');
        return [];
      }
      const model = await loadTemplate(file);
      output.appendLine(model.functions.map((f) => `${f.logicalId}\t${f.runtime}\t${f.handler}`).join('\n'));
      return model.functions.map((f) => f.logicalId);
    }),
  );
}

export function deactivate(): void {
  // Nothing to release yet.
}
