import { randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../invoke/functionRef';
import type { SharedStore } from '../store/sharedStore';
import type { StateStore, StoreOperation } from '../store/stateStore';
import { writerFor } from '../store/storeWriter';
import { MinHeap } from '../util/minHeap';
import {
  DEDUPLICATION_WINDOW_MS, MAX_VISIBILITY_TIMEOUT_SECONDS, md5Hex, md5OfMessageAttributes, sqsError, validateReceive, validateSend,
  validateVisibility, type ValidatedMessage,
} from './sqsMessages';
import type {
  MessageAttributeValue, MessageQueue, QueueDefinition, QueueStats, ReceiveOptions, ReceivedMessage, SendMessageInput, SendMessageResult,
} from './types';

// A queue with SQS semantics kept in the engine's LevelDB (classic-level), shared with the rest of
// the engine. Standard and FIFO queues, message attributes, delays, visibility timeouts, receive
// counts, redrive to a dead-letter queue, retention, FIFO deduplication and message groups, long
// polling.
//
// Store layout (keys under `sqs!<queue name>!`), a few keys per batch rather than several per message:
//   m!<seq>   a chunk: the messages of one send() call (body, attributes, group…), written once;
//             <seq> is its first message's sequence number
//   x!<seq>   the messages of chunk <seq> deleted so far, while some of it is left (the chunk and
//             this key go when the last one is deleted)
//   r!<id>    the receive states (count, first receive, visible-at) of the messages one receive()
//             delivered; a later receive of a message supersedes its entry; the key goes when no
//             message still refers to it
//   d!<id>    FIFO deduplication record (message id, sequence number, expiry)
//
// Durability: send() resolves once its messages are on disk (one synchronous batch for the whole
// call). Deletes, visibility changes, receive states and redrives take effect in memory at once and
// are written behind, riding along with the next send's batch or on their own a few milliseconds
// later (a delete lost in a crash is a redelivery: SQS is at-least-once too; close() writes them all).
// Every write of one store goes through one writer, in order, merged into as few LevelDB batches as
// possible (group commit).
//
// Memory mirrors the store so receive is O(batch): standard queues keep the visible messages in an
// insertion-ordered set and the invisible ones (delayed, in flight) in a heap by the time they turn
// visible; FIFO queues keep each message group in order, and the groups that can deliver (nothing in
// flight, head visible) in an ordered set. Loaded from the store on first use.

const PREFIX = 'sqs!';

interface StoredMessage {
  v: 1;
  seq: number;
  id: string;
  body: string;
  md5: string;
  attributes?: Record<string, MessageAttributeValue>;
  md5Attributes?: string;
  sentAt: number;
  /** Not delivered before this (DelaySeconds). */
  delayUntil: number;
  groupId?: string;
  deduplicationId?: string;
  /** Moved here by a redrive policy: the source queue's ARN. */
  deadLetterSourceArn?: string;
}

interface StoredChunk {
  v: 1;
  messages: StoredMessage[];
}

/** One receive's states: [seq, receive count, first receive, visible at]. */
type StoredStates = Array<[number, number, number, number]>;

interface StoredDedup {
  id: string;
  seq: number;
  md5: string;
  expiresAt: number;
}

/** A chunk in memory: which of its messages are deleted. */
interface Chunk {
  seq: number;
  size: number;
  deleted: number[];
  /** Its x! key exists. */
  marked: boolean;
}

/** An r! key in memory: how many live messages have their current state in it. */
interface StateRecord {
  id: number;
  refs: number;
}

/** What one operation changed: the store operations, and the chunks whose deletions must be written. */
class Changes {
  readonly operations: StoreOperation[] = [];
  readonly chunks = new Set<Chunk>();
}

interface Message {
  stored: StoredMessage;
  chunk: Chunk;
  /** Where its receive state is stored (none before its first receive). */
  state?: StateRecord;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Delivered (or redelivered) no earlier than this. */
  visibleAt: number;
  inFlight: boolean;
  /** The receipt of the latest receive (older receipt handles are stale). */
  receipt?: string;
  /** When it was last received (the 12-hour visibility limit counts from here). */
  receivedAt?: number;
  /** Bumped on every change of visibility: heap entries of older versions are stale. */
  version: number;
  deleted: boolean;
  group?: Group;
}

interface Group {
  id: string;
  /** Messages of the group in order; `head` is the index of the first one not yet deleted. */
  messages: Message[];
  head: number;
  inFlight: number;
}

export class EmbeddedQueue implements MessageQueue {
  private store: StateStore | undefined;
  private loading: Promise<void> | undefined;
  private closed = false;
  private readonly bySeq = new Map<number, Message>();
  /** Standard: visible messages, oldest first (insertion order). */
  private readonly ready = new Set<Message>();
  /** FIFO: groups that can deliver now (nothing in flight, head visible). */
  private readonly readyGroups = new Set<Group>();
  private readonly groups = new Map<string, Group>();
  /** Delayed and in-flight messages by the time they become visible. */
  private readonly timeline = new MinHeap<{ at: number; message: Message; version: number }>((a, b) => a.at - b.at || a.message.stored.seq - b.message.stored.seq);
  private readonly dedup = new Map<string, StoredDedup>();
  private readonly waiters = new Set<() => void>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastSeq = 0;
  private receipts = 0;
  /** Distinguishes receipt handles of this process from those of an earlier one. */
  private readonly epoch = randomBytes(4).toString('hex');
  private writeError: Error | undefined;
  private readonly prefix: string;

  constructor(
    private readonly shared: SharedStore,
    readonly definition: QueueDefinition,
    private readonly resolveQueue: (arn: string) => MessageQueue | undefined,
  ) {
    this.prefix = `${PREFIX}${definition.name}!`;
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
        const seen = this.dedup.get(v.deduplicationId);
        if (seen && seen.expiresAt > now) {
          // A duplicate within the deduplication interval: accepted, not enqueued again.
          results.push({ messageId: seen.id, md5OfMessageBody: seen.md5, sequenceNumber: sequenceNumber(seen.seq) });
          continue;
        }
      }
      const stored = this.newStoredMessage(v, now);
      chunk.messages.push(stored);
      if (v.deduplicationId !== undefined) {
        const record: StoredDedup = { id: stored.id, seq: stored.seq, md5: stored.md5, expiresAt: now + DEDUPLICATION_WINDOW_MS };
        this.dedup.set(v.deduplicationId, record);
        claimed.push(v.deduplicationId);
        operations.push({ type: 'put', key: this.dedupKey(v.deduplicationId), value: record });
      }
      const result: SendMessageResult = { messageId: stored.id, md5OfMessageBody: stored.md5 };
      if (this.definition.fifo) result.sequenceNumber = sequenceNumber(stored.seq);
      results.push(result);
    }
    if (chunk.messages.length > 0) operations.push({ type: 'put', key: this.key('m', chunk.messages[0].seq), value: chunk });
    try {
      await this.write(operations, true);
    } catch (error) {
      for (const id of claimed) this.dedup.delete(id);
      throw error;
    }
    if (this.closed || chunk.messages.length === 0) return results;
    const inMemory = this.newChunk(chunk);
    const at = Date.now();
    for (const stored of chunk.messages) this.enqueue(this.fromStored(stored, inMemory), at);
    this.notify();
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
      await this.waitForMessages(Math.min(deadline, this.nextVisibleAt()) - now, options.signal);
    }
  }

  async delete(receiptHandles: string[]): Promise<void> {
    await this.load();
    const changes = new Changes();
    const now = Date.now();
    for (const handle of receiptHandles) {
      const message = this.byReceipt(handle);
      if (message) this.remove(message, changes, now);
    }
    // Not waited for: a delete lost in a crash is a redelivery (at least once, as SQS).
    this.throwWriteError();
    this.writeInBackground(this.commit(changes));
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    validateVisibility(visibilityTimeoutSeconds);
    await this.load();
    const message = this.byReceipt(receiptHandle);
    if (!message) {
      throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle (unknown, deleted, or received again since).`);
    }
    const now = Date.now();
    if (!message.inFlight || message.visibleAt <= now) {
      throw sqsError('AWS.SimpleQueueService.MessageNotInflight', `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    if (now + visibilityTimeoutSeconds * 1000 - (message.receivedAt ?? now) > MAX_VISIBILITY_TIMEOUT_SECONDS * 1000) {
      throw sqsError('InvalidParameterValue', `Value ${visibilityTimeoutSeconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds]`);
    }
    this.setVisibleAt(message, now + visibilityTimeoutSeconds * 1000);
    const changes = new Changes();
    const record: StateRecord = { id: this.nextSeq(now), refs: 0 };
    const states: StoredStates = [];
    this.recordState(message, record, states, changes);
    changes.operations.push({ type: 'put', key: this.key('r', record.id), value: states });
    if (visibilityTimeoutSeconds === 0) this.notify();
    this.throwWriteError();
    this.writeInBackground(this.commit(changes));
  }

  async purge(): Promise<void> {
    await this.load();
    const changes = new Changes();
    const now = Date.now();
    for (const message of [...this.bySeq.values()]) this.remove(message, changes, now);
    this.timeline.clear();
    await this.write(this.commit(changes), true);
  }

  async stats(): Promise<QueueStats> {
    await this.load();
    const now = Date.now();
    const stats: QueueStats = { visible: 0, inFlight: 0, delayed: 0 };
    const expiry = now - this.definition.retentionSeconds * 1000;
    for (const message of this.bySeq.values()) {
      if (message.stored.sentAt <= expiry) continue;
      if (message.inFlight && message.visibleAt > now) stats.inFlight++;
      else if (!message.inFlight && message.visibleAt > now) stats.delayed++;
      else stats.visible++;
    }
    return stats;
  }

  /** Stops long polls (they answer with nothing) and waits for this queue's writes to reach the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.notify();
    await this.loading?.catch(() => undefined);
    if (this.store) await writerFor(this.store).idle();
  }

  // --- what the poller and the CLI can ask besides ------------------------------------------------

  /** Every message not deleted (oldest first), without receiving it: for inspection (CLI, tests). */
  async peek(): Promise<Array<{ messageId: string; body: string; receiveCount: number; inFlight: boolean; groupId?: string }>> {
    await this.load();
    const now = Date.now();
    return [...this.bySeq.values()]
      .sort((a, b) => a.stored.seq - b.stored.seq)
      .map((m) => ({ messageId: m.stored.id, body: m.stored.body, receiveCount: m.receiveCount, inFlight: m.inFlight && m.visibleAt > now, groupId: m.stored.groupId }));
  }

  // --- loading -----------------------------------------------------------------------------------

  /** Reads the queue's messages from the store, once. */
  load(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`The queue ${this.definition.name} is closed`));
    if (this.store) return Promise.resolve();
    this.loading ??= (async () => {
      const store = await this.shared.open();
      const entries = await store.entries<unknown>(this.prefix);
      const now = Date.now();
      const chunks: StoredChunk[] = [];
      const deletions = new Map<number, number[]>();
      const latest = new Map<number, { id: number; count: number; firstAt: number; visibleAt: number }>();
      const stateIds = new Set<number>();
      const operations: StoreOperation[] = [];
      for (const { key, value } of entries) {
        const rest = key.slice(this.prefix.length);
        const kind = rest.slice(0, 2);
        if (kind === 'm!') chunks.push(value as StoredChunk);
        else if (kind === 'x!') deletions.set(Number(rest.slice(2)), value as number[]);
        else if (kind === 'r!') {
          // Keys in id order: a later receive's state of a message overrides an earlier one.
          const id = Number(rest.slice(2));
          stateIds.add(id);
          this.lastSeq = Math.max(this.lastSeq, id);
          for (const [seq, count, firstAt, visibleAt] of value as StoredStates) latest.set(seq, { id, count, firstAt, visibleAt });
        } else if (kind === 'd!') {
          const record = value as StoredDedup;
          if (record.expiresAt > now) this.dedup.set(rest.slice(2), record);
          else operations.push({ type: 'del', key });
        }
      }
      const records = new Map<number, StateRecord>();
      const loaded: Message[] = [];
      for (const stored of chunks) {
        const seq = stored.messages[0].seq;
        const deleted = deletions.get(seq) ?? [];
        deletions.delete(seq);
        const chunk: Chunk = { seq, size: stored.messages.length, deleted: [...deleted], marked: deleted.length > 0 };
        const gone = new Set(deleted);
        for (const m of stored.messages) {
          this.lastSeq = Math.max(this.lastSeq, m.seq);
          if (gone.has(m.seq)) continue;
          const message = this.fromStored(m, chunk);
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
          loaded.push(message);
        }
        if (chunk.deleted.length >= chunk.size) operations.push({ type: 'del', key: this.key('m', seq) }, { type: 'del', key: this.key('x', seq) });
      }
      // Leftovers of interrupted writes: deletions of chunks that are gone, states nobody refers to.
      for (const seq of deletions.keys()) operations.push({ type: 'del', key: this.key('x', seq) });
      for (const id of stateIds) if (!records.has(id)) operations.push({ type: 'del', key: this.key('r', id) });
      for (const message of loaded) {
        this.bySeq.set(message.stored.seq, message);
        this.index(message, now);
      }
      this.store = store;
      // Past the retention period while the engine was down.
      const changes = new Changes();
      changes.operations.push(...operations);
      this.dropExpired(changes, now);
      this.writeInBackground(this.commit(changes));
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

  // --- the in-memory index -----------------------------------------------------------------------

  private newStoredMessage(v: Pick<ValidatedMessage, 'body' | 'attributes' | 'groupId' | 'deduplicationId' | 'delaySeconds'>, now: number): StoredMessage {
    const stored: StoredMessage = {
      v: 1,
      seq: this.nextSeq(now),
      id: randomUUID(),
      body: v.body,
      md5: md5Hex(v.body),
      sentAt: now,
      delayUntil: now + v.delaySeconds * 1000,
    };
    if (v.attributes) {
      stored.attributes = v.attributes;
      stored.md5Attributes = md5OfMessageAttributes(v.attributes);
    }
    if (v.groupId !== undefined) stored.groupId = v.groupId;
    if (v.deduplicationId !== undefined) stored.deduplicationId = v.deduplicationId;
    return stored;
  }

  private newChunk(stored: StoredChunk): Chunk {
    return { seq: stored.messages[0].seq, size: stored.messages.length, deleted: [], marked: false };
  }

  private fromStored(stored: StoredMessage, chunk: Chunk): Message {
    return { stored, chunk, receiveCount: 0, visibleAt: stored.delayUntil, inFlight: false, version: 0, deleted: false };
  }

  /** Sequence numbers (and receive-state ids): unique, increasing, also across restarts (µs since the epoch, or the last one + 1). */
  private nextSeq(now: number): number {
    this.lastSeq = Math.max(this.lastSeq + 1, now * 1000);
    return this.lastSeq;
  }

  /** A message just sent (or moved here) joins the index. */
  private enqueue(message: Message, now: number): void {
    this.bySeq.set(message.stored.seq, message);
    this.index(message, now);
  }

  private index(message: Message, now: number): void {
    if (this.definition.fifo) {
      const groupId = message.stored.groupId ?? '';
      let group = this.groups.get(groupId);
      if (!group) {
        group = { id: groupId, messages: [], head: 0, inFlight: 0 };
        this.groups.set(groupId, group);
      }
      message.group = group;
      group.messages.push(message);
      if (message.inFlight) {
        group.inFlight++;
        this.schedule(message);
      }
      this.refreshGroup(group, now);
      return;
    }
    if (message.visibleAt <= now && !message.inFlight) this.ready.add(message);
    else this.schedule(message);
  }

  private schedule(message: Message): void {
    this.timeline.push({ at: message.visibleAt, message, version: message.version });
  }

  private setVisibleAt(message: Message, at: number): void {
    message.visibleAt = at;
    message.version++;
    this.schedule(message);
  }

  /** A FIFO group can deliver when nothing of it is in flight and its first message is visible. */
  private refreshGroup(group: Group, now: number): void {
    while (group.head < group.messages.length && group.messages[group.head].deleted) group.head++;
    if (group.head > 1024 && group.head * 2 > group.messages.length) {
      group.messages = group.messages.slice(group.head);
      group.head = 0;
    }
    const head = group.messages[group.head];
    if (!head) {
      this.readyGroups.delete(group);
      if (group.inFlight === 0) this.groups.delete(group.id);
      return;
    }
    if (group.inFlight > 0) {
      this.readyGroups.delete(group);
      return;
    }
    if (head.visibleAt <= now) this.readyGroups.add(group);
    else {
      this.readyGroups.delete(group);
      this.schedule(head);
    }
  }

  /** Messages whose delay or visibility timeout ran out become visible. */
  private promote(now: number): void {
    for (let top = this.timeline.peek(); top && top.at <= now; top = this.timeline.peek()) {
      this.timeline.pop();
      const { message, version } = top;
      if (message.deleted || version !== message.version || message.visibleAt > now) continue;
      if (message.inFlight) {
        message.inFlight = false;
        if (message.group) message.group.inFlight--;
      }
      if (message.group) this.refreshGroup(message.group, now);
      else this.ready.add(message);
    }
  }

  private nextVisibleAt(): number {
    return this.timeline.peek()?.at ?? Infinity;
  }

  /** Takes up to maxMessages deliverable messages (dropping expired ones, redriving exhausted ones). */
  private take(options: ReceiveOptions): ReceivedMessage[] {
    if (this.closed) return [];
    const now = Date.now();
    this.promote(now);
    const visibility = (options.visibilityTimeoutSeconds ?? this.definition.visibilityTimeoutSeconds) * 1000;
    const expiry = now - this.definition.retentionSeconds * 1000;
    const maxReceives = this.definition.redrive?.maxReceiveCount;
    const out: ReceivedMessage[] = [];
    const changes = new Changes();
    let record: StateRecord | undefined;
    const states: StoredStates = [];
    const deliver = (message: Message): boolean => {
      if (message.stored.sentAt <= expiry) {
        this.remove(message, changes, now);
        return false;
      }
      if (maxReceives !== undefined && message.receiveCount >= maxReceives && this.redrive(message, changes, now)) return false;
      record ??= { id: this.nextSeq(now), refs: 0 };
      out.push(this.deliver(message, now, visibility, record, states, changes));
      return true;
    };
    if (this.definition.fifo) {
      for (const group of this.readyGroups) {
        this.readyGroups.delete(group);
        // A snapshot: removing a message may compact group.messages into a new array meanwhile.
        const list = group.messages;
        for (let i = group.head; i < list.length && out.length < options.maxMessages; i++) {
          const message = list[i];
          if (message.deleted) continue;
          if (message.inFlight || message.visibleAt > now) break;
          if (deliver(message)) group.inFlight++;
        }
        this.refreshGroup(group, now);
        if (out.length >= options.maxMessages) break;
      }
    } else {
      for (const message of this.ready) {
        this.ready.delete(message);
        deliver(message);
        if (out.length >= options.maxMessages) break;
      }
    }
    if (record && states.length > 0) changes.operations.push({ type: 'put', key: this.key('r', (record as StateRecord).id), value: states });
    this.writeInBackground(this.commit(changes));
    return out;
  }

  private deliver(message: Message, now: number, visibilityMs: number, record: StateRecord, states: StoredStates, changes: Changes): ReceivedMessage {
    message.receiveCount++;
    message.firstReceiveAt ??= now;
    message.inFlight = true;
    message.receivedAt = now;
    message.receipt = `${this.epoch}${(++this.receipts).toString(36)}`;
    this.setVisibleAt(message, now + visibilityMs);
    this.recordState(message, record, states, changes);
    const { stored } = message;
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(stored.sentAt),
      SenderId: LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    };
    if (this.definition.fifo) {
      attributes.SequenceNumber = sequenceNumber(stored.seq);
      if (stored.deduplicationId !== undefined) attributes.MessageDeduplicationId = stored.deduplicationId;
    }
    if (stored.groupId !== undefined) attributes.MessageGroupId = stored.groupId;
    if (stored.deadLetterSourceArn) attributes.DeadLetterQueueSourceArn = stored.deadLetterSourceArn;
    const received: ReceivedMessage = {
      messageId: stored.id,
      receiptHandle: encodeReceipt(this.definition.name, stored.seq, message.receipt),
      body: stored.body,
      md5OfBody: stored.md5,
      attributes,
      messageAttributes: stored.attributes ? cloneAttributes(stored.attributes) : {},
    };
    if (stored.md5Attributes) received.md5OfMessageAttributes = stored.md5Attributes;
    return received;
  }

  /** The message's receive state now lives in `record` (written by the caller with `states`). */
  private recordState(message: Message, record: StateRecord, states: StoredStates, changes: Changes): void {
    this.releaseState(message, changes);
    message.state = record;
    record.refs++;
    states.push([message.stored.seq, message.receiveCount, message.firstReceiveAt ?? 0, message.visibleAt]);
  }

  private releaseState(message: Message, changes: Changes): void {
    const state = message.state;
    if (!state) return;
    message.state = undefined;
    if (--state.refs === 0) changes.operations.push({ type: 'del', key: this.key('r', state.id) });
  }

  private remove(message: Message, changes: Changes, now: number): void {
    if (message.deleted) return;
    message.deleted = true;
    message.version++;
    this.bySeq.delete(message.stored.seq);
    this.ready.delete(message);
    this.releaseState(message, changes);
    message.chunk.deleted.push(message.stored.seq);
    changes.chunks.add(message.chunk);
    const group = message.group;
    if (group) {
      if (message.inFlight) group.inFlight--;
      this.refreshGroup(group, now);
    }
  }

  /** The store operations of `changes`: a chunk with nothing left goes, else its deletions are written. */
  private commit(changes: Changes): StoreOperation[] {
    const operations = changes.operations;
    for (const chunk of changes.chunks) {
      if (chunk.deleted.length >= chunk.size) {
        operations.push({ type: 'del', key: this.key('m', chunk.seq) });
        if (chunk.marked) operations.push({ type: 'del', key: this.key('x', chunk.seq) });
        chunk.marked = false;
      } else {
        operations.push({ type: 'put', key: this.key('x', chunk.seq), value: [...chunk.deleted] });
        chunk.marked = true;
      }
    }
    changes.chunks.clear();
    return operations;
  }

  /**
   * Moves a message that was received maxReceiveCount times to the dead-letter queue: in the same
   * atomic write when that queue is embedded too; else sent there, and deleted here once it is.
   * False when there is no dead-letter queue to move it to (it is delivered again).
   */
  private redrive(message: Message, changes: Changes, now: number): boolean {
    const target = this.deadLetterQueue();
    if (!target || target === this) return false;
    const sourceArn = this.definition.arn;
    if (target instanceof EmbeddedQueue) {
      if (!target.store || target.closed) return false;
      const moved = target.adopt(message.stored, sourceArn, now, changes.operations);
      this.remove(message, changes, now);
      // In the target's memory at once: the write carrying it is ordered before any later write of it.
      target.enqueue(moved, now);
      target.notify();
      return true;
    }
    // A real queue: out of this queue's view until it is sent; back after the visibility timeout if that fails.
    message.inFlight = true;
    message.receipt = undefined;
    this.setVisibleAt(message, now + this.definition.visibilityTimeoutSeconds * 1000);
    if (message.group) message.group.inFlight++;
    const stored = message.stored;
    const input: SendMessageInput = { body: stored.body };
    if (stored.attributes) input.messageAttributes = stored.attributes;
    if (stored.groupId !== undefined) input.messageGroupId = stored.groupId;
    if (stored.deduplicationId !== undefined && target.definition.fifo) input.messageDeduplicationId = stored.deduplicationId;
    target.send([input]).then(
      () => {
        const moved = new Changes();
        this.remove(message, moved, Date.now());
        this.writeInBackground(this.commit(moved));
      },
      () => undefined,
    );
    return true;
  }

  /** A message redriven from another embedded queue: same id, body, attributes and sent time; a new sequence number here. */
  private adopt(source: StoredMessage, sourceArn: string, now: number, operations: StoreOperation[]): Message {
    const stored: StoredMessage = { ...source, seq: this.nextSeq(now), delayUntil: now, deadLetterSourceArn: sourceArn };
    if (!this.definition.fifo) delete stored.deduplicationId;
    const chunk: StoredChunk = { v: 1, messages: [stored] };
    operations.push({ type: 'put', key: this.key('m', stored.seq), value: chunk });
    return this.fromStored(stored, this.newChunk(chunk));
  }

  private byReceipt(handle: string): Message | undefined {
    const decoded = decodeReceipt(handle);
    if (!decoded || decoded.queue !== this.definition.name) return undefined;
    const message = this.bySeq.get(decoded.seq);
    return message && message.receipt === decoded.receipt ? message : undefined;
  }

  private dropExpired(changes: Changes, now: number): void {
    const expiry = now - this.definition.retentionSeconds * 1000;
    for (const message of [...this.bySeq.values()]) if (message.stored.sentAt <= expiry) this.remove(message, changes, now);
  }

  /** Drops messages past the retention period and expired deduplication records. */
  private sweep(): void {
    if (this.closed || !this.store) return;
    const now = Date.now();
    const changes = new Changes();
    this.dropExpired(changes, now);
    for (const [id, record] of this.dedup) {
      if (record.expiresAt <= now) {
        this.dedup.delete(id);
        changes.operations.push({ type: 'del', key: this.dedupKey(id) });
      }
    }
    this.writeInBackground(this.commit(changes));
  }

  // --- long polling ------------------------------------------------------------------------------

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves when a message may have arrived, after `ms`, or when `signal` aborts. */
  private waitForMessages(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  // --- writing -----------------------------------------------------------------------------------

  /** A durable write (sends, purge): resolves once it is on disk. */
  private write(operations: StoreOperation[], durable: boolean): Promise<void> {
    try {
      this.throwWriteError();
    } catch (error) {
      return Promise.reject(error);
    }
    if (operations.length === 0) return Promise.resolve();
    if (!this.store) return Promise.reject(new Error(`The queue ${this.definition.name} is not loaded`));
    return writerFor(this.store).write(operations, durable);
  }

  /** A write nobody waits for (deletes, receive states, redrives, expiries). */
  private writeInBackground(operations: StoreOperation[]): void {
    if (!this.store || operations.length === 0) return;
    writerFor(this.store).writeLater(operations, (error) => {
      this.writeError ??= error;
    });
  }

  /** A background write failed: the next call that writes reports it (once). */
  private throwWriteError(): void {
    const error = this.writeError;
    if (!error) return;
    this.writeError = undefined;
    throw error;
  }

  private key(kind: 'm' | 'x' | 'r', seq: number): string {
    return `${this.prefix}${kind}!${sequenceNumber(seq)}`;
  }

  private dedupKey(id: string): string {
    return `${this.prefix}d!${id}`;
  }
}

const SWEEP_INTERVAL_MS = 60_000;

/** SQS's SequenceNumber: a 20-digit, increasing decimal string. */
function sequenceNumber(seq: number): string {
  return String(seq).padStart(20, '0');
}

function encodeReceipt(queue: string, seq: number, receipt: string): string {
  return Buffer.from(`${seq}:${receipt}:${queue}`, 'utf8').toString('base64url');
}

function decodeReceipt(handle: string): { seq: number; receipt: string; queue: string } | undefined {
  if (typeof handle !== 'string' || handle.length === 0 || handle.length > 1024) return undefined;
  const text = Buffer.from(handle, 'base64url').toString('utf8');
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  if (first <= 0 || second <= first) return undefined;
  const seq = Number(text.slice(0, first));
  if (!Number.isSafeInteger(seq)) return undefined;
  return { seq, receipt: text.slice(first + 1, second), queue: text.slice(second + 1) };
}

function cloneAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  const copy: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) copy[name] = { ...value };
  return copy;
}

// --- one writer per store: ordered, group-committed ------------------------------------------------
