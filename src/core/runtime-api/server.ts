import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExtensionsApi } from './extensionsApi';
import { MAX_STREAMED_RESPONSE_BYTES, ResponseStream } from './responseStream';
import { IllegalTransitionError, RuntimeStateMachine } from './runtimeStateMachine';
import { routeTelemetry, type SubscribeListener } from './telemetryApi';

// One loopback HTTP server per execution environment, serving the Runtime API (2018-06-01)
// with AWS's paths, headers, status codes and error bodies (reference/runtime-api.md §1).

/** Lambda's limit on a response posted by the runtime (RIE: 6 MiB + 100 bytes). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

const PREFIX = '/2018-06-01/runtime/';
const INVOCATION_PREFIX = '/2018-06-01/runtime/invocation/';

/** An event handed to the runtime through /next. */
export interface RuntimeInvocation {
  requestId: string;
  payload: Buffer;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  /** Decoded client-context JSON. */
  clientContext?: string;
  /** Cognito identity JSON. */
  cognitoIdentity?: string;
  /**
   * The caller takes a streamed response as it arrives (InvokeWithResponseStream, a RESPONSE_STREAM
   * function URL): a streaming runtime's bytes go to onStreamStart's stream, up to the streaming
   * limit. Otherwise a streamed response is read whole, up to the buffered limit.
   */
  acceptsStream?: boolean;
}

/** What the runtime posted for an invocation. */
export interface RuntimeResult {
  kind: 'response' | 'error';
  body: Buffer;
  contentType?: string;
  /** `Lambda-Runtime-Function-Error-Type`, or the trailer of a failed streamed response. */
  errorType?: string;
  /** Set when the platform rejected the response (too large, bad response mode). */
  platformError?: { errorType: string; errorMessage: string };
}

export interface RuntimeApiListener {
  /**
   * The runtime asked for an event: init is over (first call) or the previous invocation is.
   * `functionInitStart` (epoch ms) is where our bootstraps say function init began.
   */
  onReady(functionInitStart: number | undefined): void;
  /**
   * The runtime started streaming the response of an invocation that accepts a stream; the chunks
   * go to `stream` as they arrive, and onResult follows when the response is over (an empty body
   * for success, the trailers' error otherwise). Whoever owns the invocation closes the stream.
   */
  onStreamStart(requestId: string, stream: ResponseStream): void;
  onResult(requestId: string, result: RuntimeResult): void;
  onInitError(body: Buffer, errorType: string | undefined, functionInitStart: number | undefined): void;
}

type Reply = [status: number, body: string];

const OK: Reply = [202, '{"status":"OK"}'];
const INVALID_REQUEST_ID: Reply = [400, '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}'];
const NOT_FOUND: Reply = [404, '{"errorMessage":"Not Found","errorType":"NotFound"}'];

function errorReply(status: number, errorType: string, errorMessage: string): Reply {
  return [status, JSON.stringify({ errorMessage, errorType })];
}

