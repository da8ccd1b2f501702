import type { SharedStore } from '../store/sharedStore';
import type { StateStore, StoreOperation } from '../store/stateStore';
import { formatSequenceNumber, nextCounter } from './streamSequenceNumbers';
import { evenHashKeyRanges, shardIdOf } from './streamShards';
import type { DynamoDbChange, ShardInfo, StreamDefinition } from './types';

// The records of an embedded stream, in the store and in memory.
//
// Layout in the store (keys sort by shard, then sequence number):
//   stream!<kind>!<name>!meta                 { createdAt }
//   stream!<kind>!<name>!r!<shardId>!<seq>   one record
// Every record is also kept in memory (per shard, in order), so reads never scan the database; the
// in-memory state is shared by every EmbeddedStream on the same SharedStore and stream (the engine
// and the HTTP API may each hold one). Writes of one shard are group-committed in order (one
// synchronous batch per group), and a record becomes visible to readers only once it, and
// everything before it in its shard, is on disk: a reader never sees a record a crash could lose.

/** What one record is stored as. */
export interface StoredRecord {
  /** Arrival, epoch ms (non-decreasing within a shard). */
  ts: number;
  pk: string;
  /** Kinesis: base64 data. */
  data?: string;
  /** DynamoDB: the change as the stream keeps it (images already cut to the StreamViewType), and its event id. */
  change?: DynamoDbChange;
  eventID?: string;
  size?: number;
}

/** A record in memory: with its sequence number (in the store, part of its key). */
export interface Entry extends StoredRecord {
  seq: string;
}

export interface ShardState {
  info: ShardInfo;
  index: number;
  start: bigint;
  end: bigint;
  /** Visible records, in sequence order. */
  records: Entry[];
  /** Last sequence number given out (visible or still being written). */
  lastSeq: bigint;
  lastTs: number;
  /** Group commit: records waiting for the next write, and whether one is in progress. */
  queued: Array<{ entry: Entry; resolve: () => void; reject: (error: unknown) => void }>;
  writing: boolean;
}

/** The in-memory image of one stream, shared by every EmbeddedStream on the same store. */
export interface StreamState {
  db: StateStore;
  prefix: string;
  createdAt: number;
  shards: ShardState[];
  listeners: Set<(shardId: string) => void>;
  lastTrimCheck: number;
}

const states = new WeakMap<SharedStore, Map<string, Promise<StreamState>>>();

/** The state of a stream on `store`: loaded by the first EmbeddedStream that asks (a failed load is tried again next time). */
export function sharedStreamState(store: SharedStore, stateKey: string, load: () => Promise<StreamState>): Promise<StreamState> {
  let byStream = states.get(store);
  if (!byStream) states.set(store, (byStream = new Map()));
  let promise = byStream.get(stateKey);
  if (!promise) {
    promise = load();
    byStream.set(stateKey, promise);
    const map = byStream;
    promise.catch(() => map.delete(stateKey));
  }
  return promise;
}

/** The state when it was loaded (or is loading), without loading it. */
export function loadedStreamState(store: SharedStore, stateKey: string): Promise<StreamState> | undefined {
  return states.get(store)?.get(stateKey);
}

/** Reads the stream from the store (creating its meta record the first time), then applies retention. */
export async function loadStreamState(store: SharedStore, definition: StreamDefinition, now: () => number): Promise<StreamState> {
  const db = await store.open();
  const prefix = `stream!${definition.kind}!${definition.name}!`;
  let meta = await db.get<{ createdAt: number }>(`${prefix}meta`);
  if (!meta) {
    meta = { createdAt: now() };
    await db.put(`${prefix}meta`, meta);
  }
  const shards: ShardState[] = evenHashKeyRanges(definition.shardCount).map((range, index) => ({
    info: { shardId: shardIdOf(definition, meta.createdAt, index), hashKeyRange: range },
    index,
    start: BigInt(range.startingHashKey),
    end: BigInt(range.endingHashKey),
    records: [],
    lastSeq: 0n,
    lastTs: 0,
    queued: [],
    writing: false,
  }));
  const byId = new Map(shards.map((s) => [s.info.shardId, s]));
  for (const { key, value } of await db.entries<StoredRecord>(`${prefix}r!`)) {
    const rest = key.slice(prefix.length + 2);
    const bang = rest.lastIndexOf('!');
    const shard = byId.get(rest.slice(0, bang));
    // Records of shards the definition no longer has (a smaller ShardCount) are not readable.
    if (!shard) continue;
    const seq = rest.slice(bang + 1);
    shard.records.push({ ...value, seq });
    shard.lastSeq = BigInt(seq);
    shard.lastTs = Math.max(shard.lastTs, value.ts);
  }
  const state: StreamState = { db, prefix, createdAt: meta.createdAt, shards, listeners: new Set(), lastTrimCheck: 0 };
  await trimStream(state, now(), definition.retentionHours);
  return state;
}

