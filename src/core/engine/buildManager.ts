import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { BUILDERS, builderNameFor, type BuilderOptions } from '../build/builders';
import { BuildError, type Builder } from '../build/types';
import type { FunctionDefinition } from '../config/types';
import { resolveLocalPython } from '../runtimes/pythonRuntime';
import type { TelemetryStream } from '../telemetry/stream';
import type { FunctionCatalog } from '../versions/functionCatalog';
import { STATE_DIR_NAME, stateLayout } from '../vocabulary/stateDirectory';

// The engine's builds: which functions have something to build, whether their artefact is stale,
// building it (a few at a time; a function whose build fails never blocks the others), and
// telling the catalogue where each function now runs from. At open every stale artefact is
// built; on hot reload, those of the functions that changed. Progress and failures go to the
// event stream (`workbench.build`), which the CLI prints and VS Code shows.

/** Folders never read as a build's inputs: dependencies, version control, build output, our state. */
const NOT_INPUTS = new Set(['node_modules', '.git', '.aws-sam', STATE_DIR_NAME, '__pycache__', '.venv']);
/** Builds at the same time (npm, pip and go are processes of their own; esbuild is in-process). */
const CONCURRENT_BUILDS = 2;

export interface BuildResult {
  functionName: string;
  builder: string;
  status: 'built' | 'upToDate' | 'failed';
  durationMs: number;
  error?: BuildError;
}

export class BuildManager {
  private readonly builders = new Map<string, Builder>();
  private readonly options: BuilderOptions;
  /** Per function name, the last failure (the function runs nowhere until a build succeeds). */
  private readonly failures = new Map<string, BuildError>();

  constructor(
    private readonly stateDir: string,
    private readonly catalog: FunctionCatalog,
    private readonly telemetry: TelemetryStream,
    /** The `pythonPath` setting: pip installs with the interpreter the function runs on. */
    pythonPath?: string,
  ) {
    this.options = { python: (fn) => resolveLocalPython(fn.runtime, pythonPath).then((found) => found.path) };
  }

  /** The builder of a function, if it has something to build. */
  builderFor(fn: FunctionDefinition): Builder | undefined {
    // The template `sam build` wrote (.aws-sam/build/template.yaml) keeps each function's Metadata
    // but points CodeUri at what it built: those functions run as SAM built them.
    if (isSamBuildOutput(this.catalog.template.file)) return undefined;
    const name = builderNameFor(fn);
    return name === undefined ? undefined : this.builder(name, () => BUILDERS[name]!(this.options));
  }

  /** Why the function cannot run (its last build failed), if it cannot. */
  failureOf(functionName: string): BuildError | undefined {
    return this.failures.get(functionName);
  }

  /** Builds the named functions (name or logical id; default: every one) whose artefact is stale, or all of them with `force`. */
  build(functionNames?: string[], options: { force?: boolean } = {}): Promise<BuildResult[]> {
    const only = functionNames && new Set(functionNames.map((name) => this.catalog.templateDefinition(name)?.functionName ?? name));
    return this.buildAll(
      this.catalog.template.functions.filter((fn) => !only || only.has(fn.functionName)),
      options,
    );
  }

