import { option, resolveOptions, traceId, type EventOptionValues, type OptionSpec } from './common';

// An Application Load Balancer request to a Lambda target group (`alb request`), without
// multi-value headers. SAM's options; the body is base64-encoded in the event, as SAM does.

export const ALB_REQUEST_OPTIONS: readonly OptionSpec[] = [
  option('body', 'string', '{"test":"body"}', 'request body (text; base64-encoded in the event)'),
  option('method', 'string', 'POST', 'HTTP method'),
  option('path', 'string', 'path/to/resource', 'request path (without the leading /)'),
  option('dns-suffix', 'string', 'us-east-2.elb.amazonaws.com', "DNS suffix of the load balancer's host name"),
  option('querystringparameters', 'json', '{"query":"1234ABCD"}', 'query string parameters, JSON object'),
  option('source-ip', 'string', '72.12.164.125', 'client IP address (x-forwarded-for)'),
];

/** `alb request`: an HTTP request forwarded by a load balancer listener rule. */
export function albRequestEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(ALB_REQUEST_OPTIONS, values);
  const targetGroup = `targetgroup/lambda-${ctx.random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 16)}/${ctx.random.hex(16)}`;
  return {
    requestContext: { elb: { targetGroupArn: ctx.arn('elasticloadbalancing', targetGroup) } },
    httpMethod: ctx.string('method'),
    path: `/${ctx.string('path').replace(/^\//, '')}`,
    queryStringParameters: ctx.stringMap('querystringparameters') ?? {},
    headers: {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8',
      'accept-encoding': 'gzip',
      'accept-language': 'en-US,en;q=0.9',
      connection: 'keep-alive',
      host: `lambda-alb-${ctx.random.digits(9)}.${ctx.string('dns-suffix')}`,
      'upgrade-insecure-requests': '1',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36',
      'x-amzn-trace-id': traceId(ctx),
      'x-forwarded-for': ctx.string('source-ip'),
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
      'x-imforwards': '20',
    },
    body: Buffer.from(ctx.string('body'), 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}
