import { createHash, randomUUID } from 'node:crypto';
import { functionArn, LOCAL_ACCOUNT_ID } from '../invoke/functionRef';
import type { RecordStream, ShardInfo, StreamPosition, StreamRecord } from '../sources/types';
import type { SharedStore } from '../store/sharedStore';
import { compileFilterCriteria, parseJsonData, type RecordFilter } from './filterCriteria';
import type { EventSourceMapping, MappingInvokeResult, MappingRuntime, Poller, PollerFactory } from './types';

// Lambda's poller for Kinesis and DynamoDB Streams event source mappings:
//
// - one worker per shard (children start once their parent is read to its end); each reads the
//   shard in order from the mapping's StartingPosition, or after its checkpoint;
// - ParallelizationFactor N: the worker spreads records over N lanes by a hash of the partition
//   key, each lane invoking one batch at a time — up to N batches in flight per shard, records of
//   one partition key always in order. The shard's checkpoint is the end of the longest prefix of
//   records all processed (so a restart never skips a record; it may repeat some, as Lambda may);
// - a batch is up to BatchSize records (and 6 MB of event), gathered for up to
//   MaximumBatchingWindowInSeconds; filtered-out records are consumed without an invocation;
// - a failed batch is retried (the lane blocks) until MaximumRetryAttempts or
//   MaximumRecordAgeInSeconds says to discard it, with BisectBatchOnFunctionError splitting it in
//   two first (splitting does not count as a retry) and ReportBatchItemFailures retrying from the
//   lowest failed sequence number; discarded records go to the OnFailure destination as AWS's
//   record of the batch (KinesisBatchInfo / DDBStreamBatchInfo);
// - throttles and engine errors are retried with back-off and never count as function errors;
// - TumblingWindowInSeconds: records are grouped by the window their arrival falls into, each
//   invocation gets the state the previous one of its window returned, and a final invocation
//   (isFinalInvokeForWindow) ends each window;
// - the checkpoint of each mapping and shard is kept in the engine's store (`esmckpt!<uuid>!<shardId>`).

/** Lambda's synchronous payload limit: a batch's event stays under it. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** Room for the envelope ({"Records":[…]}, tumbling window fields). */
const EVENT_OVERHEAD_BYTES = 16 * 1024;
/** How often a shard is polled when it had nothing (Lambda: once a second); embedded streams also wake on writes. */
const IDLE_POLL_MS = 1000;
/** How often the shard list is read again (new shards after a reshard or DynamoDB's shard rotation). */
const SHARD_DISCOVERY_MS = 10_000;
/** Back-off of throttled invocations and poll errors. */
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5000;
/** Delay before retrying a failed batch (doubles per retry). */
const RETRY_DELAY_MS = 50;
const RETRY_DELAY_MAX_MS = 2000;

export const CHECKPOINT_PREFIX = 'esmckpt!';

export interface StreamCheckpoint {
  sequenceNumber: string;
  eventSourceArn: string;
  /** Epoch ms of the write. */
  time: number;
}

/** The checkpoints of one mapping, per shard. */
export async function readStreamCheckpoints(store: SharedStore, uuid: string): Promise<Record<string, StreamCheckpoint>> {
  const db = await store.open();
  const result: Record<string, StreamCheckpoint> = {};
  for (const { key, value } of await db.entries<StreamCheckpoint>(`${CHECKPOINT_PREFIX}${uuid}!`)) result[key.slice(CHECKPOINT_PREFIX.length + uuid.length + 1)] = value;
  return result;
}

/** Forgets a mapping's checkpoints (DeleteEventSourceMapping). */
export async function deleteStreamCheckpoints(store: SharedStore, uuid: string): Promise<void> {
  const db = await store.open();
  const entries = await db.entries(`${CHECKPOINT_PREFIX}${uuid}!`);
  await db.batch(entries.map(({ key }) => ({ type: 'del' as const, key })));
}

export const createStreamPoller: PollerFactory = (runtime) => new StreamPoller(runtime);

/** A record read from the shard, on its way through a lane. */
interface Entry {
  record: StreamRecord;
  done: boolean;
  /** When the worker read it (the batching window starts with the first record of a batch). */
  readAt: number;
  /** Tumbling window start (epoch ms) when windows are on. */
  window?: number;
  eventBytes: number;
}

