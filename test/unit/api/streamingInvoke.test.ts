import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  InvokeWithResponseStreamCommand,
  type InvokeWithResponseStreamCommandInput,
  type InvokeWithResponseStreamCommandOutput,
  type InvokeWithResponseStreamCompleteEvent,
} from '@aws-sdk/client-lambda';
import { MAX_STREAMED_RESPONSE_BYTES } from '../../../src/core/runtime-api/responseStream';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { signal, SIGNAL_HELPER } from '../helpers/streaming';

// InvokeWithResponseStream through the real AWS SDK (InvokeWithResponseStreamCommand): AWS's
// event-stream encoding decoded by the SDK itself, PayloadChunk events as the function writes,
// InvokeComplete with ErrorCode / ErrorDetails / LogResult.

const MiB = 1024 * 1024;

interface Received {
  out: InvokeWithResponseStreamCommandOutput;
  chunks: Buffer[];
  /** performance.now() of each PayloadChunk. */
  times: number[];
  complete?: InvokeWithResponseStreamCompleteEvent;
  completeAt: number;
  text: string;
}

describe('InvokeWithResponseStream through @aws-sdk/client-lambda', function () {
  this.timeout(60000);
  let workbench: Workbench;
  let api: TestApi;
  let dir: string;

  before(async () => {
    dir = writeProject({
      'template.yaml': samTemplate({
        Stream: { handler: 'app.stream', props: 'Timeout: 30\nMemorySize: 512\nAutoPublishAlias: live' },
        Buffered: { handler: 'app.buffered' },
        Slow: { handler: 'app.slow', props: 'Timeout: 1' },
      }),
      'src/app.js': `${SIGNAL_HELPER}
        class StreamError extends Error { constructor(m) { super(m); this.name = 'StreamError'; } }
        exports.stream = awslambda.streamifyResponse(async (event, stream, context) => {
          stream.setContentType('text/plain');
          if (event.mib) {
            const chunk = Buffer.alloc(${MiB}, 0x61);
            for (let i = 0; i < event.mib; i++) if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
            return stream.end();
          }
          console.log('client context', JSON.stringify(context.clientContext));
          stream.write('first;');
          if (event.signal) await signalled(event.signal);
          stream.write('second;');
          if (event.fail) throw new StreamError('failed after two chunks');
          stream.end('last');
        });
        exports.buffered = async (event) => {
          if (event.fail) { const e = new Error('buffered failure'); e.name = 'BufferedError'; throw e; }
          return { whole: 'payload', event };
        };
        exports.slow = awslambda.streamifyResponse(async (event, stream) => { stream.write('tick'); await new Promise(() => setInterval(() => {}, 1000)); });
      `,
    });
    workbench = await openProject(dir);
    api = await startLambdaApi(workbench);
  });
  after(async () => {
    await api.close();
    await workbench.close();
  });

  async function invoke(input: Partial<InvokeWithResponseStreamCommandInput>, onChunk?: (chunk: Buffer, index: number) => void): Promise<Received> {
    const out = await api.client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Stream', ...input }));
    const received: Received = { out, chunks: [], times: [], completeAt: 0, text: '' };
    for await (const event of out.EventStream ?? []) {
      if (event.PayloadChunk?.Payload) {
        const chunk = Buffer.from(event.PayloadChunk.Payload);
        received.times.push(performance.now());
        received.chunks.push(chunk);
        onChunk?.(chunk, received.chunks.length - 1);
      } else if (event.InvokeComplete) {
        assert.equal(received.complete, undefined, 'one InvokeComplete');
        received.complete = event.InvokeComplete;
        received.completeAt = performance.now();
      }
    }
    received.text = Buffer.concat(received.chunks).toString('utf8');
    return received;
  }

  it('each write is its own PayloadChunk, the first while the handler still waits; InvokeComplete ends the stream', async () => {
    const file = path.join(dir, 'signal-1');
    let signalledAt = 0;
    const got = await invoke({ Payload: JSON.stringify({ signal: file }) }, (_chunk, i) => {
      if (i === 0) {
        signalledAt = performance.now();
        signal(file);
      }
    });
    assert.equal(got.out.StatusCode, 200);
    assert.equal(got.out.ExecutedVersion, '$LATEST');
    assert.equal(got.out.ResponseStreamContentType, 'application/vnd.amazon.eventstream');
    assert.match(got.out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      got.chunks.map((c) => c.toString()),
      ['first;', 'second;', 'last'],
    );
    assert.deepEqual(got.complete, {});
    // The handler could only go on once the first chunk had reached us.
    assert.ok(got.times[0]! <= signalledAt && signalledAt < got.times[1]! && got.times[1]! <= got.completeAt);
  });

  it('a failure midway: the chunks sent, then InvokeComplete with ErrorCode and ErrorDetails', async () => {
    const got = await invoke({ Payload: JSON.stringify({ fail: true }) });
    assert.equal(got.text, 'first;second;');
    assert.equal(got.complete?.ErrorCode, 'StreamError');
    const details = JSON.parse(got.complete?.ErrorDetails ?? '{}');
    assert.equal(details.errorType, 'StreamError');
    assert.equal(details.errorMessage, 'failed after two chunks');
    assert.ok(Array.isArray(details.trace));
    // A timeout midway is reported the same way.
    const slow = await invoke({ FunctionName: 'Slow' });
    assert.equal(slow.text, 'tick');
    assert.equal(slow.complete?.ErrorCode, 'Sandbox.Timedout');
    assert.match(JSON.parse(slow.complete?.ErrorDetails ?? '{}').errorMessage, /Task timed out after 1\.\d\d seconds/);
  });

  it('streams responses over 6 MB (8 MiB here) and stops at 200 MiB with Function.ResponseSizeTooLarge', async () => {
    const eight = await invoke({ Payload: '{"mib":8}' });
    assert.equal(Buffer.concat(eight.chunks).length, 8 * MiB);
    assert.ok(eight.chunks.length >= 8, `${eight.chunks.length} chunks`);
    assert.deepEqual(eight.complete, {});
    const over = await invoke({ Payload: JSON.stringify({ mib: MAX_STREAMED_RESPONSE_BYTES / MiB + 1 }) });
    assert.equal(over.complete?.ErrorCode, 'Function.ResponseSizeTooLarge');
    const received = Buffer.concat(over.chunks).length;
    assert.ok(received <= MAX_STREAMED_RESPONSE_BYTES && received > MAX_STREAMED_RESPONSE_BYTES - MiB, `received ${received}`);
    assert.match(over.complete?.ErrorDetails ?? '', new RegExp(`exceeded maximum allowed payload size \\(${MAX_STREAMED_RESPONSE_BYTES} bytes\\)`));
  });

  it('a function that does not stream: its whole payload in one PayloadChunk; its error in InvokeComplete', async () => {
    const got = await invoke({ FunctionName: 'Buffered', Payload: '{"n":1}' });
    assert.equal(got.chunks.length, 1);
    assert.deepEqual(JSON.parse(got.text), { whole: 'payload', event: { n: 1 } });
    assert.deepEqual(got.complete, {});
    const failed = await invoke({ FunctionName: 'Buffered', Payload: '{"fail":true}' });
    assert.equal(failed.chunks.length, 0);
    assert.equal(failed.complete?.ErrorCode, 'BufferedError');
    assert.equal(JSON.parse(failed.complete?.ErrorDetails ?? '{}').errorMessage, 'buffered failure');
  });

  it('Qualifier (an alias → its version), LogType Tail (LogResult) and ClientContext as Invoke takes them', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { from: 'sdk' } })).toString('base64');
    const got = await invoke({ Qualifier: 'live', LogType: 'Tail', ClientContext: clientContext, Payload: '{}' });
    assert.equal(got.out.ExecutedVersion, '1');
    assert.equal(got.text, 'first;second;last');
    const log = Buffer.from(got.complete?.LogResult ?? '', 'base64').toString('utf8');
    assert.match(log, /^START RequestId: [0-9a-f-]{36} Version: 1$/m);
    assert.match(log, /\tINFO\tclient context \{"custom":\{"from":"sdk"\}\}$/m);
    assert.match(log, /^REPORT RequestId: /m);
    assert.equal(got.complete?.ErrorCode, undefined);
  });

  it('DryRun answers 204; Event is not an invocation type of this API; an unknown function is ResourceNotFoundException', async () => {
    const dry = await api.client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Stream', InvocationType: 'DryRun', Payload: '{}' }));
    assert.equal(dry.StatusCode, 204);
    await assert.rejects(
      api.client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Stream', InvocationType: 'Event' as never })),
      (e: Error) =>
        e.name === 'InvalidParameterValueException' &&
        /Value 'Event' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: \[RequestResponse, DryRun\]/.test(e.message),
    );
    await assert.rejects(
      api.client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'Nope' })),
      (e: Error) => e.name === 'ResourceNotFoundException' && /Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope/.test(e.message),
    );
  });
});
