import * as fs from 'node:fs';
import * as path from 'node:path';

// Where a function's handler is written: the file its Handler names under CodeUri — for Node the
// source behind it when there is one (a source map's source, or a .ts file next to the .js) — and
// the line of the exported function. Best effort. Shared by the extension (open the handler) and
// the language server (go to definition; handlerCheck.ts builds its diagnostics on it).

export interface HandlerLocation {
  /** Absolute path of the file to open. */
  file: string;
  /** The module file the runtime loads (differs from `file` when a source was found behind it). */
  moduleFile?: string;
  /** The exported name the handler calls (`handler` of `app.handler`). */
  exportName: string;
  /** 1-based position of the export in `file`, when found. */
  line?: number;
  column?: number;
}

export interface HandlerFunction {
  runtime: string;
  /** Absolute code directory. */
  codeUri: string;
  handler: string;
  /** How `sam build` builds it (Metadata.BuildMethod): the handler's module may be built from a source of another name. */
  build?: { method: string };
}

export const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
export const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The handler's file and export, or undefined when it cannot be found (or the runtime is not one we know). */
export function resolveHandlerSource(fn: HandlerFunction): HandlerLocation | undefined {
  const located = locate(fn);
  if (!located) return undefined;
  try {
    const text = fs.readFileSync(located.file, 'utf8');
    const position = findExport(text, located.exportName, path.extname(located.file));
    return position ? { ...located, ...position } : located;
  } catch {
    return located;
  }
}

function locate(fn: HandlerFunction): HandlerLocation | undefined {
  if (fn.runtime.startsWith('nodejs')) return locateNode(fn);
  if (fn.runtime.startsWith('python')) return locatePython(fn);
  if (fn.runtime.startsWith('ruby')) return locateRuby(fn);
  if (fn.runtime.startsWith('provided')) return locateProvided(fn);
  return undefined;
}

/** As AWS's Node runtime reads it: `dir/module.export.path`, module + .js / .mjs / .cjs. */
export function splitNodeHandler(handler: string): { module: string; exportPath: string } | undefined {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  return { module: handler.slice(0, dot), exportPath: handler.slice(dot + 1) };
}

function locateNode(fn: HandlerFunction): HandlerLocation | undefined {
  const parts = splitNodeHandler(fn.handler);
  if (!parts) return undefined;
  const exportName = parts.exportPath.split('.')[0];
  const base = path.resolve(fn.codeUri, parts.module);
  const moduleFile = NODE_EXTENSIONS.map((ext) => base + ext).find(isFile);
  // TypeScript compiled in place (app.ts next to app.js), or not compiled yet.
  const tsNextToIt = TS_EXTENSIONS.map((ext) => base + ext).find(isFile);
  if (!moduleFile) return tsNextToIt ? { file: tsNextToIt, exportName } : undefined;
  const mapped = sourceFromSourceMap(moduleFile, path.basename(parts.module));
  const file = mapped ?? tsNextToIt ?? moduleFile;
  return file === moduleFile ? { file, exportName } : { file, moduleFile, exportName };
}

/** Python's handler is `package/module.function` or `package.module.function`; the module is a .py file or a package's __init__.py. */
function locatePython(fn: HandlerFunction): HandlerLocation | undefined {
  const dot = fn.handler.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const module = fn.handler.slice(0, dot).replace(/\//g, '.');
  const exportName = fn.handler.slice(dot + 1);
  const base = path.join(fn.codeUri, ...module.split('.'));
  const file = [`${base}.py`, path.join(base, '__init__.py')].find(isFile);
  return file ? { file, exportName } : undefined;
}

/** As AWS's Ruby runtime reads it: `file.method` or `file.Module::Class.method`, the file `file.rb` under the code directory. */
function locateRuby(fn: HandlerFunction): HandlerLocation | undefined {
  const parts = fn.handler.split('.');
  if (parts.length !== 2 && parts.length !== 3) return undefined;
  const file = path.resolve(fn.codeUri, `${parts[0]}.rb`);
  return isFile(file) ? { file, exportName: parts[parts.length - 1]! } : undefined;
}

/** A custom runtime's handler means what its bootstrap says: a file named like the handler's first part (`function.handler` → function.sh), else the bootstrap. */
function locateProvided(fn: HandlerFunction): HandlerLocation | undefined {
  const dot = fn.handler.indexOf('.');
  const stem = dot > 0 ? fn.handler.slice(0, dot) : fn.handler;
  const exportName = dot > 0 ? fn.handler.slice(dot + 1) : fn.handler;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(fn.codeUri).sort();
  } catch {
    return undefined;
  }
  const named = entries.find((e) => e !== 'bootstrap' && (e === stem || e.startsWith(`${stem}.`)) && isFile(path.join(fn.codeUri, e)));
  if (named) return { file: path.join(fn.codeUri, named), exportName };
  const bootstrap = path.join(fn.codeUri, 'bootstrap');
  return isFile(bootstrap) ? { file: bootstrap, exportName } : undefined;
}

