import { randomBytes } from 'node:crypto';
import type { SharedStore } from '../store/sharedStore';
import type { StoreOperation } from '../store/stateStore';
import { DeduplicationRecords } from './embeddedQueueDedup';
import { decodeReceipt, receivedMessage } from './embeddedQueueDelivery';
import { newQueueMessage, QueueIndex, type QueueMessage } from './embeddedQueueIndex';
import {
  Changes,
  newChunk,
  newStoredMessage,
  queueKeyPrefix,
  recordKey,
  sequenceNumber,
  type StateRecord,
  type StoredChunk,
  type StoredMessage,
  type StoredStates,
} from './embeddedQueueLayout';
import { readQueue } from './embeddedQueueLoad';
import { ReceiveWaiters } from './embeddedQueueWaiters';
import { QueueWrites } from './embeddedQueueWrites';
import { MAX_VISIBILITY_TIMEOUT_SECONDS, sqsError, validateReceive, validateSend, validateVisibility } from './sqsMessages';
import type { MessageQueue, QueueDefinition, QueueStats, ReceiveOptions, ReceivedMessage, SendMessageInput, SendMessageResult } from './types';

// A queue with SQS semantics kept in the engine's LevelDB (classic-level), shared with the rest of
// the engine. Standard and FIFO queues, message attributes, delays, visibility timeouts, receive
// counts, redrive to a dead-letter queue, retention, FIFO deduplication and message groups, long
// polling. This class holds the operations; the store layout, the in-memory index, deduplication,
// delivery, long polling and the writes are modules of their own beside it (embeddedQueue*.ts).
//
// Durability: send() resolves once its messages are on disk. Deletes, visibility changes, receive
// states and redrives take effect in memory at once and are written behind (a delete lost in a
// crash is a redelivery: SQS is at-least-once too; close() writes them all). The index is loaded
// from the store on first use.

/** How often messages past the retention period and expired deduplication records are dropped. */
const SWEEP_INTERVAL_MS = 60_000;

export class EmbeddedQueue implements MessageQueue {
  private loading: Promise<void> | undefined;
  private closed = false;
  private readonly index: QueueIndex;
  private readonly dedup: DeduplicationRecords;
  private readonly writes: QueueWrites;
  private readonly waiters = new ReceiveWaiters();
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastSeq = 0;
  private receipts = 0;
  /** Distinguishes receipt handles of this process from those of an earlier one. */
  private readonly epoch = randomBytes(4).toString('hex');
  private readonly prefix: string;

  constructor(
    private readonly shared: SharedStore,
    readonly definition: QueueDefinition,
    private readonly resolveQueue: (arn: string) => MessageQueue | undefined,
  ) {
    this.prefix = queueKeyPrefix(definition.name);
    this.index = new QueueIndex(definition.fifo);
    this.dedup = new DeduplicationRecords(this.prefix);
    this.writes = new QueueWrites(definition.name);
  }

  // --- MessageQueue -----------------------------------------------------------------------------

