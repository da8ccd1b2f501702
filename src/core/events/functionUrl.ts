import { EventOptionError, option, resolveOptions, traceId, type EventOptionValues, type OptionSpec } from './common';
import { httpRequestParts, httpV2Event, iamAuthorizer, type HttpApiProxyEvent } from './apigateway';

// A Lambda function URL request: payload format 2.0 as HTTP APIs send it, with routeKey and stage
// "$default", the URL id as apiId, `<url-id>.lambda-url.<region>.on.aws`, and requestContext.accountId
// "anonymous" unless the URL's AuthType is AWS_IAM (then the caller's identity is in authorizer.iam).

export type FunctionUrlEvent = HttpApiProxyEvent;

export const FUNCTION_URL_REQUEST_OPTIONS: readonly OptionSpec[] = [
  option('method', 'string', 'POST', 'HTTP method'),
  option('path', 'string', '/', 'request path'),
  option('body', 'string', '{"test":"body"}', 'request body (empty: none)'),
  option('base64', 'flag', undefined, 'send the body base64-encoded (isBase64Encoded true), as for a binary body'),
  option('headers', 'json', undefined, 'extra request headers, JSON object'),
  option('query-string', 'string', '', 'raw query string (e.g. "a=1&a=2&b=3")'),
  option('cookies', 'list', undefined, 'cookies, comma-separated (e.g. "session=abc,theme=dark")'),
  option('auth-type', 'string', 'NONE', "the URL's AuthType", ['NONE', 'AWS_IAM']),
  option('url-id', 'string', undefined, 'the URL id, 32 lower-case letters and digits (default: generated)'),
  option('source-ip', 'string', '198.51.100.7', 'client IP address'),
  option('user-agent', 'string', 'curl/8.5.0', 'client User-Agent'),
];

/** `lambda function-url`: an HTTPS request to a function URL. */
export function functionUrlRequestEvent(values: EventOptionValues = {}): FunctionUrlEvent {
  const ctx = resolveOptions(FUNCTION_URL_REQUEST_OPTIONS, values);
  const request = httpRequestParts(ctx);
  const urlId = ctx.optionalString('url-id') ?? ctx.random.chars('abcdefghijklmnopqrstuvwxyz0123456789', 32);
  if (!/^[a-z0-9]{1,63}$/.test(urlId)) throw new EventOptionError(`--url-id: expected lower-case letters and digits, got "${urlId}"`);
  const domainName = `${urlId}.lambda-url.${ctx.region}.on.aws`;
  const iam = ctx.choice<'NONE' | 'AWS_IAM'>('auth-type') === 'AWS_IAM';
  return httpV2Event(ctx, request, {
    domainName,
    domainPrefix: urlId,
    apiId: urlId,
    accountId: iam ? ctx.accountId : 'anonymous',
    routeKey: '$default',
    stage: '$default',
    rawPath: request.path,
    defaultHeaders: {
      accept: '*/*',
      host: domainName,
      'user-agent': request.userAgent,
      'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
      'x-amzn-tls-version': 'TLSv1.3',
      'x-amzn-trace-id': traceId(ctx),
      'x-forwarded-for': request.sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    authorizer: iam ? iamAuthorizer(ctx) : undefined,
  });
}
