import { gzipSync } from 'node:zlib';
import { cloudwatchLogsPayload } from './cloudwatchLogs';
import { decimalOf, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Kinesis Data Firehose data transformation events (`kinesis kinesis-firehose`, `apachelog`,
// `syslog`, `streams-as-source`, `cloudwatch-logs-processor`): records whose data is base64, as
// SAM's options give it. Unlike some of SAM's templates, every event names its delivery stream
// (deliveryStreamArn), as Firehose sends it.

const DELIVERY_STREAM = option('delivery-stream', 'string', 'example-delivery-stream', 'delivery stream name');

export const KINESIS_FIREHOSE_OPTIONS: readonly OptionSpec[] = [
  option('data', 'string', 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=', 'record data, base64'),
  DELIVERY_STREAM,
];

export const KINESIS_FIREHOSE_APACHELOG_OPTIONS: readonly OptionSpec[] = [
  option(
    'data',
    'string',
    Buffer.from('64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] "GET /mailman/listinfo/hsdivision HTTP/1.1" 200 6291').toString('base64'),
    'record data, base64 (an Apache access log line)',
  ),
  DELIVERY_STREAM,
];

export const KINESIS_FIREHOSE_SYSLOG_OPTIONS: readonly OptionSpec[] = [
  option('data', 'string', 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=', 'record data, base64 (a syslog line)'),
  option('records', 'integer', '2', 'number of records'),
  DELIVERY_STREAM,
];

export const KINESIS_FIREHOSE_STREAMS_AS_SOURCE_OPTIONS: readonly OptionSpec[] = [
  option('data', 'string', 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=', 'record data, base64'),
  option('partition-key', 'string', 'partitionKey-03', 'partition key in the source stream'),
  option('sequence', 'string', '49545115243490985018280067714973144582180062593244200961', 'sequence number in the source stream'),
  option('source-stream', 'string', 'example-stream', 'the Kinesis stream the delivery stream reads'),
  DELIVERY_STREAM,
];

export const KINESIS_FIREHOSE_CLOUDWATCH_LOGS_OPTIONS: readonly OptionSpec[] = [
  option('log-group', 'string', '/aws/lambda/example-function', 'log group of the data messages'),
  option('messages', 'list', 'first log message,second log message', "each data message's log events, comma-separated"),
  option('data-messages', 'integer', '3', 'data messages after the first, control, message'),
  DELIVERY_STREAM,
];

function firehoseEnvelope<TRecord>(ctx: EventContext, records: TRecord[], extra: object = {}) {
  return {
    invocationId: ctx.random.uuid(),
    deliveryStreamArn: ctx.arn('firehose', `deliverystream/${ctx.string('delivery-stream')}`),
    ...extra,
    region: ctx.region,
    records,
  };
}

function simpleRecords(ctx: EventContext, count: number) {
  const data = ctx.string('data');
  return Array.from({ length: count }, (_, i) => ({
    recordId: `${decimalOf(ctx.random, '49', 56)}`,
    approximateArrivalTimestamp: ctx.now - 1000 + i,
    data,
  }));
}

function simple(specs: readonly OptionSpec[]) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(specs, values);
    return firehoseEnvelope(ctx, simpleRecords(ctx, specs.some((s) => s.name === 'records') ? ctx.integer('records', 1, 500) : 1));
  };
}

/** `kinesis kinesis-firehose` */
export const kinesisFirehoseEvent = simple(KINESIS_FIREHOSE_OPTIONS);
/** `kinesis apachelog` */
export const kinesisFirehoseApacheLogEvent = simple(KINESIS_FIREHOSE_APACHELOG_OPTIONS);
/** `kinesis syslog` */
export const kinesisFirehoseSyslogEvent = simple(KINESIS_FIREHOSE_SYSLOG_OPTIONS);

/** `kinesis streams-as-source`: the delivery stream reads a Kinesis stream; records carry its metadata. */
export function kinesisFirehoseStreamsAsSourceEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(KINESIS_FIREHOSE_STREAMS_AS_SOURCE_OPTIONS, values);
  const arrival = ctx.now - 1000;
  const record = {
    recordId: `${decimalOf(ctx.random, '49', 56)}`,
    approximateArrivalTimestamp: arrival,
    kinesisRecordMetadata: {
      sequenceNumber: ctx.string('sequence'),
      subsequenceNumber: '0',
      partitionKey: ctx.string('partition-key'),
      shardId: 'shardId-000000000000',
      approximateArrivalTimestamp: arrival,
    },
    data: ctx.string('data'),
  };
  return firehoseEnvelope(ctx, [record], { sourceKinesisStreamArn: ctx.arn('kinesis', `stream/${ctx.string('source-stream')}`) });
}

/** `kinesis cloudwatch-logs-processor`: a log subscription delivered through Firehose (gzip JSON per record). */
export function kinesisFirehoseCloudwatchLogsEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(KINESIS_FIREHOSE_CLOUDWATCH_LOGS_OPTIONS, values);
  const gzip64 = (payload: object) => gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
  // Logs checks the destination with a control message first.
  const control = {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: ctx.now - 5000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  };
  const payloads: object[] = [control];
  for (let i = 0; i < ctx.integer('data-messages', 0, 100); i++) {
    payloads.push(
      cloudwatchLogsPayload({
        'log-group': ctx.string('log-group'),
        messages: ctx.list('messages').join(','),
        region: ctx.region,
        'account-id': ctx.accountId,
        time: String(ctx.now - 4000 + i * 1000),
        seed: `${ctx.random.hex(16)}`,
      }),
    );
  }
  const records = payloads.map((payload, i) => ({
    recordId: `${decimalOf(ctx.random, '49', 56)}${'0'.repeat(6)}`,
    data: gzip64(payload),
    approximateArrivalTimestamp: ctx.now - 4000 + i * 300,
  }));
  return firehoseEnvelope(ctx, records);
}
