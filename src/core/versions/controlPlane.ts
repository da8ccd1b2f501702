import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { FunctionDefinition } from '../config/types';
import { modelValidationError, WorkbenchError } from '../errors';
import { checkFunctionRegion, functionArn, parseFunctionRef } from '../vocabulary/functionNames';
import { checkAliasName } from '../config/aliasRules';
import type { FunctionVersions } from './functionVersions';
import { lambdaTimestamp, type AliasRecord, type FunctionSettings, type VersionRecord } from './versionStore';
import type { FunctionCatalog } from './functionCatalog';
import { EventInvokeConfigs, type EventInvokeConfigInput } from './eventInvokeConfigs';
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

/** What the control plane needs of the engine (the Workbench provides it). */
export interface ControlPlaneHost {
  /** Every function, as invocations see it (API-set settings applied), and its template. */
  catalog: FunctionCatalog;
  versions: FunctionVersions;
  accountConcurrency(): number;
  /** Function settings changed through the API: apply them (concurrency, provisioned environments). */
  settingsChanged(functionName: string, settings: FunctionSettings): Promise<void>;
  /** Provisioned environments of a version: how many exist and how many are initialised. */
  provisionedStatus(functionName: string, version: string): { allocated: number; available: number; failed?: string };
  /** Throws InvalidParameterValueException when `count` provisioned environments on the qualifier exceed what Lambda allows. */
  checkProvisionedConcurrency(fn: FunctionDefinition, qualifier: string, count: number): void;
}

const MINIMUM_UNRESERVED = 100;
const PROVISIONED_QUALIFIER = 'The function resource provided must be an alias or a published version.';

export class ControlPlane {
  private readonly eventInvokeConfigs: EventInvokeConfigs;

