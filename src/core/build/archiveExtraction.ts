import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import * as yauzl from 'yauzl';
import { BuildError } from './types';

// Unpacking a deployment package (.zip or .jar) as Lambda does into /var/task: every entry at its
// path, file modes kept (a bootstrap stays executable), symbolic links kept. The archive is not
// trusted: an entry may not land outside the directory (`..`, absolute paths: zip-slip), a link may
// not point outside it, nothing is written through a link, and the whole may not unpack to more than
// Lambda's limit. Every refusal names the archive and the entry.

/** Lambda's limit on a function's unzipped code (and layers): 250 MB. */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

export interface ExtractOptions {
  /** The most the archive may unpack to (default: Lambda's 250 MB). */
  maxBytes?: number;
}

export interface ExtractResult {
  files: number;
  bytes: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** Made on Unix (the high byte of "version made by"): only then do external attributes hold a mode. */
const MADE_ON_UNIX = 3;
/** A link's target is a path, not content: anything longer is not one. */
const MAX_LINK_TARGET = 4096;

/**
 * Extracts `archive` into `dest` (created; expected empty). Rejects with a BuildError naming the
 * archive when it is not a readable zip, is encrypted, holds an entry or link that would escape
 * `dest`, or unpacks to more than `maxBytes`.
 */
export async function extractArchive(archive: string, dest: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const maxBytes = options.maxBytes ?? LAMBDA_UNZIPPED_LIMIT_BYTES;
  const zip = await openZip(archive);
  try {
    await fs.promises.mkdir(dest, { recursive: true });
    const root = await fs.promises.realpath(dest);
    const entries = await listEntries(zip, archive);
    // The sizes the archive declares, before writing anything (yauzl holds each entry to its declared
    // size); the writes count again what really comes out.
    const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (declared > maxBytes) throw tooLarge(archive, `${mb(declared)} declared`, maxBytes);
    const state = { files: 0, bytes: 0 };
    const links: string[] = [];
    for (const entry of entries) {
      const name = entry.fileName;
      const target = path.resolve(root, name);
      if (!isInside(target, root)) throw escapes(archive, name);
      const mode = unixMode(entry);
      const isDirectory = name.endsWith('/') || (mode !== undefined && (mode & S_IFMT) === S_IFDIR);
      if (target === root && !isDirectory) {
        throw new BuildError(`${archive}: the entry '${name}' names the code directory itself; the archive was not extracted.`);
      }
      if (isDirectory) {
        await makeDirectory(root, target, archive, name);
      } else if (mode !== undefined && (mode & S_IFMT) === S_IFLNK) {
        const linkTarget = (await readEntry(zip, entry, archive, MAX_LINK_TARGET)).toString('utf8');
        if (path.isAbsolute(linkTarget) || !isInside(path.resolve(path.dirname(target), linkTarget), root)) {
          throw new BuildError(
            `${archive}: the symbolic link '${name}' points outside the code directory (to '${linkTarget}'); the archive was not extracted.`,
          );
        }
        await makeDirectory(root, path.dirname(target), archive, name);
        await fs.promises.rm(target, { force: true });
        await fs.promises.symlink(linkTarget, target);
        links.push(name);
      } else {
        await makeDirectory(root, path.dirname(target), archive, name);
        await writeEntry(zip, entry, archive, target, fileMode(mode), state, maxBytes);
        state.files++;
      }
    }
    // A link resolving outside through another link (a/.. where a is itself a link) is caught here,
    // once every link exists; nothing was written through one (makeDirectory checks each parent).
    for (const name of links) {
      const real = await fs.promises.realpath(path.join(root, name)).catch(() => undefined);
      if (real !== undefined && !isInside(real, root)) {
        throw new BuildError(`${archive}: the symbolic link '${name}' resolves outside the code directory (to ${real}); the archive was not extracted.`);
      }
    }
    return state;
  } finally {
    zip.close();
  }
}

function openZip(archive: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // strictFileNames false: backslashes (zips made on Windows) become slashes, as Lambda reads them.
    yauzl.open(archive, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error) reject(unreadable(archive, error));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile, archive: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.isEncrypted()) {
        reject(new BuildError(`${archive}: the entry '${entry.fileName}' is encrypted; Lambda needs an unencrypted archive.`));
        return;
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(unreadable(archive, error)));
    zip.readEntry();
  });
}

