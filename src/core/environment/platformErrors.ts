import type { PhaseStatus } from '../telemetry/events';
import type { InvocationOutcome } from './types';

// Errors the platform (not the handler) answers an invocation with, in Lambda's words.

export type PlatformAnswer = Omit<InvocationOutcome, 'reported' | 'durationMs'>;

function answer(errorType: string, errorMessage: string, status: PhaseStatus, platformErrorType?: string): PlatformAnswer {
  return {
    payload: Buffer.from(JSON.stringify({ errorType, errorMessage })),
    contentType: 'application/json',
    functionError: 'Unhandled',
    errorType,
    status,
    platformErrorType,
  };
}

/** `RequestId: … Error: Task timed out after 3.00 seconds` (errorType Sandbox.Timedout). */
export function timedOut(requestId: string, seconds: string): PlatformAnswer {
  return answer('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`, 'timeout');
}

/** Why the runtime ended, in Lambda's words: a clean exit (status 0) gives no reason (AWS's recorded answers). */
export function exitText(reason: string): string {
  return reason === 'exit status 0' ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${reason}`;
}

/** `RequestId: … Error: Runtime exited with error: exit status 1`, or `… Error: Runtime exited without providing a reason`. */
export function exitMessage(requestId: string | undefined, reason: string): string {
  return requestId ? `RequestId: ${requestId} Error: ${exitText(reason)}` : exitText(reason);
}

/** `RequestId: … Error: Runtime exited with error: exit status 1` (errorType Runtime.ExitError). */
export function runtimeExited(requestId: string, reason: string): PlatformAnswer {
  return answer('Runtime.ExitError', exitMessage(requestId, reason), 'error', 'Runtime.ExitError');
}

/** The environment exceeded its MemorySize: `Runtime.OutOfMemory`, worded as Lambda's. */
export function outOfMemory(requestId: string): PlatformAnswer {
  return answer('Runtime.OutOfMemory', exitMessage(requestId, 'signal: killed'), 'error', 'Runtime.OutOfMemory');
}

/** An extension crashed or reported an error while an invocation ran. */
export function extensionFailed(requestId: string, errorType: string, message: string): PlatformAnswer {
  return answer(errorType, `RequestId: ${requestId} Error: ${message}`, 'error', errorType);
}

/**
 * A failed INIT, answered to the invocation that triggered it: its payload passes through, but for a
 * runtime that exited, whose message names that invocation (`RequestId: … Error: Runtime exited …`, as AWS answers).
 */
export function initFailed(error: { payload: Buffer; errorType: string; status: PhaseStatus; exitReason?: string }, requestId: string): PlatformAnswer {
  const payload =
    error.exitReason === undefined
      ? error.payload
      : Buffer.from(JSON.stringify({ errorType: error.errorType, errorMessage: exitMessage(requestId, error.exitReason) }));
  return {
    payload,
    contentType: 'application/json',
    functionError: 'Unhandled',
    errorType: error.errorType,
    status: error.status,
    platformErrorType: error.errorType,
  };
}

/** The `errorType` of an error body, when it is JSON with one. */
export function errorTypeOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    return typeof parsed?.errorType === 'string' ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}
