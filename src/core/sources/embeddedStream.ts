import { createHash, randomBytes } from 'node:crypto';
import type { SharedStore } from '../store/sharedStore';
import type { StateStore, StoreOperation } from '../store/stateStore';
import type { DynamoDbChange, RecordStream, ShardInfo, StreamDefinition, StreamPosition, StreamRecord } from './types';

// An embedded stream with Kinesis's semantics, kept in the engine's LevelDB: shards splitting the
// 128-bit MD5 hash key space evenly (as CreateStream does), partition key → MD5 → shard, sequence
// numbers increasing per shard (fixed-width decimal strings: they sort the same as strings and as
// numbers), shard iterators (opaque, expiring after 5 minutes), retention. A DynamoDB stream is
// the same structure with change records (partition key = the item's Keys).
//
// Layout in the store (keys sort by shard, then sequence number):
//   stream!<kind>!<name>!meta                 { createdAt }
//   stream!<kind>!<name>!r!<shardId>!<seq>   one record
// Every record is also kept in memory (per shard, in order), so reads never scan the database; the
// in-memory state is shared by every EmbeddedStream on the same SharedStore and stream. Writes
// of one shard are group-committed in order (one synchronous batch per group), and a record becomes
// visible to readers only once it, and everything before it in its shard, is on disk.

const POW_128 = 1n << 128n;
/** Kinesis shard iterators expire after 5 minutes. */
export const ITERATOR_TTL_MS = 5 * 60 * 1000;
/** GetRecords returns at most 10,000 records or 10 MB (Kinesis). */
const MAX_GET_RECORDS = 10_000;
const MAX_GET_BYTES = 10 * 1024 * 1024;
/** Kinesis PutRecord: 1 MB of data plus partition key; partition keys are 1–256 characters. */
const MAX_RECORD_BYTES = 1024 * 1024;

/** An error with the name the Kinesis / DynamoDB Streams API gives it (ExpiredIteratorException…). */
export class StreamApiError extends Error {
  constructor(name: 'ExpiredIteratorException' | 'InvalidArgumentException' | 'ResourceNotFoundException' | 'ValidationException', message: string) {
    super(message);
    this.name = name;
  }
}

/** The shards of a new stream, as Kinesis CreateStream lays them out (the last one ends at 2^128 - 1). */
export function evenHashKeyRanges(shardCount: number): Array<{ startingHashKey: string; endingHashKey: string }> {
  const count = Math.max(1, Math.floor(shardCount));
  const size = POW_128 / BigInt(count);
  const ranges = [];
  for (let i = 0; i < count; i++) {
    const start = size * BigInt(i);
    const end = i < count - 1 ? size * BigInt(i + 1) - 1n : POW_128 - 1n;
    ranges.push({ startingHashKey: start.toString(), endingHashKey: end.toString() });
  }
  return ranges;
}

