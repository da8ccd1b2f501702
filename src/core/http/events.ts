// HTTP request → the event AWS's front ends send to Lambda:
// - payload format 2.0 (function URLs, HTTP APIs by default): lower-cased header names with
//   duplicates comma-joined, `cookies` split out of the Cookie header(s), `queryStringParameters`
//   with repeated keys comma-joined, `requestContext.http`;
// - payload format 1.0 (REST APIs, HTTP APIs with PayloadFormatVersion 1.0): headers as sent,
//   `headers` / `queryStringParameters` with the last value and `multiValueHeaders` /
//   `multiValueQueryStringParameters` with all of them, `requestContext.identity`, `null` for
//   absent parts.
// Bodies are text when the content type is textual and the bytes are UTF-8, otherwise base64 with
// `isBase64Encoded: true` (a REST API base64-encodes only its binary media types, as AWS does).

export interface HttpRequestInfo {
  method: string;
  /** Path and query string as received (`/a/b?x=1`). */
  url: string;
  /** Header names and values in order, as Node's `rawHeaders`. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** The port the request came in on (`x-forwarded-port`). */
  port: number;
  time: Date;
  /** The front end's request id (`requestContext.requestId`). */
  requestId: string;
  /** The X-Ray trace header the invocation carries (`Root=…;Parent=…;Sampled=0`). */
  traceId: string;
}

export interface V2EventOptions {
  /** `$default` (function URLs, an HTTP API's default route) or `GET /items/{id}`. */
  routeKey: string;
  pathParameters?: Record<string, string>;
  accountId: string;
  apiId: string;
  domainName: string;
  /** Function URLs with AWS_IAM: `{ iam: {…} }`. */
  authorizer?: Record<string, unknown>;
  /** The stage (default `$default`: function URLs, an HTTP API's default stage). */
  stage?: string;
  /** The stage's variables; the event has no `stageVariables` when there are none, as AWS sends it. */
  stageVariables?: Record<string, string>;
  /**
   * Function URLs: `requestContext.http.path` percent-decoded (`rawPath` stays as sent), as Lambda
   * sends it (recorded: a request for `/pa2%25Fth/1` has the path `/pa2%Fth/1`).
   */
  decodedPath?: boolean;
}

export interface V1EventOptions {
  /** The REST API: stage in `requestContext.path`, base64 only for binary media types, no `version`. */
  rest: boolean;
  /** The route's path template (`/items/{id}`), `$default` for an HTTP API's default route. */
  resource: string;
  pathParameters?: Record<string, string>;
  accountId: string;
  apiId: string;
  domainName: string;
  stage: string;
  /** The stage's variables (`stageVariables`, null when there are none). */
  stageVariables?: Record<string, string>;
  resourceId: string | null;
  extendedRequestId: string;
  /** REST APIs: `BinaryMediaTypes` (`image/png`, `image/*`, `*\/*`). */
  binaryMediaTypes?: string[];
}

export function splitUrl(url: string): { rawPath: string; rawQueryString: string } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  return { rawPath: rawPath === '' ? '/' : rawPath, rawQueryString: q < 0 ? '' : url.slice(q + 1) };
}

/** Query parameters in order, names and values percent-decoded (`+` is kept, as API Gateway keeps it). */
export function parseQuery(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return out;
}

export function headerPairs(rawHeaders: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return out;
}

/** The first value of a header (case-insensitive). */
export function headerValue(rawHeaders: string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lower) return rawHeaders[i + 1];
  return undefined;
}

/** Content types whose bodies function URLs and HTTP APIs pass as text. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type.includes('json') || type.includes('xml') || type === 'application/javascript';
}

/** Whether a media type matches one of a REST API's binary media types (`image/*`, `*\/*`). */
export function matchesMediaType(contentType: string | undefined, patterns: readonly string[]): boolean {
  if (!contentType || patterns.length === 0) return false;
  const [type = '', subtype = ''] = contentType.split(';')[0]!.trim().toLowerCase().split('/');
  return patterns.some((p) => {
    const [pt = '', ps = ''] = p.trim().toLowerCase().split('/');
    return (pt === '*' || pt === type) && (ps === '*' || ps === subtype);
  });
}

function isUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** `12/Mar/2020:19:03:58 +0000` */
export function requestTime(time: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${p(time.getUTCHours())}:${p(time.getUTCMinutes())}:${p(time.getUTCSeconds())} +0000`;
}

/** The `Root=…` part of a trace header, as API Gateway forwards it in `x-amzn-trace-id`. */
function traceRoot(traceId: string): string {
  return traceId.split(';').find((p) => p.startsWith('Root=')) ?? traceId;
}

/** Headers of the client's connection to the front end (not forwarded) and the ones the front end sets itself. */
const REPLACED = new Set(['connection', 'keep-alive', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);

/** Headers the front end adds, as AWS's load balancers do (`x-forwarded-*`, the trace id). */
function forwarded(req: HttpRequestInfo, existingFor: string | undefined): Array<[string, string]> {
  return [
    ['x-forwarded-for', existingFor ? `${existingFor}, ${req.sourceIp}` : req.sourceIp],
    ['x-forwarded-port', String(req.port)],
    ['x-forwarded-proto', 'http'],
    ['x-amzn-trace-id', traceRoot(req.traceId)],
  ];
}

/** Payload format 2.0: function URLs and HTTP APIs. */
export function v2Event(req: HttpRequestInfo, o: V2EventOptions): Record<string, unknown> {
  const { rawPath, rawQueryString } = splitUrl(req.url);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of headerPairs(req.rawHeaders)) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      for (const c of value.split(';')) if (c.trim() !== '') cookies.push(c.trim());
      continue;
    }
    if (REPLACED.has(key)) continue;
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  for (const [name, value] of forwarded(req, headerValue(req.rawHeaders, 'x-forwarded-for'))) headers[name] = value;

  const event: Record<string, unknown> = { version: '2.0', routeKey: o.routeKey, rawPath, rawQueryString };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  const query = parseQuery(rawQueryString);
  if (query.length > 0) {
    const params: Record<string, string> = {};
    for (const [k, v] of query) params[k] = k in params ? `${params[k]},${v}` : v;
    event.queryStringParameters = params;
  }
  const context: Record<string, unknown> = { accountId: o.accountId, apiId: o.apiId };
  if (o.authorizer) context.authorizer = o.authorizer;
  Object.assign(context, {
    domainName: o.domainName,
    domainPrefix: o.domainName.split('.')[0],
    http: {
      method: req.method,
      path: o.decodedPath ? decode(rawPath) : rawPath,
      protocol: req.protocol,
      sourceIp: req.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: req.requestId,
    routeKey: o.routeKey,
    stage: o.stage ?? '$default',
    time: requestTime(req.time),
    timeEpoch: req.time.getTime(),
  });
  event.requestContext = context;
  const binary = req.body.length > 0 && !(isTextContentType(headers['content-type']) && isUtf8(req.body));
  if (req.body.length > 0) event.body = binary ? req.body.toString('base64') : req.body.toString('utf8');
  if (o.pathParameters) event.pathParameters = o.pathParameters;
  event.isBase64Encoded = binary;
  if (o.stageVariables && Object.keys(o.stageVariables).length > 0) event.stageVariables = { ...o.stageVariables };
  return event;
}

/** Payload format 1.0: REST APIs (Lambda proxy integration) and HTTP APIs with PayloadFormatVersion 1.0. */
export function v1Event(req: HttpRequestInfo, o: V1EventOptions): Record<string, unknown> {
  const { rawPath, rawQueryString } = splitUrl(req.url);
  // Names keep the case they were sent in (the first spelling of each name).
  const multi: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const key = spelling.get(lower) ?? name;
    spelling.set(lower, key);
    (multi[key] ??= []).push(value);
  };
  for (const [name, value] of headerPairs(req.rawHeaders)) if (!REPLACED.has(name.toLowerCase())) add(name, value);
  const capital = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
  for (const [name, value] of forwarded(req, headerValue(req.rawHeaders, 'x-forwarded-for'))) add(o.rest ? capital(name) : name, value);
  const headers: Record<string, string> = {};
  for (const [k, values] of Object.entries(multi)) headers[k] = values[values.length - 1]!;

  const query = parseQuery(rawQueryString);
  let single: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  if (query.length > 0) {
    single = {};
    multiQuery = {};
    for (const [k, v] of query) {
      single[k] = v;
      (multiQuery[k] ??= []).push(v);
    }
  }

  const contentType = headerValue(req.rawHeaders, 'content-type');
  let body: string | null = null;
  let binary = false;
  if (req.body.length > 0) {
    binary = o.rest ? matchesMediaType(contentType, o.binaryMediaTypes ?? []) : !(isTextContentType(contentType) && isUtf8(req.body));
    body = binary ? req.body.toString('base64') : req.body.toString('utf8');
  }
  const userAgent = headerValue(req.rawHeaders, 'user-agent') ?? null;
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    ...(o.rest ? { apiKey: null, apiKeyId: null } : {}),
    sourceIp: req.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent,
    user: null,
    ...(o.rest ? { clientCert: null } : {}),
  };
  const requestContext: Record<string, unknown> = {
    resourceId: o.resourceId,
    resourcePath: o.resource,
    httpMethod: req.method,
    extendedRequestId: o.extendedRequestId,
    requestTime: requestTime(req.time),
    // Called through the execute-api endpoint, a REST API's path starts with the stage.
    path: o.rest ? `/${o.stage}${rawPath}` : rawPath,
    accountId: o.accountId,
    protocol: req.protocol,
    stage: o.stage,
    domainPrefix: o.domainName.split('.')[0],
    requestTimeEpoch: req.time.getTime(),
    requestId: req.requestId,
    identity,
    domainName: o.domainName,
    apiId: o.apiId,
  };
  const event: Record<string, unknown> = {};
  if (!o.rest) event.version = '1.0';
  Object.assign(event, {
    resource: o.resource,
    path: rawPath,
    httpMethod: req.method,
    headers: Object.keys(headers).length > 0 ? headers : null,
    multiValueHeaders: Object.keys(multi).length > 0 ? multi : null,
    queryStringParameters: single,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: o.pathParameters ?? null,
    stageVariables: o.stageVariables && Object.keys(o.stageVariables).length > 0 ? { ...o.stageVariables } : null,
    requestContext,
    body,
    isBase64Encoded: binary,
  });
  return event;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
