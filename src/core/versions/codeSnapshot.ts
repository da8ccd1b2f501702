import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';

// Content-addressed snapshots of code directories (a function's CodeUri, a layer's content), the
// local equivalent of the zip Lambda keeps for each published version. Every file is stored once
// per content hash in a blob directory; a snapshot is a manifest (relative path → hash, size,
// mode); a version's code directory is materialised from it with hard links to the read-only
// blobs, so identical files across versions cost nothing, and any later change to a published
// file — through either name — shows up as a hash mismatch.

export interface ManifestEntry {
  /** sha256 of the content, hex. */
  sha256: string;
  size: number;
  /** Unix permission bits (the executable bit matters for bootstraps and extensions). */
  mode: number;
}

/** Relative path (with `/`) → entry, sorted by path. Symlinks are stored as the files they point to. */
export type Manifest = Record<string, ManifestEntry>;

export interface Snapshot {
  manifest: Manifest;
  /** base64 sha256 of the canonical manifest: the version's CodeSha256. */
  codeSha256: string;
  /** Total bytes of the files. */
  codeSize: number;
}

/** Directories never part of deployed code: VCS data and the engine's own state. */
const SKIPPED = new Set(['.git', STATE_DIR_NAME, '.aws-sam']);

export function manifestSha256(manifest: Manifest): string {
  const canonical = Object.keys(manifest)
    .sort()
    .map((p) => `${p}\0${manifest[p].sha256}\0${manifest[p].mode.toString(8)}`)
    .join('\n');
  return createHash('sha256').update(canonical).digest('base64');
}

export class BlobStore {
  constructor(readonly root: string) {}

  private blobPath(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Snapshots `dir` (recursively; `exclude` are absolute paths left out, e.g. the state directory
   * when it lives inside the code directory). New content is written to the blob store unless
   * `store` is false (only the hashes are wanted, e.g. to describe $LATEST).
   */
  async snapshot(dir: string, exclude: string[] = [], store = true): Promise<Snapshot> {
    const root = path.resolve(dir);
    const stat = await fs.stat(root).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`${root} is not a directory`);
    const excluded = new Set(exclude.map((p) => path.resolve(p)));
    const manifest: Manifest = {};
    let codeSize = 0;
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await fs.readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = path.join(abs, entry.name);
        const relPath = rel ? `${rel}/${entry.name}` : entry.name;
        if (SKIPPED.has(entry.name) || excluded.has(full)) continue;
        const st = await fs.stat(full).catch(() => undefined); // follows symlinks; dangling ones are skipped
        if (!st) continue;
        if (st.isDirectory()) {
          await walk(full, relPath);
        } else if (st.isFile()) {
          const content = await fs.readFile(full);
          const sha256 = createHash('sha256').update(content).digest('hex');
          if (store) await this.put(sha256, content);
          manifest[relPath] = { sha256, size: content.length, mode: st.mode & 0o777 };
          codeSize += content.length;
        }
      }
    };
    await walk(root, '');
    return { manifest, codeSha256: manifestSha256(manifest), codeSize };
  }

  private async put(sha256: string, content: Buffer): Promise<void> {
    const file = this.blobPath(sha256);
    if (
      await fs.access(file).then(
        () => true,
        () => false,
      )
    ) {
      return;
    }
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, content, { mode: 0o444 });
    await fs.rename(tmp, file);
  }

  /**
   * Builds `target` from a manifest (hard links to the blobs, copies across file systems), with
   * each file's mode. `target` must not exist yet; it is built next to itself and renamed into
   * place, so a half-built directory is never seen.
   */
  async materialize(manifest: Manifest, target: string): Promise<void> {
    const building = `${target}.${process.pid}.building`;
    await fs.rm(building, { recursive: true, force: true });
    await fs.mkdir(building, { recursive: true });
    for (const [rel, entry] of Object.entries(manifest)) {
      const to = path.join(building, ...rel.split('/'));
      await fs.mkdir(path.dirname(to), { recursive: true });
      const blob = this.blobPath(entry.sha256);
      try {
        await fs.link(blob, to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`The blob of ${rel} (${entry.sha256}) is missing from ${this.root}`);
        await fs.copyFile(blob, to);
      }
      // Blobs are shared: their mode is the file's only when no other file links them, so
      // executables get theirs set here (a shared blob keeps the most permissive mode).
      if (entry.mode & 0o111) await fs.chmod(to, 0o555);
    }
    try {
      await fs.rename(building, target);
    } catch (error) {
      // Another engine materialised it first: theirs is as good as ours.
      await fs.rm(building, { recursive: true, force: true });
      if (
        !(await fs.access(target).then(
          () => true,
          () => false,
        ))
      ) {
        throw error;
      }
    }
  }

  /**
   * Files of a materialised directory that no longer match the manifest (changed, missing or
   * added), as readable reasons; empty when intact.
   */
  async verify(manifest: Manifest, dir: string): Promise<string[]> {
    const problems: string[] = [];
    const seen = new Set<string>();
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const relPath = rel ? `${rel}/${entry.name}` : entry.name;
        const full = path.join(abs, entry.name);
        if (entry.isDirectory()) {
          await walk(full, relPath);
          continue;
        }
        seen.add(relPath);
        const expected = manifest[relPath];
        if (!expected) {
          problems.push(`${relPath} was added`);
          continue;
        }
        const content = await fs.readFile(full).catch(() => undefined);
        const actual = content ? createHash('sha256').update(content).digest('hex') : 'unreadable';
        if (actual !== expected.sha256) problems.push(`${relPath} changed (sha256 ${actual.slice(0, 12)}…, published ${expected.sha256.slice(0, 12)}…)`);
      }
    };
    await walk(dir, '');
    for (const rel of Object.keys(manifest)) if (!seen.has(rel)) problems.push(`${rel} is missing`);
    return problems;
  }
}
