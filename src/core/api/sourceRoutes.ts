import { parseJsonBody } from './requestBody';
import { WorkbenchError } from '../errors';
import { StreamApiError } from '../sources/streamApiError';
import type { Sources } from '../sources/sources';
import type { DynamoDbChange, MessageAttributeValue } from '../sources/types';
import { ApiError } from './apiError';
import { decodePathParameter, type RouteResult } from './controlPlaneRoutes';

// Lambda Workbench's own routes (not an AWS API) for the CLI's `send-message`, `put-record`,
// `queues`, `streams` and `purge`, so that what the CLI sends reaches the queues and streams of a
// running `serve` — whose mappings then process it. Under `/_workbench/`, loopback like the rest.

export const SOURCE_ROUTE_PREFIX = '/_workbench/';

const QUEUES = /^\/_workbench\/queues\/?$/;
const QUEUE_MESSAGES = /^\/_workbench\/queues\/([^/]+)\/messages$/;
const STREAMS = /^\/_workbench\/streams\/?$/;
const STREAM_RECORDS = /^\/_workbench\/streams\/([^/]+)\/records$/;

export async function handleSourceRoute(sources: Sources, method: string, pathname: string, body: Buffer): Promise<RouteResult | undefined> {
  let match: RegExpExecArray | null;
  if (method === 'GET' && QUEUES.test(pathname)) {
    const queues = [];
    for (const definition of sources.queueDefinitions()) {
      const stats = await sources
        .queue(definition.arn)!
        .stats()
        .catch(() => undefined);
      queues.push({
        Name: definition.name,
        LogicalId: definition.logicalId,
        Arn: definition.arn,
        Fifo: definition.fifo,
        Endpoint: definition.endpoint?.url ?? (definition.endpoint ? 'AWS' : 'embedded'),
        ...(stats ? { Visible: stats.visible, InFlight: stats.inFlight, Delayed: stats.delayed } : {}),
      });
    }
    return { status: 200, body: { Queues: queues } };
  }
  if ((match = QUEUE_MESSAGES.exec(pathname))) {
    const queue = findQueue(sources, decodePathParameter(match[1]));
    if (method === 'DELETE') {
      await queue.purge();
      return { status: 204 };
    }
    if (method === 'POST') {
      const input = parseJsonBody(body) as {
        Body?: unknown;
        MessageGroupId?: string;
        MessageDeduplicationId?: string;
        DelaySeconds?: number;
        MessageAttributes?: Record<string, MessageAttributeValue>;
      };
      if (typeof input.Body !== 'string') throw new WorkbenchError('InvalidParameterValueException', 'Body is required (the message text)');
      const [result] = await queue.send([
        {
          body: input.Body,
          messageGroupId: input.MessageGroupId,
          messageDeduplicationId: input.MessageDeduplicationId,
          delaySeconds: input.DelaySeconds,
          messageAttributes: input.MessageAttributes,
        },
      ]);
      return { status: 200, body: { MessageId: result.messageId, MD5OfMessageBody: result.md5OfMessageBody, SequenceNumber: result.sequenceNumber } };
    }
  }
  if (method === 'GET' && STREAMS.test(pathname)) {
    const streams = [];
    for (const definition of sources.streamDefinitions()) {
      const shards = await sources
        .stream(definition.arn)!
        .listShards()
        .catch(() => []);
      streams.push({
        Name: definition.name,
        LogicalId: definition.logicalId,
        Arn: definition.arn,
        Kind: definition.kind,
        Shards: shards.length,
        Endpoint: definition.endpoint?.url ?? (definition.endpoint ? 'AWS' : 'embedded'),
      });
    }
    return { status: 200, body: { Streams: streams } };
  }
  if (method === 'POST' && (match = STREAM_RECORDS.exec(pathname))) {
    const name = decodePathParameter(match[1]);
    const stream = sources.stream(name);
    if (!stream) {
      throw unknown(
        'stream',
        name,
        sources.streamDefinitions().map((s) => s.logicalId ?? s.name),
      );
    }
    const input = parseJsonBody(body) as { Data?: unknown; PartitionKey?: unknown; Change?: unknown };
    try {
      if (input.Change !== undefined) {
        if (typeof input.Change !== 'object' || input.Change === null || Array.isArray(input.Change)) {
          throw new StreamApiError('ValidationException', 'Change must be an object (eventName, Keys, NewImage, OldImage)');
        }
        if (!stream.putChange) throw new StreamApiError('ValidationException', `${name} is not an embedded DynamoDB stream: write to the table instead`);
        const result = await stream.putChange(input.Change as DynamoDbChange);
        return { status: 200, body: { ShardId: result.shardId, SequenceNumber: result.sequenceNumber } };
      }
      if (typeof input.Data !== 'string' || typeof input.PartitionKey !== 'string' || input.PartitionKey === '') {
        throw new StreamApiError('ValidationException', 'Data (base64) and PartitionKey are required');
      }
      const result = await stream.putRecord({ data: Buffer.from(input.Data, 'base64'), partitionKey: input.PartitionKey });
      return { status: 200, body: { ShardId: result.shardId, SequenceNumber: result.sequenceNumber } };
    } catch (error) {
      // The stream's own validation (PartitionKey over 256 characters, a record over 1 MB, a change
      // sent to a Kinesis stream) is the caller's mistake, answered as the Kinesis API answers it.
      if (error instanceof StreamApiError) throw new ApiError(error.name === 'ResourceNotFoundException' ? 404 : 400, error.name, error.message);
      throw error;
    }
  }
  return undefined;
}

function findQueue(sources: Sources, name: string) {
  const queue = sources.findQueueDefinition(name) && sources.queue(name);
  if (!queue) {
    throw unknown(
      'queue',
      name,
      sources.queueDefinitions().map((q) => q.logicalId ?? q.name),
    );
  }
  return queue;
}

function unknown(kind: string, name: string, known: string[]): WorkbenchError {
  return new WorkbenchError(
    'ResourceNotFoundException',
    `No ${kind} ${name} in this project (${known.length ? `${kind}s: ${known.join(', ')}` : `the template declares no ${kind}s`})`,
  );
}
