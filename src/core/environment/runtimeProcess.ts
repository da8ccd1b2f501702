import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { captureFrames, captureLines } from './logCapture';
import { Descendants, MemoryProbe } from './processTree';
import { killGroup, trackProcess, untrackProcess } from './processGroups';

// The OS side of an execution environment: the runtime process in its own process group, its
// output (stdout, stderr, and the framed telemetry log fd 3), its debugger's address in debug mode, its
// memory, and its end. The Lambda lifecycle on top of it lives in environment.ts.

export interface RuntimeProcessEvents {
  /** A line or record the runtime wrote (`time` when the record carried one). */
  output(text: string, time?: Date): void;
  /** Debug mode: the runtime's debugger listens at this URL (`ws://`, `tcp://`, `rdbg://`, `jdwp://`). */
  inspector(url: string): void;
  /** The runtime ended; called once its pipes are drained (or after a short grace). */
  exit(reason: string): void;
  /** The program could not be started at all. */
  spawnError(message: string): void;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Node's inspector (`ws://…`) or our Python bootstrap's debugpy listener (`tcp://host:port`). */
const INSPECTOR_LINE = /^(?:Debugger|Debugpy) listening on ((?:ws|tcp):\/\/[^\s]+)/;
/** Ruby's debug gem (rdbg) serving DAP on TCP, as it announces itself: reported as `rdbg://host:port`. */
const RDBG_LINE = /^DEBUGGER: Debugger can attach via TCP\/IP \(([^\s)]+):(\d+)\)/;
/**
 * A JVM's JDWP agent (debug mode: our Java runtime's `address=127.0.0.1:0`) announcing its port on
 * stdout; JDKs print the port alone for a loopback address, some `host:port`.
 */
const JDWP_LINE = /^Listening for transport dt_socket at address: (?:(\[[^\]\s]+\]|[^\s:]+):)?(\d+)$/;
/** What V8 prints when the heap limit (derived from MemorySize) is reached. */
const HEAP_OUT_OF_MEMORY = /JavaScript heap out of memory|Fatal JavaScript out of memory|Reached heap limit/;
const INSPECTOR_NOISE = /^(For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Waiting for the debugger to disconnect\.\.\.)$/;
/** The debug gem's chatter about its own session (connections, breakpoints set, the trap it installs). */
const RDBG_NOISE =
  /^DEBUGGER: (Connected\.|Disconnected\.|wait for debugger connection\.\.\.|SIGURG handler is overridden by the debugger\.| BP - .* is (activated|deleted)\.)$/;

export class RuntimeProcess {
  /** Settles once the exit has been handled. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly memory: MemoryProbe | undefined;
  private readonly descendants: Descendants | undefined;
  private running = true;
  /** Started with a JDWP agent, whose announcements on stdout are its debugger's address, not output. */
  private readonly jdwpAgent: boolean;
  /** The runtime reported running out of memory (V8's heap limit) before ending. */
  outOfMemory = false;

  /** Spawns the runtime; throws when the program cannot be spawned synchronously. */
  constructor(
    spec: SpawnSpec,
    private readonly events: RuntimeProcessEvents,
  ) {
    this.jdwpAgent = spec.args.some((arg) => arg.startsWith('-agentlib:jdwp='));
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so the whole tree can be signalled and nothing outlives it.
      detached: true,
    });
    const child = this.child;
    child.on('error', (error) => {
      this.running = false;
      events.spawnError(error.message);
    });
    if (child.pid !== undefined) {
      const descendants = new Descendants(child.pid);
      this.descendants = descendants;
      // On the host's exit too, the descendants that left the group go with it.
      trackProcess(child.pid, () => {
        if (this.running) descendants.record();
        descendants.signal('SIGKILL');
      });
      this.memory = new MemoryProbe(child.pid);
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.running = false;
        const pid = child.pid;
        if (pid !== undefined) {
          untrackProcess(pid);
          // Whatever the runtime left running goes with it: its group, and the descendants seen
          // while it ran that left the group (detached, setsid).
          killGroup(pid, 'SIGKILL');
          this.descendants?.signal('SIGKILL');
        }
        // Report the exit once the pipes are drained, so the runtime's last lines (its error report,
        // typically) reach the invocation or INIT they belong to.
        const handle = once(() => {
          this.memory?.close();
          events.exit(exitReason(code, signal));
          resolve();
        });
        child.once('close', handle);
        setTimeout(handle, 100).unref();
      }),
    );
    const [, stdout, stderr, logFd] = child.stdio;
    // An empty line is no log event: Lambda's log has none (a print of "\nmulti\nline\n" is the
    // events "multi" and "line" in AWS's recorded log, test_multi_line_prints).
    captureLines(stdout as Readable, (line) => line !== '' && this.stdoutLine(line));
    captureLines(stderr as Readable, (line) => line !== '' && this.stderrLine(line));
    captureFrames(logFd as Readable, (text, time) => events.output(text, time));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Peak memory of the process tree so far, in MB (0 once it has ended). */
  peakMemoryMb(): number {
    if (!this.running || !this.memory) return 0;
    const mb = this.memory.peakMb();
    // Read after every invocation: remember the subprocesses it walked through.
    if (this.memory.subprocesses.size > 0) this.descendants?.recordPids(this.memory.subprocesses);
    return mb;
  }

  /** Current memory of the process tree, in MB (0 once it has ended). */
  currentMemoryMb(): number {
    return this.running && this.memory ? this.memory.currentMb() : 0;
  }

  /**
   * Signals the whole process group and every descendant, in the group or not: they are collected
   * from /proc while the runtime still lives, before it is signalled.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    if (this.running) this.descendants?.record();
    killGroup(this.child.pid, signal);
    this.descendants?.signal(signal);
  }

  private stdoutLine(line: string): void {
    // The agent announces a new ephemeral port each time a debugger detaches (server=y listens
    // again): the environment's debugger address follows it.
    const url = this.jdwpAgent ? jdwpUrlOf(line) : undefined;
    if (url) return this.events.inspector(url);
    this.events.output(line);
  }

  private stderrLine(line: string): void {
    const inspector = INSPECTOR_LINE.exec(line);
    if (inspector) return this.events.inspector(inspector[1]);
    const rdbg = RDBG_LINE.exec(line);
    if (rdbg) return this.events.inspector(`rdbg://${rdbg[1]}:${rdbg[2]}`);
    if (HEAP_OUT_OF_MEMORY.test(line)) this.outOfMemory = true;
    if (!INSPECTOR_NOISE.test(line) && !RDBG_NOISE.test(line)) this.events.output(line);
  }
}

/** The debugger URL of a JDWP agent's `Listening for transport dt_socket at address: …` line: `jdwp://host:port`. */
export function jdwpUrlOf(line: string): string | undefined {
  const match = JDWP_LINE.exec(line);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return `jdwp://${match[1] ?? '127.0.0.1'}:${port}`;
}

/** As Lambda words it: `exit status 1`, `signal: killed`. */
function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (!signal) return `exit status ${code}`;
  return `signal: ${signal === 'SIGKILL' ? 'killed' : signal.toLowerCase().replace(/^sig/, '')}`;
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
