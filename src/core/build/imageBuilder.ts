import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { awsBaseImageRuntime, readDockerfile, shellWords, substitute, TASK_ROOT, type ImageRecipe } from '../config/dockerfile';
import type { FunctionDefinition } from '../config/types';
import { RESERVED_ENV_VARIABLES } from '../config/validation';
import { findOnPath } from '../util/executables';
import { copyLikeDocker, inTaskRoot, matchSources } from './imageLayout';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// An image function (`PackageType: Image`, `Metadata.Dockerfile`) built without Docker: the
// artefact stands for the image's LAMBDA_TASK_ROOT (/var/task). The Dockerfile's COPY / ADD lines
// lay the build context out in it, and its RUN lines that install dependencies run natively
// (`npm install` / `npm ci` with their flags; `pip install` with the function's Python, targets
// mapped into the artefact). Any other RUN line is skipped with a warning; the base image's runtime
// and the CMD's handler become the function's.

export interface ImageBuilderOptions {
  /** The Python interpreter that installs for `fn` (the runtime's resolver). Default: `python3.x` on PATH, then `python3`. */
  python?: (fn: FunctionDefinition) => Promise<string>;
  /** Default: `npm` on PATH. */
  npm?: string;
  /** Per RUN line; default 10 minutes. */
  timeoutMs?: number;
}

/** How many of a tool's last output lines a BuildError carries. */
const DETAIL_LINES = 25;

export class ImageBuilder implements Builder {
  readonly name = 'image';

  constructor(private readonly options: ImageBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const properties = request.fn.build?.properties ?? {};
    const dockerfile = path.resolve(request.sourceDir, typeof properties.Dockerfile === 'string' ? properties.Dockerfile : 'Dockerfile');
    const recipe = readRecipe(dockerfile, properties.DockerBuildArgs);
    const base = awsBaseImageRuntime(recipe.base);
    if (!base?.runtime) {
      throw new BuildError(`${dockerfile}:${recipe.baseLine}: FROM ${recipe.base} is not an AWS Lambda base image (public.ecr.aws/lambda/<runtime>:<version>)`);
    }
    const warnings: string[] = [];
    await fs.promises.mkdir(request.artefactDir, { recursive: true });
    for (const step of recipe.steps) {
      const at = `${path.basename(dockerfile)}:${step.line}`;
      if (step.kind === 'copy') {
        const warning = await this.copy(request, step, at);
        if (warning) warnings.push(warning);
      } else {
        warnings.push(...(await this.run(request, recipe, step, at)));
      }
    }
    for (const warning of warnings) request.log(`warning: ${warning}`);
    const command = (properties.ImageConfig as { Command?: unknown } | undefined)?.Command;
    const handler = Array.isArray(command) && typeof command[0] === 'string' ? command[0] : recipe.cmd?.[0];
    const changes: BuildOutcome['changes'] = { runtime: base.runtime, baseEnvironment: imageEnvironment(recipe, request.artefactDir, warnings) };
    if (handler) changes.handler = handler;
    return { changes, warnings };
  }