type Outcome =
  | { kind: 'success'; result: MappingInvokeResult; state?: unknown }
  | { kind: 'partial'; result: MappingInvokeResult; failedIndex: number; state?: unknown }
  | { kind: 'failure'; result: MappingInvokeResult; message: string };

interface WorkItem {
  entries: Entry[];
  retries: number;
  invokes: number;
  last?: MappingInvokeResult;
}

export class StreamPoller implements Poller {
  readonly mapping: EventSourceMapping;
  private stream: RecordStream | undefined;
  private filter: RecordFilter = () => true;
  private stopped = false;
  private started = false;
  private discovery: Promise<void> | undefined;
  private readonly workers = new Map<string, ShardWorker>();
  private readonly finished = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private wakeDiscovery: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private firstListing = true;

  constructor(readonly runtime: MappingRuntime) {
    this.mapping = runtime.mapping;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    try {
      this.filter = compileFilterCriteria(this.mapping.filterCriteria);
    } catch (error) {
      this.emitError(`The filter criteria are invalid, every record is processed: ${(error as Error).message}`);
    }
    this.discovery = this.discover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.waiters]) wake();
    this.wakeDiscovery?.();
    await this.discovery;
    await Promise.all([...this.workers.values()].map((w) => w.done));
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Shards being read (tests, status). */
  shards(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves after `ms`, or at once when the poller stops. */
  sleep(ms: number, wake?: (resolve: () => void) => void): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (ms !== Infinity) timer = setTimeout(done, Math.max(0, ms));
      wake?.(done);
    });
  }

  emitError(message: string, shardId?: string): void {
    this.runtime.emit({ kind: 'error', message, ...(shardId ? { shardId } : {}) });
  }

  private async discover(): Promise<void> {
    let backoff = BACKOFF_START_MS;
    while (!this.stopped) {
      try {
        if (!this.stream) {
          this.stream = this.runtime.stream();
          this.unsubscribe = this.stream.onRecords?.((shardId) => this.workers.get(shardId)?.notify());
        }
        const shards = await this.stream.listShards();
        this.startWorkers(shards);
        backoff = BACKOFF_START_MS;
        await this.sleep(SHARD_DISCOVERY_MS, (wake) => (this.wakeDiscovery = wake));
      } catch (error) {
        this.emitError(`Reading the shards of ${this.mapping.eventSourceArn} failed: ${(error as Error).message}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS * 2);
      }
    }
  }

  private startWorkers(shards: ShardInfo[]): void {
    const ids = new Set(shards.map((s) => s.shardId));
    const initial = this.firstListing;
    this.firstListing = false;
    for (const shard of shards) {
      if (this.workers.has(shard.shardId) || this.finished.has(shard.shardId)) continue;
      const parent = shard.parentShardId;
      // A child waits for its parent to be read to its end (order across a reshard).
      if (parent && ids.has(parent) && !this.finished.has(parent)) continue;
      const isChild = parent !== undefined && (this.finished.has(parent) || !initial);
      const worker = new ShardWorker(this, this.stream as RecordStream, shard.shardId, isChild ? { type: 'TRIM_HORIZON' } : this.startingPosition());
      this.workers.set(shard.shardId, worker);
      void worker.done.then(() => {
        if (!worker.closed) {
          // A worker that ended on its own (not stopped, shard not closed) is started again by the next listing.
          if (!this.stopped) this.workers.delete(shard.shardId);
          return;
        }
        this.finished.add(shard.shardId);
        this.workers.delete(shard.shardId);
        this.wakeDiscovery?.();
      });
    }
  }

  private startingPosition(): StreamPosition {
    switch (this.mapping.startingPosition) {
      case 'TRIM_HORIZON':
        return { type: 'TRIM_HORIZON' };
      case 'AT_TIMESTAMP':
        return { type: 'AT_TIMESTAMP', timestamp: (this.mapping.startingPositionTimestamp ?? 0) * 1000 };
      default:
        return { type: 'LATEST' };
    }
  }

  matches(entry: StreamRecord): boolean {
    return this.filter(filterRecord(this.eventRecord(entry)));
  }

  /** AWS's record of the event for one stream record. */
  eventRecord(record: StreamRecord): Record<string, unknown> {
    const region = regionOf(this.mapping.eventSourceArn, this.runtime.region);
    if (this.mapping.kind === 'dynamodb') {
      const d = record.dynamodb;
      const dynamodb: Record<string, unknown> = { ApproximateCreationDateTime: d?.ApproximateCreationDateTime ?? Math.floor(record.approximateArrivalTimestamp / 1000), Keys: d?.Keys ?? {} };
      if (d?.NewImage) dynamodb.NewImage = d.NewImage;
      if (d?.OldImage) dynamodb.OldImage = d.OldImage;
      dynamodb.SequenceNumber = record.sequenceNumber;
      dynamodb.SizeBytes = d?.SizeBytes ?? 0;
      dynamodb.StreamViewType = d?.StreamViewType ?? 'NEW_AND_OLD_IMAGES';
      return {
        eventID: record.eventID ?? createHash('md5').update(`${record.shardId}:${record.sequenceNumber}`).digest('hex'),
        eventName: d?.eventName ?? 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb,
        eventSourceARN: this.mapping.eventSourceArn,
      };
    }
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey ?? '',
        sequenceNumber: record.sequenceNumber,
        data: (record.data ?? Buffer.alloc(0)).toString('base64'),
        approximateArrivalTimestamp: record.approximateArrivalTimestamp / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${record.shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/lambda-workbench`,
      awsRegion: region,
      eventSourceARN: this.mapping.eventSourceArn,
    };
  }
}

/** What filters see: DynamoDB's record as the event has it; Kinesis's with `data` decoded (parsed when JSON) next to the other fields. */
function filterRecord(eventRecord: Record<string, unknown>): Record<string, unknown> {
  const kinesis = eventRecord.kinesis as Record<string, unknown> | undefined;
  if (!kinesis) return eventRecord;
  const text = Buffer.from(String(kinesis.data), 'base64').toString('utf8');
  const parsed = parseJsonData(text);
  const { kinesis: _, ...rest } = eventRecord;
  return { ...rest, ...kinesis, data: parsed === undefined ? text : parsed };
}

function regionOf(arn: string, fallback: string): string {
  return /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1] || fallback;
}

