import * as vscode from 'vscode';
import type { InvocationResult } from '../core';

// An invocation's result opens in an editor as JSON (a new untitled document each time, so
// results can be compared side by side); a function error is said in a notification and its
// errorType / errorMessage lines are highlighted.

const errorDecoration = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
  isWholeLine: true,
  overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
  overviewRulerLane: vscode.OverviewRulerLane.Right,
});

/** Pretty JSON when the payload is JSON, the raw text otherwise. */
export function payloadText(payload: Buffer): { text: string; json: boolean } {
  const raw = payload.toString('utf8');
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), json: true };
  } catch {
    return { text: raw, json: false };
  }
}

export async function showInvocationResult(result: InvocationResult, title: string): Promise<vscode.TextEditor> {
  const { text, json } = payloadText(result.payload);
  const document = await vscode.workspace.openTextDocument({ content: text, language: json ? 'json' : 'plaintext' });
  const editor = await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  const timing = `${result.coldStart ? 'cold' : 'warm'}, ${result.durationMs.toFixed(1)} ms${result.initDurationMs !== undefined ? ` + init ${result.initDurationMs.toFixed(1)} ms` : ''}`;
  if (result.functionError) {
    const lines: vscode.Range[] = [];
    for (let i = 0; i < document.lineCount; i++) {
      if (/"(errorType|errorMessage)"/.test(document.lineAt(i).text)) lines.push(document.lineAt(i).range);
    }
    editor.setDecorations(errorDecoration, lines.length > 0 ? lines : [document.lineAt(0).range]);
    void vscode.window.showErrorMessage(`${title} failed: ${result.errorType ?? 'Unhandled'} (${timing}, request ${result.requestId})`);
  } else {
    void vscode.window.setStatusBarMessage(`$(check) ${title}: ${result.executedVersion}, ${timing}`, 8000);
  }
  return editor;
}
