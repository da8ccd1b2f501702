import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import { MAX_STREAMED_RESPONSE_BYTES, type ResponseStream } from '../../../src/core/runtime-api/responseStream';
import { MAX_RESPONSE_BYTES, RuntimeApiServer, type RuntimeResult } from '../../../src/core/runtime-api/server';

// The Runtime API as a runtime sees it: real HTTP on loopback, AWS's status codes and bodies.

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(address: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

class Recorder {
  ready = 0;
  results: Array<{ requestId: string; result: RuntimeResult }> = [];
  initErrors: Array<{ body: string; type?: string }> = [];
  streams: Array<{ requestId: string; stream: ResponseStream }> = [];
  onReady(): void {
    this.ready++;
  }
  onStreamStart(requestId: string, stream: ResponseStream): void {
    this.streams.push({ requestId, stream });
  }
  onResult(requestId: string, result: RuntimeResult): void {
    this.results.push({ requestId, result });
  }
  onInitError(body: Buffer, type: string | undefined): void {
    this.initErrors.push({ body: body.toString(), type });
  }
}

const waitFor = async (predicate: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Runtime API server', () => {
  let recorder: Recorder;
  let server: RuntimeApiServer;
  let address: string;

  beforeEach(async () => {
    recorder = new Recorder();
    server = new RuntimeApiServer(recorder);
    address = await server.listen();
  });
  afterEach(() => server.close());

  it('binds to loopback only', () => {
    assert.match(address, /^127\.0\.0\.1:\d+$/);
  });

  it('hands an event to /next with AWS headers and takes the response', async () => {
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await waitFor(() => recorder.ready === 1);
    server.deliver({
      requestId: 'req-1',
      payload: Buffer.from('{"a":1}'),
      deadlineMs: 1700000000123,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      clientContext: '{"custom":{"k":"v"}}',
      cognitoIdentity: '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
    });
    const event = await next;
    assert.equal(event.status, 200);
    assert.equal(event.body, '{"a":1}');
    assert.equal(event.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.equal(event.headers['lambda-runtime-deadline-ms'], '1700000000123');
    assert.equal(event.headers['lambda-runtime-invoked-function-arn'], 'arn:aws:lambda:us-east-1:000000000000:function:f');
    assert.equal(event.headers['lambda-runtime-trace-id'], 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1');
    assert.equal(event.headers['lambda-runtime-client-context'], '{"custom":{"k":"v"}}');
    assert.equal(event.headers['lambda-runtime-cognito-identity'], '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}');
    assert.equal(event.headers['content-type'], 'application/json');

    const posted = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '"done"', { 'Content-Type': 'application/json' });
    assert.equal(posted.status, 202);
    assert.deepEqual(JSON.parse(posted.body), { status: 'OK' });
    assert.equal(recorder.results.length, 1);
    assert.equal(recorder.results[0].result.kind, 'response');
    assert.equal(recorder.results[0].result.body.toString(), '"done"');
    assert.equal(server.state.state, 'Responded');
  });

  async function startInvocation(id = 'req-1'): Promise<Promise<Reply>> {
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await waitFor(() => recorder.ready >= 1);
    server.deliver({ requestId: id, payload: Buffer.from('{}'), deadlineMs: Date.now() + 1000, invokedFunctionArn: 'arn' });
    return next;
  }

  it('rejects a response for another request id with 400 InvalidRequestID', async () => {
    await startInvocation();
    const reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/other/response', '{}');
    assert.equal(reply.status, 400);
    assert.deepEqual(JSON.parse(reply.body), { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    assert.equal(recorder.results.length, 0);
  });

  it('rejects illegal transitions with 403 InvalidStateTransition', async () => {
    // A response before init is over.
    let reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/x/response', '{}');
    assert.equal(reply.status, 400);
    const event = await startInvocation();
    assert.equal(event.status, 200);
    // /next while an invocation is outstanding.
    reply = await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    assert.equal(reply.status, 403);
    assert.equal(JSON.parse(reply.body).errorType, 'InvalidStateTransition');
    // init/error after init.
    reply = await call(address, 'POST', '/2018-06-01/runtime/init/error', '{}');
    assert.equal(reply.status, 403);
    // The response, then the response again.
    reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '1');
    assert.equal(reply.status, 202);
    reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '2');
    assert.equal(reply.status, 403);
    assert.match(JSON.parse(reply.body).errorMessage, /State transition from Responded to InvocationResponse failed/);
    assert.equal(recorder.results.length, 1);
  });

  it('passes /error bodies through with the error type header', async () => {
    await startInvocation();
    const body = JSON.stringify({ errorType: 'MyError', errorMessage: 'boom', trace: ['MyError: boom'] });
    const reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/error', body, {
      'Content-Type': 'application/vnd.aws.lambda.error+json',
      'Lambda-Runtime-Function-Error-Type': 'Function.MyError',
    });
    assert.equal(reply.status, 202);
    const { result } = recorder.results[0];
    assert.equal(result.kind, 'error');
    assert.equal(result.errorType, 'Function.MyError');
    assert.equal(result.body.toString(), body);
  });

  it('answers 413 to a response over 6 MB and reports Function.ResponseSizeTooLarge', async () => {
    await startInvocation();
    const big = Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61);
    const reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', big);
    assert.equal(reply.status, 413);
    assert.equal(JSON.parse(reply.body).errorType, 'RequestEntityTooLarge');
    const { result } = recorder.results[0];
    assert.equal(result.kind, 'error');
    assert.equal(result.platformError?.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(result.platformError!.errorMessage, /exceeded maximum allowed payload size \(6291556 bytes\)/);
  });

  it('records /init/error with its error type', async () => {
    const reply = await call(address, 'POST', '/2018-06-01/runtime/init/error', '{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError',
    });
    assert.equal(reply.status, 202);
    assert.deepEqual(recorder.initErrors, [{ body: '{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}', type: 'Runtime.ImportModuleError' }]);
    assert.equal(server.state.state, 'InitFailed');
    const next = await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    assert.equal(next.status, 403);
  });

  it('rejects an unknown response mode with 400 InvalidFunctionResponseMode', async () => {
    await startInvocation();
    const reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{}', { 'Lambda-Runtime-Function-Response-Mode': 'bogus' });
    assert.equal(reply.status, 400);
    assert.equal(JSON.parse(reply.body).errorType, 'InvalidFunctionResponseMode');
    assert.equal(recorder.results[0].result.platformError?.errorType, 'Runtime.InvalidResponseModeHeader');
  });

  /** A raw streamed POST /response (chunked, trailers declared), written piece by piece. */
  function streamedPost(id: string, contentType = 'text/plain'): { socket: net.Socket; reply: Promise<string> } {
    const [host, port] = address.split(':');
    const socket = net.connect(Number(port), host);
    socket.write(
      `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nHost: ${address}\r\nContent-Type: ${contentType}\r\n` +
        'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n' +
        'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n',
    );
    const reply = new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d) => {
        data += d;
        if (/\r\n\r\n[\s\S]*\}/.test(data)) resolve(data);
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    return { socket, reply };
  }
  const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

  async function startStreamingInvocation(id = 'req-s'): Promise<void> {
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await waitFor(() => recorder.ready >= 1);
    server.deliver({ requestId: id, payload: Buffer.from('{}'), deadlineMs: Date.now() + 1000, invokedFunctionArn: 'arn', acceptsStream: true });
    await next;
  }

  it('hands a streamed response to a caller that accepts streams chunk by chunk, before the request ends', async () => {
    await startStreamingInvocation();
    const { socket, reply } = streamedPost('req-s');
    socket.write(chunk('first '));
    await waitFor(() => recorder.streams.length === 1);
    const { stream } = recorder.streams[0];
    assert.equal(stream.contentType, 'text/plain');
    const reader = stream[Symbol.asyncIterator]();
    // The first chunk is there while the runtime's request is still open.
    assert.equal(String((await reader.next()).value), 'first ');
    assert.equal(server.state.state, 'Streaming');
    assert.equal(recorder.results.length, 0);
    // Neither /error nor another response is legal while it streams.
    const error = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-s/error', '{}');
    assert.equal(error.status, 403);
    socket.write(chunk('second') + '0\r\n\r\n');
    assert.match(await reply, /^HTTP\/1\.1 202/);
    assert.equal(String((await reader.next()).value), 'second');
    socket.destroy();
    assert.equal(recorder.results[0].result.kind, 'response');
    assert.equal(recorder.results[0].result.body.length, 0);
    assert.equal(server.state.state, 'Responded');
  });

  it('reads a failure midway from the trailers, for streaming and buffered callers alike', async () => {
    const failure = Buffer.from(JSON.stringify({ errorType: 'StreamError', errorMessage: 'broke', trace: [] })).toString('base64');
    const trailers = `0\r\nLambda-Runtime-Function-Error-Type: StreamError\r\nLambda-Runtime-Function-Error-Body: ${failure}\r\n\r\n`;
    await startStreamingInvocation();
    let post = streamedPost('req-s');
    post.socket.write(chunk('partial') + trailers);
    assert.match(await post.reply, /^HTTP\/1\.1 202/);
    post.socket.destroy();
    let { result } = recorder.results[0];
    assert.equal(result.kind, 'error');
    assert.equal(result.errorType, 'StreamError');
    assert.equal(JSON.parse(result.body.toString()).errorMessage, 'broke');

    // A caller that does not accept streams: the same request is read whole, and fails the same way.
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await waitFor(() => recorder.ready >= 2);
    server.deliver({ requestId: 'req-b', payload: Buffer.from('{}'), deadlineMs: Date.now() + 1000, invokedFunctionArn: 'arn' });
    await next;
    post = streamedPost('req-b');
    post.socket.write(chunk('partial') + trailers);
    assert.match(await post.reply, /^HTTP\/1\.1 202/);
    post.socket.destroy();
    result = recorder.results[1].result;
    assert.equal(recorder.streams.length, 1);
    assert.equal(result.errorType, 'StreamError');
  });

  it('answers 413 to a streamed response over 200 MiB and reports Function.ResponseSizeTooLarge', async () => {
    await startStreamingInvocation();
    const { socket, reply } = streamedPost('req-s');
    const mib = Buffer.alloc(1024 * 1024, 0x62);
    for (let i = 0; i <= MAX_STREAMED_RESPONSE_BYTES / mib.length; i++) socket.write(`100000\r\n${mib}\r\n`);
    assert.match(await reply, /^HTTP\/1\.1 413[\s\S]*RequestEntityTooLarge/);
    socket.destroy();
    const { result } = recorder.results[0];
    assert.equal(result.platformError?.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(result.platformError!.errorMessage, new RegExp(`\\(${MAX_STREAMED_RESPONSE_BYTES} bytes\\)`));
    assert.equal(recorder.streams[0].stream.bytes, MAX_STREAMED_RESPONSE_BYTES);
  });

  it('survives garbage on the socket and unknown paths, and keeps serving', async () => {
    const [host, port] = address.split(':');
    const garbage = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), host, () => socket.write('\x00\x01 this is not HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    assert.match(garbage, /^HTTP\/1\.1 400/);
    const unknown = await call(address, 'GET', '/2018-06-01/runtime/whatever');
    assert.equal(unknown.status, 404);
    const event = await startInvocation();
    assert.equal(event.status, 200);
  });
});
