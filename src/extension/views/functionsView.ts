import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config';
import { type AliasRecord, describeSummary, type MetricsRecorder, type VersionRecord } from '../../core';
import type { FunctionTarget } from '../targets';
import { aliasLabel, aliasRouting, configDescription, runtimeIcon } from '../viewLabels';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// The Functions view (`lambdaWorkbench.functions`): one node per engine when there are several,
// then each function of the template → `$LATEST`, Versions (1, 2, …) and Aliases (`prod → 3`,
// `prod → 3 (90%) / 4 (10%)`), with runtime, memory and timeout as descriptions.
//
// Function, `$LATEST`, version and alias nodes are FunctionTargets (targets.ts): context-menu
// commands receive them. Groups (Versions, Aliases) carry `engine` and `functionName` too, so
// "Publish version" and "Create alias" work on them.
//
// The Ctx makes the provider and its tree view (ctx.ts); tests reach it through the extension's API
// (`activate`'s return value) as `views.functions`. `getChildren()` reads the engines'
// state on every call (no cache), so it can be called directly: `getChildren()` → engine nodes
// (several engines) or function nodes (one engine); `getChildren(functionNode)` → [$LATEST,
// Versions, Aliases]; `getChildren(versionsNode)` / `getChildren(aliasesNode)` → their entries.
// Nodes are vscode.TreeItems: `label`, `description`, `contextValue`, `iconPath` are set.

/** The `viewItem` context values of this view's nodes (package.json `when` clauses use them). */
export const FUNCTIONS_CONTEXT = {
  engine: 'lambdaEngine',
  function: 'lambdaFunction',
  latest: 'lambdaLatest',
  versions: 'lambdaVersions',
  version: 'lambdaVersion',
  aliases: 'lambdaAliases',
  alias: 'lambdaAlias',
  message: 'lambdaMessage',
} as const;

function id(engine: Engine, ...parts: string[]): string {
  return [engine.templateFile, ...parts].join('\0');
}

export class EngineNode extends vscode.TreeItem {
  readonly kind = 'engine';
  constructor(readonly engine: Engine) {
    super(engine.label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = id(engine, 'engine');
    this.contextValue = FUNCTIONS_CONTEXT.engine;
    this.iconPath = new vscode.ThemeIcon('project');
    this.description = path.relative(engine.folder.uri.fsPath, engine.templateFile);
    this.tooltip = engine.templateFile;
  }
}

export class FunctionNode extends vscode.TreeItem implements FunctionTarget {
  readonly kind = 'function';
  readonly qualifier: string | undefined = undefined;
  readonly functionName: string;
  constructor(
    readonly engine: Engine,
    readonly definition: FunctionDefinition,
  ) {
    super(definition.functionName, vscode.TreeItemCollapsibleState.Collapsed);
    this.functionName = definition.functionName;
    this.id = id(engine, 'fn', definition.functionName);
    this.contextValue = FUNCTIONS_CONTEXT.function;
    this.iconPath = new vscode.ThemeIcon(runtimeIcon(definition.runtime));
    this.description = configDescription(definition);
  }
}

export class LatestNode extends vscode.TreeItem implements FunctionTarget {
  readonly kind = 'latest';
  readonly qualifier = '$LATEST';
  readonly functionName: string;
  constructor(
    readonly engine: Engine,
    readonly definition: FunctionDefinition,
  ) {
    super('$LATEST', vscode.TreeItemCollapsibleState.None);
    this.functionName = definition.functionName;
    this.id = id(engine, 'fn', definition.functionName, '$LATEST');
    this.contextValue = FUNCTIONS_CONTEXT.latest;
    this.iconPath = new vscode.ThemeIcon('edit');
    this.description = configDescription(definition);
    this.tooltip = `${definition.functionName}:$LATEST — the template's code (${path.relative(path.dirname(engine.templateFile), definition.codeUri) || '.'}), reloaded when it changes`;
  }
}

export class VersionsNode extends vscode.TreeItem {
  readonly kind = 'versions';
  constructor(
    readonly engine: Engine,
    readonly functionName: string,
    readonly versions: VersionRecord[],
    readonly aliases: AliasRecord[],
  ) {
    super('Versions', versions.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = id(engine, 'fn', functionName, 'versions');
    this.contextValue = FUNCTIONS_CONTEXT.versions;
    this.iconPath = new vscode.ThemeIcon('versions');
    this.description = versions.length > 0 ? String(versions.length) : 'none published';
  }
}

export class VersionNode extends vscode.TreeItem implements FunctionTarget {
  readonly kind = 'version';
  readonly qualifier: string;
  constructor(
    readonly engine: Engine,
    readonly functionName: string,
    readonly record: VersionRecord,
    aliases: AliasRecord[],
  ) {
    super(record.version, vscode.TreeItemCollapsibleState.None);
    this.qualifier = record.version;
    this.id = id(engine, 'fn', functionName, 'version', record.version);
    this.contextValue = FUNCTIONS_CONTEXT.version;
    this.iconPath = new vscode.ThemeIcon('git-commit');
    const pointing = aliases
      .filter((a) => a.functionVersion === record.version || Object.hasOwn(a.additionalVersionWeights ?? {}, record.version))
      .map((a) => a.name);
    this.description = [configDescription(record.config), record.description, pointing.length > 0 ? pointing.join(', ') : ''].filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${functionName}:${record.version}**\n\n`);
    if (record.description) tooltip.appendText(`${record.description}\n\n`);
    tooltip.appendMarkdown(`Published ${record.lastModified}  \n`);
    tooltip.appendMarkdown(`Handler \`${record.config.handler}\` · ${configDescription(record.config)}  \n`);
    tooltip.appendMarkdown(`CodeSha256 \`${record.codeSha256}\` · ${record.codeSize} bytes`);
    if (pointing.length > 0) tooltip.appendMarkdown(`  \nAliases: ${pointing.join(', ')}`);
    this.tooltip = tooltip;
  }
}

export class AliasesNode extends vscode.TreeItem {
  readonly kind = 'aliases';
  constructor(
    readonly engine: Engine,
    readonly functionName: string,
    readonly aliases: AliasRecord[],
  ) {
    super('Aliases', aliases.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = id(engine, 'fn', functionName, 'aliases');
    this.contextValue = FUNCTIONS_CONTEXT.aliases;
    this.iconPath = new vscode.ThemeIcon('tag');
    this.description = aliases.length > 0 ? String(aliases.length) : 'none';
  }
}

export class AliasNode extends vscode.TreeItem implements FunctionTarget {
  readonly kind = 'alias';
  readonly qualifier: string;
  constructor(
    readonly engine: Engine,
    readonly functionName: string,
    readonly alias: AliasRecord,
  ) {
    super(aliasLabel(alias.name, alias.functionVersion, alias.additionalVersionWeights), vscode.TreeItemCollapsibleState.None);
    this.qualifier = alias.name;
    this.id = id(engine, 'fn', functionName, 'alias', alias.name);
    this.contextValue = FUNCTIONS_CONTEXT.alias;
    this.iconPath = new vscode.ThemeIcon('tag');
    this.description = alias.description || undefined;
    this.tooltip = `${functionName}:${alias.name} → ${aliasRouting(alias.functionVersion, alias.additionalVersionWeights)}${alias.description ? `\n${alias.description}` : ''}`;
  }
}

/** A line of text (an error reading versions, no function in the template). */
export class MessageNode extends vscode.TreeItem {
  readonly kind = 'message';
  constructor(message: string, icon = 'info') {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.contextValue = FUNCTIONS_CONTEXT.message;
    this.iconPath = new vscode.ThemeIcon(icon);
  }
}

export type FunctionsNode = EngineNode | FunctionNode | LatestNode | VersionsNode | VersionNode | AliasesNode | AliasNode | MessageNode;

export class FunctionsTreeProvider implements vscode.TreeDataProvider<FunctionsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<FunctionsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** State-directory watchers per engine (versions and aliases written by the CLI or `serve`). */
  private readonly watchers = new Map<string, vscode.Disposable>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private knownEngines: Engine[] = [];

