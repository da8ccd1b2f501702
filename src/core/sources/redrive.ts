import type { MessageQueue, QueueDefinition, ReceivedMessage, SendMessageInput } from './types';

// Dead-letter queue redrive (SQS's "start DLQ redrive" / StartMessageMoveTask, done by hand): the
// messages of a dead-letter queue go back to the queue they came from — received from the DLQ,
// sent to the source, then deleted from the DLQ. Works on any MessageQueue (embedded or a real
// endpoint). At-least-once like SQS's own move: a crash between the send and the delete leaves a
// copy in both queues, never none.

export interface RedriveOptions {
  /**
   * Where a message goes: the queue its `DeadLetterQueueSourceArn` attribute names when `resolve`
   * knows it (messages redriven by an embedded queue carry it), else `target`.
   */
  target?: MessageQueue;
  resolve?: (arn: string) => MessageQueue | undefined;
  /** At most this many messages (default: the DLQ's visible messages when the redrive starts). */
  maxMessages?: number;
  /** How long received messages stay invisible in the DLQ while they are moved (default 120 s). */
  visibilityTimeoutSeconds?: number;
}

export interface RedriveResult {
  /** Messages moved, per destination queue name. */
  moved: Record<string, number>;
  total: number;
  /** Messages with nowhere to go (no target, unknown source ARN): left in the DLQ, visible again. */
  skipped: number;
}

/** The queues whose RedrivePolicy names `dlqArn` as their dead-letter queue. */
export function deadLetterSources(queues: readonly QueueDefinition[], dlqArn: string): QueueDefinition[] {
  return queues.filter((q) => q.redrive?.deadLetterTargetArn === dlqArn);
}

/** The dead-letter queues of `queues` (every distinct redrive target ARN) with the queues that feed each. */
export function deadLetterQueues(queues: readonly QueueDefinition[]): Array<{ arn: string; definition?: QueueDefinition; sources: QueueDefinition[] }> {
  const arns = [...new Set(queues.flatMap((q) => (q.redrive ? [q.redrive.deadLetterTargetArn] : [])))];
  return arns.map((arn) => ({ arn, definition: queues.find((q) => q.arn === arn), sources: deadLetterSources(queues, arn) }));
}

const MAX_BATCH = 10;
const DEFAULT_MAX_BATCH_BYTES = 262144;

/** What is sent to the source queue for a dead-lettered message (same body and attributes). */
export function redriveInput(message: ReceivedMessage, target: QueueDefinition, now = Date.now()): SendMessageInput {
  const input: SendMessageInput = { body: message.body };
  if (Object.keys(message.messageAttributes).length > 0) input.messageAttributes = message.messageAttributes;
  if (target.fifo) {
    input.messageGroupId = message.attributes.MessageGroupId ?? 'default';
    // A fresh deduplication id: the original one (or the body's hash) may still be inside the
    // source's 5-minute deduplication interval, which would silently drop the redriven message.
    input.messageDeduplicationId = `${message.messageId}-redrive-${now.toString(36)}`;
  }
  return input;
}

function approximateSize(input: SendMessageInput): number {
  return Buffer.byteLength(input.body) + (input.messageAttributes ? Buffer.byteLength(JSON.stringify(input.messageAttributes)) : 0);
}

/** Moves the DLQ's messages back to their source queue(s); see RedriveOptions. */
export async function redriveDeadLetterQueue(dlq: MessageQueue, options: RedriveOptions = {}): Promise<RedriveResult> {
  const limit = options.maxMessages ?? (await dlq.stats()).visible;
  const visibility = options.visibilityTimeoutSeconds ?? 120;
  const result: RedriveResult = { moved: {}, total: 0, skipped: 0 };
  const skippedHandles: string[] = [];
  const destinationOf = (message: ReceivedMessage): MessageQueue | undefined => {
    const sourceArn = message.attributes.DeadLetterQueueSourceArn;
    const bySource = sourceArn && options.resolve ? options.resolve(sourceArn) : undefined;
    return bySource ?? options.target;
  };
  try {
    while (result.total + result.skipped < limit) {
      const batch = await dlq.receive({
        maxMessages: Math.min(MAX_BATCH, limit - result.total - result.skipped),
        waitTimeSeconds: 0,
        visibilityTimeoutSeconds: visibility,
      });
      if (batch.length === 0) break;
      // In order, one destination at a time (FIFO order within a group is kept).
      const groups: Array<{ queue: MessageQueue; messages: ReceivedMessage[] }> = [];
      for (const message of batch) {
        const queue = destinationOf(message);
        if (!queue) {
          skippedHandles.push(message.receiptHandle);
          result.skipped++;
          continue;
        }
        const last = groups.at(-1);
        if (last && last.queue === queue) last.messages.push(message);
        else groups.push({ queue, messages: [message] });
      }
      for (let g = 0; g < groups.length; g++) {
        const { queue, messages } = groups[g];
        const maxBytes = queue.definition.maximumMessageSizeBytes ?? DEFAULT_MAX_BATCH_BYTES;
        let i = 0;
        while (i < messages.length) {
          const chunk: ReceivedMessage[] = [];
          const inputs: SendMessageInput[] = [];
          let bytes = 0;
          while (i < messages.length && chunk.length < MAX_BATCH) {
            const input = redriveInput(messages[i], queue.definition);
            const size = approximateSize(input);
            if (chunk.length > 0 && bytes + size > maxBytes) break;
            chunk.push(messages[i]);
            inputs.push(input);
            bytes += size;
            i++;
          }
          try {
            await queue.send(inputs);
          } catch (error) {
            // What was not sent becomes visible in the DLQ again at once.
            const unsent = [...messages.slice(i - chunk.length), ...groups.slice(g + 1).flatMap((x) => x.messages)];
            await Promise.allSettled(unsent.map((m) => dlq.changeVisibility(m.receiptHandle, 0)));
            throw error;
          }
          await dlq.delete(chunk.map((m) => m.receiptHandle));
          result.moved[queue.definition.name] = (result.moved[queue.definition.name] ?? 0) + chunk.length;
          result.total += chunk.length;
        }
      }
    }
  } finally {
    await Promise.allSettled(skippedHandles.map((h) => dlq.changeVisibility(h, 0)));
  }
  return result;
}
