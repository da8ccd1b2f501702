import * as vscode from 'vscode';
import { isWorkbenchError, TemplateError } from '../../core';
import { EventOptionError, SavedEventError } from '../../core/events';

// How the commands tell the user what went wrong or that they are still working: errors as
// notifications worded as AWS words them, and a progress notification only for slow work.

/** An invocation still running after this long gets a progress notification (a slow cold start). */
const PROGRESS_AFTER_MS = 1000;

/** The error as a notification: AWS's code and message for engine errors. */
export function errorMessage(error: unknown): string {
  if (isWorkbenchError(error)) return `${error.code}: ${error.message}${error.reason ? ` (${error.reason})` : ''}`;
  if (error instanceof TemplateError) return error.message;
  if (error instanceof EventOptionError || error instanceof SavedEventError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The one wording of a failed command's notification: what failed, then the error (AWS's words for engine errors). */
export function reportError(action: string, error: unknown): void {
  void vscode.window.showErrorMessage(`Lambda: ${action} failed — ${errorMessage(error)}`);
}

/** Runs `work`; a notification appears if it takes longer than `delayMs`. */
export async function withDelayedProgress<T>(title: string, work: Promise<T>, delayMs = PROGRESS_AFTER_MS): Promise<T> {
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => work.catch(() => undefined));
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
