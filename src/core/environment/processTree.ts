import * as fs from 'node:fs';

// Memory of an execution environment: the peak resident set of its whole process tree, read from
// /proc (VmHWM is each process's high-water mark, so the result covers the environment's life).
// This runs after every invocation, so the runtime's own /proc files stay open and are re-read
// with pread (a few µs) instead of being opened each time; subprocesses, rarer, are read plainly.

const buffer = Buffer.allocUnsafe(8192);

function readAt(fd: number): string {
  const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
  return buffer.toString('latin1', 0, n);
}

function statusKb(status: string, field: 'VmHWM:' | 'VmRSS:'): number {
  const at = status.indexOf(field);
  return at < 0 ? 0 : parseInt(status.slice(at + 6), 10) || 0;
}

function parsePids(text: string): number[] {
  return text
    .split(' ')
    .filter((c) => c.trim() !== '')
    .map(Number);
}

/**
 * Children of a process's main thread. Runtimes start their subprocesses from the main thread
 * (Node's child_process, Python's subprocess); reading every thread's list would cost ~10 µs per
 * thread on each invocation.
 */
function childrenOf(pid: number): number[] {
  try {
    return parsePids(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1'));
  } catch {
    return [];
  }
}

function statusKbOf(pid: number, field: 'VmHWM:' | 'VmRSS:'): number {
  try {
    return statusKb(fs.readFileSync(`/proc/${pid}/status`, 'latin1'), field);
  } catch {
    return 0;
  }
}

/** Peak memory of one environment's process tree. Without /proc (not Linux) it reads 0. */
export class MemoryProbe {
  private statusFd: number | undefined;
  private childrenFd: number | undefined;
  /** The descendants the last reading walked through (no extra cost: it reads them anyway). */
  subprocesses: ReadonlySet<number> = new Set();

  constructor(private readonly pid: number) {
    try {
      this.statusFd = fs.openSync(`/proc/${pid}/status`, 'r');
      this.childrenFd = fs.openSync(`/proc/${pid}/task/${pid}/children`, 'r');
    } catch {
      // not Linux, or the process is already gone
    }
  }

  /** Sum of the peak RSS of the runtime and all its descendants, in MB. */
  peakMb(): number {
    return this.sumMb('VmHWM:');
  }

  /** Sum of the current RSS of the runtime and all its descendants, in MB. */
  currentMb(): number {
    return this.sumMb('VmRSS:');
  }

  private sumMb(field: 'VmHWM:' | 'VmRSS:'): number {
    if (this.statusFd === undefined) return 0;
    let totalKb = 0;
    const queue: number[] = [];
    try {
      totalKb += statusKb(readAt(this.statusFd), field);
      if (this.childrenFd !== undefined) queue.push(...parsePids(readAt(this.childrenFd)));
    } catch {
      return 0; // the process ended meanwhile
    }
    const seen = new Set<number>([this.pid]);
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      if (seen.has(pid)) continue;
      seen.add(pid);
      totalKb += statusKbOf(pid, field);
      queue.push(...childrenOf(pid));
    }
    seen.delete(this.pid);
    this.subprocesses = seen;
    return Math.round(totalKb / 1024);
  }

  close(): void {
    for (const fd of [this.statusFd, this.childrenFd]) {
      if (fd !== undefined) fs.closeSync(fd);
    }
    this.statusFd = this.childrenFd = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Descendants. Lambda's sandbox ends every process of an environment; a process group does not
// hold them all (a handler can spawn with `detached: true`, or call setsid), so the environment
// also remembers its descendants by pid and start time (so a reused pid is never signalled).
// A descendant whose parent has exited is re-parented to init and cannot be found from the
// runtime any more: it is caught only if it was seen while its parent lived (at the end of each
// invocation, and just before the environment is signalled).

/** A process as seen at one moment: its pid and its start time (in clock ticks since boot). */
export interface ProcessIdentity {
  pid: number;
  start: string;
}

/** Field 22 of /proc/<pid>/stat, or undefined once the process is gone (or without /proc). */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may contain anything: count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function childrenOfAllThreads(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tasks) {
    try {
      children.push(...parsePids(fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1')));
    } catch {
      // the thread ended meanwhile
    }
  }
  return children;
}

/**
 * Every live descendant of a process — children of any of its threads, recursively, whatever their
 * process group or session — without the process itself. Empty without /proc.
 */
export function descendantsOf(pid: number): ProcessIdentity[] {
  const found: ProcessIdentity[] = [];
  const seen = new Set<number>([pid]);
  const queue = childrenOfAllThreads(pid);
  while (queue.length > 0) {
    const child = queue.pop() as number;
    if (seen.has(child)) continue;
    seen.add(child);
    const start = startTimeOf(child);
    if (start === undefined) continue;
    found.push({ pid: child, start });
    queue.push(...childrenOfAllThreads(child));
  }
  return found;
}

/** The descendants a process has had, remembered so they can be ended after it is gone. */
export class Descendants {
  private readonly known = new Map<number, string>();

  constructor(private readonly pid: number) {}

  /** Remembers every current descendant (reads /proc: at the end of an invocation, before a signal). */
  record(): void {
    for (const p of descendantsOf(this.pid)) this.known.set(p.pid, p.start);
  }

  /** Remembers these pids (seen by the memory probe) if they are not known yet. */
  recordPids(pids: Iterable<number>): void {
    for (const pid of pids) {
      if (this.known.has(pid)) continue;
      const start = startTimeOf(pid);
      if (start !== undefined) this.known.set(pid, start);
    }
  }

  /** Signals every remembered descendant still alive (same pid and start time); forgets the gone ones. */
  signal(signal: NodeJS.Signals): void {
    for (const [pid, start] of this.known) {
      if (startTimeOf(pid) !== start) {
        this.known.delete(pid);
        continue;
      }
      try {
        process.kill(pid, signal);
      } catch {
        this.known.delete(pid);
      }
    }
  }
}
