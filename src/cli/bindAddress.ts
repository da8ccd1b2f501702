import { UsageError } from './templateOption';

// Servers bind loopback: another address only when the user says so (`--allow-remote`), with a
// warning, since anyone who can reach it can run the functions.

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuses a non-loopback `host` without `allowRemote`; warns on stderr with it. `what`: the server, for the warning. */
export function checkBindAddress(host: string, allowRemote: boolean | undefined, what: string): void {
  if (LOOPBACK.has(host)) return;
  if (!allowRemote) {
    throw new UsageError(`Refusing to bind to ${host}: the API runs your functions for anyone who can reach it. Pass --allow-remote to do it anyway.`);
  }
  process.stderr.write(`WARNING: ${what} is bound to ${host}, not loopback: anyone who can reach this address can invoke your functions.\n`);
}
