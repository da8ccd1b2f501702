import { type DestinationMessage, type DynamoDbChange, functionRefOf, type QueueStats, type TelemetryEvent } from '../core';

// What the Event Sources view, the source commands and the status bar show, without VS Code
// (unit-tested in test/unit/extension/sourcesModel.test.ts): labels and descriptions of queues and
// mappings, each mapping's metrics gathered from the `workbench.esm` telemetry records, the
// destination records as a JSON document, the status bar's text.

/** `orders` from a queue ARN, `Clicks` from `…:stream/Clicks`, `Table` from `…:table/Table/stream/…`. */
export function sourceNameOfArn(arn: string): string {
  const table = /:table\/([^/]+)/.exec(arn);
  if (table) return table[1];
  const stream = /:stream\/([^/]+)$/.exec(arn);
  if (stream) return stream[1];
  return arn.split(/[:/]/).pop() ?? arn;
}

/** `3 visible · 1 in flight · 0 delayed`; `unavailable` when the stats could not be read. */
export function queueDescription(stats: QueueStats | undefined): string {
  if (!stats) return 'unavailable';
  return `${stats.visible} visible · ${stats.inFlight} in flight · ${stats.delayed} delayed`;
}

/** `850 ms`, `12.5 s`, `3.2 min`, `1.5 h`. */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export interface MappingMetrics {
  /** The newest IteratorAge (streams). */
  iteratorAgeMs?: number;
  batches: number;
  records: number;
  failures: number;
  /** ISO time of the last batch. */
  lastBatchAt?: string;
  lastError?: string;
}

/** Per mapping UUID, what its `workbench.esm` records said (fed with every telemetry event; others are ignored). */
export class MappingTelemetry {
  private readonly byUuid = new Map<string, MappingMetrics>();

  record(event: Pick<TelemetryEvent, 'type' | 'time' | 'record'>): boolean {
    if (event.type !== 'workbench.esm') return false;
    const record = event.record as TelemetryEvent<'workbench.esm'>['record'];
    let metrics = this.byUuid.get(record.uuid);
    if (!metrics) this.byUuid.set(record.uuid, (metrics = { batches: 0, records: 0, failures: 0 }));
    if (record.iteratorAgeMs !== undefined) metrics.iteratorAgeMs = record.iteratorAgeMs;
    if (record.kind === 'batch') {
      metrics.batches++;
      metrics.records += record.size ?? 0;
      metrics.lastBatchAt = event.time;
    } else if (record.kind === 'failure') {
      metrics.failures++;
    } else if (record.kind === 'error' && record.message) {
      metrics.lastError = record.message;
    }
    return true;
  }

  get(uuid: string): MappingMetrics | undefined {
    return this.byUuid.get(uuid);
  }

  clear(): void {
    this.byUuid.clear();
  }
}

export interface MappingView {
  uuid: string;
  functionName: string;
  qualifier?: string;
  eventSourceArn: string;
  sourceName: string;
  state: string;
  enabled: boolean;
  batchSize: number;
  lastResult?: string;
  iteratorAgeMs?: number;
  label: string;
  description: string;
  tooltip: string;
}

/** A mapping as the tree shows it, from ListEventSourceMappings' configuration shape and its metrics. */
export function mappingView(configuration: Record<string, unknown>, metrics?: MappingMetrics): MappingView {
  const uuid = String(configuration.UUID);
  const eventSourceArn = String(configuration.EventSourceArn ?? '');
  const { name: functionName, qualifier } = functionRefOf(String(configuration.FunctionArn ?? ''));
  const state = String(configuration.State ?? 'Unknown');
  const batchSize = Number(configuration.BatchSize ?? 0);
  const lastResult = typeof configuration.LastProcessingResult === 'string' ? configuration.LastProcessingResult : undefined;
  const sourceName = sourceNameOfArn(eventSourceArn);
  const target = qualifier ? `${functionName}:${qualifier}` : functionName;
  const parts = [state, `batch ${batchSize}`];
  if (metrics?.iteratorAgeMs !== undefined) parts.push(`iterator age ${formatAge(metrics.iteratorAgeMs)}`);
  if (lastResult) parts.push(lastResult);
  const tooltip = [
    `${sourceName} → ${target}`,
    `UUID: ${uuid}`,
    `Source: ${eventSourceArn}`,
    `State: ${state}`,
    `Batch size: ${batchSize}`,
    ...(metrics?.iteratorAgeMs !== undefined ? [`Iterator age: ${formatAge(metrics.iteratorAgeMs)}`] : []),
    ...(metrics ? [`Batches: ${metrics.batches} (${metrics.records} records), failures: ${metrics.failures}`] : []),
    ...(metrics?.lastBatchAt ? [`Last batch: ${metrics.lastBatchAt}`] : []),
    ...(lastResult ? [`Last result: ${lastResult}`] : []),
    ...(metrics?.lastError ? [`Last error: ${metrics.lastError}`] : []),
  ].join('\n');
  return {
    uuid,
    functionName,
    qualifier,
    eventSourceArn,
    sourceName,
    state,
    enabled: state === 'Enabled' || state === 'Enabling',
    batchSize,
    lastResult,
    iteratorAgeMs: metrics?.iteratorAgeMs,
    label: `${sourceName} → ${target}`,
    description: parts.join(' · '),
    tooltip,
  };
}

