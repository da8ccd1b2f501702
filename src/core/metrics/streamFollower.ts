import type { TelemetryEvent } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';

// What the metrics recorder and the timeline model share: following one engine's event stream,
// the newest event time seen, and a revision that moves whenever what they hold changed (so a
// view redraws only then).

export abstract class StreamFollower {
  protected rev = 0;
  protected latest = 0;
  private unsubscribe: (() => void) | undefined;

  /** Follows every event of the stream from now on; returns the unsubscribe function. */
  attach(stream: TelemetryStream): () => void {
    this.unsubscribe?.();
    const unsubscribe = stream.subscribe((event) => this.onEvent(event));
    this.unsubscribe = unsubscribe;
    return unsubscribe;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Changes with every event that changed something. */
  get revision(): number {
    return this.rev;
  }

  /** The time of the newest event seen (epoch ms). */
  get latestEventAt(): number {
    return this.latest;
  }

  protected abstract onEvent(event: TelemetryEvent): void;

  /** The event's time (epoch ms), keeping the newest seen; undefined when it has none. */
  protected timeOf(event: TelemetryEvent): number | undefined {
    const time = Date.parse(event.time);
    if (Number.isNaN(time)) return undefined;
    if (time > this.latest) this.latest = time;
    return time;
  }
}