  /** `metricsOf`: the timeline's recorder of an engine (tooltips show its numbers). */
  constructor(
    private readonly host: WorkbenchHost,
    private readonly metricsOf: (engine: Engine) => MetricsRecorder,
  ) {
    this.disposables.push(
      host.onDidChange(() => {
        // Engines opened, closed or restarted: redraw. Other changes (invocations) do not touch this view.
        const engines = host.engines();
        if (engines.length !== this.knownEngines.length || engines.some((e, i) => e !== this.knownEngines[i])) {
          this.knownEngines = engines;
          this.syncWatchers();
          this.refresh();
        }
      }),
      host.onTelemetry(({ event }) => {
        if (event.type === 'workbench.reload') this.refreshSoon();
      }),
    );
  }

  /** Redraws the whole view (after publishing, alias changes, reloads). */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.changeEmitter.fire(undefined);
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => this.refresh(), 200);
  }

  getTreeItem(node: FunctionsNode): vscode.TreeItem {
    return node;
  }

  /** Function tooltips are built when shown, so they carry current metrics. */
  resolveTreeItem(item: vscode.TreeItem, node: FunctionsNode): vscode.TreeItem {
    if (node instanceof FunctionNode) {
      item.tooltip = functionTooltip(node.engine, node.engine.workbench.getFunction(node.functionName) ?? node.definition, this.metricsOf(node.engine));
    }
    return item;
  }

  getParent(node: FunctionsNode): FunctionsNode | undefined {
    if (node instanceof FunctionNode) return this.host.engines().length > 1 ? new EngineNode(node.engine) : undefined;
    if (node instanceof LatestNode || node instanceof VersionsNode || node instanceof AliasesNode) {
      const fn = node.engine.workbench.getFunction(node.functionName);
      return fn && new FunctionNode(node.engine, fn);
    }
    return undefined;
  }

  async getChildren(node?: FunctionsNode): Promise<FunctionsNode[]> {
    if (!node) {
      const engines = this.host.engines();
      if (engines.length === 1) return this.functionNodes(engines[0]);
      return engines.map((engine) => new EngineNode(engine));
    }
    if (node instanceof EngineNode) return this.functionNodes(node.engine);
    if (node instanceof FunctionNode) {
      const fn = node.engine.workbench.getFunction(node.functionName) ?? node.definition;
      try {
        const store = node.engine.workbench.versions.store;
        const [versions, aliases] = await Promise.all([store.listVersions(fn.functionName), store.listAliases(fn.functionName)]);
        return [
          new LatestNode(node.engine, fn),
          new VersionsNode(node.engine, fn.functionName, versions, aliases),
          new AliasesNode(node.engine, fn.functionName, aliases),
        ];
      } catch (error) {
        return [new LatestNode(node.engine, fn), new MessageNode(`Cannot read versions: ${(error as Error).message}`, 'warning')];
      }
    }
    if (node instanceof VersionsNode) {
      const versions = await this.read(() => node.engine.workbench.versions.store.listVersions(node.functionName));
      const aliases = await this.read(() => node.engine.workbench.versions.store.listAliases(node.functionName));
      if (versions instanceof MessageNode) return [versions];
      const aliasList = aliases instanceof MessageNode ? [] : aliases;
      return versions.map((record) => new VersionNode(node.engine, node.functionName, record, aliasList));
    }
    if (node instanceof AliasesNode) {
      const aliases = await this.read(() => node.engine.workbench.versions.store.listAliases(node.functionName));
      if (aliases instanceof MessageNode) return [aliases];
      return aliases.map((alias) => new AliasNode(node.engine, node.functionName, alias));
    }
    return [];
  }

  private async read<T>(load: () => Promise<T>): Promise<T | MessageNode> {
    try {
      return await load();
    } catch (error) {
      return new MessageNode((error as Error).message, 'warning');
    }
  }

  private functionNodes(engine: Engine): FunctionsNode[] {
    const functions = engine.workbench.functions();
    if (functions.length === 0) return [new MessageNode('The template declares no function')];
    return functions.map((fn) => new FunctionNode(engine, fn));
  }

  /** Watches each engine's versions and aliases on disk, so a `lambda-workbench publish` or `alias` in a terminal shows up. */
  private syncWatchers(): void {
    const wanted = new Map(this.host.engines().map((e) => [e.workbench.stateDir, e] as const));
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.dispose();
        this.watchers.delete(dir);
      }
    }
    for (const [dir] of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), 'functions/*/{versions,aliases}/*.json'));
        const changed = () => this.refreshSoon();
        watcher.onDidCreate(changed);
        watcher.onDidChange(changed);
        watcher.onDidDelete(changed);
        this.watchers.set(dir, watcher);
      } catch {
        // Watching is a convenience: the refresh command re-reads everything.
      }
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** A function's tooltip: its configuration, live environments, and Lambda's metrics (src/core/metrics). */
export function functionTooltip(engine: Engine, fn: FunctionDefinition, metrics: MetricsRecorder): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const rel = (p: string) => path.relative(path.dirname(engine.templateFile), p) || '.';
  md.appendMarkdown(`**${fn.functionName}**${fn.logicalId !== fn.functionName ? ` (${fn.logicalId})` : ''}\n\n`);
  if (fn.description) md.appendText(`${fn.description}\n\n`);
  md.appendMarkdown(`Handler \`${fn.handler}\` in \`${rel(fn.codeUri)}\`  \n`);
  md.appendMarkdown(`${fn.runtime} · ${fn.architectures.join(', ') || 'x86_64'} · ${fn.memorySize} MB · timeout ${fn.timeout} s`);
  const extra: string[] = [];
  if (fn.reservedConcurrentExecutions !== undefined) extra.push(`reserved concurrency ${fn.reservedConcurrentExecutions}`);
  if (fn.provisionedConcurrency !== undefined) extra.push(`provisioned concurrency ${fn.provisionedConcurrency}`);
  if (fn.autoPublishAlias) extra.push(`AutoPublishAlias ${fn.autoPublishAlias}`);
  if (extra.length > 0) md.appendMarkdown(`  \n${extra.join(' · ')}`);
  if (fn.layers.length > 0) md.appendMarkdown(`  \nLayers: ${fn.layers.map((l) => l.logicalId ?? l.arn ?? '?').join(', ')}`);
  if (fn.events.length > 0) md.appendMarkdown(`  \nEvents: ${fn.events.map((e) => `${e.name} (${e.type})`).join(', ')}`);
  const live = engine.workbench.environments().filter((e) => e.functionName === fn.functionName);
  if (live.length > 0) md.appendMarkdown(`  \n${live.length} environment${live.length === 1 ? '' : 's'} running`);
  // Lambda's metrics as the timeline's recorder computed them (last 15 minutes), once there are any.
  try {
    const summary = metrics.summary(fn.functionName);
    if (summary.invocations > 0 || summary.throttles > 0 || summary.asyncEventsReceived > 0) {
      md.appendMarkdown('\n\n---\n\n');
      md.appendText(describeSummary(summary).join('\n'));
    }
  } catch {
    // Metrics are optional in a tooltip.
  }
  return md;
}