/**
 * The original source of a compiled module, from its source map (`//# sourceMappingURL=` — a file
 * or an inline data URL — else `<file>.map`): the source named like the module (`app.ts` for
 * app.js), else the last one outside node_modules (bundlers put the entry point last). Only a
 * source that exists on disk is returned.
 */
export function sourceFromSourceMap(moduleFile: string, moduleBaseName = path.basename(moduleFile, path.extname(moduleFile))): string | undefined {
  const map = readSourceMap(moduleFile);
  if (!map || !Array.isArray(map.json.sources)) return undefined;
  const root = typeof map.json.sourceRoot === 'string' ? map.json.sourceRoot : '';
  const sources = map.json.sources
    .filter((s): s is string => typeof s === 'string')
    .map((s) => resolveSource(map.dir, root, s))
    .filter((s): s is string => s !== undefined && !s.split(path.sep).includes('node_modules'))
    .filter(isFile);
  const stem = (f: string) => path.basename(f).replace(/\.[^.]+$/, '');
  return sources.find((s) => stem(s) === moduleBaseName && s !== moduleFile) ?? sources.filter((s) => s !== moduleFile).at(-1);
}

interface SourceMapJson {
  sources?: unknown[];
  sourceRoot?: unknown;
}

function readSourceMap(moduleFile: string): { json: SourceMapJson; dir: string } | undefined {
  const dir = path.dirname(moduleFile);
  let url: string | undefined;
  try {
    const text = fs.readFileSync(moduleFile, 'utf8');
    const matches = [...text.matchAll(/\/\/[#@]\s*sourceMappingURL=(\S+)/g)];
    url = matches.at(-1)?.[1];
  } catch {
    return undefined;
  }
  const parse = (text: string): SourceMapJson | undefined => {
    try {
      const json = JSON.parse(text) as unknown;
      return json && typeof json === 'object' ? (json as SourceMapJson) : undefined;
    } catch {
      return undefined;
    }
  };
  if (url?.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = url.slice(5, comma);
    const data = url.slice(comma + 1);
    const json = parse(meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data));
    return json && { json, dir };
  }
  const mapFile = url ? path.resolve(dir, decodeURIComponent(url.replace(/^file:\/\//, ''))) : `${moduleFile}.map`;
  try {
    const json = parse(fs.readFileSync(mapFile, 'utf8'));
    return json && { json, dir: path.dirname(mapFile) };
  } catch {
    return undefined;
  }
}

function resolveSource(mapDir: string, sourceRoot: string, source: string): string | undefined {
  // webpack://project/./src/app.ts and similar: keep the path part.
  const stripped = source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^file:\/\//, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(stripped) && !/^[a-z]:[\\/]/i.test(stripped)) return undefined;
  const rooted = sourceRoot && !/^[a-z][a-z0-9+.-]*:/i.test(sourceRoot) ? path.join(sourceRoot, stripped) : stripped;
  return path.resolve(mapDir, rooted);
}

/**
 * The 1-based line and column of a declaration of `name` in a source: an export or a top-level
 * function / variable (JavaScript, TypeScript), a `def` (Python, Ruby), a shell function.
 */
export function findExport(text: string, name: string, extension: string): { line: number; column: number } | undefined {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let patterns: RegExp[];
  if (extension === '.py') {
    patterns = [new RegExp(`^(?:async\\s+)?def\\s+(${n})\\s*\\(`, 'm'), new RegExp(`^(${n})\\s*=`, 'm')];
  } else if (extension === '.rb') {
    patterns = [new RegExp(`^\\s*def\\s+(?:self\\.)?(${n})\\b`, 'm')];
  } else if (['.sh', '.bash', ''].includes(extension)) {
    patterns = [new RegExp(`^\\s*(?:function\\s+)?(${n})\\s*\\(\\s*\\)`, 'm'), new RegExp(`^\\s*function\\s+(${n})\\b`, 'm')];
  } else {
    patterns = [
      new RegExp(`^\\s*export\\s+(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*(${n})\\b`, 'm'),
      new RegExp(`^\\s*export\\s+(?:const|let|var)\\s+(${n})\\b`, 'm'),
      new RegExp(`\\b(?:module\\.)?exports\\.(${n})\\s*=`, 'm'),
      new RegExp(`^\\s*(?:async\\s+)?function\\s*\\*?\\s*(${n})\\s*\\(`, 'm'),
      new RegExp(`^\\s*(?:const|let|var)\\s+(${n})\\s*=`, 'm'),
      new RegExp(`^\\s*export\\s*\\{[^}]*\\b(${n})\\b`, 'm'),
      new RegExp(`\\b(${n})\\s*:`, 'm'),
    ];
  }
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const offset = match.index + match[0].lastIndexOf(match[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column };
  }
  return undefined;
}
