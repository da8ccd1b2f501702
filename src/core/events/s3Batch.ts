import { encodeS3Key } from './s3';
import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// S3 Batch Operations' Invoke AWS Lambda task (`s3 batch-invocation`, schema 1.0): one task per
// invocation, the key URL-encoded. SAM's options (bucket-arn, key) and defaults.

export const S3_BATCH_INVOCATION_OPTIONS: readonly OptionSpec[] = [
  option('bucket-arn', 'string', 'arn:aws:s3:::examplebucket', 'ARN of the bucket'),
  option('key', 'string', 'test/key', 'object key (URL-encoded in the event)'),
  option('version-id', 'string', undefined, 'object version id (default: none, s3VersionId null)'),
];

/** `s3 batch-invocation`: a batch job's task for one object. */
export function s3BatchInvocationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(S3_BATCH_INVOCATION_OPTIONS, values);
  const bucketArn = ctx.string('bucket-arn');
  if (!/^arn:[\w-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketArn)) throw new EventOptionError(`--bucket-arn: not an S3 bucket ARN: "${bucketArn}"`);
  return {
    invocationSchemaVersion: '1.0',
    invocationId: ctx.random.base64(38).replace(/[+/=]/g, ''),
    job: { id: ctx.random.uuid() },
    tasks: [
      {
        taskId: ctx.random.base64(12).replace(/[+/=]/g, ''),
        s3Key: encodeS3Key(ctx.string('key')),
        s3VersionId: ctx.optionalString('version-id') ?? null,
        s3BucketArn: bucketArn,
      },
    ],
  };
}
