import type { ApiRouteDefinition, ApiStage, HttpFrontEndsDefinition, TemplateModel } from '../config/types';
import type { InvocationResult, InvokeOptions } from '../invoke/invoker';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import { isPreflight, preflightResponse, withCorsHeaders } from './cors';
import { headerValue, splitUrl, v1Event, v2Event, type HttpRequestInfo } from './events';
import { RouteAuthorizers } from './authorizers/routeAuthorizers';
import { apiGatewayId, stableId } from './ids';
import { engineFailure, frontEndErrors, toHttpResponse, type HttpResponse, type ResponseContext } from './responses';
import { RouteTable, type RouteMatch } from './routes';
import { findStaticFile, type StaticFile } from './staticFiles';

// API Gateway in front of a template's functions: the routes of its REST APIs (`Api` events,
// payload 1.0 with REST's requestContext) and HTTP APIs (`HttpApi` events, their payload format
// version), served on a port of each kind (`serve`) or all on one port (`start-api`, as SAM). On
// one port, API Gateway's precedence decides across both kinds (routes.ts: literal over
// {parameter} over {proxy+}, a method over ANY, $default last); a route that a REST and an HTTP
// API both claim goes to the one declared first (routeConflicts says which, for a warning). Each
// route keeps its own kind's event, answers and headers, and its API's stage: `stage` and
// `stageVariables`. API Gateway stops waiting for the function after its integration timeout
// (TimeoutInMillis, else 29 s REST / 30 s HTTP API) and answers 504 / 503 while the function runs on
// to its own timeout; not while a debugger holds the function. `requestContext.requestId` is the
// invocation's request id, so the front end's answer and the function's logs share one id.

export type ApiKind = 'rest' | 'http';

/** What the API front end needs of the engine (the Workbench provides it). */
export interface ApiEngine {
  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult>;
  readonly template: TemplateModel;
  readonly settings: { region: string };
  /** Whether the function runs under a debugger (its integration timeout is lifted then). */
  isDebugging?(functionName: string): boolean;
}

export interface ApiGatewayOptions {
  /** Replaces every integration timeout (TimeoutInMillis, 29 s REST, 30 s HTTP API), in ms: tests. */
  integrationTimeoutMs?: number;
  /** A directory whose files are served before the routes as SAM's `--static-dir` (staticFiles.ts). */
  staticDir?: string;
  /** Told each time API Gateway stops waiting for a function (hosts say so: the function runs on). */
  onIntegrationTimeout?: (timeout: IntegrationTimeout) => void;
}

/** A request API Gateway answered with its integration timeout's 504 / 503. */
export interface IntegrationTimeout {
  method: string;
  /** The raw path. */
  path: string;
  functionName: string;
  /** The invocation's request id (its END / REPORT lines come later). */
  requestId: string;
  timeoutMs: number;
  status: number;
}

/** API Gateway's answer to a request: a response of one kind, or a static file. */
export type ApiAnswer = { kind: ApiKind; response: HttpResponse } | { staticFile: StaticFile };

/** API Gateway's integration timeout of a Lambda proxy integration, by kind, in ms. */
export const INTEGRATION_TIMEOUT_MS: Record<ApiKind, number> = { rest: 29_000, http: 30_000 };

/** A route two APIs of different kinds both claim on a shared port: `winner` answers it. */
export interface RouteConflict {
  /** `GET /items/{id}` */
  routeKey: string;
  winner: ApiRouteDefinition;
  shadowed: ApiRouteDefinition;
}

/** The routes that a REST and an HTTP API both claim (same method and path template): the first declared wins. */
export function routeConflicts(routes: readonly ApiRouteDefinition[]): RouteConflict[] {
  const first = new Map<string, ApiRouteDefinition>();
  const conflicts: RouteConflict[] = [];
  for (const route of routes) {
    // Parameter names do not matter to matching: /items/{id} and /items/{itemId} are one route.
    const key = `${route.method} ${route.path.replace(/\{[^}]*?(\+?)\}/g, '{$1}')}`;
    const winner = first.get(key);
    if (!winner) first.set(key, route);
    else if (winner.api !== route.api) conflicts.push({ routeKey: `${route.method} ${winner.path}`, winner, shadowed: route });
  }
  return conflicts;
}

