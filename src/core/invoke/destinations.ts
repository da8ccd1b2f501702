import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from '../config/types';
import { functionArn, LOCAL_ACCOUNT_ID, parseFunctionRef } from '../vocabulary/functionNames';
import type { InvocationCondition, InvocationRecord } from './invocationRecord';

// Where asynchronous invocations report: EventInvokeConfig's OnSuccess / OnFailure destinations
// and the function's dead-letter queue. A destination that is a function of the template is
// invoked asynchronously with the invocation record; queues, topics, event buses and buckets are
// local message lists in the state store. Every delivery is also kept as a DestinationMessage,
// which is what `Workbench.destinationRecords` returns.

export type DestinationRole = 'OnSuccess' | 'OnFailure' | 'DeadLetterQueue';
export type DestinationKind = 'lambda' | 'sqs' | 'sns' | 'events' | 's3' | 'unknown';

export interface ResolvedDestination {
  role: DestinationRole;
  /** The destination's ARN (names and queue URLs are turned into ARNs). */
  arn: string;
  kind: DestinationKind;
  /** A function of the template: it receives the record as an asynchronous invocation. */
  localFunction?: FunctionDefinition;
}

/** SQS: `{ DataType, StringValue }`; SNS: `{ Type, Value }` (each service's own shape). */
export type MessageAttributes = Record<string, { DataType: string; StringValue: string } | { Type: string; Value: string }>;

/** One thing a destination received. */
export interface DestinationMessage {
  /** Store order (chronological). */
  seq: number;
  /** When it was delivered (ISO 8601). */
  time: string;
  /** The function whose asynchronous invocation produced it. */
  sourceFunction: string;
  /** The request id of that asynchronous invocation. */
  requestId: string;
  role: DestinationRole;
  destination: string;
  type: DestinationKind;
  /**
   * Exactly what the destination got: the SQS message body, the SNS message, the EventBridge event,
   * the S3 object, or the Lambda function's event. For OnSuccess / OnFailure it is the invocation
   * record (wrapped in an event for EventBridge); for a dead-letter queue, the original event.
   */
  body: string;
  /** Dead-letter queues: RequestID, ErrorCode, ErrorMessage, as the message's attributes. */
  attributes?: MessageAttributes;
  /** Lambda destinations of the template: the request id of the asynchronous invocation they got. */
  invocationRequestId?: string;
}

/** What went wrong last, for a dead-letter message's attributes. */
export interface LastError {
  /** HTTP status of the last attempt: 200 for a function error, 429 throttled, 5xx engine error. */
  statusCode: number;
  message: string;
}

/** The destinations of a function for an outcome (OnFailure and the DLQ both receive failures). */
export function destinationsFor(
  fn: FunctionDefinition,
  condition: InvocationCondition,
  lookup: (name: string) => FunctionDefinition | undefined,
  region: string,
): ResolvedDestination[] {
  const config = fn.eventInvokeConfig?.destinationConfig;
  const result: ResolvedDestination[] = [];
  if (condition === 'Success') {
    if (config?.onSuccess) result.push(resolveDestination('OnSuccess', config.onSuccess.destination, config.onSuccess.type, lookup, region));
    return result;
  }
  if (config?.onFailure) result.push(resolveDestination('OnFailure', config.onFailure.destination, config.onFailure.type, lookup, region));
  if (fn.deadLetterQueue) result.push(resolveDestination('DeadLetterQueue', fn.deadLetterQueue.targetArn, fn.deadLetterQueue.type, lookup, region));
  return result;
}

const SERVICE_KIND: Record<string, DestinationKind> = { lambda: 'lambda', sqs: 'sqs', sns: 'sns', events: 'events', s3: 's3' };
const TYPE_KIND: Record<string, DestinationKind> = { Lambda: 'lambda', SQS: 'sqs', SNS: 'sns', EventBridge: 'events', S3Bucket: 's3' };

/** An ARN, a queue URL, or a bare name (function name / logical id, or a name of the given SAM Type). */
export function resolveDestination(
  role: DestinationRole,
  reference: string,
  type: string | undefined,
  lookup: (name: string) => FunctionDefinition | undefined,
  region: string,
): ResolvedDestination {
  const arn = /^arn:[^:]+:([^:]+):/.exec(reference);
  if (arn) {
    const kind = SERVICE_KIND[arn[1]] ?? 'unknown';
    if (kind !== 'lambda') return { role, arn: reference, kind };
    let localFunction: FunctionDefinition | undefined;
    try {
      localFunction = lookup(parseFunctionRef(reference).name);
    } catch {
      localFunction = undefined;
    }
    return { role, arn: reference, kind, localFunction };
  }
  const queueUrl = /^https?:\/\/sqs\.([a-z0-9-]+)\.[^/]+\/(\d{12})\/([^/?#]+)/.exec(reference);
  if (queueUrl) return { role, arn: `arn:aws:sqs:${queueUrl[1]}:${queueUrl[2]}:${queueUrl[3]}`, kind: 'sqs' };
  const fn = lookup(reference);
  const kind = fn ? 'lambda' : (type && TYPE_KIND[type]) || 'unknown';
  const prefix = `arn:aws:${kind === 'events' ? 'events' : kind}:${region}:${LOCAL_ACCOUNT_ID}`;
  switch (kind) {
    case 'lambda':
      return { role, arn: functionArn(region, fn?.functionName ?? reference), kind, localFunction: fn };
    case 'sqs':
    case 'sns':
      return { role, arn: `${prefix}:${reference}`, kind };
    case 'events':
      return { role, arn: `${prefix}:event-bus/${reference}`, kind };
    case 's3':
      return { role, arn: `arn:aws:s3:::${reference}`, kind };
    default:
      return { role, arn: reference, kind };
  }
}

/** The body a destination receives for an invocation record. */
export function recordBody(destination: ResolvedDestination, record: InvocationRecord, region: string): string {
  if (destination.kind !== 'events') return JSON.stringify(record);
  // EventBridge destinations get the record as the `detail` of an event.
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': `Lambda Function Invocation Result - ${record.requestContext.condition === 'Success' ? 'Success' : 'Failure'}`,
    source: 'lambda',
    account: LOCAL_ACCOUNT_ID,
    time: record.timestamp.replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [record.requestContext.functionArn],
    detail: record,
  });
}

/** Lambda's dead-letter message attributes: RequestID, ErrorCode (HTTP status), ErrorMessage (first 1 KB). */
export function deadLetterAttributes(kind: DestinationKind, requestId: string, error: LastError | undefined): MessageAttributes {
  const values: Array<[string, string, string]> = [
    ['RequestID', 'String', requestId],
    ['ErrorCode', 'Number', String(error?.statusCode ?? 200)],
    ['ErrorMessage', 'String', truncateUtf8(error?.message ?? '', 1024)],
  ];
  const attributes: MessageAttributes = {};
  for (const [name, dataType, value] of values) {
    attributes[name] = kind === 'sns' ? { Type: dataType, Value: value } : { DataType: dataType, StringValue: value };
  }
  return attributes;
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // Cut on a character boundary.
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
