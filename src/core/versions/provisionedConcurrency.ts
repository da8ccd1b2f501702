import type { FunctionDefinition } from '../config/types';
import { WorkbenchError } from '../errors';
import type { Scheduler } from '../scheduler/scheduler';
import type { TelemetryStream } from '../telemetry/stream';
import type { FunctionVersions } from './functionVersions';
import type { FunctionCatalog } from './functionCatalog';
import type { TemplateProvisioning } from './templateVersions';

// Which function versions keep provisioned environments, and how many: the template's (on the
// version an AutoPublishAlias, an AWS::Lambda::Alias or an AWS::Lambda::Version points at), the
// control-plane API's (per version or alias), and the `provisionedConcurrency` setting (on
// $LATEST: a local convenience Lambda itself does not offer). `reconcile()` makes the scheduler's
// provisioned environments match, giving up those of versions no longer provisioned.

export interface ProvisioningSources {
  /** The template's functions, as invocations see them, and the settings made through the API. */
  catalog: FunctionCatalog;
  /** The `provisionedConcurrency` setting: function name or logical id → environments of $LATEST. */
  latestOverrides(): Record<string, number>;
  /** The engine's concurrency (Lambda's account limit). */
  accountConcurrency(): number;
}

/** Lambda keeps this much of the account's concurrency unreserved (reservations and provisioned concurrency may not eat into it). */
export const MINIMUM_UNRESERVED_CONCURRENCY = 100;

/** Where a provisioned count comes from: the template, the API (per qualifier) or the `provisionedConcurrency` setting. */
interface Request {
  functionName: string;
  /** The version it provisions (an alias resolved), undefined when the alias does not exist. */
  version: string | undefined;
  count: number;
  /** What a warning about it names. */
  origin: string;
  /** The API's qualifier, for the API's requests. */
  apiQualifier?: string;
}

export interface ProvisionedStatus {
  allocated: number;
  available: number;
  failed?: string;
  /** An alias moved to another version: its new environments initialise, the old ones still count. */
  moving?: boolean;
}

