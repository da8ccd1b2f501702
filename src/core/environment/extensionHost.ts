import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import { RuntimeProcess } from './runtimeProcess';

// External extensions: the executables in the layers' extensions/ folder (/opt/extensions on
// AWS), each started as its own process group at the beginning of INIT.

/** Variables AWS does not give extensions (reference/runtime-api.md §2). */
const HIDDEN_FROM_EXTENSIONS = [
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_XRAY_CONTEXT_MISSING',
  'AWS_XRAY_DAEMON_ADDRESS',
  '_AWS_XRAY_DAEMON_ADDRESS',
  '_AWS_XRAY_DAEMON_PORT',
  '_LAMBDA_TELEMETRY_LOG_FD',
];

export interface ExtensionHostEvents {
  output(name: string, text: string, time?: Date): void;
  exit(name: string, reason: string): void;
}

/** The extension executables of a materialised /opt, sorted by name as Lambda starts them. */
export async function findExtensions(optDir: string | undefined): Promise<string[]> {
  if (!optDir) return [];
  const dir = path.join(optDir, 'extensions');
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const executables: string[] = [];
  for (const name of entries.sort()) {
    const file = path.join(dir, name);
    try {
      const stat = await fs.stat(file);
      await fs.access(file, constants.X_OK);
      if (stat.isFile()) executables.push(file);
    } catch {
      // not an executable file: Lambda ignores it too
    }
  }
  return executables;
}

export class ExtensionHost {
  private readonly processes = new Map<string, RuntimeProcess>();

  constructor(private readonly events: ExtensionHostEvents) {}

  /** Starts every extension with the function's environment minus what AWS hides from them. */
  start(executables: string[], env: Record<string, string>, cwd: string): void {
    const extensionEnv = { ...env };
    for (const key of HIDDEN_FROM_EXTENSIONS) delete extensionEnv[key];
    for (const file of executables) {
      const name = path.basename(file);
      try {
        const process = new RuntimeProcess(
          { command: file, args: [], cwd, env: extensionEnv },
          {
            output: (text, time) => this.events.output(name, text, time),
            inspector: () => undefined,
            exit: (reason) => this.events.exit(name, reason),
            spawnError: (message) => this.events.exit(name, `launch error: ${message}`),
          },
        );
        this.processes.set(name, process);
      } catch (error) {
        this.events.exit(name, `launch error: ${(error as Error).message}`);
      }
    }
  }

  get count(): number {
    return this.processes.size;
  }

  get anyRunning(): boolean {
    for (const p of this.processes.values()) if (p.isRunning) return true;
    return false;
  }

  signal(signal: NodeJS.Signals): void {
    for (const p of this.processes.values()) p.signal(signal);
  }

  /** Peak memory of all extension processes, in MB (they count against MemorySize, as on AWS). */
  peakMemoryMb(): number {
    let total = 0;
    for (const p of this.processes.values()) total += p.peakMemoryMb();
    return total;
  }

  /** Settles when every extension has exited, or after `budgetMs`. */
  async waitForExit(budgetMs: number): Promise<void> {
    const all = Promise.all([...this.processes.values()].map((p) => p.exited));
    await Promise.race([all, new Promise((r) => setTimeout(r, budgetMs).unref())]);
  }
}
