import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  deadLetterQueues,
  deadLetterSources,
  type DestinationMessage,
  type DynamoDbChange,
  type MessageAttributeValue,
  type MessageQueue,
  type RecordStream,
  redriveDeadLetterQueue,
  type RedriveResult,
  type SendMessageResult,
} from '../../core';
import type { Commands, Ctx } from '../ctx';
import { DEFAULT_DYNAMODB_CHANGE, destinationRecordsDocument, destinationSummary, mappingView, parseDynamoDbChange, queueDescription } from '../sourcesModel';
import type { SourceTarget } from '../targets';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { engineFor, programmaticArg, showJsonDocument } from './commandSupport';

// The event-source commands, run from the Event Sources view's nodes (SourceTargets: `engine` +
// `queue` / `stream` / `mappingUuid`; destination nodes: `engine` + `functionName`) or the palette
// (then they ask). Queues and streams are named by ARN, URL, name or logical id.
//
//   lambdaWorkbench.sendMessage(target?: SourceTarget, body?: string | { body, messageGroupId?, messageDeduplicationId?, delaySeconds?, messageAttributes? })
//       → SendMessageResult ({ messageId, md5OfMessageBody, sequenceNumber? }). FIFO: group `default` and a
//         generated deduplication id unless given (or content-based deduplication).
//   lambdaWorkbench.putRecord(target?: SourceTarget, data?: string | { data?: string, partitionKey?: string, change?: DynamoDbChange | string })
//       → { shardId, sequenceNumber }. Kinesis: data (text) + partition key (default `default`); DynamoDB streams: a change.
//   lambdaWorkbench.purgeQueue(target?, { confirm?: boolean }) → true when purged (asks first unless confirm: false)
//   lambdaWorkbench.enableMapping(target?: SourceTarget with mappingUuid) / disableMapping(…) → the mapping's configuration (AWS's shape)
//   lambdaWorkbench.redriveDlq(target?: SourceTarget with the DLQ as `queue`, { maxMessages?, sourceQueue? }) → RedriveResult
//   lambdaWorkbench.showDestinationRecords(target?: { engine?, functionName }) → DestinationMessage[] (opened as a JSON document)
//
// Errors are notifications; the command then returns undefined. Each refreshes the Event Sources
// view (the Ctx's) after a change.

type QueueTarget = Partial<SourceTarget> & { queue?: string };

function sourceTargetOf(value: unknown): Partial<SourceTarget> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Partial<SourceTarget>) : undefined;
}

/** Every queue of the engine: declared ones and the dead-letter queues they name. */
function queueRefs(engine: Engine): string[] {
  const definitions = engine.workbench.eventSources.sources.queueDefinitions();
  return [...new Set([...definitions.map((q) => q.arn), ...deadLetterQueues(definitions).map((d) => d.arn)])];
}

async function resolveQueue(
  host: WorkbenchHost,
  target: QueueTarget | undefined,
  placeHolder: string,
  only?: (arn: string) => boolean,
): Promise<{ engine: Engine; queue: MessageQueue } | undefined> {
  const ref = target?.queue;
  const engine = await engineFor(host, target?.engine, ref ? (e) => e.workbench.eventSources.sources.findQueueDefinition(ref) !== undefined : undefined);
  if (!engine) return undefined;
  const sources = engine.workbench.eventSources.sources;
  if (ref) {
    const queue = sources.queue(ref);
    if (!queue) {
      throw new Error(
        `No queue ${ref} in ${engine.label} (queues: ${
          sources
            .queueDefinitions()
            .map((q) => q.logicalId ?? q.name)
            .join(', ') || 'none'
        })`,
      );
    }
    return { engine, queue };
  }
  const arns = queueRefs(engine).filter((arn) => !only || only(arn));
  if (arns.length === 0) {
    void vscode.window.showWarningMessage(`Lambda: ${engine.label} has no ${only ? 'dead-letter ' : ''}queues.`);
    return undefined;
  }
  const items = await Promise.all(
    arns.map(async (arn) => {
      const queue = sources.queue(arn)!;
      const stats = await queue.stats().catch(() => undefined);
      return { label: queue.definition.logicalId ?? queue.definition.name, description: queueDescription(stats), queue };
    }),
  );
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder });
  return picked && { engine, queue: picked.queue };
}

