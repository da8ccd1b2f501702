// HTTP front ends declared in a template: function URLs (SAM `FunctionUrlConfig`,
// `AWS::Lambda::Url`) and the routes of SAM `Api` (REST, payload 1.0) and `HttpApi` (payload 2.0,
// or 1.0) events, with the API settings the local front ends honour (CORS: corsConfig.ts, binary
// media types, stages: apiStages.ts). Checked against Lambda's and API Gateway's rules; src/core/http serves them.
import type { ApiRouteDefinition, CorsConfig, FunctionDefinition, FunctionUrlDefinition, SourcePosition, TemplateModel } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { integer } from './validation';
import { functionRefOf } from '../vocabulary/functionNames';
import { readStages } from './apiStages';
import { readCors, readRestCors } from './corsConfig';
import { globalsReader, IMPLICIT_HTTP_API, IMPLICIT_REST_API, METHODS, type HttpFrontEndContext } from './frontEndContext';

export type { HttpFrontEndContext };

const URL_KEYS = ['AuthType', 'Cors', 'InvokeMode'];

interface Located<T> {
  def: T;
  r: PropertyReader;
  keys: string[];
}

/** Reads every function URL, API route and API setting into `model.httpFrontEnds` (left absent when there are none). */
export function readHttpFrontEnds(model: TemplateModel, ctx: HttpFrontEndContext): void {
  const urls: Array<Located<FunctionUrlDefinition>> = [];
  const routes: Array<Located<ApiRouteDefinition> & { apiKey: string }> = [];
  for (const fn of model.functions) {
    const r = ctx.readers.get(fn.logicalId);
    if (!r || fn.resourceType !== 'AWS::Serverless::Function') continue;
    const config = r.get('FunctionUrlConfig');
    if (config !== undefined && config !== null) {
      const target = { logicalId: `${fn.logicalId}Url`, functionName: fn.functionName, qualifier: fn.autoPublishAlias };
      const def = readUrlConfig(r, ['FunctionUrlConfig'], target, ctx.position(r.keyAt(['FunctionUrlConfig']).span.start));
      if (def) urls.push({ def, r, keys: ['FunctionUrlConfig'] });
    }
    for (const ev of fn.events) {
      if (ev.type !== 'Api' && ev.type !== 'HttpApi') continue;
      const route = readRoute(fn, ev.name, ev.type, ev.properties, r, ev.position);
      if (route) routes.push(route);
    }
  }
  for (const [id, r] of ctx.readers) {
    const entry = ctx.entries.get(id)!;
    if (entry.type !== 'AWS::Lambda::Url') continue;
    const def = readLambdaUrl(entry, r, ctx);
    if (def) urls.push({ def, r, keys: ['TargetFunctionArn'] });
  }
  checkDuplicateUrls(urls);
  checkDuplicateRoutes(routes);
  const apis = readApiSettings(ctx);
  const stages = readStages(ctx, new Set(routes.map((r) => r.def.apiLogicalId)), apis.restApi.stageName);
  if (urls.length === 0 && routes.length === 0) return;
  model.httpFrontEnds = { functionUrls: urls.map((u) => u.def), routes: routes.map((r) => r.def), ...apis, stages };
}

// ---------------------------------------------------------------------------------------------
// Function URLs

function readUrlConfig(
  r: PropertyReader,
  at: string[],
  target: { logicalId: string; functionName: string; qualifier?: string },
  position: SourcePosition,
): FunctionUrlDefinition | undefined {
  const config = at.length ? r.get(...at) : r.values;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    r.error('invalid-type', at, `${at.join('.')} must be a mapping with AuthType (and optionally Cors, InvokeMode), got ${describe(config)}`);
    return undefined;
  }
  if (at.length) {
    for (const key of Object.keys(config)) {
      if (!URL_KEYS.includes(key)) r.error('unknown-property', [...at, key], `${key} is not a property of FunctionUrlConfig (allowed: ${URL_KEYS.join(', ')})`);
    }
  }
  const authType = r.get(...at, 'AuthType');
  if (authType !== 'NONE' && authType !== 'AWS_IAM') {
    const written = authType === undefined ? 'is missing' : `is ${describe(authType)}`;
    r.error(
      authType === undefined ? 'missing-property' : 'invalid-value',
      [...at, 'AuthType'],
      `AuthType ${written}: a function URL needs AuthType NONE (public) or AWS_IAM (SigV4-signed requests)`,
    );
    return undefined;
  }
  if (authType === 'AWS_IAM') {
    r.report(
      'info',
      'not-enforced',
      [...at, 'AuthType'],
      'AuthType AWS_IAM: locally the SigV4 signature is verified against your credentials, but no IAM policy is evaluated: any request they sign is allowed',
    );
  }
  const mode = r.get(...at, 'InvokeMode') ?? 'BUFFERED';
  if (mode !== 'BUFFERED' && mode !== 'RESPONSE_STREAM') {
    r.error('invalid-value', [...at, 'InvokeMode'], `InvokeMode must be BUFFERED or RESPONSE_STREAM, got ${describe(mode)}`);
  }
  const def: FunctionUrlDefinition = {
    logicalId: target.logicalId,
    functionName: target.functionName,
    authType,
    invokeMode: mode === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED',
    position,
  };
  if (target.qualifier !== undefined) def.qualifier = target.qualifier;
  const cors = readCors(r, [...at, 'Cors'], 'url');
  if (cors) def.cors = cors;
  return def;
}

