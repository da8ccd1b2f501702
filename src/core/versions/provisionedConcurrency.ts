import type { FunctionDefinition } from '../config/types';
import type { Scheduler } from '../scheduler/scheduler';
import type { TelemetryStream } from '../telemetry/stream';
import type { FunctionVersions } from './functionVersions';
import type { TemplateProvisioning } from './templateVersions';
import type { FunctionSettings } from './versionStore';

// Which function versions keep provisioned environments, and how many: the template's (on the
// version an AutoPublishAlias, an AWS::Lambda::Alias or an AWS::Lambda::Version points at), the
// control-plane API's (per version or alias), and the `provisionedConcurrency` setting (on
// $LATEST: a local convenience Lambda itself does not offer). `reconcile()` makes the scheduler's
// provisioned environments match, giving up those of versions no longer provisioned.

export interface ProvisioningSources {
  /** The template's functions, as invocations see them. */
  functions(): FunctionDefinition[];
  getFunction(name: string): FunctionDefinition | undefined;
  /** The `provisionedConcurrency` setting: function name or logical id → environments of $LATEST. */
  latestOverrides(): Record<string, number>;
  /** Settings made through the API, per function name. */
  apiSettings(): Map<string, FunctionSettings>;
}

export interface ProvisionedStatus {
  allocated: number;
  available: number;
  failed?: string;
}

export class ProvisionedConcurrency {
  private fromTemplate: TemplateProvisioning[] = [];
  /** Versions whose provisioned environments failed to initialise (`name\0version`). */
  private readonly failures = new Set<string>();

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
    for (const env of this.scheduler.environments()) {
      if (env.initializationType === 'provisioned-concurrency' && !wanted.has(key(env.fn.functionName, env.version))) void this.scheduler.provision(env.fn, env.version, 0);
    }
    await Promise.all(desired.map(async ({ functionName, version, count }) => {
      const fn = this.sources.getFunction(functionName);
      const definition = fn && (version === '$LATEST' ? fn : await this.versions.versionDefinition(fn, version).catch((error: Error) => {
        this.telemetry.emit('workbench.warning', { message: `Provisioned concurrency for ${functionName}:${version}: ${error.message}` });
        return undefined;
      }));
      if (!definition) return;
      await this.scheduler.provision(definition, version, count);
      // Fewer than asked for are initialised once provisioning settled: INIT failed.
      if (this.status(functionName, version).available < count) this.failures.add(key(functionName, version));
      else this.failures.delete(key(functionName, version));
    }));
  }

  /** How many provisioned environments of a version exist and are initialised (GetProvisionedConcurrencyConfig). */
  status(functionName: string, version: string): ProvisionedStatus {
    let allocated = 0;
    let available = 0;
    for (const env of this.scheduler.environments()) {
      if (env.fn.functionName !== functionName || env.version !== version || env.initializationType !== 'provisioned-concurrency') continue;
      allocated++;
      if (env.state === 'Idle' || env.state === 'Invoking') available++;
    }
    if (this.failures.has(key(functionName, version))) {
      return { allocated, available, failed: 'FUNCTION_ERROR_INIT_FAILED: a provisioned environment failed to initialise (see its INIT log lines)' };
    }
    return { allocated, available };
  }

  private desired(): Array<{ functionName: string; version: string; count: number }> {
    const counts = new Map<string, { functionName: string; version: string; count: number }>();
    const add = (functionName: string, version: string | undefined, count: number) => {
      if (version === undefined || count <= 0) return;
      const entry = counts.get(key(functionName, version)) ?? { functionName, version, count: 0 };
      entry.count += count;
      counts.set(key(functionName, version), entry);
    };
    const aliasVersion = (functionName: string, alias: string) => this.versions.store.getAlias(functionName, alias)?.functionVersion;
    const overrides = this.sources.latestOverrides();
    for (const fn of this.sources.functions()) add(fn.functionName, '$LATEST', overrides[fn.functionName] ?? overrides[fn.logicalId] ?? 0);
    for (const p of this.fromTemplate) add(p.functionName, p.alias ? aliasVersion(p.functionName, p.alias) : p.version, p.count);
    for (const [functionName, settings] of this.sources.apiSettings()) {
      for (const [qualifier, { count }] of Object.entries(settings.provisionedConcurrency ?? {})) {
        add(functionName, /^[0-9]+$/.test(qualifier) ? qualifier : aliasVersion(functionName, qualifier), count);
      }
    }
    return [...counts.values()];
  }
}

function key(functionName: string, version: string): string {
  return `${functionName}\0${version}`;
}
