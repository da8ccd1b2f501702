import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

// Static files of `start-api --static-dir` (default `public`, beside the template), as SAM serves
// them: SAM mounts the directory at `/` in its Flask app (`/<path:filename>`, GET and HEAD), where
// Werkzeug ranks it below any route with a literal or a `{parameter}` segment and above a greedy
// route at the root (`/{proxy+}`, an HTTP API's `$default`). So a GET or HEAD whose path names a
// file of the directory is that file unless a more specific route matches. One difference: SAM
// answers 404 for a missing file even when `/{proxy+}` would take the request (aws-sam-cli#6376);
// here a path without a file goes on to the routes. Files are sent as Flask sends them: the type
// from the extension, `Cache-Control: no-cache` (SAM sets no max age), ETag / Last-Modified and 304s.

export interface StaticFile {
  file: string;
  size: number;
  mtime: Date;
}

/** Types by extension (Python's mimetypes, which Flask uses, for the common web ones). */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/vnd.microsoft.icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/x-wav',
  '.zip': 'application/zip',
};

/** The type a file is sent with (application/octet-stream when its extension is not known). */
export function staticContentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The regular file of `dir` a GET or HEAD request for `rawPath` (percent-encoded, as received)
 * names, or undefined. A path that would leave the directory (`..`, an encoded slash) names none;
 * `/` names none (SAM serves no index file).
 */
export function findStaticFile(dir: string, method: string, rawPath: string): StaticFile | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  if (segments.length === 0) return undefined;
  const file = path.join(dir, ...segments);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat?.isFile() ? { file, size: stat.size, mtime: stat.mtime } : undefined;
}

/** Sends the file (streamed), or 304 when the client's copy is current; `headers` are added (request ids). */
export function sendStaticFile(req: http.IncomingMessage, res: http.ServerResponse, found: StaticFile, headers: string[]): void {
  const etag = `"${Math.floor(found.mtime.getTime()).toString(16)}-${found.size.toString(16)}"`;
  const lastModified = new Date(Math.floor(found.mtime.getTime() / 1000) * 1000);
  const common = ['ETag', etag, 'Last-Modified', lastModified.toUTCString(), 'Cache-Control', 'no-cache', ...headers];
  if (notModified(req, etag, lastModified)) {
    res.writeHead(304, common);
    return void res.end();
  }
  res.writeHead(200, ['Content-Type', staticContentType(found.file), 'Content-Length', String(found.size), ...common]);
  if (req.method === 'HEAD') return void res.end();
  const stream = fs.createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function notModified(req: http.IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const time = Date.parse(since);
  return Number.isFinite(time) && lastModified.getTime() <= time;
}
