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
  /** The events folder it was found in: reading refuses a file whose real path is outside it. */
  eventsDir?: string;
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
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

function subdirectories(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

/**
 * The saved events: the shared ones, then each function folder's. With `functions` (the names a
 * function goes by: logical id, function name), only the shared ones and that function's.
 */
export function listSavedEvents(eventsDir: string, functions?: readonly string[]): SavedEvent[] {
  const shared = jsonFiles(eventsDir).map((f) => ({ name: f.slice(0, -5), file: path.join(eventsDir, f), eventsDir }));
  const folders = subdirectories(eventsDir).filter((d) => !functions || functions.includes(d));
  const own = folders.flatMap((d) =>
    jsonFiles(path.join(eventsDir, d)).map((f) => ({ name: f.slice(0, -5), function: d, file: path.join(eventsDir, d, f), eventsDir })),
  );
  return [...shared, ...own];
}

/** The event a function's invocation would use for `name`: its own folder's first, then the shared one. */
export function findSavedEvent(eventsDir: string, name: string, functions: readonly string[]): SavedEvent | undefined {
  const base = normaliseEventName(name);
  for (const fn of functions) {
    const file = path.join(eventsDir, fn, `${base}.json`);
    if (fs.existsSync(file)) return { name: base, function: fn, file, eventsDir };
  }
  const shared = path.join(eventsDir, `${base}.json`);
  return fs.existsSync(shared) ? { name: base, file: shared, eventsDir } : undefined;
}

/**
 * The event's text, checked to be JSON. A saved event is a regular file inside the events folder
 * (`eventsDir`, else the file's own folder): a link that leads out of it is refused, and a JSON error
 * gives the line and column only — never the file's content.
 */
export function readSavedEvent(event: SavedEvent): string {
  const root = event.eventsDir ?? path.dirname(event.file);
  let real: string;
  try {
    real = fs.realpathSync(event.file);
    const relative = path.relative(fs.realpathSync(root), real);
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      throw new SavedEventError(`${event.file} leads outside the events folder ${root} (a symbolic link?): saved events are read only from inside it`);
    }
    if (!fs.statSync(real).isFile()) throw new SavedEventError(`${event.file} is not a regular file`);
  } catch (error) {
    if (error instanceof SavedEventError) throw error;
    throw new SavedEventError(`${event.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const text = fs.readFileSync(real, 'utf8');
  try {
    JSON.parse(text);
  } catch {
    throw new SavedEventError(`${event.file} is not valid JSON: ${jsonErrorLocation(text)}`);
  }
  return text;
}

/**
 * Where JSON text stops being valid, as `line L, column C` (1-based) — JSON.parse's own message
 * quotes the text around the error, which must not be echoed from a file.
 */
export function jsonErrorLocation(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return 'it cannot be parsed';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${offset >= text.length ? 'unexpected end at' : 'unexpected character at'} line ${line}, column ${column}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The offset of the first error in JSON text (undefined if it is valid, or nested too deeply to tell). */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return fail();
      } else if (c < ' ') return fail();
      else i++;
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at === 'number') return at;
    return undefined; // too deep for the stack: no position
  }
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
