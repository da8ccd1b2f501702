import { createHash } from 'node:crypto';
import type { RecordStream, StreamPosition, StreamRecord } from '../sources/types';
import { CHECKPOINT_PREFIX, type StreamCheckpoint } from './streamCheckpoints';
import { BACKOFF_MAX_MS, BACKOFF_START_MS, Lane, type Entry } from './streamLane';
import type { StreamPoller } from './streamPoller';
import type { MappingRuntime } from './types';
import type { EventSourceMapping } from '../config/mappingDefinitions';

// The reader of one shard: reads it in order from the mapping's starting position (or after its
// checkpoint), hands records to the lanes, and moves the checkpoint over records all processed.

/** How often a shard is polled when it had nothing (Lambda: once a second); embedded streams also wake on writes. */
export const IDLE_POLL_MS = 1000;

export class ShardWorker {
  readonly done: Promise<void>;
  /** The shard ended (a closed shard read to its end): its children may start. */
  closed = false;
  private readonly mapping: EventSourceMapping;
  private readonly lanes: Lane[];
  /** Records read and not yet checkpointed, in shard order. */
  private readonly pending: Entry[] = [];
  private pendingHead = 0;
  private readerFinished = false;
  private dirty = false;
  private wakeReader: (() => void) | undefined;
  private checkpoint: string | undefined;
  private checkpointWrite: Promise<void> = Promise.resolve();
  private lastRead: string | undefined;
  private readonly maxBuffered: number;
  readonly windowMs: number;

  constructor(
    readonly poller: StreamPoller,
    private readonly stream: RecordStream,
    readonly shardId: string,
    private readonly position: StreamPosition,
  ) {
    this.mapping = poller.mapping;
    const factor = Math.min(10, Math.max(1, Math.floor(this.mapping.parallelizationFactor ?? 1)));
    this.windowMs = Math.max(0, (this.mapping.tumblingWindowInSeconds ?? 0) * 1000);
    this.lanes = Array.from({ length: factor }, (_, i) => new Lane(this, i));
    this.maxBuffered = Math.min(50_000, Math.max(this.batchSize * factor * 2, 1000));
    this.done = this.run();
  }

  get batchSize(): number {
    return Math.max(1, Math.floor(this.mapping.batchSize || 100));
  }

  get runtime(): MappingRuntime {
    return this.poller.runtime;
  }

  get stopped(): boolean {
    return this.poller.isStopped;
  }

  get finishedReading(): boolean {
    return this.readerFinished;
  }

  notify(): void {
    this.dirty = true;
    this.wakeReader?.();
  }

  private async run(): Promise<void> {
    const lanes = this.lanes.map((lane) => lane.run());
    try {
      await this.read();
    } catch (error) {
      this.poller.emitError(`Reading ${this.shardId} failed: ${(error as Error).message}`, this.shardId);
    }
    this.readerFinished = true;
    for (const lane of this.lanes) lane.wake();
    await Promise.all(lanes);
    await this.checkpointWrite;
  }

