import * as vscode from 'vscode';
import { settingsFor } from '../config';
import type { WorkbenchHost } from '../workbenchHost';
import {
  PROBLEM_MATCHER,
  providedServeDefinition,
  serveArgs,
  serveDefinitionProblems,
  serveTaskName,
  TASK_SOURCE,
  TASK_TYPE,
  type ServeDefaults,
  type ServeTaskDefinition,
} from './serveTaskDefinition';

// Tasks of type `lambda-workbench` (`lambda-workbench serve` as a background task, e.g. a launch
// configuration's preLaunchTask): one provided task per template the host has open, and tasks.json
// entries resolved. The task runs the extension's own bundled CLI (dist/cli.js) with the Node that
// runs the extension host — Electron in the desktop host, hence ELECTRON_RUN_AS_NODE — in the
// workspace folder. Its problem matcher ($lambda-workbench-serve, package.json) is a background one:
// the task is "ready" once serve prints `Lambda API listening on …`; the template errors serve
// prints before it exits become problems.
//
// The task is a process of its own beside the extension's engine on the same template: they share
// the state directory (versions and aliases are files both read), but the LevelDB store (queues,
// streams, asynchronous invocation) is held by whichever opened it first.

export class ServeTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: WorkbenchHost,
  ) {}

  /** One `serve` task per template the host has open (engines that failed to open have none). */
  async provideTasks(): Promise<vscode.Task[]> {
    await this.host.start();
    return this.host.engines().map((engine) => {
      const definition = providedServeDefinition(engine.folder.uri.fsPath, engine.templateFile);
      return this.serveTask(definition, engine.folder, serveTaskName(definition));
    });
  }

  /** A tasks.json entry of type `lambda-workbench`: its execution from its definition. */
  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as ServeTaskDefinition;
    const problems = serveDefinitionProblems(definition as unknown as Record<string, unknown>);
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (problems.length > 0 || !folder) {
      this.host.output.appendLine(
        `WARNING Task "${task.name}" (${TASK_TYPE}) cannot run: ${problems.length > 0 ? problems.join('; ') : 'no workspace folder'}`,
      );
      return undefined;
    }
    // The definition object must be the task's own (VS Code matches resolved tasks by it).
    return this.serveTask(definition, folder, task.name);
  }

  private serveTask(definition: ServeTaskDefinition, folder: vscode.WorkspaceFolder, name: string): vscode.Task {
    const execution = new vscode.ProcessExecution(process.execPath, serveArgs(this.context.asAbsolutePath('dist/cli.js'), definition, this.defaults(folder)), {
      cwd: folder.uri.fsPath,
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    const task = new vscode.Task(definition, folder, name, TASK_SOURCE, execution, PROBLEM_MATCHER);
    task.isBackground = true;
    task.detail = 'Local Lambda API (lambda-workbench serve)';
    return task;
  }

  /** The extension's settings serve would otherwise not know: the region, and where `node` is. */
  private defaults(folder: vscode.WorkspaceFolder): ServeDefaults {
    const settings = settingsFor(folder.uri);
    return { region: settings.region || undefined, nodePath: settings.nodePath };
  }
}
