import { EventOptionError, md5Hex, option, resolveOptions, sha256Hex, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// An SQS batch as Lambda's event source mapping delivers it: standard or FIFO queue attributes,
// md5OfBody computed, and md5OfMessageAttributes computed with SQS's algorithm when the messages
// carry attributes.

export interface SqsMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface SqsRecordAttributes {
  ApproximateReceiveCount: string;
  SentTimestamp: string;
  SequenceNumber?: string;
  MessageGroupId?: string;
  SenderId: string;
  MessageDeduplicationId?: string;
  ApproximateFirstReceiveTimestamp: string;
}

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: SqsRecordAttributes;
  messageAttributes: Record<string, SqsMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export const SQS_RECEIVE_MESSAGE_OPTIONS: readonly OptionSpec[] = [
  option('queue-name', 'string', 'MyQueue', 'queue name (".fifo" is added for --fifo)'),
  option('body', 'string', 'Hello from SQS!', 'message body (every record)'),
  option('records', 'integer', '1', 'number of messages in the batch (1-10000)'),
  option('fifo', 'flag', undefined, 'a FIFO queue: MessageGroupId, MessageDeduplicationId and SequenceNumber attributes'),
  option('message-group-id', 'string', 'group-1', 'MessageGroupId of FIFO messages'),
  option('receive-count', 'integer', '1', 'ApproximateReceiveCount'),
  option('message-attributes', 'json', undefined, 'message attributes, JSON: {"name": "text" | number | {"dataType": "Binary", "binaryValue": "<base64>"}}'),
];

/** The attributes as SQS delivers them, from `{name: value}` or full `{dataType, stringValue|binaryValue}` entries. */
export function sqsMessageAttributes(input: unknown): Record<string, SqsMessageAttribute> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new EventOptionError('--message-attributes: expected a JSON object');
  const out: Record<string, SqsMessageAttribute> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' };
    else if (typeof value === 'number') out[name] = { stringValue: String(value), stringListValues: [], binaryListValues: [], dataType: 'Number' };
    else if (value && typeof value === 'object' && typeof (value as { dataType?: unknown }).dataType === 'string') {
      const v = value as { dataType: string; stringValue?: unknown; binaryValue?: unknown };
      if (typeof v.binaryValue === 'string') out[name] = { binaryValue: v.binaryValue, stringListValues: [], binaryListValues: [], dataType: v.dataType };
      else if (typeof v.stringValue === 'string') out[name] = { stringValue: v.stringValue, stringListValues: [], binaryListValues: [], dataType: v.dataType };
      else throw new EventOptionError(`--message-attributes: "${name}" needs a stringValue or a binaryValue`);
    } else throw new EventOptionError(`--message-attributes: "${name}" must be a string, a number or {dataType, stringValue|binaryValue}`);
  }
  return out;
}

/**
 * MD5 of message attributes as SQS computes it: for each attribute in name order, the name, the
 * data type (each preceded by its 4-byte big-endian length), a transport byte (1 string, 2 binary)
 * and the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, SqsMessageAttribute>): string {
  const parts: Buffer[] = [];
  const withLength = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    parts.push(length, data);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name];
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(attribute.dataType, 'utf8'));
    if (attribute.binaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(attribute.binaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(attribute.stringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

function receiptHandle(ctx: EventContext): string {
  return `AQEB${ctx.random.base64(132)}`;
}

/** `sqs receive-message`: a batch from a standard or FIFO queue. */
export function sqsReceiveMessageEvent(values: EventOptionValues = {}): SqsEvent {
  const ctx = resolveOptions(SQS_RECEIVE_MESSAGE_OPTIONS, values);
  const fifo = ctx.flag('fifo') || ctx.string('queue-name').endsWith('.fifo');
  const queue = fifo && !ctx.string('queue-name').endsWith('.fifo') ? `${ctx.string('queue-name')}.fifo` : ctx.string('queue-name');
  if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(queue)) throw new EventOptionError(`--queue-name: not a valid queue name: "${queue}"`);
  const count = ctx.integer('records', 1, 10000);
  const body = ctx.string('body');
  const attributes = sqsMessageAttributes(ctx.json('message-attributes'));
  const hasAttributes = Object.keys(attributes).length > 0;
  const senderId = `AIDA${ctx.random.upper(17)}`;
  let sequence = BigInt(`18${ctx.random.digits(18)}`);
  const records: SqsRecord[] = [];
  for (let i = 0; i < count; i++) {
    const sent = ctx.now - 1000 + i;
    const base = { ApproximateReceiveCount: String(ctx.integer('receive-count', 1)), SentTimestamp: String(sent) };
    const recordAttributes: SqsRecordAttributes = fifo
      ? {
          ...base,
          SequenceNumber: String(sequence),
          MessageGroupId: ctx.string('message-group-id'),
          SenderId: senderId,
          // Content-based deduplication: the SHA-256 of the body (distinct bodies' ids for a batch of copies).
          MessageDeduplicationId: sha256Hex(i === 0 ? body : `${body}\u0000${i}`),
          ApproximateFirstReceiveTimestamp: String(sent + 12),
        }
      : { ...base, SenderId: senderId, ApproximateFirstReceiveTimestamp: String(sent + 12) };
    sequence += BigInt(ctx.random.int(1, 1 << 20)) * 65536n;
    records.push({
      messageId: ctx.random.uuid(),
      receiptHandle: receiptHandle(ctx),
      body,
      attributes: recordAttributes,
      messageAttributes: structuredClone(attributes),
      md5OfBody: md5Hex(Buffer.from(body, 'utf8')),
      ...(hasAttributes ? { md5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: ctx.arn('sqs', queue),
      awsRegion: ctx.region,
    });
  }
  return { Records: records };
}
