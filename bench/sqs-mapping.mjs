// Benchmark: end-to-end throughput of an SQS event source mapping on an embedded queue —
// send → poller → Node echo function → delete — with batch size 10, through the built engine
// (dist/core.js: the template's AWS::SQS::Queue and the function's SQS event, as a user declares
// them), against baselines measured in the same run, rounds alternating so that machine noise hits
// every side alike.
//
//   mapping    N messages sent (SendMessageBatch of 10, --senders concurrent senders, each batch
//              fsync'd) to the template's queue while the engine's mapping runs (batch size 10, no
//              batching window, up to 5 pollers: the default scaling locally); from the first send to
//              the last delete (the queue empty again). Every batch must succeed.
//   invoke     the same function invoked directly, N/10 synchronous invocations with 10-record SQS
//              events, 5 concurrent callers (the mapping's pollers): how close the mapping gets to
//              the invoke path it is built on.
//   queue      the embedded queue alone (a second queue of the template, no mapping): N sent as above,
//              then received and deleted 10 at a time by 5 consumers, no function: what the queue costs.
//
// Usage: node bench/sqs-mapping.mjs [--messages 20000 --rounds 3 --senders 8 --warmup 10000] [--only mapping|invoke|queue]
// Builds dist/ first when it is missing or older than src/.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIfStale, loadEngine, machine, now, numberOption, quantile, treeCpu } from './lib.mjs';

const MESSAGES = numberOption('messages', 20000);
const ROUNDS = numberOption('rounds', 3);
const BATCH = 10;
const SENDERS = numberOption('senders', 8);
const WARMUP = numberOption('warmup', 10000);
const POLLERS = 5;
const GOAL = 5000;
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

/** The project: the echo function with an SQS event on BenchQueue, and ScratchQueue for the queue-only side. */
function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-sqs-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'echo.js'), 'exports.handler = async (event) => event;\n');
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  BenchQueue:
    Type: AWS::SQS::Queue
  ScratchQueue:
    Type: AWS::SQS::Queue
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: echo.handler
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt BenchQueue.Arn
            BatchSize: ${BATCH}
