import type { MessageQueue, RecordStream } from '../sources/types';
import type { SharedStore } from '../store/sharedStore';

// Event source mappings: Lambda's pollers, which read a queue or stream and invoke a function
// synchronously with batches. A mapping's configuration uses the names of the
// CreateEventSourceMapping API (camelCase); pollers get a MappingRuntime to do their work.

export type MappingSourceKind = 'sqs' | 'kinesis' | 'dynamodb';

export interface FilterCriteria {
  filters: Array<{ pattern: string }>;
}

export interface EventSourceMapping {
  uuid: string;
  /** The function's name and, when the mapping names one, its version or alias. */
  functionName: string;
  qualifier?: string;
  eventSourceArn: string;
  kind: MappingSourceKind;
  enabled: boolean;
  /** SQS: 1–10,000 (default 10); Kinesis / DynamoDB: 1–10,000 (default 100). */
  batchSize: number;
  /** 0–300 seconds (default 0). */
  maximumBatchingWindowInSeconds: number;
  /** `ReportBatchItemFailures` when present. */
  functionResponseTypes: string[];
  filterCriteria?: FilterCriteria;
  /** SQS: ScalingConfig.MaximumConcurrency (2–1,000). */
  maximumConcurrency?: number;
  /** Streams. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** Epoch seconds (AT_TIMESTAMP). */
  startingPositionTimestamp?: number;
  /** 1–10 (default 1). */
  parallelizationFactor?: number;
  bisectBatchOnFunctionError?: boolean;
  /** -1 (infinite, default) … 10,000. */
  maximumRetryAttempts?: number;
  /** -1 (infinite, default) or 60 … 604,800. */
  maximumRecordAgeInSeconds?: number;
  /** OnFailure destination (an SQS queue or SNS topic ARN) for discarded stream batches. */
  onFailureDestination?: string;
  /** 0–900 seconds. */
  tumblingWindowInSeconds?: number;
  /** Where it was declared: the template (SAM Events / AWS::Lambda::EventSourceMapping) or the API. */
  origin: 'template' | 'api';
  /** Template: the function's logical id and event name, for messages. */
  declaredAs?: string;
  lastModified: number;
}

export interface MappingInvokeResult {
  payload: Buffer;
  /** 'Unhandled' when the function failed (its error JSON is the payload). */
  functionError?: string;
  errorType?: string;
  /** The invocation's request id and executed version (stream OnFailure records carry them). */
  requestId?: string;
  executedVersion?: string;
}

/** A poller's view of the engine. */
export interface MappingRuntime {
  readonly mapping: EventSourceMapping;
  readonly region: string;
  /** Synchronous invocation of the mapping's function (and qualifier); throws WorkbenchError when throttled. */
  invoke(payload: Buffer): Promise<MappingInvokeResult>;
  /** The mapping's source (resolved from its ARN: embedded or a real endpoint). */
  queue(): MessageQueue;
  stream(): RecordStream;
  /** Sends a JSON document to an OnFailure destination (SQS queue, SNS topic…) as Lambda would. */
  sendToDestination(destinationArn: string, body: unknown): Promise<void>;
  /** Metrics and lifecycle records into the engine's event stream (`workbench.esm`). */
  emit(record: MappingMetric): void;
  /**
   * The engine's store, for durable poller state (stream checkpoints per mapping uuid and shard, so
   * a restart resumes after the last successful batch); absent: checkpoints are kept in memory only.
   */
  readonly store?: SharedStore;
}

export interface MappingMetric {
  /** batch: an invocation with `size` records; failure / retry / bisect / discarded / filtered: what happened to records. */
  kind: 'batch' | 'failure' | 'retry' | 'bisect' | 'discarded' | 'filtered' | 'error';
  size?: number;
  /** Streams: age of the newest record read, ms (IteratorAge). */
  iteratorAgeMs?: number;
  shardId?: string;
  message?: string;
  /** discarded: why (RetryAttemptsExhausted, RecordAgeExceeded…). */
  condition?: string;
}

export interface Poller {
  start(): void;
  /** Stops polling and waits for the batch in flight (its outcome is still applied). */
  stop(): Promise<void>;
}

export type PollerFactory = (runtime: MappingRuntime) => Poller;
