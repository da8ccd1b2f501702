import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { regionOfArn } from '../vocabulary/functionNames';
import { sdkClientConfig } from './kinesisEndpointStream';
import { dynamoDbPartitionKey } from './dynamoDbChanges';
import { StreamApiError } from './streamApiError';
import type { DynamoDbChange, RecordStream, ShardInfo, StreamDefinition, StreamPosition, StreamRecord } from './types';

// A real DynamoDB stream (AWS, DynamoDB Local, LocalStack… through the endpoint override), read
// with the AWS SDK: DescribeStream (shards, with their parents), GetShardIterator, GetRecords. The
// stream is `endpoint.remoteName` when it is a stream ARN, else the definition's ARN when that is
// one, else the table's latest stream (ListStreams). Records get AWS's `dynamodb` fields, with
// attribute values as Lambda's event has them (binary values base64).

export interface DynamoDbStreamsEndpointOptions {
  /** An SDK client to use instead of one built from the definition (tests). */
  client?: DynamoDBStreamsClient;
}

export class DynamoDbStreamsEndpoint implements RecordStream {
  private readonly client: DynamoDBStreamsClient;
  private readonly ownsClient: boolean;
  private streamArn: Promise<string> | undefined;
  private readonly shardOfIterators = new Map<string, string>();

  constructor(
    readonly definition: StreamDefinition,
    options: DynamoDbStreamsEndpointOptions = {},
  ) {
    this.ownsClient = !options.client;
    this.client = options.client ?? new DynamoDBStreamsClient(sdkClientConfig(definition.endpoint, regionOfArn(definition.arn)));
  }

  async listShards(): Promise<ShardInfo[]> {
    const StreamArn = await this.arn();
    const shards: ShardInfo[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const page = await this.client.send(new DescribeStreamCommand({ StreamArn, ...(ExclusiveStartShardId ? { ExclusiveStartShardId } : {}) }));
      for (const shard of page.StreamDescription?.Shards ?? []) {
        // DynamoDB shards have no hash key ranges: one per partition of the table, rotating over time.
        shards.push({
          shardId: shard.ShardId ?? '',
          hashKeyRange: { startingHashKey: '0', endingHashKey: ((1n << 128n) - 1n).toString() },
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
        });
      }
      ExclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return shards;
  }

  async getShardIterator(shardId: string, position: StreamPosition): Promise<string> {
    if (position.type === 'AT_TIMESTAMP') {
      throw new StreamApiError('ValidationException', 'DynamoDB Streams has no AT_TIMESTAMP iterators: use TRIM_HORIZON or LATEST');
    }
    const StreamArn = await this.arn();
    const result = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn,
        ShardId: shardId,
        ShardIteratorType: position.type as ShardIteratorType,
        ...(position.type === 'AT_SEQUENCE_NUMBER' || position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
      }),
    );
    if (!result.ShardIterator) throw new Error(`DynamoDB Streams returned no shard iterator for ${shardId}`);
    this.remember(result.ShardIterator, shardId);
    return result.ShardIterator;
  }

  async getRecords(iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextShardIterator?: string; millisBehindLatest: number }> {
    const shardId = this.shardOfIterators.get(iterator) ?? '';
    const result = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.max(1, Math.min(1000, Math.floor(limit) || 1000)) }));
    const records: StreamRecord[] = [];
    for (const r of result.Records ?? []) {
      const d = r.dynamodb ?? {};
      const created = d.ApproximateCreationDateTime ? d.ApproximateCreationDateTime.getTime() : Date.now();
      const keys = toEventAttributes(d.Keys ?? {}) as Record<string, unknown>;
      const change: DynamoDbChange & { SizeBytes: number; StreamViewType: string; ApproximateCreationDateTime: number } = {
        eventName: (r.eventName ?? 'MODIFY') as DynamoDbChange['eventName'],
        Keys: keys,
        ...(d.NewImage ? { NewImage: toEventAttributes(d.NewImage) as Record<string, unknown> } : {}),
        ...(d.OldImage ? { OldImage: toEventAttributes(d.OldImage) as Record<string, unknown> } : {}),
        SizeBytes: d.SizeBytes ?? 0,
        StreamViewType: d.StreamViewType ?? this.definition.streamViewType ?? 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: Math.floor(created / 1000),
      };
      records.push({
        shardId,
        sequenceNumber: d.SequenceNumber ?? '',
        approximateArrivalTimestamp: created,
        partitionKey: dynamoDbPartitionKey(keys),
        eventID: r.eventID,
        dynamodb: change,
      });
    }
    if (result.NextShardIterator && shardId) this.remember(result.NextShardIterator, shardId);
    const last = records[records.length - 1];
    // DynamoDB Streams does not report how far behind the reader is: the age of the last record read.
    const millisBehindLatest = last ? Math.max(0, Date.now() - last.approximateArrivalTimestamp) : 0;
    return { records, nextShardIterator: result.NextShardIterator ?? undefined, millisBehindLatest };
  }

  async putRecord(): Promise<{ shardId: string; sequenceNumber: string }> {
    throw new StreamApiError('ValidationException', `${this.definition.name} is a DynamoDB stream: its records come from writes to the table`);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** The stream's ARN: the configured one, else the table's latest stream. */
  private arn(): Promise<string> {
    this.streamArn ??= (async () => {
      const configured = [this.definition.endpoint?.remoteName, this.definition.arn].find((a) => a && /^arn:[^:]+:dynamodb:.*\/stream\//.test(a));
      if (configured) return configured;
      const table = this.definition.endpoint?.remoteName ?? this.definition.name;
      const streams = await this.client.send(new ListStreamsCommand({ TableName: table.replace(/^arn:[^:]+:dynamodb:[^:]*:\d*:table\//, '') }));
      const arn = streams.Streams?.[0]?.StreamArn;
      if (!arn) throw new StreamApiError('ResourceNotFoundException', `The table ${table} has no stream (enable its StreamSpecification)`);
      return arn;
    })().catch((error: unknown) => {
      this.streamArn = undefined;
      throw error;
    });
    return this.streamArn;
  }

  private remember(iterator: string, shardId: string): void {
    this.shardOfIterators.set(iterator, shardId);
    if (this.shardOfIterators.size > 10_000) this.shardOfIterators.delete(this.shardOfIterators.keys().next().value as string);
  }
}

/** SDK attribute values → the JSON Lambda's event carries: binary (B, BS) as base64, everything else as is. */
export function toEventAttributes(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toEventAttributes);
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$unknown' || inner === undefined) continue;
      result[key] = toEventAttributes(inner);
    }
    return result;
  }
  return value;
}
