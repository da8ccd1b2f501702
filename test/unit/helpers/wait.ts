import * as fs from 'node:fs';

// Waiting on what real processes do, for tests that cannot be told when it happens.

/** Polls `probe` every `intervalMs` until it returns a truthy value, and resolves with it; fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15000,
  what = 'condition',
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The JSON lines a handler appended to `file` (none while it is missing; a line still being written is skipped). */
export function readJsonLines(file: string): any[] {
  if (!fs.existsSync(file)) return [];
  const entries: any[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line) entries.push(JSON.parse(line));
    } catch {
      // partially written
    }
  }
  return entries;
}
