import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FunctionDefinition } from '../config/types';
import type { RuntimeAdapter, RuntimeLaunch } from '../runtimes/types';
import type { InitializationType } from '../telemetry/events';
import type { AwsCredentials } from './credentials';
import { startTimeOf } from './processTree';
import { RESERVED_ENV_VARIABLES } from '../config/validation';

// The variables of an execution environment, as AWS sets them (reference/runtime-api.md §4).

export interface EnvironmentIdentity {
  fn: FunctionDefinition;
  version: string;
  region: string;
  runtimeApi: string;
  runtimeDir: string;
  initializationType: InitializationType;
  logStreamName: string;
  tmpDir: string;
  /** Materialised layers (our /opt): bin/ joins PATH, lib/ LD_LIBRARY_PATH. */
  optDir?: string;
  credentials: AwsCredentials;
}

/**
 * The environment's own TMPDIR (the machine's /tmp itself stays shared: no containers), in the
 * folder of this host process: `<tmpRoot>/<pid>-<start time>/<environment id>-XXXXXX`. An engine
 * removes each environment's folder when it ends; after a `kill -9` of the host, the next engine to
 * open removes the folders of host processes that are gone (removeStaleTmpDirs).
 */
export async function makeTmpDir(tmpRoot: string, environmentId: string): Promise<string> {
  const hostDir = hostTmpDir(tmpRoot);
  await fs.mkdir(hostDir, { recursive: true });
  return fs.mkdtemp(path.join(hostDir, `${environmentId}-`));
}

/** This host process's folder of TMPDIRs under tmpRoot, named after its pid and start time. */
export function hostTmpDir(tmpRoot: string): string {
  return path.join(tmpRoot, `${process.pid}-${startTimeOf(process.pid) ?? '0'}`);
}

const HOST_DIR = /^(\d+)-(\d+)$/;
/** The layout before host folders: `<tmpRoot>/env-xxxxxxxx-XXXXXX`, owner unknown. */
const LEGACY_DIR = /^env-[0-9a-f]{8}-[A-Za-z0-9]{6}$/;
const LEGACY_MAX_AGE_MS = 24 * 3600 * 1000;

