import type { FunctionDefinition } from '../config/types';
import { modelValidationError, WorkbenchError } from '../errors';
import { checkFunctionRegion, functionArn, functionNotFound, parseFunctionRef } from '../vocabulary/functionNames';
import { paginate, type Page } from './apiShapes';
import type { FunctionCatalog } from './functionCatalog';
import type { FunctionVersions } from './functionVersions';
import { lambdaTimestamp, type FunctionSettings } from './versionStore';

// Reserved concurrency (Put / Get / DeleteFunctionConcurrency, scoped to the whole function) and
// provisioned concurrency configs (Put / Get / Delete / ListProvisionedConcurrencyConfigs, on a
// published version or an alias) as Lambda answers them: its limits against the account's unreserved
// concurrency, a version provisioned directly or through its aliases but never both, and its words.

/** What the concurrency operations need of the engine. */
export interface ConcurrencyHost {
  catalog: FunctionCatalog;
  versions: FunctionVersions;
  accountConcurrency(): number;
  /** Function settings changed through the API: apply them (concurrency, provisioned environments). */
  settingsChanged(functionName: string, settings: FunctionSettings): Promise<void>;
  /** Provisioned environments of a version: how many exist and how many are initialised. */
  provisionedStatus(functionName: string, version: string, qualifier?: string): { allocated: number; available: number; failed?: string; moving?: boolean };
  /** Throws InvalidParameterValueException when `count` provisioned environments on the qualifier exceed what Lambda allows. */
  checkProvisionedConcurrency(fn: FunctionDefinition, qualifier: string, count: number): void;
}

/** What Lambda always leaves unreserved in an account. */
const MINIMUM_UNRESERVED = 100;
const PROVISIONED_QUALIFIER = 'The function resource provided must be an alias or a published version.';

export class ConcurrencyConfigs {
  constructor(private readonly host: ConcurrencyHost) {}

  private get versions(): FunctionVersions {
    return this.host.versions;
  }

  async putReserved(name: string, reserved: unknown): Promise<{ ReservedConcurrentExecutions: number }> {
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
    // The function's provisioned concurrency (every version and alias) comes out of its reservation.
    const provisioned = Object.values((await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency ?? {}).reduce(
      (sum, c) => sum + c.count,
      0,
    );
    if (reserved < provisioned) {
      // Lambda's words, spaces included (recorded: TestLambdaConcurrency::test_reserved_provisioned_overlap).
      throw new WorkbenchError(
        'InvalidParameterValueException',
        ` ReservedConcurrentExecutions  ${reserved} should not be lower than function's total provisioned concurrency [${provisioned}].`,
      );
    }
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      s.reservedConcurrentExecutions = reserved;
    });
    await this.host.settingsChanged(fn.functionName, settings);
    return { ReservedConcurrentExecutions: reserved };
  }

  async getReserved(name: string): Promise<{ ReservedConcurrentExecutions?: number }> {
    const fn = this.findFunctionOnly(name);
    return fn.reservedConcurrentExecutions === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions };
  }

  async deleteReserved(name: string): Promise<void> {
    const fn = this.findFunctionOnly(name);
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      s.reservedConcurrentExecutions = null;
    });
    await this.host.settingsChanged(fn.functionName, settings);
  }

  async putProvisioned(name: string, qualifierOption: string | undefined, count: unknown): Promise<Record<string, unknown>> {
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

  async getProvisioned(name: string, qualifierOption: string | undefined): Promise<Record<string, unknown>> {
    const { fn, qualifier } = await this.findPublished(name, qualifierOption, PROVISIONED_QUALIFIER);
    const config = (await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency?.[qualifier];
    if (!config) throw new WorkbenchError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
    return this.provisionedStatus(fn, qualifier, config.count, config.lastModified);
  }

  /** Idempotent, as Lambda's: a version or alias without a config answers 204 too. */
  async deleteProvisioned(name: string, qualifierOption: string | undefined): Promise<void> {
    const { fn, qualifier } = await this.findPublished(name, qualifierOption, PROVISIONED_QUALIFIER);
    if (!(await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency?.[qualifier]) return;
    const settings = await this.versions.store.updateSettings(fn.functionName, (s) => {
      delete s.provisionedConcurrency?.[qualifier];
    });
    await this.host.settingsChanged(fn.functionName, settings);
  }

  async listProvisioned(name: string, options: { marker?: string; maxItems?: number } = {}): Promise<Page<Record<string, unknown>>> {
    const ref = parseFunctionRef(name);
    checkFunctionRegion(ref, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(ref.name);
    if (!fn) throw functionNotFound(this.host.catalog.region, ref.name);
    const configs = (await this.versions.store.getSettings(fn.functionName)).provisionedConcurrency ?? {};
    const items = Object.entries(configs).map(([qualifier, config]) => ({
      FunctionArn: functionArn(this.host.catalog.region, fn.functionName, qualifier),
      ...this.provisionedStatus(fn, qualifier, config.count, config.lastModified),
    }));
    return paginate(items, options.marker, options.maxItems);
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
      if (isVersion(qualifier)) throw functionNotFound(region, ref.name, qualifier);
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
    if (!fn) throw functionNotFound(this.host.catalog.region, ref.name, notFoundQualifier);
    return fn;
  }

  private provisionedStatus(fn: FunctionDefinition, qualifier: string, requested: number, lastModified: string): Record<string, unknown> {
    const version = isVersion(qualifier) ? qualifier : (this.versions.store.getAlias(fn.functionName, qualifier)?.functionVersion ?? qualifier);
    const { allocated, available, failed, moving } = this.host.provisionedStatus(fn.functionName, version, qualifier);
    const result: Record<string, unknown> = {
      RequestedProvisionedConcurrentExecutions: requested,
      AvailableProvisionedConcurrentExecutions: Math.min(available, requested),
      AllocatedProvisionedConcurrentExecutions: Math.min(allocated, requested),
      Status: failed ? 'FAILED' : available >= requested && !moving ? 'READY' : 'IN_PROGRESS',
      LastModified: lastModified,
    };
    if (failed) result.StatusReason = failed;
    return result;
  }
}

function isVersion(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}
