import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic, hasErrors, loadTemplate } from './config';
import type { Diagnostic, FunctionDefinition, TemplateModel } from './config/types';
import { CredentialCache, userCredentialChain, type CredentialResolver } from './environment/credentials';
import { DebugModes, type DebugOverrides } from './environment/debugModes';
import { ExecutionEnvironment } from './environment/environment';
import { environmentInfo, type EnvironmentInfo } from './environment/environmentInfo';
import { hostTmpDir, removeStaleTmpDirs } from './environment/lambdaEnv';
import { Invoker, type InvocationResult, type InvokeOptions } from './invoke/invoker';
import { AsyncInvoker, type AsyncInvokeOptions, type AsyncQueueStatus } from './invoke/asyncInvoker';
import { MAX_ASYNC_PAYLOAD_BYTES } from './config/asyncPolicy';
import type { DestinationMessage } from './invoke/destinations';
import { NodeRuntime, resolveLocalNode } from './runtimes/nodeRuntime';
import { ProvidedRuntime } from './runtimes/providedRuntime';
import { PythonRuntime, resolveLocalPython } from './runtimes/pythonRuntime';
import type { RuntimeAdapter } from './runtimes/types';
import { OptDirectories } from './layers/optDir';
import { SharedStore } from './store/sharedStore';
import type { SourceEndpoints } from './sources/declarations';
import { EventSources } from './esm/eventSources';
import { POLLER_FACTORIES, SOURCE_FACTORIES } from './esm/sourceFactories';
import { changedFunctions, HotReloader, type HotReloadChange } from './reload/hotReload';
import { Scheduler } from './scheduler/scheduler';
import type { InitializationType, TelemetryListener } from './telemetry/events';
import { TelemetryStream } from './telemetry/stream';
import { WorkbenchError } from './errors';
import { DEFAULT_REGION, functionArn } from './vocabulary/functionNames';
import { ControlPlane } from './versions/controlPlane';
import { FunctionVersions } from './versions/functionVersions';
import { ProvisionedConcurrency } from './versions/provisionedConcurrency';
import { applyTemplateVersions } from './versions/templateVersions';
import { VersionStore, type FunctionSettings } from './versions/versionStore';
import { stateDirOf, stateLayout } from './vocabulary/stateDirectory';

// The façade: one engine for one template. The CLI, the extension, the debug adapter, tests and
// benchmarks all go through it.

export interface WorkbenchSettings {
  region: string;
  /** node binary for nodejs* functions (default: `node` on PATH). */
  nodePath?: string;
  /** Cap Node's heap from MemorySize as Lambda does (default true; off: ~8 ms faster cold starts). */
  nodeHeapLimit?: boolean;
  /** Python interpreter for python3.* functions (default: `python3.X`, else `python3`, on PATH). */
  pythonPath?: string;
  /** Idle environments are shut down after this long (default 10 minutes). */
  keepAliveSeconds: number;
  /** Lambda's on-demand INIT limit (default 10 s). */
  initTimeoutSeconds: number;
  /** Engine-wide concurrency (default 1000). */
  accountConcurrency: number;
  /** SIGTERM → SIGKILL grace when an environment shuts down. */
  shutdownGraceMs: number;
  /** Parent of the per-environment TMPDIRs. */
  tmpRoot: string;
  /** Where the engine keeps its state (materialised layers…); default `.lambda-workbench` next to the template. */
  stateDir?: string;
  /** Credentials handed to functions (default: the user's chain, else fake ones). */
  credentials?: CredentialResolver;
  parameterOverrides?: Record<string, string>;
  /**
   * At open, do what a deployment of the template would: AutoPublishAlias publishes changed
   * functions and moves its alias, AWS::Lambda::Version / Alias resources are published and
   * created (default true; false for tools that only read or edit the state).
   */
  applyTemplateVersions?: boolean;
  /** Start provisioned environments at open (default true; false for tools that run nothing). */
  provision?: boolean;
  /** Provisioned concurrency of $LATEST per function name or logical id (a local convenience: Lambda provisions versions and aliases only). */
  provisionedConcurrency?: Record<string, number>;
  /** Asynchronous invocation: delay before each retry after a function error (default [1, 2]; Lambda: 60, 120). */
  asyncRetryDelaysSeconds?: number[];
  /** Overrides every function's MaximumEventAgeInSeconds (local testing; the template's minimum is 60). */
  asyncMaximumEventAgeSeconds?: number;
  /** At most this many asynchronous attempts of one function in flight (default 10; see asyncPolicy.ts). */
  asyncConcurrency?: number;
  /** Process queued asynchronous events (default true; false for tools that only read the store). */
  asyncWorkers?: boolean;
  /** On close, attempts in flight get this long to finish and be recorded; later ones stay queued (default 2000). */
  asyncCloseGraceMs?: number;
  /** Run the event source mappings' pollers (default true; false for tools that run nothing). */
  eventSourceMappings?: boolean;
  /** Queues and streams on real endpoints instead of embedded: logical id, name or ARN → endpoint. */
  sourceEndpoints?: SourceEndpoints;
  /** Watch the template, code and layer directories and retire $LATEST environments on changes (default true). */
  hotReload?: boolean;
}

