// Every environment is an OS process group. We remember the live groups so that, whatever way
// the host process ends, no runtime outlives it.

const live = new Map<number, (() => void) | undefined>();
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

/** `alsoKill` ends what left the group (the environment's other descendants), synchronously. */
export function trackProcess(pid: number, alsoKill?: () => void): void {
  live.set(pid, alsoKill);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const [group, others] of live) {
        try {
          others?.();
        } catch {
          // best effort: the group still goes
        }
        killGroup(group, 'SIGKILL');
      }
    });
  }
}

export function untrackProcess(pid: number): void {
  live.delete(pid);
}

/** Process groups still running (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...live.keys()];
}
