import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { FunctionDefinition, TemplateModel } from '../config/types';
import type { PlatformRecords } from '../telemetry/events';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';

// Hot reload of $LATEST: watches what a template's functions are made of (the template file, every
// code directory, every layer's content) and says which functions changed. Retiring their
// environments is the engine's business (Workbench); this module only watches and compares.

export interface HotReloadChange {
  /** The template file was written (its content may still be what it was). */
  templateChanged: boolean;
  /** Absolute paths changed under code and layer directories (the template file excluded), sorted. */
  paths: string[];
}

/**
 * One function whose $LATEST environments run superseded code or configuration (the record of the
 * `workbench.reload` event). `paths`: the template file for `template`, else the changed files under
 * the function's code or layer directories.
 */
export type FunctionReload = PlatformRecords['workbench.reload'];
export type ReloadReason = FunctionReload['reason'];

export interface HotReloadOptions {
  /**
   * Called with the changes collected during one debounce window, one call at a time. Returning
   * false means "not applied" (e.g. the template has errors): the change is delivered again,
   * merged with the next one.
   */
  onChange: (change: HotReloadChange) => boolean | void | Promise<boolean | void>;
  /** A watcher error (e.g. the system's limit of watched directories) or a failed onChange. */
  onError?: (error: Error) => void;
  /** Quiet time after the last event before onChange (default 100 ms). */
  debounceMs?: number;
  /** Directories whose contents never count as changes (the engine's state directory…). */
  ignoredDirectories?: string[];
}

const DEFAULT_DEBOUNCE_MS = 100;
/** A steady stream of writes (a bundler in watch mode) still reloads at least this often. */
const MAX_WAIT_MS = 500;

/** Directory names written by tools and the engine, not by the user editing code. */
const IGNORED_NAMES = new Set(['.git', STATE_DIR_NAME, '__pycache__']);
/** Editors' swap and backup files. */
const EDITOR_TEMP = /(\.sw[a-p]|~|\.tmp)$|^\.#|^4913$/;

/** The directories a template's functions are made of: code directories and layer contents. */
export function watchedDirectories(model: TemplateModel): string[] {
  const dirs = new Set<string>();
  for (const fn of model.functions) {
    dirs.add(path.resolve(fn.codeUri));
    for (const layer of fn.layers) if (layer.contentUri) dirs.add(path.resolve(layer.contentUri));
  }
  for (const layer of model.layers) dirs.add(path.resolve(layer.contentUri));
  // A directory inside another is watched through it.
  const sorted = [...dirs].sort();
  return sorted.filter((dir) => !sorted.some((other) => other !== dir && isInside(dir, other)));
}

/**
 * Which functions of `previous` must be reloaded given `next` (the template after the change, or
 * `previous` itself when only files changed): removed functions and changed definitions (`template`),
 * then changes under a function's code directory (`code`) or one of its layers (`layer`).
 */
export function changedFunctions(previous: TemplateModel, next: TemplateModel, change: HotReloadChange): FunctionReload[] {
  const nextByName = new Map(next.functions.map((fn) => [fn.functionName, fn]));
  const reloads: FunctionReload[] = [];
  for (const old of previous.functions) {
    const fn = nextByName.get(old.functionName);
    if (!fn || definitionKey(fn) !== definitionKey(old)) {
      reloads.push({ functionName: old.functionName, reason: 'template', paths: [next.file] });
      continue;
    }
    const code = change.paths.filter((p) => isInside(p, fn.codeUri));
    if (code.length > 0) {
      reloads.push({ functionName: fn.functionName, reason: 'code', paths: code });
      continue;
    }
    const layerDirs = fn.layers.map((l) => l.contentUri).filter((dir): dir is string => dir !== undefined);
    const layer = change.paths.filter((p) => layerDirs.some((dir) => isInside(p, dir)));
    if (layer.length > 0) reloads.push({ functionName: fn.functionName, reason: 'layer', paths: layer });
  }
  return reloads;
}

