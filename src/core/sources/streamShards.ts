import { createHash } from 'node:crypto';
import { StreamApiError } from './streamApiError';
import type { StreamDefinition } from './types';

// How an embedded stream's shards are laid out, as Kinesis does it: the 128-bit MD5 hash key space
// split evenly between the shards (as CreateStream does), a record's partition key hashed with MD5
// to pick its shard (or an explicit hash key given instead), and the shard ids of each kind.

const POW_128 = 1n << 128n;

/** The shards of a new stream, as Kinesis CreateStream lays them out (the last one ends at 2^128 - 1). */
export function evenHashKeyRanges(shardCount: number): Array<{ startingHashKey: string; endingHashKey: string }> {
  const count = Math.max(1, Math.floor(shardCount));
  const size = POW_128 / BigInt(count);
  const ranges = [];
  for (let i = 0; i < count; i++) {
    const start = size * BigInt(i);
    const end = i < count - 1 ? size * BigInt(i + 1) - 1n : POW_128 - 1n;
    ranges.push({ startingHashKey: start.toString(), endingHashKey: end.toString() });
  }
  return ranges;
}

/** The 128-bit hash key Kinesis derives from a partition key (MD5, big-endian). */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** PutRecord's ExplicitHashKey: a decimal in [0, 2^128 - 1]. */
export function explicitHashKey(text: string): bigint {
  if (!/^\d{1,39}$/.test(text) || BigInt(text) >= POW_128) {
    throw new StreamApiError(
      'InvalidArgumentException',
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${text}`,
    );
  }
  return BigInt(text);
}

/** The shard whose hash key range holds `hash` (the ranges cover the key space; the last one is the fallback). */
export function shardForHash<T extends { start: bigint; end: bigint }>(shards: T[], hash: bigint): T {
  return shards.find((s) => hash >= s.start && hash <= s.end) ?? shards[shards.length - 1];
}

/** Kinesis: shardId-<12 digits>; DynamoDB Streams: shardId-<20 digits>-<8 hex>, from the stream's creation time. */
export function shardIdOf(definition: StreamDefinition, createdAt: number, index: number): string {
  if (definition.kind === 'kinesis') return `shardId-${String(index).padStart(12, '0')}`;
  const suffix = createHash('md5').update(`${definition.name}:${index}`).digest('hex').slice(0, 8);
  return `shardId-${String(createdAt + index).padStart(20, '0')}-${suffix}`;
}
