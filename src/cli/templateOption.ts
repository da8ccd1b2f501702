import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTemplate, formatDiagnostic } from '../core/config';
import { readSourceDeclarations, type SourceEndpoints, TemplateError, Workbench, type WorkbenchSettings } from '../core';

/** A usage or template problem: printed as is, exit code 2. */
export class UsageError extends Error {}

export interface CommonOptions {
  template?: string;
  region?: string;
  nodePath?: string;
  parameterOverrides?: string[];
  /** `--source-endpoint Name=url`, repeatable. */
  sourceEndpoint?: string[];
}

export function resolveTemplatePath(option: string | undefined): string {
  if (option) {
    const full = path.resolve(option);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      const found = findTemplate(full);
      if (!found) throw new UsageError(`No template.yaml, template.yml or template.json in ${option}`);
      return found;
    }
    if (!fs.existsSync(full)) throw new UsageError(`Template not found: ${option}`);
    return full;
  }
  const found = findTemplate(process.cwd());
  if (!found) throw new UsageError('No template.yaml or template.yml in the current directory; pass --template <file>');
  return found;
}

/** `Key=Value` pairs, as `sam --parameter-overrides` takes them. */
function parseOverrides(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--parameter-overrides expects Key=Value, got "${pair}"`);
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/**
 * `--source-endpoint Name=url` pairs: the queue or stream (logical id, name or ARN) on a real
 * endpoint. The region is the engine's (`--region`, as in the source's ARN), the credentials the
 * user's AWS configuration (environment, AWS_PROFILE, ~/.aws); the setting's `profile` and
 * `remoteName` have no CLI form.
 */
export function parseSourceEndpoints(pairs: string[] | undefined): SourceEndpoints | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const result: SourceEndpoints = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq).trim();
    const url = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (eq < 0 || name === '' || url === '') {
      throw new UsageError(`--source-endpoint expects Name=url (a queue or stream's logical id, name or ARN, then its endpoint), got "${pair}"`);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--source-endpoint ${name}: "${url}" is not a URL (e.g. http://127.0.0.1:9324)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--source-endpoint ${name}: the endpoint must be an http:// or https:// URL, got "${url}"`);
    }
    if (result[name]) throw new UsageError(`--source-endpoint ${name} is given twice`);
    result[name] = { url };
  }
  return result;
}

/** A `--source-endpoint` name that is no queue or stream of the template: said on stderr, not fatal. */
function warnUnknownSourceEndpoints(workbench: Workbench, endpoints: SourceEndpoints | undefined): void {
  if (!endpoints) return;
  const { queues, streams } = readSourceDeclarations(workbench.template, workbench.settings.region);
  const known = new Set([...queues, ...streams].flatMap((s) => [s.logicalId, s.name, s.arn]));
  for (const name of Object.keys(endpoints)) {
    if (known.has(name)) continue;
    const ids = [...queues, ...streams].map((s) => s.logicalId ?? s.name).join(', ') || 'none';
    process.stderr.write(`Warning: --source-endpoint ${name} matches no queue or stream of the template (queues and streams: ${ids}); it is ignored.\n`);
  }
}

/**
 * The engine of a one-shot command that only reads or edits the state: queued asynchronous events,
 * watching, template versions, provisioned environments and pollers are left to `serve` (or the extension).
 */
export const READ_ONLY_ENGINE: Partial<WorkbenchSettings> = {
  asyncWorkers: false,
  hotReload: false,
  applyTemplateVersions: false,
  provision: false,
  eventSourceMappings: false,
};

/** Opens the engine for the command's template; template errors become one message per problem. */
export async function openWorkbench(options: CommonOptions, extra: Partial<WorkbenchSettings> = {}): Promise<Workbench> {
  const sourceEndpoints = parseSourceEndpoints(options.sourceEndpoint);
  const template = resolveTemplatePath(options.template);
  // Warnings while the engine opens (a provisioned concurrency clamped, a template version not
  // applied) are shown here: the command subscribes to the engine's events only once it has it.
  let opening = true;
  try {
    const workbench = await Workbench.open({
      template,
      onTelemetry: (event) => {
        if (opening && event.type === 'workbench.warning') process.stderr.write(`WARNING ${(event.record as { message: string }).message}\n`);
      },
      settings: {
        ...extra,
        ...(options.region ? { region: options.region } : {}),
        ...(options.nodePath ? { nodePath: options.nodePath } : {}),
        ...(sourceEndpoints ? { sourceEndpoints } : {}),
        parameterOverrides: parseOverrides(options.parameterOverrides),
      },
    });
    opening = false;
    warnUnknownSourceEndpoints(workbench, sourceEndpoints);
    return workbench;
  } catch (error) {
    opening = false;
    if (error instanceof TemplateError) {
      const lines = error.diagnostics.map(formatDiagnostic);
      const count = error.diagnostics.filter((d) => d.severity === 'error').length;
      throw new UsageError(`${lines.join('\n')}\n${count} error(s) in ${template}: nothing was run.`);
    }
    throw error;
  }
}
