import * as vscode from 'vscode';
import type { ExecutionEnvironment, TelemetryEvent } from '../../core';
import type { FunctionTarget } from '../targets';
import {
  environmentDescription,
  environmentIcon,
  environmentLabel,
  environmentStateLabel,
  formatAge,
  initializationLabel,
  type EnvironmentSnapshot,
} from '../viewLabels';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// The Environments view (`lambdaWorkbench.environments`): the live execution environments of every
// engine (one node per engine when there are several), each with its function:version, state
// (initializing with its sub-phase / idle / invoking / shutting down), cold start or provisioned,
// age, invocations served and peak memory. It follows the event stream: WorkbenchHost.onDidChange
// (state changes, invocations) redraws it, and while it is visible the ages tick every second.
//
// An environment leaves the engine's list as soon as it starts shutting down; the view keeps it
// (state "shutting down", from the `workbench.environment` events) until it is terminated.
//
// Environment nodes are FunctionTargets (function name, qualifier = the version) with an
// `environmentId`: "Shut down" (lambdaWorkbench.shutDownEnvironment) receives them.
//
// The Ctx makes the provider and its tree view (ctx.ts); tests reach it through the extension's API
// (`activate`'s return value) as `views.environments`. `getChildren()`
// reads the engines' state on every call: engine nodes (several engines) or environment nodes
// (one engine); `getChildren(engineNode)` → its environments. `node.snapshot` is the data shown.

export const ENVIRONMENTS_CONTEXT = {
  engine: 'lambdaEnvironmentsEngine',
  environment: 'lambdaEnvironment',
  shuttingDown: 'lambdaEnvironmentShuttingDown',
} as const;

/** How long a shutting-down environment stays in the view without a `Terminated` event. */
const SHUTDOWN_GHOST_MS = 30_000;

export function snapshotOf(env: ExecutionEnvironment): EnvironmentSnapshot {
  return {
    id: env.id,
    functionName: env.fn.functionName,
    version: env.version,
    state: env.state,
    initSubPhase: env.state === 'Initializing' ? env.initSubPhase : undefined,
    initializationType: env.initializationType,
    createdAt: env.createdAt,
    invocations: env.invocationCount,
    maxMemoryUsedMb: env.maxMemoryUsedMb,
    memorySizeMb: env.fn.memorySize,
    pid: env.pid,
    inspectorUrl: env.inspectorUrl,
  };
}

export class EnvironmentsEngineNode extends vscode.TreeItem {
  readonly kind = 'engine';
  constructor(
    readonly engine: Engine,
    count: number,
  ) {
    super(engine.label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `${engine.templateFile}\0environments`;
    this.contextValue = ENVIRONMENTS_CONTEXT.engine;
    this.iconPath = new vscode.ThemeIcon('project');
    this.description = `${count} environment${count === 1 ? '' : 's'}`;
    this.tooltip = engine.templateFile;
  }
}

export class EnvironmentNode extends vscode.TreeItem implements FunctionTarget {
  readonly kind = 'environment';
  readonly functionName: string;
  readonly qualifier: string;
  readonly environmentId: string;
  constructor(
    readonly engine: Engine,
    readonly snapshot: EnvironmentSnapshot,
    now = Date.now(),
  ) {
    super(environmentLabel(snapshot), vscode.TreeItemCollapsibleState.None);
    this.functionName = snapshot.functionName;
    this.qualifier = snapshot.version;
    this.environmentId = snapshot.id;
    this.id = `${engine.templateFile}\0env\0${snapshot.id}`;
    const shuttingDown = snapshot.state === 'ShuttingDown' || snapshot.state === 'Terminated';
    this.contextValue = shuttingDown ? ENVIRONMENTS_CONTEXT.shuttingDown : ENVIRONMENTS_CONTEXT.environment;
    const color =
      snapshot.state === 'Invoking'
        ? 'charts.green'
        : shuttingDown
          ? 'disabledForeground'
          : snapshot.initializationType === 'provisioned-concurrency'
            ? 'charts.blue'
            : undefined;
    this.iconPath = new vscode.ThemeIcon(environmentIcon(snapshot.state), color ? new vscode.ThemeColor(color) : undefined);
    this.description = environmentDescription(snapshot, now);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${environmentLabel(snapshot)}** · \`${snapshot.id}\`\n\n`);
    md.appendMarkdown(`State: ${environmentStateLabel(snapshot.state, snapshot.initSubPhase)}  \n`);
    md.appendMarkdown(
      `${initializationLabel(snapshot.initializationType) === 'provisioned' ? 'Provisioned concurrency' : 'On demand (cold start)'}, started ${new Date(snapshot.createdAt).toLocaleTimeString()} (${formatAge(now - snapshot.createdAt)} ago)  \n`,
    );
    md.appendMarkdown(`Invocations served: ${snapshot.invocations}  \n`);
    md.appendMarkdown(`Max memory used: ${snapshot.maxMemoryUsedMb} MB${snapshot.memorySizeMb !== undefined ? ` of ${snapshot.memorySizeMb} MB` : ''}`);
    if (snapshot.pid !== undefined) md.appendMarkdown(`  \nProcess ${snapshot.pid}`);
    if (snapshot.inspectorUrl) md.appendMarkdown(`  \nInspector \`${snapshot.inspectorUrl}\``);
    this.tooltip = md;
  }
}

