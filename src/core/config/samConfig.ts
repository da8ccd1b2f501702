import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSamDataFile, SamOverrideError } from './samFiles';
import { parseParameterOverrides, readEnvVarsFile, type EnvironmentOverrides } from './samOverrides';

// SAM CLI's configuration file (samcli/lib/config/samconfig.py): `samconfig.toml`, `.yaml` or `.yml`
// (that order when several exist), environments at the top (`default` unless `--config-env`), then
// a table per command (`local_invoke`, `local_start_api`, `local_start_lambda`, `build`…) and
// `global`, each with its options under `parameters`: the command's win over global's.

export const SAM_CONFIG_NAMES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'];
export const DEFAULT_SAM_CONFIG_ENV = 'default';

/** The samconfig sections each of our commands reads (after `global`; later ones win). */
export const SAM_CONFIG_SECTIONS = {
  invoke: ['local_invoke'],
  serve: ['local_start_api', 'local_start_lambda'],
  startApi: ['local_start_api'],
  build: ['build'],
  /** The extension's engines invoke, serve the local API and debug: every local section. */
  extension: ['local_start_api', 'local_start_lambda', 'local_invoke'],
} as const;

/** The options of samconfig we honour; the others are read and ignored. */
export interface SamConfigValues {
  /** The file read. */
  file: string;
  parameterOverrides?: Record<string, string>;
  /** `env_vars`, absolute. */
  envVars?: string;
  /** `template_file` (or `template`), absolute. */
  template?: string;
  region?: string;
  /** Accepted for SAM's projects: our environments stay warm anyway. */
  warmContainers?: string;
  /** `port`, `host` and `static_dir` (start-api's; `static_dir` as written: SAM resolves it against the template's directory). */
  port?: number;
  host?: string;
  staticDir?: string;
  /** Said to the user, not fatal (e.g. an environment the file does not have). */
  warnings: string[];
}

/** The first samconfig in these directories (toml, then yaml, then yml in each). */
export function findSamConfig(dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of SAM_CONFIG_NAMES) {
      const file = path.join(dir, name);
      if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
  }
  return undefined;
}

export interface ReadSamConfigOptions {
  /** `--config-env` (default `default`). */
  env?: string;
  /** The command's sections, after `global` (see SAM_CONFIG_SECTIONS). */
  sections: readonly string[];
  /** Relative paths of the file (template_file, env_vars) resolve against this (default: the file's directory). */
  baseDir?: string;
}

/** Reads the options of one environment; a file that does not parse is a SamOverrideError with file:line:column. */
export function readSamConfig(file: string, options: ReadSamConfigOptions): SamConfigValues {
  const env = options.env ?? DEFAULT_SAM_CONFIG_ENV;
  const document = parseSamConfigFile(file);
  const values: SamConfigValues = { file, warnings: [] };
  const environment = document[env];
  if (!isTable(environment)) {
    const envs = Object.keys(document).filter((key) => isTable(document[key]));
    if (env !== DEFAULT_SAM_CONFIG_ENV || environment !== undefined) {
      values.warnings.push(`${file} has no environment "${env}" (environments: ${envs.join(', ') || 'none'}); its options are not used.`);
    }
    return values;
  }
  const merged: Record<string, unknown> = {};
  for (const section of ['global', ...options.sections]) {
    const parameters = (environment[section] as Record<string, unknown> | undefined)?.parameters;
    if (isTable(parameters)) Object.assign(merged, parameters);
  }
  const baseDir = options.baseDir ?? path.dirname(file);
  const where = (key: string) => `${file} (${env}): ${key}`;
  if (merged.parameter_overrides !== undefined) {
    try {
      values.parameterOverrides = parseParameterOverrides(merged.parameter_overrides, baseDir);
    } catch (error) {
      throw new SamOverrideError(`${where('parameter_overrides')}: ${(error as Error).message}`);
    }
  }
  const text = (key: string): string | undefined => {
    const value = merged[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new SamOverrideError(`${where(key)} must be a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const envVars = text('env_vars');
  if (envVars) values.envVars = path.resolve(baseDir, envVars);
  const template = text('template_file') ?? text('template');
  if (template) values.template = path.resolve(baseDir, template);
  values.region = text('region');
  const warm = merged.warm_containers;
  if (warm !== undefined && warm !== null) values.warmContainers = String(warm);
  const port = merged.port;
  if (port !== undefined && port !== null && port !== '') {
    const n = typeof port === 'number' ? port : typeof port === 'string' && /^\d+$/.test(port.trim()) ? Number(port) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new SamOverrideError(`${where('port')} must be a port number, got ${JSON.stringify(port)}`);
    values.port = n;
  }
  values.host = text('host');
  values.staticDir = text('static_dir');
  return values;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function parseSamConfigFile(file: string): Record<string, unknown> {
  const document = readSamDataFile(file) ?? {};
  if (!isTable(document)) throw new SamOverrideError(`${file}: a samconfig file is a table of environments (e.g. [default.local_invoke.parameters])`);
  return document;
}

/** SAM's inputs of a run, read: what an engine's settings take of them. */
export interface SamRunInputs {
  parameterOverrides?: Record<string, string>;
  environmentOverrides?: EnvironmentOverrides;
  /** samconfig's `region`. */
  region?: string;
  /** The env-vars file read (the explicit one, else samconfig's), if any. */
  envVarsFile?: string;
  /** The samconfig read, if any. */
  configFile?: string;
  warnings: string[];
}

/**
 * SAM's inputs for the extension's engines and the debug adapter's own: the explicit values (a
 * setting, a launch configuration) replace the options of the samconfig found first in `searchDirs`
 * (default environment, every local section), as a command-line flag replaces them for `sam`.
 */
export function samRunInputs(options: { searchDirs: readonly string[]; envVarsFile?: string; parameterOverrides?: Record<string, string> }): SamRunInputs {
  const file = findSamConfig(options.searchDirs);
  const config = file ? readSamConfig(file, { sections: SAM_CONFIG_SECTIONS.extension }) : undefined;
  const explicit = options.parameterOverrides && Object.keys(options.parameterOverrides).length > 0 ? options.parameterOverrides : undefined;
  const envVars = options.envVarsFile ?? config?.envVars;
  return {
    parameterOverrides: explicit ?? config?.parameterOverrides,
    environmentOverrides: envVars ? readEnvVarsFile(envVars) : undefined,
    region: config?.region,
    envVarsFile: envVars,
    configFile: file,
    warnings: config?.warnings ?? [],
  };
}
