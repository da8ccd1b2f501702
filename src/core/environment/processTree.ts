import * as fs from 'node:fs';

// Memory of an execution environment: the peak resident set of its whole process tree, read from
// /proc (VmHWM is each process's high-water mark, so the result covers the environment's life).
// Synchronous on purpose: procfs reads take microseconds, while async ones each cost a trip
// through libuv's thread pool — and this runs after every invocation.

/**
 * Children of a process's main thread. Runtimes start their subprocesses from the main thread
 * (Node's child_process, Python's subprocess); reading every thread's list would cost ~10 µs per
 * thread on each invocation.
 */
function childrenOf(pid: number): number[] {
  try {
    const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(' ').filter((c) => c.trim() !== '').map(Number);
  } catch {
    return [];
  }
}

function peakRssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of the peak RSS of `rootPid` and all its descendants, in MB (0 where /proc is absent). */
export function peakMemoryMb(rootPid: number): number {
  let totalKb = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    totalKb += peakRssKb(pid);
    queue.push(...childrenOf(pid));
  }
  return Math.round(totalKb / 1024);
}
