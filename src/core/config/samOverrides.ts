import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from './types';
import { parseJsonWithPosition } from './jsonPosition';
import { readSamDataFile, SAM_DATA_EXTENSIONS, SamOverrideError } from './samFiles';

// SAM CLI's run-time overrides, read as `sam local` reads them: `--parameter-overrides` (samcli/cli/
// types.py, CfnParameterOverridesType) and the `--env-vars` file (invoke_context.py, and
// local_lambda.py's _make_env_vars for what it overrides).

export { SamOverrideError };

const PARAMETER_EXAMPLES =
  "'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro', 'KeyPairName=MyKey InstanceType=t1.micro' or 'file://MyParams.yaml'";
/** SAM's PARAM_AND_METADATA_KEY_REGEX. */
const PARAMETER_KEY = /^[A-Za-z0-9"']+$/;
const CFN_FORM = /^ParameterKey=([^,]*),ParameterValue=(.*)$/s;

/**
 * Template parameter values in SAM's forms: strings holding `Key=Value` pairs or
 * `ParameterKey=Key,ParameterValue=Value` items separated by spaces (values quoted with " or ', or
 * spaces escaped with \), `file://params.yaml` (or .yml, .toml: a mapping, with `$include` of further
 * files; relative to `baseDir`, then to the including file), lists of those (samconfig), and
 * mappings (samconfig.yaml / .toml tables). Later values win.
 */
export function parseParameterOverrides(values: unknown, baseDir = process.cwd()): Record<string, string> {
  const result: Record<string, string> = {};
  const including: string[] = [];
  const add = (value: unknown, dir: string): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) return value.forEach((v) => add(v, dir));
    if (typeof value === 'string' && value.startsWith('file://')) return addFile(value, dir);
    if (typeof value === 'string') {
      for (const token of splitUnquotedSpaces(value)) {
        const [key, parameterValue] = keyValueOf(token, value);
        result[unquote(key)] = unquote(parameterValue);
      }
      return;
    }
    if (typeof value === 'object') {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (key === '$include') {
          if (typeof v !== 'string' && !Array.isArray(v)) throw new SamOverrideError(`$include must be a string or list of strings, got ${JSON.stringify(v)}`);
          add(v, dir);
          continue;
        }
        // As SAM: null unsets, a list is joined with commas (a CommaDelimitedList), anything else is its text.
        result[unquote(key)] = Array.isArray(v)
          ? v
              .filter((x) => x !== null && x !== '')
              .map((x) => pythonText(x).trim())
              .join(',')
          : unquote(pythonText(v));
      }
      return;
    }
    throw new SamOverrideError(`${String(value)} is not a valid parameter override: use ${PARAMETER_EXAMPLES}`);
  };
  const addFile = (reference: string, dir: string): void => {
    const file = path.resolve(dir, reference.slice('file://'.length));
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new SamOverrideError(`${reference} was not found or is a directory`);
    if (!SAM_DATA_EXTENSIONS.includes(path.extname(file))) {
      throw new SamOverrideError(`${reference} uses an unsupported extension (${SAM_DATA_EXTENSIONS.join(', ')})`);
    }
    if (including.includes(file)) throw new SamOverrideError(`Infinite recursion detected in file references: ${file}`);
    including.push(file);
    try {
      add(readSamDataFile(file), path.dirname(file));
    } finally {
      including.pop();
    }
  };
  add(values, baseDir);
  return result;
}

function keyValueOf(token: string, whole: string): [string, string] {
  if (token.startsWith('ParameterKey=')) {
    const match = CFN_FORM.exec(token);
    if (!match || !PARAMETER_KEY.test(match[1]!)) {
      throw new SamOverrideError(`"${token}" (in "${whole}") is not a valid parameter override: expected ParameterKey=Name,ParameterValue=value`);
    }
    return [match[1]!, match[2]!];
  }
  const eq = token.indexOf('=');
  const key = eq < 0 ? '' : token.slice(0, eq);
  if (!PARAMETER_KEY.test(key)) {
    throw new SamOverrideError(`"${token}" (in "${whole}") is not a valid parameter override: it must look like ${PARAMETER_EXAMPLES}`);
  }
  return [key, token.slice(eq + 1)];
}

