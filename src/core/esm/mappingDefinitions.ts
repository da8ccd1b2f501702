import { createHash } from 'node:crypto';
import type { TemplateModel } from '../config/types';
import { WorkbenchError } from '../errors';
import { parseFunctionRef } from '../invoke/functionRef';
import { validateFilterCriteria } from './filterCriteria';
import type { EventSourceMapping, MappingSourceKind } from './types';

// Event source mappings as CreateEventSourceMapping takes them (the API's PascalCase input) →
// EventSourceMapping, validated with Lambda's limits and messages; and the mappings a template
// declares: SAM `Events` of type SQS / Kinesis / DynamoDB and AWS::Lambda::EventSourceMapping.

export interface MappingInput {
  FunctionName?: unknown;
  EventSourceArn?: unknown;
  Enabled?: unknown;
  BatchSize?: unknown;
  MaximumBatchingWindowInSeconds?: unknown;
  FunctionResponseTypes?: unknown;
  FilterCriteria?: unknown;
  ScalingConfig?: unknown;
  StartingPosition?: unknown;
  StartingPositionTimestamp?: unknown;
  ParallelizationFactor?: unknown;
  BisectBatchOnFunctionError?: unknown;
  MaximumRetryAttempts?: unknown;
  MaximumRecordAgeInSeconds?: unknown;
  DestinationConfig?: unknown;
  TumblingWindowInSeconds?: unknown;
}

