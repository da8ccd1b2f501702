// The invocation record Lambda sends to asynchronous-invocation destinations
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), with
// AWS's keys in AWS's order:
//
//   {"version":"1.0","timestamp":"…","requestContext":{"requestId","functionArn","condition",
//    "approximateInvokeCount"},"requestPayload":…,"responseContext":{"statusCode":200,
//    "executedVersion":"$LATEST","functionError":"Unhandled"?},"responsePayload":…}

/** ZeroReservedConcurrency: the function's reserved concurrency is 0, so the event was never attempted. */
export type InvocationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: InvocationCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  /** Absent when the function never ran (an event that aged out while throttled): there is no response. */
  responseContext?: {
    statusCode: number;
    executedVersion: string;
    functionError?: 'Unhandled';
  };
  responsePayload?: unknown;
}

/** The last response of the function to an event, as kept with the queued event. */
export interface StoredResponse {
  /** UTF-8 text of the response (or error) payload. */
  payload: string;
  functionError?: 'Unhandled';
  executedVersion: string;
}

export function buildInvocationRecord(options: {
  requestId: string;
  /** The executed version's ARN (`…:function:<name>:$LATEST`). */
  functionArn: string;
  condition: InvocationCondition;
  approximateInvokeCount: number;
  requestPayload: string;
  response?: StoredResponse;
  time?: Date;
}): InvocationRecord {
  const record: InvocationRecord = {
    version: '1.0',
    timestamp: (options.time ?? new Date()).toISOString(),
    requestContext: {
      requestId: options.requestId,
      functionArn: options.functionArn,
      condition: options.condition,
      approximateInvokeCount: options.approximateInvokeCount,
    },
    requestPayload: parsePayload(options.requestPayload),
  };
  if (options.response) {
    record.responseContext = { statusCode: 200, executedVersion: options.response.executedVersion };
    if (options.response.functionError) record.responseContext.functionError = options.response.functionError;
    record.responsePayload = parsePayload(options.response.payload);
  }
  return record;
}

/** JSON payloads are embedded as JSON; anything else (a custom runtime's raw bytes) as a string; nothing as null. */
export function parsePayload(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error message of a function error payload (`errorMessage`), else the payload itself. */
export function errorMessageOf(payload: string): string {
  const parsed = parsePayload(payload);
  if (parsed && typeof parsed === 'object' && typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string') {
    return (parsed as { errorMessage: string }).errorMessage;
  }
  return typeof parsed === 'string' ? parsed : payload;
}
