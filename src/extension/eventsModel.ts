import * as path from 'node:path';
import {
  allOptions,
  CATALOG,
  EventOptionError,
  type EventOptionValues,
  listSavedEvents,
  lookupSampleEvent,
  type OptionSpec,
  readSavedEvent,
  type SampleEventType,
  type SavedEvent,
} from '../core/events';

// What the Events view and the event commands show, without VS Code (unit-tested in
// test/unit/extension/eventsModel.test.ts): the sample events of the generate-event catalog
// grouped by service, the saved events of an events folder grouped by function, labels, the
// generator options as quick inputs edit them, and an event's payload.

export interface SampleEntry {
  service: string;
  type: string;
  /** Short label for the tree (`Put object`). */
  label: string;
  /** The catalog's description. */
  description: string;
  /** `service/type`, as `invoke --sample` takes it. */
  id: string;
}

export interface SampleGroup {
  id: string;
  label: string;
  /** A codicon id. */
  icon: string;
  samples: SampleEntry[];
}

interface GroupSpec {
  id: string;
  label: string;
  icon: string;
  matches(service: string, type: string): boolean;
}

/** The groups in display order; any catalog entry they miss gets a group of its service's (never dropped). */
const GROUPS: readonly GroupSpec[] = [
  { id: 's3', label: 'S3', icon: 'archive', matches: (s) => s === 's3' },
  { id: 'sqs', label: 'SQS', icon: 'inbox', matches: (s) => s === 'sqs' },
  { id: 'kinesis', label: 'Kinesis', icon: 'pulse', matches: (s) => s === 'kinesis' },
  { id: 'dynamodb', label: 'DynamoDB', icon: 'database', matches: (s) => s === 'dynamodb' },
  { id: 'sns', label: 'SNS', icon: 'broadcast', matches: (s) => s === 'sns' },
  { id: 'apigateway', label: 'API Gateway', icon: 'globe', matches: (s) => s === 'apigateway' },
  { id: 'eventbridge', label: 'EventBridge', icon: 'zap', matches: (s, t) => s === 'eventbridge' && t !== 'scheduled-event' },
  { id: 'scheduled', label: 'Scheduled', icon: 'watch', matches: (_s, t) => t === 'scheduled-event' },
  { id: 'lambda', label: 'Function URLs', icon: 'link', matches: (s) => s === 'lambda' },
  { id: 'cloudwatch', label: 'CloudWatch Logs', icon: 'output', matches: (s) => s === 'cloudwatch' },
  // The rest of `sam local generate-event`'s services, by name.
  { id: 'alb', label: 'Application Load Balancer', icon: 'server', matches: (s) => s === 'alb' },
  { id: 'cloudfront', label: 'CloudFront (Lambda@Edge)', icon: 'cloud', matches: (s) => s === 'cloudfront' },
  { id: 'appsync', label: 'AppSync', icon: 'symbol-interface', matches: (s) => s === 'appsync' },
  { id: 'cognito', label: 'Cognito', icon: 'account', matches: (s) => s === 'cognito' },
  { id: 'cloudformation', label: 'CloudFormation custom resources', icon: 'layers', matches: (s) => s === 'cloudformation' },
  { id: 'stepfunctions', label: 'Step Functions', icon: 'type-hierarchy', matches: (s) => s === 'stepfunctions' },
  { id: 'ses', label: 'SES', icon: 'mail', matches: (s) => s === 'ses' },
  { id: 'workmail', label: 'WorkMail', icon: 'mail', matches: (s) => s === 'workmail' },
  { id: 'codecommit', label: 'CodeCommit', icon: 'git-commit', matches: (s) => s === 'codecommit' },
  { id: 'codepipeline', label: 'CodePipeline', icon: 'rocket', matches: (s) => s === 'codepipeline' },
  { id: 'batch', label: 'Batch', icon: 'server-process', matches: (s) => s === 'batch' },
  { id: 'config', label: 'Config', icon: 'checklist', matches: (s) => s === 'config' },
  { id: 'connect', label: 'Connect', icon: 'call-incoming', matches: (s) => s === 'connect' },
  { id: 'lex', label: 'Lex', icon: 'comment-discussion', matches: (s) => s === 'lex' || s === 'lex-v2' },
  { id: 'alexa', label: 'Alexa', icon: 'unmute', matches: (s) => s.startsWith('alexa-') },
  { id: 'rekognition', label: 'Rekognition', icon: 'eye', matches: (s) => s === 'rekognition' },
  { id: 'sagemaker', label: 'SageMaker', icon: 'beaker', matches: (s) => s === 'sagemaker' },
];

