import { createHash } from 'node:crypto';
import { WorkbenchError } from '../errors';
import type { MessageAttributeValue, QueueDefinition, ReceiveOptions, SendMessageInput } from './types';

// SQS's rules for messages, shared by the embedded queue and its tests: the limits and validation
// errors SendMessage / ReceiveMessage answer with, and the MD5 digests SQS computes (of the body, and
// of the message attributes in SQS's own binary encoding, which the AWS SDK checks).
//
// Errors are WorkbenchError('InvalidParameterValueException', SQS's message, SQS's error code as
// `reason`: InvalidParameterValue, MissingParameter, InvalidMessageContents, …).

/** MaximumMessageSize when the queue does not say (SQS's long-standing default, 256 KiB). */
export const DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;
/** Entries of one SendMessageBatch. */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
export const MAX_DELAY_SECONDS = 900;
export const MAX_WAIT_TIME_SECONDS = 20;
/** FIFO deduplication interval. */
export const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

export function sqsError(reason: string, message: string): WorkbenchError {
  return new WorkbenchError('InvalidParameterValueException', message, reason);
}

function invalidValue(value: unknown, parameter: string, why: string): WorkbenchError {
  return sqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${why}`);
}

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * MD5OfMessageAttributes as SQS computes it: for each attribute, by name: the name, the data type
 * (each as a 4-byte big-endian length and UTF-8 bytes), a transport byte (1 string, 2 binary), the
 * value (length and bytes). Undefined when there are no attributes.
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): string | undefined {
  if (!attributes) return undefined;
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of names) {
    const a = attributes[name];
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    if (isBinaryType(a.DataType)) {
      hash.update(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue ?? '', 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      field(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

export function isBinaryType(dataType: string): boolean {
  return dataType === 'Binary' || dataType.startsWith('Binary.');
}

/** Characters SQS accepts (#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF). */
const INVALID_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * The body SQS stores: characters outside its set are replaced with U+FFFD (SQS's behaviour since
 * 2025), unless nothing valid is left (InvalidMessageContents). An empty body is MissingParameter.
 */
export function sanitizeBody(body: unknown): string {
  if (typeof body !== 'string' || body.length === 0) throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  INVALID_CHARACTERS.lastIndex = 0;
  if (!INVALID_CHARACTERS.test(body)) return body;
  const replaced = body.replace(INVALID_CHARACTERS, '\uFFFD');
  if (/^\uFFFD*$/.test(replaced) && !body.includes('\uFFFD')) {
    throw sqsError(
      'InvalidMessageContents',
      'Invalid characters found in the message body: no valid character is left (see the allowed characters of https://www.w3.org/TR/REC-xml/#charsets).',
    );
  }
  return replaced;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]{1,256}$/;
const NUMBER_VALUE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Checks message attributes as SQS does; returns their size in bytes (names, types, values). */
export function validateMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): number {
  if (!attributes) return 0;
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidValue(
      `[${names.length}]`,
      'MessageAttributes',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  let size = 0;
  for (const name of names) {
    const a = attributes[name];
    const lower = name.toLowerCase();
    if (
      !ATTRIBUTE_NAME.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..') ||
      lower.startsWith('aws.') ||
      lower.startsWith('amazon.')
    ) {
      throw sqsError(
        'InvalidParameterValue',
        `Message (user) attribute name '${name}' is invalid: names use letters, digits, '-', '_' and '.', at most 256 characters, no leading, trailing or consecutive periods, and do not start with 'AWS.' or 'Amazon.'.`,
      );
    }
    const type = a?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\.[A-Za-z0-9_\-.]+)?$/.test(type) || type.length > 256) {
      throw sqsError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const binary = isBinaryType(type);
    const kind = binary ? 'Binary' : 'String';
    const value = binary ? a.BinaryValue : a.StringValue;
    if (typeof value !== 'string' || value.length === 0) {
      throw sqsError('InvalidParameterValue', `Message (user) attribute '${name}' must contain a non-empty value of type '${kind}'.`);
    }
    if (binary && !BASE64.test(value)) {
      throw sqsError('InvalidParameterValue', `Message (user) attribute '${name}' has a BinaryValue that is not valid base64.`);
    }
    if (type.startsWith('Number') && !NUMBER_VALUE.test(value)) {
      throw sqsError('InvalidParameterValue', `Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(type) + (binary ? Buffer.from(value, 'base64').length : Buffer.byteLength(value));
  }
  return size;
}