/** Appends a record to a shard; resolves with its sequence number once it is on disk (and readable). */
export function appendRecord(
  state: StreamState,
  shard: ShardState,
  kind: StreamDefinition['kind'],
  record: Omit<StoredRecord, 'ts'>,
  now: number,
  /** Queued only: the caller flushes (appendRecords' one write). */
  deferFlush = false,
): Promise<{ shardId: string; sequenceNumber: string }> {
  // Monotonic per shard: sequence numbers always grow; arrival times never go back.
  const counter = nextCounter(shard.lastSeq, now);
  shard.lastSeq = counter;
  shard.lastTs = Math.max(shard.lastTs, now);
  const entry: Entry = { ...record, ts: shard.lastTs, seq: formatSequenceNumber(kind, shard.index, counter) };
  return new Promise((resolve, reject) => {
    shard.queued.push({ entry, resolve: () => resolve({ shardId: shard.info.shardId, sequenceNumber: entry.seq }), reject });
    if (!deferFlush) flush(state, shard);
  });
}

/**
 * Appends records to their shards as one write per shard (Kinesis PutRecords): a shard's records
 * become readable together, so a poller reading the shard sees them in one batch.
 */
export function appendRecords(
  state: StreamState,
  kind: StreamDefinition['kind'],
  records: { shard: ShardState; record: Omit<StoredRecord, 'ts'> }[],
  now: number,
): Promise<{ shardId: string; sequenceNumber: string }[]> {
  const results = records.map(({ shard, record }) => appendRecord(state, shard, kind, record, now, true));
  for (const shard of new Set(records.map((r) => r.shard))) flush(state, shard);
  return Promise.all(results);
}

/** Group commit: one synchronous batch for everything queued; then the records become visible, in order. */
function flush(state: StreamState, shard: ShardState): void {
  if (shard.writing || shard.queued.length === 0) return;
  shard.writing = true;
  const group = shard.queued.splice(0);
  const operations: StoreOperation[] = group.map(({ entry }) => {
    const { seq, ...value } = entry;
    return { type: 'put', key: `${state.prefix}r!${shard.info.shardId}!${seq}`, value };
  });
  state.db.batch(operations).then(
    () => {
      for (const { entry } of group) shard.records.push(entry);
      shard.writing = false;
      for (const item of group) item.resolve();
      for (const listener of [...state.listeners]) {
        try {
          listener(shard.info.shardId);
        } catch {
          // A listener's failure is its own.
        }
      }
      flush(state, shard);
    },
    (error: unknown) => {
      shard.writing = false;
      for (const item of group) item.reject(error);
      flush(state, shard);
    },
  );
}

/** Retention: records older than retentionHours are deleted (checked at most once a second). */
export async function trimStream(state: StreamState, now: number, retentionHours: number): Promise<void> {
  if (now - state.lastTrimCheck < 1000 && state.lastTrimCheck !== 0) return;
  state.lastTrimCheck = now;
  const cutoff = now - retentionHours * 3600 * 1000;
  const operations: StoreOperation[] = [];
  for (const shard of state.shards) {
    let n = 0;
    while (n < shard.records.length && shard.records[n].ts < cutoff) n++;
    if (n === 0) continue;
    for (const record of shard.records.splice(0, n)) operations.push({ type: 'del', key: `${state.prefix}r!${shard.info.shardId}!${record.seq}` });
  }
  if (operations.length > 0) await state.db.batch(operations);
}

/** Resolves once the shard has nothing queued or being written. */
export function waitForWrites(shard: ShardState): Promise<void> {
  if (!shard.writing && shard.queued.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => (!shard.writing && shard.queued.length === 0 ? resolve() : setTimeout(check, 5));
    check();
  });
}
