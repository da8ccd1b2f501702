import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { ResponseStream } from '../../../src/core/runtime-api/responseStream';
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