export type EnvironmentsNode = EnvironmentsEngineNode | EnvironmentNode;

export class EnvironmentsTreeProvider implements vscode.TreeDataProvider<EnvironmentsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EnvironmentsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** Environments shutting down (no longer in the engine's list), by id, until `Terminated`. */
  private readonly shuttingDown = new Map<string, { engine: Engine; snapshot: EnvironmentSnapshot; since: number }>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly host: WorkbenchHost) {
    this.disposables.push(
      host.onDidChange(() => this.refresh()),
      host.onTelemetry(({ engine, event }) => this.onTelemetry(engine, event)),
    );
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Ages tick while the view is visible and shows environments. */
  setTicking(on: boolean): void {
    if (on && !this.ticker) {
      this.ticker = setInterval(() => {
        if (this.host.engines().some((e) => e.workbench.liveEnvironments().length > 0) || this.shuttingDown.size > 0) this.refresh();
      }, 1000);
    } else if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private onTelemetry(engine: Engine, event: TelemetryEvent): void {
    if (event.type !== 'workbench.environment' || !event.environmentId) return;
    const state = (event.record as { state: string }).state;
    if (state === 'ShuttingDown' && !this.shuttingDown.has(event.environmentId)) {
      // Emitted before the pool lets go of it: the environment is still in the engine's list here.
      const env = engine.workbench.liveEnvironments().find((e) => e.id === event.environmentId);
      if (env) this.shuttingDown.set(env.id, { engine, snapshot: { ...snapshotOf(env), state: 'ShuttingDown', initSubPhase: undefined }, since: Date.now() });
    } else if (state === 'Terminated') {
      this.shuttingDown.delete(event.environmentId);
    }
  }

  /** What the view shows of one engine: its live environments, then those shutting down. */
  snapshots(engine: Engine): EnvironmentSnapshot[] {
    const live = engine.workbench.liveEnvironments().map(snapshotOf);
    const ids = new Set(live.map((e) => e.id));
    const now = Date.now();
    const leaving: EnvironmentSnapshot[] = [];
    for (const [id, ghost] of this.shuttingDown) {
      if (now - ghost.since > SHUTDOWN_GHOST_MS || !this.host.engines().includes(ghost.engine)) {
        this.shuttingDown.delete(id);
      } else if (ghost.engine === engine && !ids.has(id)) {
        leaving.push(ghost.snapshot);
      }
    }
    const byFunction = (a: EnvironmentSnapshot, b: EnvironmentSnapshot) =>
      a.functionName.localeCompare(b.functionName) || a.version.localeCompare(b.version) || a.createdAt - b.createdAt;
    return [...live.sort(byFunction), ...leaving.sort(byFunction)];
  }

  getTreeItem(node: EnvironmentsNode): vscode.TreeItem {
    return node;
  }

  getParent(node: EnvironmentsNode): EnvironmentsNode | undefined {
    if (node instanceof EnvironmentNode && this.host.engines().length > 1) return new EnvironmentsEngineNode(node.engine, this.snapshots(node.engine).length);
    return undefined;
  }

  getChildren(node?: EnvironmentsNode): EnvironmentsNode[] {
    const now = Date.now();
    if (!node) {
      const engines = this.host.engines();
      if (engines.length === 1) return this.snapshots(engines[0]).map((s) => new EnvironmentNode(engines[0], s, now));
      return engines.map((engine) => new EnvironmentsEngineNode(engine, this.snapshots(engine).length));
    }
    if (node instanceof EnvironmentsEngineNode) return this.snapshots(node.engine).map((s) => new EnvironmentNode(node.engine, s, now));
    return [];
  }

  dispose(): void {
    this.setTicking(false);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
