import * as path from 'node:path';
import { applyEnvironmentOverrides } from '../config/samOverrides';
import type { FunctionDefinition } from '../config/types';
import { CredentialCache, userCredentialChain } from '../environment/credentials';
import { DebugModes } from '../environment/debugModes';
import { ExecutionEnvironment } from '../environment/environment';
import { OptDirectories } from '../layers/optDir';
import { NodeRuntime, resolveLocalNode } from '../runtimes/nodeRuntime';
import { ProvidedRuntime } from '../runtimes/providedRuntime';
import { PythonRuntime, resolveLocalPython } from '../runtimes/pythonRuntime';
import { JavaRuntime } from '../runtimes/javaRuntime';
import { JavaClassDataSharing } from '../runtimes/javaClassDataSharing';
import { RubyRuntime, resolveLocalRuby } from '../runtimes/rubyRuntime';
import type { RuntimeAdapter } from '../runtimes/types';
import type { InitializationType } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';
import { stateLayout } from '../vocabulary/stateDirectory';
import type { WorkbenchSettings } from './settings';

// How the engine makes an execution environment: the runtime adapter of the function's runtime,
// the credentials handed to functions, the function version's /opt, and the function's debug mode.
// The scheduler calls `create` for every cold start.

export class EnvironmentFactory {
  /** Which functions start their environments waiting for a debugger, and with what. */
  readonly debugModes = new DebugModes();
  readonly optDirs: OptDirectories;
  private readonly credentials: CredentialCache;
  private readonly runtimes: Map<string, RuntimeAdapter>;
  private readonly java: JavaRuntime;

  constructor(
    private readonly settings: WorkbenchSettings,
    stateDir: string,
    private readonly telemetry: TelemetryStream,
    /** Why a function's $LATEST cannot start: its last build failed. */
    private readonly builds: { failureOf(functionName: string): Error | undefined },
  ) {
    const warn = (message: string) => telemetry.emit('workbench.warning', { message });
    // Its classes are compiled into the state directory when the build shipped no runtime.jar.
    const classDataSharing = settings.javaClassDataSharing === false ? undefined : new JavaClassDataSharing(stateLayout(stateDir).javaCds);
    this.java = new JavaRuntime(settings.javaPath, warn, path.join(stateDir, 'runtimes', 'java'), classDataSharing);
    this.runtimes = new Map<string, RuntimeAdapter>([
      ['nodejs', new NodeRuntime(settings.nodePath, warn, settings.nodeHeapLimit ?? true)],
      ['python', new PythonRuntime(settings.pythonPath, warn)],
      ['ruby', new RubyRuntime(settings.rubyPath, warn)],
      ['java', this.java],
      ['provided', new ProvidedRuntime()],
    ]);
    this.optDirs = new OptDirectories(stateLayout(stateDir).opt);
    this.credentials = new CredentialCache(settings.credentials ?? userCredentialChain());
  }

  create(fn: FunctionDefinition, version: string, initializationType: InitializationType): ExecutionEnvironment {
    const failure = version === '$LATEST' ? this.builds.failureOf(fn.functionName) : undefined;
    // A function the template reader found it cannot run (e.g. an image not FROM an AWS base image) fails alone, with the reader's reason.
    const unrunnable = failure?.message ?? fn.unsupported;
    const runtime = unrunnable !== undefined ? failingAdapter(unrunnable) : this.runtimeFor(fn.runtime);
    // SAM's --env-vars (and shell variables) apply to every version: they say where this machine's
    // run points (a local table, a test endpoint), not what was published; a debug session's own variables win.
    const launch = this.debugModes.launchOf(applyEnvironmentOverrides(fn, this.settings.environmentOverrides, this.settings.shellEnvironment));
    return new ExecutionEnvironment({
      fn: launch.fn,
      version,
      region: this.settings.region,
      runtime,
      credentials: this.credentials,
      telemetry: this.telemetry,
      initializationType,
      initTimeoutMs: this.settings.initTimeoutSeconds * 1000,
      shutdownGraceMs: this.settings.shutdownGraceMs,
      debug: launch.debug,
      stopOnInit: launch.stopOnInit,
      tmpRoot: this.settings.tmpRoot,
      optDir: () => this.optDirs.get(fn.functionName, version, fn.layers),
    });
  }

  /** Resolves the node, python, ruby and java binaries (and compiles the Java runtime if need be) and the credentials ahead of the first cold start. */
  warmCaches(functions: FunctionDefinition[]): void {
    if (functions.some((f) => f.runtime.startsWith('nodejs'))) {
      resolveLocalNode(this.settings.nodePath).catch(() => undefined);
    }
    for (const runtime of new Set(functions.map((f) => f.runtime).filter((r) => r.startsWith('python')))) {
      resolveLocalPython(runtime, this.settings.pythonPath).catch(() => undefined);
    }
    for (const runtime of new Set(functions.map((f) => f.runtime).filter((r) => r.startsWith('ruby')))) {
      resolveLocalRuby(runtime, this.settings.rubyPath).catch(() => undefined);
    }
    if (functions.some((f) => f.runtime.startsWith('java'))) this.java.warm();
    this.credentials.get().catch(() => undefined);
  }

  private runtimeFor(runtime: string): RuntimeAdapter {
    for (const [prefix, adapter] of this.runtimes) if (runtime.startsWith(prefix)) return adapter;
    return failingAdapter(`Runtime ${runtime} is not supported locally yet`);
  }
}

/** A runtime that cannot start: INIT fails with this message. */
function failingAdapter(message: string): RuntimeAdapter {
  return {
    launch: async () => {
      throw new Error(message);
    },
  };
}
