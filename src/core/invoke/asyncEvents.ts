import type { LastError } from './destinations';
import type { StoredResponse } from './invocationRecord';

// The asynchronous queue as it is kept in the state store. One entry per accepted event, under
// `async!event!<function>!<seq>`, rewritten (synchronously) whenever something a restart must know
// changes: a function error (approximateInvokeCount, retries used, when to retry). An event leaves
// the store in the same atomic batch that writes what its destinations received
// (`async!msg!<destination ARN>!<seq>`) and the events a Lambda destination gets.

export const EVENT_PREFIX = 'async!event!';
export const MESSAGE_PREFIX = 'async!msg!';

export interface QueuedEvent {
  /** Record format version. */
  v: 1;
  /** Store order (chronological, unique). */
  seq: number;
  requestId: string;
  functionName: string;
  /** The qualifier the caller named (`$LATEST`), reflected in the function ARN the handler sees. */
  invokedQualifier?: string;
  /** The event (JSON text; `{}` for an empty payload). */
  payload: string;
  traceId: string;
  /** Accepted, epoch ms: the event's age counts from here. */
  enqueuedAt: number;
  /** Invocations of the function so far (the record's approximateInvokeCount). */
  approximateInvokeCount: number;
  /** Function errors so far: retries are allowed while this stays within MaximumRetryAttempts. */
  functionErrors: number;
  /** Not attempted before this time (epoch ms): the retry delay after a function error. */
  notBefore: number;
  /** The function's last (error) response, for a failure record. */
  lastResponse?: StoredResponse;
  /** The last error, for dead-letter attributes. */
  lastError?: LastError;
  /** Events produced by Lambda destinations, counted to stop a destination loop. */
  chainDepth: number;
}

export function eventKey(event: Pick<QueuedEvent, 'functionName' | 'seq'>): string {
  return `${EVENT_PREFIX}${event.functionName}!${padSeq(event.seq)}`;
}

export function messageKey(destination: string, seq: number): string {
  return `${MESSAGE_PREFIX}${destination}!${padSeq(seq)}`;
}

function padSeq(seq: number): string {
  return String(seq).padStart(20, '0');
}

/** Monotonic sequence numbers (microsecond-ish timestamps), continuing after the largest one stored. */
export class Sequence {
  private last = 0;

  observe(seq: number): void {
    if (seq > this.last) this.last = seq;
  }

  next(): number {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return this.last;
  }
}
