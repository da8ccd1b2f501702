import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT_ID, regionOfArn } from '../vocabulary/functionNames';
import type { RecordStream, ShardInfo, StreamPosition, StreamRecord } from '../sources/types';
import { compileFilterCriteria, parseJsonData, type RecordFilter } from '../config/filterCriteria';
import { ShardWorker } from './shardWorker';
import { BACKOFF_MAX_MS, BACKOFF_START_MS } from './streamLane';
import type { MappingRuntime, Poller, PollerFactory } from './types';
import type { EventSourceMapping } from '../config/mappingDefinitions';

export { CHECKPOINT_PREFIX, deleteStreamCheckpoints, readStreamCheckpoints, type StreamCheckpoint } from './streamCheckpoints';

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
//
// The shard readers are in shardWorker.ts, the batching and failure handling in streamLane.ts.

/** How often the shard list is read again (new shards after a reshard or DynamoDB's shard rotation). */
const SHARD_DISCOVERY_MS = 10_000;

export const createStreamPoller: PollerFactory = (runtime) => new StreamPoller(runtime);

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
    const region = regionOfArn(this.mapping.eventSourceArn, this.runtime.region);
    if (this.mapping.kind === 'dynamodb') {
      const d = record.dynamodb;
      const dynamodb: Record<string, unknown> = {
        ApproximateCreationDateTime: d?.ApproximateCreationDateTime ?? Math.floor(record.approximateArrivalTimestamp / 1000),
        Keys: d?.Keys ?? {},
      };
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