/** Splits at spaces outside quotes and not escaped; the tokens keep their quotes and escapes. */
function splitUnquotedSpaces(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = '';
    } else current += ch;
  }
  if (quote) throw new SamOverrideError(`Unterminated ${quote} quote in parameter overrides "${text}"`);
  if (current) tokens.push(current);
  return tokens;
}

/** SAM's _unquote_wrapped_quotes: wrapping quotes removed, \ , \" and \' unescaped. */
function unquote(value: string): string {
  let result = value;
  if (result.length > 0 && result[0] === result[result.length - 1] && (result[0] === '"' || result[0] === "'")) result = result.slice(1, -1);
  return result.replace(/\\ /g, ' ').replace(/\\"/g, '"').replace(/\\'/g, "'");
}

/** Python's str() of a scalar read from samconfig (what SAM passes on). */
function pythonText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/**
 * An `--env-vars` file: `{"Parameters": {...}}` for every function, `{"<LogicalId or FunctionName>":
 * {...}}` for one; values as SAM hands them to the runtime (objects, lists and null blank, booleans
 * "true" / "false").
 */
export type EnvironmentOverrides = Record<string, Record<string, string>>;

export function readEnvVarsFile(file: string): EnvironmentOverrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SamOverrideError(
      `Could not read environment variables overrides from file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const parsed = parseJsonWithPosition(text.replace(/^\uFEFF/, ''));
  if ('problem' in parsed) {
    const { line, column, message } = parsed.problem;
    throw new SamOverrideError(`${file}:${line}:${column}: the environment variables file is not valid JSON: ${message}`);
  }
  return environmentOverridesOf(parsed.value, file);
}

/** Checks and normalises SAM's env-vars structure (from a file, a setting or a launch configuration). */
export function environmentOverridesOf(value: unknown, where: string): EnvironmentOverrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SamOverrideError(
      `${where}: environment variables overrides must be a JSON object, e.g. {"Parameters": {"TABLE": "local"}, "MyFunction": {"DEBUG": "1"}}`,
    );
  }
  const result: EnvironmentOverrides = {};
  for (const [scope, variables] of Object.entries(value as Record<string, unknown>)) {
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      throw new SamOverrideError(
        `${where}: environment variables ${JSON.stringify(variables)} of "${scope}" in incorrect format: expected an object of variable names to values`,
      );
    }
    result[scope] = Object.fromEntries(Object.entries(variables as Record<string, unknown>).map(([name, v]) => [name, lambdaText(v)]));
  }
  return result;
}

/** SAM's EnvironmentVariables._stringify_value. */
function lambdaText(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return '';
  return String(value);
}

/**
 * The function with SAM's env-vars overrides applied, as `sam local` resolves each variable the
 * template declares for it (local/lambdafn/env_vars.py): the template's value, replaced by the
 * shell's variable of that name when `shell` is given, replaced by the file's `Parameters`, then by
 * its own entry (logical id, else function name). A name the template does not declare is not added.
 */
export function applyEnvironmentOverrides(
  fn: FunctionDefinition,
  overrides: EnvironmentOverrides | undefined,
  shell?: Readonly<Record<string, string | undefined>>,
): FunctionDefinition {
  if (!overrides && !shell) return fn;
  const nonEmpty = (entry: Record<string, string> | undefined) => (entry && Object.keys(entry).length > 0 ? entry : undefined);
  const own = overrides && (nonEmpty(overrides[fn.logicalId]) ?? nonEmpty(overrides[fn.functionName]));
  const merged = { ...overrides?.Parameters, ...own };
  let environment: Record<string, string> | undefined;
  for (const name of Object.keys(fn.environment)) {
    const value = Object.hasOwn(merged, name) ? merged[name] : shell?.[name];
    if (value === undefined) continue;
    environment ??= { ...fn.environment };
    environment[name] = value;
  }
  return environment ? { ...fn, environment } : fn;
}