export const DEFAULT_SETTINGS: WorkbenchSettings = {
  region: DEFAULT_REGION,
  keepAliveSeconds: 600,
  initTimeoutSeconds: 10,
  accountConcurrency: 1000,
  shutdownGraceMs: 500,
  tmpRoot: path.join(os.tmpdir(), 'lambda-workbench'),
};

/** The template has errors: nothing can run until they are fixed. */
export class TemplateError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`The template has ${errors.length} error(s): ${errors.map(formatDiagnostic).join('; ')}`);
  }
}

export type { EnvironmentInfo } from './environment/environmentInfo';

export class Workbench {
  readonly telemetry = new TelemetryStream();
  readonly settings: WorkbenchSettings;
  private readonly scheduler: Scheduler;
  private readonly invoker: Invoker;
  private readonly asyncInvoker: AsyncInvoker;
  private readonly runtimes: Map<string, RuntimeAdapter>;
  private readonly credentials: CredentialCache;
  private readonly debugModes = new DebugModes();
  private readonly optDirs: OptDirectories;
  private byName = new Map<string, FunctionDefinition>();
  /** Published versions and aliases of every function ($LATEST is the template's definition). */
  readonly versions: FunctionVersions;
  /** Lambda's control-plane operations (GetFunction, PublishVersion, aliases, concurrency…). */
  readonly controlPlane: ControlPlane;
  /** Settings made through the control-plane API, per function name (they override the template). */
  private readonly apiSettings = new Map<string, FunctionSettings>();
  /** Template definitions with the API's settings applied (rebuilt when either changes). */
  private effectiveDefinitions = new WeakMap<FunctionDefinition, FunctionDefinition>();
  private readonly provisioned: ProvisionedConcurrency;
  /** The engine's LevelDB, opened on first use: asynchronous invocation, embedded queues and streams. */
  readonly store: SharedStore;
  /** Queues, streams and event source mappings (Lambda's pollers). */
  readonly eventSources: EventSources;

  private hotReloader: HotReloader | undefined;

