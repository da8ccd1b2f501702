import { createHash } from 'node:crypto';
import type { TemplateModel } from './types';
import { WorkbenchError } from '../errors';
import { parseFunctionRef } from '../vocabulary/functionNames';
import { invalidFilterPattern, validateFilterCriteria, type FilterCriteria } from './filterCriteria';

// Event source mappings as CreateEventSourceMapping takes them (the API's PascalCase input) →
// EventSourceMapping, validated with Lambda's limits and messages; and the mappings a template
// declares: SAM `Events` of type SQS / Kinesis / DynamoDB and AWS::Lambda::EventSourceMapping.

export type MappingSourceKind = 'sqs' | 'kinesis' | 'dynamodb';

export interface EventSourceMapping {
  uuid: string;
  /** The function's name and, when the mapping names one, its version or alias. */
  functionName: string;
  qualifier?: string;
  eventSourceArn: string;
  kind: MappingSourceKind;
  enabled: boolean;
  /** SQS: 1–10,000 (default 10); Kinesis / DynamoDB: 1–10,000 (default 100). */
  batchSize: number;
  /** 0–300 seconds (default 0). */
  maximumBatchingWindowInSeconds: number;
  /** `ReportBatchItemFailures` when present. */
  functionResponseTypes: string[];
  filterCriteria?: FilterCriteria;
  /** SQS: ScalingConfig.MaximumConcurrency (2–1,000). */
  maximumConcurrency?: number;
  /** Streams. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** Epoch seconds (AT_TIMESTAMP). */
  startingPositionTimestamp?: number;
  /** 1–10 (default 1). */
  parallelizationFactor?: number;
  bisectBatchOnFunctionError?: boolean;
  /** -1 (infinite, default) … 10,000. */
  maximumRetryAttempts?: number;
  /** -1 (infinite, default) or 60 … 604,800. */
  maximumRecordAgeInSeconds?: number;
  /** OnFailure destination (an SQS queue or SNS topic ARN) for discarded stream batches. */
  onFailureDestination?: string;
  /** 0–900 seconds. */
  tumblingWindowInSeconds?: number;
  /** Where it was declared: the template (SAM Events / AWS::Lambda::EventSourceMapping) or the API. */
  origin: 'template' | 'api';
  /** Template: the function's logical id and event name, for messages. */
  declaredAs?: string;
  lastModified: number;
}

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
  /** Kafka (not polled here): checked only as far as AWS checks before the source. */
  SelfManagedEventSource?: unknown;
  SourceAccessConfigurations?: unknown;
}

/** StartingPosition's values, in the order the API model's enum lists them. */
const STARTING_POSITIONS = ['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON'] as const;

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
  return invalid(
    `1 validation error detected: Value '${typeof value === 'object' ? JSON.stringify(value) : String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** A required member missing, in AWS's words (`Value null at …`). */
function missing(field: string): WorkbenchError {
  return invalid(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null.`);
}

/** A setting Lambda rejects: the input property at fault and Lambda's error. */
export interface MappingIssue {
  /** As CreateEventSourceMapping and AWS::Lambda::EventSourceMapping spell it, e.g. ['BatchSize'], ['ScalingConfig', 'MaximumConcurrency']. */
  field: string[];
  error: Error;
}

// The rules below run in one of two ways: the API throws the first failure (Lambda answers with
// one error), a template check collects them all and carries on with the default of each bad value.
type Report = (field: string[], error: Error) => void;

const throwFirst: Report = (_field, error) => {
  throw error;
};

/** The API's camelCase name of an input property path (`ScalingConfig.MaximumConcurrency` → `scalingConfig.maximumConcurrency`). */
function apiName(field: string[]): string {
  return field.map((k) => k.charAt(0).toLowerCase() + k.slice(1)).join('.');
}

function integer(value: unknown, field: string[], min: number, max: number, report: Report): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const name = apiName(field);
  if (typeof n !== 'number' || !Number.isInteger(n)) report(field, validation(value, name, 'Member must be an integer'));
  else if (n < min) report(field, validation(value, name, `Member must have value greater than or equal to ${min}`));
  else if (n > max) report(field, validation(value, name, `Member must have value less than or equal to ${max}`));
  else return n;
  return undefined;
}

function bool(value: unknown, field: string[], report: Report): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  report(field, validation(value, apiName(field), 'Member must be a boolean'));
  return undefined;
}

/** A value given but rejected (already reported): rules that depend on it are not checked. */
function rejected(value: unknown, parsed: unknown): boolean {
  return value !== undefined && value !== null && parsed === undefined;
}

/**
 * Validates a mapping's settings as Lambda does, filling in its defaults. `previous` is the
 * mapping being updated (only what `input` gives changes).
 */
