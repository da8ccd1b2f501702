import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ARCHIVE_BUILDER, ArchiveBuilder } from '../build/archiveBuilder';
import { builderNameFor, createBuilder, type BuilderOptions } from '../build/builders';
import { BuildError, type Builder } from '../build/types';
import type { FunctionDefinition, LayerDefinition } from '../config/types';
import { isCodeArchive } from '../config/validation';
import { resolveLocalPython } from '../runtimes/pythonRuntime';
import { resolveLocalRuby } from '../runtimes/rubyRuntime';
import type { TelemetryStream } from '../telemetry/stream';
import type { FunctionCatalog } from '../versions/functionCatalog';
import { STATE_DIR_NAME, stateLayout } from '../vocabulary/stateDirectory';
import { layerAsFunction, layerBuildPlan, layerFailure, layerOutputDir, layersToBuild } from './layerBuilds';

// The engine's builds: which functions have something to build, whether their artefact is stale,
// building it (a few at a time; a function whose build fails never blocks the others), and
// telling the catalogue where each function now runs from. At open every stale artefact is
// built; on hot reload, those of the functions that changed. Progress and failures go to the
// event stream (`workbench.build`), which the CLI prints and VS Code shows. Layers with a
// BuildMethod (layerBuilds.ts) are built first, named by their logical id; a layer that fails
// fails the functions using it. A CodeUri (or layer ContentUri) that is a .zip / .jar archive is an
// artefact too: extracted (archiveBuilder.ts) when its content changed, never built — as sam build
// skips a pre-packaged archive and sam local unzips it — also for a template sam build wrote.

/** Folders never read as a build's inputs: dependencies, version control, build output, our state, Gradle's caches. */
const NOT_INPUTS = new Set(['node_modules', '.git', '.aws-sam', STATE_DIR_NAME, '__pycache__', '.venv', '.gradle']);
/** Builds at the same time (npm, pip and go are processes of their own; esbuild is in-process). */
const CONCURRENT_BUILDS = 2;

export interface BuildResult {
  /** The function's name, or a layer's logical id (`layer` set). */
  functionName: string;
  layer?: true;
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
  /** Per layer logical id, the last failure (the functions using it run nowhere until it builds). */
  private readonly layerFailures = new Map<string, BuildError>();

  constructor(
    private readonly stateDir: string,
    private readonly catalog: FunctionCatalog,
    private readonly telemetry: TelemetryStream,
    /** The `pythonPath` setting: pip installs with the interpreter the function runs on. */
    pythonPath?: string,
    /** The `rubyPath` setting: bundler installs with the Ruby the function runs on. */
    rubyPath?: string,
  ) {
    this.options = {
      python: (fn) => resolveLocalPython(fn.runtime, pythonPath).then((found) => found.path),
      ruby: (fn) => resolveLocalRuby(fn.runtime, rubyPath).then((found) => found.path),
    };
  }

  /** The builder of a function, if it has something to build (or an archive to extract). */
  builderFor(fn: FunctionDefinition): Builder | undefined {
    if (isCodeArchive(fn.codeUri)) return this.builderNamed(ARCHIVE_BUILDER);
    // The template `sam build` wrote (.aws-sam/build/template.yaml) keeps each function's Metadata
    // but points CodeUri at what it built: those functions run as SAM built them.
    if (isSamBuildOutput(this.catalog.template.file)) return undefined;
    const name = builderNameFor(fn);
    return name === undefined ? undefined : this.builderNamed(name);
  }

  /** Why the function cannot run (its last build, or that of one of its layers, failed), if it cannot. */
  failureOf(functionName: string): BuildError | undefined {
    const own = this.failures.get(functionName);
    if (own) return own;
    for (const ref of this.catalog.templateDefinition(functionName)?.layers ?? []) {
      const failure = ref.logicalId === undefined ? undefined : this.layerFailures.get(ref.logicalId);
      if (failure) return failure;
    }
    return undefined;
  }

