import type { StateStore, StoreOperation } from './stateStore';

// Group commit for the engine's LevelDB: many small writes, few disk flushes.

/** How long writes nobody waits for may wait for a durable write to ride along with. */
const LAZY_FLUSH_MS = 5;

interface PendingWrite {
  operations: StoreOperation[];
  durable: boolean;
  resolve?: () => void;
  reject?: (error: Error) => void;
}

/**
 * Every write of the embedded queues of one store, in call order, merged into as few LevelDB
 * batches as possible. Durable writes (sends) start a batch at once and resolve once it is on disk;
 * while one is being written, the next ones collect for the following batch (group commit). Lazy
 * writes (deletes, receive states) wait to ride along with the next durable batch, or go on their
 * own after LAZY_FLUSH_MS: under load they cost no disk flush of their own. Order is kept: a write
 * never overtakes an earlier one (a delete never lands before the send of the same message).
 */
export class StoreWriter {
  private queued: PendingWrite[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: StateStore) {}

  /** Resolves once the operations are in the store (on disk when durable). */
  write(operations: StoreOperation[], durable: boolean): Promise<void> {
    if (operations.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queued.push({ operations, durable, resolve, reject });
      if (durable) this.start(false);
      else this.startLater();
    });
  }

  /** Operations nobody waits for; a failure is handed to `onError`. */
  writeLater(operations: StoreOperation[], onError: (error: Error) => void): void {
    if (operations.length === 0) return;
    this.queued.push({ operations, durable: false, reject: onError });
    this.startLater();
  }

  /** Writes everything queued now and resolves once it is in the store. */
  async idle(): Promise<void> {
    while (this.queued.length > 0 || this.running) {
      if (!this.running) this.start(true);
      await this.running;
    }
  }

  private startLater(): void {
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start(true);
    }, LAZY_FLUSH_MS);
    this.timer.unref();
  }

  private start(includeLazy: boolean): void {
    if (this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.drain(includeLazy).finally(() => {
      this.running = undefined;
      if (this.queued.some((w) => w.durable)) this.start(false);
      else if (this.queued.length > 0) this.startLater();
    });
  }

  private async drain(includeLazy: boolean): Promise<void> {
    // Let the writes of this turn of the event loop join the first batch.
    await Promise.resolve();
    let first = true;
    while (this.queued.length > 0 && ((first && includeLazy) || this.queued.some((w) => w.durable))) {
      first = false;
      const group = this.queued;
      this.queued = [];
      const operations = group.length === 1 ? group[0].operations : group.flatMap((w) => w.operations);
      const sync = group.some((w) => w.durable);
      try {
        await this.store.batch(operations, { sync });
        for (const w of group) w.resolve?.();
      } catch (error) {
        for (const w of group) w.reject?.(error as Error);
      }
    }
  }
}

const writers = new WeakMap<StateStore, StoreWriter>();

export function writerFor(store: StateStore): StoreWriter {
  let writer = writers.get(store);
  if (!writer) {
    writer = new StoreWriter(store);
    writers.set(store, writer);
  }
  return writer;
}
