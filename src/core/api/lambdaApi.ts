import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkbenchError, isWorkbenchError } from '../errors';
import type { InvocationResult, InvokeOptions } from '../invoke/invoker';
import { MAX_SYNC_PAYLOAD_BYTES } from '../invoke/invoker';
import type { EventSources } from '../esm/eventSources';
import type { ControlPlane } from '../versions/controlPlane';
import { ApiError } from './apiError';
import { decodePathParameter, findRoute } from './controlPlaneRoutes';
import { DEBUG_ROUTE_PREFIX, handleDebugRoute, type DebugHost } from './debugRoutes';
import { readInvokeRequest, tailOf } from './invokeRequest';
import { handleSourceRoute, SOURCE_ROUTE_PREFIX } from './sourceRoutes';
import { invokeWithResponseStream } from './streamingInvoke';
import { verifySignatureV4, type SigningCredentials } from '../util/signatureV4';
import { checkHost, checkNotCrossSite, sendRefusal } from '../util/requestOrigin';

// The local Lambda HTTP API (2015-03-31), wire-compatible with the AWS SDK and CLI: the Invoke
// operation with AWS's headers, status codes and error bodies (reference/runtime-api.md §5),
// InvokeWithResponseStream (streamingInvoke.ts) and the control-plane operations
// (controlPlaneRoutes.ts).

/** What the API needs of the engine (the Workbench provides it). */
export interface LambdaService {
  invoke(functionName: string, payload: Buffer, options: InvokeOptions): Promise<InvocationResult>;
  invokeAsync(functionName: string, payload: Buffer, options: Omit<InvokeOptions, 'collectLogs'>): Promise<{ requestId: string }>;
  /** Validates a DryRun: throws what a real invocation would throw before running. */
  checkInvocation(functionName: string, payload: Buffer, qualifier?: string): Promise<void>;
  readonly controlPlane: ControlPlane;
  readonly eventSources: EventSources;
}

export interface LambdaApiOptions {
  host: string;
  port: number;
  /** Verify SigV4 signatures (service `lambda`) against these credentials (off when undefined). */
  verifySignatures?: SigningCredentials;
  /** Serve the debug routes (debugRoutes.ts) on this engine, so a debug adapter can attach. */
  debug?: DebugHost;
}

/** A little over the largest payload any operation accepts: beyond it we stop reading. */
const MAX_BODY_BYTES = MAX_SYNC_PAYLOAD_BYTES + 1;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const STREAMING_INVOKE_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/;

export class LambdaApiServer {
  private readonly server: http.Server;
  /**
   * A secret of this server, for our own debug adapter only (it reads it from serve.json, mode
   * 0600): the debug routes set environment overrides only for a request that carries it.
   */
  readonly debugToken = randomBytes(32).toString('hex');

