import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { findOnPath } from '../util/executables';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';
import { cachedDirectory, copyTree, emptyDirectory, excludeNames, hashOf, linkTree, readIfExists, runTool, toolFailure } from './builderSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// Python functions as SAM's pip workflow (aws-lambda-builders python_pip) builds them: the packages
// of requirements.txt installed into the artefact, then the sources copied over them (SAM's list of
// excluded files). SAM downloads Lambda-compatible (manylinux) wheels; we run the function on this
// machine, so it is a plain `pip install -r requirements.txt -t …` with the function's own
// interpreter, in a cache directory keyed by the hash of requirements.txt and the interpreter.

/** aws-lambda-builders' PythonPipWorkflow.EXCLUDED_FILES, and our state directory. */
const EXCLUDED = excludeNames([
  '.aws-sam',
  '.chalice',
  '.git',
  '.gitignore',
  '*.pyc',
  '__pycache__',
  '*.so',
  '.Python',
  '*.egg-info',
  '*.egg',
  'pip-log.txt',
  'pip-delete-this-directory.txt',
  'htmlcov',
  '.tox',
  '.nox',
  '.coverage',
  '.cache',
  '.pytest_cache',
  '.python-version',
  '.mypy_cache',
  '.dmypy.json',
  '.pyre',
  '.env',
  '.venv',
  'venv',
  'venv.bak',
  'env.bak',
  'ENV',
  'env',
  '.vscode',
  '.idea',
  STATE_DIR_NAME,
]);
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Seconds pip waits on a silent connection; with one retry, an unreachable index fails in seconds, not minutes. */
const PIP_SOCKET_TIMEOUT_S = 10;

export interface PipBuilderOptions {
  /**
   * The function's interpreter (its real path, not a pyenv shim): the engine passes the Python
   * runtime's resolver. Default: `python3` on PATH.
   */
  python?: (fn: FunctionDefinition) => Promise<string>;
  timeoutMs?: number;
  /** Seconds pip waits on a silent connection (default 10). */
  socketTimeoutSeconds?: number;
}

export class PipBuilder implements Builder {
  readonly name = 'pip';

  constructor(private readonly options: PipBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { sourceDir, artefactDir } = request;
    await emptyDirectory(artefactDir);
    await copyTree(sourceDir, artefactDir, EXCLUDED, [artefactDir, request.cacheDir]);
    const requirements = path.join(sourceDir, 'requirements.txt');
    if (!fs.existsSync(requirements)) return {};
    const python = await this.interpreter(request.fn);
    const key = hashOf([readIfExists(requirements), python, String(fs.statSync(python).mtimeMs)]);
    const args = [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--retries',
      '1',
      '--timeout',
      String(this.options.socketTimeoutSeconds ?? PIP_SOCKET_TIMEOUT_S),
      '-r',
      requirements,
      '-t',
    ];

    const { dir, reused } = await cachedDirectory(path.join(request.cacheDir, 'pip'), key, async (target) => {
      request.log(`pip install -r requirements.txt -t <artefact> (${python})`);
      const result = await runTool({
        tool: 'pip',
        command: python,
        args: [...args, target],
        // Relative paths in requirements.txt (./wheels/x.whl, -e ./lib) are relative to the function.
        cwd: sourceDir,
        // Bytecode compiled at install time (pip's default) spares every cold start compiling the packages.
        env: { PIP_ROOT_USER_ACTION: 'ignore', PYTHONDONTWRITEBYTECODE: undefined },
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        keep: /^(Looking in indexes|WARNING: Retrying|ERROR:)|No module named pip/,
        missing: `The Python interpreter ${python} could not be started.`,
      });
      if (result.code !== 0) throw toolFailure(pipFailure(python, result.kept), result);
    });
    if (reused) request.log(`pip: requirements.txt unchanged (${key}), reusing the installed packages`);
    // The function's own files were copied first and win over a package of the same name.
    await linkTree(dir, artefactDir);
    return {};
  }

  private async interpreter(fn: FunctionDefinition): Promise<string> {
    if (this.options.python) {
      try {
        return await this.options.python(fn);
      } catch (error) {
        throw new BuildError(`No Python interpreter to install requirements.txt for ${fn.runtime}: ${(error as Error).message}`);
      }
    }
    const onPath = findOnPath('python3');
    if (!onPath) throw new BuildError(`No Python interpreter to install requirements.txt for ${fn.runtime}: python3 is not on PATH.`);
    return onPath;
  }
}

/** What pip could not do, in words: the package it could not find, and whether the index was reachable at all. */
export function pipFailure(python: string, lines: string[]): string {
  const text = lines.join('\n');
  if (/No module named pip/.test(text)) return `The Python interpreter ${python} has no pip (install python3-pip, or pip for that interpreter).`;
  const missing = /ERROR: No matching distribution found for (\S+)/.exec(text)?.[1];
  // With --retries 1, pip reports each connection failure as a retry warning before giving up.
  const retry = /WARNING: Retrying .* after connection broken by '(\w+)(.*)$/m.exec(text);
  const reason = retry ? [retry[1], /\[Errno -?\d+\] ([^'"]+)|(timed out)/.exec(retry[2]!)?.slice(1).find(Boolean)].filter(Boolean).join(': ') : undefined;
  const indexes = (/^Looking in indexes: (.*)$/m.exec(text)?.[1] ?? 'https://pypi.org/simple').split(', ');
  // Only a network index can be unreachable (local file:// indexes answer or are skipped).
  const remote = indexes.filter((index) => /^https?:/.test(index));
  const unreachable = reason && `the package index ${(remote.length > 0 ? remote : indexes).join(', ')} is unreachable (${reason})`;
  if (missing && unreachable) return `pip could not install ${missing} (requirements.txt): ${unreachable}.`;
  if (missing) return `pip could not install ${missing} (requirements.txt): no matching distribution on the package index (${indexes.join(', ')}).`;
  if (unreachable) return `pip install -r requirements.txt failed: ${unreachable}.`;
  return 'pip install -r requirements.txt failed.';
}
