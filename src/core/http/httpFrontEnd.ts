import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRouteDefinition, FunctionUrlDefinition, HttpFrontEndsDefinition, TemplateModel } from '../config/types';
import type { InvocationResult, InvokeOptions } from '../invoke/invoker';
import { MAX_SYNC_PAYLOAD_BYTES } from '../invoke/invoker';
import { newTraceId } from '../invoke/tracing';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { ApiGateway, routeConflicts, type ApiEngine, type ApiKind, type IntegrationTimeout, type RouteConflict } from './apiGateway';
import { headerValue, v2Event, type HttpRequestInfo } from './events';
import { apiGatewayId, stableId } from './ids';
import { engineFailure, frontEndErrors, toHttpResponse, type FrontEndKind, type HttpResponse, type ResponseContext } from './responses';
import { sendStaticFile } from './staticFiles';
import { sendStreamedResponse, type StreamedHttpResponse } from './streamedResponse';
import { authorizeIam } from './iamAuth';
import { checkHost, sendRefusal } from '../util/requestOrigin';
import type { SigningCredentials } from '../util/signatureV4';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';

// The HTTP front ends of a template, on loopback: one port per function URL (a function URL is a
// host of its own in AWS, and its path reaches the function unchanged, so a path prefix would
// change `rawPath`), and the APIs (every RestApiId / ApiId merged into one local API per kind):
// one port for the HTTP API (`HttpApi` events) and one for the REST API (`Api` events), or both on
// one port (`apiPort`: `start-api`, as SAM serves them), where apiGateway.ts routes across both.
// Each request becomes the event AWS sends (events.ts), is invoked synchronously through the
// engine (with the URL's or the function's AutoPublishAlias as qualifier), and the result is turned
// back into an HTTP response (responses.ts), with CORS as configured (cors.ts). Definitions are read
// from the engine's current template on every request, so hot reload changes routes and CORS; a
// function URL or API that a reload adds needs a restart to get a port. A RESPONSE_STREAM function
// URL answers as the function streams (streamedResponse.ts).

/** What the front end needs of the engine (the Workbench provides it). */
export interface FrontEndEngine {
  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult>;
  /** The current template (hot reload replaces it). */
  readonly template: TemplateModel;
  readonly settings: { region: string };
  /** Whether the function runs under a debugger (API Gateway's integration timeout is lifted then). */
  isDebugging?(functionName: string): boolean;
}

export interface HttpFrontEndOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** A fixed port per function URL, keyed by function name, `name:alias` or the URL's logical id; others get a free port. */
  functionUrlPorts?: Record<string, number>;
  /** Port of the HTTP API (default: a free one). */
  httpApiPort?: number;
  /** Port of the REST API (default: a free one). */
  restApiPort?: number;
  /** One port for the REST and the HTTP API's routes (`start-api`); replaces httpApiPort and restApiPort. */
  apiPort?: number;
  /** Serve function URLs (default true; `start-api` serves the APIs only, as SAM's). */
  functionUrls?: boolean;
  /** Files served at `/` of the APIs' ports before their routes, as SAM's `--static-dir` (staticFiles.ts). */
  staticDir?: string;
  /** Replaces API Gateway's integration timeouts (29 s REST, 30 s HTTP API, TimeoutInMillis), in ms: tests. */
  integrationTimeoutMs?: number;
  /** Told each time API Gateway's integration timeout answers a request (the function runs on). */
  onIntegrationTimeout?: (timeout: IntegrationTimeout) => void;
  /** What AWS_IAM function URLs verify SigV4 signatures against; without them, signed requests are refused (403) too. */
  iamCredentials?: SigningCredentials;
}

export interface FrontEndEndpoint {
  /** A function URL, the HTTP API, the REST API, or both APIs on one port (`api`). */
  kind: FrontEndKind | 'api';
  /** `http://127.0.0.1:PORT/` for a function URL, `http://127.0.0.1:PORT` for an API. */
  url: string;
  port: number;
  /** Function URLs: the function and alias they invoke. */
  functionName?: string;
  qualifier?: string;
  authType?: FunctionUrlDefinition['authType'];
  invokeMode?: FunctionUrlDefinition['invokeMode'];
  /** APIs: their routes at start. */
  routes?: ApiRouteDefinition[];
  /** Both APIs on one port: the routes a REST and an HTTP API both claim, and which one answers. */
  conflicts?: RouteConflict[];
}

/** API Gateway's and Lambda's limit on a synchronous request. */
export const MAX_REQUEST_BYTES = MAX_SYNC_PAYLOAD_BYTES;

export class HttpFrontEnd {
  private readonly servers: Array<{ server: http.Server; endpoint: FrontEndEndpoint }> = [];
  private readonly apis: ApiGateway;

  constructor(
    private readonly engine: FrontEndEngine,
    private readonly options: HttpFrontEndOptions = {},
  ) {
    const { integrationTimeoutMs, staticDir, onIntegrationTimeout } = options;
    this.apis = new ApiGateway(engine satisfies ApiEngine, { integrationTimeoutMs, staticDir, onIntegrationTimeout });
  }