const LABELS: Readonly<Record<string, string>> = {
  's3/put': 'Put object (ObjectCreated:Put)',
  's3/delete': 'Delete object (ObjectRemoved:Delete)',
  'sqs/receive-message': 'Receive message (batch)',
  'kinesis/get-records': 'Get records',
  'dynamodb/update': 'Stream records (INSERT, MODIFY, REMOVE)',
  'sns/notification': 'Notification',
  'apigateway/aws-proxy': 'REST API proxy (payload 1.0)',
  'apigateway/http-api-proxy': 'HTTP API proxy (payload 2.0)',
  'apigateway/authorizer': 'TOKEN authorizer',
  'apigateway/request-authorizer': 'REQUEST authorizer',
  's3/batch-invocation': 'Batch Operations job',
  'eventbridge/event': 'Event matched by a rule',
  'eventbridge/scheduled-event': 'EventBridge schedule',
  'cloudwatch/scheduled-event': 'CloudWatch Events schedule',
  'cloudwatch/logs': 'Logs subscription delivery',
  'lambda/function-url': 'Function URL request',
};

/** The tree label of a sample type (`Put object (ObjectCreated:Put)`); unknown ones: their type name. */
export function sampleLabel(service: string, type: string): string {
  return LABELS[`${service}/${type}`] ?? type;
}

/** The catalog's sample events by service group, in display order (every entry exactly once). */
export function sampleGroups(catalog: Readonly<Record<string, Readonly<Record<string, SampleEventType>>>> = CATALOG): SampleGroup[] {
  const groups = new Map<string, SampleGroup>(GROUPS.map((g) => [g.id, { id: g.id, label: g.label, icon: g.icon, samples: [] }]));
  for (const [service, types] of Object.entries(catalog)) {
    for (const [type, entry] of Object.entries(types)) {
      const spec = GROUPS.find((g) => g.matches(service, type));
      const id = spec?.id ?? service;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { id, label: service, icon: 'symbol-event', samples: [] }));
      group.samples.push({ service, type, label: sampleLabel(service, type), description: entry.description, id: `${service}/${type}` });
    }
  }
  return [...groups.values()].filter((g) => g.samples.length > 0);
}

/** The events folder of an engine: `events/` next to its template (as the CLI's default). */
export function eventsDirOf(templateFile: string): string {
  return path.join(path.dirname(templateFile), 'events');
}

export interface SavedEventTree {
  /** `events/*.json`: every function's. */
  shared: SavedEvent[];
  /** `events/<Function>/*.json`, one entry per folder, in name order. */
  functions: Array<{ function: string; events: SavedEvent[] }>;
}

/** The saved events of a folder, shared ones first, then per function folder. */
export function savedEventTree(eventsDir: string): SavedEventTree {
  const all = listSavedEvents(eventsDir);
  const functions = new Map<string, SavedEvent[]>();
  for (const event of all) {
    if (event.function === undefined) continue;
    let list = functions.get(event.function);
    if (!list) functions.set(event.function, (list = []));
    list.push(event);
  }
  return { shared: all.filter((e) => e.function === undefined), functions: [...functions].map(([fn, events]) => ({ function: fn, events })) };
}

/** How a saved event is named in pickers: `order` or `Orders/order`. */
export function savedEventLabel(event: Pick<SavedEvent, 'name' | 'function'>): string {
  return event.function === undefined ? event.name : `${event.function}/${event.name}`;
}