/** A definition's identity for change detection; positions only say where it is written. */
function definitionKey(fn: FunctionDefinition): string {
  return JSON.stringify(fn, (key, value: unknown) => (key === 'position' ? undefined : value));
}

function isInside(file: string, dir: string): boolean {
  const root = path.resolve(dir);
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Watches a template and the directories its functions are made of (chokidar: inotify / FSEvents,
 * no polling). Events are collected for `debounceMs` after the last one and delivered together.
 */
export class HotReloader {
  /** Resolves once the initial scan is done and every change is seen (or the watcher closed). */
  readonly ready: Promise<void>;
  private readonly templateFile: string;
  /** The parents of the template and of the watched directories, not recursively. */
  private readonly anchorWatcher: FSWatcher;
  private readonly contentWatcher: FSWatcher;
  private directories: string[];
  private anchors: Set<string>;
  /** Inode of each watched directory: a different one means it was deleted and created again. */
  private readonly inodes = new Map<string, number | undefined>();
  private readonly pendingPaths = new Set<string>();
  private pendingTemplate = false;
  private timer: NodeJS.Timeout | undefined;
  private firstEventAt = 0;
  private delivering: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly reportedErrors = new Set<string>();
  private markClosed: () => void = () => undefined;

  constructor(
    model: TemplateModel,
    private readonly options: HotReloadOptions,
  ) {
    this.templateFile = path.resolve(model.file);
    this.directories = watchedDirectories(model);
    this.anchors = this.anchorsOf(this.directories);
    for (const dir of this.directories) this.inodes.set(dir, inodeOf(dir));
    const ignoredDirs = (options.ignoredDirectories ?? []).map((d) => path.resolve(d));
    // Not the template file itself, nor only the directories' contents: editors that save by
    // deleting or renaming the template, and clean builds that delete and recreate a code
    // directory, would end those watches. Their parents' entries say when to watch again.
    this.anchorWatcher = watch([...this.anchors], {
      ignoreInitial: true,
      depth: 0,
      ignored: (p) => p !== this.templateFile && !this.anchors.has(p),
    });
    // Latency matters more than half-written files: a reload reads nothing, it only retires.
    this.contentWatcher = watch(this.directories, {
      ignoreInitial: true,
      awaitWriteFinish: false,
      ignored: (p) => isIgnored(p, ignoredDirs),
    });
    const closed = new Promise<void>((resolve) => (this.markClosed = resolve));
    // chokidar never says ready when it watches nothing.
    const contentReady = this.directories.length > 0 ? readyOf(this.contentWatcher) : Promise.resolve();
    this.ready = Promise.race([Promise.all([readyOf(this.anchorWatcher), contentReady]).then(() => undefined), closed]);
    this.anchorWatcher.on('all', (_event, file) => {
      if (path.resolve(file) === this.templateFile) this.record(this.templateFile);
    });
    // Raw events: any entry of an anchor, ignored or not (a directory replaced at once emits nothing else).
    this.anchorWatcher.on('raw', (_event, entry, details) => {
      const watchedPath = (details as { watchedPath?: string } | undefined)?.watchedPath;
      if (!watchedPath || !entry) return;
      const dir = path.resolve(watchedPath, entry);
      if (this.inodes.has(dir)) this.checkReplaced(dir);
    });
    this.contentWatcher.on('all', (_event, file) => this.record(path.resolve(file)));
    for (const watcher of [this.anchorWatcher, this.contentWatcher]) watcher.on('error', (error) => this.watchError(error));
  }

  /** Follows a reloaded template: watches its directories, stops watching the ones it no longer uses. */
  update(model: TemplateModel): void {
    if (this.closed) return;
    const next = watchedDirectories(model);
    const added = next.filter((dir) => !this.directories.includes(dir));
    const removed = this.directories.filter((dir) => !next.includes(dir));
    if (added.length === 0 && removed.length === 0) return;
    this.directories = next;
    for (const dir of removed) this.inodes.delete(dir);
    for (const dir of added) this.inodes.set(dir, inodeOf(dir));
    if (removed.length > 0) this.contentWatcher.unwatch(removed);
    if (added.length > 0) this.contentWatcher.add(added);
    const anchors = this.anchorsOf(next);
    const oldAnchors = [...this.anchors].filter((dir) => !anchors.has(dir));
    const newAnchors = [...anchors].filter((dir) => !this.anchors.has(dir));
    this.anchors = anchors;
    if (oldAnchors.length > 0) this.anchorWatcher.unwatch(oldAnchors);
    if (newAnchors.length > 0) this.anchorWatcher.add(newAnchors);
  }

  /** Stops watching; waits for a change being delivered. Nothing is delivered afterwards. */
  async close(): Promise<void> {
    if (this.closed) return this.delivering;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.markClosed();
    await Promise.all([this.anchorWatcher.close(), this.contentWatcher.close()]);
    await this.delivering;
  }

  private anchorsOf(directories: string[]): Set<string> {
    return new Set([path.dirname(this.templateFile), ...directories.map((dir) => path.dirname(dir))]);
  }

  /** A watched directory was deleted (and maybe created again): its old watch is dead. */
  private checkReplaced(dir: string): void {
    const inode = inodeOf(dir);
    if (this.closed || inode === this.inodes.get(dir)) return;
    this.inodes.set(dir, inode);
    this.record(dir);
    if (inode !== undefined) {
      this.contentWatcher.unwatch(dir);
      this.contentWatcher.add(dir);
    }
  }

  /** Each kind of watcher error once: a full inotify table fails every further directory alike. */
  private watchError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    const kind = (err as NodeJS.ErrnoException).code ?? err.message;
    if (this.reportedErrors.has(kind)) return;
    this.reportedErrors.add(kind);
    if (kind === 'ENOSPC') err.message += ' (changes in some directories will be missed; raise the limit: sysctl fs.inotify.max_user_watches)';
    this.options.onError?.(err);
  }

  private record(file: string): void {
    if (this.closed) return;
    // The template inside a code directory (CodeUri: .) is judged by its content, not as code.
    if (file === this.templateFile) this.pendingTemplate = true;
    else this.pendingPaths.add(file);
    const now = Date.now();
    if (this.timer === undefined) this.firstEventAt = now;
    clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS, this.firstEventAt + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // One delivery at a time; what it collects is taken when its turn comes.
      this.delivering = this.delivering.then(() => this.deliver());
    }, delay);
  }

  private async deliver(): Promise<void> {
    if (this.closed || (!this.pendingTemplate && this.pendingPaths.size === 0)) return;
    const change: HotReloadChange = { templateChanged: this.pendingTemplate, paths: [...this.pendingPaths].sort() };
    this.pendingTemplate = false;
    this.pendingPaths.clear();
    try {
      if ((await this.options.onChange(change)) === false) {
        // Kept for the next delivery, which only a new event triggers.
        this.pendingTemplate ||= change.templateChanged;
        for (const file of change.paths) this.pendingPaths.add(file);
      }
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function inodeOf(dir: string): number | undefined {
  return fs.statSync(dir, { throwIfNoEntry: false })?.ino;
}

function readyOf(watcher: FSWatcher): Promise<void> {
  return new Promise((resolve) => watcher.once('ready', () => resolve()));
}

function isIgnored(file: string, ignoredDirs: string[]): boolean {
  if (ignoredDirs.some((dir) => isInside(file, dir))) return true;
  const parts = file.split(path.sep);
  for (let i = 0; i < parts.length; i++) {
    if (IGNORED_NAMES.has(parts[i])) return true;
    if (parts[i] === 'node_modules' && parts[i + 1] === '.cache') return true;
  }
  return EDITOR_TEMP.test(parts[parts.length - 1]);
}
