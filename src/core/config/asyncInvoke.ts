// Asynchronous-invocation settings: retries/max age/destinations (SAM EventInvokeConfig,
// AWS::Lambda::EventInvokeConfig) and dead-letter queues. Shared by SAM and plain
// Lambda resources because the shapes are nearly identical.
import type { DeadLetterQueue, DestinationConfig, EventInvokeConfig } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { integer } from './validation';

const DESTINATION_TYPES = ['SQS', 'SNS', 'Lambda', 'EventBridge', 'S3Bucket'];

/** Reads the config under `base` (e.g. ['EventInvokeConfig'], or [] for the resource itself). */
export function readEventInvokeConfig(r: PropertyReader, base: string[]): EventInvokeConfig | undefined {
  const v = base.length ? r.get(...base) : r.values;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.error('invalid-type', base, `${base.join('.')} must be a mapping, got ${describe(v)}`);
    return undefined;
  }
  const cfg: EventInvokeConfig = {};
  // Errors: a value out of Lambda's range would be replaced by the default retry policy locally.
  const retries = integer(r, [...base, 'MaximumRetryAttempts'], { min: 0, max: 2 });
  if (retries !== undefined) cfg.maximumRetryAttempts = retries;
  const age = integer(r, [...base, 'MaximumEventAgeInSeconds'], { min: 60, max: 21600, unit: 'seconds' });
  if (age !== undefined) cfg.maximumEventAgeInSeconds = age;
  const destinations: DestinationConfig = {};
  for (const [key, field] of [
    ['OnSuccess', 'onSuccess'],
    ['OnFailure', 'onFailure'],
  ] as const) {
    const keys = [...base, 'DestinationConfig', key];
    const d = r.get(...keys);
    if (d === undefined || d === null) continue;
    if (typeof d !== 'object' || Array.isArray(d)) {
      r.error('invalid-type', keys, `${keys.join('.')} must be a mapping with Destination (and Type in SAM), got ${describe(d)}`);
      continue;
    }
    const o = d as Record<string, unknown>;
    const type = o.Type;
    if (type !== undefined && (typeof type !== 'string' || !DESTINATION_TYPES.includes(type))) {
      r.error('invalid-value', [...keys, 'Type'], `${key}.Type must be one of: ${DESTINATION_TYPES.join(', ')}`);
      continue;
    }
    if (typeof o.Destination !== 'string' || o.Destination === '') {
      // SAM would create an SQS queue / SNS topic for a missing Destination; nothing does locally.
      const why = r.written(...keys, 'Destination') ? 'has no value that can be used locally' : 'is missing';
      r.warning('missing-property', [...keys, 'Destination'], `${key}.Destination ${why}; the destination is ignored locally`);
      continue;
    }
    destinations[field] = typeof type === 'string' ? { type, destination: o.Destination } : { destination: o.Destination };
  }
  if (destinations.onSuccess || destinations.onFailure) cfg.destinationConfig = destinations;
  return cfg;
}

/** SAM `DeadLetterQueue: { Type: SQS|SNS, TargetArn }`. */
export function readDeadLetterQueue(r: PropertyReader): DeadLetterQueue | undefined {
  const v = r.get('DeadLetterQueue');
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.error('invalid-type', ['DeadLetterQueue'], `DeadLetterQueue must be a mapping with Type and TargetArn, got ${describe(v)}`);
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (o.Type !== 'SQS' && o.Type !== 'SNS') {
    r.error('invalid-value', ['DeadLetterQueue', 'Type'], 'DeadLetterQueue.Type must be one of: SQS, SNS');
    return undefined;
  }
  if (typeof o.TargetArn !== 'string' || o.TargetArn === '') {
    r.error('missing-property', ['DeadLetterQueue', 'TargetArn'], 'DeadLetterQueue.TargetArn must be the ARN of the queue or topic');
    return undefined;
  }
  return { type: o.Type, targetArn: o.TargetArn };
}

/** AWS::Lambda::Function `DeadLetterConfig: { TargetArn }`; the type comes from the ARN's service. */
export function readDeadLetterConfig(r: PropertyReader): DeadLetterQueue | undefined {
  const v = r.get('DeadLetterConfig');
  if (v === undefined || v === null) return undefined;
  const arn = typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).TargetArn : undefined;
  if (arn === undefined && !r.written('DeadLetterConfig', 'TargetArn')) return undefined;
  const service = typeof arn === 'string' ? /^arn:[^:]+:(sqs|sns):/.exec(arn)?.[1] : undefined;
  if (typeof arn !== 'string' || !service) {
    if (arn !== undefined) {
      r.error('invalid-value', ['DeadLetterConfig', 'TargetArn'], 'DeadLetterConfig.TargetArn must be the ARN of an SQS queue or SNS topic');
    }
    return undefined;
  }
  return { type: service === 'sqs' ? 'SQS' : 'SNS', targetArn: arn };
}
