import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { EmbeddedStream, evenHashKeyRanges, ITERATOR_TTL_MS, partitionKeyHash } from '../../../src/core/sources/embeddedStream';
import { SharedStore } from '../../../src/core/store/sharedStore';
import { dynamoDefinition, kinesisDefinition } from '../esm/streamHelpers';
import { tempDirEach } from '../helpers/tempDir';

// The embedded Kinesis / DynamoDB stream: shards and hash key ranges, sequence numbers, every
// iterator type, retention, durability across a reopen of the store.

describe('embedded streams', function () {
  let dir: string;
  let store: SharedStore;

  // Defined first, so that it runs before the directory is removed.
  afterEach(() => store.close());
  tempDirEach('lwb-stream-', (tmp) => {
    dir = tmp;
    store = new SharedStore(path.join(dir, 'store'));
  });

  async function readAll(stream: EmbeddedStream, iterator: string, limit = 10_000) {
    const result = [];
    let it: string | undefined = iterator;
    for (;;) {
      const page = await stream.getRecords(it as string, limit);
      result.push(...page.records);
      if (page.records.length === 0) return { records: result, next: page.nextShardIterator as string };
      it = page.nextShardIterator;
    }
  }

  it('splits the MD5 hash key space evenly, as CreateStream does', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('four', 4));
    const shards = await stream.listShards();
    assert.deepEqual(
      shards.map((s) => s.shardId),
      ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'],
    );
    assert.equal(shards[0].hashKeyRange.startingHashKey, '0');
    assert.equal(shards[3].hashKeyRange.endingHashKey, ((1n << 128n) - 1n).toString());
    for (let i = 1; i < shards.length; i++) {
      assert.equal(BigInt(shards[i].hashKeyRange.startingHashKey), BigInt(shards[i - 1].hashKeyRange.endingHashKey) + 1n);
    }
    assert.equal(shards[1].hashKeyRange.startingHashKey, (1n << 126n).toString());
    assert.deepEqual(evenHashKeyRanges(2)[0], { startingHashKey: '0', endingHashKey: '170141183460469231731687303715884105727' });
    assert.deepEqual(evenHashKeyRanges(3)[2].endingHashKey, '340282366920938463463374607431768211455');
  });

  it('PutRecords: the records of one call become readable together, in order; a bad record fails the call', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('batch', 1));
    const [shard] = await stream.listShards();
    const iterator = await stream.getShardIterator(shard.shardId, { type: 'TRIM_HORIZON' });
    const woken: string[] = [];
    stream.onRecords((shardId) => woken.push(shardId));
    const puts = await stream.putRecords(Array.from({ length: 10 }, (_, i) => ({ data: Buffer.from(`r${i}`), partitionKey: `test_${i}` })));
    assert.equal(puts.length, 10);
    assert.deepEqual(woken, [shard.shardId], 'one write: readers are woken once');
    const page = await stream.getRecords(iterator, 100);
    assert.deepEqual(
      page.records.map((r) => r.data!.toString()),
      Array.from({ length: 10 }, (_, i) => `r${i}`),
    );
    assert.deepEqual(
      page.records.map((r) => r.sequenceNumber),
      puts.map((p) => p.sequenceNumber),
    );
    await assert.rejects(stream.putRecords([]), /Member must have length greater than or equal to 1/);
    await assert.rejects(stream.putRecords([{ data: Buffer.from('x'), partitionKey: '' }]), /partitionKey/);
    assert.deepEqual(await stream.counts(), { [shard.shardId]: 10 }, 'a refused call writes nothing');
  });

  it('routes partition keys by MD5 (spread over shards, the same key always to the same shard)', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('spread', 4));
    const shards = await stream.listShards();
    const seen = new Map<string, string>();
    const perShard = new Map<string, number>();
    for (let i = 0; i < 80; i++) {
      const key = `key-${i % 40}`;
      const put = await stream.putRecord({ data: Buffer.from(`{"i":${i}}`), partitionKey: key });
      if (seen.has(key)) assert.equal(put.shardId, seen.get(key), `${key} changed shard`);
      seen.set(key, put.shardId);
      perShard.set(put.shardId, (perShard.get(put.shardId) ?? 0) + 1);
      const hash = partitionKeyHash(key);
      const expected = shards.find((s) => hash >= BigInt(s.hashKeyRange.startingHashKey) && hash <= BigInt(s.hashKeyRange.endingHashKey));
      assert.equal(put.shardId, expected?.shardId);
    }
    assert.equal(perShard.size, 4, `40 keys should reach all 4 shards: ${JSON.stringify([...perShard])}`);
    // ExplicitHashKey overrides the partition key.
    const explicit = await stream.putRecord({ data: Buffer.from('x'), partitionKey: 'key-1', explicitHashKey: ((1n << 128n) - 1n).toString() });
    assert.equal(explicit.shardId, 'shardId-000000000003');
    await assert.rejects(stream.putRecord({ data: Buffer.from('x'), partitionKey: 'k', explicitHashKey: (1n << 128n).toString() }), {
      name: 'InvalidArgumentException',
    });
    await assert.rejects(stream.putRecord({ data: Buffer.from('x'), partitionKey: '' }), { name: 'ValidationException' });
    assert.equal(partitionKeyHash('a').toString(16).padStart(32, '0'), '0cc175b9c0f1b6a831c399e269772661');
  });

  it('gives increasing 56-digit sequence numbers per shard and reads them back in order', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('order'));
    const puts = await Promise.all(Array.from({ length: 60 }, (_, i) => stream.putRecord({ data: Buffer.from(String(i)), partitionKey: `k${i}` })));
    for (const put of puts) assert.match(put.sequenceNumber, /^\d{56}$/);
    for (let i = 1; i < puts.length; i++) {
      assert.ok(puts[i].sequenceNumber > puts[i - 1].sequenceNumber, 'string order');
      assert.ok(BigInt(puts[i].sequenceNumber) > BigInt(puts[i - 1].sequenceNumber), 'numeric order');
    }
    const { records } = await readAll(stream, await stream.getShardIterator('shardId-000000000000', { type: 'TRIM_HORIZON' }), 7);
    assert.deepEqual(
      records.map((r) => r.data?.toString()),
      puts.map((_, i) => String(i)),
    );
    assert.deepEqual(
      records.map((r) => r.sequenceNumber),
      puts.map((p) => p.sequenceNumber),
    );
    assert.equal(records[0].partitionKey, 'k0');
    assert.equal(records[0].shardId, 'shardId-000000000000');
  });

  it('serves every iterator type', async () => {
    let now = 1_700_000_000_000;
    const stream = new EmbeddedStream(store, kinesisDefinition('iterators'), { now: () => now });
    const shard = 'shardId-000000000000';
    const put = async (text: string) => stream.putRecord({ data: Buffer.from(text), partitionKey: 'p' });
    const a = await put('a');
    now += 1000;
    const b = await put('b');
    now += 1000;
    const c = await put('c');
    const texts = async (iterator: string) => (await readAll(stream, iterator)).records.map((r) => r.data?.toString()).join('');

    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'TRIM_HORIZON' })), 'abc');
    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: b.sequenceNumber })), 'bc');
    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: b.sequenceNumber })), 'c');
    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: c.sequenceNumber })), '');
    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'AT_TIMESTAMP', timestamp: now - 1500 })), 'bc');
    assert.equal(await texts(await stream.getShardIterator(shard, { type: 'AT_TIMESTAMP', timestamp: 0 })), 'abc');

    // LATEST sees only what comes after it; an iterator past the end keeps waiting for new records.
    const latest = await stream.getShardIterator(shard, { type: 'LATEST' });
    const empty = await stream.getRecords(latest, 10);
    assert.equal(empty.records.length, 0);
    assert.equal(empty.millisBehindLatest, 0);
    const future = await stream.getShardIterator(shard, { type: 'AT_TIMESTAMP', timestamp: now + 10_000 });
    await put('d');
    now += 20_000;
    await put('e');
    assert.equal(await texts(empty.nextShardIterator as string), 'de');
    assert.equal(await texts(future), 'e');

    // Limits: one record at a time, millisBehindLatest while behind.
    const first = await stream.getRecords(await stream.getShardIterator(shard, { type: 'TRIM_HORIZON' }), 1);
    assert.equal(first.records.length, 1);
    assert.equal(first.records[0].sequenceNumber, a.sequenceNumber);
    assert.ok(first.millisBehindLatest > 0);

    // Iterators expire after 5 minutes; garbage is refused.
    const old = await stream.getShardIterator(shard, { type: 'TRIM_HORIZON' });
    now += ITERATOR_TTL_MS + 1;
    await assert.rejects(stream.getRecords(old, 10), { name: 'ExpiredIteratorException' });
    await assert.rejects(stream.getRecords('not an iterator', 10), { name: 'InvalidArgumentException' });
    await assert.rejects(stream.getShardIterator('shardId-000000000009', { type: 'TRIM_HORIZON' }), { name: 'ResourceNotFoundException' });
    await assert.rejects(stream.getShardIterator(shard, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: 'x' }), { name: 'InvalidArgumentException' });
  });

  it('trims records older than the retention period', async () => {
    let now = 1_700_000_000_000;
    const stream = new EmbeddedStream(store, kinesisDefinition('retention', 1, 24), { now: () => now });
    await stream.putRecord({ data: Buffer.from('old'), partitionKey: 'p' });
    now += 23 * 3600_000;
    await stream.putRecord({ data: Buffer.from('mid'), partitionKey: 'p' });
    now += 2 * 3600_000;
    await stream.putRecord({ data: Buffer.from('new'), partitionKey: 'p' });
    const { records } = await readAll(stream, await stream.getShardIterator('shardId-000000000000', { type: 'TRIM_HORIZON' }));
    assert.deepEqual(
      records.map((r) => r.data?.toString()),
      ['mid', 'new'],
    );
    const db = await store.open();
    assert.equal((await db.entries('stream!kinesis!retention!r!')).length, 2, 'trimmed records are deleted from the store');
  });

  it('keeps records across a reopen of the store (writes are durable before putRecord resolves)', async () => {
    const definition = kinesisDefinition('durable', 2);
    const first = new EmbeddedStream(store, definition);
    const puts: Array<{ shardId: string; sequenceNumber: string }> = [];
    for (let i = 0; i < 10; i++) puts.push(await first.putRecord({ data: Buffer.from(`r${i}`), partitionKey: `key${i}` }));
    await first.close();
    await store.close();

    store = new SharedStore(path.join(dir, 'store'));
    const second = new EmbeddedStream(store, definition);
    const read: string[] = [];
    for (const shard of await second.listShards()) {
      read.push(...(await readAll(second, await second.getShardIterator(shard.shardId, { type: 'TRIM_HORIZON' }))).records.map((r) => r.sequenceNumber));
    }
    assert.deepEqual(read.sort(), puts.map((p) => p.sequenceNumber).sort());
    const again = await second.putRecord({ data: Buffer.from('more'), partitionKey: 'key0' });
    const sameShard = puts.filter((p) => p.shardId === again.shardId).map((p) => p.sequenceNumber);
    assert.ok(
      sameShard.every((s) => s < again.sequenceNumber),
      'sequence numbers keep growing after a reopen',
    );
  });

  it('notifies listeners when records become readable', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('notify', 2));
    const heard: string[] = [];
    const unsubscribe = stream.onRecords((shardId) => heard.push(shardId));
    await stream.listShards();
    const put = await stream.putRecord({ data: Buffer.from('x'), partitionKey: 'a' });
    assert.deepEqual(heard, [put.shardId]);
    unsubscribe();
    await stream.putRecord({ data: Buffer.from('y'), partitionKey: 'a' });
    assert.equal(heard.length, 1);
  });

  it('keeps DynamoDB changes with the images of the StreamViewType', async () => {
    const keys = { pk: { S: 'item-1' } };
    const newImage = { pk: { S: 'item-1' }, n: { N: '2' } };
    const oldImage = { pk: { S: 'item-1' }, n: { N: '1' } };
    const both = new EmbeddedStream(store, dynamoDefinition('Both', 'NEW_AND_OLD_IMAGES'));
    const [shard] = await both.listShards();
    assert.match(shard.shardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
    const insert = await both.putChange({ eventName: 'INSERT', Keys: keys, NewImage: oldImage, OldImage: { ignored: { S: 'x' } } });
    await both.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: newImage, OldImage: oldImage });
    await both.putChange({ eventName: 'REMOVE', Keys: keys, OldImage: newImage, NewImage: { ignored: { S: 'x' } } });
    assert.match(insert.sequenceNumber, /^\d{21}$/);
    const { records } = await readAll(both, await both.getShardIterator(shard.shardId, { type: 'TRIM_HORIZON' }));
    assert.deepEqual(
      records.map((r) => r.dynamodb?.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    assert.deepEqual(records[0].dynamodb?.NewImage, oldImage);
    assert.equal(records[0].dynamodb?.OldImage, undefined, 'an INSERT has no old image');
    assert.deepEqual(records[1].dynamodb?.OldImage, oldImage);
    assert.deepEqual(records[1].dynamodb?.NewImage, newImage);
    assert.equal(records[2].dynamodb?.NewImage, undefined, 'a REMOVE has no new image');
    assert.equal(records[1].dynamodb?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.ok((records[1].dynamodb?.SizeBytes ?? 0) > 0);
    assert.ok(Math.abs((records[1].dynamodb?.ApproximateCreationDateTime ?? 0) - Date.now() / 1000) < 60, 'epoch seconds');
    assert.match(records[0].eventID ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(records[0].eventID, records[1].eventID);
    assert.equal(records[0].partitionKey, '{"pk":{"S":"item-1"}}');

    const keysOnly = new EmbeddedStream(store, dynamoDefinition('KeysOnly', 'KEYS_ONLY'));
    await keysOnly.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: newImage, OldImage: oldImage });
    const [ko] = await keysOnly.listShards();
    const only = (await readAll(keysOnly, await keysOnly.getShardIterator(ko.shardId, { type: 'TRIM_HORIZON' }))).records[0];
    assert.deepEqual(Object.keys(only.dynamodb ?? {}).sort(), ['ApproximateCreationDateTime', 'Keys', 'SizeBytes', 'StreamViewType', 'eventName']);
    const newOnly = new EmbeddedStream(store, dynamoDefinition('NewOnly', 'NEW_IMAGE'));
    await newOnly.putChange({ eventName: 'MODIFY', Keys: keys, NewImage: newImage, OldImage: oldImage });
    const [no] = await newOnly.listShards();
    const n = (await readAll(newOnly, await newOnly.getShardIterator(no.shardId, { type: 'TRIM_HORIZON' }))).records[0];
    assert.deepEqual(n.dynamodb?.NewImage, newImage);
    assert.equal(n.dynamodb?.OldImage, undefined);
    await assert.rejects(both.putRecord({ data: Buffer.from('x'), partitionKey: 'p' }), { name: 'ValidationException' });
  });
});
