import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { fromIni } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { regionOfArn } from '../vocabulary/functionNames';
import type { RecordStream, ShardInfo, SourceEndpoint, StreamDefinition, StreamPosition, StreamRecord } from './types';

// A real Kinesis data stream (AWS, or an emulator such as kinesalite or LocalStack through the
// endpoint override), reached with the AWS SDK: ListShards, GetShardIterator, GetRecords,
// PutRecord. The stream is the definition's name, or `endpoint.remoteName` (a name or an ARN).

/** Options every SDK client of a stream endpoint shares: endpoint, region, profile, HTTP/1.1. */
export function sdkClientConfig(
  endpoint: SourceEndpoint | undefined,
  fallbackRegion: string,
): {
  endpoint?: string;
  region: string;
  credentials?: ReturnType<typeof fromIni>;
  requestHandler: NodeHttpHandler;
  maxAttempts: number;
} {
  return {
    ...(endpoint?.url ? { endpoint: endpoint.url } : {}),
    region: endpoint?.region ?? fallbackRegion,
    ...(endpoint?.profile ? { credentials: fromIni({ profile: endpoint.profile }) } : {}),
    // Kinesis's client defaults to HTTP/2 (for SubscribeToShard, which we do not use); plain
    // HTTP/1.1 works against AWS and every emulator.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }),
    maxAttempts: 3,
  };
}

export interface KinesisEndpointOptions {
  /** An SDK client to use instead of one built from the definition (tests). */
  client?: KinesisClient;
}

export class KinesisEndpointStream implements RecordStream {
  private readonly client: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly target: { StreamName?: string; StreamARN?: string };

  constructor(
    readonly definition: StreamDefinition,
    options: KinesisEndpointOptions = {},
  ) {
    this.ownsClient = !options.client;
    this.client = options.client ?? new KinesisClient(sdkClientConfig(definition.endpoint, regionOfArn(definition.arn)));
    const remote = definition.endpoint?.remoteName ?? definition.name;
    this.target = remote.startsWith('arn:') ? { StreamARN: remote } : { StreamName: remote };
  }

  async listShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let nextToken: string | undefined;
    do {
      // ListShards takes the stream or a NextToken, never both.
      const page = await this.client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { ...this.target }));
      for (const shard of page.Shards ?? []) {
        shards.push({
          shardId: shard.ShardId ?? '',
          hashKeyRange: { startingHashKey: shard.HashKeyRange?.StartingHashKey ?? '0', endingHashKey: shard.HashKeyRange?.EndingHashKey ?? '0' },
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  }

  async getShardIterator(shardId: string, position: StreamPosition): Promise<string> {
    const input: {
      ShardId: string;
      ShardIteratorType: ShardIteratorType;
      StartingSequenceNumber?: string;
      Timestamp?: Date;
      StreamName?: string;
      StreamARN?: string;
    } = { ...this.target, ShardId: shardId, ShardIteratorType: position.type };
    if (position.type === 'AT_SEQUENCE_NUMBER' || position.type === 'AFTER_SEQUENCE_NUMBER') input.StartingSequenceNumber = position.sequenceNumber;
    if (position.type === 'AT_TIMESTAMP') input.Timestamp = new Date(position.timestamp);
    const result = await this.client.send(new GetShardIteratorCommand(input));
    if (!result.ShardIterator) throw new Error(`Kinesis returned no shard iterator for ${shardId}`);
    this.remember(result.ShardIterator, shardId);
    return result.ShardIterator;
  }

  async getRecords(iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextShardIterator?: string; millisBehindLatest: number }> {
    const shardId = this.shardOfIterators.get(iterator);
    const result = await this.client.send(
      new GetRecordsCommand({
        ShardIterator: iterator,
        Limit: Math.max(1, Math.min(10_000, Math.floor(limit) || 10_000)),
        ...(this.target.StreamARN ? { StreamARN: this.target.StreamARN } : {}),
      }),
    );
    const records: StreamRecord[] = (result.Records ?? []).map((r) => ({
      shardId: shardId ?? '',
      sequenceNumber: r.SequenceNumber ?? '',
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp ? r.ApproximateArrivalTimestamp.getTime() : Date.now(),
      partitionKey: r.PartitionKey ?? '',
      data: Buffer.from(r.Data ?? new Uint8Array()),
    }));
    if (shardId !== undefined && result.NextShardIterator) this.remember(result.NextShardIterator, shardId);
    return { records, nextShardIterator: result.NextShardIterator ?? undefined, millisBehindLatest: result.MillisBehindLatest ?? 0 };
  }

  async putRecord(input: { data: Buffer; partitionKey: string; explicitHashKey?: string }): Promise<{ shardId: string; sequenceNumber: string }> {
    const result = await this.client.send(
      new PutRecordCommand({
        ...this.target,
        Data: input.data,
        PartitionKey: input.partitionKey,
        ...(input.explicitHashKey !== undefined ? { ExplicitHashKey: input.explicitHashKey } : {}),
      }),
    );
    return { shardId: result.ShardId ?? '', sequenceNumber: result.SequenceNumber ?? '' };
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** GetRecords does not say which shard it read: the shard of every iterator we handed out (the newest 10,000). */
  private readonly shardOfIterators = new Map<string, string>();

  private remember(iterator: string, shardId: string): void {
    this.shardOfIterators.set(iterator, shardId);
    if (this.shardOfIterators.size > 10_000) this.shardOfIterators.delete(this.shardOfIterators.keys().next().value as string);
  }
}
