import type { MessageQueue, RecordStream } from '../sources/types';
import type { SharedStore } from '../store/sharedStore';
import type { MappingMetric } from '../telemetry/events';
import type { EventSourceMapping } from '../config/mappingDefinitions';

// Event source mappings: Lambda's pollers, which read a queue or stream and invoke a function
// synchronously with batches. A mapping's configuration uses the names of the
// CreateEventSourceMapping API (camelCase); pollers get a MappingRuntime to do their work.

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

export interface Poller {
  start(): void;
  /** Stops polling and waits for the batch in flight (its outcome is still applied). */
  stop(): Promise<void>;
}

export type PollerFactory = (runtime: MappingRuntime) => Poller;
