import type * as http from 'node:http';
import { WorkbenchError } from '../errors';
import type { InvokeOptions } from '../invoke/invoker';

// What the Invoke and InvokeWithResponseStream operations read from a request the same way: the
// invocation and log types (validated against each operation's enum, with AWS's message), the
// Qualifier, the client context and the trace header; and the LogType Tail they answer with.

/** The last 4 KB of an invocation's log, as `X-Amz-Log-Result` / `LogResult` carry it. */
const TAIL_BYTES = 4096;

export interface InvokeRequestHeaders {
  invocationType: string;
  tail: boolean;
  qualifier?: string;
  options: InvokeOptions;
}

/** Reads an invoke request; `invocationTypes` is the operation's enum as AWS's message lists it. */
export function readInvokeRequest(req: http.IncomingMessage, query: URLSearchParams, invocationTypes: readonly string[]): InvokeRequestHeaders {
  const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(req, 'x-amz-log-type') ?? 'None';
  if (!invocationTypes.includes(invocationType)) {
    throw new WorkbenchError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${invocationTypes.join(', ')}]`,
    );
  }
  if (!['None', 'Tail'].includes(logType)) {
    throw new WorkbenchError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`,
    );
  }
  const qualifier = query.get('Qualifier') || undefined;
  return {
    invocationType,
    tail: logType === 'Tail',
    qualifier,
    options: { qualifier, clientContext: decodeClientContext(header(req, 'x-amz-client-context')), traceId: header(req, 'x-amzn-trace-id') },
  };
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `X-Amz-Client-Context` is base64 of a JSON object; the runtime gets the JSON. */
function decodeClientContext(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    if (typeof JSON.parse(text) === 'object') return text;
  } catch {
    // fall through
  }
  throw new WorkbenchError('InvalidParameterValueException', 'Client context must be a valid Base64-encoded JSON object.');
}

/**
 * Base64 of the last 4 KB of the log lines (on a line boundary when one fits). INIT_START is the
 * environment's line, not the invocation's: AWS's LogResult of a cold start leaves it out (recorded).
 */
export function tailOf(lines: string[]): string {
  const invocation = lines.filter((l) => !l.startsWith('INIT_START '));
  const text = Buffer.from(invocation.map((l) => `${l}\n`).join(''), 'utf8');
  if (text.length <= TAIL_BYTES) return text.toString('base64');
  let tail = text.subarray(text.length - TAIL_BYTES);
  const newline = tail.indexOf(0x0a);
  if (newline >= 0 && newline < tail.length - 1) tail = tail.subarray(newline + 1);
  return tail.toString('base64');
}
