import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SavedEvent } from '../../core/events';
import { eventsDirOf, savedEventTree, sampleGroups, type SampleEntry, type SampleGroup } from '../eventsModel';
import type { EventTarget } from '../targets';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// The Events view (`lambdaWorkbench.events`): the sample events of the generate-event catalog by
// service, and each engine's saved events (`events/*.json` and `events/<Function>/*.json` next to
// its template, re-read when files there change). Sample and saved-event nodes are EventTargets
// (`sample` / `savedFile`, plus `engine` for saved ones), so the context-menu commands
// (replay, open, save as, generate) receive them as their first argument.
//
// The Ctx makes the provider and its tree view (ctx.ts); tests reach it through the extension's API
// (`activate`'s return value) as `views.events`. `await provider.getChildren()` gives the root
// nodes (`{ kind: 'samples' }`, then one `{ kind: 'savedRoot', engine }` per engine); `getChildren(node)` their children; nodes are plain
// objects (see EventNode), `getTreeItem(node)` the TreeItem VS Code shows (label, description,
// contextValue). Saved events are read from disk on every getChildren call, so a file written by a
// test is visible at once; `onDidChangeTreeData` fires when the watcher sees it.

export type EventNode =
  | { kind: 'samples' }
  | { kind: 'sampleGroup'; group: SampleGroup }
  | { kind: 'sample'; sample: { service: string; type: string }; entry: SampleEntry }
  | { kind: 'savedRoot'; engine: Engine; eventsDir: string }
  | { kind: 'savedFolder'; engine: Engine; eventsDir: string; function: string; events: SavedEvent[] }
  | { kind: 'saved'; engine: Engine; savedFile: string; event: SavedEvent }
  | { kind: 'message'; engine?: Engine; label: string };

/** contextValues of the nodes (package.json's menus use them). */
export const EVENT_CONTEXT = {
  samples: 'lambdaWorkbench.samples',
  sampleGroup: 'lambdaWorkbench.sampleGroup',
  sample: 'lambdaWorkbench.sampleEvent',
  savedRoot: 'lambdaWorkbench.savedEvents',
  savedFolder: 'lambdaWorkbench.savedEventsFolder',
  saved: 'lambdaWorkbench.savedEvent',
} as const;

