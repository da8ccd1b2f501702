import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from '../config/types';
import { WorkbenchError } from '../errors';
import { functionArn, functionNotFound } from '../vocabulary/functionNames';
import { checkAlias, checkAliasName, pickVersion, type AliasInput } from '../config/aliasRules';
import type { Snapshot } from './codeSnapshot';
import { snapshotSha256, type AliasRecord, type LayerSnapshot, type VersionConfig, type VersionRecord, type VersionStore } from './versionStore';

// The engine's view of a function's versions: $LATEST is the live definition from the template;
// published versions are frozen snapshots run from their own materialised code; aliases name a
// version (plus one weighted additional version). Every invocation resolves its qualifier here.

/** What an invocation runs: the version, and the definition its environments are built from. */
export interface InvocationTarget {
  version: string;
  definition: FunctionDefinition;
}

export interface PublishOptions {
  description?: string;
  /** PublishVersion's CodeSha256: only publish if $LATEST's code still has this hash. */
  codeSha256?: string;
}

/** A snapshot of $LATEST as it is now: what publishing would freeze. */
export interface LatestSnapshot {
  code: Snapshot;
  layers: LayerSnapshot[];
  config: VersionConfig;
  snapshotSha256: string;
}

export class FunctionVersions {
  /** What each published version freezes, as a definition (the live, unversioned fields are added per call). */
  private readonly definitions = new Map<string, { record: VersionRecord; frozen: FunctionDefinition }>();
  /**
   * Per alias, a Weyl sequence (frac(x + 1/φ)) in place of independent random draws: just as
   * uniform per call, but the share each version gets stays within a fraction of a percent of its
   * weight even over a few dozen invocations, which is what someone testing a canary expects.
   */
  private readonly routingSequences = new Map<string, number>();
  /** Publishes of one function run one at a time, so "unchanged → the existing version" holds. */
  private readonly publishing = new Map<string, Promise<unknown>>();

  constructor(
    readonly store: VersionStore,
    private readonly region: string,
    /** Paths never snapshotted (the state directory, when it sits inside a code directory). */
    private readonly excluded: string[],
  ) {}

  /**
   * Resolves an invocation's qualifier: none or $LATEST → the live definition; a number → that
   * published version; a name → the alias (weighted routing picks per call).
   */
  async resolve(live: FunctionDefinition, qualifier: string | undefined): Promise<InvocationTarget> {
    if (qualifier === undefined || qualifier === '$LATEST') return { version: '$LATEST', definition: live };
    let version = qualifier;
    if (!/^[0-9]+$/.test(qualifier)) {
      const alias = this.store.getAlias(live.functionName, qualifier);
      if (!alias) throw functionNotFound(this.region, live.functionName, qualifier);
      version = pickVersion(alias.functionVersion, alias.additionalVersionWeights, () => this.nextDraw(`${live.functionName}:${qualifier}`));
      if (version === '$LATEST') return { version, definition: live };
    }
    const definition = await this.versionDefinition(live, version);
    if (!definition) throw functionNotFound(this.region, live.functionName, qualifier);
    return { version, definition };
  }

  private nextDraw(key: string): number {
    const next = ((this.routingSequences.get(key) ?? Math.random()) + 0.6180339887498949) % 1;
    this.routingSequences.set(key, next);
    return next;
  }

  /** Checks that a qualifier names something that exists (DryRun, configuration calls). */
  async exists(live: FunctionDefinition, qualifier: string): Promise<boolean> {
    if (qualifier === '$LATEST') return true;
    if (/^[0-9]+$/.test(qualifier)) return (await this.store.getVersion(live.functionName, qualifier)) !== undefined;
    return this.store.getAlias(live.functionName, qualifier) !== undefined;
  }

  /** The definition environments of a published version are built from (code and layers materialised and verified). */
  async versionDefinition(live: FunctionDefinition, version: string): Promise<FunctionDefinition | undefined> {
    const key = `${live.functionName}\0${version}`;
    const known = this.definitions.get(key);
    const record = known?.record ?? (await this.store.getVersion(live.functionName, version));
    if (!record) return undefined;
    const { codeDir, layerDirs } = await this.store.materialized(record);
    // Not versioned in Lambda: identity, event sources, reserved concurrency, event invoke config.
    const unversioned = {
      logicalId: live.logicalId,
      functionName: live.functionName,
      events: live.events,
      reservedConcurrentExecutions: live.reservedConcurrentExecutions,
      eventInvokeConfig: live.eventInvokeConfig,
      position: live.position,
    };
    if (known) return { ...known.frozen, ...unversioned };
    const frozen: FunctionDefinition = {
      ...unversioned,
      resourceType: record.config.resourceType,
      handler: record.config.handler,
      runtime: record.config.runtime,
      memorySize: record.config.memorySize,
      timeout: record.config.timeout,
      environment: record.config.environment,
      architectures: record.config.architectures,
      description: record.config.description,
      deadLetterQueue: record.config.deadLetterQueue,
      codeUri: codeDir,
      layers: record.layers.map((layer, i) => ({ logicalId: layer.logicalId, arn: layer.arn, contentUri: layerDirs[i] })),
    };
    this.definitions.set(key, { record, frozen });
    return frozen;
  }

  /** $LATEST as publishing would freeze it now (`store`: its files kept in the blob store, as publishing needs). */
  async snapshotLatest(live: FunctionDefinition, store = false): Promise<LatestSnapshot> {
    const code = await this.store.blobs.snapshot(live.codeUri, this.excluded, store);
    const layers: LayerSnapshot[] = [];
    for (const layer of live.layers) {
      if (!layer.contentUri) {
        layers.push({ logicalId: layer.logicalId, arn: layer.arn });
        continue;
      }
      const snap = await this.store.blobs.snapshot(layer.contentUri, this.excluded, store);
      layers.push({ logicalId: layer.logicalId, arn: layer.arn, manifest: snap.manifest, codeSha256: snap.codeSha256, codeSize: snap.codeSize });
    }
    const config = versionConfig(live);
    return { code, layers, config, snapshotSha256: snapshotSha256(code.codeSha256, layers, config) };
  }

