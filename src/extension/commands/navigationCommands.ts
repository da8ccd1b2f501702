import * as vscode from 'vscode';
import { resolveHandlerSource } from '../../core/handlers';
import type { FunctionResolver } from './functionResolver';

// From a function to its text: the handler's source (the engine's lookup, core/handlers/) or the
// function's resource in the template.

export class NavigationCommands {
  constructor(private readonly functions: FunctionResolver) {}

  async openHandler(target?: unknown): Promise<string | undefined> {
    const resolved = await this.functions.resolve(target);
    if (!resolved) return undefined;
    // Always the template's code ($LATEST): a published version's code is a read-only snapshot.
    const fn = resolved.fn;
    const location = resolveHandlerSource(fn);
    if (!location) {
      void vscode.window.showWarningMessage(`Lambda: cannot find the handler ${fn.handler} of ${fn.functionName} in ${fn.codeUri} (${fn.runtime}).`);
      return undefined;
    }
    const position = new vscode.Position(Math.max(0, (location.line ?? 1) - 1), Math.max(0, (location.column ?? 1) - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection: new vscode.Range(position, position), preview: false });
    return location.file;
  }

  async openInTemplate(target?: unknown): Promise<{ file: string; line: number; column: number } | undefined> {
    const resolved = await this.functions.resolve(target);
    if (!resolved) return undefined;
    const { file, line, column } = resolved.fn.position;
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: false });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { file, line, column };
  }
}
