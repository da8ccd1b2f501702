import * as fs from 'node:fs';
import * as path from 'node:path';

// A running `serve` leaves `<stateDir>/serve.json` ({url, pid}) so that the CLI's commands for
// queues and streams reach it without being told where; a file whose process is gone is ignored.

const FILE = 'serve.json';

export function writeServeDiscovery(stateDir: string, url: string): { remove(): void } {
  const file = path.join(stateDir, FILE);
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ url, pid: process.pid }));
  const remove = () => {
    try {
      if ((JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number }).pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', remove);
  // A long-lived host (the extension) writes and removes it many times: no exit listener left behind.
  return {
    remove: () => {
      process.off('exit', remove);
      remove();
    },
  };
}

/** The URL of the `serve` running on this state directory, if any. */
export function findRunningServe(stateDir: string): string | undefined {
  try {
    const { url, pid } = JSON.parse(fs.readFileSync(path.join(stateDir, FILE), 'utf8')) as { url?: string; pid?: number };
    if (!url || !pid) return undefined;
    process.kill(pid, 0);
    return url;
  } catch {
    return undefined;
  }
}