export class EventsTreeProvider implements vscode.TreeDataProvider<EventNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EventNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly watchers = new Map<string, vscode.FileSystemWatcher>();
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private engineKey = '';
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: WorkbenchHost) {
    // onDidChange fires on every engine event; only a change of the engines matters here.
    this.disposables.push(host.onDidChange(() => this.syncEngines()));
    this.syncEngines();
  }

  /** Re-reads everything (debounced to one refresh per 100 ms). */
  refresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changeEmitter.fire(undefined);
    }, 100);
  }

  getTreeItem(node: EventNode): vscode.TreeItem {
    switch (node.kind) {
      case 'samples': {
        const item = new vscode.TreeItem('Sample events', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'samples';
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        item.tooltip = "Events in AWS's shapes, generated (lambda-workbench generate-event)";
        item.contextValue = EVENT_CONTEXT.samples;
        return item;
      }
      case 'sampleGroup': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `samples/${node.group.id}`;
        item.iconPath = new vscode.ThemeIcon(node.group.icon);
        item.description = `${node.group.samples.length}`;
        item.contextValue = EVENT_CONTEXT.sampleGroup;
        return item;
      }
      case 'sample': {
        const item = new vscode.TreeItem(node.entry.label, vscode.TreeItemCollapsibleState.None);
        item.id = `samples/${node.entry.id}`;
        item.description = node.entry.id;
        item.tooltip = new vscode.MarkdownString(`${node.entry.description}\n\n\`generate-event ${node.sample.service} ${node.sample.type}\``);
        item.iconPath = new vscode.ThemeIcon('json');
        item.contextValue = EVENT_CONTEXT.sample;
        item.command = { command: 'lambdaWorkbench.openEvent', title: 'Open Event', arguments: [node] };
        return item;
      }
      case 'savedRoot': {
        const single = this.host.engines().length <= 1;
        const item = new vscode.TreeItem(single ? 'Saved events' : `Saved events — ${node.engine.label}`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `saved:${node.engine.templateFile}`;
        item.description = path.relative(node.engine.folder.uri.fsPath, node.eventsDir) || node.eventsDir;
        item.tooltip = node.eventsDir;
        item.iconPath = new vscode.ThemeIcon('save-all');
        item.contextValue = EVENT_CONTEXT.savedRoot;
        return item;
      }
      case 'savedFolder': {
        const item = new vscode.TreeItem(node.function, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `saved:${node.engine.templateFile}/${node.function}`;
        item.description = `${node.events.length}`;
        item.tooltip = `${path.join(node.eventsDir, node.function)}: events of ${node.function} only`;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.resourceUri = vscode.Uri.file(path.join(node.eventsDir, node.function));
        item.contextValue = EVENT_CONTEXT.savedFolder;
        return item;
      }
      case 'saved': {
        const item = new vscode.TreeItem(node.event.name, vscode.TreeItemCollapsibleState.None);
        item.id = `saved:${node.savedFile}`;
        item.resourceUri = vscode.Uri.file(node.savedFile);
        item.iconPath = vscode.ThemeIcon.File;
        item.tooltip = node.savedFile;
        item.contextValue = EVENT_CONTEXT.saved;
        item.command = { command: 'lambdaWorkbench.openEvent', title: 'Open Event', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  async getChildren(node?: EventNode): Promise<EventNode[]> {
    if (!node) {
      await this.host.start();
      const roots: EventNode[] = [{ kind: 'samples' }];
      for (const engine of this.host.engines()) roots.push({ kind: 'savedRoot', engine, eventsDir: eventsDirOf(engine.templateFile) });
      return roots;
    }
    switch (node.kind) {
      case 'samples':
        return sampleGroups().map((group) => ({ kind: 'sampleGroup', group }));
      case 'sampleGroup':
        return node.group.samples.map((entry) => ({ kind: 'sample', sample: { service: entry.service, type: entry.type }, entry }));
      case 'savedRoot': {
        const tree = savedEventTree(node.eventsDir);
        const children: EventNode[] = [
          ...tree.functions.map((f): EventNode => ({
            kind: 'savedFolder',
            engine: node.engine,
            eventsDir: node.eventsDir,
            function: f.function,
            events: f.events,
          })),
          ...tree.shared.map((event): EventNode => ({ kind: 'saved', engine: node.engine, savedFile: event.file, event })),
        ];
        if (children.length === 0) children.push({ kind: 'message', engine: node.engine, label: 'No saved events yet: "Save As…" on a sample' });
        return children;
      }
      case 'savedFolder':
        return node.events.map((event) => ({ kind: 'saved', engine: node.engine, savedFile: event.file, event }));
      default:
        return [];
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** One watcher per engine's events folder (created when the engines change); a change refreshes the tree. */
  private syncEngines(): void {
    const engines = this.host.engines();
    const key = engines.map((e) => e.templateFile).join('\n');
    if (key === this.engineKey) return;
    this.engineKey = key;
    const wanted = new Set(engines.map((e) => path.dirname(e.templateFile)));
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.dispose();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      // Based at the template's directory, so that an events/ folder created later is seen too.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '{events,events/**}'));
      watcher.onDidCreate(() => this.refresh());
      watcher.onDidChange(() => this.refresh());
      watcher.onDidDelete(() => this.refresh());
      this.watchers.set(dir, watcher);
    }
    this.refresh();
  }
}

/** An Events view node that is an event (sample or saved), as the commands take it. */
export function eventTargetOf(node: EventNode): EventTarget | undefined {
  if (node.kind === 'sample') return { sample: node.sample };
  if (node.kind === 'saved') return { engine: node.engine, savedFile: node.savedFile };
  return undefined;
}