  private async read(): Promise<void> {
    let iterator = await this.initialIterator();
    if (iterator === undefined) return;
    let backoff = BACKOFF_START_MS;
    while (!this.stopped) {
      if (this.buffered() >= this.maxBuffered) {
        await this.poller.sleep(Infinity, (wake) => (this.wakeReader = wake));
        continue;
      }
      this.dirty = false;
      let result: Awaited<ReturnType<RecordStream['getRecords']>>;
      try {
        result = await this.stream.getRecords(iterator, Math.min(10_000, this.maxBuffered - this.buffered()));
        backoff = BACKOFF_START_MS;
      } catch (error) {
        if ((error as Error).name === 'ExpiredIteratorException') {
          const renewed = await this.iteratorAfterLastRead();
          if (renewed === undefined) return;
          iterator = renewed;
          continue;
        }
        this.poller.emitError(`GetRecords on ${this.shardId} failed: ${(error as Error).message}`, this.shardId);
        await this.poller.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      this.accept(result.records);
      if (!result.nextShardIterator) {
        this.closed = true;
        return;
      }
      iterator = result.nextShardIterator;
      if (result.records.length === 0 && !this.dirty) {
        await this.poller.sleep(IDLE_POLL_MS, (wake) => (this.wakeReader = wake));
      }
    }
  }

  private accept(records: StreamRecord[]): void {
    if (records.length === 0) return;
    let filtered = 0;
    const now = Date.now();
    for (const record of records) {
      if (!record.shardId) record.shardId = this.shardId;
      this.lastRead = record.sequenceNumber;
      const entry: Entry = { record, done: false, readAt: now, eventBytes: 0 };
      if (this.windowMs > 0) entry.window = Math.floor(record.approximateArrivalTimestamp / this.windowMs) * this.windowMs;
      this.pending.push(entry);
      let keep = true;
      try {
        keep = this.poller.matches(record);
      } catch (error) {
        this.poller.emitError(`Filtering a record failed: ${(error as Error).message}`, this.shardId);
      }
      if (!keep) {
        // Filtered-out records are consumed, as Lambda does.
        entry.done = true;
        filtered++;
        continue;
      }
      entry.eventBytes = Buffer.byteLength(JSON.stringify(this.poller.eventRecord(record))) + 1;
      this.lanes[this.laneOf(record)].push(entry);
    }
    if (filtered > 0) this.runtime.emit({ kind: 'filtered', size: filtered, shardId: this.shardId });
    this.advance();
  }

  private laneOf(record: StreamRecord): number {
    if (this.lanes.length === 1) return 0;
    const key = record.partitionKey ?? JSON.stringify(record.dynamodb?.Keys ?? {});
    return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0) % this.lanes.length;
  }

  private buffered(): number {
    return this.pending.length - this.pendingHead;
  }

  private async initialIterator(): Promise<string | undefined> {
    let backoff = BACKOFF_START_MS;
    while (!this.stopped) {
      try {
        const saved = await this.readCheckpoint();
        if (saved) {
          this.checkpoint = saved;
          this.lastRead = saved;
          try {
            return await this.stream.getShardIterator(this.shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: saved });
          } catch (error) {
            this.poller.emitError(
              `The checkpoint ${saved} of ${this.shardId} cannot be resumed (${(error as Error).message}); starting from the mapping's StartingPosition`,
              this.shardId,
            );
            this.checkpoint = undefined;
            this.lastRead = undefined;
          }
        }
        return await this.stream.getShardIterator(this.shardId, this.position);
      } catch (error) {
        this.poller.emitError(`GetShardIterator on ${this.shardId} failed: ${(error as Error).message}`, this.shardId);
        await this.poller.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    return undefined;
  }

  private async iteratorAfterLastRead(): Promise<string | undefined> {
    let backoff = BACKOFF_START_MS;
    while (!this.stopped) {
      try {
        return await this.stream.getShardIterator(
          this.shardId,
          this.lastRead ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastRead } : this.position,
        );
      } catch (error) {
        this.poller.emitError(`GetShardIterator on ${this.shardId} failed: ${(error as Error).message}`, this.shardId);
        await this.poller.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    return undefined;
  }

  /** Records were processed (or discarded, or filtered out): moves the checkpoint over the done prefix. */
  markDone(entries: Entry[]): Promise<void> {
    for (const entry of entries) entry.done = true;
    return this.advance();
  }

  private advance(): Promise<void> {
    let last: Entry | undefined;
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead].done) last = this.pending[this.pendingHead++];
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    if (last) {
      this.checkpoint = last.record.sequenceNumber;
      this.wakeReader?.();
      const store = this.runtime.store;
      if (store) {
        const value: StreamCheckpoint = { sequenceNumber: this.checkpoint, eventSourceArn: this.mapping.eventSourceArn, time: Date.now() };
        const key = `${CHECKPOINT_PREFIX}${this.mapping.uuid}!${this.shardId}`;
        this.checkpointWrite = this.checkpointWrite
          .then(() => store.open())
          .then((db) => db.put(key, value))
          .catch((error: Error) => this.poller.emitError(`Saving the checkpoint of ${this.shardId} failed: ${error.message}`, this.shardId));
      }
    }
    return this.checkpointWrite;
  }

  private async readCheckpoint(): Promise<string | undefined> {
    const store = this.runtime.store;
    if (!store) return this.checkpoint;
    const db = await store.open();
    const saved = await db.get<StreamCheckpoint>(`${CHECKPOINT_PREFIX}${this.mapping.uuid}!${this.shardId}`);
    return saved && saved.eventSourceArn === this.mapping.eventSourceArn ? saved.sequenceNumber : undefined;
  }
}
