import type { FunctionDefinition } from '../config/types';

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

  set(functionName: string, enabled: boolean, overrides: DebugOverrides = {}): void {
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
