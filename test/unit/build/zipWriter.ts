import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

// A minimal zip writer for the archive tests: what real tools write (Unix modes, symbolic links,
// deflated entries) and what they never would (`..` and absolute names, sizes that lie), byte for
// byte as the zip format (APPNOTE 4.3) lays it out.

export interface ZipEntry {
  name: string;
  /** A file's content, or a link's target. */
  data?: string | Buffer;
  /** The Unix mode with its type bits (0o100755 a file, 0o120777 a link, 0o040755 a directory); none: no Unix attributes (a zip made on Windows, or by `jar`). */
  mode?: number;
  /** Store (default for links and directories) or deflate (default for files). */
  method?: 'store' | 'deflate';
  /** An uncompressed size other than the real one (a lying header). */
  declaredSize?: number;
  /** Flagged as encrypted (general purpose bit 0); the data stays as it is. */
  encrypted?: boolean;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The bytes of a zip archive holding `entries`, in order. */
export function zipBytes(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.data ?? '');
    const isFile = entry.mode === undefined ? !entry.name.endsWith('/') : (entry.mode & 0o170000) === 0o100000;
    const method = (entry.method ?? (isFile ? 'deflate' : 'store')) === 'deflate' ? 8 : 0;
    const body = method === 8 ? zlib.deflateRawSync(data) : data;
    const crc = crc32(data);
    const size = entry.declaredSize ?? data.length;
    const madeBy = entry.mode === undefined ? 20 : (3 << 8) | 20;
    const external = entry.mode === undefined ? 0 : (entry.mode << 16) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    const flags = 0x0800 | (entry.encrypted ? 1 : 0); // UTF-8 names
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(madeBy, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(external, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Writes the zip of `entries` to `file` (its directory created). */
export function writeZip(file: string, entries: ZipEntry[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zipBytes(entries));
}

/** The entries of a directory tree, as `zip -r` would store them (Unix modes; links as links). */
export function treeEntries(dir: string, prefix = ''): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file);
    const entryName = prefix + name;
    if (stat.isSymbolicLink()) entries.push({ name: entryName, data: fs.readlinkSync(file), mode: 0o120777 });
    else if (stat.isDirectory()) entries.push({ name: `${entryName}/`, mode: 0o040755 }, ...treeEntries(file, `${entryName}/`));
    else entries.push({ name: entryName, data: fs.readFileSync(file), mode: stat.mode & 0o170777 });
  }
  return entries;
}