  async send(messages: SendMessageInput[]): Promise<SendMessageResult[]> {
    const validated = validateSend(this.definition, messages);
    await this.load();
    const now = Date.now();
    const results: SendMessageResult[] = [];
    const operations: StoreOperation[] = [];
    const chunk: StoredChunk = { v: 1, messages: [] };
    const claimed: string[] = [];
    for (const v of validated) {
      if (v.deduplicationId !== undefined) {
        const seen = this.dedup.duplicateOf(v.deduplicationId, now);
        if (seen) {
          // A duplicate within the deduplication interval: accepted, not enqueued again.
          results.push({ messageId: seen.id, md5OfMessageBody: seen.md5, sequenceNumber: sequenceNumber(seen.seq) });
          continue;
        }
      }
      const stored = newStoredMessage(v, this.nextSeq(now), now);
      chunk.messages.push(stored);
      if (v.deduplicationId !== undefined) {
        operations.push(this.dedup.claim(v.deduplicationId, stored, now));
        claimed.push(v.deduplicationId);
      }
      const result: SendMessageResult = { messageId: stored.id, md5OfMessageBody: stored.md5 };
      if (this.definition.fifo) result.sequenceNumber = sequenceNumber(stored.seq);
      results.push(result);
    }
    if (chunk.messages.length > 0) operations.push({ type: 'put', key: recordKey(this.prefix, 'm', chunk.messages[0].seq), value: chunk });
    try {
      await this.writes.durable(operations);
    } catch (error) {
      this.dedup.release(claimed);
      throw error;
    }
    if (this.closed || chunk.messages.length === 0) return results;
    const inMemory = newChunk(chunk);
    const at = Date.now();
    for (const stored of chunk.messages) this.index.add(newQueueMessage(stored, inMemory), at);
    this.waiters.notify();
    return results;
  }

  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    validateReceive(options);
    await this.load();
    await this.loadDeadLetterQueue();
    const waitSeconds = options.waitTimeSeconds ?? this.definition.receiveWaitSeconds;
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const messages = this.take(options);
      if (messages.length > 0 || this.closed || options.signal?.aborted) return messages;
      const now = Date.now();
      if (now >= deadline) return messages;
      await this.waiters.wait(Math.min(deadline, this.index.nextVisibleAt()) - now, options.signal);
    }
  }

  async delete(receiptHandles: string[]): Promise<void> {
    await this.load();
    const changes = new Changes(this.prefix);
    const now = Date.now();
    for (const handle of receiptHandles) {
      const message = this.byReceipt(handle);
      if (message) this.remove(message, changes, now);
    }
    // Not waited for: a delete lost in a crash is a redelivery (at least once, as SQS).
    this.writes.throwFailure();
    this.writes.behind(changes.commit());
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    validateVisibility(visibilityTimeoutSeconds);
    await this.load();
    const message = this.byReceipt(receiptHandle);
    if (!message) {
      throw sqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle (unknown, deleted, or received again since).`,
      );
    }
    const now = Date.now();
    if (!message.inFlight || message.visibleAt <= now) {
      throw sqsError(
        'AWS.SimpleQueueService.MessageNotInflight',
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (now + visibilityTimeoutSeconds * 1000 - (message.receivedAt ?? now) > MAX_VISIBILITY_TIMEOUT_SECONDS * 1000) {
      throw sqsError(
        'InvalidParameterValue',
        `Value ${visibilityTimeoutSeconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds]`,
      );
    }
    this.index.setVisibleAt(message, now + visibilityTimeoutSeconds * 1000);
    const changes = new Changes(this.prefix);
    const record: StateRecord = { id: this.nextSeq(now), refs: 0 };
    const states: StoredStates = [];
    changes.recordState(message, record, states);
    changes.putStates(record, states);
    if (visibilityTimeoutSeconds === 0) this.waiters.notify();
    this.writes.throwFailure();
    this.writes.behind(changes.commit());
  }

  async purge(): Promise<void> {
    await this.load();
    const changes = new Changes(this.prefix);
    const now = Date.now();
    for (const message of [...this.index.bySeq.values()]) this.remove(message, changes, now);
    this.index.clearTimeline();
    await this.writes.durable(changes.commit());
  }

  async stats(): Promise<QueueStats> {
    await this.load();
    const now = Date.now();
    return this.index.stats(now, now - this.definition.retentionSeconds * 1000);
  }

  /** Stops long polls (they answer with nothing) and waits for this queue's writes to reach the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.waiters.notify();
    await this.loading?.catch(() => undefined);
    await this.writes.idle();
  }

  // --- what the poller and the CLI can ask besides ------------------------------------------------

  /** Every message not deleted (oldest first), without receiving it: for inspection (CLI, tests). */
  async peek(): Promise<Array<{ messageId: string; body: string; receiveCount: number; inFlight: boolean; groupId?: string }>> {
    await this.load();
    const now = Date.now();
    return this.index.oldestFirst().map((m) => ({
      messageId: m.stored.id,
      body: m.stored.body,
      receiveCount: m.receiveCount,
      inFlight: m.inFlight && m.visibleAt > now,
      groupId: m.stored.groupId,
    }));
  }

  // --- loading -----------------------------------------------------------------------------------

  /** Reads the queue's messages from the store, once. */
  load(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`The queue ${this.definition.name} is closed`));
    if (this.writes.isOpen) return Promise.resolve();
    this.loading ??= (async () => {
      const store = await this.shared.open();
      const entries = await store.entries<unknown>(this.prefix);
      const now = Date.now();
      const loaded = readQueue(entries, this.prefix, now);
      this.lastSeq = Math.max(this.lastSeq, loaded.lastSeq);
      this.dedup.restore(loaded.dedup);
      for (const message of loaded.messages) this.index.add(message, now);
      this.writes.open(store);
      // Past the retention period while the engine was down.
      const changes = new Changes(this.prefix);
      changes.operations.push(...loaded.operations);
      this.dropExpired(changes, now);
      this.writes.behind(changes.commit());
      this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
      this.sweepTimer.unref();
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The dead-letter queue must have loaded before a receive may move messages into it. */
  private async loadDeadLetterQueue(): Promise<void> {
    const target = this.deadLetterQueue();
    if (target instanceof EmbeddedQueue && target !== this) await target.load();
  }

  private deadLetterQueue(): MessageQueue | undefined {
    const arn = this.definition.redrive?.deadLetterTargetArn;
    return arn ? this.resolveQueue(arn) : undefined;
  }

  // --- receiving, deleting, redriving --------------------------------------------------------------

  /** Sequence numbers (and receive-state ids): unique, increasing, also across restarts (µs since the epoch, or the last one + 1). */
  private nextSeq(now: number): number {
    this.lastSeq = Math.max(this.lastSeq + 1, now * 1000);
    return this.lastSeq;
  }

  /** Takes up to maxMessages deliverable messages (dropping expired ones, redriving exhausted ones). */
  private take(options: ReceiveOptions): ReceivedMessage[] {
    if (this.closed) return [];
    const now = Date.now();
    const visibility = (options.visibilityTimeoutSeconds ?? this.definition.visibilityTimeoutSeconds) * 1000;
    const expiry = now - this.definition.retentionSeconds * 1000;
    const maxReceives = this.definition.redrive?.maxReceiveCount;
    const out: ReceivedMessage[] = [];
    const changes = new Changes(this.prefix);
    // One r! key holds the receive states of everything this receive delivers.
    let record: StateRecord | undefined;
    const states: StoredStates = [];
    this.index.take(options.maxMessages, now, (message) => {
      if (message.stored.sentAt <= expiry) {
        this.remove(message, changes, now);
        return false;
      }
      if (maxReceives !== undefined && message.receiveCount >= maxReceives && this.redrive(message, changes, now)) return false;
      record ??= { id: this.nextSeq(now), refs: 0 };
      out.push(this.deliver(message, now, visibility, record, states, changes));
      return true;
    });
    if (record && states.length > 0) changes.putStates(record, states);
    this.writes.behind(changes.commit());
    return out;
  }

  private deliver(message: QueueMessage, now: number, visibilityMs: number, record: StateRecord, states: StoredStates, changes: Changes): ReceivedMessage {
    message.receiveCount++;
    message.firstReceiveAt ??= now;
    message.inFlight = true;
    message.receivedAt = now;
    const receipt = `${this.epoch}${(++this.receipts).toString(36)}`;
    message.receipt = receipt;
    this.index.setVisibleAt(message, now + visibilityMs);
    changes.recordState(message, record, states);
    return receivedMessage(this.definition, message, receipt);
  }

  private remove(message: QueueMessage, changes: Changes, now: number): void {
    if (message.deleted) return;
    this.index.remove(message, now);
    changes.deleteMessage(message);
  }

  /**
   * Moves a message that was received maxReceiveCount times to the dead-letter queue: in the same
   * atomic write when that queue is embedded too; else sent there, and deleted here once it is.
   * False when there is no dead-letter queue to move it to (it is delivered again).
   */
  private redrive(message: QueueMessage, changes: Changes, now: number): boolean {
    const target = this.deadLetterQueue();
    if (!target || target === this) return false;
    const sourceArn = this.definition.arn;
    if (target instanceof EmbeddedQueue) {
      if (!target.writes.isOpen || target.closed) return false;
      const moved = target.adopt(message.stored, sourceArn, now, changes.operations);
      this.remove(message, changes, now);
      // In the target's memory at once: the write carrying it is ordered before any later write of it.
      target.index.add(moved, now);
      target.waiters.notify();
      return true;
    }
    // A real queue: out of this queue's view until it is sent; back after the visibility timeout if that fails.
    message.inFlight = true;
    message.receipt = undefined;
    this.index.setVisibleAt(message, now + this.definition.visibilityTimeoutSeconds * 1000);
    if (message.group) message.group.inFlight++;
    const stored = message.stored;
    const input: SendMessageInput = { body: stored.body };
    if (stored.attributes) input.messageAttributes = stored.attributes;
    if (stored.groupId !== undefined) input.messageGroupId = stored.groupId;
    if (stored.deduplicationId !== undefined && target.definition.fifo) input.messageDeduplicationId = stored.deduplicationId;
    target.send([input]).then(
      () => {
        const moved = new Changes(this.prefix);
        this.remove(message, moved, Date.now());
        this.writes.behind(moved.commit());
      },
      () => undefined,
    );
    return true;
  }

  /** A message redriven from another embedded queue: same id, body, attributes and sent time; a new sequence number here. */
  private adopt(source: StoredMessage, sourceArn: string, now: number, operations: StoreOperation[]): QueueMessage {
    const stored: StoredMessage = { ...source, seq: this.nextSeq(now), delayUntil: now, deadLetterSourceArn: sourceArn };
    if (!this.definition.fifo) delete stored.deduplicationId;
    const chunk: StoredChunk = { v: 1, messages: [stored] };
    operations.push({ type: 'put', key: recordKey(this.prefix, 'm', stored.seq), value: chunk });
    return newQueueMessage(stored, newChunk(chunk));
  }

  /** The message a receipt handle names, if that handle is from its latest receive. */
  private byReceipt(handle: string): QueueMessage | undefined {
    const decoded = decodeReceipt(handle);
    if (!decoded || decoded.queue !== this.definition.name) return undefined;
    const message = this.index.bySeq.get(decoded.seq);
    return message && message.receipt === decoded.receipt ? message : undefined;
  }

  private dropExpired(changes: Changes, now: number): void {
    const expiry = now - this.definition.retentionSeconds * 1000;
    for (const message of [...this.index.bySeq.values()]) if (message.stored.sentAt <= expiry) this.remove(message, changes, now);
  }

  /** Drops messages past the retention period and expired deduplication records. */
  private sweep(): void {
    if (this.closed || !this.writes.isOpen) return;
    const now = Date.now();
    const changes = new Changes(this.prefix);
    this.dropExpired(changes, now);
    this.dedup.sweep(now, changes.operations);
    this.writes.behind(changes.commit());
  }
}