  private constructor(/** Replaced when hot reload reads a changed template. */ public template: TemplateModel, settings: Partial<WorkbenchSettings>) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.indexFunctions(template.functions);
    const warn = (message: string) => this.telemetry.emit('workbench.warning', { message });
    this.runtimes = new Map<string, RuntimeAdapter>([
      ['nodejs', new NodeRuntime(this.settings.nodePath, warn, this.settings.nodeHeapLimit ?? true)],
      ['python', new PythonRuntime(this.settings.pythonPath, warn)],
      ['provided', new ProvidedRuntime()],
    ]);
    this.optDirs = new OptDirectories(stateLayout(this.stateDir).opt);
    this.store = new SharedStore(stateLayout(this.stateDir).store);
    this.versions = new FunctionVersions(new VersionStore(this.stateDir), () => this.settings.region, [this.stateDir]);
    this.controlPlane = new ControlPlane({
      region: () => this.settings.region,
      templateFile: () => this.template.file,
      functions: () => this.functions(),
      lookup: (name) => this.getFunction(name),
      versions: this.versions,
      accountConcurrency: () => this.settings.accountConcurrency,
      settingsChanged: (functionName, settings) => this.applyApiSettings(functionName, settings),
      provisionedStatus: (functionName, version) => this.provisioned.status(functionName, version),
      checkProvisionedConcurrency: (fn, qualifier, count) => this.provisioned.check(fn, qualifier, count),
    });
    this.credentials = new CredentialCache(this.settings.credentials ?? userCredentialChain());
    this.scheduler = new Scheduler(
      { accountConcurrency: this.settings.accountConcurrency, keepAliveMs: this.settings.keepAliveSeconds * 1000 },
      (fn, version, initializationType) => this.createEnvironment(fn, version, initializationType),
      this.telemetry,
      () => this.functions(),
    );
    this.provisioned = new ProvisionedConcurrency(this.scheduler, this.versions, this.telemetry, {
      functions: () => this.functions(),
      getFunction: (name) => this.getFunction(name),
      latestOverrides: () => this.settings.provisionedConcurrency ?? {},
      apiSettings: () => this.apiSettings,
      accountConcurrency: () => this.settings.accountConcurrency,
    });
    this.invoker = new Invoker(this.scheduler, (name) => this.getFunction(name), () => this.settings.region, this.versions);
    this.asyncInvoker = new AsyncInvoker({
      scheduler: this.scheduler,
      telemetry: this.telemetry,
      lookup: (name) => this.getFunction(name),
      resolve: (name, payload, qualifier) => this.invoker.check(name, payload, qualifier, MAX_ASYNC_PAYLOAD_BYTES),
      target: (fn, qualifier) => this.versions.resolve(fn, qualifier),
      configured: (fn, qualifier) => this.withEventInvokeConfig(fn, qualifier),
      functions: () => this.functions(),
      store: this.store,
      sendToQueue: async (arn, body, attributes) => {
        const queue = this.eventSources.sources.queue(arn);
        if (!queue) return false;
        const messageAttributes = attributes && Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, 'DataType' in v ? v : { DataType: 'String', StringValue: v.Value }]));
        await queue.send([{ body, messageAttributes }]);
        return true;
      },
      settings: () => ({
        region: this.settings.region,
        accountConcurrency: this.settings.accountConcurrency,
        retryDelaysSeconds: this.settings.asyncRetryDelaysSeconds ?? [1, 2],
        maximumEventAgeSeconds: this.settings.asyncMaximumEventAgeSeconds,
        maxConcurrencyPerFunction: this.settings.asyncConcurrency ?? 10,
        workers: this.settings.asyncWorkers ?? true,
      }),
    });
    this.eventSources = this.createEventSources();
  }

  private createEventSources(): EventSources {
    return new EventSources(this.store, {
      region: () => this.settings.region,
      model: () => this.template,
      sourceEndpoints: () => this.settings.sourceEndpoints ?? {},
      stateDir: this.stateDir,
      telemetry: this.telemetry,
      invoke: (functionName, payload, qualifier) => this.invoke(functionName, payload, { qualifier }),
      checkFunction: async (functionName, qualifier) => {
        await this.invoker.check(functionName, Buffer.alloc(0), qualifier);
      },
      recordDestinationMessage: (message) => this.asyncInvoker.recordMessage({ ...message, role: 'OnFailure' }),
    }, SOURCE_FACTORIES, POLLER_FACTORIES);
  }

  /**
   * Reads the template; throws TemplateError when it has errors. `onTelemetry` is subscribed before
   * anything runs: provisioned environments initialise during open, before the caller gets the engine.
   */
  static async open(options: { template: string; settings?: Partial<WorkbenchSettings>; onTelemetry?: TelemetryListener }): Promise<Workbench> {
    const settings = options.settings ?? {};
    const model = await loadTemplate(path.resolve(options.template), {
      region: settings.region ?? DEFAULT_SETTINGS.region,
      parameterOverrides: settings.parameterOverrides,
    });
    if (hasErrors(model)) throw new TemplateError(model.diagnostics);
    const workbench = new Workbench(model, settings);
    if (options.onTelemetry) workbench.telemetry.subscribe(options.onTelemetry);
    // TMPDIRs a killed engine left behind (its environments never ended).
    await removeStaleTmpDirs(workbench.settings.tmpRoot);
    workbench.warmCaches();
    await workbench.loadApiSettings();
    if (settings.applyTemplateVersions ?? true) {
      workbench.provisioned.setTemplateProvisioning(await applyTemplateVersions(model, workbench.versions, (message) => workbench.telemetry.emit('workbench.warning', { message })));
    }
    if (settings.provision ?? true) await workbench.provisioned.reconcile();
    await workbench.asyncInvoker.start();
    await workbench.eventSources.start(settings.eventSourceMappings ?? true);
    if (workbench.settings.hotReload ?? true) workbench.startHotReload();
    return workbench;
  }

  /** Every function of the template, as invocations see it (settings made through the API applied). */
  functions(): FunctionDefinition[] {
    return this.template.functions.map((fn) => this.effective(fn));
  }

  /** By function name or logical id (API settings applied). */
  getFunction(name: string): FunctionDefinition | undefined {
    const fn = this.byName.get(name);
    return fn && this.effective(fn);
  }

  /** Where the engine keeps its state: versions, aliases, the async store, /opt equivalents. */
  get stateDir(): string {
    return this.settings.stateDir ?? stateDirOf(this.template.file);
  }

  /** Publishes $LATEST of a function as a new version (or returns the latest one if nothing changed). */
  publishVersion(functionName: string, description?: string): Promise<{ version: string; created: boolean }> {
    const fn = this.getFunction(functionName);
    if (!fn) return Promise.reject(new WorkbenchError('ResourceNotFoundException', `Function not found: ${functionArn(this.settings.region, functionName)}`));
    return this.versions.publish(fn, { description }).then(({ record, created }) => ({ version: record.version, created }));
  }

  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult> {
    return this.invoker.invoke(functionName, payload, options);
  }

  /** Validates an invocation without running it (the Invoke API's DryRun). */
  async checkInvocation(functionName: string, payload: Buffer | string, qualifier?: string): Promise<void> {
    await this.invoker.check(functionName, payload, qualifier);
  }

  /**
   * Asynchronous invocation (InvocationType Event): validated like a synchronous one (1 MB payload
   * limit), resolved once the event is durably stored in the state directory. Workers run it through
   * the same scheduler, with Lambda's retries, event age and destinations; queued events survive a
   * crash and resume on the next `open` of the same state directory.
   */
  invokeAsync(functionName: string, payload: Buffer | string, options?: AsyncInvokeOptions): Promise<{ requestId: string }> {
    return this.asyncInvoker.enqueue(functionName, payload, options);
  }

  /** What the OnSuccess / OnFailure destinations and the dead-letter queue of a function received, oldest first. */
  destinationRecords(functionName: string): Promise<DestinationMessage[]> {
    return this.asyncInvoker.destinationRecords(functionName);
  }

  /** The local message list of one destination ARN (queue, topic, event bus, bucket, function). */
  destinationMessages(destinationArn: string): Promise<DestinationMessage[]> {
    return this.asyncInvoker.destinationMessages(destinationArn);
  }

  /** Queued and in-flight asynchronous events per function (of this engine's workers). */
  asyncStatus(): AsyncQueueStatus[] {
    return this.asyncInvoker.status();
  }

  /**
   * New environments of the function start with the runtime waiting for a debugger, with the
   * session's variable overrides on top of the definition's. Environments already running in the
   * other mode are retired: they finish what they are doing and the next invocation starts one in
   * the new mode. Returns how many were retired.
   */
  setDebug(functionName: string, enabled: boolean, overrides: DebugOverrides = {}): number {
    const fn = this.byName.get(functionName);
    if (!fn) throw new Error(`Unknown function ${functionName}`);
    this.debugModes.set(fn.functionName, enabled, overrides);
    return this.scheduler.retireWhere(fn.functionName, (env) => env.debugMode !== enabled);
  }

  /** Whether new environments of the function start in debug mode. */
  isDebugging(functionName: string): boolean {
    return this.debugModes.has(this.byName.get(functionName)?.functionName ?? functionName);
  }

  /** The live environment objects (debugger hooks: inspector URL, timeout suspension). */
  liveEnvironments(): ExecutionEnvironment[] {
    return this.scheduler.environments();
  }

  environments(): EnvironmentInfo[] {
    return this.scheduler.environments().map(environmentInfo);
  }

  /** SHUTDOWN for every environment (of one function, or all). */
  shutdownEnvironments(functionName?: string): Promise<void> {
    return this.scheduler.shutdown(functionName);
  }

  /** Resolves once hot reload sees every change (its initial scan is done); at once when it is off. */
  hotReloadReady(): Promise<void> {
    return this.hotReloader?.ready ?? Promise.resolve();
  }

  /** Shuts every environment down; no process is left behind. */
  async close(): Promise<void> {
    await this.hotReloader?.close();
    await this.eventSources.close();
    await this.asyncInvoker.stop(this.settings.asyncCloseGraceMs ?? 2000);
    await this.scheduler.close();
    await this.asyncInvoker.close();
    await this.store.close();
    // This process's TMPDIR folder, once no engine of it has an environment left (rmdir: only if empty).
    await fsp.rmdir(hostTmpDir(this.settings.tmpRoot)).catch(() => undefined);
  }

  private createEnvironment(fn: FunctionDefinition, version: string, initializationType: InitializationType): ExecutionEnvironment {
    const runtime = this.runtimeFor(fn.runtime);
    const launch = this.debugModes.launchOf(fn);
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

  private runtimeFor(runtime: string): RuntimeAdapter {
    for (const [prefix, adapter] of this.runtimes) if (runtime.startsWith(prefix)) return adapter;
    return {
      launch: async () => {
        throw new Error(`Runtime ${runtime} is not supported locally yet`);
      },
    };
  }

  private indexFunctions(functions: FunctionDefinition[]): void {
    this.byName = new Map();
    for (const fn of functions) {
      this.byName.set(fn.logicalId, fn);
      this.byName.set(fn.functionName, fn);
    }
  }

  /** The API's settings of every function, from the state directory. */
  private async loadApiSettings(): Promise<void> {
    for (const fn of this.template.functions) {
      const settings = await this.versions.store.getSettings(fn.functionName);
      if (Object.keys(settings).length > 0) this.apiSettings.set(fn.functionName, settings);
    }
    this.effectiveDefinitions = new WeakMap();
  }

  /** Settings changed through the API: later invocations see them; provisioned environments follow. */
  private async applyApiSettings(functionName: string, settings: FunctionSettings): Promise<void> {
    this.apiSettings.set(functionName, settings);
    this.effectiveDefinitions = new WeakMap();
    // Initialising takes a while: the API answers at once (IN_PROGRESS), as Lambda does.
    if (this.settings.provision ?? true) void this.provisioned.reconcile();
  }

  /** A template definition with the API's reserved concurrency and $LATEST event invoke config. */
  private effective(fn: FunctionDefinition): FunctionDefinition {
    const settings = this.apiSettings.get(fn.functionName);
    if (!settings) return fn;
    let result = this.effectiveDefinitions.get(fn);
    if (!result) {
      result = { ...fn };
      if (settings.reservedConcurrentExecutions === null) delete result.reservedConcurrentExecutions;
      else if (settings.reservedConcurrentExecutions !== undefined) result.reservedConcurrentExecutions = settings.reservedConcurrentExecutions;
      this.effectiveDefinitions.set(fn, result);
    }
    return result;
  }

  /** The event invoke configuration for an asynchronous event invoked with this qualifier. */
  private withEventInvokeConfig(fn: FunctionDefinition, qualifier: string | undefined): FunctionDefinition {
    const config = this.apiSettings.get(fn.functionName)?.eventInvokeConfigs?.[qualifier ?? '$LATEST'];
    if (!config) return fn;
    const destinationConfig = config.destinationConfig && {
      onSuccess: config.destinationConfig.onSuccess && { destination: config.destinationConfig.onSuccess.destination },
      onFailure: config.destinationConfig.onFailure && { destination: config.destinationConfig.onFailure.destination },
    };
    return { ...fn, eventInvokeConfig: { maximumRetryAttempts: config.maximumRetryAttempts, maximumEventAgeInSeconds: config.maximumEventAgeInSeconds, destinationConfig } };
  }

  /** Resolves the node binary and credentials ahead of the first cold start. */
  private warmCaches(): void {
    if (this.template.functions.some((f) => f.runtime.startsWith('nodejs'))) {
      resolveLocalNode(this.settings.nodePath).catch(() => undefined);
    }
    for (const runtime of new Set(this.template.functions.map((f) => f.runtime).filter((r) => r.startsWith('python')))) {
      resolveLocalPython(runtime, this.settings.pythonPath).catch(() => undefined);
    }
    this.credentials.get().catch(() => undefined);
  }

  /** Hot reload: watches the template and the code and layer directories (reload/hotReload.ts). */
  private startHotReload(): void {
    this.hotReloader = new HotReloader(this.template, {
      onChange: (change) => this.reload(change),
      onError: (error) => this.telemetry.emit('workbench.warning', { message: `Hot reload: ${error.message}` }),
      // The engine writes there: its own writes must not look like edits.
      ignoredDirectories: [this.stateDir, this.settings.tmpRoot],
    });
  }

  /**
   * One batch of changes: a changed template is read again (with errors it is not used: the previous
   * model stays, with a warning, and nothing is retired); then the $LATEST environments of every
   * function whose definition, code or layers changed are retired, so its next invocation
   * cold-starts on the new code. Published versions are never touched.
   */
  private async reload(change: HotReloadChange): Promise<boolean> {
    const previous = this.template;
    let next = previous;
    if (change.templateChanged) {
      const loaded = await loadTemplate(previous.file, { region: this.settings.region, parameterOverrides: this.settings.parameterOverrides })
        .catch((error: Error) => error);
      if (loaded instanceof Error || hasErrors(loaded)) {
        const problems = loaded instanceof Error ? [loaded.message] : loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        this.telemetry.emit('workbench.warning', { message: `The template was not reloaded, the previous one stays in use: ${problems.join('; ')}` });
        return false;
      }
      next = loaded;
    }
    const reloads = changedFunctions(previous, next, change);
    if (next !== previous) {
      this.template = next;
      this.indexFunctions(next.functions);
      this.eventSources.templateChanged();
      this.hotReloader?.update(next);
    }
    for (const reload of reloads) {
      this.scheduler.retire(reload.functionName, '$LATEST');
      this.optDirs.forget(reload.functionName, '$LATEST');
      this.telemetry.emit('workbench.reload', reload, { functionName: reload.functionName, functionVersion: '$LATEST' });
    }
    if (next !== previous) await this.loadApiSettings();
    // AutoPublishAlias publishes what changed and moves its alias; a changed template is applied whole.
    if ((this.settings.applyTemplateVersions ?? true) && (reloads.length > 0 || next !== previous)) {
      const only = next !== previous ? undefined : new Set(reloads.map((r) => r.functionName));
      const provisioning = await applyTemplateVersions(next, this.versions, (message) => this.telemetry.emit('workbench.warning', { message }), only);
      this.provisioned.setTemplateProvisioning(provisioning, only);
    }
    // Retired provisioned environments are replaced, new functions provisioned; INIT is not waited for.
    if ((this.settings.provision ?? true) && (reloads.length > 0 || next !== previous)) void this.provisioned.reconcile();
    return true;
  }
}
