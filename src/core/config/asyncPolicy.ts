import type { FunctionDefinition } from './types';

// The rules of asynchronous invocation: how many attempts an event gets and when, and how much
// of a function's concurrency the asynchronous workers may take.

/** Lambda's asynchronous (Event) payload limit: 1 MB since 2025 (256 KB before). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
/** EventInvokeConfig defaults. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21600;
/** Throttles and engine errors: exponential back-off from this base… */
export const REQUEUE_BACKOFF_BASE_MS = 100;
/** …up to this (Lambda's goes from 1 s to 5 min; locally the queue should stay responsive). */
export const REQUEUE_BACKOFF_MAX_MS = 5000;
/**
 * When the workers take a function's only slot (reserved concurrency 1), they leave it free this
 * long after each attempt so that synchronous callers retrying a throttle get in.
 */
export const SYNC_WINDOW_MS = 100;
/** Like Lambda's recursive-loop detection: a chain of Lambda destinations stops after this many hops. */
export const MAX_DESTINATION_CHAIN = 16;

export function maximumRetryAttempts(fn: FunctionDefinition): number {
  return fn.eventInvokeConfig?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
}

/** Milliseconds an event may wait; `overrideSeconds` (a local-testing setting) wins over the template. */
export function maximumEventAgeMs(fn: FunctionDefinition, overrideSeconds: number | undefined): number {
  return (overrideSeconds ?? fn.eventInvokeConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
}

/** Delay before retry number `retry` (1-based) after a function error; the last delay repeats. */
export function retryDelayMs(retry: number, delaysSeconds: number[]): number {
  if (delaysSeconds.length === 0) return 0;
  return Math.max(0, delaysSeconds[Math.min(retry, delaysSeconds.length) - 1] * 1000);
}

/** Back-off after the `n`th consecutive throttle or engine error: exponential, capped, with jitter (50–100 %). */
export function requeueDelayMs(n: number, random = Math.random): number {
  const ceiling = Math.min(REQUEUE_BACKOFF_MAX_MS, REQUEUE_BACKOFF_BASE_MS * 2 ** Math.max(0, n - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/**
 * How many attempts of one function the workers keep in flight. The function's limit L is its
 * reserved concurrency, or else what the reservations leave of the account limit. The workers
 * take at most L − 1 (never below 1, never above `maxPerFunction`), so at least one slot stays for
 * synchronous calls; with L = 1 they take the slot but leave it free for SYNC_WINDOW_MS after each
 * attempt (`yields`). Attempts the scheduler throttles anyway are requeued with back-off.
 */
export function asyncCapacity(
  fn: FunctionDefinition,
  all: FunctionDefinition[],
  accountConcurrency: number,
  maxPerFunction: number,
): { limit: number; cap: number; yields: boolean } {
  const reservedTotal = all.reduce((sum, f) => sum + (f.reservedConcurrentExecutions ?? 0), 0);
  const limit = fn.reservedConcurrentExecutions ?? Math.max(0, accountConcurrency - reservedTotal);
  const cap = Math.max(1, Math.min(maxPerFunction, limit - 1));
  return { limit, cap, yields: cap >= limit };
}
