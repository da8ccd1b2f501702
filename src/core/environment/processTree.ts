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
  return text.split(' ').filter((c) => c.trim() !== '').map(Number);
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
    return Math.round(totalKb / 1024);
  }

  close(): void {
    for (const fd of [this.statusFd, this.childrenFd]) {
      if (fd !== undefined) fs.closeSync(fd);
    }
    this.statusFd = this.childrenFd = undefined;
  }
}
