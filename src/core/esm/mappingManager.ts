import type { MappingRuntime, Poller, PollerFactory } from './types';
import type { EventSourceMapping, MappingSourceKind } from '../config/mappingDefinitions';

// Runs one poller per enabled mapping, and keeps the set in step with the mappings: a new or
// enabled mapping starts polling, a deleted or disabled one stops (its batch in flight finishes),
// a changed one restarts with its new settings. Changes are applied one at a time.

export class MappingManager {
  private readonly running = new Map<string, { signature: string; poller: Poller }>();
  private readonly results = new Map<string, string>();
  private applying: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly factories: Record<MappingSourceKind, PollerFactory>,
    private readonly runtimeFor: (mapping: EventSourceMapping, report: (result: string) => void) => MappingRuntime,
    private readonly warn: (message: string) => void,
  ) {}

  /** Makes the running pollers match `mappings` (resolves once stopped ones have stopped). */
  sync(mappings: EventSourceMapping[]): Promise<void> {
    this.applying = this.applying.then(() => this.apply(mappings)).catch((error: Error) => this.warn(`Event source mappings: ${error.message}`));
    return this.applying;
  }

  /** LastProcessingResult as Lambda reports it ('No records processed', 'OK', 'PROBLEM: …'). */
  lastProcessingResult(uuid: string): string {
    return this.results.get(uuid) ?? 'No records processed';
  }

  isRunning(uuid: string): boolean {
    return this.running.has(uuid);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.applying;
    await Promise.all([...this.running.values()].map((r) => r.poller.stop()));
    this.running.clear();
  }

  private async apply(mappings: EventSourceMapping[]): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(mappings.filter((m) => m.enabled).map((m) => [m.uuid, m]));
    const stopping: Array<Promise<void>> = [];
    for (const [uuid, run] of this.running) {
      const mapping = wanted.get(uuid);
      if (!mapping || signature(mapping) !== run.signature) {
        this.running.delete(uuid);
        stopping.push(run.poller.stop());
      }
    }
    await Promise.all(stopping);
    for (const [uuid, mapping] of wanted) {
      if (this.running.has(uuid)) continue;
      try {
        const runtime = this.runtimeFor(mapping, (result) => this.results.set(uuid, result));
        const poller = this.factories[mapping.kind](runtime);
        poller.start();
        this.running.set(uuid, { signature: signature(mapping), poller });
      } catch (error) {
        this.warn(
          `Event source mapping ${mapping.declaredAs ?? mapping.uuid} (${mapping.eventSourceArn} → ${mapping.functionName}) cannot start: ${(error as Error).message}`,
        );
      }
    }
  }
}

/** What a poller was started with (lastModified aside): a different signature means a restart. */
function signature(mapping: EventSourceMapping): string {
  const { lastModified: _ignored, ...settings } = mapping;
  return JSON.stringify(settings);
}