  /** Builds the named functions (name or logical id; default: every one) whose artefact is stale, or all of them with `force`. */
  build(functionNames?: string[], options: { force?: boolean } = {}): Promise<BuildResult[]> {
    const only = functionNames && new Set(functionNames.map((name) => this.catalog.templateDefinition(name)?.functionName ?? name));
    const functions = this.catalog.template.functions.filter((fn) => !only || only.has(fn.functionName));
    // Every layer when nothing is named, as `sam build` builds the template's layers.
    return this.buildTargets([...this.layerTargets(layersToBuild(this.catalog.template, only && functions)), ...this.functionTargets(functions)], options);
  }

  /** Builds the stale artefacts of these functions and of the layers they use (layers first), a few at a time. */
  buildAll(functions: FunctionDefinition[], options: { force?: boolean } = {}): Promise<BuildResult[]> {
    return this.buildTargets([...this.layerTargets(layersToBuild(this.catalog.template, functions)), ...this.functionTargets(functions)], options);
  }

  async dispose(): Promise<void> {
    for (const builder of this.builders.values()) await builder.dispose?.();
    this.builders.clear();
  }

  /** One builder per name, kept (esbuild's contexts live in its builder). */
  private builderNamed(name: string): Builder {
    let builder = this.builders.get(name);
    if (!builder) this.builders.set(name, (builder = name === ARCHIVE_BUILDER ? new ArchiveBuilder() : createBuilder(name, this.options)));
    return builder;
  }

  private async buildTargets(targets: BuildTarget[], options: { force?: boolean }): Promise<BuildResult[]> {
    const results: BuildResult[] = [];
    // Layers first: a function's next cold start sees its layers' new artefacts.
    for (const queue of [targets.filter((t) => t.layer), targets.filter((t) => !t.layer)]) {
      const worker = async () => {
        for (let target = queue.shift(); target; target = queue.shift()) results.push(await this.buildOne(target, options.force ?? false));
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_BUILDS, queue.length) }, worker));
    }
    return results;
  }

  private functionTargets(functions: FunctionDefinition[]): BuildTarget[] {
    const targets: BuildTarget[] = [];
    for (const fn of functions) {
      const builder = this.builderFor(fn);
      if (!builder) continue;
      const dirs = this.dirsOf(fn.logicalId);
      targets.push({
        name: fn.functionName,
        fn,
        builder,
        dirs,
        outputDir: dirs.artefact,
        succeeded: (changes) => {
          this.failures.delete(fn.functionName);
          this.catalog.setBuilt(fn.functionName, { codeUri: dirs.artefact, ...changes });
        },
        failed: (error) => {
          this.failures.set(fn.functionName, error);
          this.catalog.setBuilt(fn.functionName, undefined);
        },
      });
    }
    return targets;
  }

  private layerTargets(layers: LayerDefinition[]): BuildTarget[] {
    const targets: BuildTarget[] = [];
    for (const layer of layers) {
      // An archive is extracted even in the template sam build wrote (it leaves a .zip layer as it is).
      const plan = isCodeArchive(layer.contentUri) || !isSamBuildOutput(this.catalog.template.file) ? layerBuildPlan(layer) : undefined;
      if (!plan) {
        // No longer built (its BuildMethod went): it runs from its ContentUri again.
        this.layerFailures.delete(layer.logicalId);
        this.catalog.setBuiltLayer(layer.logicalId, undefined);
        continue;
      }
      const dirs = this.dirsOf(layer.logicalId);
      targets.push({
        name: layer.logicalId,
        layer: true,
        fn: layerAsFunction(layer, plan),
        builder: this.builderNamed(plan.builderName),
        dirs,
        outputDir: layerOutputDir(dirs.artefact, plan),
        succeeded: () => {
          this.layerFailures.delete(layer.logicalId);
          this.catalog.setBuiltLayer(layer.logicalId, dirs.artefact);
        },
        failed: (error) => {
          this.layerFailures.set(layer.logicalId, layerFailure(layer.logicalId, error));
          this.catalog.setBuiltLayer(layer.logicalId, undefined);
        },
      });
    }
    return targets;
  }

  private async buildOne(target: BuildTarget, force: boolean): Promise<BuildResult> {
    const { fn, builder, dirs } = target;
    const started = Date.now();
    const sourceDir = fn.build?.sourceDir ?? fn.codeUri;
    const emit = (status: 'started' | 'progress' | 'built' | 'upToDate' | 'failed', extra: { message?: string; warnings?: string[] } = {}) =>
      this.telemetry.emit(
        'workbench.build',
        { functionName: target.name, builder: builder.name, status, durationMs: Date.now() - started, ...extra },
        { functionName: target.name, functionVersion: '$LATEST' },
      );
    const result = (status: BuildResult['status'], error?: BuildError): BuildResult => ({
      functionName: target.name,
      ...(target.layer ? { layer: true } : {}),
      builder: builder.name,
      status,
      durationMs: Date.now() - started,
      ...(error ? { error } : {}),
    });
    const stamp = await fingerprint(sourceDir, { builder: builder.name, build: fn.build, runtime: fn.runtime, handler: fn.handler, layer: target.layer });
    if (!force && (await readStamp(dirs.stamp)) === stamp && (await exists(dirs.artefact))) {
      target.succeeded();
      emit('upToDate');
      return result('upToDate');
    }
    emit('started');
    try {
      // A layer's artefact holds one /opt folder: what another BuildMethod left there goes.
      if (target.layer) await fsp.rm(dirs.artefact, { recursive: true, force: true });
      await fsp.mkdir(target.outputDir, { recursive: true });
      await fsp.mkdir(dirs.cache, { recursive: true });
      const outcome = await builder.build({
        fn,
        sourceDir,
        artefactDir: target.outputDir,
        cacheDir: dirs.cache,
        log: (line) => emit('progress', { message: line }),
      });
      await fsp.writeFile(dirs.stamp, stamp);
      target.succeeded(outcome.changes);
      emit('built', outcome.warnings?.length ? { warnings: outcome.warnings } : {});
      return result('built');
    } catch (caught) {
      const error = caught instanceof BuildError ? caught : new BuildError(`${builder.name} failed for ${fn.logicalId}: ${(caught as Error).message}`);
      await fsp.rm(dirs.stamp, { force: true });
      target.failed(error);
      emit('failed', { message: error.message });
      return result('failed', error);
    }
  }

  private dirsOf(logicalId: string): BuildDirs {
    const root = path.join(stateLayout(this.stateDir).build, logicalId);
    return { artefact: path.join(root, 'artefact'), cache: path.join(root, 'cache'), stamp: path.join(root, 'stamp.json') };
  }
}

