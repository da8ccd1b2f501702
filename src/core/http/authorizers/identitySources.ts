// What an authorizer reads of a request: its identity sources' values (a header, a query string
// parameter, a stage variable, a context variable), and the facts of the request the front end
// already put in the integration event it built (API id, stage, account, path parameters, stage
// variables), so the authorizer's event and method ARN say what the function's event says.
import type { IdentitySource } from '../../config/types';
import { headerPairs, parseQuery, splitUrl, type HttpRequestInfo } from '../events';

export interface RequestFacts {
  accountId: string;
  apiId: string;
  domainName: string;
  stage: string;
  method: string;
  /** The raw path, as requested (no stage prefix). */
  rawPath: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  /** Payload 2.0 integration events only. */
  routeKey?: string;
}

type Event = Record<string, unknown>;

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  const r = record(v);
  return Object.keys(r).length > 0 ? (r as Record<string, string>) : undefined;
}

/** The request's facts, read from the integration event (payload 1.0 or 2.0). */
export function requestFacts(event: Event, info: HttpRequestInfo): RequestFacts {
  const context = record(event.requestContext);
  const text = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
  const facts: RequestFacts = {
    accountId: text(context.accountId),
    apiId: text(context.apiId),
    domainName: text(context.domainName),
    stage: text(context.stage, '$default'),
    method: info.method,
    rawPath: splitUrl(info.url).rawPath,
  };
  const pathParameters = stringRecord(event.pathParameters);
  if (pathParameters) facts.pathParameters = pathParameters;
  const stageVariables = stringRecord(event.stageVariables);
  if (stageVariables) facts.stageVariables = stageVariables;
  if (event.version === '2.0' && typeof event.routeKey === 'string') facts.routeKey = event.routeKey;
  return facts;
}

/**
 * The value of an identity source, or undefined when it is missing or empty (API Gateway then
 * answers 401 without invoking the authorizer). A header is matched case-insensitively, a query
 * parameter exactly; an HTTP API joins repeated values with commas (as in its 2.0 events), a REST
 * API takes the first header and the last query value (as in its 1.0 events).
 */
export function identityValue(source: IdentitySource, kind: 'rest' | 'http', info: HttpRequestInfo, event: Event): string | undefined {
  let value: string | undefined;
  if (source.kind === 'header') {
    const name = source.name.toLowerCase();
    const values = headerPairs(info.rawHeaders)
      .filter(([n]) => n.toLowerCase() === name)
      .map(([, v]) => v);
    value = kind === 'http' ? (values.length ? values.join(',') : undefined) : values[0];
  } else if (source.kind === 'query') {
    const values = parseQuery(splitUrl(info.url).rawQueryString)
      .filter(([n]) => n === source.name)
      .map(([, v]) => v);
    value = kind === 'http' ? (values.length ? values.join(',') : undefined) : values.at(-1);
  } else if (source.kind === 'stageVariable') {
    value = stringRecord(event.stageVariables)?.[source.name];
  } else {
    value = contextValue(source.name, event);
  }
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** HTTP APIs' `$context` names that payload 2.0 keeps under `requestContext.http`. */
const V2_CONTEXT: Record<string, string> = {
  httpMethod: 'http.method',
  path: 'http.path',
  protocol: 'http.protocol',
  'identity.sourceIp': 'http.sourceIp',
  'identity.userAgent': 'http.userAgent',
};

/** A `$context.x.y` variable, read from the integration event's `requestContext`. */
function contextValue(name: string, event: Event): string | undefined {
  const dotted = event.version === '2.0' ? (V2_CONTEXT[name] ?? name) : name;
  let cur: unknown = event.requestContext;
  for (const part of dotted.split('.')) cur = record(cur)[part];
  return typeof cur === 'string' ? cur : typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : undefined;
}

/** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`: what a policy's Resource is matched against. */
export function methodArn(region: string, facts: RequestFacts): string {
  return `arn:aws:execute-api:${region}:${facts.accountId}:${facts.apiId}/${facts.stage}/${facts.method}${facts.rawPath}`;
}
