import { isWorkbenchError } from '../errors';
import { sleep } from '../util/sleep';
import type { MessageAttributeValue, MessageQueue, ReceivedMessage } from '../sources/types';
import { compileFilterCriteria, sqsFilterRecord, type RecordFilter } from '../config/filterCriteria';
import type { MappingInvokeResult, MappingRuntime, Poller, PollerFactory } from './types';

// Lambda's SQS poller for one event source mapping: long-polls the queue, gathers a batch (up to
// BatchSize, receiving 10 at a time, within MaximumBatchingWindowInSeconds and Lambda's 6 MB payload),
// drops what the filter criteria reject (deleted: consumed, as AWS does), invokes the function
// synchronously with AWS's SQS event, and deletes the messages once the function succeeded. A failed
// invocation deletes nothing: the messages return to the queue when their visibility timeout ends
// (and reach the dead-letter queue after maxReceiveCount receives). With ReportBatchItemFailures,
// only the messages the function lists return.
//
// Concurrency: each poller works one batch at a time; the mapping scales from one poller up to
// ScalingConfig.MaximumConcurrency (default DEFAULT_MAX_POLLERS) while batches come back full, and
// back down when a poller finds the queue empty or is throttled. FIFO queues never hand out a
// message group that has messages in flight, so a group is processed one batch at a time, in order.
//
// Metrics (MappingRuntime.emit → `workbench.esm`): batch (records invoked), filtered, retry (records
// delivered again: ApproximateReceiveCount > 1), failure (records returned to the queue: function
// error, partial batch failure), error (throttles and the poller's own problems).

/** Pollers of a mapping without ScalingConfig.MaximumConcurrency (Lambda starts with five). */
export const DEFAULT_MAX_POLLERS = 5;
/** Lambda's synchronous payload limit: a batch is cut before its event would exceed it. */
export const MAX_BATCH_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** A poller's long poll when the queue is empty (SQS's maximum). */
const LONG_POLL_SECONDS = 20;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 10_000;

/** Lambda's SQS event record. */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>;
  /** null when the message has no attributes (AWS's recorded events carry the key with null). */
  md5OfMessageAttributes: string | null;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsPollerOptions {
  /** Pollers when the mapping sets no MaximumConcurrency (default DEFAULT_MAX_POLLERS). */
  defaultMaxPollers?: number;
  /** Long poll of an idle poller, seconds (default 20, SQS's maximum); an empty one lets an extra poller go. */
  longPollSeconds?: number;
}

export const createSqsPoller: PollerFactory = (runtime) => new SqsPoller(runtime);

/** A poller factory with other defaults (benchmarks, tests). */
export function sqsPollerFactory(options: SqsPollerOptions): PollerFactory {
  return (runtime) => new SqsPoller(runtime, options);
}

/** Lambda's SQS event record for a received message (its fields in AWS's order). */
export function sqsEventRecord(message: ReceivedMessage, eventSourceArn: string, region: string): SqsEventRecord {
  const head = {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: message.attributes,
    messageAttributes: eventAttributes(message.messageAttributes),
    md5OfMessageAttributes: message.md5OfMessageAttributes ?? null,
  };
  return { ...head, md5OfBody: message.md5OfBody, eventSource: 'aws:sqs', eventSourceARN: eventSourceArn, awsRegion: region };
}

/** Message attributes as Lambda shows them: camelCase, with the (unused) list values. */
function eventAttributes(attributes: Record<string, MessageAttributeValue>): SqsEventRecord['messageAttributes'] {
  const result: SqsEventRecord['messageAttributes'] = {};
  for (const [name, a] of Object.entries(attributes)) {
    result[name] =
      a.BinaryValue !== undefined
        ? { binaryValue: a.BinaryValue, stringListValues: [], binaryListValues: [], dataType: a.DataType }
        : { stringValue: a.StringValue, stringListValues: [], binaryListValues: [], dataType: a.DataType };
  }
  return result;
}

/**
 * Which records of a batch failed, from a ReportBatchItemFailures response, as Lambda reads it:
 * null / {} / no or an empty batchItemFailures list → none; an itemIdentifier that is missing,
 * empty, not a string or not a message of the batch, or a response that is not a JSON object →
 * the whole batch failed ('all').
 */
export function batchItemFailures(payload: Buffer, messageIds: Set<string>): Set<string> | { all: string } {
  const text = payload.toString('utf8').trim();
  if (text === '' || text === 'null') return new Set();
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return { all: 'the function response is not valid JSON' };
  }
  if (response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return { all: 'the function response is not a JSON object' };
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return { all: 'batchItemFailures is not a list' };
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { all: 'a batchItemFailures entry has no itemIdentifier' };
    if (!messageIds.has(id)) return { all: `itemIdentifier ${id} is not a message of the batch` };
    failed.add(id);
  }
  return failed;
}

const EMPTY_EVENT_BYTES = '{"Records":[]}'.length;

/**
 * An upper bound of a record's JSON size, without serialising it: every character of its strings
 * escaped (6 bytes at most per UTF-16 unit: `\u001f`), plus the punctuation and field names.
 */
