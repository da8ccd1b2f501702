import { randomBytes } from 'node:crypto';
import type { SharedStore } from '../store/sharedStore';
import { dynamoDbPartitionKey, keptChange } from './dynamoDbChanges';
import {
  appendRecord,
  appendRecords,
  loadedStreamState,
  loadStreamState,
  sharedStreamState,
  trimStream,
  waitForWrites,
  type Entry,
  type ShardState,
  type StoredRecord,
  type StreamState,
} from './embeddedStreamState';
import { StreamApiError } from './streamApiError';
import { encodeIterator, iteratorPosition, openIterator, startIndex, type IteratorPosition } from './streamIterators';
import { checkSequenceNumber, formatSequenceNumber } from './streamSequenceNumbers';
import { explicitHashKey, partitionKeyHash, shardForHash } from './streamShards';
import type { DynamoDbChange, RecordStream, ShardInfo, StreamDefinition, StreamPosition, StreamRecord } from './types';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';

// An embedded stream with Kinesis's semantics, kept in the engine's LevelDB: shards splitting the
// 128-bit MD5 hash key space evenly, partition key → MD5 → shard, sequence numbers increasing per
// shard, shard iterators (opaque, expiring after 5 minutes), retention. A DynamoDB stream is the
// same structure with change records (partition key = the item's Keys). This class holds the API;
// the state, shards, sequence numbers and iterators are modules of their own beside it.

// Importers of this module (tests, other sources) find these here, as before the split.
export { dynamoDbPartitionKey } from './dynamoDbChanges';
export { StreamApiError } from './streamApiError';
export { ITERATOR_TTL_MS } from './streamIterators';
export { evenHashKeyRanges, partitionKeyHash } from './streamShards';

/** GetRecords returns at most 10,000 records or 10 MB (Kinesis). */
const MAX_GET_RECORDS = 10_000;
const MAX_GET_BYTES = 10 * 1024 * 1024;
/** Kinesis PutRecord: 1 MB of data plus partition key; partition keys are 1–256 characters. */
const MAX_RECORD_BYTES = 1024 * 1024;
/** Kinesis PutRecords: at most 500 records a call. */
const MAX_PUT_RECORDS = 500;

type KinesisPut = { data: Buffer; partitionKey: string; explicitHashKey?: string };

export interface EmbeddedStreamOptions {
  /** Clock (tests): epoch ms. */
  now?: () => number;
}

export class EmbeddedStream implements RecordStream {
  private readonly now: () => number;
  private readonly ownListeners = new Set<(shardId: string) => void>();
  private closed = false;

  constructor(
    private readonly store: SharedStore,
    readonly definition: StreamDefinition,
    options: EmbeddedStreamOptions = {},
  ) {
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
    const p = iteratorPosition(
      position,
      () => (shard.lastSeq === 0n ? null : formatSequenceNumber(this.definition.kind, shard.index, shard.lastSeq)),
      (sequenceNumber) => checkSequenceNumber(this.definition, { index: shard.index, shardId: shard.info.shardId }, sequenceNumber),
    );
    return encodeIterator({ s: this.streamKey, sh: shardId, p, t: this.now() });
  }

  async getRecords(iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextShardIterator?: string; millisBehindLatest: number }> {
    const now = this.now();
    const token = openIterator(iterator, this.streamKey, now);
    const state = await this.state();
    const shard = this.shard(state, token.sh);
    await this.trim(state);
    const max = Math.max(1, Math.min(MAX_GET_RECORDS, Math.floor(limit) || MAX_GET_RECORDS));
    const records = shard.records;
    const result: StreamRecord[] = [];
    let bytes = 0;
    let i = startIndex(records, token.p);
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

  async putRecord(input: KinesisPut): Promise<{ shardId: string; sequenceNumber: string }> {
    const state = await this.state();
    const { shard, record } = this.kinesisRecord(state, input);
    return this.append(state, shard, record);
  }

  /** Kinesis PutRecords: up to 500 records in one call, each shard's written at once (readable together). */
  async putRecords(inputs: KinesisPut[]): Promise<{ shardId: string; sequenceNumber: string }[]> {
    if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > MAX_PUT_RECORDS) {
      throw new StreamApiError(
        'ValidationException',
        `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length ${inputs?.length > MAX_PUT_RECORDS ? `less than or equal to ${MAX_PUT_RECORDS}` : 'greater than or equal to 1'}`,
      );
    }
    const state = await this.state();
    const records = inputs.map((input) => this.kinesisRecord(state, input));
    return appendRecords(state, this.definition.kind, records, this.now());
  }