/** The whole of a (small) entry: a link's target. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, archive: string, limit: number): Promise<Buffer> {
  if (entry.uncompressedSize > limit) {
    throw new BuildError(`${archive}: the symbolic link '${entry.fileName}' has a target of ${entry.uncompressedSize} bytes.`);
  }
  const stream = await openEntry(zip, entry, archive);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw unreadable(archive, error as Error, entry.fileName);
  }
  return Buffer.concat(chunks);
}

async function writeEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  archive: string,
  target: string,
  mode: number,
  state: ExtractResult,
  maxBytes: number,
): Promise<void> {
  const stream = await openEntry(zip, entry, archive);
  // A later entry of the same name replaces the earlier one; 'wx' never follows a link planted there.
  await fs.promises.rm(target, { force: true });
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      state.bytes += chunk.length;
      if (state.bytes > maxBytes) done(tooLarge(archive, `${mb(state.bytes)} written so far`, maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, count, fs.createWriteStream(target, { flags: 'wx', mode }));
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw unreadable(archive, error as Error, entry.fileName);
  }
  // The mode as written in the archive, whatever the umask took away.
  await fs.promises.chmod(target, mode);
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, archive: string): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(unreadable(archive, error, entry.fileName));
        return;
      }
      // The reader handles the first error; inflated data still arriving after it (a stream that
      // holds more than its header says) must not raise more of them as uncaught ones.
      stream.on('error', () => undefined);
      resolve(stream);
    });
  });
}

/**
 * Creates `dir` (and its parents) under `root`, refusing to go through a symbolic link: each
 * existing component must be a real directory inside `root`.
 */
async function makeDirectory(root: string, dir: string, archive: string, name: string): Promise<void> {
  const parts = path.relative(root, dir).split(path.sep).filter(Boolean);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const stat = await fs.promises.lstat(current).catch(() => undefined);
    if (stat === undefined) await fs.promises.mkdir(current, { mode: 0o755 });
    else if (stat.isSymbolicLink()) {
      throw new BuildError(
        `${archive}: the entry '${name}' would be written through the symbolic link '${path.relative(root, current)}'; the archive was not extracted.`,
      );
    } else if (!stat.isDirectory()) await replaceWithDirectory(current);
  }
}

/** A file entry followed by a directory of the same name (the later entry wins, as with a later file). */
async function replaceWithDirectory(dir: string): Promise<void> {
  await fs.promises.rm(dir, { force: true });
  await fs.promises.mkdir(dir, { mode: 0o755 });
}

/** The Unix mode of an entry, when the archive was made on Unix and records one. */
function unixMode(entry: yauzl.Entry): number | undefined {
  if (entry.versionMadeBy >> 8 !== MADE_ON_UNIX) return undefined;
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  return mode === 0 ? undefined : mode;
}

/** A file's permission bits: the archive's (owner read and write kept, no setuid / setgid / sticky), else 0644. */
function fileMode(mode: number | undefined): number {
  if (mode === undefined) return 0o644;
  return (mode & 0o777) | 0o600;
}

function isInside(file: string, root: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

function tooLarge(archive: string, size: string, maxBytes: number): BuildError {
  return new BuildError(
    `${archive} unpacks to more than ${mb(maxBytes)} (${size}); Lambda's limit on unzipped code is ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)}. The archive was not extracted.`,
  );
}

function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

function escapes(archive: string, name: string): BuildError {
  return new BuildError(`${archive}: the entry '${name}' would be written outside the code directory (zip-slip); the archive was not extracted.`);
}

/** yauzl's reasons, said as what they mean for the user. */
function unreadable(archive: string, error: Error, entry?: string): BuildError {
  const message = error.message;
  const escaped = /^(?:invalid relative path|absolute path): (.*)$/.exec(message);
  if (escaped) return escapes(archive, escaped[1]!);
  const where = entry === undefined ? '' : ` (entry '${entry}')`;
  return new BuildError(`${archive} is not a readable zip archive${where}: ${message}`);
}