export function validateMapping(
  input: MappingInput,
  base: { uuid: string; origin: EventSourceMapping['origin']; declaredAs?: string },
  previous?: EventSourceMapping,
): EventSourceMapping {
  let functionName = previous?.functionName;
  let qualifier = previous?.qualifier;
  if (input.FunctionName !== undefined) {
    if (typeof input.FunctionName !== 'string') throw validation(input.FunctionName, 'functionName', 'Member must not be null');
    const ref = parseFunctionRef(input.FunctionName);
    functionName = ref.name;
    qualifier = ref.qualifier;
  }
  if (!functionName) throw validation('null', 'functionName', 'Member must not be null');
  return settings(input, { ...base, functionName, qualifier }, previous, throwFirst)!;
}

/**
 * Every rule a declared mapping breaks, for the template reader (config/eventSourceMappings.ts),
 * which reports them where they are written. The function is not checked: the template reader
 * knows the template's functions. `kind` stands in for the source when its ARN is not known
 * (a SAM event's Type says it).
 */
export function checkMappingInput(input: MappingInput, kind?: MappingSourceKind): MappingIssue[] {
  const issues: MappingIssue[] = [];
  settings(input, { uuid: '', origin: 'template', functionName: '' }, undefined, (field, error) => issues.push({ field, error }), kind);
  return issues;
}

interface Base {
  uuid: string;
  origin: EventSourceMapping['origin'];
  declaredAs?: string;
  functionName: string;
  qualifier?: string;
}

