import { option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Lambda@Edge events: one CloudFront record with the viewer or origin request (and, for response
// triggers, the response). Headers are CloudFront's: lower-case name → [{ key, value }]. The types
// are `sam local generate-event cloudfront`'s, each the request its blueprint function handles.

export interface CloudFrontHeaders {
  [name: string]: { key: string; value: string }[];
}

const DISTRIBUTION = option('distribution-id', 'string', 'EXAMPLE', 'distribution id (config.distributionId)');
const CLIENT_IP = option('client-ip', 'string', '2001:cdba::3257:9652', 'viewer IP address (request.clientIp)');

export const CLOUDFRONT_REQUEST_OPTIONS: readonly OptionSpec[] = [
  option('uri', 'string', '/test', 'request URI'),
  option('method', 'string', 'GET', 'HTTP method'),
  DISTRIBUTION,
  CLIENT_IP,
];

export const CLOUDFRONT_FORECAST_OPTIONS: readonly OptionSpec[] = [
  option('uri', 'string', '/forecast/Seattle:NewYork:Chicago:SanFrancisco', 'request URI'),
  option('method', 'string', 'GET', 'HTTP method'),
  DISTRIBUTION,
  CLIENT_IP,
];

export const CLOUDFRONT_RESPONSE_OPTIONS: readonly OptionSpec[] = [DISTRIBUTION, option('status', 'string', '200', 'response status')];

/** CloudFront's header map from `Header-Name: value` pairs (the map's key is the name in lower case). */
export function cloudFrontHeaders(pairs: Record<string, string>): CloudFrontHeaders {
  const out: CloudFrontHeaders = {};
  for (const [key, value] of Object.entries(pairs)) (out[key.toLowerCase()] ??= []).push({ key, value });
  return out;
}

const HOST = { Host: 'd123.cf.net' };

type EdgeEventType = 'viewer-request' | 'origin-response';

/** The record's config: Lambda@Edge also sends the distribution's domain, the trigger and a request id (SAM's templates have only the id). */
function edgeConfig(ctx: EventContext, eventType: EdgeEventType) {
  return {
    distributionDomainName: `d${ctx.random.lower(13)}.cloudfront.net`,
    distributionId: ctx.string('distribution-id'),
    eventType,
    requestId: ctx.random.base64(42).replace(/[+/]/g, '_'),
  };
}

interface RequestShape {
  /** Headers besides Host (which comes first). */
  headers: Record<string, string>;
  querystring?: string;
}

function edgeRequest(ctx: EventContext, shape: RequestShape) {
  return {
    uri: ctx.string('uri'),
    querystring: shape.querystring ?? '',
    method: ctx.string('method'),
    clientIp: ctx.string('client-ip'),
    headers: cloudFrontHeaders({ ...HOST, ...shape.headers }),
  };
}

function requestEvent(shape: RequestShape, specs: readonly OptionSpec[] = CLOUDFRONT_REQUEST_OPTIONS) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(specs, values);
    return { Records: [{ cf: { config: edgeConfig(ctx, 'viewer-request'), request: edgeRequest(ctx, shape) } }] };
  };
}

const TEST_AGENT = { 'User-Agent': 'Test Agent' };

/** `cloudfront ab-test`: the experiment cookie decides the variant. */
export const cloudFrontAbTestEvent = requestEvent({
  headers: { ...TEST_AGENT, Cookie: 'SomeCookie=1; AnotherOne=A; X-Experiment-Name=B' },
});
/** `cloudfront access-request-in-response`: an origin response trigger sees the request too. */
export function cloudFrontAccessRequestInResponseEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(CLOUDFRONT_REQUEST_OPTIONS, values);
  const request = edgeRequest(ctx, { headers: { 'User-Name': 'CloudFront' } });
  const response = { status: '200', statusDescription: 'OK', headers: cloudFrontHeaders({ 'X-Cache': 'Hello from Cloudfront' }) };
  return { Records: [{ cf: { config: edgeConfig(ctx, 'origin-response'), request, response } }] };
}
/** `cloudfront http-redirect` */
export const cloudFrontHttpRedirectEvent = requestEvent({ headers: { 'User-Agent': 'test-agent' } });
/** `cloudfront modify-querystring` */
export const cloudFrontModifyQueryStringEvent = requestEvent({ headers: { ...TEST_AGENT, 'User-Name': 'aws-cloudfront' }, querystring: 'auth=test&foo=bar' });
/** `cloudfront multiple-remote-calls-aggregate-response`: the cities to forecast are in the URI. */
export const cloudFrontMultipleRemoteCallsEvent = requestEvent({ headers: TEST_AGENT }, CLOUDFRONT_FORECAST_OPTIONS);
/** `cloudfront normalize-querystring-to-improve-cache-hit` */
export const cloudFrontNormalizeQueryStringEvent = requestEvent({
  headers: { ...TEST_AGENT, 'User-Name': 'aws-cloudfront' },
  querystring: 'size=LARGE&color=RED',
});
/** `cloudfront redirect-on-viewer-country` */
export const cloudFrontRedirectOnViewerCountryEvent = requestEvent({ headers: { 'CloudFront-Viewer-Country': 'TW' } });
/** `cloudfront redirect-unauthenticated-users`: no credentials in the query string. */
export const cloudFrontRedirectUnauthenticatedEvent = requestEvent({ headers: {}, querystring: 'foo=bar' });
/** `cloudfront response-generation`: the function answers without the origin. */
export const cloudFrontResponseGenerationEvent = requestEvent({ headers: {} });
/** `cloudfront serve-object-on-viewer-device`: the device-type headers CloudFront adds. */
export const cloudFrontServeObjectOnViewerDeviceEvent = requestEvent({
  headers: {
    'CloudFront-Is-Desktop-Viewer': 'true',
    'CloudFront-Is-Mobile-Viewer': 'false',
    'CloudFront-Is-SmartTV-Viewer': 'false',
    'CloudFront-Is-Tablet-Viewer': 'false',
  },
});
/** `cloudfront simple-remote-call` */
export const cloudFrontSimpleRemoteCallEvent = requestEvent({ headers: { ...TEST_AGENT, 'User-Name': 'aws-cloudfront' } });

/** `cloudfront modify-response-header`: an origin response, without the request. */
export function cloudFrontModifyResponseHeaderEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(CLOUDFRONT_RESPONSE_OPTIONS, values);
  const lastModified = new Date(ctx.now).toISOString().slice(0, 10);
  return {
    Records: [
      {
        cf: {
          config: edgeConfig(ctx, 'origin-response'),
          response: {
            status: ctx.string('status'),
            statusDescription: 'OK',
            headers: cloudFrontHeaders({ Vary: '*', 'Last-Modified': lastModified, 'X-Amz-Meta-Last-Modified': lastModified }),
          },
        },
      },
    ],
  };
}
