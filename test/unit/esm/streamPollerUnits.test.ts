import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createStreamPoller, deleteStreamCheckpoints, readStreamCheckpoints } from '../../../src/core/esm/streamPoller';
import type { MappingInvokeResult, MappingRuntime } from '../../../src/core/esm/types';
import type { MappingMetric } from '../../../src/core/telemetry/events';
import { EmbeddedStream, ITERATOR_TTL_MS } from '../../../src/core/sources/embeddedStream';
import type { RecordStream } from '../../../src/core/sources/types';
import { SharedStore } from '../../../src/core/store/sharedStore';
import { tempDirEach } from '../helpers/tempDir';
import { pollersStoppedAfterEach } from './pollers';
import { kinesisDefinition, sleep, streamMapping, waitFor } from './streamHelpers';

// The stream poller against a scripted function (no engine): malformed partial-failure responses,
// expired iterators, stop() during a batch, the 6 MB event limit.

describe('stream poller (scripted function)', function () {
  this.timeout(30000);
  let dir: string;
  let store: SharedStore;
  const startPoller = pollersStoppedAfterEach();

  // Defined after the pollers' (stopped first) and before the directory's (removed last).
  afterEach(() => store.close());
  tempDirEach('lwb-poller-', (tmp) => {
    dir = tmp;
    store = new SharedStore(path.join(dir, 'store'));
  });

  function run(
    stream: RecordStream,
    overrides: Parameters<typeof streamMapping>[2],
    respond: (event: any, n: number) => Promise<MappingInvokeResult> | MappingInvokeResult,
  ) {
    const events: any[] = [];
    const payloadSizes: number[] = [];
    const metrics: MappingMetric[] = [];
    const runtime: MappingRuntime = {
      mapping: streamMapping('scripted', stream.definition, overrides),
      region: 'us-east-1',
      async invoke(payload) {
        payloadSizes.push(payload.length);
        const event = JSON.parse(payload.toString('utf8'));
        events.push(event);
        return respond(event, events.length);
      },
      queue: () => {
        throw new Error('not a queue');
      },
      stream: () => stream,
      sendToDestination: async () => undefined,
      emit: (metric) => metrics.push(metric),
      store,
    };
    const poller = startPoller(createStreamPoller(runtime));
    return { events, payloadSizes, metrics, runtime, poller };
  }

  const ok = (): MappingInvokeResult => ({ payload: Buffer.from('null') });
  const seqs = (event: any) => event.Records.map((r: any) => r.kinesis.sequenceNumber);

  it('retries the whole batch when batchItemFailures names a record that is not in it', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('bogus'));
    for (let i = 0; i < 3; i++) await stream.putRecord({ data: Buffer.from(`${i}`), partitionKey: 'p' });
    const { events, metrics } = run(stream, { functionResponseTypes: ['ReportBatchItemFailures'] }, (_event, n) =>
      n === 1
        ? { payload: Buffer.from('{"batchItemFailures":[{"itemIdentifier":"123"}]}') }
        : n === 2
          ? { payload: Buffer.from('not json') }
          : { payload: Buffer.from('{"batchItemFailures":[]}') },
    );
    await waitFor(() => events.length >= 3, 10000, 'three invocations');
    await sleep(100);
    assert.equal(events.length, 3);
    assert.deepEqual(seqs(events[1]), seqs(events[0]));
    assert.deepEqual(seqs(events[2]), seqs(events[0]));
    assert.equal(metrics.filter((m) => m.kind === 'failure').length, 2);
  });

  it('renews an expired shard iterator and goes on after the last record read', async () => {
    let now = Date.now();
    const stream = new EmbeddedStream(store, kinesisDefinition('expiring'), { now: () => now });
    await stream.putRecord({ data: Buffer.from('first'), partitionKey: 'p' });
    const { events, metrics } = run(stream, {}, ok);
    await waitFor(() => events.length === 1, 10000, 'the first record');
    now += ITERATOR_TTL_MS + 1000;
    await stream.putRecord({ data: Buffer.from('second'), partitionKey: 'p' });
    await waitFor(() => events.length === 2, 10000, 'the second record');
    assert.equal(Buffer.from(events[1].Records[0].kinesis.data, 'base64').toString(), 'second');
    assert.equal(events[1].Records.length, 1, 'nothing read twice');
    assert.equal(metrics.filter((m) => m.kind === 'error').length, 0);
  });

  it('stop() waits for the batch in flight and applies its outcome', async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('stopping'));
    const put = await stream.putRecord({ data: Buffer.from('x'), partitionKey: 'p' });
    const { events, poller, runtime } = run(stream, {}, async () => {
      await sleep(300);
      return ok();
    });
    await waitFor(() => events.length === 1, 10000, 'the invocation');
    const started = Date.now();
    await poller.stop();
    assert.ok(Date.now() - started >= 200, 'stop waited for the invocation');
    const checkpoints = await readStreamCheckpoints(store, runtime.mapping.uuid);
    assert.equal(checkpoints['shardId-000000000000'].sequenceNumber, put.sequenceNumber);
    await deleteStreamCheckpoints(store, runtime.mapping.uuid);
    assert.deepEqual(await readStreamCheckpoints(store, runtime.mapping.uuid), {});
  });

  it("keeps each event under Lambda's 6 MB payload limit", async () => {
    const stream = new EmbeddedStream(store, kinesisDefinition('big'));
    const megabyte = Buffer.alloc(1000 * 1000, 'a');
    for (let i = 0; i < 8; i++) await stream.putRecord({ data: megabyte, partitionKey: `p${i}` });
    const { events, payloadSizes } = run(stream, { batchSize: 100 }, ok);
    await waitFor(() => events.reduce((n, e) => n + e.Records.length, 0) >= 8, 10000, 'eight records');
    assert.ok(
      payloadSizes.every((size) => size <= 6 * 1024 * 1024),
      `payloads: ${payloadSizes.join(', ')}`,
    );
    assert.ok(events.length >= 2, 'the records were split over several batches');
    assert.ok(events[0].Records.length >= 4, 'batches are filled up to the limit');
  });
});