async function resolveStream(host: WorkbenchHost, target: Partial<SourceTarget> | undefined): Promise<{ engine: Engine; stream: RecordStream } | undefined> {
  const ref = target?.stream;
  const engine = await engineFor(host, target?.engine, ref ? (e) => e.workbench.eventSources.sources.findStreamDefinition(ref) !== undefined : undefined);
  if (!engine) return undefined;
  const sources = engine.workbench.eventSources.sources;
  if (ref) {
    const stream = sources.stream(ref);
    if (!stream) {
      throw new Error(
        `No stream ${ref} in ${engine.label} (streams: ${
          sources
            .streamDefinitions()
            .map((s) => s.logicalId ?? s.name)
            .join(', ') || 'none'
        })`,
      );
    }
    return { engine, stream };
  }
  const definitions = sources.streamDefinitions();
  if (definitions.length === 0) {
    void vscode.window.showWarningMessage(`Lambda: ${engine.label} has no streams.`);
    return undefined;
  }
  const items = definitions.map((d) => ({ label: d.logicalId ?? d.name, description: d.kind === 'kinesis' ? 'Kinesis' : 'DynamoDB stream', arn: d.arn }));
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Put a record into which stream?' });
  return picked && { engine, stream: sources.stream(picked.arn)! };
}

interface SendInput {
  body: string;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  delaySeconds?: number;
  messageAttributes?: Record<string, MessageAttributeValue>;
}

async function sendMessage(ctx: Ctx, targetArg: unknown, bodyArg: unknown): Promise<SendMessageResult | undefined> {
  const resolved = await resolveQueue(ctx.host, sourceTargetOf(targetArg), 'Send a message to which queue?');
  if (!resolved) return undefined;
  const { queue } = resolved;
  const given = programmaticArg<string | SendInput>(bodyArg as string | SendInput | undefined);
  const input: SendInput | undefined = typeof given === 'string' ? { body: given } : given && typeof given.body === 'string' ? { ...given } : undefined;
  const interactive = input === undefined;
  const send: SendInput = input ?? { body: '' };
  if (interactive) {
    const body = await vscode.window.showInputBox({
      title: `Send message to ${queue.definition.name}`,
      prompt: 'Message body',
      placeHolder: '{"orderId": 1}',
      ignoreFocusOut: true,
    });
    if (body === undefined) return undefined;
    send.body = body;
  }
  if (queue.definition.fifo) {
    if (send.messageGroupId === undefined) {
      send.messageGroupId = interactive
        ? await vscode.window.showInputBox({ title: 'MessageGroupId', prompt: 'Message group (FIFO queue)', value: 'default' })
        : 'default';
      if (send.messageGroupId === undefined) return undefined;
    }
    if (send.messageDeduplicationId === undefined && !queue.definition.contentBasedDeduplication) send.messageDeduplicationId = randomUUID();
  }
  const [result] = await queue.send([send]);
  void vscode.window.setStatusBarMessage(`$(mail) Sent message ${result.messageId} to ${queue.definition.name}`, 5000);
  ctx.views.eventSources.refresh();
  return result;
}

async function putRecord(ctx: Ctx, targetArg: unknown, dataArg: unknown): Promise<{ shardId: string; sequenceNumber: string } | undefined> {
  const resolved = await resolveStream(ctx.host, sourceTargetOf(targetArg));
  if (!resolved) return undefined;
  const { stream } = resolved;
  const given = programmaticArg<string | { data?: string; partitionKey?: string; change?: DynamoDbChange | string }>(dataArg as string | undefined);
  const input = typeof given === 'string' ? (stream.definition.kind === 'dynamodb' ? { change: given } : { data: given }) : given;
  let result: { shardId: string; sequenceNumber: string };
  if (stream.definition.kind === 'dynamodb') {
    if (!stream.putChange) throw new Error(`${stream.definition.name} is a DynamoDB stream on a real endpoint: write to the table instead`);
    let change: DynamoDbChange;
    if (input?.change !== undefined) {
      const parsed = typeof input.change === 'string' ? parseDynamoDbChange(input.change) : { change: input.change };
      if ('error' in parsed) throw new Error(parsed.error);
      change = parsed.change;
    } else {
      const text = await vscode.window.showInputBox({
        title: `Put a change into ${stream.definition.name}'s stream`,
        prompt: 'The change: eventName, Keys and images as DynamoDB typed attribute values',
        value: DEFAULT_DYNAMODB_CHANGE,
        ignoreFocusOut: true,
        validateInput: (value) => {
          const parsed = parseDynamoDbChange(value);
          return 'error' in parsed ? parsed.error : undefined;
        },
      });
      if (text === undefined) return undefined;
      change = (parseDynamoDbChange(text) as { change: DynamoDbChange }).change;
    }
    result = await stream.putChange(change);
  } else {
    let data = input?.data;
    let partitionKey = input?.partitionKey;
    if (data === undefined) {
      data = await vscode.window.showInputBox({
        title: `Put a record into ${stream.definition.name}`,
        prompt: 'Record data (text)',
        placeHolder: '{"clicks": 1}',
        ignoreFocusOut: true,
      });
      if (data === undefined) return undefined;
      partitionKey ??= await vscode.window.showInputBox({
        title: 'Partition key',
        prompt: 'Which shard the record goes to (MD5 of the key)',
        value: 'default',
        validateInput: (v) => (v === '' ? 'A partition key is required' : undefined),
      });
      if (partitionKey === undefined) return undefined;
    }
    result = await stream.putRecord({ data: Buffer.from(data, 'utf8'), partitionKey: partitionKey ?? 'default' });
  }
  void vscode.window.setStatusBarMessage(`$(pulse) Put a record into ${stream.definition.name} (${result.shardId})`, 5000);
  ctx.views.eventSources.refresh();
  return result;
}

