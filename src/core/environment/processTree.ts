import { promises as fs } from 'node:fs';

// Memory of an execution environment: the peak resident set of its whole process tree, read from
// /proc (VmHWM is each process's high-water mark, so the result covers the environment's life).

async function children(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await fs.readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const result: number[] = [];
  for (const tid of tasks) {
    try {
      const text = await fs.readFile(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const child of text.split(' ')) if (child.trim()) result.push(Number(child));
    } catch {
      // task ended meanwhile
    }
  }
  return result;
}

async function peakRssKb(pid: number): Promise<number> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of the peak RSS of `rootPid` and all its descendants, in MB (0 where /proc is absent). */
export async function peakMemoryMb(rootPid: number): Promise<number> {
  let total = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const [kb, kids] = await Promise.all([peakRssKb(pid), children(pid)]);
    total += kb;
    queue.push(...kids);
  }
  return Math.round(total / 1024);
}
