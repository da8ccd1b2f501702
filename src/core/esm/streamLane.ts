import { randomUUID } from 'node:crypto';
import { functionArn, regionOfArn } from '../vocabulary/functionNames';
import type { StreamRecord } from '../sources/types';
import type { ShardWorker } from './shardWorker';
import type { MappingInvokeResult, MappingRuntime } from './types';
import type { EventSourceMapping } from '../config/mappingDefinitions';

// One lane of a shard (ParallelizationFactor lanes per shard, records spread by partition key):
// gathers a batch, invokes, and handles the outcome as Lambda does — retries, bisection, partial
// batch failures, record age, discarding to the OnFailure destination, tumbling windows.

/** Lambda's synchronous payload limit: a batch's event stays under it. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** Room for the envelope ({"Records":[…]}, tumbling window fields). */
export const EVENT_OVERHEAD_BYTES = 16 * 1024;
/** Back-off of throttled invocations and poll errors. */
export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 5000;
/** Delay before retrying a failed batch (doubles per retry). */
export const RETRY_DELAY_MS = 50;
export const RETRY_DELAY_MAX_MS = 2000;

/** A record read from the shard, on its way through a lane. */
export interface Entry {
  record: StreamRecord;
  done: boolean;
  /** When the worker read it (the batching window starts with the first record of a batch). */
  readAt: number;
  /** Tumbling window start (epoch ms) when windows are on. */
  window?: number;
  eventBytes: number;
}

export type Outcome =
  | { kind: 'success'; result: MappingInvokeResult; state?: unknown }
  | { kind: 'partial'; result: MappingInvokeResult; failedIndex: number; state?: unknown }
  | { kind: 'failure'; result: MappingInvokeResult; message: string };

export interface WorkItem {
  entries: Entry[];
  retries: number;
  invokes: number;
  last?: MappingInvokeResult;
}

export function isThrottle(error: unknown): boolean {
  const e = error as { code?: string; name?: string; statusCode?: number };
  return e?.code === 'TooManyRequestsException' || e?.name === 'TooManyRequestsException' || e?.statusCode === 429;
}

export class Lane {
  private readonly queue: Entry[] = [];
  private head = 0;
  private wakeUp: (() => void) | undefined;
  /** Tumbling window in progress: its start and the state the function returned last. */
  private window: { start: number; state: unknown } | undefined;

  constructor(
    private readonly worker: ShardWorker,
    readonly index: number,
  ) {}

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
        ...(item.entries.length > 0
          ? { iteratorAgeMs: Math.max(0, Date.now() - item.entries[item.entries.length - 1].record.approximateArrivalTimestamp) }
          : {}),
      });
      if (outcome.kind === 'success') {
        if (this.window && outcome.state !== undefined) this.window.state = outcome.state;
        await this.worker.markDone(item.entries);
        work.shift();
        continue;
      }
      if (outcome.kind === 'partial') {
        if (this.window && outcome.state !== undefined) this.window.state = outcome.state;
        this.runtime.emit({
          kind: 'failure',
          size: item.entries.length - outcome.failedIndex,
          shardId: this.worker.shardId,
          message: `Batch item failure at ${item.entries[outcome.failedIndex].record.sequenceNumber}`,
        });
        await this.worker.markDone(item.entries.slice(0, outcome.failedIndex));
        item.entries = item.entries.slice(outcome.failedIndex);
        if (outcome.failedIndex > 0) {
          // The checkpoint moved: what remains is a new batch, with its own retries and invoke count
          // (AWS's recordings: the failed record is delivered 1 + MaximumRetryAttempts times after the
          // batch that reported it, and its OnFailure record counts only those invocations).
          item.retries = 0;
          item.invokes = 0;
        } else item.retries++;
      } else {
        this.runtime.emit({ kind: 'failure', size: item.entries.length, shardId: this.worker.shardId, message: outcome.message });
        if (this.mapping.bisectBatchOnFunctionError && item.entries.length > 1) {
          // Splitting does not count against the retries.
          const middle = Math.ceil(item.entries.length / 2);
          work.splice(
            0,
            1,
            { entries: item.entries.slice(0, middle), retries: item.retries, invokes: item.invokes, last: item.last },
            { entries: item.entries.slice(middle), retries: item.retries, invokes: item.invokes, last: item.last },
          );
          this.runtime.emit({
            kind: 'bisect',
            size: item.entries.length,
            shardId: this.worker.shardId,
            message: `Split into ${middle} + ${item.entries.length - middle}`,
          });
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
      this.runtime.emit({
        kind: 'retry',
        size: item.entries.length,
        shardId: this.worker.shardId,
        message: `Retry ${item.retries}${maxRetries >= 0 ? ` of ${maxRetries}` : ''}`,
      });
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
        this.runtime.emit({
          kind: throttled ? 'retry' : 'error',
          size: entries.length,
          shardId: this.worker.shardId,
          message: `${throttled ? 'Throttled' : 'Invocation failed'}: ${(error as Error).message}`,
        });
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
      this.runtime.emit({
        kind: 'discarded',
        size: entries.length,
        shardId: this.worker.shardId,
        condition,
        message: `${entries.length} record(s) discarded: ${condition}`,
      });
      const destination = this.mapping.onFailureDestination;
      if (destination) {
        const record = this.failureRecord(entries, condition, item);
        // An S3 destination's object carries the batch's event too (AWS's recordings).
        if (/^arn:aws[a-zA-Z-]*:s3:/.test(destination)) record.payload = this.event(entries, false);
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
    // functionError null when the function answered (batch item failures): AWS's recorded records carry the key
    const responseContext = {
      statusCode: 200,
      executedVersion: item.last?.executedVersion ?? this.mapping.qualifier ?? '$LATEST',
      functionError: item.last?.functionError ?? null,
    };
    return {
      requestContext: {
        requestId: item.last?.requestId ?? randomUUID(),
        functionArn: functionArn(regionOfArn(this.mapping.eventSourceArn, this.runtime.region), this.mapping.functionName, this.mapping.qualifier),
        condition,
        // AWS counts 1 for records that aged out before any invocation (its recordings)
        approximateInvokeCount: Math.max(1, item.invokes),
      },
      // Records that aged out have no response to report (AWS's RecordAgeExceeded records carry none)
      ...(condition === 'RecordAgeExceeded' ? {} : { responseContext }),
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
export function classify(result: MappingInvokeResult, entries: Entry[], reportFailures: boolean, windowed: boolean): Outcome {
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
