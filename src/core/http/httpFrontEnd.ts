import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRouteDefinition, FunctionUrlDefinition, HttpFrontEndsDefinition, TemplateModel } from '../config/types';
import { isWorkbenchError } from '../errors';
import type { InvocationResult, InvokeOptions } from '../invoke/invoker';
import { MAX_SYNC_PAYLOAD_BYTES } from '../invoke/invoker';
import { newTraceId } from '../invoke/tracing';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { headerValue, splitUrl, v1Event, v2Event, type HttpRequestInfo } from './events';
import { frontEndErrors, toHttpResponse, type FrontEndKind, type HttpResponse, type ResponseContext } from './responses';
import { RouteTable } from './routes';
import { sendStreamedResponse, type StreamedHttpResponse } from './streamedResponse';
import { checkHost, sendRefusal } from '../util/requestOrigin';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';

// The HTTP front ends of a template, on loopback: one port per function URL (a function URL is a
// host of its own in AWS, and its path reaches the function unchanged, so a path prefix would
// change `rawPath`), one port for the HTTP API (`HttpApi` events) and one for the REST API (`Api`
// events; every RestApiId / ApiId is merged into one local API per kind). Each request becomes
// the event AWS sends (events.ts), is invoked synchronously through the engine (with the URL's or
// the function's AutoPublishAlias as qualifier), and the result is turned back into an HTTP
// response (responses.ts), with CORS as configured (cors.ts). Definitions are read from the
// engine's current template on every request, so hot reload changes routes and CORS; a function
// URL or API that a reload adds needs a restart to get a port. A RESPONSE_STREAM function URL
// answers as the function streams (streamedResponse.ts).

/** What the front end needs of the engine (the Workbench provides it). */
export interface FrontEndEngine {
  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult>;
  /** The current template (hot reload replaces it). */
  readonly template: TemplateModel;
  readonly settings: { region: string };
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
}

export interface FrontEndEndpoint {
  kind: FrontEndKind;
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
}

/** API Gateway's and Lambda's limit on a synchronous request. */
export const MAX_REQUEST_BYTES = MAX_SYNC_PAYLOAD_BYTES;

export class HttpFrontEnd {
  private readonly servers: Array<{ server: http.Server; endpoint: FrontEndEndpoint }> = [];
  private readonly tables = new WeakMap<HttpFrontEndsDefinition, { http: RouteTable<ApiRouteDefinition>; rest: RouteTable<ApiRouteDefinition> }>();