interface BuildDirs {
  artefact: string;
  cache: string;
  stamp: string;
}

/** One artefact to build: a function's, or a layer's (named by its logical id). */
interface BuildTarget {
  /** In events and results: the function's name, or the layer's logical id. */
  name: string;
  layer?: true;
  /** What the builder is given (a layer as a definition of its own: layerBuilds.ts). */
  fn: FunctionDefinition;
  builder: Builder;
  dirs: BuildDirs;
  /** Where the builder writes: the artefact, or a layer's /opt folder inside it (nodejs/, python/). */
  outputDir: string;
  succeeded(changes?: Partial<Pick<FunctionDefinition, 'handler' | 'runtime'>>): void;
  failed(error: BuildError): void;
}

/** `.aws-sam/build/template.yaml` (or any template under `.aws-sam/build/`). */
export function isSamBuildOutput(templateFile: string): boolean {
  return path.resolve(templateFile).split(path.sep).join('/').includes('/.aws-sam/build/');
}

/**
 * A hash of what a build reads: every input file's path, size and modification time, and the build's
 * settings; for an archive, its content (a copy put in place keeps its time, a rebuilt jar may keep its size).
 */
async function fingerprint(sourceDir: string, settings: unknown): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  if (isCodeArchive(sourceDir)) {
    await pipeline(createReadStream(sourceDir), hash, { end: false }).catch(() => hash.update('unreadable'));
    return hash.digest('hex');
  }
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
