import { option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

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

interface RequestShape {
  /** Headers besides Host (which comes first). */
  headers: Record<string, string>;
  querystring?: string;
  /** The blueprint's event leaves the viewer address out. */
  noClientIp?: boolean;
  response?: { statusDescription: string; headers: Record<string, string> };
}

function requestEvent(shape: RequestShape, specs: readonly OptionSpec[] = CLOUDFRONT_REQUEST_OPTIONS) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(specs, values);
    const headers = cloudFrontHeaders({ ...HOST, ...shape.headers });
    const request = {
      uri: ctx.string('uri'),
      ...(shape.querystring !== undefined ? { querystring: shape.querystring } : {}),
      method: ctx.string('method'),
      ...(shape.noClientIp ? {} : { clientIp: ctx.string('client-ip') }),
      headers,
    };
    const cf = shape.response
      ? {
          config: { distributionId: ctx.string('distribution-id') },
          request,
          response: { status: '200', statusDescription: shape.response.statusDescription, headers: cloudFrontHeaders(shape.response.headers) },
        }
      : { config: { distributionId: ctx.string('distribution-id') }, request };
    return { Records: [{ cf }] };
  };
}

const TEST_AGENT = { 'User-Agent': 'Test Agent' };

/** `cloudfront ab-test`: the experiment cookie decides the variant. */
export const cloudFrontAbTestEvent = requestEvent({
  headers: { ...TEST_AGENT, Cookie: 'SomeCookie=1; AnotherOne=A; X-Experiment-Name=B' },
});
/** `cloudfront access-request-in-response`: an origin response trigger sees the request too. */
export const cloudFrontAccessRequestInResponseEvent = requestEvent({
  headers: { 'User-Name': 'CloudFront' },
  response: { statusDescription: 'OK', headers: { 'X-Cache': 'Hello from Cloudfront' } },
});
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
export const cloudFrontRedirectUnauthenticatedEvent = requestEvent({ headers: {}, querystring: 'foo=bar', noClientIp: true });
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
          config: { distributionId: ctx.string('distribution-id') },
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
