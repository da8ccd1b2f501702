import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildContext, BuildOptions, Message } from 'esbuild';
import { BuildError, type Builder, type BuildOutcome, type BuildRequest } from './types';

// `Metadata.BuildMethod: esbuild` as `sam build` runs it (aws-lambda-builders' nodejs_npm_esbuild
// workflow), through esbuild's JavaScript API instead of its command line: the function's
// BuildProperties become esbuild options the way SAM turns them into flags (a boolean true is a
// flag, a string a value, a list one flag per item), with SAM's fixed values (bundle, platform
// node, the artefact as outdir) and defaults (target es2020, format cjs, minify). Unlike a
// deployment build, a local one always writes source maps, so breakpoints in the TypeScript bind.
// Each function keeps an incremental esbuild context: a rebuild after an edit reparses only what
// changed.

/** What SAM sets itself: a BuildProperty of these names is ignored, as aws-lambda-builders ignores it. */
const FIXED = new Set(['bundle', 'platform', 'outdir']);
/** Properties of SAM's Node.js workflows that are not esbuild options. */
const NOT_ESBUILD = new Set(['useNpmCi', 'entryPoints']);
/** esbuild options whose list items are `key=value` pairs (SAM: `--loader:.png=file`). */
const MAP_OPTIONS = new Set(['loader', 'outExtension', 'banner', 'footer', 'define', 'alias', 'supported']);
/** esbuild options taking a comma-separated string on the command line and a list in the API. */
const LIST_FROM_STRING = new Set(['mainFields', 'resolveExtensions', 'conditions']);

type Esbuild = typeof import('esbuild');

/** esbuild is loaded at run time, never bundled: it finds its platform binary next to its own files. */
function loadEsbuild(): Esbuild {
  const name = 'esbuild';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed name keeps the bundler from inlining esbuild
    return require(name) as Esbuild;
  } catch (error) {
    throw new BuildError(`esbuild could not be loaded (${(error as Error).message}); it ships with Lambda Workbench — reinstall it`);
  }
}

/** `EntryPoints` → `entryPoints`, `Minify` → `minify` (SAM's snake_case keys too: `main_fields` → `mainFields`). */
function optionName(property: string): string {
  const camel = property.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/** An entry point as SAM resolves it: as written when it has an extension, else `.ts` then `.js`. */
function entryPoint(sourceDir: string, entry: unknown): string {
  if (typeof entry !== 'string' || entry === '') {
    throw new BuildError(`BuildProperties.EntryPoints: every entry must be a file name, not ${JSON.stringify(entry)}`);
  }
  const full = path.resolve(sourceDir, entry);
  const candidates = path.extname(entry) ? [full] : [`${full}.ts`, `${full}.js`];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new BuildError(`BuildProperties.EntryPoints: entry point ${entry} does not exist in ${sourceDir}`);
  return found;
}

/** Metadata.BuildProperties → esbuild's build options for one function. */
export function esbuildOptions(properties: Record<string, unknown>, sourceDir: string, outdir: string): BuildOptions {
  const byName = new Map(Object.entries(properties).map(([key, value]) => [optionName(key), value]));
  const entries = byName.get('entryPoints');
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new BuildError('Metadata.BuildProperties.EntryPoints must list the handler files to bundle (e.g. [app.ts]), as sam build requires');
  }
  const options: Record<string, unknown> = {
    entryPoints: entries.map((entry) => entryPoint(sourceDir, entry)),
    bundle: true,
    platform: 'node',
    outdir,
    absWorkingDir: sourceDir,
    target: 'es2020',
    format: 'cjs',
    minify: true,
  };
  for (const [name, value] of byName) {
    if (FIXED.has(name) || NOT_ESBUILD.has(name)) continue;
    if (MAP_OPTIONS.has(name)) options[name] = pairs(name, value);
    else if (LIST_FROM_STRING.has(name) && typeof value === 'string') options[name] = value.split(',').map((item) => item.trim());
    else if (name === 'sourcemap') continue;
    else options[name] = value;
  }
  // Always, whatever the template says: a local build is for running and debugging.
  options.sourcemap = true;
  options.sourcesContent = true;
  options.logLevel = 'silent';
  return options as BuildOptions;
}

/** `['.png=file', '.svg=text']` → `{ '.png': 'file', '.svg': 'text' }`; a mapping passes through. */
function pairs(name: string, value: unknown): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, string>;
  const items = Array.isArray(value) ? value : [value];
  const result: Record<string, string> = {};
  for (const item of items) {
    const text = String(item);
    const at = text.indexOf('=');
    if (at <= 0) throw new BuildError(`BuildProperties: ${name} entries are key=value pairs, not ${JSON.stringify(item)}`);
    result[text.slice(0, at)] = text.slice(at + 1);
  }
  return result;
}

/** esbuild's message as its CLI prints it: `file:line:column: text`. */
export function formatMessage(message: Message, sourceDir: string): string {
  const location = message.location;
  if (!location) return message.text;
  const file = path.isAbsolute(location.file) ? path.relative(sourceDir, location.file) : location.file;
  return `${file}:${location.line}:${location.column + 1}: ${message.text}`;
}

export class EsbuildBuilder implements Builder {
  readonly name = 'esbuild';
  /** Per artefact directory: the options it was created with and the incremental context. */
  private readonly contexts = new Map<string, { key: string; context: BuildContext }>();

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const options = esbuildOptions(request.fn.build?.properties ?? {}, request.sourceDir, request.artefactDir);
    const context = await this.contextFor(request.artefactDir, options);
    request.log(`esbuild ${(options.entryPoints as string[]).map((entry) => path.relative(request.sourceDir, entry)).join(', ')} → ${request.artefactDir}`);
    try {
      const result = await context.rebuild();
      return { warnings: result.warnings.map((warning) => formatMessage(warning, request.sourceDir)) };
    } catch (error) {
      const failure = error as { errors?: Message[] };
      if (!Array.isArray(failure.errors)) throw error;
      // A failed context may keep stale state: start the next build afresh.
      await this.forget(request.artefactDir);
      throw new BuildError(
        `esbuild could not build ${request.fn.logicalId}`,
        failure.errors.map((message) => formatMessage(message, request.sourceDir)),
      );
    }
  }

  async dispose(): Promise<void> {
    for (const artefactDir of [...this.contexts.keys()]) await this.forget(artefactDir);
  }

  private async contextFor(artefactDir: string, options: BuildOptions): Promise<BuildContext> {
    const key = JSON.stringify(options);
    const existing = this.contexts.get(artefactDir);
    if (existing?.key === key) return existing.context;
    await this.forget(artefactDir);
    const context = await loadEsbuild().context(options);
    this.contexts.set(artefactDir, { key, context });
    return context;
  }

  private async forget(artefactDir: string): Promise<void> {
    const existing = this.contexts.get(artefactDir);
    this.contexts.delete(artefactDir);
    await existing?.context.dispose();
  }
}