/** `AWS::Lambda::Url`: TargetFunctionArn (a name, an ARN, qualified or not), Qualifier, AuthType, Cors, InvokeMode. */
function readLambdaUrl(entry: ResourceEntry, r: PropertyReader, ctx: HttpFrontEndContext): FunctionUrlDefinition | undefined {
  const target = r.get('TargetFunctionArn');
  if (typeof target !== 'string' || target === '') {
    if (target === undefined && !r.written('TargetFunctionArn')) {
      r.error(
        'missing-property',
        ['TargetFunctionArn'],
        'Missing required property TargetFunctionArn (the function: !Ref MyFunction, !GetAtt MyFunction.Arn or an alias)',
      );
    } else if (target !== undefined) {
      r.error('invalid-type', ['TargetFunctionArn'], `TargetFunctionArn must be a function name or ARN, got ${describe(target)}`);
    }
    return undefined;
  }
  const ref = functionRefOf(target);
  const property = r.get('Qualifier');
  let qualifier = ref.qualifier;
  if (property !== undefined && property !== null) {
    const text = String(property);
    if (qualifier !== undefined && qualifier !== text) {
      r.error('invalid-value', ['Qualifier'], `Qualifier '${text}' does not match the qualifier '${qualifier}' of TargetFunctionArn`);
      return undefined;
    }
    qualifier = text;
  }
  if (qualifier === '$LATEST') qualifier = undefined;
  if (qualifier !== undefined && (/^\d+$/.test(qualifier) || qualifier.includes('${'))) {
    r.error(
      'invalid-value',
      r.written('Qualifier') ? ['Qualifier'] : ['TargetFunctionArn'],
      'A function URL can point to $LATEST or an alias, not to a published version',
    );
    return undefined;
  }
  if (qualifier !== undefined && !/^[a-zA-Z0-9_-]{1,128}$/.test(qualifier)) {
    r.error('invalid-value', ['Qualifier'], `Qualifier '${qualifier}' is not an alias name (letters, digits, hyphens, underscores)`);
    return undefined;
  }
  const fn = ctx.functions.get(ref.name);
  if (!fn) {
    const known = [...ctx.functions.keys()].join(', ') || 'none';
    r.warning(
      'unknown-function',
      ['TargetFunctionArn'],
      `AWS::Lambda::Url '${entry.logicalId}' targets function '${ref.name}', which is not defined in this template (functions: ${known})`,
    );
    return undefined;
  }
  const def = readUrlConfig(r, [], { logicalId: entry.logicalId, functionName: fn.functionName, qualifier }, ctx.position(entry.keyStart));
  if (def?.authType === 'NONE' && !grantsPublicUrl(ctx, def.functionName, def.qualifier)) {
    const target = def.qualifier ? `alias '${def.qualifier}' of function '${def.functionName}'` : `function '${def.functionName}'`;
    r.warning(
      'missing-url-permission',
      ['AuthType'],
      `AuthType NONE, but no AWS::Lambda::Permission grants lambda:InvokeFunctionUrl to Principal '*' on the ${target}: Lambda answers every request 403 Forbidden (SAM's FunctionUrlConfig adds that permission; with AWS::Lambda::Url the template declares it)`,
    );
    def.missingPermission = true;
  }
  return def;
}

/**
 * Whether an AWS::Lambda::Permission of the template lets anyone (`*`) call the URL of a function or
 * alias, as an AuthType NONE URL needs: Action lambda:InvokeFunctionUrl (or lambda:*), on the same
 * function and qualifier (a permission belongs to the function, a version or an alias, not to all).
 */
