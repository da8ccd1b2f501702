import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, CLI, REPO_ROOT } from './build';

// `lambda-workbench serve` in a process of its own, as a user runs it: the built CLI by default, or
// another executable (the CLI installed from the npm package).

export const LISTENING = /^Lambda API listening on (http:\/\/\S+)$/m;

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  /** The program and its first arguments (default: this node and dist/cli.js). */
  command?: string[];
  cwd?: string;
  /** Added to a clean environment: PATH, HOME, and no AWS profile or credentials of the user. */
  env?: NodeJS.ProcessEnv;
}

/** Starts `… serve <args>`. */
export function startServe(args: string[], options: ServeOptions = {}): ServeProcess {
  const [program, ...first] = options.command ?? [process.execPath, CLI];
  const child = spawn(program, [...first, 'serve', ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export interface ListeningServe extends ServeProcess {
  /** The API's base URL from serve's listening line. */
  url: string;
}

/** Starts `… serve --port 0 <args>` and resolves once it listens (killing it if it does not). */
export async function startListening(args: string[], options: ServeOptions = {}, ms = 15000): Promise<ListeningServe> {
  const serve = startServe(['--port', '0', ...args], options);
  try {
    return { ...serve, url: await listening(serve, ms) };
  } catch (error) {
    serve.child.kill('SIGKILL');
    throw error;
  }
}

/** Resolves once stdout matches; rejects if the process exits or `ms` pass first. */
export function waitForOutput(serve: ServeProcess, pattern: RegExp, ms = 20000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(serve.stdout());
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} in ${ms} ms; stdout: ${serve.stdout()} stderr: ${serve.stderr()}`)), ms);
    serve.child.stdout.on('data', check);
    void serve.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}); stdout: ${serve.stdout()} stderr: ${serve.stderr()}`));
    });
    check();
  });
}

/** The API's base URL, once serve says it listens. */
export async function listening(serve: ServeProcess, ms = 15000): Promise<string> {
  return (await waitForOutput(serve, LISTENING, ms))[1];
}

/** Exit within the limit, or fail (killing it, so nothing is left behind). */
export async function exitWithin(serve: ServeProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      serve.child.kill('SIGKILL');
      reject(new Error(`serve did not exit within ${ms} ms; stderr: ${serve.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([serve.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL if it has not exited after `ms`; nothing for a serve that never started. */
export async function stopServe(serve: ServeProcess | undefined, ms = 15000): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (!serve) return undefined;
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) return serve.exited;
  serve.child.kill('SIGTERM');
  const timer = setTimeout(() => serve.child.kill('SIGKILL'), ms);
  try {
    return await serve.exited;
  } finally {
    clearTimeout(timer);
  }
}
