import { MinHeap } from '../util/minHeap';
import type { Chunk, StateRecord, StoredMessage } from './embeddedQueueLayout';
import type { QueueStats } from './types';

// The in-memory index of an embedded queue: which messages can be delivered now, and when the
// others turn visible. It mirrors the store so that a receive costs O(batch), not a scan.
// Standard queues keep the visible messages in an insertion-ordered set (oldest first) and the
// invisible ones (delayed, in flight) in a heap by the time they turn visible. FIFO queues keep each
// message group in order, and the groups that can deliver (nothing in flight, head visible) in an
// ordered set: a group with a message in flight must not deliver its next one.

export interface QueueMessage {
  stored: StoredMessage;
  chunk: Chunk;
  /** Where its receive state is stored (none before its first receive). */
  state?: StateRecord;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Delivered (or redelivered) no earlier than this. */
  visibleAt: number;
  inFlight: boolean;
  /** The receipt of the latest receive (older receipt handles are stale). */
  receipt?: string;
  /** When it was last received (the 12-hour visibility limit counts from here). */
  receivedAt?: number;
  /** Bumped on every change of visibility: heap entries of older versions are stale. */
  version: number;
  deleted: boolean;
  group?: MessageGroup;
}

export interface MessageGroup {
  id: string;
  /** Messages of the group in order; `head` is the index of the first one not yet deleted. */
  messages: QueueMessage[];
  head: number;
  inFlight: number;
}

/** A message read from (or just written to) the store, never received yet. */
export function newQueueMessage(stored: StoredMessage, chunk: Chunk): QueueMessage {
  return { stored, chunk, receiveCount: 0, visibleAt: stored.delayUntil, inFlight: false, version: 0, deleted: false };
}

export class QueueIndex {
  /** Every message not deleted, by sequence number (receipt handles name messages by it). */
  readonly bySeq = new Map<number, QueueMessage>();
  /** Standard: visible messages, oldest first (insertion order). */
  private readonly ready = new Set<QueueMessage>();
  /** FIFO: groups that can deliver now (nothing in flight, head visible). */
  private readonly readyGroups = new Set<MessageGroup>();
  private readonly groups = new Map<string, MessageGroup>();
  /** Delayed and in-flight messages by the time they become visible (outdated entries are skipped when they come up). */
  private readonly timeline = new MinHeap<{ at: number; message: QueueMessage; version: number }>(
    (a, b) => a.at - b.at || a.message.stored.seq - b.message.stored.seq,
  );

  constructor(private readonly fifo: boolean) {}

  /** A message (just sent, moved here, or loaded) joins the index. */
  add(message: QueueMessage, now: number): void {
    this.bySeq.set(message.stored.seq, message);
    if (this.fifo) {
      const groupId = message.stored.groupId ?? '';
      let group = this.groups.get(groupId);
      if (!group) {
        group = { id: groupId, messages: [], head: 0, inFlight: 0 };
        this.groups.set(groupId, group);
      }
      message.group = group;
      group.messages.push(message);
      if (message.inFlight) {
        group.inFlight++;
        this.schedule(message);
      }
      this.refreshGroup(group, now);
      return;
    }
    if (message.visibleAt <= now && !message.inFlight) this.ready.add(message);
    else this.schedule(message);
  }

  /** The message is deleted: it leaves the index (its group may deliver its next one). */
  remove(message: QueueMessage, now: number): void {
    message.deleted = true;
    message.version++;
    this.bySeq.delete(message.stored.seq);
    this.ready.delete(message);
    const group = message.group;
    if (group) {
      if (message.inFlight) group.inFlight--;
      this.refreshGroup(group, now);
    }
  }

  /** Forgets the pending visibility changes (purge: every message was removed). */
  clearTimeline(): void {
    this.timeline.clear();
  }

  /** The message turns visible (again) at `at`; earlier schedules of it no longer count. */
  setVisibleAt(message: QueueMessage, at: number): void {
    message.visibleAt = at;
    message.version++;
    this.schedule(message);
  }

  /** How many messages are visible, in flight and delayed (those sent before `expiry` count as gone). */
  stats(now: number, expiry: number): QueueStats {
    const stats: QueueStats = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.bySeq.values()) {
      if (message.stored.sentAt <= expiry) continue;
      if (message.inFlight && message.visibleAt > now) stats.inFlight++;
      else if (!message.inFlight && message.visibleAt > now) stats.delayed++;
      else stats.visible++;
    }
    return stats;
  }

  /** Every message not deleted, oldest first. */
  oldestFirst(): QueueMessage[] {
    return [...this.bySeq.values()].sort((a, b) => a.stored.seq - b.stored.seq);
  }

  nextVisibleAt(): number {
    return this.timeline.peek()?.at ?? Infinity;
  }

  /**
   * Offers the deliverable messages, in delivery order, to `deliver` until `max` of them were
   * delivered (it returns false for one it dropped or moved away instead).
   */
  take(max: number, now: number, deliver: (message: QueueMessage) => boolean): void {
    this.promote(now);
    let delivered = 0;
    if (this.fifo) {
      for (const group of this.readyGroups) {
        this.readyGroups.delete(group);
        // A snapshot: removing a message may compact group.messages into a new array meanwhile.
        const list = group.messages;
        for (let i = group.head; i < list.length && delivered < max; i++) {
          const message = list[i];
          if (message.deleted) continue;
          if (message.inFlight || message.visibleAt > now) break;
          if (deliver(message)) {
            group.inFlight++;
            delivered++;
          }
        }
        this.refreshGroup(group, now);
        if (delivered >= max) break;
      }
    } else {
      for (const message of this.ready) {
        this.ready.delete(message);
        if (deliver(message)) delivered++;
        if (delivered >= max) break;
      }
    }
  }

  private schedule(message: QueueMessage): void {
    this.timeline.push({ at: message.visibleAt, message, version: message.version });
  }

  /** A FIFO group can deliver when nothing of it is in flight and its first message is visible. */
  private refreshGroup(group: MessageGroup, now: number): void {
    while (group.head < group.messages.length && group.messages[group.head].deleted) group.head++;
    // Drops the deleted prefix once it is most of the array, so a long-lived group does not grow forever.
    if (group.head > 1024 && group.head * 2 > group.messages.length) {
      group.messages = group.messages.slice(group.head);
      group.head = 0;
    }
    const head = group.messages[group.head];
    if (!head) {
      this.readyGroups.delete(group);
      if (group.inFlight === 0) this.groups.delete(group.id);
      return;
    }
    if (group.inFlight > 0) {
      this.readyGroups.delete(group);
      return;
    }
    if (head.visibleAt <= now) this.readyGroups.add(group);
    else {
      this.readyGroups.delete(group);
      this.schedule(head);
    }
  }

  /** Messages whose delay or visibility timeout ran out become visible. */
  private promote(now: number): void {
    for (let top = this.timeline.peek(); top && top.at <= now; top = this.timeline.peek()) {
      this.timeline.pop();
      const { message, version } = top;
      if (message.deleted || version !== message.version || message.visibleAt > now) continue;
      if (message.inFlight) {
        message.inFlight = false;
        if (message.group) message.group.inFlight--;
      }
      if (message.group) this.refreshGroup(message.group, now);
      else this.ready.add(message);
    }
  }
}
