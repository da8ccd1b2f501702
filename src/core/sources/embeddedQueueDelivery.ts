import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import type { QueueMessage } from './embeddedQueueIndex';
import { sequenceNumber } from './embeddedQueueLayout';
import type { MessageAttributeValue, QueueDefinition, ReceivedMessage } from './types';

// What a receive hands out for a message of an embedded queue: SQS's system attributes, and a
// receipt handle. The handle names the queue, the message's sequence number and the receipt of this
// receive, so that a handle of an earlier receive (or of an earlier engine) is recognised as stale.

/** The message as ReceiveMessage returns it (after the receive updated its count and receipt). */
export function receivedMessage(definition: QueueDefinition, message: QueueMessage, receipt: string): ReceivedMessage {
  const { stored } = message;
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(stored.sentAt),
    SenderId: LOCAL_ACCOUNT_ID,
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
  };
  if (definition.fifo) {
    attributes.SequenceNumber = sequenceNumber(stored.seq);
    if (stored.deduplicationId !== undefined) attributes.MessageDeduplicationId = stored.deduplicationId;
  }
  if (stored.groupId !== undefined) attributes.MessageGroupId = stored.groupId;
  if (stored.deadLetterSourceArn) attributes.DeadLetterQueueSourceArn = stored.deadLetterSourceArn;
  if (stored.traceHeader !== undefined) attributes.AWSTraceHeader = stored.traceHeader;
  const received: ReceivedMessage = {
    messageId: stored.id,
    receiptHandle: encodeReceipt(definition.name, stored.seq, receipt),
    body: stored.body,
    md5OfBody: stored.md5,
    attributes,
    // A copy: the caller may change what it received without changing the stored message.
    messageAttributes: stored.attributes ? cloneAttributes(stored.attributes) : {},
  };
  if (stored.md5Attributes) received.md5OfMessageAttributes = stored.md5Attributes;
  return received;
}

function encodeReceipt(queue: string, seq: number, receipt: string): string {
  return Buffer.from(`${seq}:${receipt}:${queue}`, 'utf8').toString('base64url');
}

/** What a receipt handle names; undefined when it is not one of ours. */
export function decodeReceipt(handle: string): { seq: number; receipt: string; queue: string } | undefined {
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
