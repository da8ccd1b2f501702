import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config';
import {
  deadLetterQueues,
  deadLetterSources,
  type DestinationMessage,
  type QueueDefinition,
  type QueueStats,
  type ShardInfo,
  type StreamDefinition,
  type Workbench,
} from '../../core';
import { destinationSummary, mappingView, MappingTelemetry, queueDescription, sourceNameOfArn, type MappingView } from '../sourcesModel';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// The Event Sources view (`lambdaWorkbench.eventSources`): per engine, its queues (visible / in
// flight / delayed), streams (with their shards), event source mappings (state, batch size,
// iterator age from the `workbench.esm` telemetry, last processing result), dead-letter queues
// (redrive targets of the queues) and the destination records of asynchronous invocations per
// function. Queue, stream and mapping nodes are SourceTargets (`engine` + `queue` / `stream` /
// `mappingUuid`), destination nodes carry `engine` + `functionName`, so context-menu commands get
// them as their first argument.
//
// The Ctx makes the provider and its tree view (ctx.ts); tests reach it through the extension's
// API (`activate`'s return value) as `views.eventSources`. `await provider.getChildren()` gives the
// roots: with one engine its five groups
// (`{ kind: 'group', group: 'queues' | 'streams' | 'mappings' | 'dlqs' | 'destinations' }`), with
// several one `{ kind: 'engine' }` node each; `getChildren(group)` reads the engine afresh (queue
// stats, shards, ListEventSourceMappings, destination records) — no waiting for a refresh;
// `getTreeItem(node)` is what VS Code shows (label, description, contextValue). Mapping metrics
// come from telemetry seen since activation (`provider.mappingMetrics(engine, uuid)`).

export type SourceGroup = 'queues' | 'streams' | 'mappings' | 'dlqs' | 'destinations';

export type SourceNode =
  | { kind: 'engine'; engine: Engine }
  | { kind: 'group'; engine: Engine; group: SourceGroup }
  /** `dlq`: the queue is a redrive target (listed under Queues when declared, and under Dead-letter queues). */
  | {
      kind: 'queue';
      engine: Engine;
      group: 'queues' | 'dlqs';
      queue: string;
      definition: QueueDefinition;
      stats?: QueueStats;
      dlq: boolean;
      sources: QueueDefinition[];
    }
  | { kind: 'stream'; engine: Engine; stream: string; definition: StreamDefinition; shards?: ShardInfo[] }
  | { kind: 'shard'; engine: Engine; stream: string; shard: ShardInfo }
  | { kind: 'mapping'; engine: Engine; mappingUuid: string; view: MappingView }
  | { kind: 'destinations'; engine: Engine; functionName: string; records: DestinationMessage[]; configured: string[] }
  | { kind: 'message'; label: string };

/** contextValues of the nodes (package.json's menus use them). */
export const SOURCE_CONTEXT = {
  queue: 'lambdaWorkbench.queue',
  dlq: 'lambdaWorkbench.dlq',
  kinesisStream: 'lambdaWorkbench.stream.kinesis',
  dynamodbStream: 'lambdaWorkbench.stream.dynamodb',
  mappingEnabled: 'lambdaWorkbench.mapping.enabled',
  mappingDisabled: 'lambdaWorkbench.mapping.disabled',
  destinations: 'lambdaWorkbench.destinations',
} as const;

const GROUPS: ReadonlyArray<{ group: SourceGroup; label: string; icon: string }> = [
  { group: 'queues', label: 'Queues', icon: 'inbox' },
  { group: 'streams', label: 'Streams', icon: 'pulse' },
  { group: 'mappings', label: 'Mappings', icon: 'references' },
  { group: 'dlqs', label: 'Dead-letter queues', icon: 'error' },
  { group: 'destinations', label: 'Destination records', icon: 'mail' },
];

