import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as path from 'node:path';
import { samTemplate } from '../helpers/project';
import { signal, SIGNAL_HELPER } from '../helpers/streaming';
import { serveFrontEnds, type ServedFrontEnds } from './frontEnds';

// Function URLs with InvokeMode RESPONSE_STREAM, called with a plain HTTP client (node:http): the
// status and headers from the HttpResponseStream.from prelude, then the body in chunks as the
// function writes them; a failure midway cuts the connection; bodies over 6 MB; BUFFERED URLs and
// functions that do not stream keep their answers.

const MiB = 1024 * 1024;

const HANDLER = `${SIGNAL_HELPER}
const metadata = (statusCode, extra = {}) => ({ statusCode, headers: { 'content-type': 'text/plain', 'x-step': 'prelude', ...extra }, cookies: ['s=1; Path=/'] });
exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  const route = event.rawPath.slice(1);
  const query = event.queryStringParameters ?? {};
  switch (route) {
    case 'signal':
      stream = awslambda.HttpResponseStream.from(stream, metadata(202));
      stream.write('first;');
      await signalled(query.file);
      stream.write('second;');
      return stream.end('last');
    case 'fail':
      stream = awslambda.HttpResponseStream.from(stream, metadata(200));
      stream.write('partial;');
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('broke midway');
    case 'fail-early':
      throw new Error('before any byte');
    case 'big': {
      stream.setContentType('application/octet-stream');
      const chunk = Buffer.alloc(${MiB}, 0x61);
      for (let i = 0; i < Number(query.mib); i++) if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
      return stream.end();
    }
    case 'plain':
      stream.setContentType('text/csv');
      stream.write('a,b\\n');
      return stream.end('1,2\\n');
    case 'end-only':
      // As in AWS's runtime, end(body) without a write() sends no prelude: the URL answers 502.
      return awslambda.HttpResponseStream.from(stream, metadata(404)).end('Not Found');
    case 'empty':
      return awslambda.HttpResponseStream.from(stream, metadata(404)).end();
    default:
      return stream.end(JSON.stringify({ method: event.requestContext.http.method, body: event.body ?? null }));
  }
});
exports.plain = async () => ({ statusCode: 201, headers: { 'content-type': 'text/plain' }, body: 'interpreted' });
`;

const TEMPLATE = samTemplate({
  Stream: {
    handler: 'app.handler',
    props: [
      'Timeout: 5',
      'MemorySize: 512',
      'FunctionUrlConfig:',
      '  AuthType: NONE',
      '  InvokeMode: RESPONSE_STREAM',
      '  Cors: {AllowOrigins: [https://app.example], ExposeHeaders: [x-step]}',
    ].join('\n'),
  },
  PlainStreamed: { handler: 'app.plain', props: 'FunctionUrlConfig: {AuthType: NONE, InvokeMode: RESPONSE_STREAM}' },
  PlainBuffered: { handler: 'app.plain', props: 'FunctionUrlConfig: {AuthType: NONE}' },
});

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  chunks: Buffer[];
  times: number[];
  body: string;
  /** The body ended cleanly (false: the connection was cut). */
  complete: boolean;
}

/** A request with node:http; `onChunk` runs as each body chunk arrives. */
function request(url: string, options: http.RequestOptions = {}, body?: string, onChunk?: (chunk: Buffer, index: number) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      const response: Response = { status: res.statusCode ?? 0, headers: res.headers, chunks: [], times: [], body: '', complete: false };
      const finish = (complete: boolean) => {
        response.complete = complete;
        response.body = Buffer.concat(response.chunks).toString('utf8');
        resolve(response);
      };
      res.on('data', (chunk: Buffer) => {
        response.times.push(performance.now());
        response.chunks.push(chunk);
        onChunk?.(chunk, response.chunks.length - 1);
      });
      res.on('end', () => finish(true));
      res.on('error', () => finish(false));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Function URLs with InvokeMode RESPONSE_STREAM', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;
  let url: string;

  before(async () => {
    served = await serveFrontEnds({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER });
    url = served.endpoint('url', 'Stream').url;
  });
  after(() => served.close());

  it('sends the prelude’s status and headers, then each write as it is made: the first bytes while the handler waits', async () => {
    const file = path.join(served.dir, 'go');
    let signalledAt = 0;
    const started = performance.now();
    const res = await request(`${url}signal?file=${encodeURIComponent(file)}`, { headers: { origin: 'https://app.example' } }, undefined, (_c, i) => {
      if (i === 0) {
        signalledAt = performance.now();
        signal(file);
      }
    });
    assert.equal(res.status, 202);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-step'], 'prelude');
    assert.deepEqual(res.headers['set-cookie'], ['s=1; Path=/']);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['access-control-expose-headers'], 'x-step');
    assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.ok(res.complete);
    assert.deepEqual(
      res.chunks.map((c) => c.toString()),
      ['first;', 'second;', 'last'],
    );
    // The handler went on only after the first chunk had reached the client.
    assert.ok(res.times[0]! <= signalledAt && signalledAt < res.times[1]!);
    assert.ok(res.times[0]! - started < 5000);
  });

  it('a failure midway cuts the connection after the bytes sent; a failure before any byte is a 502', async () => {
    const res = await request(`${url}fail`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'partial;');
    assert.equal(res.complete, false);
    const early = await request(`${url}fail-early`);
    assert.equal(early.status, 502);
    assert.equal(early.body, 'Internal Server Error');
    assert.ok(early.complete);
  });

  it('streams a body over 6 MB (8 MiB) in chunks', async () => {
    const res = await request(`${url}big?mib=8`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.ok(res.complete);
    assert.equal(Buffer.concat(res.chunks).length, 8 * MiB);
    assert.ok(res.chunks.length > 1);
    assert.ok(Buffer.concat(res.chunks).every((b) => b === 0x61));
  });

  it('without a prelude: 200 with the stream’s content type; the request body and method reach the function', async () => {
    const plain = await request(`${url}plain`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'text/csv');
    assert.equal(plain.body, 'a,b\n1,2\n');
    const posted = await request(`${url}echo`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, 'hello');
    assert.deepEqual(JSON.parse(posted.body), { method: 'POST', body: 'hello' });
  });

  it("AWS's HttpResponseStream quirks: end(body) without a write is a 502, end() alone an empty 200", async () => {
    const endOnly = await request(`${url}end-only`);
    assert.equal(endOnly.status, 502);
    const empty = await request(`${url}empty`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body, '');
    assert.equal(empty.headers['x-step'], undefined);
  });

  it('a function that does not stream: its payload as the body, uninterpreted; on a BUFFERED URL, interpreted as before', async () => {
    const streamed = await request(served.endpoint('url', 'PlainStreamed').url);
    assert.equal(streamed.status, 200);
    assert.equal(streamed.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(streamed.body), { statusCode: 201, headers: { 'content-type': 'text/plain' }, body: 'interpreted' });
    const buffered = await request(served.endpoint('url', 'PlainBuffered').url);
    assert.equal(buffered.status, 201);
    assert.equal(buffered.body, 'interpreted');
    assert.equal(buffered.headers['content-length'], '11');
  });

  it('HEAD gets the head only', async () => {
    const res = await request(`${url}plain`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/csv');
    assert.equal(res.body, '');
  });
});
