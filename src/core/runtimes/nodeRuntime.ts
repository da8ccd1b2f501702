import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureOutput, findOnPath } from '../util/executables';
import type { FunctionDefinition } from '../config/types';
import type { RuntimeAdapter, RuntimeLaunch, LaunchOptions } from './types';
import { bootstrapFile } from './files';

export interface LocalNode {
  path: string;
  version: string;
}

let cached: Map<string, Promise<LocalNode>> = new Map();

/**
 * Resolves the node binary environments run on: the configured path, else `node` on PATH.
 * Once per path: the version costs a process start, which must not be paid per cold start.
 */
export function resolveLocalNode(configured?: string): Promise<LocalNode> {
  const key = configured ?? '';
  let result = cached.get(key);
  if (!result) {
    result = (async () => {
      const found = configured ? fs.realpathSync(configured) : findOnPath('node');
      if (!found) throw new Error('No `node` executable on PATH; set lambdaWorkbench.nodePath to run nodejs* functions.');
      // The CLI usually runs on that very node: no need to ask it its version.
      if (found === safeRealpath(process.execPath) && !process.versions.electron) {
        return { path: found, version: process.versions.node };
      }
      const version = await captureOutput(found, ['-p', 'process.versions.node']);
      return { path: found, version };
    })();
    result.catch(() => cached.delete(key));
    cached.set(key, result);
  }
  return result;
}

/** For tests: forget resolved binaries. */
export function resetNodeCache(): void {
  cached = new Map();
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** `nodejs20.x` → 20. */
export function declaredNodeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

export class NodeRuntime implements RuntimeAdapter {
  private readonly warned = new Set<string>();

  constructor(private readonly nodePath: string | undefined, private readonly warn: (message: string) => void) {}

  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const node = await resolveLocalNode(this.nodePath);
    const localMajor = Number(node.version.split('.')[0]);
    const declared = declaredNodeMajor(fn.runtime);
    if (declared !== undefined && declared !== localMajor && !this.warned.has(fn.runtime)) {
      this.warned.add(fn.runtime);
      this.warn(`${fn.runtime} functions run on the local Node.js ${node.version} (${node.path}); behaviour of Node ${declared} may differ.`);
    }
    const runtimeDir = path.dirname(bootstrapFile('node'));
    const args: string[] = [];
    if (options.debug) args.push('--inspect-brk=127.0.0.1:0');
    args.push(bootstrapFile('node'));
    const major = declared ?? localMajor;
    return {
      command: node.path,
      args,
      runtimeDir,
      env: {
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        NODE_PATH: [`/opt/nodejs/node${major}/node_modules`, '/opt/nodejs/node_modules', path.join(runtimeDir, 'node_modules')].join(path.delimiter),
      },
      runtimeVersion: `nodejs:${major}.local-v${node.version}`,
      runtimeVersionArn: `local:node:${node.path}`,
    };
  }
}
