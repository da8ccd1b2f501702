// A Lambda authorizer as API Gateway runs it: the identity sources are checked (missing → 401, the
// function is not invoked), a cached result is used within the TTL, otherwise the authorizer's
// function runs through the engine like any invocation (its own environments, the timeline, the
// debugger) with the event API Gateway sends it:
// - REST TOKEN: `{type, authorizationToken, methodArn}`;
// - REST REQUEST: the request as a payload 1.0 event without its body, plus `type` and `methodArn`;
// - HTTP API 1.0: the same with `version`, `identitySource` and `authorizationToken` (the identity
//   values joined by commas); HTTP API 2.0: the request as a payload 2.0 event without its body,
//   plus `type`, `routeArn` and `identitySource` (a list).
// Its answer — an IAM policy (`principalId`, `policyDocument`, `context`) or, for HTTP APIs with
// simple responses, `{isAuthorized, context}` — decides; an error `Unauthorized` is a 401, any other
// error or an answer API Gateway cannot use a 500. Allowed, the context (with `principalId`) goes
// into the integration event's `requestContext.authorizer`.
import type { LambdaAuthorizerDefinition } from '../../config/types';
import type { InvocationResult, InvokeOptions } from '../../invoke/invoker';
import { v1Event, v2Event, type HttpRequestInfo } from '../events';
import type { HttpResponse } from '../responses';
import { authorizerResponses } from './gatewayResponses';
import { identityValue, methodArn, requestFacts, type RequestFacts } from './identitySources';
import { evaluatePolicy, parsePolicyDocument, type PolicyStatement } from './policy';
import { type ResultCache } from './resultCache';

/** What running an authorizer needs of the engine. */
export interface AuthorizerInvoker {
  invoke(functionName: string, payload: Buffer | string, options?: InvokeOptions): Promise<InvocationResult>;
  readonly settings: { region: string };
}

/** An authorizer's answer, as cached. */
export type LambdaAuthorizerResult =
  | { kind: 'policy'; principalId: string; statements: PolicyStatement[]; context?: Record<string, unknown> }
  | { kind: 'simple'; isAuthorized: boolean; context?: Record<string, unknown> };

export interface LambdaAuthorization {
  definition: LambdaAuthorizerDefinition;
  info: HttpRequestInfo;
  /** The integration event the front end built; allowed, its `requestContext.authorizer` is set. */
  event: Record<string, unknown>;
  /** The route's path template and key, for an authorizer event built in the other payload format. */
  route: { path: string; method: string };
  cache: ResultCache<LambdaAuthorizerResult>;
  engine: AuthorizerInvoker;
}

/** Undefined: the request goes on to the function; otherwise API Gateway's refusal. */
export async function runLambdaAuthorizer(a: LambdaAuthorization): Promise<HttpResponse | undefined> {
  const { definition: def, info, event, engine } = a;
  const kind = def.api;
  if (def.unavailable) return authorizerResponses.failed(kind);
  const values: string[] = [];
  for (const source of def.identitySources) {
    const value = identityValue(source, kind, info, event);
    if (value === undefined) return authorizerResponses.unauthorized(kind);
    values.push(value);
  }
  if (def.validationExpression !== undefined && !wholeMatch(def.validationExpression, values[0]!)) return authorizerResponses.unauthorized(kind);

  const facts = requestFacts(event, info);
  const arn = methodArn(engine.settings.region, facts);
  const key = JSON.stringify(values);
  let result = def.resultTtlSeconds > 0 ? a.cache.get(key) : undefined;
  let latencyMs = 0;
  if (!result) {
    const started = performance.now();
    let invocation: InvocationResult;
    try {
      const payload = JSON.stringify(authorizerEvent(a, facts, arn, values));
      invocation = await engine.invoke(def.functionName, payload, { qualifier: def.qualifier, traceId: info.traceId });
    } catch {
      return authorizerResponses.failed(kind);
    }
    latencyMs = Math.round(performance.now() - started);
    if (invocation.functionError) {
      return errorMessageOf(invocation.payload) === 'Unauthorized' ? authorizerResponses.unauthorized(kind) : authorizerResponses.failed(kind);
    }
    const parsed = parseResult(def, invocation.payload);
    if (typeof parsed === 'string') return authorizerResponses.failed(kind);
    result = parsed;
    a.cache.set(key, result, def.resultTtlSeconds);
  }

  if (result.kind === 'simple') {
    if (!result.isAuthorized) return authorizerResponses.denied(kind, false);
  } else {
    const decision = evaluatePolicy(result.statements, arn);
    if (decision !== 'allow') return authorizerResponses.denied(kind, decision === 'explicit-deny');
  }
  setAuthorizer(event, authorizerContext(def, result, event, latencyMs));
  return undefined;
}