/** The destinations a function's definition names (OnSuccess, OnFailure, DLQ). */
function configuredDestinations(fn: FunctionDefinition): string[] {
  const out: string[] = [];
  const config = fn.eventInvokeConfig?.destinationConfig;
  if (config?.onSuccess) out.push(`OnSuccess → ${config.onSuccess.destination}`);
  if (config?.onFailure) out.push(`OnFailure → ${config.onFailure.destination}`);
  if (fn.deadLetterQueue) out.push(`DeadLetterQueue → ${fn.deadLetterQueue.targetArn}`);
  return out;
}

export class EventSourcesTreeProvider implements vscode.TreeDataProvider<SourceNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<SourceNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private readonly telemetry = new WeakMap<Workbench, MappingTelemetry>();
  private statsSignature = '';
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: WorkbenchHost) {
    this.disposables.push(
      host.onDidChange(() => this.refresh()),
      host.onTelemetry(({ engine, event }) => {
        if (event.type === 'workbench.esm') this.metricsOf(engine.workbench).record(event);
      }),
    );
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** What the telemetry said of a mapping since activation (batches, iterator age, failures). */
  mappingMetrics(engine: Engine, uuid: string) {
    return this.metricsOf(engine.workbench).get(uuid);
  }

  /**
   * While the view is visible: checks the queues' counts every `intervalMs` and refreshes when
   * they changed (messages sent through the local API or by another process emit no telemetry).
   */
  setPolling(enabled: boolean, intervalMs = 2000): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    if (!enabled) return;
    this.pollTimer = setInterval(() => void this.pollStats(), intervalMs);
    this.pollTimer.unref?.();
  }

  getTreeItem(node: SourceNode): vscode.TreeItem {
    switch (node.kind) {
      case 'engine': {
        const item = new vscode.TreeItem(node.engine.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `engine:${node.engine.templateFile}`;
        item.tooltip = node.engine.templateFile;
        item.iconPath = new vscode.ThemeIcon('root-folder');
        return item;
      }
      case 'group': {
        const spec = GROUPS.find((g) => g.group === node.group)!;
        const item = new vscode.TreeItem(
          spec.label,
          node.group === 'destinations' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = `${node.engine.templateFile}#${node.group}`;
        item.iconPath = new vscode.ThemeIcon(spec.icon);
        item.contextValue = `lambdaWorkbench.sourceGroup.${node.group}`;
        return item;
      }
      case 'queue': {
        const item = new vscode.TreeItem(queueLabel(node.definition, node.queue), vscode.TreeItemCollapsibleState.None);
        item.id = `${node.engine.templateFile}#${node.group}:${node.definition.arn}`;
        const from = node.dlq && node.sources.length > 0 ? ` ← ${node.sources.map((s) => s.logicalId ?? s.name).join(', ')}` : '';
        item.description = `${queueDescription(node.stats)}${from}`;
        item.tooltip = [
          node.definition.arn,
          node.definition.fifo ? `FIFO${node.definition.contentBasedDeduplication ? ', content-based deduplication' : ''}` : 'Standard queue',
          `Visibility timeout ${node.definition.visibilityTimeoutSeconds} s`,
          node.definition.redrive
            ? `Dead-letter queue: ${sourceNameOfArn(node.definition.redrive.deadLetterTargetArn)} after ${node.definition.redrive.maxReceiveCount} receives`
            : undefined,
          node.dlq ? `Dead-letter queue of ${node.sources.map((s) => s.name).join(', ')}` : undefined,
          node.definition.endpoint ? `Endpoint: ${node.definition.endpoint.url ?? 'AWS'}` : 'Embedded',
        ]
          .filter(Boolean)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon(node.dlq ? 'error' : 'inbox');
        item.contextValue = node.dlq ? SOURCE_CONTEXT.dlq : SOURCE_CONTEXT.queue;
        return item;
      }
      case 'stream': {
        const item = new vscode.TreeItem(
          node.definition.logicalId && node.definition.logicalId !== node.definition.name
            ? `${node.definition.logicalId} (${node.definition.name})`
            : node.definition.name,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `${node.engine.templateFile}#stream:${node.definition.arn}`;
        const shards = node.shards === undefined ? 'unavailable' : `${node.shards.length} shard${node.shards.length === 1 ? '' : 's'}`;
        item.description = `${node.definition.kind === 'kinesis' ? 'Kinesis' : 'DynamoDB stream'} · ${shards}`;
        item.tooltip = [
          node.definition.arn,
          `Retention ${node.definition.retentionHours} h`,
          node.definition.streamViewType ? `View type ${node.definition.streamViewType}` : undefined,
          node.definition.endpoint ? `Endpoint: ${node.definition.endpoint.url ?? 'AWS'}` : 'Embedded',
        ]
          .filter(Boolean)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon(node.definition.kind === 'kinesis' ? 'pulse' : 'database');
        item.contextValue = node.definition.kind === 'kinesis' ? SOURCE_CONTEXT.kinesisStream : SOURCE_CONTEXT.dynamodbStream;
        return item;
      }
      case 'shard': {
        const item = new vscode.TreeItem(node.shard.shardId, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.engine.templateFile}#shard:${node.stream}/${node.shard.shardId}`;
        item.tooltip = `Hash keys ${node.shard.hashKeyRange.startingHashKey} … ${node.shard.hashKeyRange.endingHashKey}${node.shard.parentShardId ? `\nParent ${node.shard.parentShardId}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('symbol-array');
        return item;
      }
      case 'mapping': {
        const item = new vscode.TreeItem(node.view.label, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.engine.templateFile}#mapping:${node.mappingUuid}`;
        item.description = node.view.description;
        item.tooltip = node.view.tooltip;
        const problem = node.view.lastResult?.startsWith('PROBLEM');
        item.iconPath = new vscode.ThemeIcon(!node.view.enabled ? 'debug-pause' : problem ? 'warning' : 'arrow-swap');
        item.contextValue = node.view.enabled ? SOURCE_CONTEXT.mappingEnabled : SOURCE_CONTEXT.mappingDisabled;
        return item;
      }
      case 'destinations': {
        const item = new vscode.TreeItem(node.functionName, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.engine.templateFile}#destinations:${node.functionName}`;
        item.description = destinationSummary(node.records);
        item.tooltip =
          [...node.configured, ...(node.records.length > 0 ? [`Last: ${node.records.at(-1)!.time} (${node.records.at(-1)!.role})`] : [])].join('\n') ||
          node.functionName;
        item.iconPath = new vscode.ThemeIcon('mail');
        item.contextValue = SOURCE_CONTEXT.destinations;
        item.command = { command: 'lambdaWorkbench.showDestinationRecords', title: 'Show Destination Records', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  async getChildren(node?: SourceNode): Promise<SourceNode[]> {
    if (!node) {
      await this.host.start();
      const engines = this.host.engines();
      if (engines.length === 0) return [{ kind: 'message', label: 'No SAM template in the workspace' }];
      if (engines.length === 1) return this.groupsOf(engines[0]);
      return engines.map((engine) => ({ kind: 'engine', engine }));
    }
    switch (node.kind) {
      case 'engine':
        return this.groupsOf(node.engine);
      case 'group':
        return this.groupChildren(node.engine, node.group);
      case 'stream':
        return (node.shards ?? []).map((shard) => ({ kind: 'shard', engine: node.engine, stream: node.stream, shard }));
      default:
        return [];
    }
  }

  dispose(): void {
    clearInterval(this.pollTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private groupsOf(engine: Engine): SourceNode[] {
    return GROUPS.map(({ group }) => ({ kind: 'group', engine, group }));
  }

  private async groupChildren(engine: Engine, group: SourceGroup): Promise<SourceNode[]> {
    const workbench = engine.workbench;
    const sources = workbench.eventSources.sources;
    const empty = (label: string): SourceNode[] => [{ kind: 'message', label }];
    switch (group) {
      case 'queues': {
        const definitions = sources.queueDefinitions();
        if (definitions.length === 0) return empty('The template declares no queues (AWS::SQS::Queue)');
        const dlqArns = new Set(deadLetterQueues(definitions).map((d) => d.arn));
        return Promise.all(
          definitions.map(async (definition): Promise<SourceNode> => ({
            kind: 'queue',
            engine,
            group: 'queues',
            queue: definition.arn,
            definition,
            stats: await statsOf(engine, definition.arn),
            dlq: dlqArns.has(definition.arn),
            sources: deadLetterSources(definitions, definition.arn),
          })),
        );
      }
      case 'dlqs': {
        const dlqs = deadLetterQueues(sources.queueDefinitions());
        if (dlqs.length === 0) return empty('No queue has a RedrivePolicy');
        const nodes: SourceNode[] = [];
        for (const dlq of dlqs) {
          const queue = sources.queue(dlq.arn);
          if (!queue) continue;
          nodes.push({
            kind: 'queue',
            engine,
            group: 'dlqs',
            queue: dlq.arn,
            definition: queue.definition,
            stats: await statsOf(engine, dlq.arn),
            dlq: true,
            sources: dlq.sources,
          });
        }
        return nodes;
      }
      case 'streams': {
        const definitions = sources.streamDefinitions();
        if (definitions.length === 0) return empty('The template declares no streams (AWS::Kinesis::Stream, DynamoDB StreamSpecification)');
        return Promise.all(
          definitions.map(async (definition): Promise<SourceNode> => ({
            kind: 'stream',
            engine,
            stream: definition.arn,
            definition,
            shards: await sources
              .stream(definition.arn)
              ?.listShards()
              .catch(() => undefined),
          })),
        );
      }
      case 'mappings': {
        const configurations = workbench.eventSources.listMappings({});
        if (configurations.length === 0) return empty('No event source mappings (SQS / Kinesis / DynamoDB events)');
        return configurations.map((configuration): SourceNode => {
          const uuid = String(configuration.UUID);
          return {
            kind: 'mapping',
            engine,
            mappingUuid: uuid,
            view: mappingView(
              { ...configuration, LastProcessingResult: workbench.eventSources.lastProcessingResult(uuid) },
              this.metricsOf(workbench).get(uuid),
            ),
          };
        });
      }
      case 'destinations': {
        const nodes: SourceNode[] = [];
        for (const fn of workbench.functions()) {
          const records = await workbench.destinationRecords(fn.functionName).catch(() => []);
          const configured = configuredDestinations(fn);
          if (records.length > 0 || configured.length > 0) nodes.push({ kind: 'destinations', engine, functionName: fn.functionName, records, configured });
        }
        return nodes.length > 0 ? nodes : empty('No function has destinations or a dead-letter queue');
      }
    }
  }

  private metricsOf(workbench: Workbench): MappingTelemetry {
    let metrics = this.telemetry.get(workbench);
    if (!metrics) this.telemetry.set(workbench, (metrics = new MappingTelemetry()));
    return metrics;
  }

  private async pollStats(): Promise<void> {
    const parts: string[] = [];
    for (const engine of this.host.engines()) {
      const sources = engine.workbench.eventSources.sources;
      const arns = new Set([...sources.queueDefinitions().map((q) => q.arn), ...deadLetterQueues(sources.queueDefinitions()).map((d) => d.arn)]);
      for (const arn of arns) {
        const stats = await statsOf(engine, arn);
        parts.push(`${arn}=${stats ? `${stats.visible}/${stats.inFlight}/${stats.delayed}` : '?'}`);
      }
    }
    const signature = parts.join(',');
    if (signature !== this.statsSignature) {
      const first = this.statsSignature === '';
      this.statsSignature = signature;
      if (!first) this.refresh();
    }
  }
}

function queueLabel(definition: QueueDefinition, fallback: string): string {
  if (definition.logicalId && definition.logicalId !== definition.name) return `${definition.logicalId} (${definition.name})`;
  return definition.name || fallback;
}

async function statsOf(engine: Engine, arn: string): Promise<QueueStats | undefined> {
  return engine.workbench.eventSources.sources
    .queue(arn)
    ?.stats()
    .catch(() => undefined);
}
