import type { FunctionDefinition, FunctionLookup, LayerReference, TemplateModel } from '../config/types';
import { functionArn } from '../vocabulary/functionNames';
import type { FunctionSettings } from './versionStore';

// The functions the engine runs, in one place: the template's definitions, the settings made
// through the control-plane API (reserved concurrency, event invoke configs, provisioned
// concurrency; kept per function in the state directory) and the definitions with those settings
// applied, which is what every invocation sees. Hot reload replaces the template here. The
// scheduler, the invokers, the control plane, provisioned concurrency and the event sources all
// read it; nothing else keeps a copy.

export class FunctionCatalog implements FunctionLookup {
  private byName = new Map<string, FunctionDefinition>();
  private readonly apiSettings = new Map<string, FunctionSettings>();
  /** Functions that run from a build artefact: where, and what the build changed (an image's handler). */
  private readonly built = new Map<string, BuiltCode>();
  /** Layers (by logical id) whose content is a build artefact (`Metadata.BuildMethod`): where it is. */
  private readonly builtLayers = new Map<string, string>();
  /** Functions whose change hot reload is applying (their $LATEST is InProgress, as an update call's). */
  private readonly updating = new Set<string>();
  /** Template definitions with the API's settings applied (rebuilt when either changes). */
  private effectiveDefinitions = new WeakMap<FunctionDefinition, FunctionDefinition>();

  constructor(
    private current: TemplateModel,
    /** The region of the functions' ARNs. */
    readonly region: string,
    private readonly readApiSettings: (functionName: string) => Promise<FunctionSettings>,
  ) {
    this.index();
  }

  get template(): TemplateModel {
    return this.current;
  }

  /** Every function of the template, as invocations see it (settings made through the API applied). */
  functions(): FunctionDefinition[] {
    return this.current.functions.map((fn) => this.effective(fn));
  }

  /** By function name or logical id (API settings applied). */
  getFunction(name: string): FunctionDefinition | undefined {
    const fn = this.byName.get(name);
    return fn && this.effective(fn);
  }

  /** By function name or logical id, as the template defines it. */
  templateDefinition(name: string): FunctionDefinition | undefined {
    return this.byName.get(name);
  }

  arn(functionName: string, qualifier?: string): string {
    return functionArn(this.region, functionName, qualifier);
  }

  /** Settings made through the API, per function name. */
  settings(): ReadonlyMap<string, FunctionSettings> {
    return this.apiSettings;
  }

  /** Reads the API's settings of every function from the state directory. */
  async load(): Promise<void> {
    for (const fn of this.current.functions) {
      const settings = await this.readApiSettings(fn.functionName);
      if (Object.keys(settings).length > 0) this.apiSettings.set(fn.functionName, settings);
    }
    this.effectiveDefinitions = new WeakMap();
  }

  /** Settings changed through the API: later lookups see them. */
  setSettings(functionName: string, settings: FunctionSettings): void {
    this.apiSettings.set(functionName, settings);
    this.effectiveDefinitions = new WeakMap();
  }

  /** A function's build succeeded (it runs from `codeUri`) or is gone (`undefined`: it runs from its sources). */
  setBuilt(functionName: string, built: BuiltCode | undefined): void {
    if (built) this.built.set(functionName, built);
    else this.built.delete(functionName);
    this.effectiveDefinitions = new WeakMap();
  }

  /** A layer's build succeeded (the functions using it get `contentUri` in their /opt) or is gone (`undefined`: its ContentUri). */
  setBuiltLayer(logicalId: string, contentUri: string | undefined): void {
    if (contentUri) this.builtLayers.set(logicalId, contentUri);
    else this.builtLayers.delete(logicalId);
    this.effectiveDefinitions = new WeakMap();
  }

  /** A template read again by hot reload (then `load` reads the API's settings of its functions). */
  replaceTemplate(next: TemplateModel): void {
    this.current = next;
    this.index();
  }

  /** Hot reload starts (`true`) or has finished (`false`) applying a change of these functions. */
  setUpdating(functionNames: string[], updating: boolean): void {
    for (const name of functionNames) {
      if (updating) this.updating.add(name);
      else this.updating.delete(name);
    }
  }

  /** Whether a change of the function is being applied (its LastUpdateStatus is InProgress). */
  isUpdating(functionName: string): boolean {
    return this.updating.has(functionName);
  }

  /** The event invoke configuration for an asynchronous event invoked with this qualifier (the API's overrides the template's). */
  withEventInvokeConfig(fn: FunctionDefinition, qualifier: string | undefined): FunctionDefinition {
    const config = this.apiSettings.get(fn.functionName)?.eventInvokeConfigs?.[qualifier ?? '$LATEST'];
    // null: the template's config was deleted through the API (Lambda's defaults apply).
    if (config === null) return { ...fn, eventInvokeConfig: undefined };
    if (!config) return fn;
    const destinationConfig = config.destinationConfig && {
      onSuccess: config.destinationConfig.onSuccess && { destination: config.destinationConfig.onSuccess.destination },
      onFailure: config.destinationConfig.onFailure && { destination: config.destinationConfig.onFailure.destination },
    };
    return {
      ...fn,
      eventInvokeConfig: { maximumRetryAttempts: config.maximumRetryAttempts, maximumEventAgeInSeconds: config.maximumEventAgeInSeconds, destinationConfig },
    };
  }

  private index(): void {
    this.byName = new Map();
    for (const fn of this.current.functions) {
      this.byName.set(fn.logicalId, fn);
      this.byName.set(fn.functionName, fn);
    }
  }

  /** A template definition with the API's reserved concurrency, running from its build artefact (and its layers') if it has one. */
  private effective(fn: FunctionDefinition): FunctionDefinition {
    const settings = this.apiSettings.get(fn.functionName);
    const built = this.built.get(fn.functionName);
    const layers = this.withBuiltLayers(fn.layers);
    if (!settings && !built && !layers) return fn;
    let result = this.effectiveDefinitions.get(fn);
    if (!result) {
      const { baseEnvironment, ...code } = built ?? {};
      result = { ...fn, ...code, ...(layers ? { layers } : {}) };
      // As Lambda: an image's ENV under the function's configured variables.
      if (baseEnvironment) result.environment = { ...baseEnvironment, ...fn.environment };
      if (settings?.reservedConcurrentExecutions === null) delete result.reservedConcurrentExecutions;
      else if (settings?.reservedConcurrentExecutions !== undefined) result.reservedConcurrentExecutions = settings.reservedConcurrentExecutions;
      this.effectiveDefinitions.set(fn, result);
    }
    return result;
  }

  /** The layers with each built one's content replaced by its artefact; undefined when none of them is built. */
  private withBuiltLayers(layers: LayerReference[]): LayerReference[] | undefined {
    const builtDir = (ref: LayerReference) => (ref.logicalId === undefined ? undefined : this.builtLayers.get(ref.logicalId));
    if (!layers.some((ref) => builtDir(ref) !== undefined)) return undefined;
    return layers.map((ref) => ({ ...ref, contentUri: builtDir(ref) ?? ref.contentUri }));
  }
}

/** Where a built function runs from, and what its build changed. */
export type BuiltCode = { codeUri: string; baseEnvironment?: Record<string, string> } & Partial<Pick<FunctionDefinition, 'handler' | 'runtime'>>;
