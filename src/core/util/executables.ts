import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Finds an executable on PATH and returns its real path (symlinks and shims resolved away where
 * they are plain symlinks), so environments spawn the binary directly — no shell, no npx.
 */
export function findOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return fs.realpathSync(candidate);
  }
  return undefined;
}

/** Whether a path is a regular file (after symlinks) that this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs a program and returns its trimmed stdout (rejects on failure or after `timeoutMs`). */
export function captureOutput(file: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trim());
    });
  });
}

const successes = new Map<string, Promise<boolean>>();

/** Whether `file args…` exits 0 (asked once per command line: "can this interpreter load its debugger?"). */
export function succeeds(file: string, args: string[]): Promise<boolean> {
  const key = JSON.stringify([file, ...args]);
  let result = successes.get(key);
  if (!result) {
    result = captureOutput(file, args).then(
      () => true,
      () => false,
    );
    successes.set(key, result);
  }
  return result;
}
