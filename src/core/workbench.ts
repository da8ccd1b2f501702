import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hasErrors, loadTemplate } from './config';
import { TemplateError } from './config/diagnostics';
import { MAX_ASYNC_PAYLOAD_BYTES } from './config/asyncPolicy';
import type { FunctionDefinition, TemplateModel } from './config/types';
import { BuildManager } from './engine/buildManager';
import { EnvironmentFactory } from './engine/environmentFactory';
import { LiveReload } from './engine/liveReload';
import { asyncSettingsOf, DEFAULT_SETTINGS, type WorkbenchSettings } from './engine/settings';
import type { DebugOverrides } from './environment/debugModes';
import type { ExecutionEnvironment } from './environment/environment';
import { environmentInfo, type EnvironmentInfo } from './environment/environmentInfo';
import { hostTmpDir, removeStaleTmpDirs } from './environment/lambdaEnv';
import { WorkbenchError } from './errors';
import { EventSources } from './esm/eventSources';
import { AsyncInvoker, type AsyncInvokeOptions, type AsyncQueueStatus } from './invoke/asyncInvoker';
import type { DestinationMessage } from './invoke/destinations';
import { Invoker, type InvocationResult, type InvokeOptions } from './invoke/invoker';
import { Scheduler } from './scheduler/scheduler';
import { SharedStore } from './store/sharedStore';
import type { TelemetryListener } from './telemetry/events';
import { TelemetryStream } from './telemetry/stream';
import { ControlPlane } from './versions/controlPlane';
import { FunctionCatalog } from './versions/functionCatalog';
import { FunctionVersions } from './versions/functionVersions';
import { ProvisionedConcurrency } from './versions/provisionedConcurrency';
import { applyTemplateVersions } from './versions/templateVersions';
import { VersionStore } from './versions/versionStore';
import { stateDirOf, stateLayout } from './vocabulary/stateDirectory';

// The composition root and façade: one engine for one template. The CLI, the extension, the debug
// adapter, tests and benchmarks all go through it. It builds the engine's parts, hands each the
// ones it needs (the function catalogue, not closures back into the façade) and forwards to them.

export { DEFAULT_SETTINGS, type WorkbenchSettings } from './engine/settings';
export type { EnvironmentInfo } from './environment/environmentInfo';
export { TemplateError } from './config/diagnostics';

export class Workbench {
  readonly telemetry = new TelemetryStream();
  readonly settings: WorkbenchSettings;
  /** Where the engine keeps its state: versions, aliases, the async store, /opt equivalents. */
  readonly stateDir: string;
  /** The template's functions with the settings made through the API applied. */
  readonly catalog: FunctionCatalog;
  /** Published versions and aliases of every function ($LATEST is the template's definition). */
  readonly versions: FunctionVersions;
  /** Lambda's control-plane operations (GetFunction, PublishVersion, aliases, concurrency…). */
  readonly controlPlane: ControlPlane;
  /** The engine's LevelDB, opened on first use: asynchronous invocation, embedded queues and streams. */
  readonly store: SharedStore;
  /** Queues, streams and event source mappings (Lambda's pollers). */
  readonly eventSources: EventSources;
  /** Functions built as `sam build` would (esbuild, dependencies…), run from their artefacts. */
  readonly builds: BuildManager;
  private readonly environmentFactory: EnvironmentFactory;
  private readonly scheduler: Scheduler;
  private readonly invoker: Invoker;
  private readonly asyncInvoker: AsyncInvoker;
  private readonly provisioned: ProvisionedConcurrency;
  private liveReload: LiveReload | undefined;

