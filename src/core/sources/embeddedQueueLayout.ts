import { randomUUID } from 'node:crypto';
import type { StoreOperation } from '../store/stateStore';
import type { QueueMessage } from './embeddedQueueIndex';
import { md5Hex, md5OfMessageAttributes, type ValidatedMessage } from './sqsMessages';
import type { MessageAttributeValue } from './types';

// What an embedded queue keeps in the store, and how a change in memory becomes store operations.
// Keys go under `sqs!<queue name>!`. There are a few keys per batch, not several per message,
// because per-message keys made every send and receive several times as many LevelDB writes:
//   m!<seq>   a chunk: the messages of one send() call (body, attributes, group…), written once;
//             <seq> is its first message's sequence number
//   x!<seq>   the messages of chunk <seq> deleted so far, while some of it is left (the chunk and
//             this key go when the last one is deleted)
//   r!<id>    the receive states (count, first receive, visible-at) of the messages one receive()
//             delivered; a later receive of a message supersedes its entry; the key goes when no
//             message still refers to it
//   d!<id>    FIFO deduplication record (message id, sequence number, expiry)

const PREFIX = 'sqs!';

export interface StoredMessage {
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
  /** The AWSTraceHeader message system attribute. */
  traceHeader?: string;
}

export interface StoredChunk {
  v: 1;
  messages: StoredMessage[];
}

/** One receive's states: [seq, receive count, first receive, visible at]. */
export type StoredStates = Array<[number, number, number, number]>;

export interface StoredDedup {
  id: string;
  seq: number;
  md5: string;
  expiresAt: number;
}

/** A chunk in memory: which of its messages are deleted. */
export interface Chunk {
  seq: number;
  size: number;
  deleted: number[];
  /** Its x! key exists. */
  marked: boolean;
}

/** An r! key in memory: how many live messages have their current state in it. */
export interface StateRecord {
  id: number;
  refs: number;
}

/** The key prefix of a queue's records. */
export function queueKeyPrefix(queueName: string): string {
  return `${PREFIX}${queueName}!`;
}

export function recordKey(prefix: string, kind: 'm' | 'x' | 'r', seq: number): string {
  return `${prefix}${kind}!${sequenceNumber(seq)}`;
}

export function dedupKey(prefix: string, deduplicationId: string): string {
  return `${prefix}d!${deduplicationId}`;
}

/** SQS's SequenceNumber: a 20-digit, increasing decimal string (also how keys sort by sequence). */
export function sequenceNumber(seq: number): string {
  return String(seq).padStart(20, '0');
}

/** A message as it is written in its chunk; `seq` comes from the queue's sequence. */
export function newStoredMessage(
  v: Pick<ValidatedMessage, 'body' | 'attributes' | 'groupId' | 'deduplicationId' | 'delaySeconds' | 'traceHeader'>,
  seq: number,
  now: number,
): StoredMessage {
  const stored: StoredMessage = {
    v: 1,
    seq,
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
  if (v.traceHeader !== undefined) stored.traceHeader = v.traceHeader;
  return stored;
}

/** The in-memory side of a chunk just written (nothing of it deleted yet). */
export function newChunk(stored: StoredChunk): Chunk {
  return { seq: stored.messages[0].seq, size: stored.messages.length, deleted: [], marked: false };
}

/**
 * What one operation changed, as store operations. Deletions are collected per chunk and turned
 * into operations only by commit(), so that many deletes of one chunk cost one write.
 */
export class Changes {
  readonly operations: StoreOperation[] = [];
  private readonly chunks = new Set<Chunk>();

  constructor(private readonly prefix: string) {}

  /** The message is deleted: its chunk records it, and its receive state is let go. */
  deleteMessage(message: QueueMessage): void {
    this.releaseState(message);
    message.chunk.deleted.push(message.stored.seq);
    this.chunks.add(message.chunk);
  }

  /** The message's receive state now lives in `record` (written with `states` by putStates). */
  recordState(message: QueueMessage, record: StateRecord, states: StoredStates): void {
    this.releaseState(message);
    message.state = record;
    record.refs++;
    states.push([message.stored.seq, message.receiveCount, message.firstReceiveAt ?? 0, message.visibleAt]);
  }

  putStates(record: StateRecord, states: StoredStates): void {
    this.operations.push({ type: 'put', key: recordKey(this.prefix, 'r', record.id), value: states });
  }

  /** The message no longer refers to its r! key; the key goes with its last reference. */
  private releaseState(message: QueueMessage): void {
    const state = message.state;
    if (!state) return;
    message.state = undefined;
    if (--state.refs === 0) this.operations.push({ type: 'del', key: recordKey(this.prefix, 'r', state.id) });
  }

  /** The store operations: a chunk with nothing left goes, else its deletions are written. */
  commit(): StoreOperation[] {
    const operations = this.operations;
    for (const chunk of this.chunks) {
      if (chunk.deleted.length >= chunk.size) {
        operations.push({ type: 'del', key: recordKey(this.prefix, 'm', chunk.seq) });
        if (chunk.marked) operations.push({ type: 'del', key: recordKey(this.prefix, 'x', chunk.seq) });
        chunk.marked = false;
      } else {
        operations.push({ type: 'put', key: recordKey(this.prefix, 'x', chunk.seq), value: [...chunk.deleted] });
        chunk.marked = true;
      }
    }
    this.chunks.clear();
    return operations;
  }
}