const TIMED_OUT = Symbol('timed out');

export class ApiGateway {
  private readonly tables = new WeakMap<HttpFrontEndsDefinition, Map<string, RouteTable<ApiRouteDefinition>>>();
  private readonly authorizers: RouteAuthorizers;

  constructor(
    private readonly engine: ApiEngine,
    private readonly options: ApiGatewayOptions = {},
  ) {
    this.authorizers = new RouteAuthorizers(engine);
  }

  /** The kind whose answers a port gives when no route decides (REST's 403 when it serves REST routes, else HTTP's 404). */
  fallbackKind(kinds: readonly ApiKind[]): ApiKind {
    const defs = this.engine.template.httpFrontEnds;
    return kinds.includes('rest') && (defs?.routes.some((r) => r.api === 'rest') ?? true) ? 'rest' : 'http';
  }

  /** Answers a request to a port that serves the routes of `kinds`. */
  async answer(kinds: readonly ApiKind[], info: HttpRequestInfo): Promise<ApiAnswer> {
    const defs = this.engine.template.httpFrontEnds;
    const fallback = this.fallbackKind(kinds);
    if (!defs) return { kind: fallback, response: frontEndErrors.notFound(fallback) };
    const { rawPath } = splitUrl(info.url);
    const restCors = kinds.includes('rest') ? defs.restApi.cors : undefined;
    const httpCors = kinds.includes('http') ? defs.httpApi.cors : undefined;
    if (isPreflight(info.method, info.rawHeaders)) {
      // A REST API answers the preflight of its own resources; an HTTP API's CORS answers any path.
      if (restCors && this.table(defs, ['rest']).hasPath(rawPath)) return { kind: 'rest', response: preflightResponse(restCors, info.rawHeaders, 200, true) };
      if (httpCors) return { kind: 'http', response: preflightResponse(httpCors, info.rawHeaders, 204) };
    }
    const match = this.table(defs, kinds).match(info.method, rawPath);
    if (this.options.staticDir && (!match || yieldsToStaticFiles(match.route))) {
      const staticFile = findStaticFile(this.options.staticDir, info.method, rawPath);
      if (staticFile) return { staticFile };
    }
    if (!match) {
      const response = frontEndErrors.notFound(fallback);
      return { kind: fallback, response: fallback === 'http' && httpCors ? withCorsHeaders(response, httpCors, info.rawHeaders) : response };
    }
    if (match.route.api === 'http') {
      const response = await this.httpRoute(defs, match, info);
      return { kind: 'http', response: httpCors ? withCorsHeaders(response, httpCors, info.rawHeaders) : response };
    }
    return { kind: 'rest', response: await this.restRoute(defs, match, info) };
  }

  private async httpRoute(
    defs: HttpFrontEndsDefinition,
    { route, pathParameters }: RouteMatch<ApiRouteDefinition>,
    info: HttpRequestInfo,
  ): Promise<HttpResponse> {
    const apiId = stableId(`${this.engine.template.file}\0http`, 10);
    const domainName = `${apiId}.execute-api.${this.engine.settings.region}.amazonaws.com`;
    const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
    const stage = stageOf(defs, route);
    const event =
      route.payloadFormatVersion === '2.0'
        ? v2Event(info, { routeKey, pathParameters, accountId: LOCAL_ACCOUNT_ID, apiId, domainName, stage: stage.stageName, stageVariables: stage.variables })
        : v1Event(info, {
            rest: false,
            resource: route.path,
            pathParameters,
            accountId: LOCAL_ACCOUNT_ID,
            apiId,
            domainName,
            stage: stage.stageName,
            stageVariables: stage.variables,
            resourceId: routeKey,
            extendedRequestId: apiGatewayId(),
          });
    return this.invoke(route, event, info, { kind: 'http', payloadFormatVersion: route.payloadFormatVersion });
  }

