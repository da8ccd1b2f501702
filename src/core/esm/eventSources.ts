import { MappingManager } from './mappingManager';
import { POLLER_FACTORIES, SOURCE_FACTORIES } from './sourceFactories';
import { deleteStreamCheckpoints } from './streamPoller';
import { readTemplateMappings, type MappingInput } from '../config/mappingDefinitions';
import { EventSourceMappings } from './mappings';
import type { MappingRuntime, PollerFactory } from './types';
import type { EventSourceMapping, MappingSourceKind } from '../config/mappingDefinitions';
import type { DestinationMessage } from '../invoke/destinations';
import type { InvocationResult } from '../invoke/invoker';
import type { SharedStore } from '../store/sharedStore';
import type { TelemetryStream } from '../telemetry/stream';
import { readSourceDeclarations, type SourceDeclarations, type SourceEndpoints } from '../sources/declarations';
import { Sources, type SourceFactories } from '../sources/sources';
import { stateLayout } from '../vocabulary/stateDirectory';
import type { FunctionCatalog } from '../versions/functionCatalog';

// Lambda's third invocation model, put together: the project's queues and streams (`Sources`), the
// event source mappings (template + API, `EventSourceMappings`) and their pollers
// (`MappingManager`), each poller given a MappingRuntime onto the engine.

export interface EventSourcesHost {
  /** The functions and the template that declares the queues, streams and mappings. */
  catalog: FunctionCatalog;
  sourceEndpoints(): SourceEndpoints;
  stateDir: string;
  telemetry: TelemetryStream;
  invoke(functionName: string, payload: Buffer, qualifier?: string): Promise<InvocationResult>;
  /** Throws ResourceNotFoundException when the function or qualifier does not exist. */
  checkFunction(functionName: string, qualifier?: string): Promise<void>;
  /** Records a message for a destination the engine cannot reach (SNS, S3, EventBridge…). */
  recordDestinationMessage(message: {
    sourceFunction: string;
    requestId: string;
    destination: string;
    type: 'sns' | 's3' | 'events' | 'unknown';
    body: string;
  }): Promise<void>;
}

export class EventSources {
  readonly sources: Sources;
  readonly mappings: EventSourceMappings;
  private readonly manager: MappingManager;
  private declarations: SourceDeclarations;
  private polling = false;

  constructor(
    private readonly store: SharedStore,
    private readonly host: EventSourcesHost,
    /** Which class serves which queue or stream, and which poller reads it (tests swap them). */
    factories: SourceFactories = SOURCE_FACTORIES,
    pollers: Record<MappingSourceKind, PollerFactory> = POLLER_FACTORIES,
  ) {
    this.declarations = readSourceDeclarations(host.catalog.template, host.catalog.region, host.sourceEndpoints());
    this.sources = new Sources(
      store,
      () => host.catalog.region,
      () => this.declarations,
      factories,
    );
    this.manager = new MappingManager(
      pollers,
      (mapping, report) => this.runtimeFor(mapping, report),
      (message) => this.warn(message),
    );
    this.mappings = new EventSourceMappings(
      stateLayout(host.stateDir).esm,
      {
        region: () => host.catalog.region,
        checkFunction: (name, qualifier) => host.checkFunction(name, qualifier),
        sourceExists: (arn) =>
          this.sources.findQueueDefinition(arn) !== undefined || this.sources.findStreamDefinition(arn) !== undefined || /^arn:aws[a-zA-Z-]*:sqs:/.test(arn),
      },
      () => {
        if (this.polling) void this.manager.sync(this.mappings.list());
      },
    );
  }