function recordSizeBound(record: SqsEventRecord): number {
  let chars =
    record.messageId.length +
    record.receiptHandle.length +
    record.body.length +
    record.md5OfBody.length +
    (record.md5OfMessageAttributes?.length ?? 0) +
    record.eventSourceARN.length +
    record.awsRegion.length;
  let fields = 12;
  for (const [name, value] of Object.entries(record.attributes)) {
    chars += name.length + value.length;
    fields++;
  }
  for (const [name, a] of Object.entries(record.messageAttributes)) {
    chars += name.length + a.dataType.length + (a.stringValue?.length ?? 0) + (a.binaryValue?.length ?? 0);
    fields += 6;
  }
  return 6 * chars + 40 * fields;
}

interface Batch {
  records: SqsEventRecord[];
  /** It reached BatchSize or the payload limit (more may be waiting: scale out). */
  full: boolean;
}

type Outcome = 'done' | 'failed' | 'throttled' | 'error';

export class SqsPoller implements Poller {
  private running = false;
  private readonly workers = new Set<Promise<void>>();
  private active = 0;
  private abort = new AbortController();
  private readonly filter: RecordFilter | undefined;
  private readonly maxPollers: number;
  private readonly reportFailures: boolean;
  private readonly longPollSeconds: number;

  constructor(
    private readonly runtime: MappingRuntime,
    options: SqsPollerOptions = {},
  ) {
    const mapping = runtime.mapping;
    this.longPollSeconds = options.longPollSeconds ?? LONG_POLL_SECONDS;
    this.filter = mapping.filterCriteria?.filters.length ? compileFilterCriteria(mapping.filterCriteria) : undefined;
    this.maxPollers = Math.max(1, mapping.maximumConcurrency ?? options.defaultMaxPollers ?? DEFAULT_MAX_POLLERS);
    this.reportFailures = mapping.functionResponseTypes.includes('ReportBatchItemFailures');
  }

  /** Pollers working now (for tests and status). */
  get pollers(): number {
    return this.active;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.spawn();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    while (this.workers.size > 0) await Promise.allSettled([...this.workers]);
  }

  private spawn(): void {
    if (!this.running || this.active >= this.maxPollers) return;
    this.active++;
    const worker = this.work().finally(() => {
      this.active--;
      this.workers.delete(worker);
    });
    this.workers.add(worker);
  }

  /** One poller: gather a batch, process it, again; exits when stopped or no longer needed. */
  private async work(): Promise<void> {
    let problems = 0;
    while (this.running) {
      let queue: MessageQueue;
      let batch: Batch;
      try {
        queue = this.runtime.queue();
        batch = await this.collect(queue);
      } catch (error) {
        if (!this.running) return;
        this.runtime.emit({ kind: 'error', message: `Receiving from ${this.runtime.mapping.eventSourceArn} failed: ${(error as Error).message}` });
        await this.pause(++problems);
        continue;
      }
      if (!this.running) {
        await this.release(queue, batch.records);
        return;
      }
      if (batch.records.length === 0) {
        if (this.active > 1) return; // the queue is empty: fewer pollers
        continue;
      }
      if (batch.full) this.spawn();
      const outcome = await this.process(queue, batch.records);
      if (outcome === 'throttled' || outcome === 'error') {
        if (outcome === 'throttled' && this.active > 1) return; // throttled: fewer pollers
        await this.pause(++problems);
      } else {
        problems = 0;
      }
    }
  }

  /**
   * A batch: a long poll for the first messages, then more (10 at a time) until BatchSize, the
   * batching window (counted from the first message) or the payload limit.
   */
  private async collect(queue: MessageQueue): Promise<Batch> {
    const { batchSize, maximumBatchingWindowInSeconds, eventSourceArn } = this.runtime.mapping;
    const region = this.runtime.region;
    const signal = this.abort.signal;
    const records: SqsEventRecord[] = [];
    const overflow: string[] = [];
    // The event's size is only computed exactly once a cheap upper bound of it could pass the limit.
    let bound = EMPTY_EVENT_BYTES;
    let exact: number | undefined;
    const add = (messages: ReceivedMessage[]) => {
      for (const message of messages) {
        if (overflow.length > 0) {
          overflow.push(message.receiptHandle);
          continue;
        }
        const record = sqsEventRecord(message, eventSourceArn, region);
        const estimate = recordSizeBound(record);
        if (exact === undefined && bound + estimate > MAX_BATCH_PAYLOAD_BYTES) exact = Buffer.byteLength(JSON.stringify({ Records: records }));
        if (exact === undefined) {
          records.push(record);
          bound += estimate;
          continue;
        }
        const size = Buffer.byteLength(JSON.stringify(record)) + (records.length > 0 ? 1 : 0);
        if (records.length > 0 && exact + size > MAX_BATCH_PAYLOAD_BYTES) overflow.push(message.receiptHandle);
        else {
          records.push(record);
          exact += size;
        }
      }
    };
    add(await queue.receive({ maxMessages: Math.min(10, batchSize), waitTimeSeconds: this.longPollSeconds, signal }));
    if (records.length === 0 || !this.running) return { records, full: false };
    // Without a batching window, a batch is what one receive returns (several for BatchSize > 10).
    const more = maximumBatchingWindowInSeconds > 0 || batchSize > 10;
    const windowEnds = Date.now() + maximumBatchingWindowInSeconds * 1000;
    while (more && records.length < batchSize && overflow.length === 0 && this.running) {
      const remaining = windowEnds - Date.now();
      const wait = maximumBatchingWindowInSeconds > 0 ? remaining / 1000 : 0;
      if (maximumBatchingWindowInSeconds > 0 && remaining <= 0) break;
      const received = await queue.receive({
        maxMessages: Math.min(10, batchSize - records.length),
        waitTimeSeconds: Math.min(wait, LONG_POLL_SECONDS),
        signal,
      });
      if (received.length === 0 && maximumBatchingWindowInSeconds === 0) break;
      add(received);
    }
    // Past the payload limit: back to the queue at once for the next batch.
    if (overflow.length > 0) await this.releaseHandles(queue, overflow);
    return { records, full: records.length >= batchSize || overflow.length > 0 };
  }

