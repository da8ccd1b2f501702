import { StreamApiError } from './streamApiError';
import { firstAfter, firstAtOrAfter } from './streamSequenceNumbers';
import type { StreamPosition } from './types';

// Shard iterators of an embedded stream. An iterator is opaque to callers but carries all it needs
// (stream, shard, position, when it was issued), so the engine keeps no per-iterator state: base64
// JSON. As Kinesis's, they expire after 5 minutes; each GetRecords returns the next one.

/** Kinesis shard iterators expire after 5 minutes. */
export const ITERATOR_TTL_MS = 5 * 60 * 1000;

/** Where reading resumes: after a sequence number (null: from the oldest record), at one, or at a time. */
export type IteratorPosition = { k: 'after'; seq: string | null } | { k: 'at'; seq: string } | { k: 'ts'; ts: number };

export interface IteratorToken {
  /** Stream (kind:name), shard, position, issued at. */
  s: string;
  sh: string;
  p: IteratorPosition;
  t: number;
}

/** GetShardIterator's position; `latest` is the shard's last sequence number (null: none yet), `check` validates one given. */
export function iteratorPosition(position: StreamPosition, latest: () => string | null, check: (sequenceNumber: string) => string): IteratorPosition {
  switch (position.type) {
    case 'TRIM_HORIZON':
      return { k: 'after', seq: null };
    case 'LATEST':
      return { k: 'after', seq: latest() };
    case 'AT_TIMESTAMP':
      if (!Number.isFinite(position.timestamp)) throw new StreamApiError('InvalidArgumentException', 'Timestamp must be a number');
      return { k: 'ts', ts: position.timestamp };
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      const seq = check(position.sequenceNumber);
      return position.type === 'AT_SEQUENCE_NUMBER' ? { k: 'at', seq } : { k: 'after', seq };
    }
    default:
      throw new StreamApiError('InvalidArgumentException', `Unknown ShardIteratorType ${(position as { type: string }).type}`);
  }
}

/** The token of an iterator given to GetRecords: one of this stream's, and not expired. */
export function openIterator(iterator: string, streamKey: string, now: number): IteratorToken {
  const token = decodeIterator(iterator);
  if (!token || token.s !== streamKey) throw new StreamApiError('InvalidArgumentException', 'Invalid ShardIterator');
  if (now - token.t > ITERATOR_TTL_MS) {
    throw new StreamApiError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(token.t).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of 300000 milliseconds.`,
    );
  }
  return token;
}

/** The index in a shard's records (in sequence order) where reading from `position` starts. */
export function startIndex(records: Array<{ seq: string; ts: number }>, position: IteratorPosition): number {
  switch (position.k) {
    case 'after':
      return position.seq === null ? 0 : firstAfter(records, position.seq);
    case 'at':
      return firstAtOrAfter(records, position.seq);
    case 'ts': {
      const ts = position.ts;
      const from = records.findIndex((r) => r.ts >= ts);
      return from < 0 ? records.length : from;
    }
  }
}

export function encodeIterator(token: IteratorToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

function decodeIterator(iterator: string): IteratorToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(String(iterator), 'base64').toString('utf8')) as IteratorToken;
    if (typeof token?.s !== 'string' || typeof token.sh !== 'string' || typeof token.t !== 'number' || !token.p) return undefined;
    return token;
  } catch {
    return undefined;
  }
}