function isThrottle(error: unknown): boolean {
  const e = error as { code?: string; name?: string; statusCode?: number };
  return e?.code === 'TooManyRequestsException' || e?.name === 'TooManyRequestsException' || e?.statusCode === 429;
}

class ShardWorker {
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

  constructor(readonly poller: StreamPoller, private readonly stream: RecordStream, readonly shardId: string, private readonly position: StreamPosition) {
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
            this.poller.emitError(`The checkpoint ${saved} of ${this.shardId} cannot be resumed (${(error as Error).message}); starting from the mapping's StartingPosition`, this.shardId);
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
        return await this.stream.getShardIterator(this.shardId, this.lastRead ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastRead } : this.position);
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

/** One of a shard's ParallelizationFactor lanes: one batch at a time, in order. */
class Lane {
  private readonly queue: Entry[] = [];
  private head = 0;
  private wakeUp: (() => void) | undefined;
  /** Tumbling window in progress: its start and the state the function returned last. */
  private window: { start: number; state: unknown } | undefined;

  constructor(private readonly worker: ShardWorker, readonly index: number) {}

  private get mapping(): EventSourceMapping {
    return this.worker.poller.mapping;
  }

  private get runtime(): MappingRuntime {
    return this.worker.runtime;
  }

  push(entry: Entry): void {
    this.queue.push(entry);
    this.wake();
  }

  wake(): void {
    this.wakeUp?.();
  }

  private size(): number {
    return this.queue.length - this.head;
  }

  private wait(ms: number): Promise<void> {
    return this.worker.poller.sleep(ms, (wake) => (this.wakeUp = wake));
  }

