import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { generateSampleEvent } from '../core/events';
import {
  applyEnvironmentOverrides,
  parseParameterOverrides,
  samRunInputs,
  type EnvironmentOverrides,
  type FunctionDefinition,
  type SamRunInputs,
} from '../core/config';
import type { WorkbenchSettings } from '../core';

// What a `lambda` debug configuration says (launch.json), and how its event is read.

interface LambdaSessionArguments {
  /** The SAM / CloudFormation template. */
  template: string;
  /** Logical id or function name, or several. */
  function: string | string[];
  /** Handed to the child JavaScript debugger (bundled handlers). */
  outFiles?: string[];
  sourceMaps?: boolean;
  /** Engine settings (state directory, node path…) when the adapter opens its own engine. */
  settings?: Partial<WorkbenchSettings>;
}

export interface LambdaLaunchArguments extends DebugProtocol.LaunchRequestArguments, LambdaSessionArguments {
  qualifier?: string;
  /** A JSON file, a sample (`service/type`, as `invoke --sample`), or an inline JSON value. */
  event?: string | Record<string, unknown> | unknown[];
  invocationType?: 'RequestResponse' | 'Event';
  /** Pause at the first line of the handler module. */
  stopOnInit?: boolean;
  /** Environment variable overrides for the debugged functions' environments. */
  env?: Record<string, string>;
  /** A SAM env-vars file (`sam local invoke --env-vars`), relative to the template's folder. */
  envVars?: string;
  /** Template parameter values: an object, or SAM's string forms (`Stage=dev`, `ParameterKey=Stage,ParameterValue=dev`). */
  parameterOverrides?: Record<string, string> | string;
}

/** Attach to the environments a running engine starts for the functions (mappings, the local API…). */
export interface LambdaAttachArguments extends DebugProtocol.AttachRequestArguments, LambdaSessionArguments {
  stopOnInit?: boolean;
}

/** The arguments of the custom `invoke` request (invoke again while the session runs). */
export interface InvokeArguments {
  event?: LambdaLaunchArguments['event'];
  qualifier?: string;
  invocationType?: 'RequestResponse' | 'Event';
  /** One of the session's functions (default: the first). */
  function?: string;
}

/** The function names of a configuration, checked. */
export function configuredFunctions(args: Partial<LambdaSessionArguments>): string[] {
  const names = Array.isArray(args.function) ? args.function : args.function ? [args.function] : [];
  if (names.length === 0 || names.some((name) => typeof name !== 'string' || !name)) {
    throw new Error('The debug configuration needs a "function": a logical id or function name, or several');
  }
  return names;
}

/** Resolves a configuration's `event` to the payload text. */
export function resolveEvent(event: LambdaLaunchArguments['event'], baseDir: string): string {
  if (event === undefined || event === null) return '{}';
  if (typeof event !== 'string') return JSON.stringify(event);
  const trimmed = event.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    JSON.parse(trimmed); // fail early on malformed inline JSON
    return trimmed;
  }
  const file = path.resolve(baseDir, trimmed);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return fs.readFileSync(file, 'utf8');
  const sample = /^([\w-]+)[/ ]([\w-]+)$/.exec(trimmed);
  if (sample) return JSON.stringify(generateSampleEvent(sample[1], sample[2]));
  throw new Error(`The event "${event}" is neither a file, a sample (service/type) nor JSON`);
}

/**
 * A launch configuration's SAM inputs: its `envVars` and `parameterOverrides` over the samconfig
 * next to the template (default environment), for an engine the session opens itself.
 */
export function samInputsOf(args: LambdaLaunchArguments, templateDir: string): SamRunInputs {
  const parameterOverrides = args.parameterOverrides === undefined ? undefined : parseParameterOverrides(args.parameterOverrides, templateDir);
  return samRunInputs({ searchDirs: [templateDir], envVarsFile: args.envVars ? path.resolve(templateDir, args.envVars) : undefined, parameterOverrides });
}

/** The variables an env-vars file sets for a function (those its template declares), as debug-mode overrides. */
export function declaredOverrides(fn: FunctionDefinition | undefined, overrides: EnvironmentOverrides | undefined): Record<string, string> {
  if (!fn || !overrides) return {};
  const applied = applyEnvironmentOverrides(fn, overrides).environment;
  return Object.fromEntries(Object.entries(applied).filter(([name, value]) => fn.environment[name] !== value));
}
