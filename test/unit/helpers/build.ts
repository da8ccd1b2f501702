import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Tests of the built CLI (dist/cli.js) build it when it is missing or older than the sources: a
// stale bundle would test old code.

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when `output` (a bundle of it, dist/cli.js by default) is missing or older than src/. */
export function buildIfStale(output = CLI): void {
  if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= newestMtime(path.join(REPO_ROOT, 'src'))) return;
  const build = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  assert.equal(build.status, 0, 'node scripts/build.mjs failed');
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The JSON documents a `--json` command printed, one a line. */
export function jsonLines(stdout: string): any[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Test credentials, for a serve or CLI that signs or verifies requests. */
export const TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

/** An environment without the user's AWS profile, configuration or credentials: PATH, HOME and `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_PROFILE: 'lwb-none',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
}

export interface CliOptions {
  cwd?: string;
  /** The whole environment (default: this process's, without AWS credentials or profile). */
  env?: NodeJS.ProcessEnv;
  /** What the CLI reads on stdin (runCli; default: nothing). */
  input?: string;
  /** Milliseconds before the CLI is killed (runCliSync only). */
  timeout?: number;
  /** Run src/cli/main.ts with tsx instead of the built dist/cli.js, for tests that must not depend on a build. */
  fromSources?: boolean;
}

function cliArgv(args: string[], options: CliOptions): string[] {
  return options.fromSources ? ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args] : [CLI, ...args];
}

function cliEnv(options: CliOptions): NodeJS.ProcessEnv {
  return options.env ?? { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'lwb-none' };
}

/** Starts the CLI (`node dist/cli.js …`), for a test that signals it or reads it as it runs. */
export function startCli(args: string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, cliArgv(args, options), { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options) });
}

/** Runs the CLI to its end, without blocking this process; `options` may be just the working directory. */
export function runCli(args: string[], options: CliOptions | string = {}): Promise<CliRun> {
  if (typeof options === 'string') options = { cwd: options };
  return new Promise((resolve) => {
    const { input = '' } = options;
    const child = startCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The same, blocking: for tests whose event loop has nothing else to do meanwhile. */
export function runCliSync(args: string[], options: CliOptions = {}): CliRun {
  const r = spawnSync(process.execPath, cliArgv(args, options), {
    cwd: options.cwd ?? REPO_ROOT,
    env: cliEnv(options),
    encoding: 'utf8',
    timeout: options.timeout,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