async function purgeQueue(ctx: Ctx, targetArg: unknown, optionsArg: unknown): Promise<boolean | undefined> {
  const resolved = await resolveQueue(ctx.host, sourceTargetOf(targetArg), 'Purge which queue?');
  if (!resolved) return undefined;
  const { queue } = resolved;
  const options = programmaticArg<{ confirm?: boolean }>(optionsArg as { confirm?: boolean } | undefined);
  if (options?.confirm !== false) {
    const stats = await queue.stats().catch(() => undefined);
    const answer = await vscode.window.showWarningMessage(
      `Delete every message of ${queue.definition.name}${stats ? ` (${queueDescription(stats)})` : ''}?`,
      { modal: true },
      'Purge',
    );
    if (answer !== 'Purge') return false;
  }
  await queue.purge();
  void vscode.window.setStatusBarMessage(`$(trash) Purged ${queue.definition.name}`, 5000);
  ctx.views.eventSources.refresh();
  return true;
}

async function setMappingEnabled(ctx: Ctx, targetArg: unknown, enabled: boolean): Promise<Record<string, unknown> | undefined> {
  const target = sourceTargetOf(targetArg);
  const uuid = target?.mappingUuid;
  const engine = await engineFor(ctx.host, target?.engine, uuid ? (e) => e.workbench.eventSources.listMappings({}).some((m) => m.UUID === uuid) : undefined);
  if (!engine) return undefined;
  let chosen = uuid;
  if (!chosen) {
    const candidates = engine.workbench.eventSources
      .listMappings({})
      .map((c) => mappingView(c))
      .filter((m) => m.enabled !== enabled);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Lambda: no ${enabled ? 'disabled' : 'enabled'} event source mapping in ${engine.label}.`);
      return undefined;
    }
    const picked =
      candidates.length === 1
        ? candidates[0]
        : (
            await vscode.window.showQuickPick(
              candidates.map((m) => ({ label: m.label, description: m.description, view: m })),
              { placeHolder: `${enabled ? 'Enable' : 'Disable'} which mapping?` },
            )
          )?.view;
    chosen = picked?.uuid;
  }
  if (!chosen) return undefined;
  const configuration = await engine.workbench.eventSources.updateMapping(chosen, { Enabled: enabled });
  void vscode.window.setStatusBarMessage(
    `$(${enabled ? 'play' : 'debug-pause'}) ${mappingView(configuration).label}: ${enabled ? 'enabled' : 'disabled'}`,
    5000,
  );
  ctx.views.eventSources.refresh();
  return configuration;
}

async function redriveDlq(ctx: Ctx, targetArg: unknown, optionsArg: unknown): Promise<RedriveResult | undefined> {
  const target = sourceTargetOf(targetArg);
  const ref = target?.queue;
  const chosenEngine = await engineFor(
    ctx.host,
    target?.engine,
    ref
      ? (e) => queueRefs(e).some((arn) => e.workbench.eventSources.sources.queue(arn)?.definition === e.workbench.eventSources.sources.queue(ref)?.definition)
      : undefined,
  );
  if (!chosenEngine) return undefined;
  // Picked from the palette: only the queues some RedrivePolicy names.
  const isDlq = (arn: string) => deadLetterSources(chosenEngine.workbench.eventSources.sources.queueDefinitions(), arn).length > 0;
  const resolved = await resolveQueue(ctx.host, { ...target, engine: chosenEngine }, 'Redrive which dead-letter queue?', ref ? undefined : isDlq);
  if (!resolved) return undefined;
  const { engine, queue: dlq } = resolved;
  const options = programmaticArg<{ maxMessages?: number; sourceQueue?: string }>(optionsArg as { maxMessages?: number } | undefined) ?? {};
  const sources = engine.workbench.eventSources.sources;
  const feeding = deadLetterSources(sources.queueDefinitions(), dlq.definition.arn);
  let fallback: MessageQueue | undefined;
  if (options.sourceQueue) {
    fallback = sources.queue(options.sourceQueue);
    if (!fallback) throw new Error(`No queue ${options.sourceQueue} in ${engine.label}`);
  } else if (feeding.length === 1) {
    fallback = sources.queue(feeding[0].arn);
  }
  const result = await redriveDeadLetterQueue(dlq, {
    target: fallback,
    maxMessages: options.maxMessages,
    // Only the project's declared queues: an unknown ARN is not a queue to create.
    resolve: (arn) => (sources.findQueueDefinition(arn) ? sources.queue(arn) : undefined),
  });
  const moved = Object.entries(result.moved)
    .map(([name, n]) => `${n} → ${name}`)
    .join(', ');
  const message =
    result.total === 0 && result.skipped === 0
      ? `Lambda: ${dlq.definition.name} has no visible messages to redrive.`
      : `Lambda: redrove ${result.total} message${result.total === 1 ? '' : 's'} from ${dlq.definition.name}${moved ? ` (${moved})` : ''}${result.skipped ? `; ${result.skipped} left (source unknown${feeding.length > 1 ? `: ${feeding.map((q) => q.name).join(' or ')}` : ''})` : ''}.`;
  void (result.skipped ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
  ctx.views.eventSources.refresh();
  return result;
}

async function showDestinationRecords(host: WorkbenchHost, targetArg: unknown): Promise<DestinationMessage[] | undefined> {
  const target =
    targetArg && typeof targetArg === 'object' && !Array.isArray(targetArg) ? (targetArg as { engine?: Engine; functionName?: string }) : undefined;
  const name = typeof target?.functionName === 'string' ? target.functionName : undefined;
  const engine = await engineFor(host, target?.engine, name ? (e) => e.workbench.getFunction(name) !== undefined : undefined);
  if (!engine) return undefined;
  let functionName = name && (engine.workbench.getFunction(name)?.functionName ?? name);
  if (!functionName) {
    const items = await Promise.all(
      engine.workbench.functions().map(async (fn) => {
        const records = await engine.workbench.destinationRecords(fn.functionName).catch(() => []);
        return { label: fn.functionName, description: destinationSummary(records), count: records.length };
      }),
    );
    items.sort((a, b) => b.count - a.count);
    functionName = (await vscode.window.showQuickPick(items, { placeHolder: 'Destination records of which function?' }))?.label;
  }
  if (!functionName) return undefined;
  const records = await engine.workbench.destinationRecords(functionName);
  await showJsonDocument(destinationRecordsDocument(functionName, records));
  return records;
}

export const sourceCommands: Commands = {
  sendMessage: { action: 'Send message', make: (ctx) => (target?: unknown, body?: unknown) => sendMessage(ctx, target, body) },
  putRecord: { action: 'Put record', make: (ctx) => (target?: unknown, data?: unknown) => putRecord(ctx, target, data) },
  purgeQueue: { action: 'Purge queue', make: (ctx) => (target?: unknown, options?: unknown) => purgeQueue(ctx, target, options) },
  enableMapping: { action: 'Enable mapping', make: (ctx) => (target?: unknown) => setMappingEnabled(ctx, target, true) },
  disableMapping: { action: 'Disable mapping', make: (ctx) => (target?: unknown) => setMappingEnabled(ctx, target, false) },
  redriveDlq: { action: 'Redrive', make: (ctx) => (target?: unknown, options?: unknown) => redriveDlq(ctx, target, options) },
  showDestinationRecords: { action: 'Show destination records', make: (ctx) => (target?: unknown) => showDestinationRecords(ctx.host, target) },
};
