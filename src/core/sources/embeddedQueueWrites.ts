import type { StateStore, StoreOperation } from '../store/stateStore';
import { writerFor } from '../store/storeWriter';

// How an embedded queue's writes reach the store, all through the store's one writer
// (store/storeWriter.ts: in order, group-committed). Sends are durable: they resolve once their
// batch is on disk. Everything else (deletes, receive states, redrives, expiries) is written behind
// and rides along with the next durable batch; nobody waits for those, so a failure of one is kept
// and reported by the queue's next call that writes.

export class QueueWrites {
  private store: StateStore | undefined;
  private failure: Error | undefined;

  constructor(private readonly queueName: string) {}

  /** The store is open: the queue has loaded, and writes can go. */
  get isOpen(): boolean {
    return this.store !== undefined;
  }

  open(store: StateStore): void {
    this.store = store;
  }

  /** A durable write (sends, purge): resolves once it is on disk. */
  durable(operations: StoreOperation[]): Promise<void> {
    try {
      this.throwFailure();
    } catch (error) {
      return Promise.reject(error);
    }
    if (operations.length === 0) return Promise.resolve();
    if (!this.store) return Promise.reject(new Error(`The queue ${this.queueName} is not loaded`));
    return writerFor(this.store).write(operations, true);
  }

  /** A write nobody waits for (deletes, receive states, redrives, expiries). */
  behind(operations: StoreOperation[]): void {
    if (!this.store || operations.length === 0) return;
    writerFor(this.store).writeLater(operations, (error) => {
      this.failure ??= error;
    });
  }

  /** A background write failed: the next call that writes reports it (once). */
  throwFailure(): void {
    const error = this.failure;
    if (!error) return;
    this.failure = undefined;
    throw error;
  }

  /** Resolves once every write so far is in the store. */
  async idle(): Promise<void> {
    if (this.store) await writerFor(this.store).idle();
  }
}
