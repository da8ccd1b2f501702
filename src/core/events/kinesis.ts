import { decimalOf, EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// Kinesis Data Streams records as Lambda's event source mapping delivers them: base64 data,
// 56-digit sequence numbers increasing through the batch, arrival times in epoch seconds with
// milliseconds.

export interface KinesisRecordPayload {
  kinesisSchemaVersion: string;
  partitionKey: string;
  sequenceNumber: string;
  data: string;
  approximateArrivalTimestamp: number;
}

export interface KinesisRecord {
  kinesis: KinesisRecordPayload;
  eventSource: 'aws:kinesis';
  eventVersion: string;
  eventID: string;
  eventName: 'aws:kinesis:record';
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

export interface KinesisEvent {
  Records: KinesisRecord[];
}

export const KINESIS_GET_RECORDS_OPTIONS: readonly OptionSpec[] = [
  option('stream', 'string', 'example-stream', 'stream name'),
  option('data', 'string', 'Hello, this is a test 123.', 'record data (text; base64-encoded in the event)'),
  option('partition-key', 'string', 'partitionKey-03', 'partition key of every record'),
  option('sequence', 'string', undefined, 'sequence number of the first record (56 digits; default: generated)'),
  option('records', 'integer', '1', 'number of records in the batch (1-10000)'),
  option('shard-id', 'string', 'shardId-000000000000', 'shard the records come from'),
  option('role', 'string', 'lambda-role', 'name of the execution role (invokeIdentityArn)'),
];

/** `kinesis get-records`: a batch of records from one shard. */
export function kinesisGetRecordsEvent(values: EventOptionValues = {}): KinesisEvent {
  const ctx = resolveOptions(KINESIS_GET_RECORDS_OPTIONS, values);
  const count = ctx.integer('records', 1, 10000);
  const given = ctx.optionalString('sequence');
  if (given !== undefined && !/^\d{1,128}$/.test(given)) throw new EventOptionError(`--sequence: expected a decimal sequence number, got "${given}"`);
  let sequence = given !== undefined ? BigInt(given) : decimalOf(ctx.random, '49', 56);
  const data = Buffer.from(ctx.string('data'), 'utf8').toString('base64');
  const shardId = ctx.string('shard-id');
  const records: KinesisRecord[] = [];
  for (let i = 0; i < count; i++) {
    const sequenceNumber = sequence.toString();
    records.push({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: ctx.string('partition-key'),
        sequenceNumber,
        data,
        approximateArrivalTimestamp: Math.round(ctx.now - 1000 + i * 7) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: ctx.arn('iam', `role/${ctx.string('role')}`, { region: '' }),
      awsRegion: ctx.region,
      eventSourceARN: ctx.arn('kinesis', `stream/${ctx.string('stream')}`),
    });
    // Consecutive records of a shard: the sequence number grows by an amount of the order of 2^64.
    sequence += (BigInt(ctx.random.int(1, 0xffffff)) << 40n) + BigInt(ctx.random.uint32());
  }
  return { Records: records };
}
