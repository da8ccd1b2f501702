import type { StoreOperation } from '../store/stateStore';
import { DEDUPLICATION_WINDOW_MS } from './sqsMessages';
import { dedupKey, type StoredDedup, type StoredMessage } from './embeddedQueueLayout';

// FIFO deduplication: a message sent again with a deduplication id seen in the last five minutes is
// accepted but not enqueued again; the sender gets the first message's id and sequence number. The
// records are kept in memory (a send checks them without reading the store) and in the store (d!
// keys), so that a restart within the interval still recognises a duplicate.

export class DeduplicationRecords {
  private readonly records = new Map<string, StoredDedup>();

  constructor(private readonly prefix: string) {}

  /** The earlier message of this deduplication id, when it is still within the interval. */
  duplicateOf(deduplicationId: string, now: number): StoredDedup | undefined {
    const seen = this.records.get(deduplicationId);
    return seen && seen.expiresAt > now ? seen : undefined;
  }

  /** The id now belongs to `message` (at once: a later message of the same send is its duplicate); returns the write of its record. */
  claim(deduplicationId: string, message: StoredMessage, now: number): StoreOperation {
    const record: StoredDedup = { id: message.id, seq: message.seq, md5: message.md5, expiresAt: now + DEDUPLICATION_WINDOW_MS };
    this.records.set(deduplicationId, record);
    return { type: 'put', key: dedupKey(this.prefix, deduplicationId), value: record };
  }

  /** A send that failed to reach the store gives its ids back. */
  release(deduplicationIds: string[]): void {
    for (const id of deduplicationIds) this.records.delete(id);
  }

  /** Records read back from the store. */
  restore(records: Array<[string, StoredDedup]>): void {
    for (const [id, record] of records) this.records.set(id, record);
  }

  /** Forgets the expired records; adds the deletions of their keys to `operations`. */
  sweep(now: number, operations: StoreOperation[]): void {
    for (const [id, record] of this.records) {
      if (record.expiresAt <= now) {
        this.records.delete(id);
        operations.push({ type: 'del', key: dedupKey(this.prefix, id) });
      }
    }
  }
}