  private async restRoute(
    defs: HttpFrontEndsDefinition,
    { route, pathParameters }: RouteMatch<ApiRouteDefinition>,
    info: HttpRequestInfo,
  ): Promise<HttpResponse> {
    const apiId = stableId(`${this.engine.template.file}\0rest`, 10);
    const stage = stageOf(defs, route);
    const event = v1Event(info, {
      rest: true,
      resource: route.path,
      pathParameters,
      accountId: LOCAL_ACCOUNT_ID,
      apiId,
      domainName: `${apiId}.execute-api.${this.engine.settings.region}.amazonaws.com`,
      stage: stage.stageName,
      stageVariables: stage.variables,
      resourceId: stableId(route.path, 6),
      extendedRequestId: apiGatewayId(),
      binaryMediaTypes: defs.restApi.binaryMediaTypes,
    });
    return this.invoke(route, event, info, {
      kind: 'rest',
      payloadFormatVersion: '1.0',
      accept: headerValue(info.rawHeaders, 'accept'),
      binaryMediaTypes: defs.restApi.binaryMediaTypes,
    });
  }

  /** Invokes the route's function with the request's id; past the integration timeout, API Gateway's 504 / 503. */
  private async invoke(
    route: ApiRouteDefinition,
    event: Record<string, unknown>,
    info: HttpRequestInfo,
    ctx: ResponseContext & { kind: ApiKind },
  ): Promise<HttpResponse> {
    // The route's authorizer first (authorizers/): a refusal is API Gateway's answer, an allow fills requestContext.authorizer.
    const refusal = await this.authorizers.authorize(route, info, event);
    if (refusal) return refusal;
    const invocation = this.engine.invoke(route.functionName, JSON.stringify(event), {
      qualifier: route.qualifier,
      traceId: info.traceId,
      requestId: info.requestId,
    });
    const limit = this.options.integrationTimeoutMs ?? route.timeoutMs ?? INTEGRATION_TIMEOUT_MS[ctx.kind];
    let result: InvocationResult | typeof TIMED_OUT;
    try {
      result = await withIntegrationTimeout(invocation, limit, () => this.engine.isDebugging?.(route.functionName) ?? false);
    } catch (error) {
      return engineFailure(error, ctx.kind);
    }
    if (result === TIMED_OUT) {
      const response = frontEndErrors.integrationTimeout(ctx.kind);
      this.options.onIntegrationTimeout?.({
        method: info.method,
        path: splitUrl(info.url).rawPath,
        functionName: route.functionName,
        requestId: info.requestId,
        timeoutMs: limit,
        status: response.status,
      });
      return response;
    }
    return result.functionError ? frontEndErrors.badGateway(ctx.kind) : toHttpResponse(result.payload, ctx);
  }

  /** The route table of these kinds for this template (hot reload gives a new definition, hence a new table). */
  private table(defs: HttpFrontEndsDefinition, kinds: readonly ApiKind[]): RouteTable<ApiRouteDefinition> {
    let byKinds = this.tables.get(defs);
    if (!byKinds) this.tables.set(defs, (byKinds = new Map()));
    const key = [...kinds].sort().join('+');
    let table = byKinds.get(key);
    if (!table) byKinds.set(key, (table = new RouteTable(defs.routes.filter((r) => kinds.includes(r.api)))));
    return table;
  }
}

/** The stage a route's API is served as (`Prod` / `$default` when the template reader gave none). */
function stageOf(defs: HttpFrontEndsDefinition, route: ApiRouteDefinition): ApiStage {
  return defs.stages?.[route.apiLogicalId] ?? { stageName: route.api === 'rest' ? defs.restApi.stageName : '$default' };
}

/** Whether a static file goes before this route: SAM's (Werkzeug's) order puts a greedy route at the root and $default after it. */
function yieldsToStaticFiles(route: ApiRouteDefinition): boolean {
  return route.path === '$default' || /^\/\{[^/}]+\+\}$/.test(route.path);
}

/**
 * The invocation's result, or TIMED_OUT once `ms` pass without one — unless `lifted()` says a
 * debugger holds the function then, in which case it waits for the result however long it takes.
 * The invocation is never abandoned: it runs on, and its result or failure is dropped.
 */
function withIntegrationTimeout<T>(invocation: Promise<T>, ms: number, lifted: () => boolean): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (!lifted()) resolve(TIMED_OUT);
    }, ms);
    invocation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