/** Destination records as the JSON document "Show Destination Records" opens: bodies parsed when they are JSON. */
export function destinationRecordsDocument(functionName: string, records: readonly DestinationMessage[]): string {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return JSON.stringify(
    {
      function: functionName,
      records: records.map((r) => ({
        time: r.time,
        role: r.role,
        destination: r.destination,
        type: r.type,
        requestId: r.requestId,
        ...(r.invocationRequestId ? { invocationRequestId: r.invocationRequestId } : {}),
        ...(r.attributes ? { attributes: r.attributes } : {}),
        body: parse(r.body),
      })),
    },
    null,
    2,
  );
}

/** `2 records (1 OnSuccess, 1 OnFailure)`. */
export function destinationSummary(records: readonly Pick<DestinationMessage, 'role'>[]): string {
  if (records.length === 0) return 'no records';
  const byRole = new Map<string, number>();
  for (const r of records) byRole.set(r.role, (byRole.get(r.role) ?? 0) + 1);
  return `${records.length} record${records.length === 1 ? '' : 's'} (${[...byRole].map(([role, n]) => `${n} ${role}`).join(', ')})`;
}

/** What `put-record --change` takes for a DynamoDB stream, as the input box offers it. */
export const DEFAULT_DYNAMODB_CHANGE = '{"eventName":"INSERT","Keys":{"id":{"S":"1"}},"NewImage":{"id":{"S":"1"}}}';

/** The change typed into the input box, or the reason it is not one. */
export function parseDynamoDbChange(text: string): { change: DynamoDbChange } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'A JSON object: {"eventName": …, "Keys": {…}, "NewImage": {…}}' };
  const change = value as Partial<DynamoDbChange>;
  if (change.eventName !== 'INSERT' && change.eventName !== 'MODIFY' && change.eventName !== 'REMOVE') {
    return { error: 'eventName must be INSERT, MODIFY or REMOVE' };
  }
  if (!change.Keys || typeof change.Keys !== 'object') return { error: 'Keys is required (typed attribute values, e.g. {"id":{"S":"1"}})' };
  return { change: change as DynamoDbChange };
}

/** Environments that are warm: initialised and serving or waiting (Idle, Invoking). */
export function warmEnvironmentCount(environments: ReadonlyArray<{ state: string }>): number {
  return environments.filter((e) => e.state === 'Idle' || e.state === 'Invoking').length;
}

/** `127.0.0.1:3001` from `http://127.0.0.1:3001`. */
export function apiAddress(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/** The status bar's text: the local API's address(es) when serving, and the warm environments. */
export function statusBarText(state: { urls: readonly string[]; warm: number }): string {
  const warm = `λ ${state.warm} warm`;
  if (state.urls.length === 0) return warm;
  return `$(radio-tower) ${state.urls.map(apiAddress).join(', ')} · ${warm}`;
}

export type ApiActionId = 'start' | 'stop' | 'copyUrl' | 'copyCliExample' | 'showOutput';

/** The quick pick behind the status bar item: what can be done in the API's current state. */
export function apiActions(state: {
  serving: ReadonlyArray<{ label: string; url: string }>;
  engines: number;
}): Array<{ id: ApiActionId; label: string; detail?: string }> {
  const actions: Array<{ id: ApiActionId; label: string; detail?: string }> = [];
  if (state.serving.length < state.engines) {
    actions.push({
      id: 'start',
      label: '$(play) Start Local API',
      detail: "The Lambda API for the AWS SDK and CLI (lambdaWorkbench.apiPort) and the template's API routes (lambdaWorkbench.apiGatewayPort), on 127.0.0.1",
    });
  }
  if (state.serving.length > 0) {
    actions.push({ id: 'stop', label: '$(debug-stop) Stop Local API', detail: state.serving.map((s) => `${s.label}: ${s.url}`).join(', ') });
    actions.push({ id: 'copyUrl', label: '$(copy) Copy API URL' });
    actions.push({ id: 'copyCliExample', label: '$(terminal) Copy AWS CLI Example', detail: awsCliExample(state.serving[0].url, 'MyFunction') });
  }
  actions.push({ id: 'showOutput', label: '$(output) Show Lambda Output' });
  return actions;
}

/** `aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name F out.json`. */
export function awsCliExample(url: string, functionName: string): string {
  return `aws lambda invoke --endpoint-url ${url} --function-name ${functionName} out.json`;
}