  constructor(private readonly host: ControlPlaneHost) {
    this.eventInvokeConfigs = new EventInvokeConfigs(host);
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

  // --- concurrency ------------------------------------------------------------------------------

  async putFunctionConcurrency(name: string, reserved: unknown): Promise<{ ReservedConcurrentExecutions: number }> {
    // An unknown function is named as $LATEST (Lambda's answer).
    const fn = this.findFunctionOnly(name, '$LATEST');
    if (typeof reserved !== 'number' || !Number.isInteger(reserved)) {
      throw modelValidationError(String(reserved), 'reservedConcurrentExecutions', 'Member must not be null');
    }
    if (reserved < 0) throw modelValidationError(String(reserved), 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
    const others = this.host.catalog
      .functions()
      .filter((f) => f.functionName !== fn.functionName)
      .reduce((sum, f) => sum + (f.reservedConcurrentExecutions ?? 0), 0);
    if (others + reserved > this.host.accountConcurrency() - MINIMUM_UNRESERVED) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED}].`,
      );
    }
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      s.reservedConcurrentExecutions = reserved;
    });
    await this.host.settingsChanged(fn.functionName, settings);
    return { ReservedConcurrentExecutions: reserved };
  }

  async getFunctionConcurrency(name: string): Promise<{ ReservedConcurrentExecutions?: number }> {
    const fn = this.findFunctionOnly(name);
    return fn.reservedConcurrentExecutions === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions };
  }

  async deleteFunctionConcurrency(name: string): Promise<void> {
    const fn = this.findFunctionOnly(name);
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      s.reservedConcurrentExecutions = null;
    });
    await this.host.settingsChanged(fn.functionName, settings);
  }

  async putProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined, count: unknown): Promise<Record<string, unknown>> {
    // The model's constraint first, as AWS's front end checks it.
    if (typeof count !== 'number' || !Number.isInteger(count)) {
      throw modelValidationError(String(count), 'provisionedConcurrentExecutions', 'Member must not be null');
    }
    if (count < 1) throw modelValidationError(String(count), 'provisionedConcurrentExecutions', 'Member must have value greater than or equal to 1');
    const { fn, qualifier } = await this.findPublished(
      name,
      qualifierOption,
      'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    );
    // Within the function's reserved concurrency, or what the account leaves unreserved (nothing is stored otherwise).
    this.host.checkProvisionedConcurrency(fn, qualifier, count);
    const configs = (await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency ?? {};
    // A version is provisioned either directly or through aliases pointing at it, never both.
    if (isVersion(qualifier)) {
      const throughAlias = Object.keys(configs).some((q) => !isVersion(q) && this.versions.store.getAlias(fn.functionName, q)?.functionVersion === qualifier);
      if (throughAlias) throw new WorkbenchError('ResourceConflictException', 'Version is pointed by a Provisioned Concurrency alias');
    } else {
      const version = this.versions.store.getAlias(fn.functionName, qualifier)?.functionVersion;
      if (version !== undefined && configs[version]) {
        throw new WorkbenchError(
          'ResourceConflictException',
          "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
        );
      }
    }
    const lastModified = lambdaTimestamp();
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      (s.provisionedConcurrency ??= {})[qualifier] = { count, lastModified };
    });
    await this.host.settingsChanged(fn.functionName, settings);
    // The answer describes the request as accepted: nothing allocated yet (Get follows the environments).
    return {
      RequestedProvisionedConcurrentExecutions: count,
      AvailableProvisionedConcurrentExecutions: 0,
      AllocatedProvisionedConcurrentExecutions: 0,
      Status: 'IN_PROGRESS',
      LastModified: lastModified,
    };
  }

  async getProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined): Promise<Record<string, unknown>> {
    const { fn, qualifier } = await this.findPublished(name, qualifierOption, PROVISIONED_QUALIFIER);
    const config = (await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency?.[qualifier];
    if (!config) throw new WorkbenchError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
    return this.provisionedStatus(fn, qualifier, config.count, config.lastModified);
  }

  /** Idempotent, as Lambda's: a version or alias without a config answers 204 too. */
  async deleteProvisionedConcurrencyConfig(name: string, qualifierOption: string | undefined): Promise<void> {
    const { fn, qualifier } = await this.findPublished(name, qualifierOption, PROVISIONED_QUALIFIER);
    if (!(await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency?.[qualifier]) return;
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      delete s.provisionedConcurrency?.[qualifier];
    });
    await this.host.settingsChanged(fn.functionName, settings);
  }

  async listProvisionedConcurrencyConfigs(name: string, options: { marker?: string; maxItems?: number } = {}): Promise<Page<Record<string, unknown>>> {
    const ref = parseFunctionRef(name);
    checkFunctionRegion(ref, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(ref.name);
    if (!fn) throw notFound(this.host.catalog.region, ref.name);
    const configs = (await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency ?? {};
    const items = Object.entries(configs).map(([qualifier, config]) => ({
      FunctionArn: functionArn(this.host.catalog.region, fn.functionName, qualifier),
      ...this.provisionedStatus(fn, qualifier, config.count, config.lastModified),
    }));
    return paginate(items, options.marker, options.maxItems);
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
    if (!fn) throw notFound(this.host.catalog.region, ref.name, qualifier ?? options.notFoundQualifier);
    if (options.unqualified && qualifier !== undefined && qualifier !== '$LATEST') {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        'Current operation does not support versions other than $LATEST. Please set version to $LATEST or do not set a version in your request.',
      );
    }
    return { fn, qualifier };
  }

  /**
   * For provisioned concurrency: a published version or an alias, never $LATEST (`latestMessage`);
   * an unknown alias is named so even when the function is unknown too, as Lambda names it.
   */
  private async findPublished(
    name: string,
    qualifierOption: string | undefined,
    latestMessage: string,
  ): Promise<{ fn: FunctionDefinition; qualifier: string }> {
    const ref = parseFunctionRef(name);
    checkFunctionRegion(ref, this.host.catalog.region);
    if (ref.qualifier && qualifierOption && ref.qualifier !== qualifierOption) {
      throw new WorkbenchError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    const qualifier = qualifierOption || ref.qualifier;
    if (qualifier === undefined) throw modelValidationError('null', 'qualifier', 'Member must not be null');
    if (qualifier === '$LATEST') throw new WorkbenchError('InvalidParameterValueException', latestMessage);
    const region = this.host.catalog.region;
    const fn = this.host.catalog.getFunction(ref.name);
    const exists =
      fn &&
      (isVersion(qualifier) ? await this.versions.store.getVersion(fn.functionName, qualifier) : this.versions.store.getAlias(fn.functionName, qualifier));
    if (!fn || !exists) {
      if (isVersion(qualifier)) throw notFound(region, ref.name, qualifier);
      throw new WorkbenchError('ResourceNotFoundException', `Cannot find alias arn: ${functionArn(region, ref.name, qualifier)}`);
    }
    return { fn, qualifier };
  }

  /** For reserved concurrency, scoped to the whole function: a version or alias (even $LATEST) is refused. */
  private findFunctionOnly(name: string, notFoundQualifier?: string): FunctionDefinition {
    const ref = parseFunctionRef(name);
    checkFunctionRegion(ref, this.host.catalog.region);
    if (ref.qualifier !== undefined) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
      );
    }
    const fn = this.host.catalog.getFunction(ref.name);
    if (!fn) throw notFound(this.host.catalog.region, ref.name, notFoundQualifier);
    return fn;
  }

  private provisionedStatus(fn: FunctionDefinition, qualifier: string, requested: number, lastModified: string): Record<string, unknown> {
    const version = /^[0-9]+$/.test(qualifier) ? qualifier : (this.versions.store.getAlias(fn.functionName, qualifier)?.functionVersion ?? qualifier);
    const { allocated, available, failed } = this.host.provisionedStatus(fn.functionName, version);
    const result: Record<string, unknown> = {
      RequestedProvisionedConcurrentExecutions: requested,
      AvailableProvisionedConcurrentExecutions: Math.min(available, requested),
      AllocatedProvisionedConcurrentExecutions: Math.min(allocated, requested),
      Status: failed ? 'FAILED' : available >= requested ? 'READY' : 'IN_PROGRESS',
      LastModified: lastModified,
    };
    if (failed) result.StatusReason = failed;
    return result;
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
      });
    }
    let version = qualifier;
    if (!/^[0-9]+$/.test(qualifier)) {
      checkAliasName(qualifier);
      const alias = this.versions.store.getAlias(fn.functionName, qualifier);
      if (!alias) throw notFound(this.host.catalog.region, fn.functionName, qualifier);
      if (alias.functionVersion === '$LATEST') {
        return { ...(await this.configurationOf(fn, undefined)), FunctionArn: functionArn(this.host.catalog.region, fn.functionName, qualifier) };
      }
      version = alias.functionVersion;
    }
    const record = await this.versions.store.getVersion(fn.functionName, version);
    if (!record) throw notFound(this.host.catalog.region, fn.functionName, qualifier);
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

function isVersion(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}

function revisionMismatch(api: string): WorkbenchError {
  return new WorkbenchError(
    'PreconditionFailedException',
    `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
  );
}

function notFound(region: string, functionName: string, qualifier?: string): WorkbenchError {
  return new WorkbenchError('ResourceNotFoundException', `Function not found: ${functionArn(region, functionName, qualifier)}`);
}
