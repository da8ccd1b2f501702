import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureOutput, findOnPath } from '../util/executables';
import type { FunctionDefinition } from '../config/types';
import type { RuntimeAdapter, RuntimeLaunch, LaunchOptions } from './types';
import { bootstrapFile } from './files';
import { systemCaBundle } from './systemCaBundle';

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

/**
 * The package.json that decides a .js file's module type for Node when the code directory has
 * none of its own: Node looks above the code directory, Lambda's deployment package has nothing
 * above it.
 */
export function outerPackageJson(codeUri: string): string | undefined {
  const root = path.resolve(codeUri);
  if (fs.existsSync(path.join(root, 'package.json'))) return undefined;
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * V8's heap limits derived from MemorySize: young generation (3 semi-spaces) plus old generation
 * within 90 % of it, leaving room for the rest of the process, so a leak ends in V8's own heap
 * out-of-memory. Passing heap flags costs node ~10 ms of startup (measured by the benchmark),
 * hence the nodeHeapLimit setting.
 */
export function heapArgs(memorySizeMb: number): string[] {
  const semiSpace = Math.min(16, Math.max(1, Math.floor(memorySizeMb / 64)));
  const oldSpace = Math.floor(memorySizeMb * 0.9) - 3 * semiSpace;
  return [`--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${oldSpace}`];
}

/** `nodejs20.x` → 20. */
export function declaredNodeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

export class NodeRuntime implements RuntimeAdapter {
  private readonly warned = new Set<string>();
  private readonly checkedCodeDirs = new Set<string>();

  constructor(
    private readonly nodePath: string | undefined,
    private readonly warn: (message: string) => void,
    /** Cap V8's heap from MemorySize (Lambda does); off trades that fidelity for faster cold starts. */
    private readonly heapLimit = true,
  ) {}

  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const node = await resolveLocalNode(this.nodePath);
    this.checkOuterPackageJson(fn.codeUri);
    const localMajor = Number(node.version.split('.')[0]);
    const declared = declaredNodeMajor(fn.runtime);
    if (declared !== undefined && declared !== localMajor && !this.warned.has(fn.runtime)) {
      this.warned.add(fn.runtime);
      this.warn(`${fn.runtime} functions run on the local Node.js ${node.version} (${node.path}); behaviour of Node ${declared} may differ.`);
    }
    const runtimeDir = path.dirname(bootstrapFile('node'));

    const major = declared ?? localMajor;
    const args = this.heapLimit ? heapArgs(fn.memorySize) : [];
    if (options.debug) args.push('--inspect-brk=127.0.0.1:0');
    args.push(bootstrapFile('node'));
    const opt = options.optDir;
    const nodePath = opt ? [path.join(opt, 'nodejs', `node${major}`, 'node_modules'), path.join(opt, 'nodejs', 'node_modules')] : [];
    return {
      command: node.path,
      args,
      runtimeDir,
      env: {
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        NODE_PATH: [...nodePath, path.join(runtimeDir, 'node_modules')].join(path.delimiter),
        ...extraCaCerts(fn.runtime),
        // Read (and removed) by the bootstrap before any user code.
        ...(options.debug && options.stopOnInit ? { _LAMBDA_WORKBENCH_STOP_ON_INIT: '1' } : {}),
      },
      runtimeVersion: `nodejs:${major}.local-v${node.version}`,
      runtimeVersionArn: `local:node:${node.path}`,
    };
  }

  /** Warns once per code directory when a package.json outside it makes its .js files ES modules. */
  private checkOuterPackageJson(codeUri: string): void {
    if (this.checkedCodeDirs.has(codeUri)) return;
    this.checkedCodeDirs.add(codeUri);
    const outer = outerPackageJson(codeUri);
    if (!outer) return;
    try {
      if (JSON.parse(fs.readFileSync(outer, 'utf8')).type !== 'module') return;
    } catch {
      return;
    }
    this.warn(
      `${outer} ("type": "module") lies outside CodeUri ${codeUri}: locally Node treats the function's .js files as ES modules, while Lambda would deploy them without it. Add a package.json to ${codeUri} to decide.`,
    );
  }
}

/** nodejs18.x's sandbox points NODE_EXTRA_CA_CERTS at its CA bundle (later Node.js runtimes' do not): here, the system's. */
function extraCaCerts(runtime: string): Record<string, string> {
  const bundle = runtime === 'nodejs18.x' ? systemCaBundle() : undefined;
  return bundle ? { NODE_EXTRA_CA_CERTS: bundle } : {};
}