  private constructor(template: TemplateModel, settings: Partial<WorkbenchSettings>) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    const { region, accountConcurrency } = this.settings;
    const stateDir = (this.stateDir = this.settings.stateDir ?? stateDirOf(template.file));
    const versionStore = new VersionStore(stateDir);
    this.catalog = new FunctionCatalog(template, region, (name) => versionStore.getSettings(name));
    this.builds = new BuildManager(stateDir, this.catalog, this.telemetry, this.settings.pythonPath, this.settings.rubyPath);
    this.environmentFactory = new EnvironmentFactory(this.settings, stateDir, this.telemetry, this.builds);
    this.store = new SharedStore(stateLayout(stateDir).store);
    this.versions = new FunctionVersions(versionStore, region, [stateDir]);
    const keepAliveMs = this.settings.keepAliveSeconds * 1000;
    this.scheduler = new Scheduler(
      { accountConcurrency, keepAliveMs },
      (fn, version, type) => this.environmentFactory.create(fn, version, type),
      this.telemetry,
      this.catalog,
    );
    this.provisioned = new ProvisionedConcurrency(this.scheduler, this.versions, this.telemetry, {
      catalog: this.catalog,
      latestOverrides: () => this.settings.provisionedConcurrency ?? {},
      accountConcurrency: () => accountConcurrency,
    });
    this.controlPlane = new ControlPlane({
      catalog: this.catalog,
      versions: this.versions,
      accountConcurrency: () => accountConcurrency,
      settingsChanged: async (functionName, functionSettings) => {
        this.catalog.setSettings(functionName, functionSettings);
        // Initialising takes a while: the API answers at once (IN_PROGRESS), as Lambda does.
        if (this.settings.provision ?? true) void this.provisioned.reconcile();
      },
      provisionedStatus: (functionName, version, qualifier) => this.provisioned.status(functionName, version, qualifier),
      checkProvisionedConcurrency: (fn, qualifier, count) => this.provisioned.check(fn, qualifier, count),
    });
    this.invoker = new Invoker(this.scheduler, this.catalog, this.versions);
    this.asyncInvoker = new AsyncInvoker({
      scheduler: this.scheduler,
      telemetry: this.telemetry,
      catalog: this.catalog,
      resolve: (name, payload, qualifier) => this.invoker.check(name, payload, qualifier, MAX_ASYNC_PAYLOAD_BYTES),
      target: (fn, qualifier) => this.versions.resolve(fn, qualifier),
      store: this.store,
      sendToQueue: (arn, body, attributes, traceHeader) => this.eventSources.sendToQueue(arn, body, attributes, traceHeader),
      settings: () => asyncSettingsOf(this.settings),
    });
    this.eventSources = new EventSources(this.store, {
      catalog: this.catalog,
      sourceEndpoints: () => this.settings.sourceEndpoints ?? {},
      stateDir,
      telemetry: this.telemetry,
      invoke: (functionName, payload, qualifier) => this.invoke(functionName, payload, { qualifier }),
      checkFunction: (functionName, qualifier) => this.invoker.check(functionName, Buffer.alloc(0), qualifier).then(() => undefined),
      recordDestinationMessage: (message) => this.asyncInvoker.recordMessage({ ...message, role: 'OnFailure' }),
    });
  }

  /**
   * Reads the template; throws TemplateError when it has errors. `onTelemetry` is subscribed before
   * anything runs: provisioned environments initialise during open, before the caller gets the engine.
   */
  static async open(options: { template: string; settings?: Partial<WorkbenchSettings>; onTelemetry?: TelemetryListener }): Promise<Workbench> {
    const settings = options.settings ?? {};
    const { region = DEFAULT_SETTINGS.region, parameterOverrides } = settings;
    const model = await loadTemplate(path.resolve(options.template), { region, parameterOverrides });
    if (hasErrors(model)) throw new TemplateError(model.diagnostics);
    const workbench = new Workbench(model, settings);
    if (options.onTelemetry) workbench.telemetry.subscribe(options.onTelemetry);
    // TMPDIRs a killed engine left behind (its environments never ended).
    await removeStaleTmpDirs(workbench.settings.tmpRoot);
    workbench.environmentFactory.warmCaches(model.functions);
    await workbench.catalog.load();
    if (settings.build ?? true) await workbench.builds.buildAll(model.functions);
    const warn = (message: string) => workbench.telemetry.emit('workbench.warning', { message });
    if (settings.applyTemplateVersions ?? true) workbench.provisioned.setTemplateProvisioning(await applyTemplateVersions(model, workbench.versions, warn));
    if (settings.provision ?? true) await workbench.provisioned.reconcile();
    await workbench.asyncInvoker.start();
    await workbench.eventSources.start(settings.eventSourceMappings ?? true);
    if (workbench.settings.hotReload ?? true) workbench.startLiveReload();
    return workbench;
  }

  /** Hot reload of $LATEST: watches the template and the code and layer directories (engine/liveReload.ts). */
  private startLiveReload(): void {
    const { settings, stateDir, catalog, scheduler, environmentFactory, eventSources, versions, provisioned, telemetry, builds } = this;
    this.liveReload = new LiveReload({ settings, stateDir, catalog, scheduler, environmentFactory, eventSources, versions, provisioned, telemetry, builds });
  }

  /** The template in use (hot reload replaces it). */
  get template(): TemplateModel {
    return this.catalog.template;
  }

  /** Every function of the template, as invocations see it (settings made through the API applied). */
  functions(): FunctionDefinition[] {
    return this.catalog.functions();
  }

  /** By function name or logical id (API settings applied). */
  getFunction(name: string): FunctionDefinition | undefined {
    return this.catalog.getFunction(name);
  }

  /** Publishes $LATEST of a function as a new version (or returns the latest one if nothing changed). */
  publishVersion(functionName: string, description?: string): Promise<{ version: string; created: boolean }> {
    const fn = this.getFunction(functionName);
    if (!fn) return Promise.reject(new WorkbenchError('ResourceNotFoundException', `Function not found: ${this.catalog.arn(functionName)}`));
    return this.versions.publish(fn, { description }).then(({ record, created }) => ({ version: record.version, created }));
  }

  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult> {
    return this.invoker.invoke(functionName, payload, options);
  }

  /** Validates an invocation without running it (the Invoke API's DryRun). */
  async checkInvocation(functionName: string, payload: Buffer | string, qualifier?: string): Promise<void> {
    await this.invoker.check(functionName, payload, qualifier);
  }

  /** Asynchronous invocation (InvocationType Event): resolved once the event is durably queued (invoke/asyncInvoker.ts). */
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
   * New environments of the function start waiting for a debugger, with the session's variable overrides;
   * environments of the other mode are retired after what they are doing. Returns how many were retired.
   */
  setDebug(functionName: string, enabled: boolean, overrides: DebugOverrides = {}): number {
    const fn = this.catalog.templateDefinition(functionName);
    if (!fn) throw new Error(`Unknown function ${functionName}`);
    this.environmentFactory.debugModes.set(fn.functionName, enabled, overrides);
    return this.scheduler.retireWhere(fn.functionName, (env) => env.debugMode !== enabled);
  }

  /** Whether new environments of the function start in debug mode. */
  isDebugging(functionName: string): boolean {
    return this.environmentFactory.debugModes.has(this.catalog.templateDefinition(functionName)?.functionName ?? functionName);
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
    return this.liveReload?.ready ?? Promise.resolve();
  }

  /** Shuts every environment down; no process is left behind. */
  async close(): Promise<void> {
    await this.liveReload?.close();
    await this.builds.dispose();
    await this.eventSources.close();
    await this.asyncInvoker.stop(this.settings.asyncCloseGraceMs ?? 2000);
    await this.scheduler.close();
    await this.asyncInvoker.close();
    await this.store.close();
    // This process's TMPDIR folder, once no engine of it has an environment left (rmdir: only if empty).
    await fsp.rmdir(hostTmpDir(this.settings.tmpRoot)).catch(() => undefined);
  }
}
