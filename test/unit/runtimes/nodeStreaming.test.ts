import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_STREAMED_RESPONSE_BYTES } from '../../../src/core/runtime-api/responseStream';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProjectBeforeAll, samTemplate } from '../helpers/project';
import { readStream, signal, SIGNAL_HELPER } from '../helpers/streaming';

// Our Node runtime's response streaming, as AWS's runtime provides it (awslambda.streamifyResponse,
// HttpResponseStream.from), through the engine: a caller that takes streams (acceptStream) gets each
// write as it is made; a buffered caller gets the whole body; failures midway, timeouts, crashes and
// the limits end the stream with AWS's error types.

const MiB = 1024 * 1024;

describe('Node runtime: response streaming', function () {
  this.timeout(60000);
  let workbench: Workbench;
  let dir: string;
  openProjectBeforeAll(
    {
      'template.yaml': samTemplate({
        Signalled: { handler: 'stream.signalled' },
        Prelude: { handler: 'stream.prelude' },
        FailsMidway: { handler: 'stream.failsMidway' },
        NotAsync: { handler: 'stream.notAsync' },
        Returns: { handler: 'stream.returns' },
        LeftOpen: { handler: 'stream.leftOpen', props: 'Timeout: 1' },
        Pipelined: { handler: 'stream.pipelined' },
        Uncaught: { handler: 'stream.uncaught' },
        Hangs: { handler: 'stream.hangs', props: 'Timeout: 1' },
        Big: { handler: 'stream.big', props: 'MemorySize: 512\nTimeout: 30' },
        Esm: { handler: 'esm.handler' },
        Plain: { handler: 'plain.handler' },
        NoGlobal: { handler: 'plain.handler', props: 'Environment:\n  Variables:\n    AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: "1"' },
        Malformed: { handler: 'plain.malformed' },
      }),
      'src/stream.js': `${SIGNAL_HELPER}
        const { pipeline } = require('node:stream/promises');
        const { Readable } = require('node:stream');
        let calls = 0;
        class StreamError extends Error { constructor(m) { super(m); this.name = 'StreamError'; } }
        exports.signalled = awslambda.streamifyResponse(async (event, stream, context) => {
          calls++;
          stream.write(JSON.stringify({ calls, pid: process.pid, requestId: context.awsRequestId, succeed: typeof context.succeed,
            waits: context.callbackWaitsForEmptyEventLoop, remaining: context.getRemainingTimeInMillis() > 0 }) + '\\n');
          await signalled(event.signal);
          stream.write('second\\n');
          stream.end('third\\n');
        });
        exports.prelude = awslambda.streamifyResponse(async (event, stream) => {
          stream = awslambda.HttpResponseStream.from(stream, { statusCode: 201, headers: { 'x-kind': 'prelude' }, cookies: ['a=1'] });
          stream.write('body');
          let tooLate;
          try { stream.setContentType('text/plain'); } catch (e) { tooLate = e.name + ': ' + e.message; }
          stream.end(' / ' + tooLate);
        });
        exports.failsMidway = awslambda.streamifyResponse(async (event, stream) => {
          stream.write('partial');
          await new Promise((r) => setTimeout(r, 20));
          throw new StreamError('broke midway');
        });
        exports.notAsync = awslambda.streamifyResponse((event, stream) => { stream.write('sync'); });
        exports.returns = awslambda.streamifyResponse(async (event, stream) => { stream.end('done'); return { ignored: true }; });
        exports.leftOpen = awslambda.streamifyResponse(async (event, stream) => { stream.write('open'); });
        exports.pipelined = awslambda.streamifyResponse(async (event, stream) => {
          stream.setContentType('text/plain');
          // Not awaited: the response is over when the pipeline ends the stream.
          pipeline(Readable.from((async function* () { for (const p of ['a', 'b', 'c']) { await new Promise((r) => setTimeout(r, 10)); yield p; } })()), stream);
        });
        exports.uncaught = awslambda.streamifyResponse(async (event, stream) => {
          stream.write('before');
          await new Promise((resolve) => setTimeout(() => { setTimeout(resolve, 2000); throw new RangeError('escaped'); }, 10));
        });
        exports.hangs = awslambda.streamifyResponse(async (event, stream) => { stream.write('tick'); await new Promise(() => setInterval(() => {}, 1000)); });
        exports.big = awslambda.streamifyResponse(async (event, stream) => {
          const chunk = Buffer.alloc(${MiB}, 0x61);
          for (let i = 0; i < event.mib; i++) if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
          stream.end();
        });
      `,
      'src/esm.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => { stream.end('from an ES module'); });`,
      'src/plain.js': `
        exports.handler = async () => ({ type: typeof globalThis.awslambda, keys: globalThis.awslambda && Object.keys(awslambda).sort() });
        const h = async () => 1;
        h[Symbol.for('aws.lambda.runtime.handler.streaming')] = 'request';
        exports.malformed = h;
      `,
    },
    (w) => {
      workbench = w;
      dir = path.dirname(w.template.file);
    },
  );

  it('hands each write to the caller as it is made: the first bytes arrive while the handler still waits', async () => {
    const file = path.join(dir, 'go-1');
    const result = await workbench.invoke('Signalled', JSON.stringify({ signal: file }), { acceptStream: true });
    assert.equal(result.payload.length, 0);
    assert.equal(result.stream?.contentType, 'application/octet-stream');
    let finishedEarly = false;
    void result.stream!.finished.then(() => (finishedEarly = !fs.existsSync(file)));
    const read = await readStream(result, (_chunk, i) => {
      // The handler cannot end before the signal: whatever arrived so far arrived mid-invocation.
      if (i === 0) signal(file);
    });
    assert.equal(finishedEarly, false);
    const [first, ...rest] = read.text.split('\n');
    const info = JSON.parse(first!);
    assert.deepEqual(
      { ...info, pid: undefined },
      { calls: 1, pid: undefined, requestId: result.requestId, succeed: 'undefined', waits: true, remaining: true },
    );
    assert.deepEqual(rest, ['second', 'third', '']);
    assert.equal(read.end.functionError, undefined);
    assert.equal(read.end.payload.length, 0);
    // END and REPORT follow; the environment is reused.
    await result.logs;
    const file2 = path.join(dir, 'go-2');
    const again = await workbench.invoke('Signalled', JSON.stringify({ signal: file2 }), { acceptStream: true });
    const second = await readStream(again, (_c, i) => {
      if (i === 0) signal(file2);
    });
    assert.equal(again.coldStart, false);
    assert.equal(JSON.parse(second.text.split('\n')[0]!).calls, 2);
  });

  it('a buffered caller gets the whole body and the content type; a non-streaming function answers a streaming caller buffered', async () => {
    const file = path.join(dir, 'go-buffered');
    signal(file);
    const result = await workbench.invoke('Signalled', JSON.stringify({ signal: file }));
    assert.equal(result.stream, undefined);
    assert.match(result.payload.toString('utf8'), /^\{"calls":\d+,.*\}\nsecond\nthird\n$/);
    assert.equal(result.contentType, 'application/octet-stream');
    const plain = await workbench.invoke('Plain', '{}', { acceptStream: true });
    assert.equal(plain.stream, undefined);
    assert.deepEqual(json(plain.payload), { type: 'object', keys: ['HttpResponseStream', 'streamifyResponse'] });
  });

  it('HttpResponseStream.from: the JSON prelude and 8 NUL bytes before the first write; setContentType after it fails', async () => {
    const read = await readStream(await workbench.invoke('Prelude', '{}', { acceptStream: true }));
    const body = Buffer.concat(read.chunks);
    const nul = body.indexOf(Buffer.alloc(8));
    assert.deepEqual(JSON.parse(body.subarray(0, nul).toString()), { statusCode: 201, headers: { 'x-kind': 'prelude' }, cookies: ['a=1'] });
    assert.equal(body.subarray(nul + 8).toString(), 'body / Runtime.InvalidStreamingOperation: Cannot set content-type, too late.');
    const buffered = await workbench.invoke('Prelude', '{}');
    assert.equal(buffered.contentType, 'application/vnd.awslambda.http-integration-response');
    assert.deepEqual(buffered.payload, body);
  });

  it('a handler that throws midway: the bytes sent stay sent, the stream ends with its error (trailers), the environment serves on', async () => {
    const result = await workbench.invoke('FailsMidway', '{}', { acceptStream: true, collectLogs: true });
    const read = await readStream(result);
    assert.equal(read.text, 'partial');
    assert.equal(read.end.functionError, 'Unhandled');
    assert.equal(read.end.errorType, 'StreamError');
    const error = json(read.end.payload);
    assert.equal(error.errorMessage, 'broke midway');
    assert.match(error.trace[0], /^StreamError: broke midway/);
    assert.ok((await result.logs).some((l) => /\tERROR\tInvoke Error \t\{"errorType":"StreamError"/.test(l)));
    const buffered = await workbench.invoke('FailsMidway', '{}');
    assert.equal(buffered.coldStart, false);
    assert.equal(buffered.errorType, 'StreamError');
    assert.equal(json(buffered.payload).errorMessage, 'broke midway');
  });

  it("AWS's runtime rules: a synchronous handler fails, a return value is ignored with a warning", async () => {
    const notAsync = await readStream(await workbench.invoke('NotAsync', '{}', { acceptStream: true }));
    assert.equal(notAsync.text, 'sync');
    assert.equal(notAsync.end.errorType, 'string');
    assert.equal(json(notAsync.end.payload).errorMessage, 'Streaming does not support non-async handlers.');
    const returns = await workbench.invoke('Returns', '{}', { acceptStream: true, collectLogs: true });
    assert.equal((await readStream(returns)).text, 'done');
    assert.ok((await returns.logs).some((l) => /\tWARN\tStreaming handlers ignore return values\./.test(l)));
  });

  it('a stream the handler ends later (an un-awaited pipeline) is waited for; one nothing ends times out, as in AWS', async () => {
    const piped = await readStream(await workbench.invoke('Pipelined', '{}', { acceptStream: true }));
    assert.equal(piped.text, 'abc');
    assert.equal(piped.end.functionError, undefined);
    const open = await readStream(await workbench.invoke('LeftOpen', '{}', { acceptStream: true }));
    assert.equal(open.text, 'open');
    assert.equal(open.end.errorType, 'Sandbox.Timedout');
  });

  it('the timeout and an uncaught exception midway end the stream with their errors and reset the environment', async () => {
    const hung = await workbench.invoke('Hangs', '{}', { acceptStream: true });
    const timedOut = await readStream(hung);
    assert.equal(timedOut.text, 'tick');
    assert.equal(timedOut.end.errorType, 'Sandbox.Timedout');
    assert.match(json(timedOut.end.payload).errorMessage, /Task timed out after 1\.\d\d seconds/);
    assert.equal((await workbench.invoke('Hangs', '{}', { acceptStream: true })).coldStart, true);

    const uncaught = await readStream(await workbench.invoke('Uncaught', '{}', { acceptStream: true }));
    assert.equal(uncaught.text, 'before');
    assert.equal(uncaught.end.errorType, 'RangeError');
    assert.equal(json(uncaught.end.payload).errorMessage, 'escaped');
    // The runtime exits after an uncaught exception, as AWS's does: the next invocation starts a new one.
    const until = Date.now() + 5000;
    while (workbench.environments().some((e) => e.functionName === 'Uncaught' && e.state !== 'Terminated') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const again = await workbench.invoke('Uncaught', '{}', { acceptStream: true });
    assert.equal(again.coldStart, true);
    await readStream(again);
  });

  it('streams past 6 MB (the buffered limit) up to 200 MiB; over it, Function.ResponseSizeTooLarge', async () => {
    const eight = await readStream(await workbench.invoke('Big', '{"mib":8}', { acceptStream: true }));
    assert.equal(Buffer.concat(eight.chunks).length, 8 * MiB);
    assert.ok(eight.chunks.length > 1);
    assert.equal(eight.end.functionError, undefined);
    // The same function invoked buffered is held to 6 MB.
    const buffered = await workbench.invoke('Big', '{"mib":8}');
    assert.equal(buffered.errorType, 'Function.ResponseSizeTooLarge');

    const over = await readStream(await workbench.invoke('Big', JSON.stringify({ mib: MAX_STREAMED_RESPONSE_BYTES / MiB + 1 }), { acceptStream: true }));
    const received = Buffer.concat(over.chunks).length;
    assert.ok(received <= MAX_STREAMED_RESPONSE_BYTES && received > MAX_STREAMED_RESPONSE_BYTES - MiB, `received ${received}`);
    assert.equal(over.end.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(json(over.end.payload).errorMessage, new RegExp(`exceeded maximum allowed payload size \\(${MAX_STREAMED_RESPONSE_BYTES} bytes\\)`));
    // The runtime was told (413) and serves on.
    const after = await readStream(await workbench.invoke('Big', '{"mib":1}', { acceptStream: true }));
    assert.equal(Buffer.concat(after.chunks).length, MiB);
  });

  it('awslambda is a global of every handler (not with AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA); ES modules stream; a malformed mark fails INIT', async () => {
    assert.deepEqual(json((await workbench.invoke('NoGlobal', '{}')).payload), { type: 'undefined' });
    assert.equal((await readStream(await workbench.invoke('Esm', '{}', { acceptStream: true }))).text, 'from an ES module');
    const malformed = await workbench.invoke('Malformed', '{}');
    assert.equal(malformed.errorType, 'Runtime.MalformedStreamingHandler');
    assert.equal(json(malformed.payload).errorMessage, 'Only response streaming is supported.');
  });
});
