import * as fs from 'node:fs';
import * as path from 'node:path';

// Saved events: JSON files in the workspace's events folder (`events/` next to the template by
// default). `events/<name>.json` are shared by every function; `events/<Function>/<name>.json`
// belong to one function (its logical id, or its function name).

export class SavedEventError extends Error {}

export interface SavedEvent {
  name: string;
  /** The function folder it is in; undefined for a shared event. */
  function?: string;
  file: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The event's name without a `.json` suffix; names are file names (letters, digits, `.`, `_`, `-`). */
export function normaliseEventName(name: string): string {
  const base = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
  if (!NAME.test(base)) throw new SavedEventError(`Invalid event name "${name}": use letters, digits, ".", "_" and "-"`);
  return base;
}

function jsonFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

function subdirectories(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

/**
 * The saved events: the shared ones, then each function folder's. With `functions` (the names a
 * function goes by: logical id, function name), only the shared ones and that function's.
 */
export function listSavedEvents(eventsDir: string, functions?: readonly string[]): SavedEvent[] {
  const shared = jsonFiles(eventsDir).map((f) => ({ name: f.slice(0, -5), file: path.join(eventsDir, f) }));
  const folders = subdirectories(eventsDir).filter((d) => !functions || functions.includes(d));
  const own = folders.flatMap((d) => jsonFiles(path.join(eventsDir, d)).map((f) => ({ name: f.slice(0, -5), function: d, file: path.join(eventsDir, d, f) })));
  return [...shared, ...own];
}

/** The event a function's invocation would use for `name`: its own folder's first, then the shared one. */
export function findSavedEvent(eventsDir: string, name: string, functions: readonly string[]): SavedEvent | undefined {
  const base = normaliseEventName(name);
  for (const fn of functions) {
    const file = path.join(eventsDir, fn, `${base}.json`);
    if (fs.existsSync(file)) return { name: base, function: fn, file };
  }
  const shared = path.join(eventsDir, `${base}.json`);
  return fs.existsSync(shared) ? { name: base, file: shared } : undefined;
}

/** The event's text, checked to be JSON. */
export function readSavedEvent(event: SavedEvent): string {
  const text = fs.readFileSync(event.file, 'utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    throw new SavedEventError(`${event.file} is not valid JSON: ${(error as Error).message}`);
  }
  return text;
}

/** Writes `events/[<function>/]<name>.json` (2-space JSON); refuses to replace a file unless `overwrite`. */
export function saveEvent(eventsDir: string, name: string, event: unknown, options: { function?: string; overwrite?: boolean } = {}): SavedEvent {
  const base = normaliseEventName(name);
  if (options.function !== undefined && !NAME.test(options.function)) throw new SavedEventError(`Invalid function folder name "${options.function}"`);
  const dir = options.function !== undefined ? path.join(eventsDir, options.function) : eventsDir;
  const file = path.join(dir, `${base}.json`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, JSON.stringify(event, null, 2) + '\n', { flag: options.overwrite ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SavedEventError(`${file} already exists (use --force to replace it)`);
    throw error;
  }
  return { name: base, ...(options.function !== undefined ? { function: options.function } : {}), file };
}