/** The name offered when saving a sample (`s3-put`) or a saved event (its own name). */
export function defaultEventName(event: { sample?: { service: string; type: string }; savedFile?: string }): string {
  if (event.sample) return `${event.sample.service}-${event.sample.type}`;
  if (event.savedFile) return path.basename(event.savedFile, '.json');
  return 'event';
}

/** Where "Save as" can write: the shared folder, or a function's (by logical id). */
export function saveLocations(functionIds: readonly string[]): Array<{ label: string; function?: string }> {
  return [{ label: 'events/ (every function)' }, ...functionIds.map((id) => ({ label: `events/${id}/`, function: id }))];
}

/** The default options of a sample's generation in the engine's region. */
export function regionOptions(region: string | undefined): EventOptionValues {
  return region ? { region } : {};
}

/** A sample event generated (default options, or `options`), as 2-space JSON text. */
export function sampleEventText(service: string, type: string, options: EventOptionValues = {}): string {
  return JSON.stringify(lookupSampleEvent(service, type).generate(options), null, 2);
}

/** The payload of an event target: a generated sample (in `region`) or a saved file's text (checked to be JSON). */
export function eventPayloadText(event: { sample?: { service: string; type: string }; savedFile?: string }, region?: string): string {
  if (event.sample) return sampleEventText(event.sample.service, event.sample.type, regionOptions(region));
  if (event.savedFile) return readSavedEvent({ name: path.basename(event.savedFile, '.json'), file: event.savedFile });
  throw new Error('The event is neither a sample nor a saved event');
}

// --- generator options, as "Generate with options…" edits them --------------------------------------

export interface OptionState {
  spec: OptionSpec;
  /** The value as text; undefined: absent (the default when it has one). */
  value: string | undefined;
  /** Whether the user changed it from the default. */
  changed: boolean;
}

/** Every option of a sample type (its own, then the common ones) at its default (region: the engine's). */
export function initialOptions(service: string, type: string, region?: string): OptionState[] {
  return allOptions(lookupSampleEvent(service, type)).map((spec) => {
    const value = spec.name === 'region' && region ? region : spec.default;
    return { spec, value, changed: value !== spec.default };
  });
}

/** `records = 1`, `fifo (off)`, `seed (not set)`. */
export function optionLabel(state: OptionState): string {
  const { spec, value } = state;
  if (spec.kind === 'flag') return `${spec.name} = ${value !== undefined && /^(true|yes|1|)$/i.test(value) ? 'true' : 'false'}`;
  return value === undefined ? `${spec.name} (not set)` : `${spec.name} = ${value}`;
}

/** Why `text` is not a valid value of the option (an input box's validation message), or undefined. */
export function validateOptionValue(spec: OptionSpec, text: string): string | undefined {
  if (text === '') return undefined;
  if (spec.choices && !spec.choices.some((c) => c.toLowerCase() === text.toLowerCase())) return `One of ${spec.choices.join(', ')}`;
  switch (spec.kind) {
    case 'integer':
      return /^-?\d+$/.test(text.trim()) ? undefined : 'An integer';
    case 'flag':
      return /^(true|false|yes|no|1|0)$/i.test(text) ? undefined : 'true or false';
    case 'json':
      try {
        JSON.parse(text);
        return undefined;
      } catch (error) {
        return `Not valid JSON: ${(error as Error).message}`;
      }
    default:
      return undefined;
  }
}

/** The option after the user typed `text` (empty: back to the default). */
export function setOption(state: OptionState, text: string): OptionState {
  const value = text === '' ? state.spec.default : text;
  return { ...state, value, changed: value !== state.spec.default };
}

/** The values to generate with: the options that differ from their defaults. */
export function optionValues(states: readonly OptionState[]): EventOptionValues {
  const values: EventOptionValues = {};
  for (const state of states) if (state.changed && state.value !== undefined) values[state.spec.name] = state.value;
  return values;
}

/** Generates with the options; an invalid value is an EventOptionError (its message names the option). */
export function generateWithOptions(service: string, type: string, states: readonly OptionState[]): unknown {
  return lookupSampleEvent(service, type).generate(optionValues(states));
}

export { EventOptionError };
