// Checks of individual function/layer properties against Lambda's limits. Each returns
// the usable value (or a default) and reports one diagnostic per problem, naming the
// property and what would be allowed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { KNOWN_RUNTIMES, supportedRuntimes } from './runtimes';

/** A required string property; reports a missing or unusable value. */
export function requiredString(r: PropertyReader, key: string, hint = ''): string | undefined {
  const v = r.get(key);
  if (typeof v === 'string' && v !== '') return v;
  if (v === undefined || v === null || v === '') {
    const message = r.written(key) ? `${key} has no value that can be used locally${hint}` : `Missing required property ${key}${hint}`;
    r.error('missing-property', [key], message);
    return undefined;
  }
  r.error('invalid-type', [key], `${key} must be a string, got ${describe(v)}`);
  return undefined;
}

export function optionalString(r: PropertyReader, key: string): string | undefined {
  const v = r.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  r.error('invalid-type', [key], `${key} must be a string, got ${describe(v)}`);
  return undefined;
}

export interface IntegerRule {
  min: number;
  max?: number;
  unit?: string;
}

/**
 * An integer property. Numeric strings are accepted because `Ref` to a Number parameter
 * yields a string, and CloudFormation converts it.
 */
export function integer(r: PropertyReader, keys: string[], rule: IntegerRule): number | undefined {
  const v = r.get(...keys);
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= rule.min && (rule.max === undefined || n <= rule.max)) return n;
  const name = keys.join('.');
  const range = rule.max === undefined ? `>= ${rule.min}` : `between ${rule.min} and ${rule.max}`;
  const unit = rule.unit ? ` (${rule.unit})` : '';
  r.error('invalid-value', keys, `${name} must be an integer ${range}${unit}, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  return undefined;
}

/** Unknown: an error (nothing can start it). Deprecated or not local: warnings (AWS still lists it; only this function is affected). */
export function checkRuntime(r: PropertyReader, runtime: string): void {
  const info = KNOWN_RUNTIMES[runtime];
  if (!info) {
    r.error('invalid-value', ['Runtime'], `Unknown runtime '${runtime}'; supported runtimes: ${supportedRuntimes().join(', ')}`);
  } else if (!info.local) {
    r.warning(
      'unsupported-runtime',
      ['Runtime'],
      `Runtime '${runtime}' cannot be run locally by Lambda Workbench; local runtimes: ${supportedRuntimes().join(', ')}`,
    );
  } else if (info.deprecated) {
    const successors = supportedRuntimes().filter((n) => KNOWN_RUNTIMES[n]!.family === info.family);
    r.warning('deprecated-runtime', ['Runtime'], `Runtime '${runtime}' is deprecated by AWS Lambda; consider one of: ${successors.join(', ')}`);
  }
}

const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const ENV_LIMIT_BYTES = 4096;
/** Set by Lambda itself; a function cannot override them (the template reader refuses them, the environment lets Lambda's win). */
export const RESERVED_ENV_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/**
 * `Environment.Variables`, stringified as CloudFormation does (numbers as written, booleans as text).
 * Errors: a bad or reserved name is left out, so the function would run without a variable it was
 * written with; over 4 KB, Lambda rejects the whole configuration on every deployment.
 */
export function environment(r: PropertyReader): Record<string, string> {
  const keys = ['Environment', 'Variables'];
  const out: Record<string, string> = {};
  const env = r.get('Environment');
  if (env === undefined || env === null) return out;
  const vars = r.get(...keys);
  if (vars === undefined || vars === null) return out;
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    r.error('invalid-type', keys, `Environment.Variables must be a mapping of names to string values, got ${describe(vars)}`);
    return out;
  }
  let size = 0;
  for (const [name, v] of Object.entries(vars as Record<string, unknown>)) {
    const at = [...keys, name];
    if (!ENV_NAME.test(name)) {
      const { span, property } = r.keyAt(at);
      const message = `Environment variable name '${name}' is invalid: it must match ^[a-zA-Z][a-zA-Z0-9_]+$ (a letter, then letters, digits or underscores)`;
      r.sink.error('invalid-value', message, span, property);
      continue;
    }
    if (RESERVED_ENV_VARIABLES.has(name)) {
      const { span, property } = r.keyAt(at);
      r.sink.error('reserved-env-var', `Environment variable '${name}' is reserved by Lambda and cannot be set`, span, property);
      continue;
    }
    let text: string;
    if (typeof v === 'string') text = v;
    else if (typeof v === 'number') {
      const node = r.nodeOf(...at);
      text = node?.kind === 'scalar' && node.value === v && node.raw !== undefined ? node.raw : String(v);
    } else if (typeof v === 'boolean') text = String(v);
    else {
      r.error('invalid-type', at, `Environment variable '${name}' must be a string, number or boolean, got ${describe(v)}`);
      continue;
    }
    if (text.includes('\0')) {
      // No process can be given it (execve's strings end at NUL): Lambda rejects the configuration.
      r.error('invalid-value', at, `Environment variable '${name}' contains a NUL character (\\0), which an environment variable cannot hold`);
      continue;
    }
    if (text.includes('{{resolve:')) {
      const message = `Environment variable '${name}' uses a dynamic reference ({{resolve:…}}), which is not resolved locally; the text is passed as is`;
      r.warning('dynamic-reference', at, message);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(text);
    out[name] = text;
  }
  if (size > ENV_LIMIT_BYTES) {
    r.error('invalid-value', keys, `Environment variables total ${size} bytes (names + values); Lambda allows at most ${ENV_LIMIT_BYTES} bytes (4 KB)`);
  }
  return out;
}

const ARCHITECTURES = ['x86_64', 'arm64'];

export function architectures(r: PropertyReader): string[] {
  const v = r.get('Architectures');
  if (v === undefined || v === null) return ['x86_64'];
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string' || !ARCHITECTURES.includes(v[0])) {
    r.error('invalid-value', ['Architectures'], `Architectures must be a list with exactly one of: ${ARCHITECTURES.join(', ')}`);
    return ['x86_64'];
  }
  return [v[0]];
}

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function checkFunctionName(r: PropertyReader, name: string): void {
  if (!FUNCTION_NAME.test(name)) {
    r.error('invalid-value', ['FunctionName'], `FunctionName '${name}' is invalid: use 1–64 letters, digits, hyphens or underscores`);
  }
}

/** A deployment package Lambda (and `sam local`) unpacks into the code directory: a .zip or .jar file. */
export function isCodeArchive(file: string): boolean {
  return CODE_ARCHIVE.test(file) && fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

const CODE_ARCHIVE = /\.(zip|jar)$/i;

/**
 * A code/content location: a local directory, or a local .zip / .jar archive (the engine extracts it,
 * as Lambda does a deployment package), relative to the template. S3 locations are reported: nothing
 * can be run from them without downloading.
 */
export function localCodeLocation(r: PropertyReader, key: string, templateDir: string): string | undefined {
  const v = r.get(key);
  if (typeof v === 'string') {
    if (/^(s3|https?):\/\//i.test(v)) {
      r.error(
        'not-local',
        [key],
        `${key} '${v}' is a remote location; Lambda Workbench needs a local directory or .zip / .jar archive (build or package locally first)`,
      );
      return undefined;
    }
    const location = path.resolve(templateDir, v);
    const stat = fs.statSync(location, { throwIfNoEntry: false });
    if (!stat) r.error('path-not-found', [key], `${key} ${CODE_ARCHIVE.test(location) ? 'archive' : 'directory'} does not exist: ${location}`);
    else if (!stat.isDirectory() && !(stat.isFile() && CODE_ARCHIVE.test(location))) {
      r.error('invalid-value', [key], `${key} must be a directory or a .zip / .jar archive; ${location} is neither`);
    }
    return location;
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('Bucket' in o || 'S3Bucket' in o || 'Key' in o || 'S3Key' in o) {
      r.error('not-local', [key], `${key} points to an S3 object; Lambda Workbench needs a local directory or .zip / .jar archive`);
      return undefined;
    }
  }
  if (v !== undefined && v !== null) r.error('invalid-type', [key], `${key} must be a path to a local directory or .zip / .jar archive, got ${describe(v)}`);
  return undefined;
}
