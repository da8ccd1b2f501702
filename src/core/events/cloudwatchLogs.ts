import { gzipSync } from 'node:zlib';
import { option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// A CloudWatch Logs subscription filter's delivery: `awslogs.data` is the gzip-compressed,
// base64-encoded JSON of the matched log events.

export interface CloudWatchLogsEventShape {
  awslogs: { data: string };
}

export interface CloudWatchLogsDecoded {
  messageType: 'DATA_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

export const CLOUDWATCH_LOGS_OPTIONS: readonly OptionSpec[] = [
  option('log-group', 'string', '/aws/lambda/example-function', 'log group name'),
  option('log-stream', 'string', undefined, 'log stream name (default: a Lambda-style stream of today)'),
  option('filter-name', 'string', 'example-subscription', 'subscription filter name'),
  option('messages', 'list', 'first log message,second log message', "the log events' messages, comma-separated"),
];

/** The decoded payload (what `awslogs.data` carries). */
export function cloudwatchLogsPayload(values: EventOptionValues = {}): CloudWatchLogsDecoded {
  const ctx = resolveOptions(CLOUDWATCH_LOGS_OPTIONS, values);
  const day = new Date(ctx.now).toISOString().slice(0, 10).replace(/-/g, '/');
  let id = BigInt(`3${ctx.random.digits(55)}`);
  return {
    messageType: 'DATA_MESSAGE',
    owner: ctx.accountId,
    logGroup: ctx.string('log-group'),
    logStream: ctx.optionalString('log-stream') ?? `${day}/[$LATEST]${ctx.random.hex(32)}`,
    subscriptionFilters: [ctx.string('filter-name')],
    logEvents: ctx.list('messages').map((message, i) => {
      const event = { id: id.toString(), timestamp: ctx.now - 1000 + i, message };
      id += BigInt(ctx.random.int(1, 1_000_000)) << 20n;
      return event;
    }),
  };
}

/** `cloudwatch logs`: a subscription filter delivery. */
export function cloudwatchLogsEvent(values: EventOptionValues = {}): CloudWatchLogsEventShape {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(cloudwatchLogsPayload(values)), 'utf8')).toString('base64') } };
}