function grantsPublicUrl(ctx: HttpFrontEndContext, functionName: string, qualifier: string | undefined): boolean {
  for (const [id, r] of ctx.readers) {
    if (ctx.entries.get(id)?.type !== 'AWS::Lambda::Permission') continue;
    const { Action: action, Principal: principal, FunctionName: target, FunctionUrlAuthType: authType } = r.values as Record<string, unknown>;
    if ((action !== 'lambda:InvokeFunctionUrl' && action !== 'lambda:*') || principal !== '*' || typeof target !== 'string') continue;
    if (authType !== undefined && authType !== 'NONE') continue;
    const ref = functionRefOf(target);
    const granted = ref.qualifier === '$LATEST' ? undefined : ref.qualifier;
    if (ctx.functions.get(ref.name)?.functionName === functionName && granted === qualifier) return true;
  }
  return false;
}

function checkDuplicateUrls(urls: Array<Located<FunctionUrlDefinition>>): void {
  const seen = new Map<string, FunctionUrlDefinition>();
  for (let i = 0; i < urls.length; i++) {
    const { def, r, keys } = urls[i]!;
    const key = `${def.functionName}:${def.qualifier ?? '$LATEST'}`;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, def);
      continue;
    }
    const target = def.qualifier ? `alias '${def.qualifier}' of function '${def.functionName}'` : `function '${def.functionName}' ($LATEST)`;
    r.error(
      'duplicate-function-url',
      keys,
      `The ${target} already has a function URL ('${other.logicalId}', line ${other.position.line}); Lambda allows one per function or alias`,
    );
    urls.splice(i--, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// CORS

// ---------------------------------------------------------------------------------------------
// API routes

function readRoute(
  fn: FunctionDefinition,
  eventName: string,
  type: 'Api' | 'HttpApi',
  props: Record<string, unknown>,
  r: PropertyReader,
  position: SourcePosition,
): (Located<ApiRouteDefinition> & { apiKey: string }) | undefined {
  const at = (key: string) => ['Events', eventName, 'Properties', key];
  const api = type === 'Api' ? 'rest' : 'http';
  let path = props.Path;
  let method = props.Method;
  if (api === 'http' && path === undefined && method === undefined) {
    path = '$default';
    method = 'ANY';
  } else {
    let ok = true;
    for (const [key, value] of [
      ['Path', path],
      ['Method', method],
    ] as const) {
      if (typeof value === 'string' && value !== '') continue;
      ok = false;
      if (value === undefined && !r.written(...at(key))) {
        const hint = api === 'http' ? ' (an HttpApi event has both Path and Method, or neither for the $default route)' : '';
        r.error('missing-property', at(key), `${type} event '${eventName}' has no ${key}${hint}`);
      } else if (value !== undefined) {
        r.error('invalid-type', at(key), `${key} of ${type} event '${eventName}' must be a string, got ${describe(value)}`);
      }
    }
    if (!ok) return undefined;
    const problem = pathProblem(path as string);
    if (problem) {
      r.error('invalid-value', at('Path'), `Path '${path}' of ${type} event '${eventName}' ${problem}`);
      return undefined;
    }
    method = (method as string).toUpperCase();
    if (method !== 'ANY' && !METHODS.has(method as string)) {
      r.error('invalid-value', at('Method'), `Method '${props.Method}' of ${type} event '${eventName}' is not one of ${[...METHODS].join(', ')}, ANY`);
      return undefined;
    }
  }
  let version: '1.0' | '2.0' = api === 'rest' ? '1.0' : '2.0';
  const pfv = props.PayloadFormatVersion;
  if (api === 'http' && pfv !== undefined && pfv !== null) {
    const text = typeof pfv === 'number' ? pfv.toFixed(1) : String(pfv);
    if (text === '1.0' || text === '2.0') version = text;
    else r.error('invalid-value', at('PayloadFormatVersion'), `PayloadFormatVersion must be '1.0' or '2.0', got ${describe(pfv)}`);
  }
  // `!Ref MyApi` resolves to the logical id; without one, the route is on SAM's implicit API.
  const apiRef = api === 'rest' ? props.RestApiId : props.ApiId;
  const implicitApi = api === 'rest' ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
  const def: ApiRouteDefinition = {
    api,
    method: method as string,
    path: path as string,
    functionName: fn.functionName,
    eventName,
    payloadFormatVersion: version,
    apiLogicalId: apiRef === undefined || apiRef === null ? implicitApi : typeof apiRef === 'string' ? apiRef : JSON.stringify(apiRef),
    position,
  };
  if (fn.autoPublishAlias !== undefined) def.qualifier = fn.autoPublishAlias;
  // API Gateway's integration timeout of the route: 50 ms up to 29 s (REST) or 30 s (HTTP API).
  const timeoutMs = integer(r, at('TimeoutInMillis'), { min: 50, max: api === 'rest' ? 29_000 : 30_000, unit: 'milliseconds' });
  if (timeoutMs !== undefined) def.timeoutMs = timeoutMs;
  const apiKey = JSON.stringify(apiRef ?? null);
  return { def, r, keys: path === '$default' ? ['Events', eventName] : at('Path'), apiKey };
}

/** Why a path template cannot be an API Gateway resource path, or undefined. */
function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return "must start with '/'";
  if (path === '/') return undefined;
  const segments = path.slice(1).split('/');
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === '') return 'has an empty segment (// or a trailing /)';
    const m = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(s);
    if (m) {
      if (m[2] && i !== segments.length - 1) return `has the greedy parameter {${m[1]}+} before the last segment`;
      if (names.has(m[1]!)) return `names the parameter {${m[1]}} twice`;
      names.add(m[1]!);
    } else if (/[{}]/.test(s)) {
      return `has a segment '${s}' that is not a literal or a whole {parameter}`;
    }
  }
  return undefined;
}