function hostAlive(pid: number, start: string): boolean {
  const now = startTimeOf(pid);
  if (now !== undefined) return now === start;
  if (start !== '0') return false; // recorded from /proc, and the process is gone
  try {
    process.kill(pid, 0); // no /proc (not Linux): is the pid in use at all?
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the TMPDIR folders of host processes that are gone (killed with SIGKILL, crashed) — never
 * a live engine's — and those of the older flat layout not touched for a day. Returns how many.
 */
export async function removeStaleTmpDirs(tmpRoot: string): Promise<number> {
  let entries: string[];
  try {
    entries = await fs.readdir(tmpRoot);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const dir = path.join(tmpRoot, name);
    const host = HOST_DIR.exec(name);
    let stale = false;
    if (host) stale = !hostAlive(Number(host[1]), host[2]);
    else if (LEGACY_DIR.test(name)) {
      stale = await fs.stat(dir).then(
        (s) => Date.now() - s.mtimeMs > LEGACY_MAX_AGE_MS,
        () => false,
      );
    }
    if (!stale) continue;
    // Another user's folder (a shared /tmp) cannot be removed: left alone.
    if (
      await fs.rm(dir, { recursive: true, force: true }).then(
        () => true,
        () => false,
      )
    ) {
      removed++;
    }
  }
  return removed;
}

/** `2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef` */
export function newLogStreamName(version: string, now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

/** Runtimes AWS starts through a shell script (Node.js, Python, Ruby, .NET; not Java, not custom ones). */
const SHELL_STARTED = /^(nodejs|python|ruby|dotnet)/;
/** Runtimes whose environment also has AWS_ACCESS_KEY and AWS_SECRET_KEY. */
const LEGACY_KEY_NAMES = new Set(['java11', 'java8.al2']);

export function lambdaEnvironment(id: EnvironmentIdentity, runtimeEnv: Record<string, string>): Record<string, string> {
  const { fn } = id;
  const env: Record<string, string> = {};
  // The user's own variables first, so Lambda's reserved ones override them.
  for (const [key, value] of Object.entries(fn.environment)) {
    if (!RESERVED_ENV_VARIABLES.has(key)) env[key] = value;
  }
  Object.assign(env, {
    // Unreserved variables AWS sets; a function may override them.
    LANG: env.LANG ?? 'en_US.UTF-8',
    TZ: ':UTC',
    // Native execution needs the host's PATH to find interpreters and tools; layers' bin/ first.
    PATH: env.PATH ?? [id.optDir && path.join(id.optDir, 'bin'), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].filter(Boolean).join(path.delimiter),
    LD_LIBRARY_PATH:
      env.LD_LIBRARY_PATH ??
      [path.join(fn.codeUri, 'lib'), id.optDir && path.join(id.optDir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
    AWS_XRAY_CONTEXT_MISSING: env.AWS_XRAY_CONTEXT_MISSING ?? 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: `${xrayDaemonHost(fn.runtime)}:2000`,
    _AWS_XRAY_DAEMON_ADDRESS: xrayDaemonHost(fn.runtime),
    _AWS_XRAY_DAEMON_PORT: '2000',
    TMPDIR: id.tmpDir,
    // AWS starts these runtimes through a shell script: the shell's PWD (the task root, their
    // working directory) and SHLVL are in their environment (recorded for every such runtime).
    ...(SHELL_STARTED.test(fn.runtime) ? { PWD: fn.codeUri, SHLVL: '0' } : {}),
    ...runtimeEnv,
    // Reserved.
    _HANDLER: fn.handler,
    AWS_REGION: id.region,
    AWS_DEFAULT_REGION: id.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: id.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: id.initializationType,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: id.logStreamName,
    AWS_LAMBDA_RUNTIME_API: id.runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeUri,
    LAMBDA_RUNTIME_DIR: id.runtimeDir,
    AWS_ACCESS_KEY_ID: id.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: id.credentials.secretAccessKey,
  });
  // The legacy names only where AWS still sets them (recorded: java11 and java8.al2, no other runtime).
  if (LEGACY_KEY_NAMES.has(fn.runtime)) {
    env.AWS_ACCESS_KEY = id.credentials.accessKeyId;
    env.AWS_SECRET_KEY = id.credentials.secretAccessKey;
  }
  if (id.credentials.sessionToken) env.AWS_SESSION_TOKEN = id.credentials.sessionToken;
  // Custom runtimes get neither AWS_EXECUTION_ENV nor the telemetry log fd: AWS sets neither for
  // provided* (their runtime logs to stdout).
  if (fn.runtime.startsWith('provided')) {
    delete env.AWS_EXECUTION_ENV;
    delete env._LAMBDA_TELEMETRY_LOG_FD;
  }
  return env;
}

/**
 * The X-Ray daemon's address in the sandbox, as AWS's answers show it: 169.254.100.1 since late 2024,
 * except in provided.al2's sandbox, which still has the older 169.254.79.129 (recorded 2026-01).
 */
function xrayDaemonHost(runtime: string): string {
  return runtime === 'provided.al2' ? '169.254.79.129' : '169.254.100.1';
}

export interface PreparedLaunch {
  launch: RuntimeLaunch;
  /** The runtime's variables (extensions get them minus what AWS hides from them). */
  env: Record<string, string>;
  optDir: string | undefined;
}

/**
 * Everything a runtime starts with, gathered in parallel where possible: the Runtime API address,
 * credentials, the version's /opt equivalent and TMPDIR, then the runtime adapter's launch and
 * Lambda's variables.
 */
export async function prepareLaunch(p: {
  fn: FunctionDefinition;
  version: string;
  region: string;
  initializationType: InitializationType;
  runtime: RuntimeAdapter;
  debug: boolean;
  stopOnInit?: boolean;
  listen: () => Promise<string>;
  credentials: () => Promise<AwsCredentials>;
  optDir: () => Promise<string | undefined>;
  tmpDir: () => Promise<string>;
}): Promise<PreparedLaunch> {
  const [runtimeApi, credentials, optDir, tmpDir] = await Promise.all([p.listen(), p.credentials(), p.optDir(), p.tmpDir()]);
  const launch = await p.runtime.launch(p.fn, { debug: p.debug, stopOnInit: p.stopOnInit, optDir });
  const env = lambdaEnvironment(
    {
      fn: p.fn,
      version: p.version,
      region: p.region,
      runtimeApi,
      runtimeDir: launch.runtimeDir,
      initializationType: p.initializationType,
      logStreamName: newLogStreamName(p.version),
      tmpDir,
      optDir,
      credentials,
    },
    // Our runtimes write framed log records to fd 3, as AWS's do to the telemetry fd.
    { ...launch.env, _LAMBDA_TELEMETRY_LOG_FD: '3' },
  );
  return { launch, env, optDir };
}
