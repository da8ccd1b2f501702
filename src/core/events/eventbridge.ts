import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// EventBridge (CloudWatch Events) events as Lambda receives them from a rule: a custom event
// (`eventbridge event`) and a scheduled rule's event (`cloudwatch scheduled-event`). Times are ISO
// 8601 to the second, as EventBridge writes them.

export interface EventBridgeEventShape<TDetailType extends string = string, TDetail = unknown> {
  version: '0';
  id: string;
  'detail-type': TDetailType;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

export type ScheduledEventShape = EventBridgeEventShape<'Scheduled Event', Record<string, never>>;

export const EVENTBRIDGE_EVENT_OPTIONS: readonly OptionSpec[] = [
  option('source', 'string', 'com.example.orders', 'event source'),
  option('detail-type', 'string', 'Order Placed', 'detail-type'),
  option('detail', 'json', '{"orderId":"o-42","total":16}', 'detail, JSON object'),
  option('resources', 'list', undefined, 'ARNs of the resources involved, comma-separated'),
];

export const SCHEDULED_EVENT_OPTIONS: readonly OptionSpec[] = [option('rule', 'string', 'ExampleRule', 'name of the schedule rule')];

function eventTime(now: number): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `eventbridge event`: a custom event matched by a rule. */
export function eventbridgeEvent(values: EventOptionValues = {}): EventBridgeEventShape {
  const ctx = resolveOptions(EVENTBRIDGE_EVENT_OPTIONS, values);
  const detail = ctx.json('detail');
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) throw new EventOptionError('--detail: expected a JSON object');
  return {
    version: '0',
    id: ctx.random.uuid(),
    'detail-type': ctx.string('detail-type'),
    source: ctx.string('source'),
    account: ctx.accountId,
    time: eventTime(ctx.now),
    region: ctx.region,
    resources: ctx.list('resources'),
    detail,
  };
}

/** `cloudwatch scheduled-event`: the event of a schedule rule (EventBridge). */
export function scheduledEvent(values: EventOptionValues = {}): ScheduledEventShape {
  const ctx = resolveOptions(SCHEDULED_EVENT_OPTIONS, values);
  return {
    version: '0',
    id: ctx.random.uuid(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ctx.accountId,
    time: eventTime(ctx.now),
    region: ctx.region,
    resources: [ctx.arn('events', `rule/${ctx.string('rule')}`)],
    detail: {},
  };
}
