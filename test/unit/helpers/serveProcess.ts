import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, CLI, REPO_ROOT } from './build';

// `lambda-workbench serve` in a process of its own, as a user runs it: the built CLI by default, or
// another executable (the CLI installed from the npm package).

export const LISTENING = /^Lambda API listening on (http:\/\/\S+)$/m;

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** The complete lines of stdout and stderr in the order they arrived (as a terminal shows them). */
  lines: string[];
  /** The complete lines of stdout. */
  stdoutLines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  /** The program and its first arguments (default: this node and dist/cli.js). */
  command?: string[];
  cwd?: string;
  /** Added to a clean environment: PATH, HOME, and no AWS profile or credentials of the user. */
  env?: NodeJS.ProcessEnv;
  /** The whole argument list after the program, in place of `command`'s first arguments, `serve` and `args`: a serve task's, as the extension builds it. */
  argv?: string[];
}

/** Splits a stream into lines, each pushed onto every list of `into` (a partial last line waits for its end). */
function lineReader(into: string[][]): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const target of into) target.push(...parts);
  };
}

/** Starts `… serve <args>`. */
export function startServe(args: string[], options: ServeOptions = {}): ServeProcess {
  const [program, ...first] = options.command ?? [process.execPath, CLI];
  const child = spawn(program, options.argv ?? [...first, 'serve', ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
  });
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  const stdoutLines: string[] = [];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', lineReader([lines, stdoutLines]));
  child.stderr.on('data', lineReader([lines]));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, lines, stdoutLines, exited };
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
