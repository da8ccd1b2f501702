import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { samTemplate } from '../helpers/project';
import { signedRequestHeaders } from '../helpers/sigv4';
import { serveFrontEnds, type ServedFrontEnds } from './frontEnds';

// The events the front ends send, compared field by field with AWS-published samples
// (/work/shared/reference-events: aws-lambda-go's HTTP API and function URL requests, SAM CLI's
// `apigateway http-api-proxy`): the same request is made for real, the function echoes its event.
// Fields that only exist with features a local front end does not have (mutual TLS
// `authentication`, JWT / Lambda authorizers, stage variables) are the only ones allowed to differ.

const REFERENCE = '/work/shared/reference-events';
/** The credentials the AWS_IAM URL verifies signatures against. */
const IAM_KEYS = { accessKeyId: 'AKIAREFERENCE', secretAccessKey: 'reference-secret' };
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(REFERENCE, file), 'utf8'));

const HANDLER = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`;

/** The JSON type of every leaf, so shapes can be compared. */
function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function keys(o: unknown, without: string[] = [], plus: string[] = []): string[] {
  return [...Object.keys(o as object).filter((k) => !without.includes(k)), ...plus].sort();
}

/** Same keys (after the allowed differences) and, for each, the same JSON type. */
function sameShape(ours: Record<string, unknown>, reference: Record<string, unknown>, label: string, without: string[] = [], plus: string[] = []): void {
  assert.deepEqual(keys(ours), keys(reference, without, plus), `${label}: keys`);
  for (const k of Object.keys(ours)) {
    if (k in reference) assert.equal(typeOf(ours[k]), typeOf(reference[k]), `${label}.${k}: type`);
  }
}

function call(url: string, method: string, headers: http.OutgoingHttpHeaders, body?: Buffer | string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          assert.equal(res.statusCode, 200, Buffer.concat(chunks).toString());
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('http: events compared with AWS-published samples', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;

  before(async function () {
    // Skipped without the reference set; a sample missing from it (renamed) fails in read().
    if (!fs.existsSync(REFERENCE)) this.skip();
    served = await serveFrontEnds(
      {
        'template.yaml': samTemplate({
          Public: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: NONE}' },
          Signed: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: AWS_IAM}' },
          Api: {
            handler: 'app.handler',
            props: [
              'Events:',
              '  Default: {Type: HttpApi}',
              '  Resource: {Type: HttpApi, Properties: {Path: "/path/to/{parameter1}", Method: POST}}',
              '  V1: {Type: HttpApi, Properties: {Path: "/my/path", Method: GET, PayloadFormatVersion: "1.0"}}',
            ].join('\n'),
          },
        }),
        'src/app.js': HANDLER,
      },
      { iamCredentials: IAM_KEYS },
    );
  });

  after(() => served?.close());

  const urlOf = (kind: string, fn?: string) => served.endpoint(kind, fn).url.replace(/\/$/, '');

  it('HTTP API, $default route, no authorizer (aws-lambda-go apigw-v2-request-no-authorizer.json)', async () => {
    const ref = read('aws-lambda-go/apigw-v2-request-no-authorizer.json');
    const ours = await call(`${urlOf('http')}/`, 'GET', { accept: '*/*', 'user-agent': 'curl/7.58.0' });
    sameShape(ours, ref, 'event');
    for (const k of ['version', 'routeKey', 'rawPath', 'rawQueryString', 'isBase64Encoded']) assert.deepEqual(ours[k], ref[k], k);
    // mutual TLS is not part of a local front end.
    sameShape(ours.requestContext, ref.requestContext, 'requestContext', ['authentication']);
    sameShape(ours.requestContext.http, ref.requestContext.http, 'requestContext.http');
    for (const k of ['method', 'path', 'protocol', 'userAgent']) assert.equal(ours.requestContext.http[k], ref.requestContext.http[k], k);
    for (const k of ['routeKey', 'stage']) assert.equal(ours.requestContext[k], ref.requestContext[k], k);
    assert.match(ours.requestContext.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.match(ref.requestContext.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    // Every header API Gateway sent is there (content-length aside: curl sends none for a GET), with lower-case names.
    for (const name of Object.keys(ref.headers).filter((n) => n !== 'content-length')) assert.ok(name in ours.headers, `header ${name}`);
    for (const name of ['accept', 'user-agent', 'x-forwarded-proto']) assert.equal(typeOf(ours.headers[name]), 'string');
    assert.equal(ours.headers['user-agent'], ref.headers['user-agent']);
    assert.match(ours.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.match(ref.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('HTTP API with cookies, repeated parameters and a base64 body (SAM CLI apigateway-http-api-proxy.json)', async () => {
    const ref = read('aws-sam-cli/apigateway-http-api-proxy.json');
    const ours = await call(
      `${urlOf('http')}${ref.rawPath}?${ref.rawQueryString}`,
      'POST',
      {
        Cookie: ref.cookies.join('; '),
        Header1: 'value1',
        Header2: ['value1', 'value2'],
        'Content-Type': 'application/octet-stream',
        'User-Agent': 'agent',
      },
      Buffer.from(ref.body, 'base64'),
    );
    // stageVariables: the local API has none.
    sameShape(ours, ref, 'event', ['stageVariables']);
    for (const k of ['version', 'rawPath', 'rawQueryString', 'cookies', 'queryStringParameters', 'body', 'isBase64Encoded']) {
      assert.deepEqual(ours[k], ref[k], k);
    }
    assert.equal(ours.routeKey, 'POST /path/to/{parameter1}');
    assert.deepEqual(Object.keys(ours.pathParameters), Object.keys(ref.pathParameters));
    // HTTP APIs send header names in lower case (the SAM template writes them capitalised).
    for (const [name, value] of Object.entries(ref.headers)) assert.equal(ours.headers[name.toLowerCase()], value, name);
    sameShape(ours.requestContext, ref.requestContext, 'requestContext', ['authentication', 'authorizer']);
    for (const k of ['method', 'path', 'protocol', 'userAgent']) assert.equal(ours.requestContext.http[k], ref.requestContext.http[k], k);
  });

  it('function URL, AWS_IAM (aws-lambda-go lambda-urls-request.json)', async () => {
    const ref = read('aws-lambda-go/lambda-urls-request.json');
    const ours = await call(
      `${urlOf('url', 'Signed')}${ref.rawPath}?${ref.rawQueryString}`,
      'POST',
      {
        Cookie: ref.cookies.join('; '),
        Header1: 'value1',
        Header2: ['value1', 'value2'],
        'Content-Type': 'text/plain',
        'User-Agent': 'agent',
        // Signed over host, x-amz-date and the body only: the other headers are sent unsigned.
        ...(await signedRequestHeaders(`${urlOf('url', 'Signed')}${ref.rawPath}?${ref.rawQueryString}`, {
          method: 'POST',
          credentials: IAM_KEYS,
          region: 'us-west-2',
          body: ref.body,
        })),
      },
      ref.body,
    );
    // The sample lacks routeKey, which Lambda sends ($default).
    sameShape(ours, ref, 'event', [], ['routeKey']);
    assert.equal(ours.routeKey, '$default');
    for (const k of ['version', 'rawPath', 'rawQueryString', 'cookies', 'queryStringParameters', 'body', 'isBase64Encoded']) {
      assert.deepEqual(ours[k], ref[k], k);
    }
    for (const [name, value] of Object.entries(ref.headers)) assert.equal(ours.headers[name], value, name);
    sameShape(ours.requestContext, ref.requestContext, 'requestContext', [], ['routeKey', 'stage']);
    for (const k of Object.keys(ref.requestContext.authorizer.iam)) {
      assert.equal(typeOf(ours.requestContext.authorizer.iam[k]), 'string', `authorizer.iam.${k}`);
    }
    assert.equal(ours.requestContext.authorizer.iam.accessKey, IAM_KEYS.accessKeyId);
    for (const k of ['method', 'path', 'protocol', 'userAgent']) assert.equal(ours.requestContext.http[k], ref.requestContext.http[k], k);
    assert.match(ours.requestContext.domainName, /^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/);
  });

  it('function URL, AuthType NONE: the same shape, accountId "anonymous", no authorizer', async () => {
    const ref = read('aws-lambda-go/lambda-urls-request.json');
    const ours = await call(`${urlOf('url', 'Public')}/my/path`, 'POST', { 'Content-Type': 'application/json' }, '{"a":1}');
    assert.equal(ours.requestContext.accountId, 'anonymous');
    sameShape(ours.requestContext, ref.requestContext, 'requestContext', ['authorizer'], ['routeKey', 'stage']);
    assert.deepEqual(keys(ours), keys(ref, ['cookies', 'queryStringParameters'], ['routeKey']));
  });

  it("HTTP API payload 1.0: the fields of API Gateway's documented 1.0 event", async () => {
    // developerguide/http-api-develop-integrations-lambda.html, "1.0" (authorizer and clientCert need authorizers / mTLS).
    const ours = await call(`${urlOf('http')}/my/path?parameter1=value1&parameter1=value2&parameter2=value`, 'GET', {
      Header1: 'value1',
      Header2: ['value1', 'value2'],
    });
    assert.deepEqual(keys(ours), [
      'body',
      'headers',
      'httpMethod',
      'isBase64Encoded',
      'multiValueHeaders',
      'multiValueQueryStringParameters',
      'path',
      'pathParameters',
      'queryStringParameters',
      'requestContext',
      'resource',
      'stageVariables',
      'version',
    ]);
    assert.deepEqual(keys(ours.requestContext), [
      'accountId',
      'apiId',
      'domainName',
      'domainPrefix',
      'extendedRequestId',
      'httpMethod',
      'identity',
      'path',
      'protocol',
      'requestId',
      'requestTime',
      'requestTimeEpoch',
      'resourceId',
      'resourcePath',
      'stage',
    ]);
    assert.deepEqual(keys(ours.requestContext.identity), [
      'accessKey',
      'accountId',
      'caller',
      'cognitoAuthenticationProvider',
      'cognitoAuthenticationType',
      'cognitoIdentityId',
      'cognitoIdentityPoolId',
      'principalOrgId',
      'sourceIp',
      'user',
      'userAgent',
      'userArn',
    ]);
    assert.equal(ours.version, '1.0');
    assert.equal(ours.resource, '/my/path');
    assert.equal(ours.headers.Header2, 'value2');
    assert.deepEqual(ours.multiValueHeaders.Header2, ['value1', 'value2']);
    assert.deepEqual(ours.queryStringParameters, { parameter1: 'value2', parameter2: 'value' });
    assert.deepEqual(ours.multiValueQueryStringParameters, { parameter1: ['value1', 'value2'], parameter2: ['value'] });
    assert.equal(ours.pathParameters, null);
    assert.equal(ours.stageVariables, null);
    assert.equal(ours.body, null);
    assert.equal(ours.requestContext.stage, '$default');
  });
});
