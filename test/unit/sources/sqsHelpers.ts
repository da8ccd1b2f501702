import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { queueDefinition } from '../../../src/core/sources/declarations';
import { EmbeddedQueue } from '../../../src/core/sources/embeddedQueue';
import type { MessageQueue, QueueDefinition, ReceiveOptions } from '../../../src/core/sources/types';
import { SharedStore } from '../../../src/core/store/sharedStore';
import { waitFor } from '../helpers/wait';

/** Embedded queues on a throwaway LevelDB: `queue(name, overrides)` creates (or returns) one; `reopen()` simulates a restart. */
export class QueueFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-sqs-'));
  store = new SharedStore(path.join(this.dir, 'store'));
  private readonly queues = new Map<string, EmbeddedQueue>();
  private readonly definitions = new Map<string, QueueDefinition>();

  queue(name: string, overrides: Partial<QueueDefinition> = {}): EmbeddedQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      const definition = this.definitions.get(name) ?? queueDefinition(name, 'us-east-1', overrides);
      this.definitions.set(name, definition);
      queue = new EmbeddedQueue(this.store, definition, (arn) => this.byArn(arn));
      this.queues.set(name, queue);
    }
    return queue;
  }

  arn(name: string): string {
    return queueDefinition(name, 'us-east-1').arn;
  }

  /** Closes every queue and the store, then opens the same state directory again (queues keep their definitions). */
  async reopen(): Promise<void> {
    await this.closeAll();
    this.store = new SharedStore(path.join(this.dir, 'store'));
  }

  async close(): Promise<void> {
    await this.closeAll();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private byArn(arn: string): MessageQueue | undefined {
    const name = arn.split(':').pop()!;
    return this.definitions.has(name) ? this.queue(name) : undefined;
  }

  private async closeAll(): Promise<void> {
    for (const q of this.queues.values()) await q.close();
    this.queues.clear();
    await this.store.close();
  }
}

/** A new QueueFixture for each test of the enclosing describe (handed to `use`), closed after it. */
export function freshQueueFixtureEach(use: (fixture: QueueFixture) => void): void {
  let fixture: QueueFixture;
  beforeEach(() => use((fixture = new QueueFixture())));
  afterEach(() => fixture.close());
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closing `q` ends a 20-second long poll on it (begun `settleMs` before) within `withinMs`, with no messages. */
export async function assertCloseEndsLongPoll(q: MessageQueue, settleMs: number, withinMs: number): Promise<void> {
  const poll = q.receive({ maxMessages: 1, waitTimeSeconds: 20 });
  await sleep(settleMs);
  const t = Date.now();
  await q.close();
  assert.deepEqual(await poll, []);
  assert.ok(Date.now() - t < withinMs);
}

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10000, what = 'condition'): Promise<T> {
  return waitFor(check as () => Promise<T | undefined | false>, timeoutMs, what, 20);
}

/** What one receive from `q` gets: each message as its body and its system attribute `attribute`. */
export async function receiveWith(q: MessageQueue, options: ReceiveOptions, attribute: string): Promise<Array<[string, string | undefined]>> {
  return (await q.receive(options)).map((m) => [m.body, m.attributes[attribute]]);
}

/** The bodies of what one receive from `q` gets. */
export async function receiveBodies(q: MessageQueue, options: ReceiveOptions): Promise<string[]> {
  return (await q.receive(options)).map((m) => m.body);
}