export class ProvisionedConcurrency {
  private fromTemplate: TemplateProvisioning[] = [];
  /** Versions whose provisioned environments failed to initialise (`name\0version`). */
  private readonly failures = new Set<string>();
  /** Clamp warnings already given (one each, not one per reconcile). */
  private readonly warned = new Set<string>();
  /** Versions given fewer environments than asked for at the last reconcile (`name\0version` → why). */
  private clamped = new Map<string, string>();
  /** The version each alias's provisioned concurrency was last brought to (`name\0alias` → version). */
  private readonly aliasVersions = new Map<string, string>();
  /** Aliases moved to another version whose new environments are not ready yet (`name\0alias` → the old version, kept until then). */
  private readonly moving = new Map<string, string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly versions: FunctionVersions,
    private readonly telemetry: TelemetryStream,
    private readonly sources: ProvisioningSources,
  ) {}

  /** What the template asks for (of every function, or replacing only those in `only`). */
  setTemplateProvisioning(provisioning: TemplateProvisioning[], only?: Set<string>): void {
    this.fromTemplate = only ? [...this.fromTemplate.filter((p) => !only.has(p.functionName)), ...provisioning] : provisioning;
  }

  /** Brings every version's provisioned environments to what is wanted; resolves once INIT settled. */
  async reconcile(): Promise<void> {
    const desired = this.desired();
    const wanted = new Set(desired.map((d) => key(d.functionName, d.version)));
    // An alias moved to another version keeps its old environments until the new ones are initialised, as Lambda does.
    const moved: string[] = [];
    for (const r of this.requests()) {
      if (r.apiQualifier === undefined || /^[0-9]+$/.test(r.apiQualifier) || r.version === undefined) continue;
      const alias = key(r.functionName, r.apiQualifier);
      const before = this.aliasVersions.get(alias);
      this.aliasVersions.set(alias, r.version);
      if (before !== undefined && before !== r.version && !this.moving.has(alias)) {
        this.moving.set(alias, before);
        moved.push(alias);
      }
    }
    const kept = new Set([...this.moving].map(([alias, version]) => key(alias.split('\0')[0]!, version)));
    for (const env of this.scheduler.environments()) {
      const versionKey = key(env.fn.functionName, env.version);
      if (env.initializationType === 'provisioned-concurrency' && !wanted.has(versionKey) && !kept.has(versionKey)) {
        void this.scheduler.provision(env.fn, env.version, 0);
      }
    }
    await Promise.all(
      desired.map(async ({ functionName, version, count }) => {
        const fn = this.sources.catalog.getFunction(functionName);
        const definition =
          fn &&
          (version === '$LATEST'
            ? fn
            : await this.versions.versionDefinition(fn, version).catch((error: Error) => {
                this.telemetry.emit('workbench.warning', { message: `Provisioned concurrency for ${functionName}:${version}: ${error.message}` });
                return undefined;
              }));
        if (!definition) return;
        await this.scheduler.provision(definition, version, count);
        // Fewer than asked for are initialised once provisioning settled: INIT failed.
        if (this.status(functionName, version).available < count) this.failures.add(key(functionName, version));
        else this.failures.delete(key(functionName, version));
      }),
    );
    // The moved aliases' new environments are settled: their old ones go, unless still wanted.
    if (moved.length === 0) return;
    const stillWanted = new Set(this.desired().map((d) => key(d.functionName, d.version)));
    for (const alias of moved) {
      const old = this.moving.get(alias);
      this.moving.delete(alias);
      const functionName = alias.split('\0')[0]!;
      if (old === undefined || stillWanted.has(key(functionName, old))) continue;
      const fn = this.sources.catalog.getFunction(functionName);
      if (fn) void this.scheduler.provision(fn, old, 0);
    }
  }

  /**
   * How many provisioned environments of a version exist and are initialised (GetProvisionedConcurrencyConfig);
   * of an alias (`qualifier`) moving to another version, those of the version it leaves, still IN_PROGRESS.
   */
  status(functionName: string, version: string, qualifier?: string): ProvisionedStatus {
    const old = qualifier === undefined ? undefined : this.moving.get(key(functionName, qualifier));
    if (old !== undefined) return { ...this.status(functionName, old), moving: true };
    let allocated = 0;
    let available = 0;
    for (const env of this.scheduler.environments()) {
      if (env.fn.functionName !== functionName || env.version !== version || env.initializationType !== 'provisioned-concurrency') continue;
      // Lambda counts an environment allocated once it is initialised (IN_PROGRESS answers 0 of both before).
      if (env.state === 'Idle' || env.state === 'Invoking') {
        allocated++;
        available++;
      }
    }
    const clamped = this.clamped.get(key(functionName, version));
    if (clamped) return { allocated, available, failed: clamped };
    if (this.failures.has(key(functionName, version))) {
      // Lambda's StatusReason, word for word (the INIT error itself is in the function's log).
      return { allocated, available, failed: 'FUNCTION_ERROR_INIT_FAILURE' };
    }
    return { allocated, available };
  }

  /**
   * PutProvisionedConcurrencyConfig's check, as Lambda makes it: a function's provisioned
   * concurrency (every version and alias) fits within its reserved concurrency, and without one
   * leaves the account at least MINIMUM_UNRESERVED_CONCURRENCY unreserved.
   */
  check(fn: FunctionDefinition, qualifier: string, count: number): void {
    const others = this.requests().filter((r) => !(r.apiQualifier === qualifier && r.functionName === fn.functionName));
    const problem = this.problem(fn, count, others);
    if (problem) throw new WorkbenchError('InvalidParameterValueException', problem);
  }

  /** Why `count` more provisioned environments of `fn`, beside `others`, do not fit (undefined: they do). */
  private problem(fn: FunctionDefinition, count: number, others: Request[]): string | undefined {
    const reserved = fn.reservedConcurrentExecutions;
    if (reserved !== undefined) {
      const ofFunction = others.filter((r) => r.functionName === fn.functionName).reduce((sum, r) => sum + r.count, 0);
      return ofFunction + count > reserved
        ? 'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function'
        : undefined;
    }
    const unreserved = this.accountUnreserved();
    if (count > unreserved) return `Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${unreserved}].`;
    if (count > this.unreservedLeft(others)) {
      return `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED_CONCURRENCY}].`;
    }
    return undefined;
  }

  /** The account's concurrency no function reserves (GetAccountSettings' UnreservedConcurrentExecutions). */
  private accountUnreserved(): number {
    const reservedTotal = this.sources.catalog.functions().reduce((sum, f) => sum + (f.reservedConcurrentExecutions ?? 0), 0);
    return Math.max(0, this.sources.accountConcurrency() - reservedTotal);
  }

  /** What provisioned concurrency of functions without a reservation may still take, beside `others`. */
  private unreservedLeft(others: Request[]): number {
    const unreserved = new Set(
      this.sources.catalog
        .functions()
        .filter((f) => f.reservedConcurrentExecutions === undefined)
        .map((f) => f.functionName),
    );
    const taken = others.filter((r) => unreserved.has(r.functionName)).reduce((sum, r) => sum + r.count, 0);
    return Math.max(0, this.accountUnreserved() - MINIMUM_UNRESERVED_CONCURRENCY - taken);
  }

  /** Every provisioned count asked for: the template's, the API's, then the setting's. */
  private requests(): Request[] {
    const result: Request[] = [];
    const aliasVersion = (functionName: string, alias: string) => this.versions.store.getAlias(functionName, alias)?.functionVersion;
    for (const p of this.fromTemplate) {
      result.push({
        functionName: p.functionName,
        version: p.alias ? aliasVersion(p.functionName, p.alias) : p.version,
        count: p.count,
        origin: `the template's ProvisionedConcurrencyConfig of ${p.functionName}`,
      });
    }
    for (const [functionName, settings] of this.sources.catalog.settings()) {
      for (const [qualifier, { count }] of Object.entries(settings.provisionedConcurrency ?? {})) {
        const version = /^[0-9]+$/.test(qualifier) ? qualifier : aliasVersion(functionName, qualifier);
        result.push({
          functionName,
          version,
          count,
          origin: `the provisioned concurrency of ${functionName}:${qualifier} (.lambda-workbench/functions/${functionName}/settings.json)`,
          apiQualifier: qualifier,
        });
      }
    }
    const overrides = this.sources.latestOverrides();
    for (const fn of this.sources.catalog.functions()) {
      const count = overrides[fn.functionName] ?? overrides[fn.logicalId] ?? 0;
      if (count > 0) {
        result.push({ functionName: fn.functionName, version: '$LATEST', count, origin: `the provisionedConcurrency setting of ${fn.functionName}` });
      }
    }
    return result.filter((r) => Number.isFinite(r.count) && r.count > 0);
  }

  /**
   * What to provision, each request clamped to what Lambda would allow beside those before it
   * (a stored or configured value out of bounds warns, once, and never prevents start-up).
   */
  private desired(): Array<{ functionName: string; version: string; count: number }> {
    const counts = new Map<string, { functionName: string; version: string; count: number }>();
    const accepted: Request[] = [];
    const clamped = new Map<string, string>();
    for (const request of this.requests()) {
      const fn = this.sources.catalog.getFunction(request.functionName);
      if (!fn || request.version === undefined) continue;
      let count = Math.floor(request.count);
      if (this.problem(fn, count, accepted)) {
        const limit =
          fn.reservedConcurrentExecutions !== undefined
            ? Math.max(0, fn.reservedConcurrentExecutions - accepted.filter((r) => r.functionName === fn.functionName).reduce((sum, r) => sum + r.count, 0))
            : this.unreservedLeft(accepted);
        const problem = this.problem(fn, count, accepted);
        const message = `${request.origin} asks for ${request.count} provisioned environments, more than Lambda allows (${problem}): ${limit} are provisioned.`;
        if (!this.warned.has(message)) {
          this.warned.add(message);
          this.telemetry.emit('workbench.warning', { message }, { functionName: fn.functionName });
        }
        clamped.set(key(request.functionName, request.version), `${problem}: ${limit} of ${request.count} are provisioned`);
        count = limit;
      }
      if (count <= 0) continue;
      accepted.push({ ...request, count });
      const entry = counts.get(key(request.functionName, request.version)) ?? { functionName: request.functionName, version: request.version, count: 0 };
      entry.count += count;
      counts.set(key(request.functionName, request.version), entry);
    }
    this.clamped = clamped;
    return [...counts.values()];
  }
}

function key(functionName: string, version: string): string {
  return `${functionName}\0${version}`;
}
