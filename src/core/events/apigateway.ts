import {
  clfTime,
  EventOptionError,
  option,
  parseQueryString,
  resolveOptions,
  traceId,
  type EventContext,
  type EventOptionValues,
  type OptionSpec,
} from './common';

// API Gateway's Lambda proxy integrations: REST APIs (payload format 1.0, `apigateway aws-proxy`)
// and HTTP APIs (payload format 2.0, `apigateway http-api-proxy`). Fields a request does not have
// are null in 1.0 and absent in 2.0, as API Gateway sends them.

// --- REST API (1.0) ---

export interface RestApiIdentity {
  cognitoIdentityPoolId: string | null;
  accountId: string | null;
  cognitoIdentityId: string | null;
  caller: string | null;
  apiKey: string | null;
  apiKeyId: string | null;
  sourceIp: string;
  principalOrgId: string | null;
  accessKey: string | null;
  cognitoAuthenticationType: string | null;
  cognitoAuthenticationProvider: string | null;
  userArn: string | null;
  userAgent: string | null;
  user: string | null;
  clientCert: null;
}

export interface RestApiRequestContext {
  resourceId: string;
  resourcePath: string;
  httpMethod: string;
  extendedRequestId: string;
  requestTime: string;
  path: string;
  accountId: string;
  protocol: string;
  stage: string;
  domainPrefix: string;
  requestTimeEpoch: number;
  requestId: string;
  identity: RestApiIdentity;
  domainName: string;
  apiId: string;
}

export interface RestApiProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: RestApiRequestContext;
  body: string | null;
  isBase64Encoded: boolean;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const REQUEST_OPTIONS: OptionSpec[] = [
  option('method', 'string', 'POST', 'HTTP method'),
  option('path', 'string', 'path/to/resource', 'request path'),
  option('body', 'string', '{"test":"body"}', 'request body (empty: none)'),
  option('base64', 'flag', undefined, 'send the body base64-encoded (isBase64Encoded true), as for a binary body'),
  option('headers', 'json', undefined, 'extra request headers, JSON object'),
  option('source-ip', 'string', '198.51.100.7', 'client IP address'),
  option('user-agent', 'string', 'curl/8.5.0', 'client User-Agent'),
];

// SAM's option; its default there is us-east-1's, here the region's.
const DNS_SUFFIX = option('dns-suffix', 'string', undefined, 'DNS suffix of the API host name (default: <region>.amazonaws.com)');

export const APIGATEWAY_AWS_PROXY_OPTIONS: readonly OptionSpec[] = [
  ...REQUEST_OPTIONS,
  option('resource', 'string', '/{proxy+}', 'API resource the path matched (its {name} and {name+} variables become pathParameters)'),
  option('stage', 'string', 'prod', 'deployment stage'),
  option('querystringparameters', 'json', '{"foo":"bar"}', 'query string parameters, JSON object (a value may be an array of values)'),
  option('stage-variables', 'json', undefined, 'stage variables, JSON object'),
  option('api-id', 'string', undefined, 'REST API id (default: generated)'),
  DNS_SUFFIX,
];

export interface HttpRequestParts {
  method: string;
  path: string;
  body: string | undefined;
  isBase64Encoded: boolean;
  extraHeaders: Record<string, string>;
  sourceIp: string;
  userAgent: string;
}

/** The request-describing options every HTTP event takes. */
export function httpRequestParts(ctx: EventContext): HttpRequestParts {
  const method = ctx.string('method').toUpperCase();
  if (!HTTP_METHODS.includes(method)) throw new EventOptionError(`--method: expected one of ${HTTP_METHODS.join(', ')}, got "${ctx.string('method')}"`);
  const path = '/' + ctx.string('path').replace(/^\/+/, '');
  const text = ctx.string('body');
  const isBase64Encoded = ctx.flag('base64') && text !== '';
  return {
    method,
    path,
    body: text === '' ? undefined : isBase64Encoded ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded,
    extraHeaders: ctx.stringMap('headers') ?? {},
    sourceIp: ctx.string('source-ip'),
    userAgent: ctx.string('user-agent'),
  };
}

