import * as fs from 'node:fs';
import type { ClassicLevel } from 'classic-level';

// The engine's durable state: one LevelDB database (classic-level) in the state directory.
// Values are JSON; every write is synchronous (fsync'd) before its promise resolves, so what a
// caller was told is stored survives a kill -9 or a power cut.
//
// LevelDB takes an exclusive lock on its directory: a second process (or a second engine in the
// same process) opening the same state directory gets StoreLockedError.

type Db = ClassicLevel<string, unknown>;

/** classic-level is loaded at run time, never bundled: it finds its native binding next to its own files. */
function loadClassicLevel(): typeof import('classic-level') {
  const name = 'classic-level';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed name keeps esbuild from bundling it
  return require(name) as typeof import('classic-level');
}

export class StoreLockedError extends Error {
  constructor(readonly location: string) {
    super(
      `The state directory ${location} is in use by another Lambda Workbench engine (another process, e.g. \`lambda-workbench serve\`, or an engine not closed yet)`,
    );
    this.name = 'StoreLockedError';
  }
}

export type StoreOperation = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

export class StateStore {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly db: Db,
    readonly location: string,
  ) {}

  /** True if a store was ever created at `location` (so there may be work to resume). */
  static exists(location: string): boolean {
    return fs.existsSync(`${location}/CURRENT`);
  }

  static async open(location: string): Promise<StateStore> {
    fs.mkdirSync(location, { recursive: true });
    const { ClassicLevel } = loadClassicLevel();
    const db = new ClassicLevel<string, unknown>(location, { keyEncoding: 'utf8', valueEncoding: 'json' });
    try {
      await db.open();
    } catch (error) {
      if (isLocked(error)) throw new StoreLockedError(location);
      throw error;
    }
    return new StateStore(db, location);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.track(this.db.get(key) as Promise<T | undefined>);
  }

  /** Resolves once the value is on disk. */
  put(key: string, value: unknown): Promise<void> {
    return this.track(this.db.put(key, value, { sync: true }));
  }

  /**
   * Atomic: all operations are written, or none. Synchronous (on disk when it resolves) unless
   * `sync: false`, for writes whose loss in a crash is harmless (e.g. a queue's deletes: a lost
   * one means a redelivery, which at-least-once allows).
   */
  batch(operations: StoreOperation[], options: { sync?: boolean } = {}): Promise<void> {
    if (operations.length === 0) return Promise.resolve();
    return this.track(this.db.batch(operations, { sync: options.sync ?? true }));
  }

  /** Every entry whose key starts with `prefix`, in key order. */
  async entries<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const result: Array<{ key: string; value: T }> = [];
    const read = (async () => {
      for await (const [key, value] of this.db.iterator({ gte: prefix, lt: `${prefix}\uffff` })) {
        result.push({ key, value: value as T });
      }
    })();
    await this.track(read);
    return result;
  }

  /** Waits for the writes in flight, then closes the database (releasing the directory lock). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    await this.db.close();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`The state store ${this.location} is closed`));
    this.pending.add(promise);
    const done = () => this.pending.delete(promise);
    promise.then(done, done);
    return promise;
  }
}

function isLocked(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'LEVEL_LOCKED') return true;
  }
  return false;
}
