import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
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

/** Runs the built CLI (`node dist/cli.js …`) to its end, without the user's AWS credentials or profile. */
export function runCli(args: string[], cwd = REPO_ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'lwb-none' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end();
  });
}