  /** Whether the template declares a function URL or an `Api` / `HttpApi` route. */
  static wanted(model: TemplateModel): boolean {
    const defs = model.httpFrontEnds;
    return !!defs && (defs.functionUrls.length > 0 || defs.routes.length > 0);
  }

  /** Listens on every port the template needs; resolves with the endpoints (none when it needs none). */
  async start(): Promise<FrontEndEndpoint[]> {
    const defs = this.engine.template.httpFrontEnds;
    if (!defs) return [];
    try {
      for (const url of this.options.functionUrls === false ? [] : defs.functionUrls) {
        await this.listen(
          { kind: 'url', functionName: url.functionName, qualifier: url.qualifier, authType: url.authType, invokeMode: url.invokeMode },
          this.urlPort(url),
        );
      }
      if (this.options.apiPort !== undefined) {
        if (defs.routes.length > 0) await this.listen({ kind: 'api', routes: defs.routes, conflicts: routeConflicts(defs.routes) }, this.options.apiPort);
      } else {
        for (const kind of ['http', 'rest'] as const) {
          const routes = defs.routes.filter((r) => r.api === kind);
          if (routes.length > 0) await this.listen({ kind, routes }, (kind === 'http' ? this.options.httpApiPort : this.options.restApiPort) ?? 0);
        }
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    return this.endpoints();
  }

  endpoints(): FrontEndEndpoint[] {
    return this.servers.map((s) => s.endpoint);
  }

  async close(): Promise<void> {
    const servers = this.servers.splice(0);
    await Promise.all(
      servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  private urlPort(url: FunctionUrlDefinition): number {
    const ports = this.options.functionUrlPorts ?? {};
    const keys = [url.logicalId, `${url.functionName}:${url.qualifier ?? '$LATEST'}`, ...(url.qualifier === undefined ? [url.functionName] : [])];
    for (const key of keys) if (ports[key] !== undefined) return ports[key]!;
    return 0;
  }

  private async listen(partial: Omit<FrontEndEndpoint, 'url' | 'port'>, port: number): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    const endpoint: FrontEndEndpoint = { ...partial, url: '', port: 0 };
    const server = http.createServer({ noDelay: true }, (req, res) => void this.handle(endpoint, req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    endpoint.port = (server.address() as AddressInfo).port;
    const shown = host.includes(':') ? `[${host}]` : host;
    endpoint.url = `http://${shown}:${endpoint.port}${partial.kind === 'url' ? '/' : ''}`;
    this.servers.push({ server, endpoint });
  }

  private async handle(endpoint: FrontEndEndpoint, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const kinds: ApiKind[] = endpoint.kind === 'api' ? ['rest', 'http'] : endpoint.kind === 'url' ? [] : [endpoint.kind];
    // Whose answers the request gets until a route decides (an API's route gives its own kind's).
    let kind: FrontEndKind = endpoint.kind === 'url' ? 'url' : this.apis.fallbackKind(kinds);
    // DNS rebinding: a `Host` that names neither loopback nor the bound address is refused
    // before the body is read (CORS stays as configured: web pages are this server's clients).
    const refusal = checkHost(req.headers.host, this.options.host ?? '127.0.0.1');
    if (refusal) return sendRefusal(res, refusal, randomUUID());
    const body = await readBody(req, MAX_REQUEST_BYTES).catch(() => null);
    if (body === null) return void res.destroy();
    const clientTrace = headerValue(req.rawHeaders, 'x-amzn-trace-id');
    const info: HttpRequestInfo = {
      method: (req.method ?? 'GET').toUpperCase(),
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body: body ?? Buffer.alloc(0),
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      port: endpoint.port,
      time: new Date(),
      // An API passes it to the invocation: the function's request id (apiGateway.ts).
      requestId: randomUUID(),
      traceId: clientTrace?.includes('Root=') ? clientTrace : newTraceId(),
    };
    let response: HttpResponse | StreamedHttpResponse;
    if (body === undefined) {
      response = frontEndErrors.tooLarge(kind);
    } else {
      try {
        if (endpoint.kind === 'url') {
          response = await this.functionUrl(endpoint, this.engine.template.httpFrontEnds, info);
        } else {
          const answer = await this.apis.answer(kinds, info);
          if ('staticFile' in answer) return sendStaticFile(req, res, answer.staticFile, []);
          ({ kind, response } = answer);
        }
      } catch {
        response = frontEndErrors.internal(kind);
      }
    }
    if ('stream' in response) {
      return sendStreamedResponse(res, response, info.method === 'HEAD', info.traceId.split(';')[0]!).catch(() => void res.destroy());
    }
    send(res, response, info, kind);
  }

  private async functionUrl(
    endpoint: FrontEndEndpoint,
    defs: HttpFrontEndsDefinition | undefined,
    info: HttpRequestInfo,
  ): Promise<HttpResponse | StreamedHttpResponse> {
    const def = defs?.functionUrls.find((u) => u.functionName === endpoint.functionName && u.qualifier === endpoint.qualifier);
    if (!def) return frontEndErrors.notFound('url');
    if (def.cors && isPreflight(info.method, info.rawHeaders)) return preflightResponse(def.cors, info.rawHeaders, 200);
    // No resource-based policy lets anyone call it: Lambda refuses the caller (recorded: test_lambda_permission_url_invocation).
    if (def.missingPermission) return frontEndErrors.forbidden();
    let authorizer: Record<string, unknown> | undefined;
    if (def.authType === 'AWS_IAM') {
      // SigV4 verified against the configured credentials (iamAuth.ts); no IAM policy is evaluated.
      const iam = await authorizeIam(info, this.options.iamCredentials);
      if ('refusal' in iam) return iam.refusal;
      authorizer = iam.authorizer;
    }
    const urlId = stableId(`${this.engine.template.file}\0url\0${def.functionName}\0${def.qualifier ?? ''}`, 32);
    const event = v2Event(info, {
      routeKey: '$default',
      // AuthType NONE: Lambda reports the caller as `anonymous`.
      accountId: def.authType === 'NONE' ? 'anonymous' : LOCAL_ACCOUNT_ID,
      apiId: urlId,
      domainName: `${urlId}.lambda-url.${this.engine.settings.region}.on.aws`,
      authorizer,
      decodedPath: true,
    });
    const cors = def.cors;
    const decorate = (response: HttpResponse) => (cors ? withCorsHeaders(response, cors, info.rawHeaders) : response);
    if (def.invokeMode === 'RESPONSE_STREAM') return this.invokeStreaming(def, event, info, decorate);
    return decorate(await this.invoke(def.functionName, def.qualifier, event, info, { kind: 'url', payloadFormatVersion: '2.0' }));
  }

  /**
   * A RESPONSE_STREAM URL: a function that streams is answered as it streams (streamedResponse.ts);
   * one that does not stream gets its payload back as the body, uninterpreted (Lambda does not read
   * payload 2.0 in this mode), with the runtime's content type.
   */
  private async invokeStreaming(
    def: FunctionUrlDefinition,
    event: Record<string, unknown>,
    info: HttpRequestInfo,
    decorate: (response: HttpResponse) => HttpResponse,
  ): Promise<HttpResponse | StreamedHttpResponse> {
    let result: InvocationResult;
    try {
      result = await this.engine.invoke(def.functionName, JSON.stringify(event), { qualifier: def.qualifier, traceId: info.traceId, acceptStream: true });
    } catch (error) {
      return decorate(this.invokeFailure(error, 'url'));
    }
    const withRequestId = (response: HttpResponse) => {
      const decorated = decorate(response);
      decorated.headers.push(['x-amzn-RequestId', result.requestId]);
      return decorated;
    };
    if (result.stream) return { stream: result.stream, decorate: withRequestId };
    if (result.functionError) return withRequestId(frontEndErrors.badGateway('url'));
    return withRequestId({ status: 200, headers: [['content-type', result.contentType ?? 'application/json']], body: result.payload });
  }

  private async invoke(
    functionName: string,
    qualifier: string | undefined,
    event: Record<string, unknown>,
    info: HttpRequestInfo,
    ctx: ResponseContext,
  ): Promise<HttpResponse> {
    let result: InvocationResult;
    try {
      result = await this.engine.invoke(functionName, JSON.stringify(event), { qualifier, traceId: info.traceId });
    } catch (error) {
      return this.invokeFailure(error, ctx.kind);
    }
    const response = result.functionError ? frontEndErrors.badGateway(ctx.kind) : toHttpResponse(result.payload, ctx);
    if (ctx.kind === 'url') response.headers.push(['x-amzn-RequestId', result.requestId]);
    return response;
  }

  /** The front end's answer when the engine could not run the invocation. */
  private invokeFailure(error: unknown, kind: FrontEndKind): HttpResponse {
    return engineFailure(error, kind);
  }
}

/** The body, or undefined when it is over the limit (the rest is read and dropped). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Hop-by-hop and framing headers are the server's to set, not the function's. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function send(res: http.ServerResponse, response: HttpResponse, info: HttpRequestInfo, kind: FrontEndKind): void {
  const headers: string[] = [];
  for (const [name, value] of response.headers) if (!FRAMING.has(name.toLowerCase())) headers.push(name, value);
  const root = info.traceId.split(';')[0]!;
  if (kind === 'http') headers.push('apigw-requestid', info.requestId);
  else if (kind === 'rest') headers.push('x-amzn-RequestId', info.requestId, 'x-amz-apigw-id', apiGatewayId(), 'X-Amzn-Trace-Id', root);
  else headers.push('X-Amzn-Trace-Id', root);
  headers.push('Content-Length', String(response.body.length));
  try {
    res.writeHead(response.status, headers);
  } catch {
    // A header the function returned is not valid HTTP (e.g. a newline in a value).
    const bad = frontEndErrors.badGateway(kind);
    res.writeHead(bad.status, [...bad.headers.flat(), 'Content-Length', String(bad.body.length)]);
    return void res.end(info.method === 'HEAD' ? undefined : bad.body);
  }
  res.end(info.method === 'HEAD' ? undefined : response.body);
}
