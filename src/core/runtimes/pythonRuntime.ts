import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { captureOutput, findOnPath, succeeds } from '../util/executables';
import { bootstrapFile } from './files';
import type { LaunchOptions, RuntimeAdapter, RuntimeLaunch } from './types';

// Python runtimes (python3.9 … python3.14) on a local interpreter, running our own stdlib-only
// bootstrap. The interpreter is resolved once to its real path: a pyenv shim is a shell script
// that costs ~100 ms on every cold start.

export interface LocalPython {
  path: string;
  /** `3.11.7` */
  version: string;
}

const cache = new Map<string, Promise<LocalPython>>();

/** `python3.12` → `3.12`. */
export function declaredPythonVersion(runtime: string): string | undefined {
  return /^python(\d+\.\d+)$/.exec(runtime)?.[1];
}

function pyenvRoot(): string {
  return process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv');
}

/** pyenv's shims are shell scripts that pick a version on every run (~100 ms). */
function isPyenvShim(file: string): boolean {
  const shims = path.join(pyenvRoot(), 'shims');
  const dir = path.dirname(file);
  if (dir === shims) return true;
  try {
    return dir === fs.realpathSync(shims);
  } catch {
    return false;
  }
}

/**
 * Interpreters of an exact minor version installed by pyenv, newest patch first. pyenv names each
 * install after its version, so nothing needs to be started to know it.
 */
