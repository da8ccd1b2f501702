import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, SourceRange } from '../config/types';
import { findExport, NODE_EXTENSIONS, sourceFromSourceMap, splitNodeHandler, TS_EXTENSIONS, type HandlerFunction } from './handlerSource';

// Does a function's Handler name a module file that exists under CodeUri, and does that file
// export the function? A missing file is an error (the runtime cannot start it); a missing export
// only a warning, since finding exports by reading the source is best effort (re-exports, bundler
// output, dynamic assignments). Node.js and Python only: other runtimes resolve handlers their own way.

/** Reads handler sources, re-reading a file only when its mtime or size changed (editors re-check on every keystroke). */
export class SourceCache {
  private readonly texts = new Map<string, { mtimeMs: number; size: number; text: string }>();

  isFile(file: string): boolean {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  }

  read(file: string): string | undefined {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    const cached = this.texts.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.text;
    try {
      const text = fs.readFileSync(file, 'utf8');
      this.texts.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text });
      return text;
    } catch {
      return undefined;
    }
  }
}

const defaultCache = new SourceCache();

export interface HandlerCheckOptions {
  /** CodeUri as the message shows it (e.g. relative to the template); default the absolute path. */
  codeUriLabel?: string;
  cache?: SourceCache;
}

export type HandlerProblem = Pick<Diagnostic, 'severity' | 'code' | 'message'>;

/**
 * What is wrong with the function's Handler: its module file is missing (`handler-not-found`,
 * error) or no export of its function is found (`handler-export-not-found`, warning); undefined
 * when it looks right or cannot be checked (runtime, handler format, CodeUri not a directory).
 */
export function checkHandler(fn: HandlerFunction, options: HandlerCheckOptions = {}): HandlerProblem | undefined {
  const cache = options.cache ?? defaultCache;
  if (!fn.handler || !fn.codeUri || !isDirectory(fn.codeUri)) return undefined;
  // A function built by a tool (make, go, an image…) has its handler in the build's output, not under CodeUri.
  if (fn.build && !['esbuild', 'npm', 'pip'].includes(builtBy(fn.build.method))) return undefined;
  const label = options.codeUriLabel ?? fn.codeUri;
  const problem = fn.runtime.startsWith('nodejs') ? checkNode(fn, label, cache) : fn.runtime.startsWith('python') ? checkPython(fn, label, cache) : undefined;
  if (!problem) return undefined;
  return problem.missingFile
    ? { severity: 'error', code: 'handler-not-found', message: problem.message }
    : { severity: 'warning', code: 'handler-export-not-found', message: problem.message };
}

/** checkHandler's problem as a diagnostic at `range` (the Handler value in the template). */
export function handlerDiagnostic(fn: HandlerFunction, range: SourceRange, options: HandlerCheckOptions & { property?: string } = {}): Diagnostic | undefined {
  const problem = checkHandler(fn, options);
  return problem && { ...problem, range, property: options.property ?? 'Handler' };
}

/** A BuildMethod as the builder family that runs it (nodejs20.x → npm, python3.12 → pip). */
function builtBy(method: string): string {
  if (/^nodejs/i.test(method)) return 'npm';
  if (/^python/i.test(method)) return 'pip';
  return method.toLowerCase();
}

interface Problem {
  missingFile: boolean;
  message: string;
}

function checkNode(fn: HandlerFunction, label: string, cache: SourceCache): Problem | undefined {
  const parts = splitNodeHandler(fn.handler);
  if (!parts) return undefined;
  const base = path.resolve(fn.codeUri, parts.module);
  // BuildMethod esbuild bundles the TypeScript (or JavaScript) entry point into the handler's module.
  const extensions = fn.build?.method === 'esbuild' ? [...NODE_EXTENSIONS, ...TS_EXTENSIONS] : NODE_EXTENSIONS;
  const moduleFile = extensions.map((ext) => base + ext).find((f) => cache.isFile(f));
  if (!moduleFile) {
    const ts = TS_EXTENSIONS.map((ext) => base + ext).find((f) => cache.isFile(f));
    const hint = ts ? ` (${path.basename(ts)} is there: build it to JavaScript first)` : '';
    return { missingFile: true, message: `Handler ${fn.handler}: no ${parts.module}.js/.mjs/.cjs in ${label}${hint}` };
  }
  const name = parts.exportPath.split('.')[0]!;
  if (exportFound(cache.read(moduleFile), name, path.extname(moduleFile))) return undefined;
  // Bundlers rename and re-export; the source behind the bundle may still say it plainly.
  const source = sourceFromSourceMap(moduleFile, path.basename(parts.module)) ?? TS_EXTENSIONS.map((ext) => base + ext).find((f) => cache.isFile(f));
  if (source && exportFound(cache.read(source), name, path.extname(source))) return undefined;
  return { missingFile: false, message: `Handler ${fn.handler}: no export '${name}' found in ${path.basename(moduleFile)}` };
}

/** `package/module.function` or `package.module.function`: module.py or the package's __init__.py. */
function checkPython(fn: HandlerFunction, label: string, cache: SourceCache): Problem | undefined {
  const dot = fn.handler.lastIndexOf('.');
  if (dot <= 0 || dot === fn.handler.length - 1) return undefined;
  const module = fn.handler.slice(0, dot).replace(/\//g, '.');
  const name = fn.handler.slice(dot + 1);
  const base = path.join(fn.codeUri, ...module.split('.'));
  const file = [`${base}.py`, path.join(base, '__init__.py')].find((f) => cache.isFile(f));
  if (!file) return { missingFile: true, message: `Handler ${fn.handler}: no ${module.split('.').join('/')}.py in ${label}` };
  if (exportFound(cache.read(file), name, '.py')) return undefined;
  return { missingFile: false, message: `Handler ${fn.handler}: no function '${name}' found in ${path.relative(fn.codeUri, file)}` };
}

function exportFound(text: string | undefined, name: string, extension: string): boolean {
  if (text === undefined) return true; // unreadable: nothing to say
  if (findExport(text, name, extension)) return true;
  // `export default` / `module.exports = fn` serve the `default` export.
  return name === 'default' && /\bexport\s+default\b|\bmodule\.exports\s*=/.test(text);
}

function isDirectory(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