/** The same method and path twice in one API is an error (AWS refuses it); in two APIs merged locally, the first wins. */
function checkDuplicateRoutes(routes: Array<Located<ApiRouteDefinition> & { apiKey: string }>): void {
  const seen = new Map<string, Located<ApiRouteDefinition> & { apiKey: string }>();
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const { def } = route;
    const key = `${def.api} ${def.method} ${def.path.replace(/\{[^}]*?(\+?)\}/g, '{$1}')}`;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, route);
      continue;
    }
    const what = def.path === '$default' ? `the $default route` : `${def.method} ${def.path}`;
    const first = `'${other.def.functionName}' (event '${other.def.eventName}', line ${other.def.position.line})`;
    if (other.apiKey === route.apiKey) {
      route.r.error('duplicate-route', route.keys, `${what} is already routed to ${first} in the same API`);
    } else {
      route.r.warning(
        'route-shadowed',
        route.keys,
        `${what} is also routed to ${first} in another API; locally the ${def.api === 'rest' ? 'REST' : 'HTTP'} APIs share one server and the first route wins`,
      );
    }
    routes.splice(i--, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// API-wide settings (Globals and explicit API resources, merged: one local API per kind)

function readApiSettings(ctx: HttpFrontEndContext): Pick<NonNullable<TemplateModel['httpFrontEnds']>, 'httpApi' | 'restApi'> {
  const httpApi: { cors?: CorsConfig } = {};
  const restApi: { stageName: string; binaryMediaTypes: string[]; cors?: CorsConfig } = { stageName: 'Prod', binaryMediaTypes: [] };
  let stageSet = false;
  // [reader, SAM-shaped (Globals or AWS::Serverless::*)]
  const http: Array<[PropertyReader, boolean]> = [];
  const rest: Array<[PropertyReader, boolean]> = [];
  const globalHttp = globalsReader(ctx, 'HttpApi');
  const globalRest = globalsReader(ctx, 'Api');
  if (globalHttp) http.push([globalHttp, true]);
  if (globalRest) rest.push([globalRest, true]);
  for (const [id, r] of ctx.readers) {
    const type = ctx.entries.get(id)!.type;
    if (type === 'AWS::Serverless::HttpApi' || type === 'AWS::ApiGatewayV2::Api') http.push([r, type.startsWith('AWS::Serverless')]);
    else if (type === 'AWS::Serverless::Api' || type === 'AWS::ApiGateway::RestApi') rest.push([r, type.startsWith('AWS::Serverless')]);
  }
  for (const [r] of http) {
    // AWS::ApiGatewayV2::Api's CorsConfiguration has the same shape as SAM's.
    const cors = readCors(r, ['CorsConfiguration'], 'http');
    if (cors && !httpApi.cors) httpApi.cors = cors;
  }
  for (const [r, sam] of rest) {
    const stage = sam ? r.get('StageName') : undefined;
    if (typeof stage === 'string' && stage !== '' && !stageSet) {
      restApi.stageName = stage;
      stageSet = true;
    }
    const types = r.get('BinaryMediaTypes');
    if (Array.isArray(types)) {
      for (const t of types) if (typeof t === 'string') restApi.binaryMediaTypes.push(t.replace(/~1/g, '/'));
    } else if (types !== undefined && types !== null) {
      r.error('invalid-type', ['BinaryMediaTypes'], `BinaryMediaTypes must be a list of media types (e.g. image~1png), got ${describe(types)}`);
    }
    if (sam) {
      const cors = readRestCors(r);
      if (cors && !restApi.cors) restApi.cors = cors;
    }
  }
  return { httpApi, restApi };
}

// ---------------------------------------------------------------------------------------------
// Stages: the stage each API is served as (`requestContext.stage`, `stageVariables`)