  /** One COPY / ADD; a warning when it cannot be reproduced. */
  private async copy(request: BuildRequest, step: Extract<ImageRecipe['steps'][number], { kind: 'copy' }>, at: string): Promise<string | undefined> {
    if (step.from !== undefined) return `COPY --from=${step.from} (${at}) is not reproduced: build stages are not run without Docker`;
    const dest = inTaskRoot(request.artefactDir, step.dest);
    if (dest === undefined) return `COPY to ${step.dest} (${at}) is skipped: only ${TASK_ROOT} (LAMBDA_TASK_ROOT) is laid out`;
    const sources: string[] = [];
    for (const source of step.sources) {
      if (/^https?:\/\//.test(source)) return `ADD ${source} (${at}) is skipped: remote sources are not fetched`;
      const matched = matchSources(request.sourceDir, source);
      if (matched.length === 0 && !/[*?]/.test(source)) throw new BuildError(`${at}: COPY source ${source} not found in ${request.sourceDir}`);
      sources.push(...matched);
    }
    if (sources.length === 0) throw new BuildError(`${at}: COPY ${step.sources.join(' ')} matches no file in ${request.sourceDir}`);
    request.log(`COPY ${step.sources.join(' ')} → ${step.dest}`);
    await copyLikeDocker(sources, dest, step.dest.endsWith('/'));
    return undefined;
  }

  /** One RUN line: its `&&`-joined commands that install dependencies run, the others are skipped (warnings). */
  private async run(request: BuildRequest, recipe: ImageRecipe, step: Extract<ImageRecipe['steps'][number], { kind: 'run' }>, at: string): Promise<string[]> {
    const cwd = inTaskRoot(request.artefactDir, step.cwd);
    const warnings: string[] = [];
    for (const command of step.command.split(/\s*&&\s*/)) {
      const words = shellWords(substitute(command, { ...recipe.env, LAMBDA_TASK_ROOT: TASK_ROOT })).map((w) => mapPath(request.artefactDir, w));
      const install = installOf(words);
      if (!install || cwd === undefined) {
        warnings.push(`RUN ${command} (${at}) is skipped: only npm and pip installs in ${TASK_ROOT} run without Docker`);
        continue;
      }
      await fs.promises.mkdir(cwd, { recursive: true });
      // npm with no package.json in the task root has nothing to install (in the image it installs nothing either).
      const bareInstall = install.args.length === 1 || install.args.slice(1).every((arg) => arg.startsWith('-'));
      if (install.tool === 'npm' && bareInstall && !fs.existsSync(path.join(cwd, 'package.json'))) {
        request.log(`npm ${install.args.join(' ')}: no package.json in ${TASK_ROOT}, nothing to install`);
        continue;
      }
      if (install.tool === 'npm') {
        const npm = this.options.npm ?? findOnPath('npm') ?? 'npm';
        request.log(`npm ${install.args.join(' ')}`);
        await this.tool(at, 'npm', npm, [...install.args, '--no-audit', '--no-fund'], cwd);
      } else {
        const python = await this.python(request.fn);
        request.log(`${path.basename(python)} -m pip ${install.args.join(' ')}`);
        await this.tool(at, 'pip', python, ['-m', 'pip', ...install.args, '--disable-pip-version-check'], cwd);
      }
    }
    return warnings;
  }

  private async python(fn: FunctionDefinition): Promise<string> {
    if (this.options.python) return this.options.python(fn);
    const found = findOnPath(fn.runtime) ?? findOnPath('python3');
    if (!found) throw new BuildError(`No Python interpreter to run pip for ${fn.runtime}: neither ${fn.runtime} nor python3 is on PATH`);
    return found;
  }

  private tool(at: string, tool: string, command: string, args: string[], cwd: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
      const lines: string[] = [];
      const take = (chunk: Buffer) => {
        lines.push(
          ...chunk
            .toString('utf8')
            .split(/\r?\n/)
            .filter((l) => l.trim() !== ''),
        );
        lines.splice(0, Math.max(0, lines.length - DETAIL_LINES));
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.timeoutMs ?? 600_000);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new BuildError(`${at}: ${tool} could not be started (${command}): ${error.code ?? error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new BuildError(`${at}: ${tool} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`, lines));
      });
    });
  }
}

function readRecipe(dockerfile: string, buildArgs: unknown): ImageRecipe {
  let text: string;
  try {
    text = fs.readFileSync(dockerfile, 'utf8');
  } catch (err) {
    throw new BuildError(`Cannot read the Dockerfile ${dockerfile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const args = typeof buildArgs === 'object' && buildArgs !== null && !Array.isArray(buildArgs) ? (buildArgs as Record<string, string>) : {};
  const recipe = readDockerfile(text, args);
  if (!recipe) throw new BuildError(`${dockerfile} has no FROM line`);
  return recipe;
}

/** An image path under /var/task (an argument like `--target=/var/task`) mapped into the artefact. */
/**
 * The image's ENV as the function sees it: paths into the task root (`/var/task/lib:…`) pointing into
 * the artefact; the variables Lambda reserves (it sets them itself) left out with a warning; PATH and
 * LD_LIBRARY_PATH, which in the image extend the base image's, extending this machine's.
 */
function imageEnvironment(recipe: ImageRecipe, artefactDir: string, warnings: string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(recipe.env)) {
    if (RESERVED_ENV_VARIABLES.has(name)) {
      warnings.push(`ENV ${name} is not applied: Lambda sets ${name} itself`);
      continue;
    }
    const parts = value.split(':').map((part) => inTaskRoot(artefactDir, part) ?? part);
    const searchPath = name === 'PATH' || name === 'LD_LIBRARY_PATH';
    environment[name] = (searchPath ? [...parts.filter(Boolean), process.env[name]].filter(Boolean) : parts).join(':');
  }
  return environment;
}

function mapPath(artefactDir: string, word: string): string {
  const eq = word.indexOf('=');
  if (word.startsWith('--') && eq > 0) return `${word.slice(0, eq + 1)}${mapPath(artefactDir, word.slice(eq + 1))}`;
  return word.startsWith(TASK_ROOT) ? (inTaskRoot(artefactDir, word) ?? word) : word;
}

/** `npm install|ci|i …`, `pip[3] install …`, `python[3[.x]] -m pip install …` → the tool and its arguments. */
function installOf(words: string[]): { tool: 'npm' | 'pip'; args: string[] } | undefined {
  const [first, ...rest] = words;
  if (!first) return undefined;
  const name = path.posix.basename(first);
  if (name === 'npm' && ['install', 'ci', 'i'].includes(rest[0] ?? '')) return { tool: 'npm', args: rest };
  if (/^pip3?(\.\d+)?$/.test(name) && rest[0] === 'install') return { tool: 'pip', args: rest };
  if (/^python(\d(\.\d+)?)?$/.test(name) && rest[0] === '-m' && rest[1] === 'pip' && rest[2] === 'install') return { tool: 'pip', args: rest.slice(2) };
  return undefined;
}
