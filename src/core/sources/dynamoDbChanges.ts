import { StreamApiError } from './streamApiError';
import type { DynamoDbChange, StreamDefinition } from './types';

// DynamoDB changes as a stream keeps them: a change's images cut to the table's StreamViewType
// (what the stream does not carry is dropped when written, not when read), its size as AWS counts
// it (SizeBytes), and its partition key: the item's Keys, so that the changes of one item stay in
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
  const size = Buffer.byteLength(JSON.stringify({ Keys: kept.Keys, NewImage: kept.NewImage, OldImage: kept.OldImage }));
  return { kept, size };
}
