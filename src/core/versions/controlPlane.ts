import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { FunctionDefinition } from '../config/types';
import { modelValidationError, WorkbenchError } from '../errors';
import { checkFunctionRegion, functionArn, functionNotFound, parseFunctionRef } from '../vocabulary/functionNames';
import { checkAliasName } from '../config/aliasRules';
import type { FunctionVersions } from './functionVersions';
import { lambdaTimestamp, type AliasRecord, type VersionRecord } from './versionStore';
import { ConcurrencyConfigs, type ConcurrencyHost } from './concurrencyConfigs';
import { EventInvokeConfigs, type EventInvokeConfigHost, type EventInvokeConfigInput } from './eventInvokeConfigs';
import {
  aliasConfigurationShape,
  functionConfigurationShape,
  listedConfiguration,
  paginate,
  revisionOf,
  type AliasConfiguration,
  type FunctionConfiguration,
  type Page,
} from './apiShapes';

export type { AliasConfiguration, FunctionConfiguration, Page } from './apiShapes';

// Lambda's control-plane operations on the engine's functions, versions and aliases, taking and
// returning AWS's shapes (the HTTP API serialises them as they are; the CLI prints them):
// GetFunction, GetFunctionConfiguration, ListFunctions, PublishVersion, ListVersionsByFunction,
// the alias operations, reserved and provisioned concurrency, and event invoke configs.

/**
 * What the control plane needs of the engine (the Workbench provides it): the function catalogue
 * (every function as invocations see it, and its template), versions, the account's concurrency,
 * applying API-set settings, and the provisioned environments' state and limits.
 */
export type ControlPlaneHost = ConcurrencyHost & EventInvokeConfigHost;

export class ControlPlane {
  private readonly eventInvokeConfigs: EventInvokeConfigs;
  private readonly concurrency: ConcurrencyConfigs;

  constructor(private readonly host: ControlPlaneHost) {
    this.eventInvokeConfigs = new EventInvokeConfigs(host);
    this.concurrency = new ConcurrencyConfigs(host);
  }

  private get versions(): FunctionVersions {
    return this.host.versions;
  }

  // --- functions and versions -------------------------------------------------------------------

  async getFunctionConfiguration(name: string, qualifierOption?: string): Promise<FunctionConfiguration> {
    const { fn, qualifier } = this.find(name, qualifierOption);
    return this.configurationOf(fn, qualifier);
  }