/** Lambda's rules and defaults for everything but the function. */
function settings(
  input: MappingInput,
  base: Base,
  previous: EventSourceMapping | undefined,
  report: Report,
  kindHint?: MappingSourceKind,
): EventSourceMapping | undefined {
  // AWS's order: the API model's enums (ValidationException), an OnSuccess destination (no mapping
  // takes one), a Kafka source's credentials, then the source.
  const position = input.StartingPosition ?? previous?.startingPosition;
  const badPosition = position !== undefined && position !== null && !(STARTING_POSITIONS as readonly unknown[]).includes(position);
  if (badPosition) {
    report(
      ['StartingPosition'],
      new WorkbenchError(
        'ValidationException',
        `1 validation error detected: Value '${String(position)}' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [${STARTING_POSITIONS.join(', ')}]`,
      ),
    );
  }
  const destinationConfig = input.DestinationConfig as { OnSuccess?: unknown } | null | undefined;
  if (destinationConfig && typeof destinationConfig === 'object' && destinationConfig.OnSuccess !== undefined) {
    report(['DestinationConfig', 'OnSuccess'], invalid('Unsupported DestinationConfig parameter for given event source mapping type.'));
  }
  if (input.SelfManagedEventSource !== undefined && input.SelfManagedEventSource !== null && !previous) {
    if (input.SourceAccessConfigurations === undefined) {
      report(['SourceAccessConfigurations'], invalid("Required 'sourceAccessConfigurations' parameter is missing."));
    }
    report(
      ['SelfManagedEventSource'],
      invalid('Self-managed Apache Kafka event sources are not polled locally: map an SQS queue, a Kinesis stream or a DynamoDB stream'),
    );
    return undefined;
  }
  const eventSourceArn = previous?.eventSourceArn ?? (typeof input.EventSourceArn === 'string' ? input.EventSourceArn : undefined);
  if (!eventSourceArn) report(['EventSourceArn'], invalid('Unrecognized event source.'));
  const known = eventSourceArn ? sourceKindOf(eventSourceArn) : undefined;
  if (eventSourceArn && !known) {
    report(['EventSourceArn'], invalid(`Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source arn : ${eventSourceArn}`));
  }
  const kind = known ?? kindHint;
  if (!kind) return undefined;
  const stream = kind !== 'sqs';

  const batchIn = integer(input.BatchSize, ['BatchSize'], 1, 10000, report);
  const batchSize = batchIn ?? previous?.batchSize ?? (stream ? 100 : 10);
  const windowIn = integer(input.MaximumBatchingWindowInSeconds, ['MaximumBatchingWindowInSeconds'], 0, 300, report);
  const window = windowIn ?? previous?.maximumBatchingWindowInSeconds ?? 0;
  // AWS's rule for standard queues: more than 10 messages per batch only with a batching window.
  if (kind === 'sqs' && batchSize > 10 && window < 1 && !rejected(input.MaximumBatchingWindowInSeconds, windowIn)) {
    report(['MaximumBatchingWindowInSeconds'], invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'));
  }
  if (kind === 'sqs' && eventSourceArn?.endsWith('.fifo') && batchSize > 10) report(['BatchSize'], invalid('Batch size for FIFO queues must be at most 10'));

  const mapping: EventSourceMapping = {
    uuid: base.uuid,
    functionName: base.functionName,
    eventSourceArn: eventSourceArn ?? '',
    kind,
    enabled: bool(input.Enabled, ['Enabled'], report) ?? previous?.enabled ?? true,
    batchSize,
    maximumBatchingWindowInSeconds: window,
    functionResponseTypes: previous?.functionResponseTypes ?? [],
    origin: base.origin,
    lastModified: Date.now(),
  };
  if (base.qualifier) mapping.qualifier = base.qualifier;
  if (base.declaredAs) mapping.declaredAs = base.declaredAs;

  if (input.FunctionResponseTypes !== undefined) {
    const types = input.FunctionResponseTypes;
    if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) {
      report(['FunctionResponseTypes'], validation(types, 'functionResponseTypes', 'Member must satisfy enum value set: [ReportBatchItemFailures]'));
    } else {
      mapping.functionResponseTypes = [...new Set(types as string[])];
    }
  }
  let filters = previous?.filterCriteria;
  if (input.FilterCriteria !== undefined) {
    try {
      filters = readFilterCriteria(input.FilterCriteria);
    } catch (error) {
      report(['FilterCriteria'], error as Error);
      filters = undefined;
    }
  }
  if (filters) mapping.filterCriteria = filters;

  if (kind === 'sqs') {
    for (const field of [
      'StartingPosition',
      'ParallelizationFactor',
      'BisectBatchOnFunctionError',
      'MaximumRetryAttempts',
      'MaximumRecordAgeInSeconds',
      'TumblingWindowInSeconds',
    ] as const) {
      if (input[field] !== undefined && !(field === 'StartingPosition' && badPosition)) {
        report([field], invalid(`Unsupported ${field} parameter for the event source type sqs`));
      }
    }
    if (input.DestinationConfig !== undefined && !destinationConfig?.OnSuccess) {
      report(['DestinationConfig'], invalid('Unsupported DestinationConfig parameter for given event source mapping type.'));
    }
    const scaling = input.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
    const max = scaling ? integer(scaling.MaximumConcurrency, ['ScalingConfig', 'MaximumConcurrency'], 2, 1000, report) : previous?.maximumConcurrency;
    if (max !== undefined) mapping.maximumConcurrency = max;
    return mapping;
  }

  if (input.ScalingConfig !== undefined) report(['ScalingConfig'], invalid(`Unsupported ScalingConfig parameter for the event source type ${kind}`));
  if (position === undefined || position === null) {
    report(['StartingPosition'], missing('startingPosition'));
  } else if (badPosition) {
    // reported first, as the API model's
  } else if (position === 'AT_TIMESTAMP' && kind === 'dynamodb') {
    report(['StartingPosition'], invalid(`Unsupported starting position for arn type: ${eventSourceArn ?? ''}`));
  } else {
    mapping.startingPosition = position as EventSourceMapping['startingPosition'];
    const timestamp = input.StartingPositionTimestamp ?? previous?.startingPositionTimestamp;
    if (position === 'AT_TIMESTAMP') {
      const seconds = typeof timestamp === 'string' ? Date.parse(timestamp) / 1000 : timestamp;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
        report(
          ['StartingPositionTimestamp'],
          invalid('StartingPositionTimestamp is required (epoch seconds or an ISO date) when StartingPosition is AT_TIMESTAMP'),
        );
      } else {
        mapping.startingPositionTimestamp = seconds;
      }
    }
  }
  mapping.parallelizationFactor = integer(input.ParallelizationFactor, ['ParallelizationFactor'], 1, 10, report) ?? previous?.parallelizationFactor ?? 1;
  mapping.bisectBatchOnFunctionError =
    bool(input.BisectBatchOnFunctionError, ['BisectBatchOnFunctionError'], report) ?? previous?.bisectBatchOnFunctionError ?? false;
  mapping.maximumRetryAttempts = integer(input.MaximumRetryAttempts, ['MaximumRetryAttempts'], -1, 10000, report) ?? previous?.maximumRetryAttempts ?? -1;
  const ageIn = integer(input.MaximumRecordAgeInSeconds, ['MaximumRecordAgeInSeconds'], -1, 604800, report);
  const age = ageIn ?? previous?.maximumRecordAgeInSeconds ?? -1;
  if (age !== -1 && age < 60) {
    report(['MaximumRecordAgeInSeconds'], validation(age, 'maximumRecordAgeInSeconds', 'Member must have value greater than or equal to 60 (or -1)'));
    mapping.maximumRecordAgeInSeconds = -1;
  } else {
    mapping.maximumRecordAgeInSeconds = age;
  }
  const tumbling = integer(input.TumblingWindowInSeconds, ['TumblingWindowInSeconds'], 0, 900, report) ?? previous?.tumblingWindowInSeconds;
  if (tumbling) mapping.tumblingWindowInSeconds = tumbling;
  const destination =
    input.DestinationConfig !== undefined
      ? (input.DestinationConfig as { OnFailure?: { Destination?: unknown } } | null)?.OnFailure?.Destination
      : previous?.onFailureDestination;
  if (destination !== undefined && destination !== null && destination !== '') {
    if (typeof destination !== 'string' || !/^arn:aws[a-zA-Z-]*:(sqs|sns|s3):/.test(destination)) {
      report(
        ['DestinationConfig', 'OnFailure', 'Destination'],
        invalid(
          `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${String(destination)})) is invalid: an OnFailure destination of a stream mapping is an SQS queue, an SNS topic or an S3 bucket ARN`,
        ),
      );
    } else {
      mapping.onFailureDestination = destination;
    }
  }
  return mapping;
}

