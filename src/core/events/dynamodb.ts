import { decimalOf, EventOptionError, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// DynamoDB Streams records as Lambda's event source mapping delivers them: typed attribute values
// ({S}, {N}, {M}…), the images the stream view type carries, increasing sequence numbers. By default
// one item's life: INSERT, MODIFY, REMOVE (as `sam local generate-event dynamodb update`).

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
export type DynamoDbEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

export interface DynamoDbStreamRecord {
  ApproximateCreationDateTime: number;
  Keys: Record<string, AttributeValue>;
  NewImage?: Record<string, AttributeValue>;
  OldImage?: Record<string, AttributeValue>;
  SequenceNumber: string;
  SizeBytes: number;
  StreamViewType: StreamViewType;
}

export interface DynamoDbRecord {
  eventID: string;
  eventName: DynamoDbEventName;
  eventVersion: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: DynamoDbStreamRecord;
  /** Only on REMOVE records of items that Time to Live deleted. */
  userIdentity?: { type: 'Service'; principalId: 'dynamodb.amazonaws.com' };
  eventSourceARN: string;
}

export interface DynamoDbStreamEvent {
  Records: DynamoDbRecord[];
}

const VIEW_TYPES: readonly StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

export const DYNAMODB_UPDATE_OPTIONS: readonly OptionSpec[] = [
  option('table', 'string', 'ExampleTableWithStream', 'table name'),
  option('event-names', 'list', 'INSERT,MODIFY,REMOVE', 'the records, in order (comma-separated INSERT, MODIFY, REMOVE)'),
  option('item', 'json', '{"Id":101,"Message":"New item!"}', 'the item as inserted (plain JSON; typed in the event)'),
  option('updated-item', 'json', '{"Id":101,"Message":"This item has changed"}', 'the item after MODIFY'),
  option('key-attributes', 'list', 'Id', 'the key attributes of the table (partition key, sort key)'),
  option('stream-view-type', 'string', 'NEW_AND_OLD_IMAGES', 'which images the records carry', VIEW_TYPES),
  option('ttl', 'flag', undefined, 'REMOVE records are Time to Live deletions (userIdentity dynamodb.amazonaws.com)'),
];

/** Plain JSON to DynamoDB's typed attribute values (strings S, numbers N, booleans BOOL, null NULL, arrays L, objects M). */
export function marshall(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EventOptionError(`cannot store ${value} in DynamoDB`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshall) };
  if (typeof value === 'object') return { M: marshallItem(value as Record<string, unknown>) };
  throw new EventOptionError(`cannot store a ${typeof value} in DynamoDB`);
}

export function marshallItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) out[k] = marshall(v);
  return out;
}

/** DynamoDB's item size rules, roughly: names and values in UTF-8 bytes, numbers by digits. */
function attributeSize(value: AttributeValue): number {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const numberSize = (n: string) => Math.ceil(n.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if ('S' in value) return bytes(value.S);
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return value.SS.reduce((n, s) => n + bytes(s), 0);
  if ('NS' in value) return value.NS.reduce((n, s) => n + numberSize(s), 0);
  if ('BS' in value) return value.BS.reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
  if ('L' in value) return 3 + value.L.reduce((n, v) => n + 1 + attributeSize(v), 0);
  return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + 1 + bytes(k) + attributeSize(v), 0);
}

function imageSize(image: Record<string, AttributeValue> | undefined): number {
  if (!image) return 0;
  return Object.entries(image).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + attributeSize(v), 0);
}

function item(ctx: EventContext, name: string): Record<string, unknown> {
  const value = ctx.json(name);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new EventOptionError(`--${name}: expected a JSON object (the item)`);
  return value as Record<string, unknown>;
}

/** `dynamodb update`: stream records of an item's changes. */
export function dynamodbUpdateEvent(values: EventOptionValues = {}): DynamoDbStreamEvent {
  const ctx = resolveOptions(DYNAMODB_UPDATE_OPTIONS, values);
  const names = ctx.list('event-names').map((n) => n.toUpperCase());
  if (names.length === 0) throw new EventOptionError('--event-names: give at least one of INSERT, MODIFY, REMOVE');
  for (const n of names) {
    if (!['INSERT', 'MODIFY', 'REMOVE'].includes(n)) throw new EventOptionError(`--event-names: expected INSERT, MODIFY or REMOVE, got "${n}"`);
  }
  const viewType = ctx.choice<StreamViewType>('stream-view-type');
  const inserted = marshallItem(item(ctx, 'item'));
  const updated = marshallItem(item(ctx, 'updated-item'));
  const keyNames = ctx.list('key-attributes');
  if (keyNames.length === 0) throw new EventOptionError('--key-attributes: give the key attribute names');
  for (const k of keyNames) {
    if (!(k in inserted)) throw new EventOptionError(`--key-attributes: --item has no attribute "${k}"`);
    if (names.includes('MODIFY') && !(k in updated)) throw new EventOptionError(`--key-attributes: --updated-item has no attribute "${k}"`);
  }
  const keysOf = (image: Record<string, AttributeValue>) => Object.fromEntries(keyNames.map((k) => [k, image[k]]));
  const table = ctx.string('table');
  // A stream's label is the time it was enabled, as ISO 8601 without the zone.
  const streamArn = ctx.arn('dynamodb', `table/${table}/stream/${new Date(ctx.now - 86_400_000 * 30).toISOString().slice(0, -1)}`);
  let sequence = decimalOf(ctx.random, '4', 27);
  let current: Record<string, AttributeValue> | undefined;
  const records = names.map((eventName, i): DynamoDbRecord => {
    let newImage: Record<string, AttributeValue> | undefined;
    let oldImage: Record<string, AttributeValue> | undefined;
    if (eventName === 'INSERT') newImage = current = inserted;
    else if (eventName === 'MODIFY') {
      oldImage = current ?? inserted;
      newImage = current = updated;
    } else {
      oldImage = current ?? inserted;
      current = undefined;
    }
    const keys = keysOf(newImage ?? oldImage!);
    const withNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const withOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const stream: DynamoDbStreamRecord = {
      ApproximateCreationDateTime: Math.floor(ctx.now / 1000) - (names.length - 1 - i),
      Keys: structuredClone(keys),
      ...(withNew && newImage ? { NewImage: structuredClone(newImage) } : {}),
      ...(withOld && oldImage ? { OldImage: structuredClone(oldImage) } : {}),
      SequenceNumber: sequence.toString(),
      SizeBytes: imageSize(keys) + (withNew ? imageSize(newImage) : 0) + (withOld ? imageSize(oldImage) : 0),
      StreamViewType: viewType,
    };
    sequence += BigInt(ctx.random.int(1, 999_999)) * 100n;
    return {
      eventID: ctx.random.hex(32),
      eventName: eventName as DynamoDbEventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: ctx.region,
      dynamodb: stream,
      ...(eventName === 'REMOVE' && ctx.flag('ttl') ? { userIdentity: { type: 'Service' as const, principalId: 'dynamodb.amazonaws.com' as const } } : {}),
      eventSourceARN: streamArn,
    };
  });
  return { Records: records };
}
