import * as path from 'node:path';
import type { DebugFunction } from './debugTarget';

// The configuration of the child session the client starts (DAP `startDebugging`) for one
// environment: VS Code's JavaScript debugger on a Node inspector (`ws://`), a debugpy client on
// our Python bootstrap's debugpy listener (`tcp://`), the rdbg extension (KoichiSasada's
// vscode-rdbg) on the DAP server of Ruby's debug gem (`rdbg://`), or VS Code's Java debugger
// (vscjava.vscode-java-debug) on a JVM's JDWP agent (`jdwp://`).

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
  __lambdaChildType: 'pwa-node' | 'debugpy' | 'rdbg' | 'java';
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
  if (url.protocol === 'jdwp:') {
    // No projectName: the debugger finds the classes' sources in the workspace's Java projects. It
    // resumes the JVM (held before main) once its breakpoints are set.
    return {
      type: 'java',
      request: 'attach',
      name,
      hostName: url.hostname,
      port: Number(url.port),
      __lambdaEnvironmentId: environmentId,
      __lambdaChildType: 'java',
    };
  }
  if (url.protocol === 'rdbg:') {
    return {
      type: 'rdbg',
      request: 'attach',
      name,
      debugPort: `${url.hostname}:${url.port}`,
      // The debuggee runs on this machine: rdbg reads its sources from disk.
      localfs: true,
      __lambdaEnvironmentId: environmentId,
      __lambdaChildType: 'rdbg',
    };
  }
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
