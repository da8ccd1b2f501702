import { EventOptionError, md5Hex, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// S3 event notifications as Lambda receives them: one record per event; the object key URL-encoded
// the way S3 encodes it (spaces as '+', '/' kept); ObjectRemoved events carry no size or eTag.

export interface S3ObjectCreatedInfo {
  key: string;
  size: number;
  eTag: string;
  versionId?: string;
  sequencer: string;
}

export interface S3ObjectRemovedInfo {
  key: string;
  versionId?: string;
  sequencer: string;
}

export interface S3NotificationRecord<TObject> {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: TObject;
  };
}

export interface S3PutEvent {
  Records: S3NotificationRecord<S3ObjectCreatedInfo>[];
}

export interface S3DeleteEvent {
  Records: S3NotificationRecord<S3ObjectRemovedInfo>[];
}

const COMMON: OptionSpec[] = [
  option('bucket', 'string', 'example-bucket', 'bucket name'),
  option('key', 'string', 'test/key', 'object key (URL-encoded in the event as S3 does)'),
  option('version-id', 'string', undefined, 'object version id (versioned buckets; absent by default)'),
  option('configuration-id', 'string', 'lambda-notification', 'id of the bucket notification configuration'),
  option('source-ip', 'string', '198.51.100.7', 'requestParameters.sourceIPAddress'),
];

export const S3_PUT_OPTIONS: readonly OptionSpec[] = [
  ...COMMON,
  option('size', 'integer', '1024', 'object size in bytes'),
  option('etag', 'string', undefined, 'object eTag (default: an MD5-like hex digest)'),
];

export const S3_DELETE_OPTIONS: readonly OptionSpec[] = COMMON;

/** S3 encodes keys in notifications like a form: spaces as '+', other reserved characters %-escaped, '/' kept. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function record<TObject>(ctx: EventContext, eventName: string, object: TObject): S3NotificationRecord<TObject> {
  const bucket = ctx.string('bucket');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new EventOptionError(`--bucket: not a valid bucket name: "${bucket}"`);
  const { random } = ctx;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: ctx.region,
    eventTime: ctx.isoTime(),
    eventName,
    userIdentity: { principalId: `AWS:AIDA${random.upper(17)}` },
    requestParameters: { sourceIPAddress: ctx.string('source-ip') },
    responseElements: {
      'x-amz-request-id': random.chars('0123456789ABCDEF', 16),
      'x-amz-id-2': random.base64(57),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: ctx.string('configuration-id'),
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: `A${random.upper(13)}` },
        arn: `arn:${ctx.partition}:s3:::${bucket}`,
      },
      object,
    },
  };
}

function sequencer(ctx: EventContext): string {
  // 18 upper-case hex digits, increasing with time for one key.
  return (ctx.now.toString(16).toUpperCase() + ctx.random.chars('0123456789ABCDEF', 18)).slice(0, 18).padStart(18, '0');
}

/** `s3 put`: an ObjectCreated:Put notification. */
export function s3PutEvent(values: EventOptionValues = {}): S3PutEvent {
  const ctx = resolveOptions(S3_PUT_OPTIONS, values);
  const key = ctx.string('key');
  const object: S3ObjectCreatedInfo = {
    key: encodeS3Key(key),
    size: ctx.integer('size'),
    eTag: ctx.optionalString('etag') ?? md5Hex(`${key}:${ctx.random.hex(16)}`),
    ...(ctx.has('version-id') ? { versionId: ctx.string('version-id') } : {}),
    sequencer: sequencer(ctx),
  };
  return { Records: [record(ctx, 'ObjectCreated:Put', object)] };
}

/** `s3 delete`: an ObjectRemoved:Delete notification. */
export function s3DeleteEvent(values: EventOptionValues = {}): S3DeleteEvent {
  const ctx = resolveOptions(S3_DELETE_OPTIONS, values);
  const object: S3ObjectRemovedInfo = {
    key: encodeS3Key(ctx.string('key')),
    ...(ctx.has('version-id') ? { versionId: ctx.string('version-id') } : {}),
    sequencer: sequencer(ctx),
  };
  return { Records: [record(ctx, 'ObjectRemoved:Delete', object)] };
}