/** Matches a path against a resource or route template: `{name}` is one segment, `{name+}` the rest. */
export function matchPathTemplate(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/').filter((s) => s !== '');
  const p = path.split('/').filter((s) => s !== '');
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const greedy = /^\{(.+)\+\}$/.exec(t[i]);
    if (greedy) {
      if (i !== t.length - 1 || p.length <= i) return undefined;
      params[greedy[1]] = p.slice(i).join('/');
      return params;
    }
    if (i >= p.length) return undefined;
    const variable = /^\{(.+)\}$/.exec(t[i]);
    if (variable) params[variable[1]] = decodeURIComponent(p[i]);
    else if (t[i] !== p[i]) return undefined;
  }
  return t.length === p.length ? params : undefined;
}

function queryParameters(ctx: EventContext): Record<string, string[]> {
  const value = ctx.json('querystringparameters');
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new EventOptionError('--querystringparameters: expected a JSON object');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = (Array.isArray(v) ? v : [v]).map(String);
  return out;
}

function stringMapOrNull(map: Record<string, string> | undefined): Record<string, string> | null {
  return map && Object.keys(map).length > 0 ? map : null;
}

/** `apigateway aws-proxy`: a REST API request with Lambda proxy integration (payload format 1.0). */
export function apigatewayAwsProxyEvent(values: EventOptionValues = {}): RestApiProxyEvent {
  const ctx = resolveOptions(APIGATEWAY_AWS_PROXY_OPTIONS, values);
  const request = httpRequestParts(ctx);
  const resource = '/' + ctx.string('resource').replace(/^\/+/, '');
  const pathParameters = matchPathTemplate(resource, request.path);
  if (!pathParameters) throw new EventOptionError(`--path ${request.path} does not match --resource ${resource}`);
  const stage = ctx.string('stage');
  const apiId = ctx.optionalString('api-id') ?? ctx.random.lower(10);
  const domainName = `${apiId}.execute-api.${ctx.optionalString('dns-suffix') ?? `${ctx.region}.amazonaws.com`}`;
  const headers: Record<string, string> = {
    Accept: '*/*',
    ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    Host: domainName,
    'User-Agent': request.userAgent,
    'X-Amzn-Trace-Id': traceId(ctx),
    'X-Forwarded-For': request.sourceIp,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...request.extraHeaders,
  };
  const query = queryParameters(ctx);
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    // REST APIs keep the last value of a repeated parameter in queryStringParameters.
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1]])) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: stringMapOrNull(pathParameters),
    stageVariables: stringMapOrNull(ctx.stringMap('stage-variables')),
    requestContext: {
      resourceId: ctx.random.lower(6),
      resourcePath: resource,
      httpMethod: request.method,
      extendedRequestId: shortRequestId(ctx),
      requestTime: clfTime(ctx.now),
      path: `/${stage}${request.path}`,
      accountId: ctx.accountId,
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: apiId,
      requestTimeEpoch: ctx.now,
      requestId: ctx.random.uuid(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        apiKey: null,
        apiKeyId: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: request.userAgent,
        user: null,
        clientCert: null,
      },
      domainName,
      apiId,
    },
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded,
  };
}

/** API Gateway's short request ids (`LV7fzho-PHcEJPw=`). */
export function shortRequestId(ctx: EventContext): string {
  return ctx.random.base64(11).replace(/\+/g, '-').replace(/\//g, '_');
}

// --- HTTP API (2.0); Function URLs use the same format ---

export interface ClientCertificate {
  clientCertPem: string;
  subjectDN: string;
  issuerDN: string;
  serialNumber: string;
  validity: { notBefore: string; notAfter: string };
}

export interface IamAuthorizerContext {
  iam: {
    accessKey: string;
    accountId: string;
    callerId: string;
    cognitoIdentity: null;
    principalOrgId: string | null;
    userArn: string;
    userId: string;
  };
}

export interface JwtAuthorizerContext {
  jwt: { claims: Record<string, string>; scopes: string[] | null };
}

export interface LambdaAuthorizerContext {
  lambda: Record<string, unknown>;
}

export type HttpAuthorizerContext = JwtAuthorizerContext | IamAuthorizerContext | LambdaAuthorizerContext;

export interface HttpRequestContextV2 {
  accountId: string;
  apiId: string;
  authentication?: { clientCert: ClientCertificate };
  authorizer?: HttpAuthorizerContext;
  domainName: string;
  domainPrefix: string;
  http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
  requestId: string;
  routeKey: string;
  stage: string;
  time: string;
  timeEpoch: number;
}

export interface HttpApiProxyEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: HttpRequestContextV2;
  body?: string;
  pathParameters?: Record<string, string>;
  isBase64Encoded: boolean;
  stageVariables?: Record<string, string>;
}

