import type { StoreOperation } from '../store/stateStore';
import { newQueueMessage, type QueueMessage } from './embeddedQueueIndex';
import { recordKey, type Chunk, type StateRecord, type StoredChunk, type StoredDedup, type StoredStates } from './embeddedQueueLayout';

// Reading an embedded queue back from the store (on first use, e.g. after a restart): the messages
// not deleted, with the receive state of their latest receive, and the live deduplication records.
// Writes interrupted by a crash can leave keys nobody needs; they are found here, because this is
// the only time every key of the queue is read.

export interface LoadedQueue {
  /** The messages not deleted, in key order (chunks by sequence number, then within each chunk). */
  messages: QueueMessage[];
  /** FIFO deduplication records still in their interval, by deduplication id. */
  dedup: Array<[string, StoredDedup]>;
  /** The highest sequence number (or receive-state id) in use: new ones continue above it. */
  lastSeq: number;
  /** Deletions of what is left over: expired deduplication records, emptied chunks, orphaned keys. */
  operations: StoreOperation[];
}

/** The queue's state from its entries (`entries` are the keys under `prefix`, in key order). */
export function readQueue(entries: Array<{ key: string; value: unknown }>, prefix: string, now: number): LoadedQueue {
  let lastSeq = 0;
  const chunks: StoredChunk[] = [];
  const deletions = new Map<number, number[]>();
  const latest = new Map<number, { id: number; count: number; firstAt: number; visibleAt: number }>();
  const stateIds = new Set<number>();
  const dedup: Array<[string, StoredDedup]> = [];
  const operations: StoreOperation[] = [];
  for (const { key, value } of entries) {
    const rest = key.slice(prefix.length);
    const kind = rest.slice(0, 2);
    if (kind === 'm!') chunks.push(value as StoredChunk);
    else if (kind === 'x!') deletions.set(Number(rest.slice(2)), value as number[]);
    else if (kind === 'r!') {
      // Keys in id order: a later receive's state of a message overrides an earlier one.
      const id = Number(rest.slice(2));
      stateIds.add(id);
      lastSeq = Math.max(lastSeq, id);
      for (const [seq, count, firstAt, visibleAt] of value as StoredStates) latest.set(seq, { id, count, firstAt, visibleAt });
    } else if (kind === 'd!') {
      const record = value as StoredDedup;
      if (record.expiresAt > now) dedup.push([rest.slice(2), record]);
      else operations.push({ type: 'del', key });
    }
  }
  const records = new Map<number, StateRecord>();
  const messages: QueueMessage[] = [];
  for (const stored of chunks) {
    const seq = stored.messages[0].seq;
    const deleted = deletions.get(seq) ?? [];
    deletions.delete(seq);
    const chunk: Chunk = { seq, size: stored.messages.length, deleted: [...deleted], marked: deleted.length > 0 };
    const gone = new Set(deleted);
    for (const m of stored.messages) {
      lastSeq = Math.max(lastSeq, m.seq);
      if (gone.has(m.seq)) continue;
      const message = newQueueMessage(m, chunk);
      const state = latest.get(m.seq);
      if (state) {
        message.receiveCount = state.count;
        message.firstReceiveAt = state.firstAt;
        message.visibleAt = Math.max(message.visibleAt, state.visibleAt);
        // In flight when the previous engine stopped: it stays invisible until its timeout runs out.
        message.inFlight = state.visibleAt > now;
        if (message.inFlight) message.receivedAt = state.firstAt;
        let record = records.get(state.id);
        if (!record) {
          record = { id: state.id, refs: 0 };
          records.set(state.id, record);
        }
        record.refs++;
        message.state = record;
      }
      messages.push(message);
    }
    if (chunk.deleted.length >= chunk.size) {
      operations.push({ type: 'del', key: recordKey(prefix, 'm', seq) }, { type: 'del', key: recordKey(prefix, 'x', seq) });
    }
  }
  // Leftovers of interrupted writes: deletions of chunks that are gone, states nobody refers to.
  for (const seq of deletions.keys()) operations.push({ type: 'del', key: recordKey(prefix, 'x', seq) });
  for (const id of stateIds) if (!records.has(id)) operations.push({ type: 'del', key: recordKey(prefix, 'r', id) });
  return { messages, dedup, lastSeq, operations };
}
