import type { SharedStore } from '../store/sharedStore';
import { queueDefinition, type SourceDeclarations } from './declarations';
import type { MessageQueue, QueueDefinition, RecordStream, StreamDefinition } from './types';

// The engine's queues and streams, by ARN, name, URL or logical id: the template's, each embedded
// (in the engine's LevelDB) or on the real endpoint the settings give it, created on first use.
// Queues the template does not declare but an ARN names (a destination, a DLQ) are embedded
// queues with SQS's defaults.

export interface SourceFactories {
  embeddedQueue(store: SharedStore, definition: QueueDefinition, resolveQueue: (arn: string) => MessageQueue | undefined): MessageQueue;
  endpointQueue(definition: QueueDefinition): MessageQueue;
  embeddedStream(store: SharedStore, definition: StreamDefinition): RecordStream;
  endpointStream(definition: StreamDefinition): RecordStream;
}

export class Sources {
  private readonly openQueues = new Map<string, MessageQueue>();
  private readonly openStreams = new Map<string, RecordStream>();

  constructor(
    private readonly store: SharedStore,
    private readonly region: () => string,
    private readonly declarations: () => SourceDeclarations,
    private readonly factories: SourceFactories,
  ) {}

  queueDefinitions(): QueueDefinition[] {
    return this.declarations().queues;
  }

  streamDefinitions(): StreamDefinition[] {
    return this.declarations().streams;
  }

  /** A declared queue by ARN, URL, name or logical id. */
  findQueueDefinition(ref: string): QueueDefinition | undefined {
    const name = sourceName(ref);
    return this.queueDefinitions().find((q) => q.arn === ref || q.url === ref || q.name === name || q.logicalId === name || q.name === `${name}.fifo`);
  }

  findStreamDefinition(ref: string): StreamDefinition | undefined {
    const name = sourceName(ref);
    return this.streamDefinitions().find((s) => s.arn === ref || s.name === name || s.logicalId === name);
  }

  /** A declared queue, or (for an SQS ARN) an embedded queue with defaults; undefined when unknown. */
  queue(ref: string): MessageQueue | undefined {
    let definition = this.findQueueDefinition(ref);
    if (!definition) {
      const arn = /^arn:aws[a-zA-Z-]*:sqs:([^:]*):(\d{12}):([^:]+)$/.exec(ref);
      if (!arn) return undefined;
      definition = queueDefinition(arn[3], this.region());
    }
    const key = definition.name;
    let queue = this.openQueues.get(key);
    if (!queue) {
      queue = definition.endpoint ? this.factories.endpointQueue(definition) : this.factories.embeddedQueue(this.store, definition, (arn) => this.queue(arn));
      this.openQueues.set(key, queue);
    }
    return queue;
  }

  stream(ref: string): RecordStream | undefined {
    const definition = this.findStreamDefinition(ref);
    if (!definition) return undefined;
    const key = `${definition.kind}:${definition.name}`;
    let stream = this.openStreams.get(key);
    if (!stream) {
      stream = definition.endpoint ? this.factories.endpointStream(definition) : this.factories.embeddedStream(this.store, definition);
      this.openStreams.set(key, stream);
    }
    return stream;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.openQueues.values(), ...this.openStreams.values()].map((s) => s.close()));
    this.openQueues.clear();
    this.openStreams.clear();
  }
}

/** The last part of an ARN / URL (`…:queue-name`, `…/queue-name`, `…:stream/name`, `…:table/name/stream/…`). */
function sourceName(ref: string): string {
  const table = /:table\/([^/]+)/.exec(ref);
  if (table) return table[1];
  const stream = /:stream\/([^/]+)$/.exec(ref);
  if (stream) return stream[1];
  return ref.split(/[:/]/).pop() ?? ref;
}