const V2_OPTIONS: OptionSpec[] = [
  option('query-string', 'string', '', 'raw query string (e.g. "a=1&a=2&b=3")'),
  option('cookies', 'list', undefined, 'cookies, comma-separated (e.g. "session=abc,theme=dark")'),
];

export const APIGATEWAY_HTTP_API_PROXY_OPTIONS: readonly OptionSpec[] = [
  ...REQUEST_OPTIONS,
  ...V2_OPTIONS,
  option('route-key', 'string', '$default', 'route that matched ("$default" or "METHOD /path/{param}")'),
  option('stage', 'string', '$default', 'stage'),
  option('authorizer', 'string', 'none', 'authorizer context', ['none', 'jwt', 'iam', 'lambda']),
  option('scopes', 'list', undefined, 'JWT scopes (with --authorizer jwt)'),
  option('client-cert', 'flag', undefined, 'mutual TLS: requestContext.authentication.clientCert'),
  option('stage-variables', 'json', undefined, 'stage variables, JSON object'),
  option('api-id', 'string', undefined, 'HTTP API id (default: generated)'),
  DNS_SUFFIX,
];

/** The 2.0 payload both HTTP APIs and Function URLs send. */
export function httpV2Event(
  ctx: EventContext,
  request: HttpRequestParts,
  target: {
    domainName: string;
    domainPrefix: string;
    apiId: string;
    accountId: string;
    routeKey: string;
    stage: string;
    rawPath: string;
    defaultHeaders: Record<string, string>;
    authorizer?: HttpAuthorizerContext;
    authentication?: { clientCert: ClientCertificate };
    pathParameters?: Record<string, string>;
    stageVariables?: Record<string, string>;
  },
): HttpApiProxyEvent {
  const rawQueryString = ctx.string('query-string').replace(/^\?/, '');
  const query = parseQueryString(rawQueryString);
  const cookies = ctx.list('cookies');
  const headers: Record<string, string> = { ...target.defaultHeaders };
  for (const [k, v] of Object.entries(request.extraHeaders)) headers[k.toLowerCase()] = v;
  if (request.body !== undefined) {
    headers['content-length'] ??= String(Buffer.from(request.body, request.isBase64Encoded ? 'base64' : 'utf8').length);
    headers['content-type'] ??= request.isBase64Encoded ? 'application/octet-stream' : 'application/json';
  }
  return {
    version: '2.0',
    routeKey: target.routeKey,
    rawPath: target.rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers: Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))),
    // HTTP APIs join repeated parameters with commas.
    ...(Object.keys(query).length > 0 ? { queryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(',')])) } : {}),
    requestContext: {
      accountId: target.accountId,
      apiId: target.apiId,
      ...(target.authentication ? { authentication: target.authentication } : {}),
      ...(target.authorizer ? { authorizer: target.authorizer } : {}),
      domainName: target.domainName,
      domainPrefix: target.domainPrefix,
      http: { method: request.method, path: target.rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: request.userAgent },
      requestId: shortRequestId(ctx),
      routeKey: target.routeKey,
      stage: target.stage,
      time: clfTime(ctx.now),
      timeEpoch: ctx.now,
    },
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(target.pathParameters && Object.keys(target.pathParameters).length > 0 ? { pathParameters: target.pathParameters } : {}),
    isBase64Encoded: request.isBase64Encoded,
    ...(target.stageVariables && Object.keys(target.stageVariables).length > 0 ? { stageVariables: target.stageVariables } : {}),
  };
}

