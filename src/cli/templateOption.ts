import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  findSamConfig,
  findTemplate,
  formatDiagnostic,
  parseParameterOverrides,
  readEnvVarsFile,
  readSamConfig,
  SamOverrideError,
  type EnvironmentOverrides,
  type SamConfigValues,
} from '../core/config';
import { formatTerminalLine, readSourceDeclarations, type SourceEndpoints, TemplateError, Workbench, type WorkbenchSettings } from '../core';

/** A usage or template problem: printed as is, exit code 2. */
export class UsageError extends Error {}

export interface CommonOptions {
  template?: string;
  region?: string;
  nodePath?: string;
  /** false with `--no-java-class-data-sharing`. */
  javaClassDataSharing?: boolean;
  /** `--parameter-overrides`, repeatable, each in either of SAM's forms. */
  parameterOverrides?: string[];
  /** `--source-endpoint Name=url`, repeatable. */
  sourceEndpoint?: string[];
  /** SAM's `--config-file` and `--config-env` (samconfig.toml / .yaml / .yml). */
  configFile?: string;
  configEnv?: string;
  /** SAM's `--env-vars <file.json>` (invoke and serve). */
  envVars?: string;
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

/** `--parameter-overrides`, in both of SAM's forms (samOverrides.ts). */
function parseOverrides(values: string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  try {
    return parseParameterOverrides(values);
  } catch (error) {
    if (error instanceof SamOverrideError) throw new UsageError(`--parameter-overrides: ${error.message}`);
    throw error;
  }
}

/**
 * The template and samconfig of a command, as SAM finds them: `--config-file`, else the samconfig of
 * the current directory (SAM's project root; relative paths in it are relative to that directory),
 * else the one next to the template. The template: `--template`, else samconfig's `template_file`,
 * else the current directory's.
 */
function resolveProject(options: CommonOptions, samSections: readonly string[]): { template: string; config?: SamConfigValues } {
  const read = (file: string, baseDir: string) => {
    try {
      return readSamConfig(file, { env: options.configEnv, sections: samSections, baseDir });
    } catch (error) {
      if (error instanceof SamOverrideError) throw new UsageError(error.message);
      throw error;
    }
  };
  let config: SamConfigValues | undefined;
  if (options.configFile) {
    const file = path.resolve(options.configFile);
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`Config file not found: ${options.configFile}`);
    config = read(file, process.cwd());
  } else {
    const inCwd = findSamConfig([process.cwd()]);
    if (inCwd) config = read(inCwd, process.cwd());
  }
  const template = resolveTemplatePath(options.template ?? config?.template);
  if (!config && !options.configFile) {
    const besideTemplate = findSamConfig([path.dirname(template)]);
    if (besideTemplate) config = read(besideTemplate, path.dirname(besideTemplate));
  }
  if (!config && options.configEnv) {
    process.stderr.write(`WARNING --config-env ${options.configEnv}: no samconfig.toml, samconfig.yaml or samconfig.yml found; it is ignored.\n`);
  }
  for (const warning of config?.warnings ?? []) process.stderr.write(`WARNING ${warning}\n`);
  return { template, config };
}

function readEnvironmentOverrides(file: string | undefined): EnvironmentOverrides | undefined {
  if (!file) return undefined;
  try {
    return readEnvVarsFile(file);
  } catch (error) {
    if (error instanceof SamOverrideError) throw new UsageError(error.message);
    throw error;
  }
}

/** The template's warnings (an unresolved parameter…), on stderr as `list` prints them. */
export function printTemplateWarnings(workbench: Workbench): void {
  for (const d of workbench.template.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
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

/**
 * Opens the engine for the command's template; template errors become one message per problem.
 * `samSections`: the samconfig sections of the command (SAM_CONFIG_SECTIONS; `global` always).
 * An option on the command line replaces samconfig's (as SAM's: no merge of the two).
 * `onConfig` sees the samconfig read (if any) before the engine opens: a command's own options
 * from it (start-api's port); what it throws is thrown here.
 */
export async function openWorkbench(
  options: CommonOptions,
  extra: Partial<WorkbenchSettings> = {},
  samSections: readonly string[] = [],
  onConfig?: (config: SamConfigValues | undefined) => void,
): Promise<Workbench> {
  const sourceEndpoints = parseSourceEndpoints(options.sourceEndpoint);
  const parameterOverrides = parseOverrides(options.parameterOverrides);
  const { template, config } = resolveProject(options, samSections);
  onConfig?.(config);
  const region = options.region ?? config?.region;
  const environmentOverrides = readEnvironmentOverrides(options.envVars ?? config?.envVars);
  // Warnings while the engine opens (a provisioned concurrency clamped, a template version not
  // applied) are shown here: the command subscribes to the engine's events only once it has it.
  let opening = true;
  try {
    const workbench = await Workbench.open({
      template,
      onTelemetry: (event) => {
        // Builds run during open too (stale artefacts are built first): their progress is shown as it happens.
        if (opening && event.type === 'workbench.build') {
          const line = formatTerminalLine(event);
          if (line !== undefined) process.stderr.write(`${line}\n`);
        }
        if (opening && event.type === 'workbench.warning') process.stderr.write(`WARNING ${(event.record as { message: string }).message}\n`);
      },
      settings: {
        ...extra,
        ...(region ? { region } : {}),
        ...(options.nodePath ? { nodePath: options.nodePath } : {}),
        ...(options.javaClassDataSharing === false ? { javaClassDataSharing: false } : {}),
        ...(sourceEndpoints ? { sourceEndpoints } : {}),
        ...(environmentOverrides ? { environmentOverrides } : {}),
        // As `sam local`: an exported variable replaces the template's value of a variable it declares.
        shellEnvironment: process.env,
        parameterOverrides: parameterOverrides ?? config?.parameterOverrides,
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