  /** Delivers a destination's message to a queue of the engine (embedded or on an endpoint); false when it has no such queue. */
  async sendToQueue(queueArn: string, body: string, attributes?: DestinationMessage['attributes'], traceHeader?: string): Promise<boolean> {
    const queue = this.sources.queue(queueArn);
    if (!queue) return false;
    const messageAttributes =
      attributes && Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, 'DataType' in v ? v : { DataType: 'String', StringValue: v.Value }]));
    await queue.send([{ body, messageAttributes, traceHeader }]);
    return true;
  }

  /** Reads the template's mappings and the API's; with `poll`, starts polling. */
  async start(poll: boolean): Promise<void> {
    await this.mappings.load();
    this.polling = poll;
    this.readTemplate();
  }

  /** The template changed (hot reload): its queues, streams and mappings are read again. */
  templateChanged(): void {
    this.declarations = readSourceDeclarations(this.host.catalog.template, this.host.catalog.region, this.host.sourceEndpoints());
    this.readTemplate();
  }

  async close(): Promise<void> {
    this.polling = false;
    await this.manager.close();
    await this.sources.close();
  }

  // --- the control-plane operations ----------------------------------------------------------------

  async createMapping(input: MappingInput): Promise<Record<string, unknown>> {
    const mapping = await this.mappings.create(input);
    // Created with Enabled false, it is at once 'Disabled' (AWS's recorded answer)
    return this.mappings.configuration(mapping, mapping.enabled ? 'Creating' : 'Disabled');
  }

  getMapping(uuid: string): Record<string, unknown> {
    const mapping = this.mappings.get(uuid);
    return this.mappings.configuration(mapping, undefined, this.streamResult(mapping));
  }

  async updateMapping(uuid: string, input: MappingInput): Promise<Record<string, unknown>> {
    const wasEnabled = this.mappings.get(uuid).enabled;
    const mapping = await this.mappings.update(uuid, input);
    // Turning a mapping off or on is 'Disabling' / 'Enabling' (AWS's recorded answer), any other change 'Updating'.
    const state = mapping.enabled === wasEnabled ? 'Updating' : mapping.enabled ? 'Enabling' : 'Disabling';
    return this.mappings.configuration(mapping, state, this.streamResult(mapping));
  }

  async deleteMapping(uuid: string): Promise<Record<string, unknown>> {
    const mapping = await this.mappings.delete(uuid);
    // A mapping created again later starts from its StartingPosition, not from the old checkpoints.
    if (mapping.kind !== 'sqs') await deleteStreamCheckpoints(this.store, uuid);
    return this.mappings.configuration(mapping, 'Deleting', this.streamResult(mapping));
  }

  /** LastProcessingResult of any mapping, SQS's included (the views show it; AWS's answers for SQS do not). */
  lastProcessingResult(uuid: string): string {
    return this.manager.lastProcessingResult(uuid);
  }

  /** A stream mapping's LastProcessingResult (every answer carries it); AWS's answers for SQS mappings never carry one (recorded Gets: test_fifo_message_group_parallelism, test_sqs_event_source_mapping_update). */
  private streamResult(mapping: EventSourceMapping): string | undefined {
    return mapping.kind === 'sqs' ? undefined : this.manager.lastProcessingResult(mapping.uuid);
  }

  /** ListEventSourceMappings (filtered by function and / or source ARN). */
  listMappings(filter: { functionName?: string; eventSourceArn?: string }): Array<Record<string, unknown>> {
    return this.mappings
      .list()
      .filter((m) => (!filter.functionName || m.functionName === filter.functionName) && (!filter.eventSourceArn || m.eventSourceArn === filter.eventSourceArn))
      .map((m) => this.mappings.configuration(m, undefined, this.streamResult(m)));
  }

  private readTemplate(): void {
    const { mappings, problems } = readTemplateMappings(this.host.catalog.template);
    for (const problem of problems) this.warn(`Event source mapping ${problem}`);
    this.mappings.setTemplateMappings(mappings);
  }

  private runtimeFor(mapping: EventSourceMapping, report: (result: string) => void): MappingRuntime {
    const host = this.host;
    const sources = this.sources;
    const notFound = () => new Error(`${mapping.eventSourceArn} is not a queue or stream of this project`);
    return {
      mapping,
      region: host.catalog.region,
      store: this.store,
      async invoke(payload) {
        const result = await host.invoke(mapping.functionName, payload, mapping.qualifier);
        report(result.functionError ? 'PROBLEM: Function call failed' : 'OK');
        return {
          payload: result.payload,
          functionError: result.functionError,
          errorType: result.errorType,
          requestId: result.requestId,
          executedVersion: result.executedVersion,
        };
      },
      queue: () =>
        sources.queue(mapping.eventSourceArn) ??
        (() => {
          throw notFound();
        })(),
      stream: () =>
        sources.stream(mapping.eventSourceArn) ??
        (() => {
          throw notFound();
        })(),
      async sendToDestination(destinationArn, body) {
        const text = JSON.stringify(body);
        const queue = /^arn:aws[a-zA-Z-]*:sqs:/.test(destinationArn) ? sources.queue(destinationArn) : undefined;
        if (queue) {
          await queue.send([{ body: text }]);
          return;
        }
        const service = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):/.exec(destinationArn)?.[1];
        const type = service === 'sns' || service === 's3' || service === 'events' ? service : 'unknown';
        const requestId = (body as { requestContext?: { requestId?: string } })?.requestContext?.requestId ?? mapping.uuid;
        await host.recordDestinationMessage({ sourceFunction: mapping.functionName, requestId, destination: destinationArn, type, body: text });
      },
      emit(record) {
        host.telemetry.emit('workbench.esm', { ...record, uuid: mapping.uuid, eventSourceArn: mapping.eventSourceArn }, { functionName: mapping.functionName });
        if (record.kind === 'error' && record.message) report(`PROBLEM: ${record.message}`);
      },
    };
  }

  private warn(message: string): void {
    this.host.telemetry.emit('workbench.warning', { message });
  }
}
