import * as fs from 'node:fs';
import * as path from 'node:path';
import { TASK_ROOT } from '../config/dockerfile';

// How an image's COPY / ADD lines lay files out, reproduced in a directory that stands for
// LAMBDA_TASK_ROOT (/var/task): sources matched in the build context as Docker matches them (`*`,
// `?` per path segment), a directory's contents copied rather than the directory itself, a
// destination ending in `/` (or several sources) being a directory.

/** Directories never copied from the context: this engine's state and SAM's build output. */
const NEVER_COPIED = new Set(['.lambda-workbench', '.aws-sam']);

/** The artefact path of an absolute image path, or undefined when it lies outside /var/task. */
export function inTaskRoot(artefactDir: string, imagePath: string): string | undefined {
  const normal = path.posix.normalize(imagePath);
  if (normal === TASK_ROOT || normal === `${TASK_ROOT}/`) return artefactDir;
  if (!normal.startsWith(`${TASK_ROOT}/`)) return undefined;
  return path.join(
    artefactDir,
    ...normal
      .slice(TASK_ROOT.length + 1)
      .split('/')
      .filter(Boolean),
  );
}

function segmentPattern(segment: string): RegExp {
  const escaped = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** The context paths a COPY source names (Docker's wildcards per segment); none when nothing matches. */
export function matchSources(contextDir: string, source: string): string[] {
  const segments = path.posix
    .normalize(source)
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  let found = [contextDir];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?]/.test(segment)) {
        const candidate = path.join(dir, segment);
        if (fs.existsSync(candidate)) next.push(candidate);
        continue;
      }
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir).sort();
      } catch {
        // not a directory
      }
      const pattern = segmentPattern(segment);
      next.push(...names.filter((n) => pattern.test(n)).map((n) => path.join(dir, n)));
    }
    found = next;
  }
  return found;
}

async function copyInto(from: string, to: string): Promise<void> {
  const stat = await fs.promises.lstat(from);
  if (stat.isDirectory()) {
    await fs.promises.mkdir(to, { recursive: true });
    for (const name of await fs.promises.readdir(from)) {
      if (NEVER_COPIED.has(name)) continue;
      await copyInto(path.join(from, name), path.join(to, name));
    }
  } else if (stat.isSymbolicLink()) {
    await fs.promises.rm(to, { force: true });
    await fs.promises.symlink(await fs.promises.readlink(from), to);
  } else {
    await fs.promises.mkdir(path.dirname(to), { recursive: true });
    await fs.promises.copyFile(from, to);
  }
}

/**
 * Copies matched sources to `dest` (an artefact path) as Docker's COPY does: a directory's contents
 * go into dest; a file goes into dest when dest is a directory (written with a trailing `/`, an
 * existing directory, or several sources), else becomes dest.
 */
export async function copyLikeDocker(sources: string[], dest: string, destIsDirectory: boolean): Promise<void> {
  const intoDirectory = destIsDirectory || sources.length > 1 || fs.statSync(dest, { throwIfNoEntry: false })?.isDirectory() === true;
  for (const source of sources) {
    const stat = await fs.promises.stat(source);
    if (stat.isDirectory()) await copyInto(source, dest);
    else await copyInto(source, intoDirectory ? path.join(dest, path.basename(source)) : dest);
  }
}