  async run(): Promise<void> {
    const windowMs = this.worker.windowMs;
    const batchingMs = Math.max(0, (this.mapping.maximumBatchingWindowInSeconds ?? 0) * 1000);
    while (!this.worker.stopped) {
      const now = Date.now();
      const next = this.size() > 0 ? this.queue[this.head] : undefined;
      if (this.window && now >= this.window.start + windowMs && (!next || next.window !== this.window.start)) {
        // The window is over and none of its records wait: its final invocation.
        await this.finishWindow();
        continue;
      }
      if (!next) {
        if (this.worker.finishedReading) {
          if (this.window) await this.finishWindow();
          return;
        }
        await this.wait(this.window ? this.window.start + windowMs - now : Infinity);
        continue;
      }
      // Records of a window that is over are not held back for the batching window.
      const windowEnd = windowMs > 0 && next.window !== undefined ? next.window + windowMs : Infinity;
      if (this.size() < this.worker.batchSize && batchingMs > 0 && !this.worker.finishedReading && now < windowEnd) {
        const remaining = next.readAt + batchingMs - now;
        if (remaining > 0 && this.pendingBytes() < MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES) {
          await this.wait(Math.min(remaining, windowEnd - now));
          continue;
        }
      }
      const batch = this.take();
      if (windowMs > 0) {
        const start = batch[0].window as number;
        if (this.window && this.window.start !== start) await this.finishWindow();
        if (this.worker.stopped) return;
        this.window ??= { start, state: {} };
      }
      await this.process(batch, false);
    }
  }

  private pendingBytes(): number {
    let bytes = 0;
    for (let i = this.head; i < this.queue.length && bytes < MAX_EVENT_BYTES; i++) bytes += this.queue[i].eventBytes;
    return bytes;
  }

