import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BuildError } from './types';

// What the tool-driven builders (npm, pip, make, go) share: running a tool as a child process with
// its output captured and a deadline, copying a source tree into an artefact, and a cache of
// installed dependencies keyed by the hash of their manifest.

/** How many of a tool's last output lines a BuildError carries. */
export const DETAIL_LINES = 25;

export interface ToolRun {
  /** Names the tool in errors ("npm", "pip", "make", "go"). */
  tool: string;
  command: string;
  args: string[];
  cwd: string;
  /** Added to (or, with `undefined` values, removed from) this process's environment. */
  env?: Record<string, string | undefined>;
  timeoutMs: number;
  /** Lines matching this are kept whatever the length of the output (the rest: the last lines only). */
  keep?: RegExp;
  /** What to tell the user when the command is not installed. */
  missing: string;
  /** Keep the whole of stdout (for a tool that answers in JSON). */
  captureStdout?: boolean;
}

export interface ToolResult {
  code: number | null;
  /** The last lines of stdout and stderr, interleaved as they came. */
  lastLines: string[];
  /** Every line that matched `keep`. */
  kept: string[];
  /** All of stdout, with `captureStdout`. */
  stdout: string;
}

const MAX_LINES = 400;
/** How long output may keep coming after the tool has exited. */
const OUTPUT_DRAIN_MS = 2000;
// Children still running: the host may exit mid-build (Ctrl+C), and a build must not outlive it.
const running = new Set<number>();
let exitHooked = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs a tool in its own process group (so npm's or make's children go with it), output captured
 * never inherited, killed with its children after `timeoutMs`. Resolves with the exit code; rejects
 * with a BuildError when the tool is missing or times out.
 */
export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(run.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const child = spawn(run.command, run.args, { cwd: run.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const lastLines: string[] = [];
    const kept: string[] = [];
    let stdout = '';
    if (run.captureStdout) child.stdout.on('data', (chunk: Buffer | string) => (stdout += chunk.toString()));
    const take = (line: string) => {
      if (run.keep?.test(line)) kept.push(line);
      lastLines.push(line);
      if (lastLines.length > MAX_LINES) lastLines.shift();
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? '';
        lines.filter((line) => line.trim() !== '').forEach(take);
      });
      stream.on('end', () => {
        if (partial.trim() !== '') take(partial);
        partial = '';
      });
    }
    let settled = false;
    let drain: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      if (child.pid !== undefined) {
        running.delete(child.pid);
        // Whatever the tool left running in its group (a stuck child) ends with it.
        killGroup(child.pid);
      }
      child.stdout.destroy();
      child.stderr.destroy();
      settle();
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(run.timeoutMs / 1000);
      finish(() => reject(new BuildError(`${run.tool} did not finish within ${seconds} s and was stopped`, lastLines.slice(-DETAIL_LINES))));
    }, run.timeoutMs);
    if (child.pid !== undefined) {
      running.add(child.pid);
      if (!exitHooked) {
        exitHooked = true;
        process.once('exit', () => running.forEach(killGroup));
      }
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(() => reject(error.code === 'ENOENT' ? new BuildError(run.missing) : new BuildError(`${run.tool} could not be started: ${error.message}`)));
    });
    // 'close' comes once the output has ended; a process that left the group still holding the
    // pipes (a daemon) must not keep the build waiting after the tool itself has exited.
    child.on('exit', (code) => {
      drain = setTimeout(() => finish(() => resolve({ code, lastLines, kept, stdout })), OUTPUT_DRAIN_MS);
    });
    child.on('close', (code) => finish(() => resolve({ code, lastLines, kept, stdout })));
  });
}

/** A `what` failed error with the tool's last lines as details. */
export function toolFailure(message: string, result: ToolResult): BuildError {
  return new BuildError(message, result.lastLines.slice(-DETAIL_LINES));
}

/**
 * Empties the artefact directory (created if missing) before a build fills it: a file deleted from
 * the sources, or a dependency of the previous install, must not outlive its build.
 */
export async function emptyDirectory(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  for (const name of await fs.promises.readdir(dir)) await fs.promises.rm(path.join(dir, name), { recursive: true, force: true });
}

/** `copyTree`'s filter: true to leave a file or directory (by its base name) out. */
export type Exclude = (name: string, isDirectory: boolean) => boolean;

