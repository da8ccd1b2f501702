import * as vscode from 'vscode';
import type { BuildRecord, TelemetryEvent } from '../core';

// A function's build (as `sam build` would do it: esbuild, npm, pip…) as VS Code shows it: a progress
// notification named after the function while it runs, with the builder's progress lines, and an
// error notification when it fails (the diagnostics with file:line:column are in the "Lambda"
// output channel). Builds run while an engine opens and on hot reload.

export class BuildProgress implements vscode.Disposable {
  private readonly running = new Map<string, { report(message: string): void; done(): void }>();

  constructor(private readonly output: vscode.OutputChannel) {}

  /** One `workbench.build` event of an engine. */
  update(event: TelemetryEvent): void {
    if (event.type !== 'workbench.build') return;
    const build = event.record as BuildRecord;
    const key = build.functionName;
    switch (build.status) {
      case 'started':
        this.running.get(key)?.done();
        this.running.set(key, this.start(build));
        break;
      case 'progress':
        this.running.get(key)?.report(build.message ?? '');
        break;
      case 'failed': {
        this.finish(key);
        const firstLine = (build.message ?? '').split('\n')[0];
        void vscode.window.showErrorMessage(`Lambda: the build of ${build.functionName} failed — ${firstLine}`, 'Show Output').then((choice) => {
          if (choice) this.output.show(true);
        });
        break;
      }
      default:
        this.finish(key);
    }
  }

  dispose(): void {
    for (const key of [...this.running.keys()]) this.finish(key);
  }

  private start(build: BuildRecord): { report(message: string): void; done(): void } {
    let report: (message: string) => void = () => undefined;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Lambda: building ${build.functionName} (${build.builder})` },
      (progress) => {
        report = (message) => progress.report({ message });
        return finished;
      },
    );
    return { report: (message) => report(message), done: () => done() };
  }

  private finish(key: string): void {
    this.running.get(key)?.done();
    this.running.delete(key);
  }
}
