// Every environment is an OS process group. We remember the live groups so that, whatever way
// the host process ends, no runtime outlives it.

const live = new Set<number>();
let hooked = false;

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function trackProcess(pid: number): void {
  live.add(pid);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const group of live) killGroup(group, 'SIGKILL');
    });
  }
}

export function untrackProcess(pid: number): void {
  live.delete(pid);
}

/** Process groups still running (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...live];
}
