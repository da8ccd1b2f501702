import * as http from 'node:http';
import type { TelemetrySubscriptionSpec } from '../runtime-api/telemetryApi';
import type { TelemetryEvent } from './events';
import type { TelemetryStream } from './stream';

// Delivers one Telemetry API subscription: the environment's events of the subscribed categories,
// buffered as the subscriber asked (items, bytes, time) and POSTed as JSON arrays of
// `{time, type, record}` to its listener. Our own `workbench.*` events are not part of the API.

function category(type: string): 'platform' | 'function' | 'extension' | undefined {
  if (type.startsWith('platform.')) return 'platform';
  if (type === 'function' || type === 'extension') return type;
  return undefined;
}

export class TelemetrySubscriber {
  private buffer: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly unsubscribe: () => void;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    stream: TelemetryStream,
    private readonly environmentId: string,
    private readonly spec: TelemetrySubscriptionSpec,
    extensionName: string,
  ) {
    this.unsubscribe = stream.subscribe((event) => this.accept(event));
    // AWS confirms the subscription in the stream itself.
    this.push({
      time: new Date().toISOString(),
      type: 'platform.telemetrySubscription',
      record: { name: extensionName, state: 'Subscribed', types: spec.types },
    });
  }

  private accept(event: TelemetryEvent): void {
    if (event.environmentId !== this.environmentId) return;
    const kind = category(event.type);
    if (!kind || !this.spec.types.includes(kind)) return;
    this.push({ time: event.time, type: event.type, record: event.record });
  }

  private push(item: { time: string; type: string; record: unknown }): void {
    const json = JSON.stringify(item);
    this.buffer.push(json);
    this.bytes += json.length;
    const { maxItems, maxBytes, timeoutMs } = this.spec.buffering;
    if (this.buffer.length >= maxItems || this.bytes >= maxBytes) return void this.flush();
    this.timer ??= setTimeout(() => void this.flush(), timeoutMs);
  }

  /** Sends what is buffered (batches go out one at a time, in order). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return this.sending;
    const body = Buffer.from(`[${this.buffer.join(',')}]`);
    this.buffer = [];
    this.bytes = 0;
    this.sending = this.sending.then(() => this.post(body));
    return this.sending;
  }

  private post(body: Buffer): Promise<void> {
    const { destination } = this.spec;
    return new Promise((resolve) => {
      const req = http.request(
        destination,
        { method: 'POST', agent: this.agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      // A listener that is gone or slow loses the batch, as on AWS; the engine carries on.
      req.setTimeout(5000, () => req.destroy());
      req.on('error', () => resolve());
      req.end(body);
    });
  }

  /** Final flush (at SHUTDOWN), then stop listening. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.flush();
    this.agent.destroy();
  }
}
