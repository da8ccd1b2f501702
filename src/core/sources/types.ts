// The event sources Lambda polls, as the engine sees them: queues with SQS semantics and streams
// with Kinesis / DynamoDB Streams semantics. Each is either embedded (kept in the engine's LevelDB,
// zero setup) or a real AWS-compatible endpoint reached through the AWS SDK; event source mappings
// and the CLI only see these interfaces.

/** A queue declared in the template (AWS::SQS::Queue) or configured, with SQS's attributes. */
export interface QueueDefinition {
  logicalId?: string;
  /** QueueName (FIFO names end in `.fifo`). */
  name: string;
  arn: string;
  url: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  /** DelaySeconds (0–900). */
  delaySeconds: number;
  /** VisibilityTimeout (0–43,200; default 30). */
  visibilityTimeoutSeconds: number;
  /** MessageRetentionPeriod (60–1,209,600; default 345,600 = 4 days). */
  retentionSeconds: number;
  /** ReceiveMessageWaitTimeSeconds (0–20). */
  receiveWaitSeconds: number;
  /** RedrivePolicy: after maxReceiveCount receives, a message moves to the dead-letter queue. */
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  /** MaximumMessageSize in bytes (1,024–1,048,576; default 262,144): body plus message attributes. */
  maximumMessageSizeBytes?: number;
  /** A real endpoint instead of the embedded queue. */
  endpoint?: SourceEndpoint;
}

/** A stream declared in the template (AWS::Kinesis::Stream, an AWS::DynamoDB::Table's stream) or configured. */
export interface StreamDefinition {
  logicalId?: string;
  /** Stream name (Kinesis) or table name (DynamoDB). */
  name: string;
  arn: string;
  kind: 'kinesis' | 'dynamodb';
  /** Kinesis ShardCount (default 1; ON_DEMAND: 4); DynamoDB: 1. */
  shardCount: number;
  /** RetentionPeriodHours (Kinesis default 24; DynamoDB Streams 24). */
  retentionHours: number;
  /** DynamoDB StreamSpecification.StreamViewType. */
  streamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  endpoint?: SourceEndpoint;
}

/** Where a real queue or stream lives (the `sourceEndpoints` setting). */
export interface SourceEndpoint {
  /** Endpoint override (LocalStack, ElasticMQ, kinesalite…); AWS itself when absent. */
  url?: string;
  region?: string;
  /** A named profile of the user's AWS configuration; else the default credential chain. */
  profile?: string;
  /** The remote queue URL / stream name or ARN when it differs from the template's. */
  remoteName?: string;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** base64 */
  BinaryValue?: string;
}

export interface SendMessageInput {
  body: string;
  delaySeconds?: number;
  messageAttributes?: Record<string, MessageAttributeValue>;
  /** FIFO only (required there). */
  messageGroupId?: string;
  /** FIFO only (required unless content-based deduplication). */
  messageDeduplicationId?: string;
  /** The AWSTraceHeader message system attribute (an X-Ray trace header), as Lambda sets it on destination messages. */
  traceHeader?: string;
}

export interface SendMessageResult {
  messageId: string;
  md5OfMessageBody: string;
  /** FIFO only. */
  sequenceNumber?: string;
}

export interface ReceiveOptions {
  /** 1–10 as SQS; pollers may ask for more through repeated calls. */
  maxMessages: number;
  /** Long poll: wait up to this long for a first message (0 = return at once). */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeoutSeconds?: number;
  /** Ends a long poll early (the receive resolves with what it has, usually nothing). */
  signal?: AbortSignal;
}

/** A received message, with SQS's fields (what Lambda's SQS event records are built from). */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  /** ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp; AWSTraceHeader when sent with one; FIFO: MessageGroupId, MessageDeduplicationId, SequenceNumber. */
  attributes: Record<string, string>;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes?: string;
}

export interface QueueStats {
  /** ApproximateNumberOfMessages */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed */
  delayed: number;
}

export interface MessageQueue {
  readonly definition: QueueDefinition;
  send(messages: SendMessageInput[]): Promise<SendMessageResult[]>;
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Deletes received messages (an unknown or stale receipt handle is ignored, as SQS does for expired ones). */
  delete(receiptHandles: string[]): Promise<void>;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  purge(): Promise<void>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

export interface ShardInfo {
  shardId: string;
  /** Decimal strings, as Kinesis reports them (MD5 hash key space 0 … 2^128 - 1). */
  hashKeyRange: { startingHashKey: string; endingHashKey: string };
  parentShardId?: string;
}

export type StreamPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: number }
  | { type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

/** A DynamoDB stream record's change (AWS's `dynamodb` field, typed attribute values). */
export interface DynamoDbChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  Keys: Record<string, unknown>;
  NewImage?: Record<string, unknown>;
  OldImage?: Record<string, unknown>;
}

export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  /** Epoch milliseconds. */
  approximateArrivalTimestamp: number;
  /** Kinesis: partition key and data. */
  partitionKey?: string;
  data?: Buffer;
  /** DynamoDB Streams: the change and its size; ApproximateCreationDateTime in epoch seconds, as AWS's event has it. */
  dynamodb?: DynamoDbChange & { SizeBytes: number; StreamViewType: string; ApproximateCreationDateTime: number };
  eventID?: string;
}

export interface RecordStream {
  readonly definition: StreamDefinition;
  listShards(): Promise<ShardInfo[]>;
  getShardIterator(shardId: string, position: StreamPosition): Promise<string>;
  getRecords(iterator: string, limit: number): Promise<{ records: StreamRecord[]; nextShardIterator?: string; millisBehindLatest: number }>;
  /** Kinesis PutRecord (embedded and real Kinesis). */
  putRecord(input: { data: Buffer; partitionKey: string; explicitHashKey?: string }): Promise<{ shardId: string; sequenceNumber: string }>;
  /** Kinesis PutRecords on an embedded stream: the records of a shard become readable together. */
  putRecords?(input: { data: Buffer; partitionKey: string; explicitHashKey?: string }[]): Promise<{ shardId: string; sequenceNumber: string }[]>;
  /** Appends a change to an embedded DynamoDB stream (the embedded engine has no tables to write to). */
  putChange?(change: DynamoDbChange): Promise<{ shardId: string; sequenceNumber: string }>;
  /**
   * In-process notification that records became readable in a shard (embedded streams), so pollers
   * wake at once instead of polling; returns the unsubscribe function. Absent on real endpoints.
   */
  onRecords?(listener: (shardId: string) => void): () => void;
  close(): Promise<void>;
}