export function sourceKindOf(arn: string): MappingSourceKind | undefined {
  if (/^arn:aws[a-zA-Z-]*:sqs:/.test(arn)) return 'sqs';
  if (/^arn:aws[a-zA-Z-]*:kinesis:/.test(arn)) return 'kinesis';
  if (/^arn:aws[a-zA-Z-]*:dynamodb:.*\/stream\//.test(arn)) return 'dynamodb';
  return undefined;
}

function invalid(message: string): WorkbenchError {
  return new WorkbenchError('InvalidParameterValueException', message);
}

function validation(value: unknown, field: string, constraint: string): WorkbenchError {
  return invalid(`1 validation error detected: Value '${typeof value === 'object' ? JSON.stringify(value) : String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

function integer(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw validation(value, field, 'Member must be an integer');
  if (n < min) throw validation(value, field, `Member must have value greater than or equal to ${min}`);
  if (n > max) throw validation(value, field, `Member must have value less than or equal to ${max}`);
  return n;
}

function bool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw validation(value, field, 'Member must be a boolean');
}

/**
 * Validates a mapping's settings as Lambda does, filling in its defaults. `previous` is the
 * mapping being updated (only what `input` gives changes).
 */
export function validateMapping(input: MappingInput, base: { uuid: string; origin: EventSourceMapping['origin']; declaredAs?: string }, previous?: EventSourceMapping): EventSourceMapping {
  let functionName = previous?.functionName;
  let qualifier = previous?.qualifier;
  if (input.FunctionName !== undefined) {
    if (typeof input.FunctionName !== 'string') throw validation(input.FunctionName, 'functionName', 'Member must not be null');
    const ref = parseFunctionRef(input.FunctionName);
    functionName = ref.name;
    qualifier = ref.qualifier;
  }
  if (!functionName) throw validation('null', 'functionName', 'Member must not be null');
  const eventSourceArn = previous?.eventSourceArn ?? (typeof input.EventSourceArn === 'string' ? input.EventSourceArn : undefined);
  if (!eventSourceArn) throw invalid('EventSourceArn is required: the ARN of an SQS queue, a Kinesis stream or a DynamoDB stream');
  const kind = sourceKindOf(eventSourceArn);
  if (!kind) throw invalid(`Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source arn : ${eventSourceArn}`);
  const stream = kind !== 'sqs';

  const batchSize = integer(input.BatchSize, 'batchSize', 1, 10000) ?? previous?.batchSize ?? (stream ? 100 : 10);
  const window = integer(input.MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 0, 300) ?? previous?.maximumBatchingWindowInSeconds ?? 0;
  if (kind === 'sqs' && batchSize > 10 && window < 1) {
    throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  if (kind === 'sqs' && eventSourceArn.endsWith('.fifo') && batchSize > 10) throw invalid('Batch size for FIFO queues must be at most 10');

  const mapping: EventSourceMapping = {
    uuid: base.uuid,
    functionName,
    eventSourceArn,
    kind,
    enabled: bool(input.Enabled, 'enabled') ?? previous?.enabled ?? true,
    batchSize,
    maximumBatchingWindowInSeconds: window,
    functionResponseTypes: previous?.functionResponseTypes ?? [],
    origin: base.origin,
    lastModified: Date.now(),
  };
  if (qualifier) mapping.qualifier = qualifier;
  if (base.declaredAs) mapping.declaredAs = base.declaredAs;

  if (input.FunctionResponseTypes !== undefined) {
    const types = input.FunctionResponseTypes;
    if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) {
      throw validation(types, 'functionResponseTypes', 'Member must satisfy enum value set: [ReportBatchItemFailures]');
    }
    mapping.functionResponseTypes = [...new Set(types as string[])];
  }
  const filters = input.FilterCriteria !== undefined ? readFilterCriteria(input.FilterCriteria) : previous?.filterCriteria;
  if (filters) mapping.filterCriteria = filters;

  if (kind === 'sqs') {
    for (const field of ['StartingPosition', 'ParallelizationFactor', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'DestinationConfig', 'TumblingWindowInSeconds'] as const) {
      if (input[field] !== undefined) throw invalid(`Unsupported ${field} parameter for the event source type sqs`);
    }
    const scaling = input.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
    const max = scaling ? integer(scaling.MaximumConcurrency, 'scalingConfig.maximumConcurrency', 2, 1000) : previous?.maximumConcurrency;
    if (max !== undefined) mapping.maximumConcurrency = max;
    return mapping;
  }

  if (input.ScalingConfig !== undefined) throw invalid(`Unsupported ScalingConfig parameter for the event source type ${kind}`);
  const position = input.StartingPosition ?? previous?.startingPosition;
  if (position === undefined) throw invalid('StartingPosition is required for Kinesis and DynamoDB Streams event sources: TRIM_HORIZON, LATEST or AT_TIMESTAMP');
  if (position !== 'TRIM_HORIZON' && position !== 'LATEST' && position !== 'AT_TIMESTAMP') {
    throw validation(position, 'startingPosition', 'Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]');
  }
  if (position === 'AT_TIMESTAMP' && kind === 'dynamodb') throw invalid('AT_TIMESTAMP is not supported for DynamoDB Streams');
  mapping.startingPosition = position;
  const timestamp = input.StartingPositionTimestamp ?? previous?.startingPositionTimestamp;
  if (position === 'AT_TIMESTAMP') {
    const seconds = typeof timestamp === 'string' ? Date.parse(timestamp) / 1000 : timestamp;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw invalid('StartingPositionTimestamp is required (epoch seconds or an ISO date) when StartingPosition is AT_TIMESTAMP');
    mapping.startingPositionTimestamp = seconds;
  }
  mapping.parallelizationFactor = integer(input.ParallelizationFactor, 'parallelizationFactor', 1, 10) ?? previous?.parallelizationFactor ?? 1;
  mapping.bisectBatchOnFunctionError = bool(input.BisectBatchOnFunctionError, 'bisectBatchOnFunctionError') ?? previous?.bisectBatchOnFunctionError ?? false;
  mapping.maximumRetryAttempts = integer(input.MaximumRetryAttempts, 'maximumRetryAttempts', -1, 10000) ?? previous?.maximumRetryAttempts ?? -1;
  const age = integer(input.MaximumRecordAgeInSeconds, 'maximumRecordAgeInSeconds', -1, 604800) ?? previous?.maximumRecordAgeInSeconds ?? -1;
  if (age !== -1 && age < 60) throw validation(age, 'maximumRecordAgeInSeconds', 'Member must have value greater than or equal to 60 (or -1)');
  mapping.maximumRecordAgeInSeconds = age;
  const tumbling = integer(input.TumblingWindowInSeconds, 'tumblingWindowInSeconds', 0, 900) ?? previous?.tumblingWindowInSeconds;
  if (tumbling) mapping.tumblingWindowInSeconds = tumbling;
  const destination = input.DestinationConfig !== undefined
    ? (input.DestinationConfig as { OnFailure?: { Destination?: unknown } } | null)?.OnFailure?.Destination
    : previous?.onFailureDestination;
  if (destination !== undefined && destination !== null && destination !== '') {
    if (typeof destination !== 'string' || !/^arn:aws[a-zA-Z-]*:(sqs|sns|s3):/.test(destination)) {
      throw invalid(`The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${String(destination)})) is invalid: an OnFailure destination of a stream mapping is an SQS queue, an SNS topic or an S3 bucket ARN`);
    }
    mapping.onFailureDestination = destination;
  }
  return mapping;
}

function readFilterCriteria(value: unknown): EventSourceMapping['filterCriteria'] {
  if (value === null) return undefined;
  const filters = (value as { Filters?: unknown })?.Filters;
  if (!Array.isArray(filters)) throw validation(value, 'filterCriteria', 'FilterCriteria must be {"Filters": [{"Pattern": "<JSON>"}]}');
  if (filters.length > 5) throw invalid('The number of filters in FilterCriteria exceeds the limit of 5');
  const criteria = {
    filters: filters.map((f: { Pattern?: unknown }) => {
      const pattern = typeof f?.Pattern === 'string' ? f.Pattern : f?.Pattern !== undefined ? JSON.stringify(f.Pattern) : undefined;
      if (pattern === undefined) throw validation(f, 'filterCriteria.filters.pattern', 'Member must not be null');
      try {
        JSON.parse(pattern);
      } catch {
        throw invalid(`Invalid filter pattern definition: ${pattern} is not valid JSON`);
      }
      return { pattern };
    }),
  };
  validateFilterCriteria(criteria);
  return criteria;
}

/** A stable UUID-shaped id for a mapping the template declares (the same on every start). */
export function templateMappingUuid(functionName: string, eventName: string): string {
  const hex = createHash('sha256').update(`${functionName}\0${eventName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SAM_SOURCE_PROPERTY: Record<string, string> = { SQS: 'Queue', Kinesis: 'Stream', DynamoDB: 'Stream' };

/** The mappings a template declares; a problem makes that mapping a warning, never the engine fail. */
export function readTemplateMappings(model: TemplateModel): { mappings: EventSourceMapping[]; problems: string[] } {
  const mappings: EventSourceMapping[] = [];
  const problems: string[] = [];
  const add = (declaredAs: string, uuid: string, input: MappingInput) => {
    try {
      mappings.push(validateMapping(input, { uuid, origin: 'template', declaredAs }));
    } catch (error) {
      problems.push(`${declaredAs}: ${(error as Error).message}`);
    }
  };
  for (const fn of model.functions) {
    for (const event of fn.events) {
      const sourceProperty = SAM_SOURCE_PROPERTY[event.type];
      if (!sourceProperty) continue;
      const { [sourceProperty]: arn, Enabled, ...rest } = event.properties as Record<string, unknown>;
      const qualifier = fn.autoPublishAlias;
      add(`${fn.logicalId}.Events.${event.name}`, templateMappingUuid(fn.functionName, event.name), {
        ...rest,
        // SAM attaches the mapping to the AutoPublishAlias when there is one.
        FunctionName: qualifier ? `${fn.functionName}:${qualifier}` : fn.functionName,
        EventSourceArn: arn,
        Enabled,
      });
    }
  }
  for (const [id, resource] of Object.entries(model.resources)) {
    if (resource.type !== 'AWS::Lambda::EventSourceMapping') continue;
    add(id, templateMappingUuid('resource', id), resource.properties as MappingInput);
  }
  return { mappings, problems };
}
