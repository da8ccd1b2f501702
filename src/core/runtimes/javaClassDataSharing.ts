import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Class-data sharing per function (AppCDS), a local stand-in for SnapStart's faster start-up: the
// first cold start of a function's code runs with -XX:ArchiveClassesAtExit, and the JVM writes a
// dynamic archive of every class it loaded (the JDK's beyond the base archive, our runtime's, and
// the function's, which JDK 17 archives from its URLClassLoader too) when it exits — on the SIGTERM
// of a graceful shutdown, ~200 ms, before the JVM's own ~300 ms wait for threads in native code, so
// within the default 500 ms grace. Later cold starts map it with -XX:SharedArchiveFile.
//
// Why files are handled as they are:
// - The JVM writes its regions first and the header (with the magic) last, straight to the name it
//   is given. So each dumping JVM gets a name of its own (`<key>.<random>.part`): concurrent first
//   starts never write one file, and no JVM ever maps a file being written. A part whose header is
//   there is complete; a later cold start renames it `<key>-<bytes>.jsa` (atomic). A JVM killed
//   mid-dump leaves a part without magic, removed once it is old.
// - A JDK 17 JVM given a truncated archive whose header is intact dies of SIGBUS while mapping it:
//   the archive's name carries its length, and one that is not that long or lacks the magic is
//   removed, never handed to a JVM. Anything else the JVM rejects (another JDK, another class path)
//   it ignores silently under -Xshare:auto and -Xlog:cds*=off.
// - The key is the java (path, version), the JVM's options, the runtime's class path (each entry's
//   size and mtime) and the function's code (every file of the task root and its layers' java/lib
//   jars: path, size, mtime), so an edited function never runs with a stale archive.

/** The dynamic archive's magic (CDS_DYNAMIC_ARCHIVE_MAGIC, JDK 13 and later), little-endian at offset 0. */
const DYNAMIC_ARCHIVE_MAGIC = 0xf00baba8;
/** A part left without its header this long was killed mid-dump (a dump takes well under a second). */
const ABANDONED_PART_MS = 60_000;
/** Archives kept per function (its $LATEST and published versions have keys of their own). */
const ARCHIVES_PER_FUNCTION = 4;
/** A task root with more files than this is not fingerprinted (a stat each, ~10 µs: too slow for a cold start's path): no CDS. */
const MAX_FINGERPRINTED_FILES = 5_000;
/** Every CDS message off, so none reaches the function's log (the JVM writes its warnings to stdout). */
export const CDS_SILENCE = '-Xlog:cds*=off';

export interface CdsJava {
  path: string;
  version: string;
  major: number;
}

export interface CdsRequest {
  java: CdsJava;
  /** The runtime's class path (`-cp`). */
  classPath: string;
  /** The JVM's other options (memory limits, …), part of the key. */
  jvmOptions: string[];
  functionName: string;
  /** The task root. */
  codeUri: string;
  /** The version's /opt equivalent: its java/lib/*.jar are on the function's class path. */
  optDir?: string;
}

/** What a cold start gets: the JVM options, and what they do (for tests and the curious). */
export interface CdsDecision {
  options: string[];
  mode: 'use' | 'create' | 'off';
  archive?: string;
  /** Why CDS is off for this start. */
  reason?: string;
}

export class JavaClassDataSharing {
  /** @param root where archives live (the state directory's `java-cds`), one folder per function */
  constructor(private readonly root: string) {}

  /** The JVM options of one cold start: map the function's archive, or create it at exit. Never throws. */
  decide(request: CdsRequest): CdsDecision {
    if (request.java.major < 13) return off('dynamic archives need JDK 13 or later');
    const entries = request.classPath.split(path.delimiter);
    // The JVM refuses to dump with a non-empty directory on -cp (our runtime compiled on first use).
    if (entries.some((e) => fs.statSync(e, { throwIfNoEntry: false })?.isDirectory())) return off('the runtime class path is a directory');
    try {
      const key = archiveKey(request);
      if (!key) return off('the task root has too many files to fingerprint');
      const dir = path.join(this.root, folderName(request.functionName));
      fs.mkdirSync(dir, { recursive: true });
      const archive = settle(dir, key);
      if (archive) return { options: [`-XX:SharedArchiveFile=${archive}`, CDS_SILENCE], mode: 'use', archive };
      const part = path.join(dir, `${key}.${randomBytes(6).toString('hex')}.part`);
      return { options: [`-XX:ArchiveClassesAtExit=${part}`, CDS_SILENCE], mode: 'create', archive: part };
    } catch (error) {
      return off(`the archive folder is not usable: ${(error as Error).message}`);
    }
  }
}