  async getFunction(name: string, qualifierOption?: string): Promise<Record<string, unknown>> {
    const { fn, qualifier } = this.find(name, qualifierOption);
    const configuration = await this.configurationOf(fn, qualifier);
    const version = configuration.Version;
    const location = version === '$LATEST' ? fn.codeUri : (await this.versions.versionDefinition(fn, version))?.codeUri;
    // AWS's keys: RepositoryType S3 (a .zip package; ECR is an image's) and Location, where the code can be
    // fetched — here a file URL of the code's directory ($LATEST's, or the version's snapshot). Tags are
    // answered only when a function has some, and ours have none (TagResource is not served).
    const result: Record<string, unknown> = {
      Configuration: configuration,
      Code: { RepositoryType: 'S3', Location: location ? pathToFileURL(location).href : '' },
    };
    if (fn.reservedConcurrentExecutions !== undefined) result.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions };
    return result;
  }

  /** ListFunctions: $LATEST of every function, or with `ALL` every published version too. */
  async listFunctions(options: { functionVersion?: string; marker?: string; maxItems?: number } = {}): Promise<Page<FunctionConfiguration>> {
    if (options.functionVersion !== undefined && options.functionVersion !== 'ALL') {
      throw modelValidationError(options.functionVersion, 'functionVersion', 'Member must satisfy enum value set: [ALL]');
    }
    const all: FunctionConfiguration[] = [];
    const every = options.functionVersion === 'ALL';
    for (const fn of [...this.host.catalog.functions()].sort((a, b) => (a.functionName < b.functionName ? -1 : 1))) {
      // With ALL, $LATEST is listed by its qualified ARN beside the versions, as in ListVersionsByFunction.
      all.push(listedConfiguration(await this.configurationOf(fn, every ? '$LATEST' : undefined)));
      if (every) {
        for (const record of await this.versions.store.listVersions(fn.functionName)) all.push(listedConfiguration(this.versionConfiguration(fn, record)));
      }
    }
    return paginate(all, options.marker, options.maxItems);
  }

  async listVersionsByFunction(name: string, options: { marker?: string; maxItems?: number } = {}): Promise<Page<FunctionConfiguration>> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    // Here $LATEST's FunctionArn is qualified (`…:function:Echo:$LATEST`), as Lambda lists it.
    const all = [listedConfiguration(await this.configurationOf(fn, '$LATEST'))];
    for (const record of await this.versions.store.listVersions(fn.functionName)) all.push(listedConfiguration(this.versionConfiguration(fn, record)));
    return paginate(all, options.marker, options.maxItems);
  }

  async publishVersion(name: string, options: { codeSha256?: string; description?: string; revisionId?: string } = {}): Promise<FunctionConfiguration> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    if (options.description !== undefined && options.description.length > 256) {
      throw modelValidationError(options.description, 'description', 'Member must have length less than or equal to 256');
    }
    if (options.revisionId !== undefined) {
      if (options.revisionId !== (await this.latestRevision(fn, await this.versions.snapshotLatest(fn)))) throw revisionMismatch('GetFunction/GetAlias');
    }
    const { record } = await this.versions.publish(fn, { description: options.description, codeSha256: options.codeSha256 });
    return this.versionConfiguration(fn, record);
  }

  // --- aliases ----------------------------------------------------------------------------------

  async createAlias(
    name: string,
    input: { Name?: string; FunctionVersion?: string; Description?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } },
  ): Promise<AliasConfiguration> {
    if (!input.Name) throw modelValidationError('null', 'name', 'Member must not be null');
    if (!input.FunctionVersion) throw modelValidationError('null', 'functionVersion', 'Member must not be null');
    checkStrings(input);
    // An unknown function is reported with the version the alias was to point at, as AWS does.
    const { fn } = this.find(name, undefined, { unqualified: true, notFoundQualifier: input.FunctionVersion });
    const record = await this.versions.createAlias(fn, {
      name: input.Name,
      functionVersion: input.FunctionVersion,
      description: input.Description,
      additionalVersionWeights: input.RoutingConfig?.AdditionalVersionWeights,
    });
    return this.aliasShape(fn, record);
  }

  async getAlias(name: string, alias: string): Promise<AliasConfiguration> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    return this.aliasShape(fn, this.versions.getAlias(fn, alias));
  }

  async updateAlias(
    name: string,
    alias: string,
    input: { FunctionVersion?: string; Description?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> }; RevisionId?: string },
  ): Promise<AliasConfiguration> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    checkStrings(input);
    const record = await this.versions.updateAlias(fn, alias, {
      functionVersion: input.FunctionVersion,
      description: input.Description,
      // RoutingConfig without weights clears the routing.
      additionalVersionWeights: input.RoutingConfig ? (input.RoutingConfig.AdditionalVersionWeights ?? {}) : undefined,
      revisionId: input.RevisionId,
    });
    // Provisioned concurrency configured on the alias follows it to its new version.
    const settings = await this.versions.store.getSettings(fn.functionName);
    if (settings.provisionedConcurrency?.[record.name]) await this.host.settingsChanged(fn.functionName, settings);
    return this.aliasShape(fn, record);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    await this.versions.deleteAlias(fn, alias);
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      delete s.provisionedConcurrency?.[alias];
      delete s.eventInvokeConfigs?.[alias];
    });
    await this.host.settingsChanged(fn.functionName, settings);
  }

  async listAliases(name: string, options: { functionVersion?: string; marker?: string; maxItems?: number } = {}): Promise<Page<AliasConfiguration>> {
    const { fn } = this.find(name, undefined, { unqualified: true });
    let aliases = await this.versions.store.listAliases(fn.functionName);
    const version = options.functionVersion;
    if (version !== undefined) aliases = aliases.filter((a) => a.functionVersion === version || Object.hasOwn(a.additionalVersionWeights ?? {}, version));
    return paginate(
      aliases.map((a) => this.aliasShape(fn, a)),
      options.marker,
      options.maxItems,
    );
  }

  // --- concurrency (concurrencyConfigs.ts) -----------------------------------------------------

  putFunctionConcurrency(name: string, reserved: unknown): Promise<{ ReservedConcurrentExecutions: number }> {
    return this.concurrency.putReserved(name, reserved);
  }

  getFunctionConcurrency(name: string): Promise<{ ReservedConcurrentExecutions?: number }> {
    return this.concurrency.getReserved(name);
  }

  deleteFunctionConcurrency(name: string): Promise<void> {
    return this.concurrency.deleteReserved(name);
  }

  putProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined, count: unknown): Promise<Record<string, unknown>> {
    return this.concurrency.putProvisioned(name, qualifierOption, count);
  }

  getProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined): Promise<Record<string, unknown>> {
    return this.concurrency.getProvisioned(name, qualifierOption);
  }

  deleteProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined): Promise<void> {
    return this.concurrency.deleteProvisioned(name, qualifierOption);
  }

  listProvisionedConcurrencyConfigs(name: string, options: { marker?: string; maxItems?: number } = {}): Promise<Page<Record<string, unknown>>> {
    return this.concurrency.listProvisioned(name, options);
  }

  // --- event invoke configs ---------------------------------------------------------------------

  async putFunctionEventInvokeConfig(name: string, qualifierOption: string | undefined, input: EventInvokeConfigInput): Promise<Record<string, unknown>> {
    return this.eventInvokeConfigs.put(name, qualifierOption, input);
  }

  async updateFunctionEventInvokeConfig(name: string, qualifierOption: string | undefined, input: EventInvokeConfigInput): Promise<Record<string, unknown>> {
    return this.eventInvokeConfigs.update(name, qualifierOption, input);
  }

  async getFunctionEventInvokeConfig(name: string, qualifierOption: string | undefined): Promise<Record<string, unknown>> {
    return this.eventInvokeConfigs.get(name, qualifierOption);
  }

  async deleteFunctionEventInvokeConfig(name: string, qualifierOption: string | undefined): Promise<void> {
    return this.eventInvokeConfigs.delete(name, qualifierOption);
  }

  async listFunctionEventInvokeConfigs(name: string, options: { marker?: string; maxItems?: number } = {}): Promise<Page<Record<string, unknown>>> {
    return this.eventInvokeConfigs.list(name, options);
  }

  // --- shapes -----------------------------------------------------------------------------------

  /**
   * The function (from a name, partial or full ARN) and the qualifier, checked as Lambda checks
   * them; `unqualified` operations reject a version or alias in the name.
   */
  private find(
    name: string,
    qualifierOption: string | undefined,
    options: { unqualified?: boolean; notFoundQualifier?: string } = {},
  ): { fn: FunctionDefinition; qualifier?: string } {
    const ref = parseFunctionRef(name, qualifierOption);
    checkFunctionRegion(ref, this.host.catalog.region);
    if (ref.qualifier && qualifierOption && ref.qualifier !== qualifierOption) {
      throw new WorkbenchError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    const qualifier = qualifierOption || ref.qualifier;
    const fn = this.host.catalog.getFunction(ref.name);
    if (!fn) throw functionNotFound(this.host.catalog.region, ref.name, qualifier ?? options.notFoundQualifier);
    if (options.unqualified && qualifier !== undefined && qualifier !== '$LATEST') {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        'Current operation does not support versions other than $LATEST. Please set version to $LATEST or do not set a version in your request.',
      );
    }
    return { fn, qualifier };
  }

  private aliasShape(fn: FunctionDefinition, alias: AliasRecord): AliasConfiguration {
    return aliasConfigurationShape(this.versions.aliasArn(fn.functionName, alias.name), alias);
  }

  private async configurationOf(fn: FunctionDefinition, qualifier: string | undefined): Promise<FunctionConfiguration> {
    if (qualifier === undefined || qualifier === '$LATEST') {
      const latest = await this.versions.snapshotLatest(fn);
      return functionConfigurationShape(this.host.catalog.region, fn, fn, {
        version: '$LATEST',
        arnQualifier: qualifier,
        codeSha256: latest.code.codeSha256,
        codeSize: latest.code.codeSize,
        layerSizes: latest.layers.map((l) => l.codeSize ?? 0),
        lastModified: lambdaTimestamp(new Date(statSync(this.host.catalog.template.file).mtimeMs)),
        revisionId: await this.latestRevision(fn, latest),
        updating: this.host.catalog.isUpdating(fn.functionName),
      });
    }
    let version = qualifier;
    if (!/^[0-9]+$/.test(qualifier)) {
      checkAliasName(qualifier);
      const alias = this.versions.store.getAlias(fn.functionName, qualifier);
      if (!alias) throw functionNotFound(this.host.catalog.region, fn.functionName, qualifier);
      if (alias.functionVersion === '$LATEST') {
        return { ...(await this.configurationOf(fn, undefined)), FunctionArn: functionArn(this.host.catalog.region, fn.functionName, qualifier) };
      }
      version = alias.functionVersion;
    }
    const record = await this.versions.store.getVersion(fn.functionName, version);
    if (!record) throw functionNotFound(this.host.catalog.region, fn.functionName, qualifier);
    return { ...this.versionConfiguration(fn, record), FunctionArn: functionArn(this.host.catalog.region, fn.functionName, qualifier) };
  }

  /**
   * $LATEST's RevisionId: derived from what it contains and from the newest version, since Lambda
   * gives $LATEST a new RevisionId when a version is published from it.
   */
  private async latestRevision(fn: FunctionDefinition, latest: { snapshotSha256: string }): Promise<string> {
    const newest = (await this.versions.store.versionNumbers(fn.functionName)).at(-1);
    return revisionOf(newest === undefined ? latest.snapshotSha256 : `${latest.snapshotSha256}:${newest}`);
  }

  private versionConfiguration(fn: FunctionDefinition, record: VersionRecord): FunctionConfiguration {
    const frozen: FunctionDefinition = {
      ...fn,
      ...record.config,
      emptyEnvironmentDeclared: record.config.emptyEnvironmentDeclared,
      layers: record.layers.map((l) => ({ logicalId: l.logicalId, arn: l.arn })),
    };
    const shaped = functionConfigurationShape(this.host.catalog.region, frozen, fn, {
      version: record.version,
      arnQualifier: record.version,
      codeSha256: record.codeSha256,
      codeSize: record.codeSize,
      layerSizes: record.layers.map((l) => l.codeSize ?? 0),
      lastModified: record.lastModified,
      revisionId: record.revisionId,
    });
    shaped.Description = record.description;
    return shaped;
  }
}

/** The alias fields Lambda types as strings (the SDK and CLI always send them so; raw JSON may not). */
function checkStrings(input: { Name?: unknown; FunctionVersion?: unknown; Description?: unknown; RevisionId?: unknown }): void {
  for (const [key, field] of [
    ['Name', 'name'],
    ['FunctionVersion', 'functionVersion'],
    ['Description', 'description'],
    ['RevisionId', 'revisionId'],
  ] as const) {
    const value = input[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new WorkbenchError('InvalidRequestContentException', `Could not parse request body into json: ${field} must be a string`);
    }
  }
}

function revisionMismatch(api: string): WorkbenchError {
  return new WorkbenchError(
    'PreconditionFailedException',
    `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
  );
}
