import type { FunctionDefinition } from '../config/types';
import { WorkbenchError } from '../errors';

// Which functions run in debug mode (a debug session asked for it) and with what: new environments
// of such a function start with the runtime waiting for a debugger, with the session's variables
// on top of the definition's, and pause on the handler module's first line if asked.

export interface DebugOverrides {
  environment?: Record<string, string>;
  stopOnInit?: boolean;
}

interface DebugMode {
  environment: Record<string, string>;
  stopOnInit: boolean;
}

export class DebugModes {
  private readonly modes = new Map<string, DebugMode>();

  /** Throws InvalidParameterValueException for overrides no process could be given. */
  set(functionName: string, enabled: boolean, overrides: DebugOverrides = {}): void {
    checkEnvironmentOverrides(overrides.environment);
    if (enabled) this.modes.set(functionName, { environment: overrides.environment ?? {}, stopOnInit: overrides.stopOnInit ?? false });
    else this.modes.delete(functionName);
  }

  has(functionName: string): boolean {
    return this.modes.has(functionName);
  }

  /** How a new environment of the function starts: its definition (with the overrides) and debug options. */
  launchOf(fn: FunctionDefinition): { fn: FunctionDefinition; debug: boolean; stopOnInit?: boolean } {
    const mode = this.modes.get(fn.functionName);
    if (!mode) return { fn, debug: false };
    const overridden = Object.keys(mode.environment).length > 0 ? { ...fn, environment: { ...fn.environment, ...mode.environment } } : fn;
    return { fn: overridden, debug: true, stopOnInit: mode.stopOnInit };
  }
}

/** A debug session's variable overrides: names and string values a process can be given (no NUL). */
function checkEnvironmentOverrides(environment: unknown): void {
  if (environment === undefined || environment === null) return;
  if (typeof environment !== 'object' || Array.isArray(environment)) {
    throw new WorkbenchError('InvalidParameterValueException', 'Environment must be a mapping of variable names to string values');
  }
  for (const [name, value] of Object.entries(environment)) {
    if (name === '' || /[\0=]/.test(name)) {
      throw new WorkbenchError('InvalidParameterValueException', `Environment variable name ${JSON.stringify(name)} is invalid`);
    }
    if (typeof value !== 'string') throw new WorkbenchError('InvalidParameterValueException', `Environment variable '${name}' must be a string`);
    if (value.includes('\0')) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        `Environment variable '${name}' contains a NUL character (\\0), which an environment variable cannot hold`,
      );
    }
  }
}