/** An Exclude from names and `*.suffix` patterns, matched at any depth (as SAM's shutil.ignore_patterns). */
export function excludeNames(patterns: readonly string[]): Exclude {
  const names = new Set(patterns.filter((p) => !p.startsWith('*')));
  const suffixes = patterns.filter((p) => p.startsWith('*')).map((p) => p.slice(1));
  return (name) => names.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
}

/**
 * Copies `from` into `to` (created), leaving out what `exclude` names and the directories in `skip`
 * (the artefact and cache when they live inside the sources). Symbolic links stay links. An
 * existing destination file is replaced by a new file, never written through (it may be a hard
 * link into a cache).
 */
export async function copyTree(from: string, to: string, exclude: Exclude, skip: readonly string[] = []): Promise<void> {
  await fs.promises.mkdir(to, { recursive: true });
  for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (exclude(entry.name, entry.isDirectory()) || skip.includes(source)) continue;
    if (entry.isDirectory()) {
      await copyTree(source, target, exclude, skip);
    } else if (entry.isSymbolicLink()) {
      await fs.promises.rm(target, { force: true });
      await fs.promises.symlink(await fs.promises.readlink(source), target);
    } else if (entry.isFile()) {
      await fs.promises.rm(target, { force: true });
      await fs.promises.copyFile(source, target);
    }
  }
}

/**
 * Hard-links every file of `from` into `to` (a copy where links cannot cross devices), leaving files
 * that already exist in `to` alone: the cached dependencies are shared, the function's own files win.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  await fs.promises.mkdir(to, { recursive: true });
  for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.name === COMPLETE_MARKER) continue;
    if (entry.isDirectory()) {
      await linkTree(source, target);
      continue;
    }
    if (fs.existsSync(target) || isLink(target)) continue;
    if (entry.isSymbolicLink()) {
      await fs.promises.symlink(await fs.promises.readlink(source), target);
    } else if (entry.isFile()) {
      try {
        await fs.promises.link(source, target);
      } catch {
        await fs.promises.copyFile(source, target);
      }
    }
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The contents of a file, or '' when it does not exist. */
export function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A short hex digest of the parts (each length-prefixed, so ['ab', 'c'] and ['a', 'bc'] differ). */
export function hashOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:`).update(part);
  return hash.digest('hex').slice(0, 16);
}

/** How many dependency sets a cache keeps (the newest): switching branches back and forth stays a hit. */
const CACHE_ENTRIES_KEPT = 3;
const COMPLETE_MARKER = '.lambda-workbench-complete';
const ABANDONED_PARTIAL_MS = 60 * 60_000;

/**
 * The directory of cache entry `key` under `root`, made by `install` (given an empty directory)
 * when it is not there yet. An install that fails or is interrupted leaves no entry behind.
 * Returns whether the entry was reused.
 */
export async function cachedDirectory(root: string, key: string, install: (dir: string) => Promise<void>): Promise<{ dir: string; reused: boolean }> {
  const dir = path.join(root, key);
  if (fs.existsSync(path.join(dir, COMPLETE_MARKER))) {
    const now = new Date();
    await fs.promises.utimes(dir, now, now).catch(() => undefined);
    return { dir, reused: true };
  }
  await fs.promises.mkdir(root, { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(root, `${key}.partial-`));
  try {
    await install(staging);
    await fs.promises.writeFile(path.join(staging, COMPLETE_MARKER), '');
    await fs.promises.rm(dir, { recursive: true, force: true });
    await fs.promises.rename(staging, dir);
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw error;
  }
  await pruneCache(root, key);
  return { dir, reused: false };
}

async function pruneCache(root: string, current: string): Promise<void> {
  const entries = await fs.promises.readdir(root, { withFileTypes: true });
  const others = entries
    .filter((entry) => entry.isDirectory() && entry.name !== current && !entry.name.includes('.partial-'))
    .map((entry) => ({ dir: path.join(root, entry.name), time: fs.statSync(path.join(root, entry.name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const stale of others.slice(CACHE_ENTRIES_KEPT - 1)) await fs.promises.rm(stale.dir, { recursive: true, force: true });
  // What an install killed with its host left behind (a running install is younger than its deadline).
  for (const entry of entries.filter((e) => e.name.includes('.partial-'))) {
    const dir = path.join(root, entry.name);
    if (Date.now() - fs.statSync(dir).mtimeMs > ABANDONED_PARTIAL_MS) await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
