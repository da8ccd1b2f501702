import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// An SNS notification as Lambda receives it from a topic subscription (one record per event).
// Lambda's shape spells SigningCertUrl and UnsubscribeUrl so, unlike SNS's HTTP deliveries.

export interface SnsMessageAttribute {
  Type: string;
  Value: string;
}

export interface SnsMessage {
  Type: 'Notification';
  MessageId: string;
  TopicArn: string;
  /** null when the message was published without a subject. */
  Subject: string | null;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertUrl: string;
  UnsubscribeUrl: string;
  MessageAttributes: Record<string, SnsMessageAttribute>;
}

export interface SnsRecord {
  EventSource: 'aws:sns';
  EventVersion: string;
  EventSubscriptionArn: string;
  Sns: SnsMessage;
}

export interface SnsEvent {
  Records: SnsRecord[];
}

export const SNS_NOTIFICATION_OPTIONS: readonly OptionSpec[] = [
  option('topic', 'string', 'ExampleTopic', 'topic name'),
  option('subject', 'string', 'example subject', 'message subject (empty: published without one, Subject is null)'),
  option('message', 'string', 'example message', 'message text'),
  // SAM's template has these two attributes; `--message-attributes {}` gives none.
  option(
    'message-attributes',
    'json',
    '{"Test":"TestString","TestBinary":{"Type":"Binary","Value":"VGVzdEJpbmFyeQ=="}}',
    'message attributes, JSON: {"name": "text" | number | {"Type": "Binary", "Value": "<base64>"}}',
  ),
];

export function snsMessageAttributes(input: unknown): Record<string, SnsMessageAttribute> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new EventOptionError('--message-attributes: expected a JSON object');
  const out: Record<string, SnsMessageAttribute> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = { Type: 'String', Value: value };
    else if (typeof value === 'number') out[name] = { Type: 'Number', Value: String(value) };
    else if (Array.isArray(value)) out[name] = { Type: 'String.Array', Value: JSON.stringify(value) };
    else if (
      value &&
      typeof value === 'object' &&
      typeof (value as SnsMessageAttribute).Type === 'string' &&
      typeof (value as SnsMessageAttribute).Value === 'string'
    ) {
      out[name] = { Type: (value as SnsMessageAttribute).Type, Value: (value as SnsMessageAttribute).Value };
    } else throw new EventOptionError(`--message-attributes: "${name}" must be a string, a number, an array or {Type, Value}`);
  }
  return out;
}

/** `sns notification`: a message published to a topic. */
export function snsNotificationEvent(values: EventOptionValues = {}): SnsEvent {
  const ctx = resolveOptions(SNS_NOTIFICATION_OPTIONS, values);
  const topic = ctx.string('topic');
  if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topic)) throw new EventOptionError(`--topic: not a valid topic name: "${topic}"`);
  const topicArn = ctx.arn('sns', topic);
  const subscriptionArn = `${topicArn}:${ctx.random.uuid()}`;
  const host = `sns.${ctx.region}.amazonaws.com${ctx.partition === 'aws-cn' ? '.cn' : ''}`;
  const subject = ctx.string('subject');
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: ctx.random.uuid(),
          TopicArn: topicArn,
          Subject: subject === '' ? null : subject,
          Message: ctx.string('message'),
          Timestamp: ctx.isoTime(),
          SignatureVersion: '1',
          Signature: ctx.random.base64(256),
          SigningCertUrl: `https://${host}/SimpleNotificationService-${ctx.random.hex(32)}.pem`,
          UnsubscribeUrl: `https://${host}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: snsMessageAttributes(ctx.json('message-attributes')),
        },
      },
    ],
  };
}
