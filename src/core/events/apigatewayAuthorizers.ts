import { clfTime, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// The events of API Gateway (REST API) Lambda authorizers: a TOKEN authorizer's (`apigateway
// authorizer`) and a REQUEST authorizer's (`apigateway request-authorizer`). Option names and
// defaults are `sam local generate-event`'s, `restApiId` spelled as SAM spells it.

export const APIGATEWAY_AUTHORIZER_OPTIONS: readonly OptionSpec[] = [
  option('stage', 'string', 'prod', 'deployment stage'),
  option('method', 'string', 'POST', 'HTTP method of the method ARN'),
  option('resource', 'string', '{proxy+}', 'resource path of the method ARN'),
  option('restApiId', 'string', 'example', 'REST API id'),
  option('token', 'string', 'incoming-client-token', 'the token from the identity source (authorizationToken)'),
];

export const APIGATEWAY_REQUEST_AUTHORIZER_OPTIONS: readonly OptionSpec[] = [
  option('stage', 'string', 'test', 'deployment stage'),
  option('method', 'string', 'GET', 'HTTP method'),
  option('resource', 'string', 'request', 'resource (and path) the request matched, without the leading /'),
  option('restApiId', 'string', 'abcdef123', 'REST API id'),
  option('headers', 'json', '{"HeaderAuth1":"headerValue1"}', 'request headers besides the CloudFront ones, JSON object'),
  option('querystringparameters', 'json', '{"QueryString1":"queryValue1"}', 'query string parameters, JSON object'),
  option('stage-variables', 'json', '{"StageVar1":"stageValue1"}', 'stage variables, JSON object'),
  option('source-ip', 'string', '198.51.100.7', 'client IP address'),
];

function methodArn(ctx: EventContext): string {
  return ctx.arn('execute-api', `${ctx.string('restApiId')}/${ctx.string('stage')}/${ctx.string('method')}/${ctx.string('resource')}`);
}

/** `apigateway authorizer`: a TOKEN authorizer's input. */
export function apigatewayTokenAuthorizerEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(APIGATEWAY_AUTHORIZER_OPTIONS, values);
  return { type: 'TOKEN' as const, authorizationToken: ctx.string('token'), methodArn: methodArn(ctx) };
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** `apigateway request-authorizer`: a REQUEST authorizer's input (headers, query, stage variables, mTLS cert). */
export function apigatewayRequestAuthorizerEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(APIGATEWAY_REQUEST_AUTHORIZER_OPTIONS, values);
  const resourcePath = `/${ctx.string('resource').replace(/^\//, '')}`;
  const method = ctx.string('method');
  const notBefore = new Date(ctx.now - 365 * 86400_000);
  const notAfter = new Date(ctx.now + 365 * 86400_000);
  const certDate = (d: Date) => d.toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) (\S+) GMT$/, '$2 $1 $4 $3 GMT');
  const headers: Record<string, string> = {
    'X-AMZ-Date': amzDate(ctx.now),
    Accept: '*/*',
    ...ctx.stringMap('headers'),
    'CloudFront-Viewer-Country': 'US',
    'CloudFront-Forwarded-Proto': 'https',
    'CloudFront-Is-Tablet-Viewer': 'false',
    'CloudFront-Is-Mobile-Viewer': 'false',
    'User-Agent': 'curl/8.5.0',
  };
  const query = ctx.stringMap('querystringparameters') ?? {};
  const multi = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [v]]));
  return {
    type: 'REQUEST' as const,
    methodArn: methodArn(ctx),
    resource: resourcePath,
    path: resourcePath,
    httpMethod: method,
    headers,
    // API Gateway sends the multi-value forms too (SAM's template leaves them out).
    multiValueHeaders: multi(headers),
    queryStringParameters: query,
    multiValueQueryStringParameters: multi(query),
    pathParameters: {},
    stageVariables: ctx.stringMap('stage-variables') ?? {},
    requestContext: {
      path: resourcePath,
      accountId: ctx.accountId,
      resourceId: ctx.random.lower(6),
      stage: ctx.string('stage'),
      requestId: ctx.random.uuid(),
      // The REST API identity, null where the caller has none (SAM's template has only apiKey, sourceIp and clientCert).
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        apiKey: ctx.random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40),
        apiKeyId: ctx.random.lower(10),
        sourceIp: ctx.string('source-ip'),
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: 'curl/8.5.0',
        user: null,
        clientCert: {
          clientCertPem: '-----BEGIN CERTIFICATE-----\n' + ctx.random.base64(48) + '\n-----END CERTIFICATE-----',
          subjectDN: 'www.example.com',
          issuerDN: 'Example issuer',
          serialNumber: Array.from(ctx.random.bytes(16), (b) => b.toString(16).padStart(2, '0')).join(':'),
          validity: { notBefore: certDate(notBefore), notAfter: certDate(notAfter) },
        },
      },
      resourcePath,
      httpMethod: method,
      apiId: ctx.string('restApiId'),
      // API Gateway sends these too (SAM's template leaves them out).
      protocol: 'HTTP/1.1',
      requestTime: clfTime(ctx.now),
      requestTimeEpoch: ctx.now,
    },
  };
}