  /**
   * PublishVersion: freezes $LATEST's code, layers and configuration as the next version — or,
   * when nothing changed since the latest version, returns that one (as Lambda does).
   */
  publish(live: FunctionDefinition, options: PublishOptions = {}): Promise<{ record: VersionRecord; created: boolean }> {
    const previous = this.publishing.get(live.functionName) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.publishNow(live, options));
    this.publishing.set(live.functionName, run);
    return run;
  }

  private async publishNow(live: FunctionDefinition, options: PublishOptions): Promise<{ record: VersionRecord; created: boolean }> {
    const latest = await this.snapshotLatest(live, true);
    if (options.codeSha256 !== undefined && options.codeSha256 !== latest.code.codeSha256) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        `CodeSHA256 (${options.codeSha256}) is different from current CodeSHA256 in $LATEST (${latest.code.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const numbers = await this.store.versionNumbers(live.functionName);
    const newest = numbers.length ? await this.store.getVersion(live.functionName, String(numbers.at(-1))) : undefined;
    if (newest && newest.snapshotSha256 === latest.snapshotSha256) return { record: newest, created: false };
    const record = await this.store.addVersion({
      functionName: live.functionName,
      // Without a Description, the version takes $LATEST's (as Lambda does).
      description: options.description ?? live.description ?? '',
      codeSha256: latest.code.codeSha256,
      codeSize: latest.code.codeSize,
      code: latest.code.manifest,
      layers: latest.layers,
      config: latest.config,
      snapshotSha256: latest.snapshotSha256,
    });
    return { record, created: true };
  }

  // --- aliases ----------------------------------------------------------------------------------

  aliasArn(functionName: string, alias: string): string {
    return functionArn(this.region, functionName, alias);
  }

  async createAlias(live: FunctionDefinition, input: AliasInput): Promise<AliasRecord> {
    checkAlias(input);
    if (this.store.getAlias(live.functionName, input.name)) {
      throw new WorkbenchError('ResourceConflictException', `Alias already exists: ${this.aliasArn(live.functionName, input.name)}`);
    }
    await this.checkVersionsExist(live, input);
    const record: AliasRecord = { name: input.name, functionVersion: input.functionVersion, description: input.description ?? '', revisionId: randomUUID() };
    if (input.additionalVersionWeights && Object.keys(input.additionalVersionWeights).length > 0) {
      record.additionalVersionWeights = input.additionalVersionWeights;
    }
    await this.store.putAlias(live.functionName, record);
    return record;
  }

  /** GetAlias. AWS words a missing alias differently here and in UpdateAlias. */
  getAlias(live: FunctionDefinition, name: string, notFoundMessage = 'Cannot find alias arn:'): AliasRecord {
    checkAliasName(name);
    const alias = this.store.getAlias(live.functionName, name);
    if (!alias) throw new WorkbenchError('ResourceNotFoundException', `${notFoundMessage} ${this.aliasArn(live.functionName, name)}`);
    return alias;
  }

  /** UpdateAlias: only what is given changes; RoutingConfig `{}` (no weights) removes the routing. */
  async updateAlias(
    live: FunctionDefinition,
    name: string,
    change: { functionVersion?: string; description?: string; additionalVersionWeights?: Record<string, number>; revisionId?: string },
  ): Promise<AliasRecord> {
    const current = this.getAlias(live, name, 'Alias not found:');
    if (change.revisionId !== undefined && change.revisionId !== current.revisionId) {
      throw new WorkbenchError(
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
    const input: AliasInput = {
      name,
      functionVersion: change.functionVersion ?? current.functionVersion,
      description: change.description ?? current.description,
      additionalVersionWeights: change.additionalVersionWeights ?? current.additionalVersionWeights,
    };
    checkAlias(input);
    await this.checkVersionsExist(live, input);
    const record: AliasRecord = { name, functionVersion: input.functionVersion, description: input.description ?? '', revisionId: randomUUID() };
    if (input.additionalVersionWeights && Object.keys(input.additionalVersionWeights).length > 0) {
      record.additionalVersionWeights = input.additionalVersionWeights;
    }
    await this.store.putAlias(live.functionName, record);
    return record;
  }

  async deleteAlias(live: FunctionDefinition, name: string): Promise<void> {
    checkAliasName(name);
    await this.store.deleteAlias(live.functionName, name);
  }

  private async checkVersionsExist(live: FunctionDefinition, input: AliasInput): Promise<void> {
    const versions = [input.functionVersion, ...Object.keys(input.additionalVersionWeights ?? {})];
    for (const version of versions) {
      if (version !== '$LATEST' && !(await this.store.getVersion(live.functionName, version))) {
        throw functionNotFound(this.region, live.functionName, version);
      }
    }
  }
}

/** What a published version freezes of a function's configuration. */
export function versionConfig(fn: FunctionDefinition): VersionConfig {
  const config: VersionConfig = {
    logicalId: fn.logicalId,
    resourceType: fn.resourceType,
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    environment: { ...fn.environment },
    architectures: [...fn.architectures],
  };
  if (fn.description !== undefined) config.description = fn.description;
  if (fn.emptyEnvironmentDeclared) config.emptyEnvironmentDeclared = true;
  if (fn.deadLetterQueue) config.deadLetterQueue = fn.deadLetterQueue;
  return config;
}