  /** Up to BatchSize records, under 6 MB of event, of one tumbling window. */
  private take(): Entry[] {
    const batch: Entry[] = [];
    let bytes = EVENT_OVERHEAD_BYTES;
    const window = this.queue[this.head].window;
    while (this.head < this.queue.length && batch.length < this.worker.batchSize) {
      const entry = this.queue[this.head];
      if (entry.window !== window) break;
      if (batch.length > 0 && bytes + entry.eventBytes > MAX_EVENT_BYTES) break;
      bytes += entry.eventBytes;
      batch.push(entry);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return batch;
  }

  private async finishWindow(): Promise<void> {
    await this.process([], true);
    this.window = undefined;
  }

  /** One batch through Lambda's stream error handling; returns when it is done (or the poller stops). */
  private async process(batch: Entry[], finalInvoke: boolean): Promise<void> {
    const work: WorkItem[] = [{ entries: batch, retries: 0, invokes: 0 }];
    const maxRetries = this.mapping.maximumRetryAttempts ?? -1;
    const maxAgeMs = (this.mapping.maximumRecordAgeInSeconds ?? -1) >= 0 ? (this.mapping.maximumRecordAgeInSeconds as number) * 1000 : -1;
    const reportFailures = this.mapping.functionResponseTypes?.includes('ReportBatchItemFailures') ?? false;
    while (work.length > 0) {
      const item = work[0];
      if (maxAgeMs >= 0) {
        const now = Date.now();
        let expired = 0;
        while (expired < item.entries.length && now - item.entries[expired].record.approximateArrivalTimestamp > maxAgeMs) expired++;
        if (expired > 0) {
          await this.discard(item.entries.slice(0, expired), 'RecordAgeExceeded', item);
          item.entries = item.entries.slice(expired);
          if (item.entries.length === 0) {
            work.shift();
            continue;
          }
        }
      }
      if (this.worker.stopped) return;
      const outcome = await this.invoke(item.entries, finalInvoke, reportFailures, maxAgeMs);
      if (!outcome) {
        if (this.worker.stopped) return;
        continue; // records aged out while the function could not be invoked: the age check discards them
      }
      item.invokes++;
      item.last = outcome.result;
      this.runtime.emit({
        kind: 'batch',
        size: item.entries.length,
        shardId: this.worker.shardId,
        ...(item.entries.length > 0 ? { iteratorAgeMs: Math.max(0, Date.now() - item.entries[item.entries.length - 1].record.approximateArrivalTimestamp) } : {}),
      });
      if (outcome.kind === 'success') {
        if (this.window && outcome.state !== undefined) this.window.state = outcome.state;
        await this.worker.markDone(item.entries);
        work.shift();
        continue;
      }
      if (outcome.kind === 'partial') {
        if (this.window && outcome.state !== undefined) this.window.state = outcome.state;
        this.runtime.emit({ kind: 'failure', size: item.entries.length - outcome.failedIndex, shardId: this.worker.shardId, message: `Batch item failure at ${item.entries[outcome.failedIndex].record.sequenceNumber}` });
        await this.worker.markDone(item.entries.slice(0, outcome.failedIndex));
        item.entries = item.entries.slice(outcome.failedIndex);
        item.retries++;
      } else {
        this.runtime.emit({ kind: 'failure', size: item.entries.length, shardId: this.worker.shardId, message: outcome.message });
        if (this.mapping.bisectBatchOnFunctionError && item.entries.length > 1) {
          // Splitting does not count against the retries.
          const middle = Math.ceil(item.entries.length / 2);
          work.splice(0, 1, { entries: item.entries.slice(0, middle), retries: item.retries, invokes: item.invokes, last: item.last }, { entries: item.entries.slice(middle), retries: item.retries, invokes: item.invokes, last: item.last });
          this.runtime.emit({ kind: 'bisect', size: item.entries.length, shardId: this.worker.shardId, message: `Split into ${middle} + ${item.entries.length - middle}` });
          continue;
        }
        item.retries++;
      }
      if (maxRetries >= 0 && item.retries > maxRetries) {
        await this.discard(item.entries, 'RetryAttemptsExhausted', item);
        work.shift();
        continue;
      }
      if (this.worker.stopped) return;
      this.runtime.emit({ kind: 'retry', size: item.entries.length, shardId: this.worker.shardId, message: `Retry ${item.retries}${maxRetries >= 0 ? ` of ${maxRetries}` : ''}` });
      await this.worker.poller.sleep(Math.min(RETRY_DELAY_MS * 2 ** (item.retries - 1), RETRY_DELAY_MAX_MS));
    }
  }

  /**
   * Invokes the function with the batch until it runs: throttles and engine errors are retried with
   * back-off (they are no function errors). Undefined when the poller stops or a record ages out first.
   */
  private async invoke(entries: Entry[], finalInvoke: boolean, reportFailures: boolean, maxAgeMs: number): Promise<Outcome | undefined> {
    const payload = Buffer.from(JSON.stringify(this.event(entries, finalInvoke)), 'utf8');
    let backoff = BACKOFF_START_MS;
    for (;;) {
      if (this.worker.stopped) return undefined;
      let result: MappingInvokeResult;
      try {
        result = await this.runtime.invoke(payload);
      } catch (error) {
        const throttled = isThrottle(error);
        this.runtime.emit({ kind: throttled ? 'retry' : 'error', size: entries.length, shardId: this.worker.shardId, message: `${throttled ? 'Throttled' : 'Invocation failed'}: ${(error as Error).message}` });
        await this.worker.poller.sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        if (maxAgeMs >= 0 && entries.length > 0 && Date.now() - entries[0].record.approximateArrivalTimestamp > maxAgeMs) return undefined;
        continue;
      }
      return classify(result, entries, reportFailures, this.window !== undefined);
    }
  }

  private event(entries: Entry[], finalInvoke: boolean): Record<string, unknown> {
    const event: Record<string, unknown> = { Records: entries.map((e) => this.worker.poller.eventRecord(e.record)) };
    if (this.window) {
      const windowMs = this.worker.windowMs;
      const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
      event.window = { start: iso(this.window.start), end: iso(this.window.start + windowMs) };
      event.state = this.window.state ?? {};
      event.shardId = this.worker.shardId;
      event.eventSourceARN = this.mapping.eventSourceArn;
      event.isFinalInvokeForWindow = finalInvoke;
      event.isWindowTerminatedEarly = false;
    }
    return event;
  }

  /** Gives records up: consumed (the checkpoint moves over them) and, with an OnFailure destination, reported. */
  private async discard(entries: Entry[], condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded', item: WorkItem): Promise<void> {
    if (entries.length > 0) {
      this.runtime.emit({ kind: 'discarded', size: entries.length, shardId: this.worker.shardId, condition, message: `${entries.length} record(s) discarded: ${condition}` });
      const destination = this.mapping.onFailureDestination;
      if (destination) {
        const record = this.failureRecord(entries, condition, item);
        for (let attempt = 1; ; attempt++) {
          try {
            await this.runtime.sendToDestination(destination, record);
            break;
          } catch (error) {
            if (attempt >= 3 || this.worker.stopped) {
              this.worker.poller.emitError(`Sending the OnFailure record to ${destination} failed: ${(error as Error).message}`, this.worker.shardId);
              break;
            }
            await this.worker.poller.sleep(BACKOFF_START_MS * attempt);
          }
        }
      }
    }
    await this.worker.markDone(entries);
  }

  /** AWS's OnFailure record of a stream batch (keys in AWS's order). */
  private failureRecord(entries: Entry[], condition: string, item: WorkItem): Record<string, unknown> {
    const ddb = this.mapping.kind === 'dynamodb';
    const first = entries[0].record;
    const last = entries[entries.length - 1].record;
    const time = (ms: number) => (ddb ? new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z') : new Date(ms).toISOString());
    const responseContext: Record<string, unknown> = {
      statusCode: 200,
      executedVersion: item.last?.executedVersion ?? this.mapping.qualifier ?? '$LATEST',
    };
    if (item.last?.functionError) responseContext.functionError = item.last.functionError;
    return {
      requestContext: {
        requestId: item.last?.requestId ?? randomUUID(),
        functionArn: functionArn(regionOf(this.mapping.eventSourceArn, this.runtime.region), this.mapping.functionName, this.mapping.qualifier),
        condition,
        approximateInvokeCount: item.invokes,
      },
      responseContext,
      version: '1.0',
      timestamp: new Date().toISOString(),
      [ddb ? 'DDBStreamBatchInfo' : 'KinesisBatchInfo']: {
        shardId: this.worker.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: time(first.approximateArrivalTimestamp),
        approximateArrivalOfLastRecord: time(last.approximateArrivalTimestamp),
        batchSize: entries.length,
        streamArn: this.mapping.eventSourceArn,
      },
    };
  }
}

/**
 * What an invocation's result means for the batch. With ReportBatchItemFailures: no failures (an
 * empty or null list, an empty or null response) is success; a list of sequence numbers retries from
 * the lowest; anything malformed (not JSON, an identifier that is empty, null or not in the batch)
 * fails the whole batch, as Lambda does.
 */
function classify(result: MappingInvokeResult, entries: Entry[], reportFailures: boolean, windowed: boolean): Outcome {
  if (result.functionError) {
    let message = result.errorType ?? result.functionError;
    try {
      const parsed = JSON.parse(result.payload.toString('utf8')) as { errorType?: string; errorMessage?: string };
      if (parsed?.errorMessage) message = `${parsed.errorType ?? message}: ${parsed.errorMessage}`;
    } catch {
      // not JSON: the error type is the message
    }
    return { kind: 'failure', result, message };
  }
  if (!reportFailures && !windowed) return { kind: 'success', result };
  const text = result.payload.toString('utf8').trim();
  let response: unknown = null;
  if (text !== '') {
    try {
      response = JSON.parse(text);
    } catch {
      if (!reportFailures) return { kind: 'success', result };
      return { kind: 'failure', result, message: 'The function returned invalid JSON with ReportBatchItemFailures' };
    }
  }
  const state = windowed && response && typeof response === 'object' && 'state' in response ? (response as { state: unknown }).state : undefined;
  if (!reportFailures || response === null || typeof response !== 'object') return { kind: 'success', result, state };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { kind: 'success', result, state };
  if (!Array.isArray(failures)) return { kind: 'failure', result, message: 'batchItemFailures is not a list' };
  let lowest = -1;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? entries.findIndex((e) => e.record.sequenceNumber === id) : -1;
    if (index < 0) return { kind: 'failure', result, message: `Invalid itemIdentifier ${JSON.stringify(id ?? null)} in batchItemFailures` };
    if (lowest < 0 || index < lowest) lowest = index;
  }
  return { kind: 'partial', result, failedIndex: lowest, state };
}