/** FIFO message group and deduplication ids: 1–128 alphanumeric or punctuation characters. */
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

export interface ValidatedMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  /** Seconds the message stays invisible after sending (its own DelaySeconds or the queue's). */
  delaySeconds: number;
  groupId?: string;
  /** FIFO: the explicit id, or the SHA-256 of the body with content-based deduplication. */
  deduplicationId?: string;
  /** The AWSTraceHeader message system attribute. */
  traceHeader?: string;
  size: number;
}

/** SendMessage / SendMessageBatch validation: every entry is checked before anything is stored. */
export function validateSend(definition: QueueDefinition, messages: SendMessageInput[]): ValidatedMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw sqsError('AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
  }
  if (messages.length > MAX_BATCH_ENTRIES) {
    throw sqsError(
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${messages.length}.`,
    );
  }
  const limit = definition.maximumMessageSizeBytes ?? DEFAULT_MAXIMUM_MESSAGE_SIZE;
  let total = 0;
  const result = messages.map((m) => {
    const body = sanitizeBody(m.body);
    const size = Buffer.byteLength(body) + validateMessageAttributes(m.messageAttributes);
    if (size > limit) {
      throw invalidValue('MessageBody', 'MessageBody', `Message must be shorter than ${limit} bytes.`);
    }
    total += size;
    let delaySeconds = definition.delaySeconds;
    if (m.delaySeconds !== undefined) {
      if (definition.fifo) throw invalidValue(m.delaySeconds, 'DelaySeconds', 'The request include parameter that is not valid for this queue type.');
      if (!Number.isInteger(m.delaySeconds) || m.delaySeconds < 0 || m.delaySeconds > MAX_DELAY_SECONDS) {
        throw invalidValue(m.delaySeconds, 'DelaySeconds', `DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
      }
      delaySeconds = m.delaySeconds;
    }
    const validated: ValidatedMessage = { body, delaySeconds, size };
    if (m.messageAttributes && Object.keys(m.messageAttributes).length > 0) validated.attributes = m.messageAttributes;
    if (m.traceHeader !== undefined) validated.traceHeader = m.traceHeader;
    if (m.messageGroupId !== undefined) {
      if (!FIFO_ID.test(m.messageGroupId)) invalidFifoId(m.messageGroupId, 'MessageGroupId');
      validated.groupId = m.messageGroupId;
    } else if (definition.fifo) {
      throw sqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    }
    if (m.messageDeduplicationId !== undefined) {
      if (!definition.fifo) {
        throw invalidValue(m.messageDeduplicationId, 'MessageDeduplicationId', 'The request includes a parameter that is not valid for this queue type.');
      }
      if (!FIFO_ID.test(m.messageDeduplicationId)) invalidFifoId(m.messageDeduplicationId, 'MessageDeduplicationId');
      validated.deduplicationId = m.messageDeduplicationId;
    } else if (definition.fifo) {
      if (!definition.contentBasedDeduplication) {
        throw sqsError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      validated.deduplicationId = createHash('sha256').update(body).digest('hex');
    }
    return validated;
  });
  if (messages.length > 1 && total > limit) {
    throw sqsError('AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${total} bytes.`);
  }
  return result;
}

function invalidFifoId(value: string, parameter: string): never {
  throw invalidValue(value, parameter, `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
}

export function validateReceive(options: ReceiveOptions): void {
  const max = options.maxMessages;
  if (!Number.isInteger(max) || max < 1 || max > 10) throw invalidValue(max, 'MaxNumberOfMessages', 'Must be between 1 and 10, if provided.');
  const wait = options.waitTimeSeconds;
  if (wait !== undefined && (!Number.isFinite(wait) || wait < 0 || wait > MAX_WAIT_TIME_SECONDS)) {
    throw invalidValue(wait, 'WaitTimeSeconds', `Must be >= 0 and <= ${MAX_WAIT_TIME_SECONDS}, if provided.`);
  }
  if (options.visibilityTimeoutSeconds !== undefined) validateVisibility(options.visibilityTimeoutSeconds);
}

export function validateVisibility(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw invalidValue(seconds, 'VisibilityTimeout', `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT_SECONDS}, if provided.`);
  }
}
