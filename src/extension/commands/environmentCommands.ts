import * as vscode from 'vscode';
import { isFunctionTarget } from '../targets';
import { environmentDescription, environmentLabel } from '../viewLabels';
import type { Commands, Ctx } from '../ctx';
import { type EnvironmentsTreeProvider, snapshotOf } from '../views/environmentsView';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { FunctionResolver } from './functionResolver';

// Shutting execution environments down by hand: one (a node of the Environments view, an id, or a
// pick) or all of them (every engine's, one engine's, or one function's). The next invocation then
// starts cold, which is what one does this for.

export class EnvironmentCommands {
  constructor(
    private readonly host: WorkbenchHost,
    private readonly functions: FunctionResolver,
    private readonly environmentsView: EnvironmentsTreeProvider,
  ) {}

  async shutDownEnvironment(target?: unknown): Promise<boolean | undefined> {
    await this.host.start();
    let id: string | undefined;
    if (typeof target === 'string') id = target;
    else if (typeof target === 'object' && target !== null && typeof (target as { environmentId?: unknown }).environmentId === 'string') {
      id = (target as { environmentId: string }).environmentId;
    }
    const all = this.host.engines().flatMap((engine) => engine.workbench.liveEnvironments().map((env) => ({ engine, env })));
    if (id === undefined) {
      if (all.length === 0) {
        void vscode.window.showInformationMessage('Lambda: no execution environment is running.');
        return undefined;
      }
      const multi = this.host.engines().length > 1;
      const picked = await vscode.window.showQuickPick(
        all.map(({ engine, env }) => {
          const snapshot = snapshotOf(env);
          return {
            label: environmentLabel(snapshot),
            description: environmentDescription(snapshot),
            detail: `${env.id}${multi ? ` · ${engine.label}` : ''}`,
            id: env.id,
          };
        }),
        { placeHolder: 'Shut down which environment?' },
      );
      if (!picked) return undefined;
      id = picked.id;
    }
    const found = all.find(({ env }) => env.id === id);
    if (!found) {
      this.environmentsView.refresh();
      return false;
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Shutting down ${environmentLabel(snapshotOf(found.env))} (${found.env.id})` },
      () => found.env.shutdown(),
    );
    this.environmentsView.refresh();
    return true;
  }

  async shutDownAllEnvironments(target?: unknown): Promise<number> {
    await this.host.start();
    let engines = this.host.engines();
    let functionName: string | undefined;
    if (isFunctionTarget(target)) {
      engines = [this.functions.current(target.engine)];
      functionName = target.engine.workbench.getFunction(target.functionName)?.functionName ?? target.functionName;
    } else if (typeof target === 'object' && target !== null && 'engine' in target) {
      engines = [this.functions.current((target as { engine: Engine }).engine)];
    }
    const count = engines.reduce((n, e) => n + e.workbench.liveEnvironments().filter((env) => !functionName || env.fn.functionName === functionName).length, 0);
    if (count === 0) return 0;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Shutting down ${count} environment${count === 1 ? '' : 's'}…` },
      () => Promise.all(engines.map((e) => e.workbench.shutdownEnvironments(functionName))),
    );
    this.environmentsView.refresh();
    return count;
  }
}

// EnvironmentCommands keeps no state of its own: one is made per run, on the Ctx's host and view.
const environmentsOf = (ctx: Ctx) => new EnvironmentCommands(ctx.host, new FunctionResolver(ctx.host), ctx.views.environments);

/** Documented with the function commands (functionCommands.ts). */
export const environmentCommands: Commands = {
  shutDownEnvironment: { action: 'Shut down environment', make: (ctx) => (target?: unknown) => environmentsOf(ctx).shutDownEnvironment(target) },
  shutDownAllEnvironments: { action: 'Shut down environments', make: (ctx) => (target?: unknown) => environmentsOf(ctx).shutDownAllEnvironments(target) },
};
