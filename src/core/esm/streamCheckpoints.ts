import type { SharedStore } from '../store/sharedStore';

// Where a stream mapping has got to in each shard: the sequence number of the last record of the
// longest run of records all processed, kept in the engine's store (`esmckpt!<uuid>!<shardId>`)
// so that a restart resumes after it.

export const CHECKPOINT_PREFIX = 'esmckpt!';

export interface StreamCheckpoint {
  sequenceNumber: string;
  eventSourceArn: string;
  /** Epoch ms of the write. */
  time: number;
}

/** The checkpoints of one mapping, per shard. */
export async function readStreamCheckpoints(store: SharedStore, uuid: string): Promise<Record<string, StreamCheckpoint>> {
  const db = await store.open();
  const result: Record<string, StreamCheckpoint> = {};
  for (const { key, value } of await db.entries<StreamCheckpoint>(`${CHECKPOINT_PREFIX}${uuid}!`)) {
    result[key.slice(CHECKPOINT_PREFIX.length + uuid.length + 1)] = value;
  }
  return result;
}

/** Forgets a mapping's checkpoints (DeleteEventSourceMapping). */
export async function deleteStreamCheckpoints(store: SharedStore, uuid: string): Promise<void> {
  const db = await store.open();
  const entries = await db.entries(`${CHECKPOINT_PREFIX}${uuid}!`);
  await db.batch(entries.map(({ key }) => ({ type: 'del' as const, key })));
}