/** The event the authorizer's function gets. */
function authorizerEvent(a: LambdaAuthorization, facts: RequestFacts, arn: string, values: string[]): Record<string, unknown> {
  const { definition: def, info, event } = a;
  if (def.payloadType === 'TOKEN') return { type: 'TOKEN', authorizationToken: values[0], methodArn: arn };
  if (def.api === 'rest') return { type: 'REQUEST', methodArn: arn, ...withoutBody(event) };
  const routeKey = facts.routeKey ?? (a.route.path === '$default' ? '$default' : `${a.route.method} ${a.route.path}`);
  if (def.payloadFormatVersion === '2.0') {
    const request =
      event.version === '2.0'
        ? event
        : v2Event(info, { routeKey, pathParameters: facts.pathParameters, accountId: facts.accountId, apiId: facts.apiId, domainName: facts.domainName });
    const { version: _version, ...rest } = withoutBody(request);
    if (facts.stageVariables) rest.stageVariables = facts.stageVariables;
    return { version: '2.0', type: 'REQUEST', routeArn: arn, identitySource: values, ...rest };
  }
  const request =
    event.version === '2.0'
      ? v1Event(info, {
          rest: false,
          resource: a.route.path,
          pathParameters: facts.pathParameters,
          accountId: facts.accountId,
          apiId: facts.apiId,
          domainName: facts.domainName,
          stage: facts.stage,
          resourceId: routeKey,
          extendedRequestId: info.requestId,
        })
      : event;
  const { version: _version, ...rest } = withoutBody(request);
  if (facts.stageVariables) rest.stageVariables = facts.stageVariables;
  const joined = values.join(',');
  return { version: '1.0', type: 'REQUEST', methodArn: arn, identitySource: joined, authorizationToken: joined, ...rest };
}

/** Authorizers see the request without its body. */
function withoutBody(event: Record<string, unknown>): Record<string, unknown> {
  const { body: _body, isBase64Encoded: _encoded, ...rest } = event;
  const requestContext = { ...(rest.requestContext as Record<string, unknown>) };
  delete requestContext.authorizer;
  return { ...rest, requestContext };
}

/** The authorizer's answer, checked as API Gateway checks it; a string says why it is unusable. */
function parseResult(def: LambdaAuthorizerDefinition, payload: Buffer): LambdaAuthorizerResult | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const o = value as Record<string, unknown>;
  const context = o.context;
  if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) return 'context is not an object';
  const ctx = (context ?? undefined) as Record<string, unknown> | undefined;
  // A REST API's context holds strings, numbers and booleans only (no objects, no lists).
  if (def.api === 'rest' && ctx && Object.values(ctx).some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
    return 'a context value is not a string, number or boolean';
  }
  if (def.simpleResponses) {
    if (typeof o.isAuthorized !== 'boolean') return 'isAuthorized is not a boolean';
    return ctx ? { kind: 'simple', isAuthorized: o.isAuthorized, context: ctx } : { kind: 'simple', isAuthorized: o.isAuthorized };
  }
  if (typeof o.principalId !== 'string') return 'principalId is not a string';
  const statements = parsePolicyDocument(o.policyDocument);
  if (typeof statements === 'string') return statements;
  return ctx ? { kind: 'policy', principalId: o.principalId, statements, context: ctx } : { kind: 'policy', principalId: o.principalId, statements };
}

/**
 * `requestContext.authorizer` of the integration event: payload 2.0 `{lambda: context}` (with the
 * policy's principalId, as SAM CLI passes it); payload 1.0 the context's keys, `principalId` and
 * `integrationLatency` (0 when the result came from the cache), a REST API's values as strings.
 */
function authorizerContext(
  def: LambdaAuthorizerDefinition,
  result: LambdaAuthorizerResult,
  event: Record<string, unknown>,
  latencyMs: number,
): Record<string, unknown> {
  const context: Record<string, unknown> = { ...(result.context ?? {}) };
  if (def.api === 'rest') for (const [k, v] of Object.entries(context)) context[k] = String(v);
  if (result.kind === 'policy') context.principalId = result.principalId;
  if (event.version === '2.0') return { lambda: context };
  return { ...context, integrationLatency: latencyMs };
}

/** Sets `requestContext.authorizer` where API Gateway puts it: after `apiId` (2.0), after `resourceId` (1.0). */
export function setAuthorizer(event: Record<string, unknown>, authorizer: Record<string, unknown>): void {
  const context = (event.requestContext ?? {}) as Record<string, unknown>;
  const after = event.version === '2.0' ? 'apiId' : 'resourceId';
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(context)) {
    if (k === 'authorizer') continue;
    out[k] = v;
    if (k === after) {
      out.authorizer = authorizer;
      placed = true;
    }
  }
  if (!placed) out.authorizer = authorizer;
  event.requestContext = out;
}

function errorMessageOf(payload: Buffer): string | undefined {
  try {
    const error = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown };
    return typeof error.errorMessage === 'string' ? error.errorMessage : undefined;
  } catch {
    return undefined;
  }
}

const expressions = new Map<string, RegExp>();

/** `Identity.ValidationExpression` against the whole token. */
export function wholeMatch(expression: string, value: string): boolean {
  let re = expressions.get(expression);
  if (!re) {
    re = new RegExp(`^(?:${expression})$`);
    if (expressions.size > 100) expressions.clear();
    expressions.set(expression, re);
  }
  return re.test(value);
}
