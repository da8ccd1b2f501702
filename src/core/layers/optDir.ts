import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LayerReference } from '../config/types';

// Lambda extracts a function's layers, in order, into /opt (later layers overwrite earlier
// files). Natively there is no /opt of our own, so each function version gets an equivalent
// directory: real directories, with symlinks to the layers' files. Runtimes find it through
// NODE_PATH / PYTHONPATH / PATH (bin/) and LD_LIBRARY_PATH (lib/); code that hard-codes "/opt/…"
// paths does not see it.

/**
 * Builds `target` from the layers (recreated from scratch); undefined when there are none. The new
 * tree is assembled next to `target` and swapped in, so environments still running on a previous
 * build (a hot reload rebuilds it) never see a half-built directory.
 */
export async function materializeLayers(layers: LayerReference[], target: string): Promise<string | undefined> {
  const sources = layers.map((l) => l.contentUri).filter((dir): dir is string => typeof dir === 'string');
  if (sources.length === 0) return undefined;
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.new-${suffix}`;
  await fs.mkdir(staging, { recursive: true });
  try {
    for (const source of sources) {
      const stat = await fs.stat(source).catch(() => undefined);
      if (!stat?.isDirectory()) throw new Error(`Layer content ${source} is not a directory`);
      await mergeInto(path.resolve(source), staging);
    }
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = `${target}.old-${suffix}`;
  await fs.rename(target, previous).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await fs.rename(staging, target);
  await fs.rm(previous, { recursive: true, force: true });
  return target;
}

async function mergeInto(source: string, target: string): Promise<void> {
  for (const entry of await fs.readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    const existing = await fs.lstat(to).catch(() => undefined);
    if (entry.isDirectory()) {
      if (existing && !existing.isDirectory()) await fs.rm(to, { force: true });
      if (!existing?.isDirectory()) await fs.mkdir(to);
      await mergeInto(from, to);
    } else {
      // A later layer's file replaces an earlier one's, as when Lambda extracts them in order.
      if (existing) await fs.rm(to, { recursive: true, force: true });
      await fs.symlink(from, to);
    }
  }
}

/** One /opt equivalent per function version, built once and shared by its environments. */
export class OptDirectories {
  private readonly built = new Map<string, Promise<string | undefined>>();
  /** The latest build of each directory, forgotten or not: rebuilds of one directory never overlap. */
  private readonly lastBuild = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  get(functionName: string, version: string, layers: LayerReference[]): Promise<string | undefined> {
    const key = `${functionName}\u0000${version}`;
    let dir = this.built.get(key);
    if (!dir) {
      const safeVersion = version.replace(/[^A-Za-z0-9_-]/g, '_');
      const target = path.join(this.root, functionName, safeVersion);
      const previous = this.lastBuild.get(key) ?? Promise.resolve();
      const build = previous.catch(() => undefined).then(() => materializeLayers(layers, target));
      build.catch(() => {
        if (this.built.get(key) === build) this.built.delete(key);
      });
      this.built.set(key, build);
      this.lastBuild.set(key, build);
      dir = build;
    }
    return dir;
  }

  /** Forgets a version's directory (its layers changed); it is rebuilt on next use. */
  forget(functionName: string, version: string): void {
    this.built.delete(`${functionName}\u0000${version}`);
  }
}
