import type { TemplateModel } from '../config/types';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import type { QueueDefinition, SourceEndpoint, StreamDefinition } from './types';

// The queues and streams a template declares (AWS::SQS::Queue, AWS::Kinesis::Stream,
// AWS::DynamoDB::Table with a StreamSpecification), with their attributes and defaults as AWS
// applies them, and the real endpoint the `sourceEndpoints` setting assigns to any of them.

export interface SourceDeclarations {
  queues: QueueDefinition[];
  streams: StreamDefinition[];
}

/** `sourceEndpoints`: logical id, name or ARN of a queue / stream → where it really lives. */
export type SourceEndpoints = Record<string, SourceEndpoint>;

export function readSourceDeclarations(model: TemplateModel, region: string, endpoints: SourceEndpoints = {}): SourceDeclarations {
  const queues: QueueDefinition[] = [];
  const streams: StreamDefinition[] = [];
  const endpointFor = (...keys: Array<string | undefined>) => {
    for (const key of keys) if (key && endpoints[key]) return endpoints[key];
    return undefined;
  };
  for (const [id, resource] of Object.entries(model.resources)) {
    const p = resource.properties;
    if (resource.type === 'AWS::SQS::Queue') {
      const fifo = p.FifoQueue === true || p.FifoQueue === 'true';
      const name = str(p.QueueName) ?? (fifo ? `${id}.fifo` : id);
      const queue = queueDefinition(name, region, {
        logicalId: id,
        fifo,
        contentBasedDeduplication: p.ContentBasedDeduplication === true || p.ContentBasedDeduplication === 'true',
        delaySeconds: num(p.DelaySeconds) ?? 0,
        visibilityTimeoutSeconds: num(p.VisibilityTimeout) ?? 30,
        retentionSeconds: num(p.MessageRetentionPeriod) ?? 345600,
        receiveWaitSeconds: num(p.ReceiveMessageWaitTimeSeconds) ?? 0,
        maximumMessageSizeBytes: num(p.MaximumMessageSize) ?? 262144,
      });
      const redrive = typeof p.RedrivePolicy === 'string' ? safeJson(p.RedrivePolicy) : p.RedrivePolicy;
      if (redrive && typeof redrive === 'object') {
        const target = str((redrive as Record<string, unknown>).deadLetterTargetArn);
        const max = num((redrive as Record<string, unknown>).maxReceiveCount);
        if (target && max) queue.redrive = { deadLetterTargetArn: target, maxReceiveCount: max };
      }
      const endpoint = endpointFor(id, name, queue.arn);
      if (endpoint) queue.endpoint = endpoint;
      queues.push(queue);
    } else if (resource.type === 'AWS::Kinesis::Stream') {
      const name = str(p.Name) ?? id;
      const onDemand = (p.StreamModeDetails as Record<string, unknown> | undefined)?.StreamMode === 'ON_DEMAND';
      const stream: StreamDefinition = {
        logicalId: id,
        name,
        arn: `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${name}`,
        kind: 'kinesis',
        shardCount: num(p.ShardCount) ?? (onDemand ? 4 : 1),
        retentionHours: num(p.RetentionPeriodHours) ?? 24,
      };
      const endpoint = endpointFor(id, name, stream.arn);
      if (endpoint) stream.endpoint = endpoint;
      streams.push(stream);
    } else if (resource.type === 'AWS::DynamoDB::Table' || resource.type === 'AWS::Serverless::SimpleTable') {
      const spec = p.StreamSpecification as Record<string, unknown> | undefined;
      const viewType = str(spec?.StreamViewType);
      if (!viewType) continue;
      const name = str(p.TableName) ?? id;
      const stream: StreamDefinition = {
        logicalId: id,
        name,
        // The stream label is a timestamp DynamoDB chooses; resourceRefs.ts uses the same fixed one.
        arn: `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${name}/stream/1970-01-01T00:00:00.000`,
        kind: 'dynamodb',
        shardCount: 1,
        retentionHours: 24,
        streamViewType: viewType as StreamDefinition['streamViewType'],
      };
      const endpoint = endpointFor(id, name, stream.arn);
      if (endpoint) stream.endpoint = endpoint;
      streams.push(stream);
    }
  }
  return { queues, streams };
}

/** A queue with SQS's defaults (for queues known only by ARN, e.g. a destination). */
export function queueDefinition(name: string, region: string, overrides: Partial<QueueDefinition> = {}): QueueDefinition {
  return {
    name,
    arn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`,
    url: `https://sqs.${region}.amazonaws.com/${LOCAL_ACCOUNT_ID}/${name}`,
    fifo: name.endsWith('.fifo'),
    contentBasedDeduplication: false,
    delaySeconds: 0,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 345600,
    receiveWaitSeconds: 0,
    ...overrides,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
