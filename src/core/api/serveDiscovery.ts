import * as fs from 'node:fs';
import { stateLayout } from '../vocabulary/stateDirectory';

// A running `serve` leaves `<stateDir>/serve.json` ({url, pid, token, verifySignatures, region})
// so that the CLI's commands for queues and streams and the debug adapter reach it without being
// told where; a file whose process is gone is ignored. It holds the server's debug token, so only
// its owner may read it (mode 0600, written afresh by rename so an older file's mode never stays).

export interface ServeDiscovery {
  url: string;
  pid: number;
  /** The server's debug token (LambdaApiServer.debugToken). */
  token?: string;
  /** Requests must be SigV4-signed (`serve --verify-signatures`), in this region. */
  verifySignatures?: boolean;
  region?: string;
}

export function writeServeDiscovery(stateDir: string, url: string, extra: Omit<ServeDiscovery, 'url' | 'pid'> = {}): { remove(): void } {
  const file = stateLayout(stateDir).serveFile;
  fs.mkdirSync(stateDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, JSON.stringify({ url, pid: process.pid, ...extra }), { mode: 0o600, flag: 'wx' });
  fs.renameSync(temporary, file);
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
  return readRunningServe(stateDir)?.url;
}

/** What the `serve` running on this state directory left in serve.json, if one runs. */
export function readRunningServe(stateDir: string): ServeDiscovery | undefined {
  try {
    const found = JSON.parse(fs.readFileSync(stateLayout(stateDir).serveFile, 'utf8')) as Partial<ServeDiscovery>;
    if (typeof found.url !== 'string' || typeof found.pid !== 'number') return undefined;
    process.kill(found.pid, 0);
    return found as ServeDiscovery;
  } catch {
    return undefined;
  }
}