/** A caller signed with SigV4 (IAM authorization). */
export function iamAuthorizer(ctx: EventContext): IamAuthorizerContext {
  const callerAccount = ctx.accountId;
  const userId = `AIDA${ctx.random.upper(17)}`;
  return {
    iam: {
      accessKey: `AKIA${ctx.random.upper(16)}`,
      accountId: callerAccount,
      callerId: userId,
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: ctx.arn('iam', 'user/example-user', { region: '' }),
      userId,
    },
  };
}

function jwtAuthorizer(ctx: EventContext, apiId: string): JwtAuthorizerContext {
  const iat = Math.floor(ctx.now / 1000) - 60;
  const scopes = ctx.list('scopes');
  return {
    jwt: {
      claims: {
        sub: ctx.random.uuid(),
        iss: `https://cognito-idp.${ctx.region}.amazonaws.com/${ctx.region}_${ctx.random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 9)}`,
        aud: apiId,
        iat: String(iat),
        exp: String(iat + 3600),
      },
      scopes: scopes.length > 0 ? scopes : null,
    },
  };
}

function clientCertificate(ctx: EventContext): { clientCert: ClientCertificate } {
  const notBefore = new Date(ctx.now - 86_400_000 * 30);
  const notAfter = new Date(ctx.now + 86_400_000 * 335);
  const opensslDate = (d: Date) => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const p = (n: number) => String(n).padStart(2, '0');
    return `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
  };
  const body = ctx.random
    .base64(600)
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return {
    clientCert: {
      clientCertPem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
      subjectDN: 'CN=client.example.com,O=Example Corp,C=US',
      issuerDN: 'CN=Example Private CA,O=Example Corp,C=US',
      serialNumber: ctx.random.hex(32).replace(/(..)(?!$)/g, '$1:'),
      validity: { notBefore: opensslDate(notBefore), notAfter: opensslDate(notAfter) },
    },
  };
}

/** `apigateway http-api-proxy`: an HTTP API request (payload format 2.0). */
export function apigatewayHttpApiProxyEvent(values: EventOptionValues = {}): HttpApiProxyEvent {
  const ctx = resolveOptions(APIGATEWAY_HTTP_API_PROXY_OPTIONS, values);
  const request = httpRequestParts(ctx);
  const apiId = ctx.optionalString('api-id') ?? ctx.random.lower(10);
  const stage = ctx.string('stage');
  const routeKey = ctx.string('route-key');
  let pathParameters: Record<string, string> | undefined;
  if (routeKey !== '$default') {
    const m = /^(ANY|[A-Z]+) (\/.*)$/.exec(routeKey);
    if (!m) throw new EventOptionError(`--route-key: expected "$default" or "METHOD /path", got "${routeKey}"`);
    if (m[1] !== 'ANY' && m[1] !== request.method) throw new EventOptionError(`--route-key ${routeKey} does not match --method ${request.method}`);
    pathParameters = matchPathTemplate(m[2], request.path);
    if (!pathParameters) throw new EventOptionError(`--path ${request.path} does not match --route-key ${routeKey}`);
  }
  const domainName = `${apiId}.execute-api.${ctx.optionalString('dns-suffix') ?? `${ctx.region}.amazonaws.com`}`;
  // A named stage is part of the URL, and of rawPath.
  const rawPath = stage === '$default' ? request.path : `/${stage}${request.path}`;
  const kind = ctx.choice<'none' | 'jwt' | 'iam' | 'lambda'>('authorizer');
  const authorizer: HttpAuthorizerContext | undefined =
    kind === 'jwt' ? jwtAuthorizer(ctx, apiId) : kind === 'iam' ? iamAuthorizer(ctx) : kind === 'lambda' ? { lambda: { principalId: 'user-1' } } : undefined;
  return httpV2Event(ctx, request, {
    domainName,
    domainPrefix: apiId,
    apiId,
    accountId: ctx.accountId,
    routeKey,
    stage,
    rawPath,
    defaultHeaders: {
      accept: '*/*',
      host: domainName,
      'user-agent': request.userAgent,
      'x-amzn-trace-id': traceId(ctx),
      'x-forwarded-for': request.sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    authorizer,
    authentication: ctx.flag('client-cert') ? clientCertificate(ctx) : undefined,
    pathParameters,
    stageVariables: ctx.stringMap('stage-variables'),
  });
}
