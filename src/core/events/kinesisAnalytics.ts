import { createHash } from 'node:crypto';
import { decimalOf, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Kinesis Data Analytics (SQL applications) preprocessing and output events (`kinesis analytics`,
// `analytics-compressed`, `analytics-dynamodb`, `analytics-kpl`): base64 records from a stream.
// SAM's option names and defaults; `analytics-kpl` carries KPL-aggregated records, built here as
// the KPL writes them (magic bytes, protobuf AggregatedRecord, MD5 trailer).

const ANALYTICS_COMMON: OptionSpec[] = [
  option('application', 'string', 'example-application', 'Kinesis Analytics application name'),
  option('stream', 'string', 'example-stream', 'source stream name'),
];

export const KINESIS_ANALYTICS_OPTIONS: readonly OptionSpec[] = [
  ...ANALYTICS_COMMON,
  option('data', 'string', 'This is a test from Kinesis Analytics', 'record data (text; base64-encoded in the event)'),
];

export const KINESIS_ANALYTICS_COMPRESSED_OPTIONS: readonly OptionSpec[] = [
  ...ANALYTICS_COMMON,
  option(
    'data',
    'string',
    'H4sIAAAAAAAA/6vmUspLzE1VslLKTsxNzFHS4VJKTEkpSi0uBgol5SRmKHHVAgDd1tysJAAAAA==',
    'record data, already base64 (the default is gzip-compressed JSON)',
  ),
];

export const KINESIS_ANALYTICS_DYNAMODB_OPTIONS: readonly OptionSpec[] = [
  ...ANALYTICS_COMMON,
  option(
    'data',
    'string',
    '{"ROWTIME_TIMESTAMP":"2017-12-15 01:09:50.000","VEHICLEID":"5","VEHICLECOUNT":18}',
    'output row, JSON text (base64-encoded in the event)',
  ),
];

export const KINESIS_ANALYTICS_KPL_OPTIONS: readonly OptionSpec[] = [
  ...ANALYTICS_COMMON,
  option('records', 'list', 'first user record,second user record', 'user records aggregated in each KPL record, comma-separated'),
];

function envelope(ctx: EventContext, records: object[]) {
  return {
    invocationId: ctx.random.uuid(),
    applicationArn: ctx.arn('kinesisanalytics', `application/${ctx.string('application')}`),
    streamArn: ctx.arn('kinesis', `stream/${ctx.string('stream')}`),
    records,
  };
}

function analytics(specs: readonly OptionSpec[], encode: (ctx: EventContext) => string) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(specs, values);
    return envelope(ctx, [{ recordId: decimalOf(ctx.random, '49', 56).toString(), data: encode(ctx) }]);
  };
}

const base64Text = (ctx: EventContext) => Buffer.from(ctx.string('data'), 'utf8').toString('base64');

/** `kinesis analytics` */
export const kinesisAnalyticsEvent = analytics(KINESIS_ANALYTICS_OPTIONS, base64Text);
/** `kinesis analytics-compressed`: the record is gzip-compressed JSON. */
export const kinesisAnalyticsCompressedEvent = analytics(KINESIS_ANALYTICS_COMPRESSED_OPTIONS, (ctx) => ctx.string('data'));
/** `kinesis analytics-dynamodb`: an output row bound for DynamoDB. */
export const kinesisAnalyticsDynamodbEvent = analytics(KINESIS_ANALYTICS_DYNAMODB_OPTIONS, base64Text);

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function field(number: number, payload: Buffer | number): Buffer {
  if (typeof payload === 'number') return Buffer.concat([varint(number << 3), varint(payload)]);
  return Buffer.concat([varint((number << 3) | 2), varint(payload.length), payload]);
}

const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** A KPL aggregated record: magic, AggregatedRecord (partition key table, records), MD5 of the protobuf. */
export function kplAggregate(partitionKeys: string[], records: { keyIndex: number; data: string }[]): Buffer {
  const message = Buffer.concat([
    ...partitionKeys.map((k) => field(1, Buffer.from(k, 'utf8'))),
    ...records.map((r) => field(3, Buffer.concat([field(1, r.keyIndex), field(3, Buffer.from(r.data, 'utf8'))]))),
  ]);
  return Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()]);
}

/** `kinesis analytics-kpl`: two KPL-aggregated records from two shards. */
export function kinesisAnalyticsKplEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(KINESIS_ANALYTICS_KPL_OPTIONS, values);
  const userRecords = ctx.list('records');
  const records = [1, 2].map((shard) => {
    const sequenceNumber = decimalOf(ctx.random, '49', 56).toString();
    const partitionKey = `partitionKey-0${shard}`;
    return {
      recordId: sequenceNumber,
      kinesisStreamRecordMetadata: {
        shardId: `shardId-00000000000${shard}`,
        partitionKey,
        approximateArrivalTimestamp: ctx.now - 10_000 + shard * 1000,
        sequenceNumber,
      },
      data: kplAggregate(
        [partitionKey],
        userRecords.map((data) => ({ keyIndex: 0, data })),
      ).toString('base64'),
    };
  });
  return envelope(ctx, records);
}