  /** Filters, invokes and settles one batch. */
  private async process(queue: MessageQueue, records: SqsEventRecord[]): Promise<Outcome> {
    const { runtime } = this;
    const redelivered = records.filter((r) => Number(r.attributes.ApproximateReceiveCount) > 1).length;
    if (redelivered > 0) runtime.emit({ kind: 'retry', size: redelivered });

    let kept = records;
    if (this.filter) {
      kept = [];
      const dropped: string[] = [];
      for (const record of records) {
        if (this.filter(sqsFilterRecord(record))) kept.push(record);
        else dropped.push(record.receiptHandle);
      }
      if (dropped.length > 0) {
        // Filtered out: consumed, as Lambda does.
        if (!(await this.deleteHandles(queue, dropped))) return 'error';
        runtime.emit({ kind: 'filtered', size: dropped.length });
      }
      if (kept.length === 0) return 'done';
    }

    runtime.emit({ kind: 'batch', size: kept.length });
    let result: MappingInvokeResult;
    try {
      result = await runtime.invoke(Buffer.from(JSON.stringify({ Records: kept })));
    } catch (error) {
      const throttled = isWorkbenchError(error) && error.code === 'TooManyRequestsException';
      runtime.emit({
        kind: 'error',
        size: kept.length,
        message: throttled
          ? `Throttled (${(error as { reason?: string }).reason ?? 'TooManyRequestsException'}): ${kept.length} message(s) return to the queue after their visibility timeout`
          : `Invoking ${runtime.mapping.functionName} failed: ${(error as Error).message}`,
      });
      return throttled ? 'throttled' : 'error';
    }

    if (result.functionError) {
      runtime.emit({
        kind: 'failure',
        size: kept.length,
        message: `${result.errorType ?? 'Unhandled'}: ${kept.length} message(s) return to the queue after their visibility timeout`,
      });
      return 'failed';
    }

    let succeeded = kept;
    if (this.reportFailures) {
      const failed = batchItemFailures(result.payload, new Set(kept.map((r) => r.messageId)));
      if (!(failed instanceof Set)) {
        runtime.emit({ kind: 'failure', size: kept.length, message: `ReportBatchItemFailures: ${failed.all}; the whole batch returns to the queue` });
        return 'failed';
      }
      if (failed.size > 0) {
        succeeded = kept.filter((r) => !failed.has(r.messageId));
        runtime.emit({
          kind: 'failure',
          size: failed.size,
          message: `ReportBatchItemFailures: ${failed.size} of ${kept.length} message(s) return to the queue after their visibility timeout`,
        });
      }
    }
    if (
      succeeded.length > 0 &&
      !(await this.deleteHandles(
        queue,
        succeeded.map((r) => r.receiptHandle),
      ))
    ) {
      return 'error';
    }
    return 'done';
  }

  /** Deletes processed messages; false (reported) when the queue refused. */
  private async deleteHandles(queue: MessageQueue, handles: string[]): Promise<boolean> {
    try {
      await queue.delete(handles);
      return true;
    } catch (error) {
      this.runtime.emit({
        kind: 'error',
        size: handles.length,
        message: `Deleting processed messages failed (they will be delivered again): ${(error as Error).message}`,
      });
      return false;
    }
  }

  /** Messages gathered but not invoked (stopping): visible again at once. */
  private async release(queue: MessageQueue, records: SqsEventRecord[]): Promise<void> {
    await this.releaseHandles(
      queue,
      records.map((r) => r.receiptHandle),
    );
  }

  private async releaseHandles(queue: MessageQueue, handles: string[]): Promise<void> {
    await Promise.allSettled(handles.map((h) => queue.changeVisibility(h, 0)));
  }

  /** Back-off after consecutive problems (ends early when stopped). */
  private pause(problems: number): Promise<void> {
    return sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(problems - 1, 10)), this.abort.signal);
  }
}
