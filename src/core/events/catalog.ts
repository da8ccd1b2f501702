import { apigatewayAwsProxyEvent, apigatewayHttpApiProxyEvent, APIGATEWAY_AWS_PROXY_OPTIONS, APIGATEWAY_HTTP_API_PROXY_OPTIONS } from './apigateway';
import { cloudwatchLogsEvent, CLOUDWATCH_LOGS_OPTIONS } from './cloudwatchLogs';
import { COMMON_OPTIONS, EventOptionError, type EventOptionValues, type OptionSpec } from './common';
import { dynamodbUpdateEvent, DYNAMODB_UPDATE_OPTIONS } from './dynamodb';
import { eventbridgeEvent, EVENTBRIDGE_EVENT_OPTIONS, scheduledEvent, SCHEDULED_EVENT_OPTIONS } from './eventbridge';
import { functionUrlRequestEvent, FUNCTION_URL_REQUEST_OPTIONS } from './functionUrl';
import { kinesisGetRecordsEvent, KINESIS_GET_RECORDS_OPTIONS } from './kinesis';
import { s3DeleteEvent, s3PutEvent, S3_DELETE_OPTIONS, S3_PUT_OPTIONS } from './s3';
import { snsNotificationEvent, SNS_NOTIFICATION_OPTIONS } from './sns';
import { sqsReceiveMessageEvent, SQS_RECEIVE_MESSAGE_OPTIONS } from './sqs';

// The registry of sample events: service → type → generator, with the names of
// `sam local generate-event` where SAM CLI has the event (and its option names where it has them).

export interface SampleEventType {
  description: string;
  /** The type's own options; COMMON_OPTIONS apply to every type too. */
  options: readonly OptionSpec[];
  generate(options?: EventOptionValues): unknown;
}

export const CATALOG: Readonly<Record<string, Readonly<Record<string, SampleEventType>>>> = {
  apigateway: {
    'aws-proxy': {
      description: 'API Gateway REST API request, Lambda proxy integration (payload 1.0)',
      options: APIGATEWAY_AWS_PROXY_OPTIONS,
      generate: apigatewayAwsProxyEvent,
    },
    'http-api-proxy': {
      description: 'API Gateway HTTP API request (payload 2.0)',
      options: APIGATEWAY_HTTP_API_PROXY_OPTIONS,
      generate: apigatewayHttpApiProxyEvent,
    },
  },
  cloudwatch: {
    'scheduled-event': { description: 'EventBridge (CloudWatch Events) schedule rule event', options: SCHEDULED_EVENT_OPTIONS, generate: scheduledEvent },
    logs: { description: 'CloudWatch Logs subscription filter delivery (gzip + base64)', options: CLOUDWATCH_LOGS_OPTIONS, generate: cloudwatchLogsEvent },
  },
  dynamodb: {
    update: {
      description: 'DynamoDB Streams records (INSERT, MODIFY, REMOVE; NEW_AND_OLD_IMAGES)',
      options: DYNAMODB_UPDATE_OPTIONS,
      generate: dynamodbUpdateEvent,
    },
  },
  eventbridge: {
    event: {
      description: 'EventBridge event matched by a rule (custom source, detail-type and detail)',
      options: EVENTBRIDGE_EVENT_OPTIONS,
      generate: eventbridgeEvent,
    },
    'scheduled-event': {
      description: 'EventBridge schedule rule event (as cloudwatch scheduled-event)',
      options: SCHEDULED_EVENT_OPTIONS,
      generate: scheduledEvent,
    },
  },
  kinesis: {
    'get-records': { description: 'Kinesis Data Streams records (base64 data)', options: KINESIS_GET_RECORDS_OPTIONS, generate: kinesisGetRecordsEvent },
  },
  lambda: {
    'function-url': { description: 'Lambda function URL request (payload 2.0)', options: FUNCTION_URL_REQUEST_OPTIONS, generate: functionUrlRequestEvent },
  },
  s3: {
    put: { description: 'S3 ObjectCreated:Put notification', options: S3_PUT_OPTIONS, generate: s3PutEvent },
    delete: { description: 'S3 ObjectRemoved:Delete notification', options: S3_DELETE_OPTIONS, generate: s3DeleteEvent },
  },
  sns: {
    notification: { description: 'SNS topic notification', options: SNS_NOTIFICATION_OPTIONS, generate: snsNotificationEvent },
  },
  sqs: {
    'receive-message': { description: 'SQS batch (standard or FIFO queue)', options: SQS_RECEIVE_MESSAGE_OPTIONS, generate: sqsReceiveMessageEvent },
  },
};

export function services(): string[] {
  return Object.keys(CATALOG);
}

/** The type, or an EventOptionError naming what exists. */
export function lookupSampleEvent(service: string, type: string | undefined): SampleEventType {
  const types = CATALOG[service];
  if (!types) throw new EventOptionError(`Unknown service "${service}" (services: ${services().join(', ')})`);
  if (type === undefined) throw new EventOptionError(`Give an event type for ${service} (${Object.keys(types).join(', ')})`);
  const entry = types[type];
  if (!entry) throw new EventOptionError(`Unknown ${service} event type "${type}" (types: ${Object.keys(types).join(', ')})`);
  return entry;
}

/** Every option a type takes: its own, then the common ones. */
export function allOptions(entry: SampleEventType): OptionSpec[] {
  return [...entry.options, ...COMMON_OPTIONS];
}

/** `service/type` (as `invoke --sample` takes it) or `service type`, generated with default options. */
export function generateSampleEvent(service: string, type: string, options: EventOptionValues = {}): unknown {
  return lookupSampleEvent(service, type).generate(options);
}