`,
  );
  return dir;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const body = (i) => JSON.stringify({ orderId: i, customer: `c-${i % 97}`, amount: (i % 1000) / 10, items: ['a', 'b'] });

/** Sends `count` messages, BATCH per call, SENDERS calls in flight. */
async function sendAll(queue, count) {
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + BATCH);
      const messages = [];
      for (let i = start; i < next; i++) messages.push({ body: body(i), messageAttributes: { source: { DataType: 'String', StringValue: 'bench' } } });
      await queue.send(messages);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
}

/** An SQS event of BATCH records as the poller builds them (same fields and sizes). */
function sqsEvent(first, arn) {
  const records = [];
  for (let i = first; i < first + BATCH; i++) {
    records.push({
      messageId: randomUUID(),
      receiptHandle: Buffer.from(`${Date.now() * 1000 + i}:0a1b2c3d${i.toString(36)}:bench`).toString('base64url'),
      body: body(i),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: { source: { stringValue: 'bench', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfMessageAttributes: '8bbd3ac0e2e2f5a36a4a1b4ba0f4a2d3',
      md5OfBody: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
    });
  }
  return { Records: records };
}

function cpuSince(before) {
  const after = treeCpu(process.pid);
  return { host: after.root - before.root, functions: after.descendants - before.descendants };
}

async function main() {
  buildIfStale('core.js');
  const { Workbench, FAKE_CREDENTIALS } = loadEngine();
  const dir = project();
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, hotReload: false },
  });
  const benchQueue = workbench.eventSources.sources.queue('BenchQueue');
  const scratchQueue = workbench.eventSources.sources.queue('ScratchQueue');
  const [mapping] = workbench.eventSources.listMappings({ functionName: 'Echo' });
  if (!mapping || mapping.State !== 'Enabled') throw new Error(`the SQS mapping of Echo is not running: ${JSON.stringify(mapping)}`);

  const invoke = async (payload) => {
    const result = await workbench.invoke('Echo', payload);
    if (result.functionError) throw new Error(`function error: ${result.payload}`);
    return result;
  };

  async function runInvokes(count) {
    const arn = benchQueue.definition.arn;
    let next = 0;
    const cpu = treeCpu(process.pid);
    const t0 = now();
    const caller = async () => {
      while (next < count) {
        const first = next;
        next += BATCH;
        await invoke(Buffer.from(JSON.stringify(sqsEvent(first, arn))));
      }
    };
    await Promise.all(Array.from({ length: POLLERS }, caller));
    return { ms: now() - t0, cpu: cpuSince(cpu) };
  }

  async function runQueueOnly(count) {
    const queue = scratchQueue;
    const cpu = treeCpu(process.pid);
    const t0 = now();
    await sendAll(queue, count);
    const sent = now();
    let received = 0;
    const consumer = async () => {
      for (;;) {
        const messages = await queue.receive({ maxMessages: BATCH });
        if (messages.length === 0) return;
        received += messages.length;
        await queue.delete(messages.map((m) => m.receiptHandle));
      }
    };
    await Promise.all(Array.from({ length: POLLERS }, consumer));
    const ms = now() - t0;
    if (received !== count) throw new Error(`queue only: received ${received} of ${count}`);
    return { ms, sendMs: sent - t0, cpu: cpuSince(cpu) };
  }

  async function runMapping(count) {
    const queue = benchQueue;
    const cpu = treeCpu(process.pid);
    const t0 = now();
    let sendsDone = false;
    let failure;
    const sending = sendAll(queue, count).then(
      () => {
        sendsDone = true;
        return now();
      },
      (error) => {
        failure = error;
      },
    );
    // Done when every message was sent and the queue is empty again (checked every 20 ms while
    // many messages are left, every 1 ms near the end: stats() counts the queue's messages).
    let ms;
    for (;;) {
      if (failure) throw failure;
      const s = await queue.stats();
      const left = s.visible + s.inFlight + s.delayed;
      if (sendsDone && left === 0) {
        ms = now() - t0;
        break;
      }
      await sleep(left > 200 || !sendsDone ? 20 : 1);
    }
    const usage = cpuSince(cpu);
    const sent = await sending;
    const result = workbench.eventSources.getMapping(mapping.UUID).LastProcessingResult;
    if (result !== 'OK') throw new Error(`mapping: LastProcessingResult ${result}`);
    return { ms, sendMs: sent - t0, cpu: usage };
  }

  // Warm-up, not measured: environments started, the JIT of the engine and of the function
  // processes warm (throughput keeps rising over the first ~30,000 messages otherwise), store open.
  await runInvokes(WARMUP);
  await runMapping(WARMUP);
  await runQueueOnly(WARMUP);

  const results = { invoke: [], mapping: [], queue: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['mapping', 'invoke', 'queue'] : ['queue', 'invoke', 'mapping'];
    for (const side of order.filter((name) => !ONLY || name === ONLY)) {
      const r = side === 'mapping' ? await runMapping(MESSAGES) : side === 'invoke' ? await runInvokes(MESSAGES) : await runQueueOnly(MESSAGES);
      results[side].push(r);
      console.error(
        `round ${round + 1} ${side.padEnd(7)} ${(MESSAGES / (r.ms / 1000)).toFixed(0)} messages/s (${r.ms.toFixed(0)} ms${r.sendMs ? `, sends done at ${r.sendMs.toFixed(0)} ms` : ''}; CPU host ${r.cpu.host} ms, functions ${r.cpu.functions} ms)`,
      );
    }
  }
  await workbench.close();
  fs.rmSync(dir, { recursive: true, force: true });

  if (ONLY) return;
  const rate = (runs) =>
    quantile(
      runs.map((r) => MESSAGES / (r.ms / 1000)),
      0.5,
    );
  const median = (runs, f) => quantile(runs.map(f), 0.5);
  const m = rate(results.mapping);
  const inv = rate(results.invoke);
  const q = rate(results.queue);
  const report = {
    machine: machine(),
    messages: MESSAGES,
    rounds: ROUNDS,
    batchSize: BATCH,
    senders: SENDERS,
    warmupMessages: WARMUP,
    pollers: POLLERS,
    mappingMessagesPerSecond: Math.round(m),
    directInvokeMessagesPerSecond: Math.round(inv),
    queueOnlyMessagesPerSecond: Math.round(q),
    mappingOverInvoke: +(m / inv).toFixed(3),
    goalMessagesPerSecond: GOAL,
    goalMet: m >= GOAL,
    mappingSendPhaseMs: Math.round(median(results.mapping, (r) => r.sendMs)),
    cpuMsPer1000Messages: {
      mapping: {
        host: +((median(results.mapping, (r) => r.cpu.host) * 1000) / MESSAGES).toFixed(1),
        functions: +((median(results.mapping, (r) => r.cpu.functions) * 1000) / MESSAGES).toFixed(1),
      },
      invoke: {
        host: +((median(results.invoke, (r) => r.cpu.host) * 1000) / MESSAGES).toFixed(1),
        functions: +((median(results.invoke, (r) => r.cpu.functions) * 1000) / MESSAGES).toFixed(1),
      },
      queue: { host: +((median(results.queue, (r) => r.cpu.host) * 1000) / MESSAGES).toFixed(1) },
    },
  };
  console.log(`SQS mapping, batch ${BATCH}: ${report.mappingMessagesPerSecond} messages/s end to end (goal ≥ ${GOAL}: ${report.goalMet ? 'met' : 'NOT met'})`);
  console.log(
    `  direct invokes of the same function with ${BATCH}-record events: ${report.directInvokeMessagesPerSecond} messages/s → mapping/invoke ${report.mappingOverInvoke}×`,
  );
  console.log(`  the embedded queue alone (send, receive, delete): ${report.queueOnlyMessagesPerSecond} messages/s`);
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
