import * as path from 'node:path';
import type { DebugFunction } from './debugTarget';

// The configuration of the child session the client starts (DAP `startDebugging`) for one
// environment: VS Code's JavaScript debugger on a Node inspector (`ws://`), or a debugpy client
// on our Python bootstrap's debugpy listener (`tcp://`).

export interface ChildConfiguration {
  type: string;
  request: 'attach';
  name: string;
  /** Ours: which environment the child debugs (the client reports `childEnded` with it). */
  __lambdaEnvironmentId: string;
  /**
   * Ours: the debugger the child needs. DAP starts a `startDebugging` child with the parent's type
   * (`lambda`); the extension's configuration resolver hands it on with this type instead.
   */
  __lambdaChildType: 'pwa-node' | 'debugpy';
  [key: string]: unknown;
}

export interface ChildOptions {
  /** Pause where the runtime waits (else it continues once attached). */
  stopOnAttach: boolean;
  sourceMaps?: boolean;
  outFiles?: string[];
}

export function childConfiguration(environmentId: string, fn: DebugFunction, debuggerUrl: string, options: ChildOptions): ChildConfiguration {
  const url = new URL(debuggerUrl);
  const name = `${fn.logicalId ?? fn.functionName} ${environmentId}`;
  if (url.protocol === 'tcp:') {
    return {
      type: 'debugpy',
      request: 'attach',
      name,
      connect: { host: url.hostname, port: Number(url.port) },
      __lambdaEnvironmentId: environmentId,
      __lambdaChildType: 'debugpy',
    };
  }
  return {
    type: 'pwa-node',
    request: 'attach',
    name,
    port: Number(url.port),
    address: url.hostname,
    // --inspect-brk holds the runtime before our bootstrap: resume unless asked to stop there.
    continueOnAttach: !options.stopOnAttach,
    sourceMaps: options.sourceMaps ?? true,
    outFiles: options.outFiles ?? [path.join(fn.codeUri, '**', '*.js'), '!**/node_modules/**'],
    skipFiles: ['<node_internals>/**'],
    __lambdaEnvironmentId: environmentId,
    __lambdaChildType: 'pwa-node',
  };
}
