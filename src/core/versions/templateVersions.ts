import type { FunctionDefinition, TemplateModel } from '../config/types';
import { parseFunctionRef } from '../vocabulary/functionNames';
import type { FunctionVersions } from './functionVersions';

// What a template says about versions, done locally as a deployment would do it: a function's
// AutoPublishAlias publishes a version when the function changed and moves the alias to it;
// AWS::Lambda::Version resources publish; AWS::Lambda::Alias resources are created or updated to
// match the template. Provisioned concurrency declared on any of them is returned for the engine
// to provision.

export interface TemplateProvisioning {
  functionName: string;
  /** The alias whose version gets the environments, or a version number. */
  alias?: string;
  version?: string;
  count: number;
}

type Warn = (message: string) => void;

/** Publishes and aliases what the template declares (all functions, or only `only`). */
export async function applyTemplateVersions(model: TemplateModel, versions: FunctionVersions, warn: Warn, only?: Set<string>): Promise<TemplateProvisioning[]> {
  const provisioning: TemplateProvisioning[] = [];
  const byName = new Map<string, FunctionDefinition>();
  for (const fn of model.functions) {
    byName.set(fn.functionName, fn);
    byName.set(fn.logicalId, fn);
  }
  const wanted = (fn: FunctionDefinition) => !only || only.has(fn.functionName);

  for (const fn of model.functions) {
    if (!fn.autoPublishAlias || !wanted(fn)) continue;
    try {
      await autoPublish(fn, fn.autoPublishAlias, versions);
    } catch (error) {
      warn(`AutoPublishAlias ${fn.autoPublishAlias} of ${fn.functionName}: ${(error as Error).message}`);
      continue;
    }
    if (fn.provisionedConcurrency) provisioning.push({ functionName: fn.functionName, alias: fn.autoPublishAlias, count: fn.provisionedConcurrency });
  }

  // AWS::Lambda::Version resources: `${Id.Version}` in aliases stands for the number they get.
  const published = new Map<string, string>();
  for (const [id, resource] of Object.entries(model.resources)) {
    if (resource.type !== 'AWS::Lambda::Version') continue;
    const fn = functionOf(resource.properties.FunctionName, byName);
    if (!fn) {
      warn(`${id}: FunctionName does not name a function of this template; the version is not published locally`);
      continue;
    }
    if (!wanted(fn)) continue;
    try {
      const description = typeof resource.properties.Description === 'string' ? resource.properties.Description : undefined;
      const { record } = await versions.publish(fn, { description });
      published.set(id, record.version);
      const count = provisionedCount(resource.properties);
      if (count) provisioning.push({ functionName: fn.functionName, version: record.version, count });
    } catch (error) {
      warn(`${id}: ${(error as Error).message}`);
    }
  }
  const versionOf = (value: unknown): string | undefined => {
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return undefined;
    const placeholder = /^\$\{([A-Za-z0-9]+)\.Version\}$/.exec(value);
    return placeholder ? published.get(placeholder[1]) : value;
  };

  for (const [id, resource] of Object.entries(model.resources)) {
    if (resource.type !== 'AWS::Lambda::Alias') continue;
    const props = resource.properties;
    const fn = functionOf(props.FunctionName, byName);
    if (!fn || typeof props.Name !== 'string') {
      warn(`${id}: an alias needs a FunctionName of this template and a Name; it is not created locally`);
      continue;
    }
    if (!wanted(fn)) continue;
    const functionVersion = versionOf(props.FunctionVersion);
    if (!functionVersion) {
      warn(`${id}: FunctionVersion ${JSON.stringify(props.FunctionVersion)} is not a version known locally; the alias is not created`);
      continue;
    }
    const weights: Record<string, number> = {};
    const routing = (props.RoutingConfig as { AdditionalVersionWeights?: Array<{ FunctionVersion?: unknown; FunctionWeight?: unknown }> } | undefined)
      ?.AdditionalVersionWeights;
    for (const entry of Array.isArray(routing) ? routing : []) {
      const version = versionOf(entry.FunctionVersion);
      if (version !== undefined && typeof entry.FunctionWeight === 'number') weights[version] = entry.FunctionWeight;
    }
    const description = typeof props.Description === 'string' ? props.Description : undefined;
    try {
      const desired = { functionVersion, description: description ?? '', additionalVersionWeights: weights };
      if (versions.store.getAlias(fn.functionName, props.Name)) await versions.updateAlias(fn, props.Name, desired);
      else await versions.createAlias(fn, { name: props.Name, ...desired });
    } catch (error) {
      warn(`${id}: ${(error as Error).message}`);
      continue;
    }
    const count = provisionedCount(props);
    if (count) provisioning.push({ functionName: fn.functionName, alias: props.Name, count });
  }
  return provisioning;
}

/**
 * AutoPublishAlias: publish (a no-op when nothing changed) and point the alias at the result —
 * a new version moves it; an unchanged function leaves it where it is (as a deployment that
 * changes nothing leaves it), creating it if it does not exist yet.
 */
async function autoPublish(fn: FunctionDefinition, alias: string, versions: FunctionVersions): Promise<void> {
  const { record, created } = await versions.publish(fn, { description: '' });
  const existing = versions.store.getAlias(fn.functionName, alias);
  if (!existing) await versions.createAlias(fn, { name: alias, functionVersion: record.version });
  else if (created) await versions.updateAlias(fn, alias, { functionVersion: record.version, additionalVersionWeights: {} });
}

function functionOf(value: unknown, byName: Map<string, FunctionDefinition>): FunctionDefinition | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return byName.get(parseFunctionRef(value).name);
  } catch {
    return undefined;
  }
}

function provisionedCount(props: Record<string, unknown>): number | undefined {
  const count = (props.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined)?.ProvisionedConcurrentExecutions;
  return typeof count === 'number' && count > 0 ? count : undefined;
}