  constructor(
    private readonly service: LambdaService,
    private readonly options: LambdaApiOptions,
  ) {
    this.server = http.createServer({ noDelay: true }, (req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return { url: `http://${host}:${port}`, port };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      // DNS rebinding and web pages: refused before anything is read or run (requestOrigin.ts).
      const refusal = checkHost(req.headers.host, this.options.host) ?? checkNotCrossSite(req.headers);
      if (refusal) return sendRefusal(res, refusal, randomUUID());
      const body = await readBody(req);
      if (this.options.verifySignatures) {
        const request = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body };
        const check = await verifySignatureV4(request, this.options.verifySignatures, { service: 'lambda' });
        if (!check.ok) throw new ApiError(403, check.type, check.message);
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const invoke = INVOKE_PATH.exec(url.pathname);
      if (invoke && req.method === 'POST') return await this.invoke(req, res, decodePathParameter(invoke[1]), url.searchParams, body);
      const streamingInvoke = STREAMING_INVOKE_PATH.exec(url.pathname);
      if (streamingInvoke && req.method === 'POST') {
        return await invokeWithResponseStream(this.service, req, res, decodePathParameter(streamingInvoke[1]), url.searchParams, body);
      }
      if (
        this.options.debug &&
        url.pathname.startsWith(DEBUG_ROUTE_PREFIX) &&
        (await handleDebugRoute(this.options.debug, req, res, url, body, this.debugToken))
      ) {
        return;
      }
      if (url.pathname.startsWith(SOURCE_ROUTE_PREFIX)) {
        const result = await handleSourceRoute(this.service.eventSources.sources, req.method ?? 'GET', url.pathname, body);
        if (result) {
          return send(
            res,
            result.status,
            { 'x-amzn-RequestId': randomUUID(), 'Content-Type': 'application/json' },
            result.body === undefined ? undefined : Buffer.from(JSON.stringify(result.body)),
          );
        }
      }
      const route = findRoute(req.method ?? 'GET', url.pathname);
      if (route) {
        const result = await route(this.service, url.searchParams, body);
        const headers = { 'x-amzn-RequestId': randomUUID(), 'Content-Type': 'application/json' };
        return send(res, result.status, headers, result.body === undefined ? undefined : Buffer.from(JSON.stringify(result.body)));
      }
      throw new ApiError(404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`);
    } catch (error) {
      this.fail(res, error);
    }
  }

  private async invoke(req: http.IncomingMessage, res: http.ServerResponse, functionName: string, query: URLSearchParams, body: Buffer): Promise<void> {
    const { invocationType, tail, qualifier, options } = readInvokeRequest(req, query, ['Event', 'RequestResponse', 'DryRun']);
    if (invocationType === 'DryRun') {
      await this.service.checkInvocation(functionName, body, qualifier);
      return send(res, 204, { 'x-amzn-RequestId': randomUUID() });
    }
    if (invocationType === 'Event') {
      const { requestId } = await this.service.invokeAsync(functionName, body, options);
      return send(res, 202, { 'x-amzn-RequestId': requestId });
    }
    const result = await this.service.invoke(functionName, body, { ...options, collectLogs: tail });
    const headers: Record<string, string> = {
      'x-amzn-RequestId': result.requestId,
      'X-Amz-Executed-Version': result.executedVersion,
      'Content-Type': result.contentType ?? 'application/json',
    };
    if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
    if (tail) headers['X-Amz-Log-Result'] = tailOf(await result.logs);
    send(res, 200, headers, result.payload);
  }

  /** AWS's error response: status, `x-amzn-ErrorType`, and a JSON body the SDK understands. */
  private fail(res: http.ServerResponse, error: unknown): void {
    if (res.headersSent) return void res.destroy();
    let status = 500;
    let type = 'ServiceException';
    let message = 'An internal error occurred in the local Lambda service';
    let extra: Record<string, unknown> = {};
    const headers: Record<string, string> = { 'x-amzn-RequestId': randomUUID() };
    if (isWorkbenchError(error)) {
      status = error.statusCode;
      type = error.code;
      message = error.message;
      if (error.code === 'TooManyRequestsException') {
        extra = { Reason: error.reason, retryAfterSeconds: '1' };
        headers['Retry-After'] = '1';
      }
    } else if (error instanceof ApiError) {
      ({ status, type, message } = error);
    } else {
      message = `${message}: ${(error as Error)?.message ?? error}`;
    }
    headers['x-amzn-ErrorType'] = type;
    headers['Content-Type'] = 'application/json';
    const userFault = status < 500;
    // AWS spells it `Message` for some exceptions and `message` for others; the SDK reads both.
    // A model validation error (AWS's front end) carries only `message`.
    const body = JSON.stringify(type === 'ValidationException' ? { message } : { Type: userFault ? 'User' : 'Service', message, Message: message, ...extra });
    send(res, status, headers, Buffer.from(body));
  }
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body?: Buffer): void {
  res.writeHead(status, { ...headers, 'Content-Length': body?.length ?? 0 });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(
          new WorkbenchError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`),
        );
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
