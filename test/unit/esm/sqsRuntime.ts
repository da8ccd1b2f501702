import type { SqsEventRecord } from '../../../src/core/esm/sqsPoller';
import type { MappingRuntime } from '../../../src/core/esm/types';
import type { EventSourceMapping } from '../../../src/core/config/mappingDefinitions';
import type { MappingMetric } from '../../../src/core/telemetry/events';
import type { MessageQueue } from '../../../src/core/sources/types';
import type { Workbench } from '../../../src/core/workbench';

// A MappingRuntime onto a real engine, as the integrator's EventSources builds it: invoke is a
// synchronous `workbench.invoke` of the mapping's function. It records what the function received
// and returned, when, and the metrics the poller emitted.

export interface RecordedInvocation {
  records: SqsEventRecord[];
  startedAt: number;
  endedAt?: number;
  functionError?: string;
  payload?: string;
  error?: string;
}

export interface RecordingRuntime {
  runtime: MappingRuntime;
  invocations: RecordedInvocation[];
  metrics: MappingMetric[];
  /** Most invocations in flight at once. */
  maxConcurrent(): number;
  /** Bodies the function got, in invocation order. */
  bodies(): string[];
}

export function sqsMapping(queue: MessageQueue, functionName: string, overrides: Partial<EventSourceMapping> = {}): EventSourceMapping {
  return {
    uuid: `test-${Math.random().toString(16).slice(2)}`,
    functionName,
    eventSourceArn: queue.definition.arn,
    kind: 'sqs',
    enabled: true,
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    functionResponseTypes: [],
    origin: 'api',
    lastModified: Date.now(),
    ...overrides,
  };
}

export function recordingRuntime(workbench: Workbench, queue: MessageQueue, mapping: EventSourceMapping): RecordingRuntime {
  const invocations: RecordedInvocation[] = [];
  const metrics: MappingMetric[] = [];
  let inFlight = 0;
  let peak = 0;
  const runtime: MappingRuntime = {
    mapping,
    region: 'us-east-1',
    async invoke(payload) {
      const entry: RecordedInvocation = { records: JSON.parse(payload.toString('utf8')).Records, startedAt: Date.now() };
      invocations.push(entry);
      peak = Math.max(peak, ++inFlight);
      try {
        const result = await workbench.invoke(mapping.functionName, payload, { qualifier: mapping.qualifier });
        entry.functionError = result.functionError;
        entry.payload = result.payload.toString('utf8');
        return { payload: result.payload, functionError: result.functionError, errorType: result.errorType };
      } catch (error) {
        entry.error = (error as Error).message;
        throw error;
      } finally {
        entry.endedAt = Date.now();
        inFlight--;
      }
    },
    queue: () => queue,
    stream: () => {
      throw new Error('not a stream mapping');
    },
    sendToDestination: async () => undefined,
    emit: (metric) => metrics.push(metric),
  };
  return {
    runtime,
    invocations,
    metrics,
    maxConcurrent: () => peak,
    bodies: () => invocations.flatMap((i) => i.records.map((r) => r.body)),
  };
}

/** Sum of the `size` of the metrics of one kind. */
export function metricTotal(metrics: MappingMetric[], kind: MappingMetric['kind']): number {
  return metrics.filter((m) => m.kind === kind).reduce((sum, m) => sum + (m.size ?? 0), 0);
}