  /** A Kinesis record checked as PutRecord checks it, and the shard its hash key falls in. */
  private kinesisRecord(state: StreamState, input: KinesisPut): { shard: ShardState; record: Omit<StoredRecord, 'ts'> } {
    if (this.definition.kind !== 'kinesis') throw new StreamApiError('ValidationException', `${this.definition.name} is a DynamoDB stream: use putChange`);
    if (typeof input.partitionKey !== 'string' || input.partitionKey.length < 1 || input.partitionKey.length > 256) {
      throw new StreamApiError(
        'ValidationException',
        "1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length between 1 and 256",
      );
    }
    const data = Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data);
    if (data.length + Buffer.byteLength(input.partitionKey) > MAX_RECORD_BYTES) {
      throw new StreamApiError(
        'ValidationException',
        `1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
      );
    }
    const hash = input.explicitHashKey !== undefined ? explicitHashKey(input.explicitHashKey) : partitionKeyHash(input.partitionKey);
    return { shard: shardForHash(state.shards, hash), record: { pk: input.partitionKey, data: data.toString('base64') } };
  }

  async putChange(change: DynamoDbChange): Promise<{ shardId: string; sequenceNumber: string }> {
    if (this.definition.kind !== 'dynamodb') throw new StreamApiError('ValidationException', `${this.definition.name} is a Kinesis stream: use putRecord`);
    const { kept, size } = keptChange(change, this.definition.streamViewType ?? 'NEW_AND_OLD_IMAGES');
    const pk = dynamoDbPartitionKey(change.Keys);
    const state = await this.state();
    const shard = shardForHash(state.shards, partitionKeyHash(pk));
    return this.append(state, shard, { pk, change: kept, eventID: randomBytes(16).toString('hex'), size });
  }

  /** Calls `listener(shardId)` whenever records become readable; returns the unsubscribe function. */
  onRecords(listener: (shardId: string) => void): () => void {
    this.ownListeners.add(listener);
    let state: StreamState | undefined;
    let removed = false;
    void this.state().then(
      (s) => {
        state = s;
        if (!removed) s.listeners.add(listener);
      },
      () => undefined,
    );
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
    const state = await loadedStreamState(this.store, this.stateKey)?.catch(() => undefined);
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
    return sharedStreamState(this.store, this.stateKey, () => loadStreamState(this.store, this.definition, this.now));
  }

  private shard(state: StreamState, shardId: string): ShardState {
    const shard = state.shards.find((s) => s.info.shardId === shardId);
    if (!shard) {
      throw new StreamApiError(
        'ResourceNotFoundException',
        `Shard ${shardId} in stream ${this.definition.name} under account ${LOCAL_ACCOUNT_ID} does not exist`,
      );
    }
    return shard;
  }

  private append(state: StreamState, shard: ShardState, record: Omit<StoredRecord, 'ts'>): Promise<{ shardId: string; sequenceNumber: string }> {
    return appendRecord(state, shard, this.definition.kind, record, this.now());
  }

  private trim(state: StreamState): Promise<void> {
    return trimStream(state, this.now(), this.definition.retentionHours);
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

/** What a record counts for in GetRecords' 10 MB limit. */
function recordBytes(entry: Entry): number {
  return (entry.data ? Math.ceil((entry.data.length * 3) / 4) : (entry.size ?? 0)) + entry.pk.length;
}
