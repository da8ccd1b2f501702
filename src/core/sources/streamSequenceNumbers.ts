import { StreamApiError } from './streamApiError';
import type { StreamDefinition } from './types';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';

// Sequence numbers of an embedded stream, in the forms AWS gives them: Kinesis 56 digits ('49', 4
// digits of shard index, 50 of counter), DynamoDB Streams 21 digits ('8', 20 of counter). They are
// fixed-width decimal strings, so string order is numeric order: records are found by binary search
// on the strings, without parsing them. The counter comes from the clock (µs) but always grows
// within a shard, also across restarts.

type StreamKind = StreamDefinition['kind'];

function shardPrefix(kind: StreamKind, shardIndex: number): string {
  return kind === 'kinesis' ? `49${String(shardIndex).padStart(4, '0')}` : '8';
}

export function formatSequenceNumber(kind: StreamKind, shardIndex: number, counter: bigint): string {
  return `${shardPrefix(kind, shardIndex)}${counter.toString().padStart(kind === 'kinesis' ? 50 : 20, '0')}`;
}

/** The counter after `last`: µs since the epoch, or `last` + 1 when the clock has not moved past it. */
export function nextCounter(last: bigint, now: number): bigint {
  return last + 1n > BigInt(now) * 1000n ? last + 1n : BigInt(now) * 1000n;
}

/** A sequence number a caller gave for a shard (GetShardIterator): well-formed, and of that shard. */
export function checkSequenceNumber(definition: StreamDefinition, shard: { index: number; shardId: string }, sequenceNumber: string): string {
  if (typeof sequenceNumber !== 'string' || !/^\d+$/.test(sequenceNumber)) {
    throw new StreamApiError(
      'InvalidArgumentException',
      `StartingSequenceNumber ${String(sequenceNumber)} used in GetShardIterator on shard ${shard.shardId} in stream ${definition.name} under account ${LOCAL_ACCOUNT_ID} is invalid.`,
    );
  }
  const width = definition.kind === 'kinesis' ? 56 : 21;
  if (sequenceNumber.length !== width || !sequenceNumber.startsWith(shardPrefix(definition.kind, shard.index))) {
    throw new StreamApiError(
      'InvalidArgumentException',
      `Invalid StartingSequenceNumber. It encodes a different shard than ${shard.shardId}: ${sequenceNumber}`,
    );
  }
  return sequenceNumber;
}

/** First index whose sequence number is ≥ seq (records in sequence order). */
export function firstAtOrAfter(records: Array<{ seq: string }>, seq: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose sequence number is > seq. */
export function firstAfter(records: Array<{ seq: string }>, seq: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