/** The 128-bit hash key Kinesis derives from a partition key (MD5, big-endian). */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** The partition key of a DynamoDB change: its Keys as canonical JSON (attribute names sorted). */
export function dynamoDbPartitionKey(keys: Record<string, unknown>): string {
  return canonicalJson(keys);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What one record is stored as. */
interface StoredRecord {
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

interface Entry extends StoredRecord {
  seq: string;
}

interface ShardState {
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
interface StreamState {
  db: StateStore;
  prefix: string;
  createdAt: number;
  shards: ShardState[];
  listeners: Set<(shardId: string) => void>;
  lastTrimCheck: number;
}

const states = new WeakMap<SharedStore, Map<string, Promise<StreamState>>>();

type IteratorPosition =
  | { k: 'after'; seq: string | null }
  | { k: 'at'; seq: string }
  | { k: 'ts'; ts: number };

interface IteratorToken {
  /** Stream (kind:name), shard, position, issued at. */
  s: string;
  sh: string;
  p: IteratorPosition;
  t: number;
}

export interface EmbeddedStreamOptions {
  /** Clock (tests): epoch ms. */
  now?: () => number;
}

export class EmbeddedStream implements RecordStream {
  private readonly now: () => number;
  private readonly ownListeners = new Set<(shardId: string) => void>();
  private closed = false;

  constructor(private readonly store: SharedStore, readonly definition: StreamDefinition, options: EmbeddedStreamOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async listShards(): Promise<ShardInfo[]> {
    const state = await this.state();
    return state.shards.map((s) => ({ ...s.info, hashKeyRange: { ...s.info.hashKeyRange } }));
  }

  async getShardIterator(shardId: string, position: StreamPosition): Promise<string> {
    const state = await this.state();
    const shard = this.shard(state, shardId);
    await this.trim(state);
    let p: IteratorPosition;
    switch (position.type) {
      case 'TRIM_HORIZON':
        p = { k: 'after', seq: null };
        break;
      case 'LATEST':
        p = { k: 'after', seq: shard.lastSeq === 0n ? null : this.formatSeq(shard, shard.lastSeq) };
        break;
      case 'AT_TIMESTAMP':
        if (!Number.isFinite(position.timestamp)) throw new StreamApiError('InvalidArgumentException', 'Timestamp must be a number');
        p = { k: 'ts', ts: position.timestamp };
        break;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const seq = this.checkSeq(shard, position.sequenceNumber);
        p = position.type === 'AT_SEQUENCE_NUMBER' ? { k: 'at', seq } : { k: 'after', seq };
        break;
      }
      default:
        throw new StreamApiError('InvalidArgumentException', `Unknown ShardIteratorType ${(position as { type: string }).type}`);
    }
    return encodeIterator({ s: this.streamKey, sh: shardId, p, t: this.now() });
  }

  async getRecords(iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextShardIterator?: string; millisBehindLatest: number }> {
    const token = decodeIterator(iterator);
    if (!token || token.s !== this.streamKey) throw new StreamApiError('InvalidArgumentException', 'Invalid ShardIterator');
    const now = this.now();
    if (now - token.t > ITERATOR_TTL_MS) {
      throw new StreamApiError('ExpiredIteratorException', `Iterator expired. The iterator was created at time ${new Date(token.t).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of 300000 milliseconds.`);
    }
    const state = await this.state();
    const shard = this.shard(state, token.sh);
    await this.trim(state);
    const max = Math.max(1, Math.min(MAX_GET_RECORDS, Math.floor(limit) || MAX_GET_RECORDS));
    const records = shard.records;
    let from: number;
    switch (token.p.k) {
      case 'after':
        from = token.p.seq === null ? 0 : upperBound(records, token.p.seq);
        break;
      case 'at':
        from = lowerBound(records, token.p.seq);
        break;
      case 'ts': {
        const ts = token.p.ts;
        from = records.findIndex((r) => r.ts >= ts);
        if (from < 0) from = records.length;
        break;
      }
    }
    const result: StreamRecord[] = [];
    let bytes = 0;
    let i = from;
    for (; i < records.length && result.length < max; i++) {
      const size = recordBytes(records[i]);
      if (result.length > 0 && bytes + size > MAX_GET_BYTES) break;
      bytes += size;
      result.push(this.toStreamRecord(shard, records[i]));
    }
    let next: IteratorPosition = token.p;
    if (result.length > 0) next = { k: 'after', seq: result[result.length - 1].sequenceNumber };
    const millisBehindLatest = i < records.length ? Math.max(0, now - records[i].ts) : 0;
    return { records: result, nextShardIterator: encodeIterator({ ...token, p: next, t: now }), millisBehindLatest };
  }

  async putRecord(input: { data: Buffer; partitionKey: string; explicitHashKey?: string }): Promise<{ shardId: string; sequenceNumber: string }> {
    if (this.definition.kind !== 'kinesis') throw new StreamApiError('ValidationException', `${this.definition.name} is a DynamoDB stream: use putChange`);
    if (typeof input.partitionKey !== 'string' || input.partitionKey.length < 1 || input.partitionKey.length > 256) {
      throw new StreamApiError('ValidationException', '1 validation error detected: Value at \'partitionKey\' failed to satisfy constraint: Member must have length between 1 and 256');
    }
    const data = Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data);
    if (data.length + Buffer.byteLength(input.partitionKey) > MAX_RECORD_BYTES) {
      throw new StreamApiError('ValidationException', `1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RECORD_BYTES}`);
    }
    let hash: bigint;
    if (input.explicitHashKey !== undefined) {
      if (!/^\d{1,39}$/.test(input.explicitHashKey) || BigInt(input.explicitHashKey) >= POW_128) {
        throw new StreamApiError('InvalidArgumentException', `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${input.explicitHashKey}`);
      }
      hash = BigInt(input.explicitHashKey);
    } else {
      hash = partitionKeyHash(input.partitionKey);
    }
    const state = await this.state();
    const shard = state.shards.find((s) => hash >= s.start && hash <= s.end) ?? state.shards[state.shards.length - 1];
    return this.append(state, shard, { pk: input.partitionKey, data: data.toString('base64') });
  }

  async putChange(change: DynamoDbChange): Promise<{ shardId: string; sequenceNumber: string }> {
    if (this.definition.kind !== 'dynamodb') throw new StreamApiError('ValidationException', `${this.definition.name} is a Kinesis stream: use putRecord`);
    if (!['INSERT', 'MODIFY', 'REMOVE'].includes(change.eventName)) throw new StreamApiError('ValidationException', `Unknown eventName ${String(change.eventName)}`);
    if (!change.Keys || typeof change.Keys !== 'object' || Object.keys(change.Keys).length === 0) throw new StreamApiError('ValidationException', 'A change needs the item\'s Keys');
    const viewType = this.definition.streamViewType ?? 'NEW_AND_OLD_IMAGES';
    const kept: DynamoDbChange = { eventName: change.eventName, Keys: change.Keys };
    const wantsNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const wantsOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    if (wantsNew && change.eventName !== 'REMOVE' && change.NewImage) kept.NewImage = change.NewImage;
    if (wantsOld && change.eventName !== 'INSERT' && change.OldImage) kept.OldImage = change.OldImage;
    const size = Buffer.byteLength(JSON.stringify({ Keys: kept.Keys, NewImage: kept.NewImage, OldImage: kept.OldImage }));
    const pk = dynamoDbPartitionKey(change.Keys);
    const state = await this.state();
    const hash = partitionKeyHash(pk);
    const shard = state.shards.find((s) => hash >= s.start && hash <= s.end) ?? state.shards[state.shards.length - 1];
    return this.append(state, shard, { pk, change: kept, eventID: randomBytes(16).toString('hex'), size });
  }

  /** Calls `listener(shardId)` whenever records become readable; returns the unsubscribe function. */
  onRecords(listener: (shardId: string) => void): () => void {
    this.ownListeners.add(listener);
    let state: StreamState | undefined;
    let removed = false;
    void this.state().then((s) => {
      state = s;
      if (!removed) s.listeners.add(listener);
    }, () => undefined);
    return () => {
      removed = true;
      this.ownListeners.delete(listener);
      state?.listeners.delete(listener);
    };
  }

  /** Records currently kept per shard (tests, the UI). */
  async counts(): Promise<Record<string, number>> {
    const state = await this.state();
    await this.trim(state);
    return Object.fromEntries(state.shards.map((s) => [s.info.shardId, s.records.length]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const promise = states.get(this.store)?.get(this.stateKey);
    const state = await promise?.catch(() => undefined);
    if (state) {
      for (const listener of this.ownListeners) state.listeners.delete(listener);
      // Writes in flight finish (their callers were told they would be stored).
      await Promise.all(state.shards.map((s) => waitForWrites(s)));
    }
    this.ownListeners.clear();
  }

  /** Identifies the stream in iterators (and, with its shard count, its in-memory state). */
  private get streamKey(): string {
    return `${this.definition.kind}:${this.definition.name}`;
  }

  /** A changed ShardCount (hot reload) loads the stream again with its new shards. */
  private get stateKey(): string {
    return `${this.streamKey}:${this.definition.shardCount}`;
  }

  private state(): Promise<StreamState> {
    if (this.closed) return Promise.reject(new Error(`The stream ${this.definition.name} is closed`));
    let byStream = states.get(this.store);
    if (!byStream) states.set(this.store, (byStream = new Map()));
    let promise = byStream.get(this.stateKey);
    if (!promise) {
      promise = this.load();
      byStream.set(this.stateKey, promise);
      const map = byStream;
      promise.catch(() => map.delete(this.stateKey));
    }
    return promise;
  }

  private async load(): Promise<StreamState> {
    const db = await this.store.open();
    const prefix = `stream!${this.definition.kind}!${this.definition.name}!`;
    let meta = await db.get<{ createdAt: number }>(`${prefix}meta`);
    if (!meta) {
      meta = { createdAt: this.now() };
      await db.put(`${prefix}meta`, meta);
    }
    const shards: ShardState[] = evenHashKeyRanges(this.definition.shardCount).map((range, index) => ({
      info: { shardId: this.shardId(meta.createdAt, index), hashKeyRange: range },
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
    await this.trim(state);
    return state;
  }

  private shardId(createdAt: number, index: number): string {
    if (this.definition.kind === 'kinesis') return `shardId-${String(index).padStart(12, '0')}`;
    // DynamoDB Streams' form: shardId-<20 digits>-<8 hex>.
    const suffix = createHash('md5').update(`${this.definition.name}:${index}`).digest('hex').slice(0, 8);
    return `shardId-${String(createdAt + index).padStart(20, '0')}-${suffix}`;
  }

  private shard(state: StreamState, shardId: string): ShardState {
    const shard = state.shards.find((s) => s.info.shardId === shardId);
    if (!shard) throw new StreamApiError('ResourceNotFoundException', `Shard ${shardId} in stream ${this.definition.name} under account 000000000000 does not exist`);
    return shard;
  }

  /** Sequence numbers: Kinesis: 56 digits ('49', 4 digits of shard, 50 of counter); DynamoDB: 21 digits ('8', 20 of counter). */
  private formatSeq(shard: ShardState, counter: bigint): string {
    if (this.definition.kind === 'kinesis') return `49${String(shard.index).padStart(4, '0')}${counter.toString().padStart(50, '0')}`;
    return `8${counter.toString().padStart(20, '0')}`;
  }

  private checkSeq(shard: ShardState, sequenceNumber: string): string {
    if (typeof sequenceNumber !== 'string' || !/^\d+$/.test(sequenceNumber)) {
      throw new StreamApiError('InvalidArgumentException', `StartingSequenceNumber ${String(sequenceNumber)} used in GetShardIterator on shard ${shard.info.shardId} in stream ${this.definition.name} under account 000000000000 is invalid.`);
    }
    const width = this.definition.kind === 'kinesis' ? 56 : 21;
    const prefix = this.definition.kind === 'kinesis' ? `49${String(shard.index).padStart(4, '0')}` : '8';
    if (sequenceNumber.length !== width || !sequenceNumber.startsWith(prefix)) {
      throw new StreamApiError('InvalidArgumentException', `Invalid StartingSequenceNumber. It encodes a different shard than ${shard.info.shardId}: ${sequenceNumber}`);
    }
    return sequenceNumber;
  }

  private append(state: StreamState, shard: ShardState, record: Omit<StoredRecord, 'ts'>): Promise<{ shardId: string; sequenceNumber: string }> {
    // Monotonic per shard: counters derive from the clock (µs) but always grow; arrival times never go back.
    const now = this.now();
    const counter = shard.lastSeq + 1n > BigInt(now) * 1000n ? shard.lastSeq + 1n : BigInt(now) * 1000n;
    shard.lastSeq = counter;
    shard.lastTs = Math.max(shard.lastTs, now);
    const entry: Entry = { ...record, ts: shard.lastTs, seq: this.formatSeq(shard, counter) };
    return new Promise((resolve, reject) => {
      shard.queued.push({ entry, resolve: () => resolve({ shardId: shard.info.shardId, sequenceNumber: entry.seq }), reject });
      this.flush(state, shard);
    });
  }

  /** Group commit: one synchronous batch for everything queued; then the records become visible, in order. */
  private flush(state: StreamState, shard: ShardState): void {
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
        this.flush(state, shard);
      },
      (error: unknown) => {
        shard.writing = false;
        for (const item of group) item.reject(error);
        this.flush(state, shard);
      },
    );
  }

  /** Retention: records older than retentionHours are deleted (checked at most once a second). */
  private async trim(state: StreamState): Promise<void> {
    const now = this.now();
    if (now - state.lastTrimCheck < 1000 && state.lastTrimCheck !== 0) return;
    state.lastTrimCheck = now;
    const cutoff = now - this.definition.retentionHours * 3600 * 1000;
    const operations: StoreOperation[] = [];
    for (const shard of state.shards) {
      let n = 0;
      while (n < shard.records.length && shard.records[n].ts < cutoff) n++;
      if (n === 0) continue;
      for (const record of shard.records.splice(0, n)) operations.push({ type: 'del', key: `${state.prefix}r!${shard.info.shardId}!${record.seq}` });
    }
    if (operations.length > 0) await state.db.batch(operations);
  }

  private toStreamRecord(shard: ShardState, entry: Entry): StreamRecord {
    if (entry.change) {
      return {
        shardId: shard.info.shardId,
        sequenceNumber: entry.seq,
        approximateArrivalTimestamp: entry.ts,
        partitionKey: entry.pk,
        eventID: entry.eventID,
        dynamodb: {
          ...entry.change,
          SizeBytes: entry.size ?? 0,
          StreamViewType: this.definition.streamViewType ?? 'NEW_AND_OLD_IMAGES',
          ApproximateCreationDateTime: Math.floor(entry.ts / 1000),
        },
      };
    }
    return {
      shardId: shard.info.shardId,
      sequenceNumber: entry.seq,
      approximateArrivalTimestamp: entry.ts,
      partitionKey: entry.pk,
      data: Buffer.from(entry.data ?? '', 'base64'),
    };
  }
}

function waitForWrites(shard: ShardState): Promise<void> {
  if (!shard.writing && shard.queued.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => (!shard.writing && shard.queued.length === 0 ? resolve() : setTimeout(check, 5));
    check();
  });
}

function recordBytes(entry: Entry): number {
  return (entry.data ? Math.ceil((entry.data.length * 3) / 4) : entry.size ?? 0) + entry.pk.length;
}

/** First index whose sequence number is ≥ seq (fixed width: string order is numeric order). */
function lowerBound(records: Entry[], seq: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose sequence number is > seq. */
function upperBound(records: Entry[], seq: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeIterator(token: IteratorToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

function decodeIterator(iterator: string): IteratorToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(String(iterator), 'base64').toString('utf8')) as IteratorToken;
    if (typeof token?.s !== 'string' || typeof token.sh !== 'string' || typeof token.t !== 'number' || !token.p) return undefined;
    return token;
  } catch {
    return undefined;
  }
}