  /** Builds the stale artefacts of these functions, a few at a time. */
  async buildAll(functions: FunctionDefinition[], options: { force?: boolean } = {}): Promise<BuildResult[]> {
    const queue = functions.filter((fn) => this.builderFor(fn) !== undefined);
    const results: BuildResult[] = [];
    const worker = async () => {
      for (let fn = queue.shift(); fn; fn = queue.shift()) results.push(await this.buildOne(fn, options.force ?? false));
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_BUILDS, queue.length) }, worker));
    return results;
  }

  async dispose(): Promise<void> {
    for (const builder of this.builders.values()) await builder.dispose?.();
    this.builders.clear();
  }

  private builder(name: string, create: () => Builder): Builder {
    let builder = this.builders.get(name);
    if (!builder) this.builders.set(name, (builder = create()));
    return builder;
  }

  private async buildOne(fn: FunctionDefinition, force: boolean): Promise<BuildResult> {
    const builder = this.builderFor(fn)!;
    const started = Date.now();
    const dirs = this.dirsOf(fn);
    const sourceDir = fn.build?.sourceDir ?? fn.codeUri;
    const emit = (status: 'started' | 'progress' | 'built' | 'upToDate' | 'failed', extra: { message?: string; warnings?: string[] } = {}) =>
      this.telemetry.emit(
        'workbench.build',
        { functionName: fn.functionName, builder: builder.name, status, durationMs: Date.now() - started, ...extra },
        { functionName: fn.functionName, functionVersion: '$LATEST' },
      );
    const stamp = await fingerprint(sourceDir, { builder: builder.name, build: fn.build, runtime: fn.runtime, handler: fn.handler });
    if (!force && (await readStamp(dirs.stamp)) === stamp && (await exists(dirs.artefact))) {
      this.succeeded(fn, dirs.artefact);
      emit('upToDate');
      return { functionName: fn.functionName, builder: builder.name, status: 'upToDate', durationMs: Date.now() - started };
    }
    emit('started');
    try {
      await fsp.mkdir(dirs.artefact, { recursive: true });
      await fsp.mkdir(dirs.cache, { recursive: true });
      const outcome = await builder.build({
        fn,
        sourceDir,
        artefactDir: dirs.artefact,
        cacheDir: dirs.cache,
        log: (line) => emit('progress', { message: line }),
      });
      await fsp.writeFile(dirs.stamp, stamp);
      this.succeeded(fn, dirs.artefact, outcome.changes);
      emit('built', outcome.warnings?.length ? { warnings: outcome.warnings } : {});
      return { functionName: fn.functionName, builder: builder.name, status: 'built', durationMs: Date.now() - started };
    } catch (caught) {
      const error = caught instanceof BuildError ? caught : new BuildError(`${builder.name} failed for ${fn.logicalId}: ${(caught as Error).message}`);
      await fsp.rm(dirs.stamp, { force: true });
      this.failures.set(fn.functionName, error);
      this.catalog.setBuilt(fn.functionName, undefined);
      emit('failed', { message: error.message });
      return { functionName: fn.functionName, builder: builder.name, status: 'failed', durationMs: Date.now() - started, error };
    }
  }

  private succeeded(fn: FunctionDefinition, artefactDir: string, changes?: Partial<Pick<FunctionDefinition, 'handler' | 'runtime'>>): void {
    this.failures.delete(fn.functionName);
    this.catalog.setBuilt(fn.functionName, { codeUri: artefactDir, ...changes });
  }

  private dirsOf(fn: FunctionDefinition): { artefact: string; cache: string; stamp: string } {
    const root = path.join(stateLayout(this.stateDir).build, fn.logicalId);
    return { artefact: path.join(root, 'artefact'), cache: path.join(root, 'cache'), stamp: path.join(root, 'stamp.json') };
  }
}

/** `.aws-sam/build/template.yaml` (or any template under `.aws-sam/build/`). */
export function isSamBuildOutput(templateFile: string): boolean {
  return path.resolve(templateFile).split(path.sep).join('/').includes('/.aws-sam/build/');
}

/** A hash of what a build reads: every input file's path, size and modification time, and the build's settings. */
async function fingerprint(sourceDir: string, settings: unknown): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  const walk = async (dir: string): Promise<void> => {
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (NOT_INPUTS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const stat = await fsp.stat(full);
        hash.update(`${path.relative(sourceDir, full)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  await walk(sourceDir);
  return hash.digest('hex');
}

async function readStamp(file: string): Promise<string | undefined> {
  return fsp.readFile(file, 'utf8').catch(() => undefined);
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
