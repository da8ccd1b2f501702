import type { PlatformRecords, TelemetryEvent, TelemetryListener, TelemetryType } from './events';

/** Where an event comes from; every field optional because engine-wide events have none. */
export interface EventOrigin {
  functionName?: string;
  functionVersion?: string;
  environmentId?: string;
  requestId?: string;
}

/**
 * The engine's event stream: synchronous fan-out to subscribers. Emitting is cheap when nobody
 * listens (no record is even timestamped), which keeps the warm-invoke path short.
 */
export class TelemetryStream {
  private readonly listeners = new Set<TelemetryListener>();

  subscribe(listener: TelemetryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  emit<T extends TelemetryType>(type: T, record: PlatformRecords[T], origin: EventOrigin = {}, time?: Date): void {
    if (this.listeners.size === 0) return;
    const event: TelemetryEvent<T> = { time: (time ?? new Date()).toISOString(), type, record, ...origin };
    for (const listener of this.listeners) {
      try {
        listener(event as TelemetryEvent);
      } catch {
        // A faulty subscriber must not break the engine or the other subscribers.
      }
    }
  }
}