function pyenvInstalls(minor: string): LocalPython[] {
  const versions = path.join(pyenvRoot(), 'versions');
  let names: string[];
  try {
    names = fs.readdirSync(versions);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${minor.replace('.', '\\.')}\\.(\\d+)$`);
  const found: Array<LocalPython & { patch: number }> = [];
  for (const name of names) {
    const match = pattern.exec(name);
    const file = path.join(versions, name, 'bin', `python${minor}`);
    if (!match || !fs.existsSync(file)) continue;
    found.push({ path: fs.realpathSync(file), version: name, patch: Number(match[1]) });
  }
  return found.sort((a, b) => b.patch - a.patch).map(({ path: file, version }) => ({ path: file, version }));
}

/** Asks an interpreter (or a shim / wrapper in front of one) for its real executable and version. */
async function ask(candidate: string): Promise<LocalPython> {
  const out = await captureOutput(candidate, ['-c', 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])']);
  const [executable, version] = out.split('\n');
  if (!version || !/^\d+\.\d+\.\d+$/.test(version.trim())) throw new Error(`${candidate} did not report a Python version`);
  return { path: fs.realpathSync(executable || candidate), version: version.trim() };
}

/**
 * The interpreter for a runtime: the configured one; else an exact `python3.X` match — on PATH
 * unless that is a pyenv shim, then among pyenv's installed versions (a shim for a version that is
 * installed but not selected fails, and a working one costs a shell script) — else `python3` on
 * PATH. Whatever is started is asked once for `sys.executable`, which sees through shims and
 * wrappers.
 */
export function resolveLocalPython(runtime: string, configured?: string): Promise<LocalPython> {
  const key = `${configured ?? ''}|${runtime}`;
  let result = cache.get(key);
  if (!result) {
    result = (async () => {
      if (configured) {
        const file = path.resolve(configured);
        if (!fs.existsSync(file)) throw new Error(`The configured Python interpreter ${file} does not exist.`);
        return ask(file);
      }
      const wanted = declaredPythonVersion(runtime);
      if (wanted) {
        const onPath = findOnPath(`python${wanted}`);
        if (onPath && !isPyenvShim(onPath)) {
          try {
            const found = await ask(onPath);
            if (found.version.split('.').slice(0, 2).join('.') === wanted) return found;
          } catch {
            // a broken install: look further
          }
        }
        const installed = pyenvInstalls(wanted)[0];
        if (installed) return installed;
      }
      const fallback = findOnPath('python3');
      if (!fallback) throw new Error(`No Python interpreter found for ${runtime}; install python3 or set lambdaWorkbench.pythonPath.`);
      return ask(fallback);
    })();
    result.catch(() => cache.delete(key));
    cache.set(key, result);
  }
  return result;
}

/**
 * Runs the bootstrap (argv[1]) as `__main__`, like `python bootstrap.py`, but through importlib's
 * SourceFileLoader so that its bytecode is cached in the runtime directory's __pycache__: a script
 * is otherwise compiled from source on every start (~4-6 ms of a ~50 ms cold start). Only our own
 * file is cached; user code writes no bytecode (-B stays in sys.flags).
 */
export const LOADER = [
  'import sys',
  'from importlib.machinery import SourceFileLoader as _L',
  'sys.argv=sys.argv[1:]',
  'sys.dont_write_bytecode=False',
  'import __main__ as _m',
  '_m.__file__=sys.argv[0]',
  "exec(_L('__main__',_m.__file__).get_code('__main__'),_m.__dict__)",
].join(';');

/** Debian's python3-debugpy (with its python3-pydevd, python3-bytecode) serves Debian's interpreter only. */
const SYSTEM_PYTHONS = ['/usr/bin/python3'];

function canImportDebugpy(python: string): Promise<boolean> {
  return succeeds(python, ['-c', 'import debugpy']);
}

/**
 * The interpreter for debug mode: the function's own when it can import debugpy; else a system
 * interpreter of the same minor version that can (Debian's python3-debugpy installs for
 * /usr/bin/python3, not for pyenv's interpreters).
 */
async function debugInterpreter(python: LocalPython): Promise<LocalPython> {
  if (await canImportDebugpy(python.path)) return python;
  const minor = python.version.split('.').slice(0, 2).join('.');
  for (const candidate of SYSTEM_PYTHONS) {
    if (!fs.existsSync(candidate)) continue;
    const found = await ask(candidate).catch(() => undefined);
    if (found && found.version.startsWith(`${minor}.`) && (await canImportDebugpy(found.path))) return found;
  }
  throw new Error(
    `Debugging Python needs debugpy, which ${python.path} (${python.version}) cannot import: pip install debugpy for it (or use a Python ${minor} that has it, e.g. Debian's python3-debugpy with /usr/bin/python3).`,
  );
}

/** Runtimes whose environment has LC_CTYPE=C.UTF-8 on AWS (python3.12 to 3.14, recorded in 2026). */
const UTF8_COERCED = /^python3\.(1[2-9]|[2-9]\d)$/;

export class PythonRuntime implements RuntimeAdapter {
  private readonly warned = new Set<string>();

  constructor(
    private readonly pythonPath: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const resolved = await resolveLocalPython(fn.runtime, this.pythonPath);
    const python = options.debug ? await debugInterpreter(resolved) : resolved;
    const declared = declaredPythonVersion(fn.runtime);
    const local = python.version.split('.').slice(0, 2).join('.');
    if (declared && declared !== local && !this.warned.has(fn.runtime)) {
      this.warned.add(fn.runtime);
      this.warn(`${fn.runtime} functions run on the local Python ${python.version} (${python.path}); behaviour of Python ${declared} may differ.`);
    }
    const bootstrap = bootstrapFile('python');
    const runtimeDir = path.dirname(bootstrap);
    const opt = options.optDir;
    const version = declared ?? local;
    // As on AWS: the task root first, then the layers' site-packages and python/ directories.
    const pythonPath = [fn.codeUri];
    if (opt) pythonPath.push(path.join(opt, 'python', 'lib', `python${version}`, 'site-packages'), path.join(opt, 'python'));
    pythonPath.push(runtimeDir);
    return {
      command: python.path,
      // -u: unbuffered, so print() output reaches the log as it happens, as on AWS; -B: no
      // __pycache__ written into the user's code (flags, not PYTHONUNBUFFERED /
      // PYTHONDONTWRITEBYTECODE: AWS's environment has neither variable). No other flag: -S / -I /
      // -E would cut startup but drop site-packages (.pth files, boto3 installed in the
      // interpreter) or PYTHONPATH, and -s saves nothing measurable. The bootstrap runs as
      // __main__ through LOADER, which keeps its bytecode (see there).
      // Debug mode: frozen stdlib modules would make debugpy miss breakpoints (it warns so).
      args: [...(options.debug ? ['-Xfrozen_modules=off'] : []), '-u', '-B', '-c', LOADER, bootstrap],
      runtimeDir,
      env: {
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        PYTHONPATH: pythonPath.join(path.delimiter),
        // AWS's python3.12 and later images have no en_US.UTF-8 locale: Python coerces to C.UTF-8 and
        // says so in LC_CTYPE (recorded); set here so it does not depend on this machine's locales
        // (a function's own LC_CTYPE wins).
        ...(UTF8_COERCED.test(fn.runtime) ? { LC_CTYPE: fn.environment.LC_CTYPE ?? 'C.UTF-8' } : {}),
        // Read (and removed) by the bootstrap before any user code.
        ...(options.debug ? { _LAMBDA_WORKBENCH_DEBUGPY: '1', ...(options.stopOnInit ? { _LAMBDA_WORKBENCH_STOP_ON_INIT: '1' } : {}) } : {}),
      },
      runtimeVersion: `python:${version}.local-v${python.version}`,
      runtimeVersionArn: `local:python:${python.path}`,
    };
  }
}