function readFilterCriteria(value: unknown): EventSourceMapping['filterCriteria'] {
  if (value === null) return undefined;
  const filters = (value as { Filters?: unknown })?.Filters;
  if (!Array.isArray(filters)) throw validation(value, 'filterCriteria', 'FilterCriteria must be {"Filters": [{"Pattern": "<JSON>"}]}');
  if (filters.length > 5) throw invalid('The number of filters in FilterCriteria exceeds the limit of 5');
  // No filters is no FilterCriteria: AWS's answer leaves the key out.
  if (filters.length === 0) return undefined;
  const criteria = {
    filters: filters.map((f: { Pattern?: unknown }) => {
      const pattern = typeof f?.Pattern === 'string' ? f.Pattern : f?.Pattern !== undefined ? JSON.stringify(f.Pattern) : undefined;
      if (pattern === undefined) throw validation(f, 'filterCriteria.filters.pattern', 'Member must not be null');
      try {
        JSON.parse(pattern);
      } catch {
        throw invalidFilterPattern(`${pattern} is not valid JSON`);
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

/** SAM event types that are event source mappings → the property naming the source, and its kind. */
export const SAM_MAPPING_EVENTS: Readonly<Record<string, { sourceProperty: string; kind: MappingSourceKind }>> = {
  SQS: { sourceProperty: 'Queue', kind: 'sqs' },
  Kinesis: { sourceProperty: 'Stream', kind: 'kinesis' },
  DynamoDB: { sourceProperty: 'Stream', kind: 'dynamodb' },
};

/** A SAM SQS / Kinesis / DynamoDB event's Properties as the mapping's input (without the function); undefined for other events. */
export function samEventMappingInput(type: string, properties: Record<string, unknown>): MappingInput | undefined {
  const sam = SAM_MAPPING_EVENTS[type];
  if (!sam) return undefined;
  const { [sam.sourceProperty]: arn, Enabled, ...rest } = properties;
  return { ...rest, EventSourceArn: arn, Enabled };
}

/** The mappings a template declares; a problem makes that mapping a warning, never the engine fail. */
export function readTemplateMappings(model: TemplateModel): { mappings: EventSourceMapping[]; problems: string[] } {
  const mappings: EventSourceMapping[] = [];
  const problems: string[] = [];
  const add = (declaredAs: string, uuid: string, input: MappingInput) => {
    try {
      mappings.push(validateMapping(input, { uuid, origin: 'template', declaredAs }));
    } catch (error) {
      problems.push(`${declaredAs}: ${withReason(error as Error)}`);
    }
  };
  for (const fn of model.functions) {
    for (const event of fn.events) {
      const input = samEventMappingInput(event.type, event.properties);
      if (!input) continue;
      const qualifier = fn.autoPublishAlias;
      add(`${fn.logicalId}.Events.${event.name}`, templateMappingUuid(fn.functionName, event.name), {
        ...input,
        // SAM attaches the mapping to the AutoPublishAlias when there is one.
        FunctionName: qualifier ? `${fn.functionName}:${qualifier}` : fn.functionName,
      });
    }
  }
  for (const [id, resource] of Object.entries(model.resources)) {
    if (resource.type !== 'AWS::Lambda::EventSourceMapping') continue;
    add(id, templateMappingUuid('resource', id), resource.properties as MappingInput);
  }
  return { mappings, problems };
}

/** An error's message, with its reason when it has one (AWS's filter errors say only that the pattern is invalid). */
export function withReason(error: Error): string {
  const reason = (error as { reason?: string }).reason;
  return reason ? `${error.message.replace(/\.$/, '')}: ${reason}` : error.message;
}