function send(res: http.ServerResponse, [status, body]: Reply): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export class RuntimeApiServer {
  readonly state = new RuntimeStateMachine();
  private readonly server: http.Server;
  private parkedNext: http.ServerResponse | undefined;
  private readonly socketOrder = new WeakMap<object, { reading: number; queued: Array<() => void> }>();
  private current: RuntimeInvocation | undefined;
  private port = 0;

  /**
   * The Extensions and Telemetry APIs share the port; without them their routes answer 404, as
   * AWS's emulator does when extensions are disabled.
   */
  constructor(
    private readonly listener: RuntimeApiListener,
    private readonly extensionApis?: { extensions: ExtensionsApi; subscribe: SubscribeListener },
  ) {
    this.server = http.createServer({ noDelay: true, keepAliveTimeout: 0 }, (req, res) => this.route(req, res));
    // The runtime's long-poll /next must never be cut by server-side timeouts.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.timeout = 0;
    // Garbage on the socket: answer 400 and carry on, like any HTTP server.
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Binds to loopback on a free port; returns `127.0.0.1:<port>` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.address;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Hands an event to the runtime parked on /next. */
  deliver(invocation: RuntimeInvocation): void {
    const res = this.parkedNext;
    if (!res || res.destroyed) throw new Error('The runtime is not waiting for an event');
    this.state.apply('deliver');
    this.parkedNext = undefined;
    this.current = invocation;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': invocation.payload.length,
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
    };
    if (invocation.traceId) headers['Lambda-Runtime-Trace-Id'] = invocation.traceId;
    // JSON headers travel as their UTF-8 bytes (HTTP header values are latin1 on the wire).
    if (invocation.clientContext) headers['Lambda-Runtime-Client-Context'] = utf8Bytes(invocation.clientContext);
    if (invocation.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = utf8Bytes(invocation.cognitoIdentity);
    res.writeHead(200, headers);
    res.end(invocation.payload);
  }

  async close(): Promise<void> {
    this.state.close();
    this.extensionApis?.extensions.close();
    this.parkedNext?.destroy();
    this.parkedNext = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Requests pipelined on one connection are handled in order: Node emits a pipelined request
   * before the body of the previous one has ended, but `POST …/response` then `GET /next` must
   * be seen in that order (our runtimes send exactly that pair in one write).
   */
  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    let order = this.socketOrder.get(req.socket);
    if (!order) {
      order = { reading: 0, queued: [] };
      this.socketOrder.set(req.socket, order);
    }
    if (order.reading > 0) {
      order.queued.push(() => this.route(req, res));
      return;
    }
    this.dispatch(req, res);
    if (!req.complete) {
      const slot = order;
      slot.reading++;
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        slot.reading--;
        while (slot.reading === 0 && slot.queued.length > 0) slot.queued.shift()!();
      };
      // Registered after the handler's own listeners, so it runs once they have.
      req.once('end', done);
      req.once('close', done);
    }
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return this.dispatchOtherApis(url, req, res);
    if (url === '/2018-06-01/runtime/invocation/next') {
      if (req.method !== 'GET') return this.drain(req, () => send(res, NOT_FOUND));
      return this.next(req, res);
    }
    if (url === '/2018-06-01/runtime/init/error' && req.method === 'POST') {
      return this.readBody(req, res, (body) => this.initError(req, res, body));
    }
    if (url.startsWith(INVOCATION_PREFIX) && req.method === 'POST') {
      const rest = url.slice(INVOCATION_PREFIX.length);
      const slash = rest.indexOf('/');
      const requestId = decodeURIComponent(rest.slice(0, slash));
      const action = rest.slice(slash + 1);
      if (slash > 0 && (action === 'response' || action === 'error')) {
        return this.result(req, res, requestId, action);
      }
    }
    this.drain(req, () => send(res, NOT_FOUND));
  }

  private dispatchOtherApis(url: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const apis = this.extensionApis;
    if (apis && url.startsWith('/2020-01-01/extension/')) {
      return this.readBody(req, res, (body) => apis.extensions.route(req, res, body));
    }
    if (apis && (url === '/2022-07-01/telemetry' || url === '/2020-08-15/logs')) {
      return this.readBody(req, res, (body) => routeTelemetry(apis.extensions, apis.subscribe, req, res, body));
    }
    this.drain(req, () => send(res, NOT_FOUND));
  }

  private next(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.parkedNext && !this.parkedNext.destroyed) {
      return send(
        res,
        errorReply(403, 'InvalidStateTransition', 'State transition from Ready to Ready failed for runtime. Error: a /next request is already waiting'),
      );
    }
    // A runtime that lost its parked connection and asks again is still Ready.
    if (this.state.state !== 'Ready') {
      try {
        this.state.apply('next');
      } catch (error) {
        return send(res, errorReply(403, 'InvalidStateTransition', (error as Error).message));
      }
    }
    this.current = undefined;
    this.parkedNext = res;
    this.listener.onReady(initBoundary(req));
  }

  private initError(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    try {
      this.state.apply('initError');
    } catch (error) {
      return send(res, errorReply(403, 'InvalidStateTransition', (error as Error).message));
    }
    send(res, OK);
    this.listener.onInitError(body, header(req, 'lambda-runtime-function-error-type'), initBoundary(req));
  }

  private result(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, action: 'response' | 'error'): void {
    const current = this.current;
    if (!current || current.requestId !== requestId) return this.drain(req, () => send(res, INVALID_REQUEST_ID));
    // While a response streams, neither another response nor an error is legal.
    if (this.state.state === 'Streaming' || !this.state.allows(action)) {
      return this.drain(req, () => send(res, errorReply(403, 'InvalidStateTransition', new IllegalTransitionError(this.state.state, action).message)));
    }
    const mode = header(req, 'lambda-runtime-function-response-mode');
    if (action === 'response' && mode !== undefined && mode.toLowerCase() !== 'streaming') {
      this.state.apply(action);
      const message = `Invalid Response Mode: ${mode}`;
      this.drain(req, () => send(res, errorReply(400, 'InvalidFunctionResponseMode', message)));
      return this.listener.onResult(requestId, {
        kind: 'error',
        body: Buffer.from(JSON.stringify({ errorMessage: message, errorType: 'Runtime.InvalidResponseModeHeader' })),
        platformError: { errorType: 'Runtime.InvalidResponseModeHeader', errorMessage: message },
      });
    }
    if (action === 'response' && mode !== undefined && current.acceptsStream) return this.streamResponse(req, res, requestId);
    this.readBody(
      req,
      res,
      (body) => {
        this.state.apply(action);
        send(res, OK);
        // A streamed response that failed midway reports the error in HTTP trailers.
        const failure = action === 'response' ? trailerError(req) : undefined;
        if (failure) return this.listener.onResult(requestId, { kind: 'error', ...failure });
        this.listener.onResult(requestId, {
          kind: action,
          body,
          contentType: header(req, 'content-type'),
          errorType: header(req, 'lambda-runtime-function-error-type'),
        });
      },
      () => {
        // Too large: the runtime gets 413, the caller gets Function.ResponseSizeTooLarge (AWS's message does not give the size).
        this.state.apply(action);
        const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
        this.listener.onResult(requestId, {
          kind: 'error',
          body: Buffer.from(JSON.stringify({ errorMessage, errorType: 'Function.ResponseSizeTooLarge' })),
          platformError: { errorType: 'Function.ResponseSizeTooLarge', errorMessage },
        });
      },
    );
  }

  /**
   * A streamed response to a caller that takes it as it comes: each chunk goes on at once, up to
   * MAX_STREAMED_RESPONSE_BYTES; over it, the runtime gets 413 and the caller
   * Function.ResponseSizeTooLarge (the bytes already sent stay sent). A failure after the start is
   * read from the trailers.
   */
  private streamResponse(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): void {
    this.state.apply('stream');
    const stream = new ResponseStream(header(req, 'content-type'));
    this.listener.onStreamStart(requestId, stream);
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      if (stream.bytes + chunk.length > MAX_STREAMED_RESPONSE_BYTES) {
        tooLarge = true;
        this.state.apply('response');
        send(res, errorReply(413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`));
        const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`;
        return this.listener.onResult(requestId, {
          kind: 'error',
          body: Buffer.from(JSON.stringify({ errorMessage, errorType: 'Function.ResponseSizeTooLarge' })),
          platformError: { errorType: 'Function.ResponseSizeTooLarge', errorMessage },
        });
      }
      stream.write(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      this.state.apply('response');
      send(res, OK);
      const failure = trailerError(req);
      if (failure) return this.listener.onResult(requestId, { kind: 'error', ...failure });
      this.listener.onResult(requestId, { kind: 'response', body: Buffer.alloc(0), contentType: stream.contentType });
    });
    req.on('error', () => {
      // A runtime that dies mid-stream is handled by the environment's exit handling.
    });
  }

  /**
   * Reads a request body up to MAX_RESPONSE_BYTES. Over the limit, answers 413 at once and
   * reports the size seen so far (or the declared Content-Length).
   */
  private readBody(req: http.IncomingMessage, res: http.ServerResponse, done: (body: Buffer) => void, tooLarge?: (size: number) => void): void {
    const declared = Number(req.headers['content-length']);
    const reject413 = (size: number): void => {
      send(res, errorReply(413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`));
      req.resume();
      tooLarge?.(size);
    };
    if (declared > MAX_RESPONSE_BYTES) return reject413(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        rejected = true;
        chunks.length = 0;
        return reject413(size);
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!rejected) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', () => {
      // A runtime that dies mid-request is handled by the environment's exit handling.
    });
  }

  private drain(req: http.IncomingMessage, then: () => void): void {
    if (req.complete) return then();
    req.resume();
    req.on('end', then);
    req.on('error', () => undefined);
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The error a streamed response's trailers report, if any. */
function trailerError(req: http.IncomingMessage): { body: Buffer; errorType: string } | undefined {
  const errorType = req.trailers['lambda-runtime-function-error-type'];
  if (!errorType) return undefined;
  const encoded = req.trailers['lambda-runtime-function-error-body'];
  const body = encoded ? Buffer.from(encoded, 'base64') : Buffer.from(JSON.stringify({ errorType, errorMessage: 'Response stream failed' }));
  return { body, errorType };
}

function initBoundary(req: http.IncomingMessage): number | undefined {
  const value = header(req, 'lambda-workbench-function-init-start');
  const ms = value === undefined ? NaN : Number(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function utf8Bytes(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}