  constructor(
    private readonly engine: FrontEndEngine,
    private readonly options: HttpFrontEndOptions = {},
  ) {}

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
      for (const url of defs.functionUrls) {
        await this.listen(
          { kind: 'url', functionName: url.functionName, qualifier: url.qualifier, authType: url.authType, invokeMode: url.invokeMode },
          this.urlPort(url),
        );
      }
      for (const kind of ['http', 'rest'] as const) {
        const routes = defs.routes.filter((r) => r.api === kind);
        if (routes.length > 0) await this.listen({ kind, routes }, (kind === 'http' ? this.options.httpApiPort : this.options.restApiPort) ?? 0);
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
    const kind = endpoint.kind;
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
      requestId: kind === 'http' ? apiGatewayId() : randomUUID(),
      traceId: clientTrace?.includes('Root=') ? clientTrace : newTraceId(),
    };
    let response: HttpResponse | StreamedHttpResponse;
    if (body === undefined) {
      response = frontEndErrors.tooLarge(kind);
    } else {
      try {
        const defs = this.engine.template.httpFrontEnds;
        if (kind === 'url') response = await this.functionUrl(endpoint, defs, info);
        else if (kind === 'http') response = await this.httpApi(defs, info);
        else response = await this.restApi(defs, info);
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
    let authorizer: Record<string, unknown> | undefined;
    if (def.authType === 'AWS_IAM') {
      // Not verified locally: a SigV4 Authorization header is required, its access key reported.
      const m = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//.exec(headerValue(info.rawHeaders, 'authorization') ?? '');
      if (!m) return frontEndErrors.forbidden();
      authorizer = {
        iam: {
          accessKey: m[1],
          accountId: LOCAL_ACCOUNT_ID,
          callerId: 'AIDALOCALWORKBENCHUSER',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local`,
          userId: 'AIDALOCALWORKBENCHUSER',
        },
      };
    }
    const urlId = stableId(`${this.engine.template.file}\0url\0${def.functionName}\0${def.qualifier ?? ''}`, 32);
    const event = v2Event(info, {
      routeKey: '$default',
      // AuthType NONE: Lambda reports the caller as `anonymous`.
      accountId: def.authType === 'NONE' ? 'anonymous' : LOCAL_ACCOUNT_ID,
      apiId: urlId,
      domainName: `${urlId}.lambda-url.${this.engine.settings.region}.on.aws`,
      authorizer,
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

  private async httpApi(defs: HttpFrontEndsDefinition | undefined, info: HttpRequestInfo): Promise<HttpResponse> {
    if (!defs) return frontEndErrors.notFound('http');
    const cors = defs.httpApi.cors;
    if (cors && isPreflight(info.method, info.rawHeaders)) return preflightResponse(cors, info.rawHeaders, 204);
    const match = this.routeTables(defs).http.match(info.method, splitUrl(info.url).rawPath);
    if (!match) return cors ? withCorsHeaders(frontEndErrors.notFound('http'), cors, info.rawHeaders) : frontEndErrors.notFound('http');
    const { route, pathParameters } = match;
    const apiId = stableId(`${this.engine.template.file}\0http`, 10);
    const domainName = `${apiId}.execute-api.${this.engine.settings.region}.amazonaws.com`;
    const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
    const event =
      route.payloadFormatVersion === '2.0'
        ? v2Event(info, { routeKey, pathParameters, accountId: LOCAL_ACCOUNT_ID, apiId, domainName })
        : v1Event(info, {
            rest: false,
            resource: route.path,
            pathParameters,
            accountId: LOCAL_ACCOUNT_ID,
            apiId,
            domainName,
            stage: '$default',
            resourceId: routeKey,
            extendedRequestId: info.requestId,
          });
    const response = await this.invoke(route.functionName, route.qualifier, event, info, { kind: 'http', payloadFormatVersion: route.payloadFormatVersion });
    return cors ? withCorsHeaders(response, cors, info.rawHeaders) : response;
  }

  private async restApi(defs: HttpFrontEndsDefinition | undefined, info: HttpRequestInfo): Promise<HttpResponse> {
    if (!defs) return frontEndErrors.notFound('rest');
    const { rawPath } = splitUrl(info.url);
    const tables = this.routeTables(defs);
    const settings = defs.restApi;
    if (settings.cors && isPreflight(info.method, info.rawHeaders) && tables.rest.hasPath(rawPath)) {
      return preflightResponse(settings.cors, info.rawHeaders, 200, true);
    }
    const match = tables.rest.match(info.method, rawPath);
    if (!match) return frontEndErrors.notFound('rest');
    const { route, pathParameters } = match;
    const apiId = stableId(`${this.engine.template.file}\0rest`, 10);
    const event = v1Event(info, {
      rest: true,
      resource: route.path,
      pathParameters,
      accountId: LOCAL_ACCOUNT_ID,
      apiId,
      domainName: `${apiId}.execute-api.${this.engine.settings.region}.amazonaws.com`,
      stage: settings.stageName,
      resourceId: stableId(route.path, 6),
      extendedRequestId: apiGatewayId(),
      binaryMediaTypes: settings.binaryMediaTypes,
    });
    return this.invoke(route.functionName, route.qualifier, event, info, {
      kind: 'rest',
      payloadFormatVersion: '1.0',
      accept: headerValue(info.rawHeaders, 'accept'),
      binaryMediaTypes: settings.binaryMediaTypes,
    });
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
    if (isWorkbenchError(error) && error.code === 'RequestEntityTooLargeException') return frontEndErrors.tooLarge(kind);
    if (isWorkbenchError(error) && error.code === 'TooManyRequestsException') return frontEndErrors.throttled(kind);
    return frontEndErrors.internal(kind);
  }

  private routeTables(defs: HttpFrontEndsDefinition): { http: RouteTable<ApiRouteDefinition>; rest: RouteTable<ApiRouteDefinition> } {
    let tables = this.tables.get(defs);
    if (!tables) {
      tables = { http: new RouteTable(defs.routes.filter((r) => r.api === 'http')), rest: new RouteTable(defs.routes.filter((r) => r.api === 'rest')) };
      this.tables.set(defs, tables);
    }
    return tables;
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

/** An API Gateway-style request id (`LV7fzho-PHcEJPw=`). */
function apiGatewayId(): string {
  return randomBytes(10).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, '');
}

/** A stable lower-case alphanumeric id (URL ids, API ids) derived from a key. */
function stableId(key: string, length: number): string {
  const digest = createHash('sha256').update(key).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i % digest.length]! % alphabet.length];
  return out;
}