function off(reason: string): CdsDecision {
  return { options: [], mode: 'off', reason };
}

/** A function name as a folder name (Lambda's names are already safe; a defensive mapping all the same). */
function folderName(functionName: string): string {
  return functionName.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

/** The archive key of a request, or undefined when the task root is too big to fingerprint. */
export function archiveKey(request: CdsRequest): string | undefined {
  const hash = createHash('sha256');
  const add = (...parts: Array<string | number>) => hash.update(parts.join('\0') + '\n');
  add('cds-v1', request.java.path, request.java.version, ...request.jvmOptions);
  for (const entry of request.classPath.split(path.delimiter)) {
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    add('cp', entry, stat?.size ?? -1, stat?.mtimeMs ?? -1);
  }
  const files: string[] = [];
  if (!listFiles(request.codeUri, '', files)) return undefined;
  for (const rel of files.sort()) {
    const stat = fs.statSync(path.join(request.codeUri, rel), { throwIfNoEntry: false });
    if (stat) add('task', rel, stat.size, stat.mtimeMs);
  }
  if (request.optDir) {
    const lib = path.join(request.optDir, 'java', 'lib');
    const jars = fs.existsSync(lib) ? fs.readdirSync(lib).filter((f) => f.endsWith('.jar')) : [];
    for (const jar of jars.sort()) {
      const stat = fs.statSync(path.join(lib, jar), { throwIfNoEntry: false });
      if (stat) add('opt', jar, stat.size, stat.mtimeMs);
    }
  }
  return hash.digest('hex').slice(0, 24);
}

/** The task root's files (relative paths, symlinks followed as the class loader follows them); false past the cap. */
function listFiles(root: string, rel: string, into: string[]): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return true; // a missing task root: the runtime says so; the key is still well defined
  }
  for (const entry of entries) {
    const child = rel ? path.join(rel, entry.name) : entry.name;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(path.join(root, child), { throwIfNoEntry: false })?.isDirectory());
    if (isDir) {
      if (!listFiles(root, child, into)) return false;
    } else {
      into.push(child);
      if (into.length > MAX_FINGERPRINTED_FILES) return false;
    }
  }
  return true;
}

/** Whether a file is a complete dynamic archive: the magic at offset 0 and, when known, its length. */
export function isCompleteArchive(file: string, expectedBytes?: number): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const { size } = fs.fstatSync(fd);
    if (expectedBytes !== undefined && size !== expectedBytes) return false;
    const magic = Buffer.alloc(4);
    return fs.readSync(fd, magic, 0, 4, 0) === 4 && magic.readUInt32LE(0) === DYNAMIC_ARCHIVE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function remove(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // in use elsewhere (Windows) or gone: the next start tries again
  }
}

/**
 * The usable archive of `key` in a function's folder, after tidying it: complete parts promoted
 * (renamed, atomically, to a name that carries their length), broken archives and abandoned parts
 * removed, the least recently used archives beyond a few dropped.
 */
function settle(dir: string, key: string): string | undefined {
  const archives = new Map<string, string>(); // key → its complete archive
  for (const name of fs.readdirSync(dir)) {
    const match = /^([0-9a-f]+)-(\d+)\.jsa$/.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    if (!archives.has(match[1]) && isCompleteArchive(file, Number(match[2]))) archives.set(match[1], file);
    else remove(file);
  }
  let promoted = false;
  for (const name of fs.readdirSync(dir)) {
    const match = /^([0-9a-f]+)\.[0-9a-f]+\.part$/.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) continue;
    if (isCompleteArchive(file)) {
      if (archives.has(match[1])) remove(file);
      else {
        const archive = path.join(dir, `${match[1]}-${stat.size}.jsa`);
        try {
          fs.renameSync(file, archive);
        } catch {
          // Another engine on the same state directory promoted it first.
          if (!fs.existsSync(archive)) continue;
        }
        archives.set(match[1], archive);
        promoted = true;
      }
    } else if (Date.now() - stat.mtimeMs > ABANDONED_PART_MS) {
      remove(file);
    }
  }
  const archive = archives.get(key);
  // Its mtime says when it was last used: the archives dropped first are the least recently used.
  if (archive) fs.utimesSync(archive, new Date(), new Date());
  if (promoted) dropOldArchives(dir);
  return archive;
}

function dropOldArchives(dir: string): void {
  const archives = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.jsa'))
    .map((n) => ({ file: path.join(dir, n), mtime: fs.statSync(path.join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of archives.slice(ARCHIVES_PER_FUNCTION)) remove(file);
}
