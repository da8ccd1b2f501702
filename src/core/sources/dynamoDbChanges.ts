import { StreamApiError } from './streamApiError';
import type { DynamoDbChange, StreamDefinition } from './types';

// DynamoDB changes as a stream keeps them: a change's images cut to the table's StreamViewType
// (what the stream does not carry is dropped when written, not when read), its size as DynamoDB
// counts it (SizeBytes), and its partition key: the item's Keys, so that the changes of one item stay in
// one shard and in order.

/** The partition key of a DynamoDB change: its Keys as canonical JSON (attribute names sorted). */
export function dynamoDbPartitionKey(keys: Record<string, unknown>): string {
  return canonicalJson(keys);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The change as the stream keeps it (validated, images cut to the view type), and its size in bytes. */
export function keptChange(change: DynamoDbChange, viewType: NonNullable<StreamDefinition['streamViewType']>): { kept: DynamoDbChange; size: number } {
  if (!['INSERT', 'MODIFY', 'REMOVE'].includes(change.eventName)) {
    throw new StreamApiError('ValidationException', `Unknown eventName ${String(change.eventName)}`);
  }
  if (!change.Keys || typeof change.Keys !== 'object' || Object.keys(change.Keys).length === 0) {
    throw new StreamApiError('ValidationException', "A change needs the item's Keys");
  }
  const kept: DynamoDbChange = { eventName: change.eventName, Keys: change.Keys };
  const wantsNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
  const wantsOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
  if (wantsNew && change.eventName !== 'REMOVE' && change.NewImage) kept.NewImage = change.NewImage;
  if (wantsOld && change.eventName !== 'INSERT' && change.OldImage) kept.OldImage = change.OldImage;
  const size = [kept.Keys, kept.NewImage, kept.OldImage].reduce((sum: number, item) => sum + (item ? itemSize(item) : 0), 0);
  return { kept, size };
}

/**
 * An item's size as DynamoDB counts it (its stream records' SizeBytes add up the Keys and images):
 * attribute names' UTF-8 bytes plus each value's — a string's UTF-8 bytes, a binary's bytes, a number
 * one byte per two significant digits plus one, a boolean or null one, a list or map 3 bytes and one
 * per element besides its elements, a set its elements.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  const [type, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N':
      return numberSize(String(v));
    case 'B':
      return binarySize(v);
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as unknown[]).reduce((sum: number, e) => sum + Buffer.byteLength(String(e)), 0);
    case 'NS':
      return (v as unknown[]).reduce((sum: number, e) => sum + numberSize(String(e)), 0);
    case 'BS':
      return (v as unknown[]).reduce((sum: number, e) => sum + binarySize(e), 0);
    case 'L':
      return (v as unknown[]).reduce((sum: number, e) => sum + 1 + valueSize(e), 3);
    case 'M':
      return Object.keys(v as object).length + itemSize(v as Record<string, unknown>) + 3;
    default:
      return 0;
  }
}

function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1 + (n.startsWith('-') ? 1 : 0);
}

/** A binary value: its bytes (base64 in the JSON form of a change). */
function binarySize(b: unknown): number {
  if (b instanceof Uint8Array) return b.length;
  return Buffer.from(String(b), 'base64').length;
}
