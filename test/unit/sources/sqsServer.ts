import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// fauxqs 1.9.2 (npm), an SQS-compatible server that speaks SQS's JSON and query protocols, pinned in
// test/fixtures/sqs-server/ (not a project dependency) and installed there on first use (npm ci);
// started as a child process on a free loopback port. Used by the SQS endpoint tests and the CLI's
// --source-endpoint tests.

const SERVER_DIR = path.resolve(__dirname, '../../fixtures/sqs-server');

/** Installs fauxqs in test/fixtures/sqs-server when needed; a reason when it cannot (the caller skips). */
export function installSqsServer(): string | undefined {
  const installed = path.join(SERVER_DIR, 'node_modules', '.package-lock.json');
  const lock = path.join(SERVER_DIR, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return undefined;
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: SERVER_DIR, encoding: 'utf8', timeout: 180_000 });
  if (npm.status === 0) return undefined;
  return `npm ci in ${SERVER_DIR} failed (${npm.error?.message ?? `exit ${npm.status}`}): ${(npm.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`;
}

/** In a `before` hook: installs fauxqs (or skips the suite, saying why, when it cannot be installed) and starts it. */
export async function startSqsServerOrSkip(context: Mocha.Context): Promise<{ child: ChildProcess; url: string }> {
  const problem = installSqsServer();
  if (problem) {
    console.warn(`      SKIPPED: the SQS-compatible server (fauxqs) cannot be installed: ${problem}`);
    context.skip();
  }
  return startSqsServer();
}

/** Starts fauxqs on a free loopback port: the child and its endpoint URL. */
export function startSqsServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server.mjs'], { cwd: SERVER_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`fauxqs did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fauxqs exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Stops the server (it exits when its standard input closes), killing it if it does not within 3 s. */
export async function stopSqsServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.stdin?.end();
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (server.exitCode === null) server.kill('SIGKILL');
}
