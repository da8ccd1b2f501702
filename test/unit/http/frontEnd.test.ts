import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpFrontEnd } from '../../../src/core/http/httpFrontEnd';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { signedRequestHeaders } from '../helpers/sigv4';
import { serveFrontEnds, type ServedFrontEnds } from './frontEnds';

// The HTTP front ends end to end: a real engine running a real Node handler, called by real HTTP
// clients (node:http, fetch, and curl when /usr/bin/curl exists).

const CURL = '/usr/bin/curl';
/** The credentials the AWS_IAM URL verifies signatures against. */
const IAM_KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' };
const hasCurl = fs.existsSync(CURL);

// One handler for every front end; the last path segment says what to return.
const HANDLER = `
exports.handler = async (event, context) => {
  const path = event.rawPath ?? event.path;
  const v1 = event.version !== '2.0';
  const header = (name) => {
    for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  };
  const last = path.split('/').pop();
  switch (last) {
    case 'throw': throw new Error('boom');
    case 'string': return 'hello world';
    case 'object': return { hello: 'world' };
    case 'binary':
      return { statusCode: 200, headers: { 'Content-Type': header('content-type') }, body: event.body, isBase64Encoded: event.isBase64Encoded };
    case 'cookies':
      return v1
        ? { statusCode: 201, headers: { 'X-Custom': 'yes' }, multiValueHeaders: { 'Set-Cookie': ['a=1; Path=/', 'b=2; HttpOnly'] }, body: 'ok' }
        : { statusCode: 201, headers: { 'x-custom': 'yes' }, cookies: ['a=1; Path=/', 'b=2; HttpOnly'], body: 'ok' };
    case 'cors':
      return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://wrong.example', 'x-custom': 'c' }, body: 'cors' };
    case 'arn':
      return { statusCode: 200, body: context.invokedFunctionArn };
    default:
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
  }
};
`;

const TEMPLATE =
  samTemplate({
    Echo: {
      handler: 'app.handler',
      props: [
        'FunctionUrlConfig:',
        '  AuthType: NONE',
        '  Cors:',
        '    AllowOrigins: [https://app.example]',
        '    AllowMethods: [GET, POST]',
        '    AllowHeaders: [content-type]',
        '    ExposeHeaders: [x-custom]',
        '    MaxAge: 300',
        'Events:',
        '  Items: {Type: HttpApi, Properties: {Path: "/items/{id}", Method: GET}}',
        '  Files: {Type: HttpApi, Properties: {Path: "/files/{proxy+}", Method: ANY}}',
        '  Create: {Type: HttpApi, Properties: {Path: "/files/new", Method: POST}}',
        '  Reference: {Type: HttpApi, Properties: {Path: "/path/to/{parameter1}", Method: POST}}',
        '  Legacy: {Type: HttpApi, Properties: {Path: "/legacy/{proxy+}", Method: ANY, PayloadFormatVersion: "1.0"}}',
        '  Rest: {Type: Api, Properties: {Path: "/rest/{proxy+}", Method: ANY}}',
        '  RestItem: {Type: Api, Properties: {Path: "/rest-items/{id}", Method: GET}}',
      ].join('\n'),
    },
    Private: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: AWS_IAM}' },
    Versioned: { handler: 'app.handler', props: 'AutoPublishAlias: live\nFunctionUrlConfig: {AuthType: NONE}' },
  }) +
  [
    'Globals:',
    '  Api:',
    '    BinaryMediaTypes: [image~1png]',
    '    Cors: "\'https://app.example\'"',
    '  HttpApi:',
    '    CorsConfiguration:',
    '      AllowOrigins: [https://app.example]',
    "      AllowMethods: ['*']",
    "      AllowHeaders: ['*']",
    '      ExposeHeaders: [x-custom]',
    '',
  ].join('\n');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string[];
  body: Buffer;
}

/** A node:http request (no agent reuse): headers may repeat (array values). */
function request(url: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (r: Reply) => JSON.parse(r.body.toString('utf8'));

/** A CORS preflight: OPTIONS from `origin`, asking for `method` (and `headers`). */
const preflight = (url: string, origin: string, method: string, headers?: string) =>
  request(url, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, ...(headers === undefined ? {} : { 'Access-Control-Request-Headers': headers }) },
  });

/** Asserts a preflight from https://app.example was answered with `status`, allowing `methods` (and `headers`). */
function assertPreflightAllowed(pre: Reply, status: number, methods: string, headers?: string): void {
  assert.equal(pre.status, status);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
  assert.equal(pre.headers['access-control-allow-methods'], methods);
  if (headers !== undefined) assert.equal(pre.headers['access-control-allow-headers'], headers);
}

describe('http: front ends (function URLs, HTTP API, REST API)', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;
  let url: string;
  let httpApi: string;
  let restApi: string;

  before(async () => {
    served = await serveFrontEnds({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER }, { host: '127.0.0.1', iamCredentials: IAM_KEYS });
    assert.equal(HttpFrontEnd.wanted(served.workbench.template), true);
    url = served.endpoint('url', 'Echo').url.replace(/\/$/, '');
    httpApi = served.endpoint('http').url;
    restApi = served.endpoint('rest').url;
  });

  after(() => served?.close());

  it('listens on one loopback port per function URL and one per API', () => {
    assert.deepEqual(
      served.endpoints.map((e) => [e.kind, e.functionName, e.qualifier, e.authType]),
      [
        ['url', 'Echo', undefined, 'NONE'],
        ['url', 'Private', undefined, 'AWS_IAM'],
        ['url', 'Versioned', 'live', 'NONE'],
        ['http', undefined, undefined, undefined],
        ['rest', undefined, undefined, undefined],
      ],
    );
    for (const e of served.endpoints) assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/?$/);
    assert.equal(new Set(served.endpoints.map((e) => e.port)).size, served.endpoints.length);
    assert.deepEqual(
      served.endpoint('http').routes!.map((r) => `${r.method} ${r.path}`),
      ['GET /items/{id}', 'ANY /files/{proxy+}', 'POST /files/new', 'POST /path/to/{parameter1}', 'ANY /legacy/{proxy+}'],
    );
  });

  describe('function URL (payload 2.0)', () => {
    it('passes the path unchanged, repeated query keys comma-joined, duplicate headers comma-joined, cookies split out', async () => {
      const r = await request(`${url}/some/deep/path?a=1&a=2&b=x%20y&empty=`, {
        headers: { 'X-Dup': ['one', 'two'], Cookie: 'c1=v1; c2=v2', 'User-Agent': 'test-agent/1.0' },
      });
      assert.equal(r.status, 200);
      const event = json(r);
      assert.equal(event.version, '2.0');
      assert.equal(event.routeKey, '$default');
      assert.equal(event.rawPath, '/some/deep/path');
      assert.equal(event.rawQueryString, 'a=1&a=2&b=x%20y&empty=');
      assert.deepEqual(event.queryStringParameters, { a: '1,2', b: 'x y', empty: '' });
      assert.deepEqual(event.cookies, ['c1=v1', 'c2=v2']);
      assert.equal(event.headers['x-dup'], 'one,two');
      assert.equal(event.headers.cookie, undefined);
      assert.equal(event.headers['user-agent'], 'test-agent/1.0');
      assert.equal(event.headers['x-forwarded-proto'], 'http');
      assert.equal(event.headers['x-forwarded-for'], '127.0.0.1');
      assert.match(event.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      for (const name of Object.keys(event.headers)) assert.equal(name, name.toLowerCase());
      assert.equal(event.isBase64Encoded, false);
      assert.equal('body' in event, false);
      assert.equal('pathParameters' in event, false);
      const ctx = event.requestContext;
      assert.equal(ctx.accountId, 'anonymous');
      assert.match(ctx.apiId, /^[a-z0-9]{32}$/);
      assert.equal(ctx.domainName, `${ctx.apiId}.lambda-url.us-east-1.on.aws`);
      assert.equal(ctx.domainPrefix, ctx.apiId);
      assert.deepEqual(ctx.http, { method: 'GET', path: '/some/deep/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' });
      assert.equal(ctx.routeKey, '$default');
      assert.equal(ctx.stage, '$default');
      assert.match(ctx.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      assert.ok(Math.abs(ctx.timeEpoch - Date.now()) < 60000);
      assert.match(r.headers['x-amzn-requestid'] as string, /^[0-9a-f-]{36}$/);
    });

    it('POST JSON arrives as text', async () => {
      const body = JSON.stringify({ name: 'ü', n: 1 });
      const r = await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const event = (await r.json()) as any;
      assert.equal(event.body, body);
      assert.equal(event.isBase64Encoded, false);
      assert.equal(event.headers['content-type'], 'application/json');
      assert.equal(event.requestContext.http.method, 'POST');
    });

    it('a binary body (image/png) round-trips exactly through a handler that echoes base64', async () => {
      const bytes = randomBytes(64 * 1024);
      const r = await request(`${url}/binary`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bytes });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'image/png');
      assert.ok(r.body.equals(bytes));
      // A "text" content type with bytes that are not UTF-8 is base64 too.
      const notUtf8 = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
      const r2 = await request(`${url}/binary`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: notUtf8 });
      assert.ok(r2.body.equals(notUtf8));
    });

    it('cookies come back as one Set-Cookie header each, with the other response headers', async () => {
      const r = await request(`${url}/cookies`);
      assert.equal(r.status, 201);
      assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
      assert.equal(r.headers['x-custom'], 'yes');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body.toString(), 'ok');
    });

    it('infers the response from a bare string or an object without statusCode', async () => {
      const s = await request(`${url}/string`);
      assert.equal(s.status, 200);
      assert.equal(s.headers['content-type'], 'application/json');
      assert.equal(s.body.toString(), 'hello world');
      const o = await request(`${url}/object`);
      assert.equal(o.status, 200);
      assert.deepEqual(json(o), { hello: 'world' });
    });

    it('a function error is a 502', async () => {
      const r = await request(`${url}/throw`);
      assert.equal(r.status, 502);
      assert.equal(r.body.toString(), 'Internal Server Error');
    });

    it('answers CORS preflights itself and puts the configured CORS headers on responses', async () => {
      const pre = await preflight(`${url}/cors`, 'https://app.example', 'POST', 'content-type');
      assertPreflightAllowed(pre, 200, 'GET,POST', 'content-type');
      assert.equal(pre.headers['access-control-max-age'], '300');
      assert.equal(pre.body.length, 0);
      const denied = await preflight(`${url}/cors`, 'https://evil.example', 'POST');
      assert.equal(denied.headers['access-control-allow-origin'], undefined);

      const r = await request(`${url}/cors`, { headers: { Origin: 'https://app.example' } });
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal(r.headers['access-control-expose-headers'], 'x-custom');
      const other = await request(`${url}/cors`, { headers: { Origin: 'https://evil.example' } });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      // An OPTIONS request that is not a preflight reaches the function.
      const options = await request(`${url}/echo`, { method: 'OPTIONS' });
      assert.equal(json(options).requestContext.http.method, 'OPTIONS');
    });

    it('AWS_IAM: refuses unsigned requests and fake signatures, reports the access key of signed ones (iamFunctionUrl.test.ts: the rest)', async () => {
      const iam = served.endpoint('url', 'Private').url;
      const refused = await request(iam);
      assert.equal(refused.status, 403);
      assert.match(json(refused).Message, /^Forbidden\. /);
      const fake = await request(iam, {
        headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc' },
      });
      assert.equal(fake.status, 403);
      const signed = await request(iam, { headers: await signedRequestHeaders(iam, { credentials: IAM_KEYS }) });
      assert.equal(signed.status, 200, signed.body.toString());
      const event = json(signed);
      assert.equal(event.requestContext.accountId, '000000000000');
      assert.equal(event.requestContext.authorizer.iam.accessKey, 'AKIDEXAMPLE');
    });

    it('a URL on an alias invokes the alias', async () => {
      const r = await request(`${served.endpoint('url', 'Versioned').url}arn`);
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'arn:aws:lambda:us-east-1:000000000000:function:Versioned:live');
    });

    it('refuses a body over 6 MB with 413', async () => {
      const r = await request(`${url}/`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: Buffer.alloc(6 * 1024 * 1024 + 1, 0x61) });
      assert.equal(r.status, 413);
      // Base64 makes a binary body of 5 MB an event over 6 MB: Lambda refuses it, so do we.
      const r2 = await request(`${url}/`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(5 * 1024 * 1024) });
      assert.equal(r2.status, 413);
    });
  });

  describe('HTTP API (HttpApi events)', () => {
    it('routes by path and method with path parameters and routeKey', async () => {
      const reply = await request(`${httpApi}/items/42?q=a&q=b`);
      const event = json(reply);
      assert.equal(event.routeKey, 'GET /items/{id}');
      assert.equal(event.requestContext.routeKey, 'GET /items/{id}');
      assert.deepEqual(event.pathParameters, { id: '42' });
      assert.deepEqual(event.queryStringParameters, { q: 'a,b' });
      assert.equal(event.requestContext.accountId, '000000000000');
      assert.match(event.requestContext.apiId, /^[a-z0-9]{10}$/);
      assert.equal(event.requestContext.domainName, `${event.requestContext.apiId}.execute-api.us-east-1.amazonaws.com`);
      assert.equal(event.requestContext.stage, '$default');
      // The invocation's request id (apiGateway.test.ts checks it is the function's), also in apigw-requestid.
      assert.match(event.requestContext.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(reply.headers['apigw-requestid'], event.requestContext.requestId);
    });

    it('greedy {proxy+} with method ANY, and the more specific route first', async () => {
      const put = json(await request(`${httpApi}/files/a/b/c.txt`, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } }));
      assert.equal(put.routeKey, 'ANY /files/{proxy+}');
      assert.deepEqual(put.pathParameters, { proxy: 'a/b/c.txt' });
      assert.equal(put.requestContext.http.method, 'PUT');
      const created = json(await request(`${httpApi}/files/new`, { method: 'POST' }));
      assert.equal(created.routeKey, 'POST /files/new');
      const other = json(await request(`${httpApi}/files/new`, { method: 'DELETE' }));
      assert.equal(other.routeKey, 'ANY /files/{proxy+}');
    });

    it('answers 404 {"message":"Not Found"} when no route matches', async () => {
      for (const [method, p] of [
        ['GET', '/nothing'],
        ['POST', '/items/1'],
        ['GET', '/items'],
      ]) {
        const r = await request(`${httpApi}${p}`, { method });
        assert.equal(r.status, 404, `${method} ${p}`);
        assert.deepEqual(json(r), { message: 'Not Found' });
        assert.ok(r.headers['apigw-requestid']);
      }
    });

    it('a handler throwing is 502 {"message":"Internal Server Error"}; bare results are inferred', async () => {
      const r = await request(`${httpApi}/files/throw`);
      assert.equal(r.status, 502);
      assert.deepEqual(json(r), { message: 'Internal Server Error' });
      assert.equal((await request(`${httpApi}/files/string`)).body.toString(), 'hello world');
      assert.deepEqual(json(await request(`${httpApi}/files/object`)), { hello: 'world' });
    });

    it('binary bodies and cookies', async () => {
      const bytes = randomBytes(10_000);
      const r = await request(`${httpApi}/files/binary`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bytes });
      assert.ok(r.body.equals(bytes));
      const c = await request(`${httpApi}/files/cookies`, { headers: { cookie: 'x=1' } });
      assert.deepEqual(c.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
    });

    it('CORS from CorsConfiguration: preflight 204 for any path, headers on responses and on 404s', async () => {
      assertPreflightAllowed(await preflight(`${httpApi}/anything`, 'https://app.example', 'DELETE', 'x-a'), 204, 'DELETE', 'x-a');
      const r = await request(`${httpApi}/files/cors`, { headers: { Origin: 'https://app.example' } });
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal(r.headers['access-control-expose-headers'], 'x-custom');
      const missing = await request(`${httpApi}/nothing`, { headers: { Origin: 'https://app.example' } });
      assert.equal(missing.headers['access-control-allow-origin'], 'https://app.example');
    });

    it('PayloadFormatVersion 1.0: multiValue fields, headers as sent, null for absent parts', async () => {
      const r = await request(`${httpApi}/legacy/x/y?k=1&k=2&j=3`, { headers: { 'X-Multi': ['a', 'b'], 'User-Agent': 'legacy/1' } });
      const event = json(r);
      assert.equal(event.version, '1.0');
      assert.equal(event.resource, '/legacy/{proxy+}');
      assert.equal(event.path, '/legacy/x/y');
      assert.equal(event.httpMethod, 'GET');
      assert.deepEqual(event.queryStringParameters, { k: '2', j: '3' });
      assert.deepEqual(event.multiValueQueryStringParameters, { k: ['1', '2'], j: ['3'] });
      assert.equal(event.headers['X-Multi'], 'b');
      assert.deepEqual(event.multiValueHeaders['X-Multi'], ['a', 'b']);
      assert.deepEqual(event.pathParameters, { proxy: 'x/y' });
      assert.equal(event.stageVariables, null);
      assert.equal(event.body, null);
      assert.equal(event.requestContext.resourcePath, '/legacy/{proxy+}');
      assert.equal(event.requestContext.stage, '$default');
      assert.equal(event.requestContext.identity.sourceIp, '127.0.0.1');
      assert.equal(event.requestContext.identity.userAgent, 'legacy/1');
      const cookies = await request(`${httpApi}/legacy/cookies`);
      assert.deepEqual(cookies.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
      assert.equal(cookies.headers['x-custom'], 'yes');
      // With payload 1.0, the body a binary type gets is base64 too.
      const bytes = randomBytes(1000);
      const bin = await request(`${httpApi}/legacy/binary`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
      assert.ok(bin.body.equals(bytes));
    });
  });

  describe('REST API (Api events, payload 1.0)', () => {
    it('multiValueHeaders and multiValueQueryStringParameters, resource and stage', async () => {
      const event = json(await request(`${restApi}/rest-items/7?tag=a&tag=b`, { headers: { 'X-Multi': ['a', 'b'] } }));
      assert.equal('version' in event, false);
      assert.equal(event.resource, '/rest-items/{id}');
      assert.equal(event.path, '/rest-items/7');
      assert.deepEqual(event.pathParameters, { id: '7' });
      assert.deepEqual(event.queryStringParameters, { tag: 'b' });
      assert.deepEqual(event.multiValueQueryStringParameters, { tag: ['a', 'b'] });
      assert.deepEqual(event.multiValueHeaders['X-Multi'], ['a', 'b']);
      assert.equal(event.headers['X-Forwarded-Proto'], 'http');
      assert.equal(event.stageVariables, null);
      const ctx = event.requestContext;
      assert.equal(ctx.resourcePath, '/rest-items/{id}');
      assert.equal(ctx.stage, 'Prod');
      assert.equal(ctx.path, '/Prod/rest-items/7');
      assert.equal(ctx.httpMethod, 'GET');
      assert.match(ctx.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(ctx.identity.accessKey, null);
    });

    it('unknown resources and methods are 403 Missing Authentication Token; a throwing handler 502', async () => {
      const r = await request(`${restApi}/nothing`);
      assert.equal(r.status, 403);
      assert.deepEqual(json(r), { message: 'Missing Authentication Token' });
      assert.equal((await request(`${restApi}/rest-items/7`, { method: 'POST' })).status, 403);
      const boom = await request(`${restApi}/rest/throw`);
      assert.equal(boom.status, 502);
      assert.deepEqual(json(boom), { message: 'Internal server error' });
    });

    it('a 2.0-style result (cookies, no statusCode) is a malformed proxy response', async () => {
      assert.equal((await request(`${restApi}/rest/string`)).status, 502);
      assert.equal((await request(`${restApi}/rest/object`)).status, 502);
      const ok = await request(`${restApi}/rest/cookies`);
      assert.equal(ok.status, 201);
      assert.deepEqual(ok.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
    });

    it('binary bodies only for BinaryMediaTypes (image/png here), as API Gateway does', async () => {
      const bytes = randomBytes(4096);
      const png = await request(`${restApi}/rest/binary`, { method: 'POST', headers: { 'Content-Type': 'image/png', Accept: 'image/png' }, body: bytes });
      assert.ok(png.body.equals(bytes));
      const text = json(await request(`${restApi}/rest/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' }));
      assert.equal(text.body, '{"a":1}');
      assert.equal(text.isBase64Encoded, false);
    });

    it('answers CORS preflights of known resources from the SAM Cors setting', async () => {
      assertPreflightAllowed(await preflight(`${restApi}/rest/x`, 'https://app.example', 'PUT'), 200, 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
    });
  });

  describe('with curl', function () {
    before(function () {
      if (!hasCurl) this.skip();
    });

    /** curl in its own process (asynchronously: the servers answering it run in this one). */
    async function curl(args: string[], input?: Buffer): Promise<{ status: number; headers: string; body: Buffer }> {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-curl-'));
      try {
        const headersFile = path.join(tmp, 'headers');
        const bodyFile = path.join(tmp, 'body');
        const child = spawn(CURL, ['-sS', '-D', headersFile, '-o', bodyFile, '-w', '%{http_code}', ...args]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.stdin.end(input);
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        assert.equal(code, 0, stderr);
        return { status: Number(stdout), headers: fs.readFileSync(headersFile, 'latin1'), body: fs.readFileSync(bodyFile) };
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }

    it('a PNG-typed upload comes back byte for byte', async () => {
      const bytes = randomBytes(200_000);
      const r = await curl(['-X', 'POST', '-H', 'Content-Type: image/png', '--data-binary', '@-', `${url}/binary`], bytes);
      assert.equal(r.status, 200);
      assert.ok(r.body.equals(bytes));
    });

    it('sends cookies (-b) and receives several Set-Cookie headers', async () => {
      const r = await curl(['-b', 'session=abc; theme=dark', `${httpApi}/files/cookies`]);
      assert.equal(r.status, 201);
      assert.deepEqual(
        r.headers.split('\r\n').filter((l) => /^set-cookie:/i.test(l)),
        ['set-cookie: a=1; Path=/', 'set-cookie: b=2; HttpOnly'],
      );
      const event = JSON.parse((await curl(['-b', 'session=abc; theme=dark', `${httpApi}/files/echo`])).body.toString());
      assert.deepEqual(event.cookies, ['session=abc', 'theme=dark']);
      assert.match(event.headers['user-agent'], /^curl\//);
    });

    it('JSON POST with a query string through the REST API', async () => {
      const r = await curl(['-X', 'POST', '-H', 'content-type: application/json', '-d', '{"k":"v"}', `${restApi}/rest/echo?x=1&x=2`]);
      const event = JSON.parse(r.body.toString());
      assert.equal(event.body, '{"k":"v"}');
      assert.deepEqual(event.multiValueQueryStringParameters, { x: ['1', '2'] });
      assert.equal(event.httpMethod, 'POST');
    });
  });
});

describe('http: front ends follow hot reload', function () {
  this.timeout(60000);

  it('a route changed in the template is served from the next request, on the same port', async () => {
    const template = (p: string) =>
      samTemplate({ Echo: { handler: 'app.handler', props: `Events:\n  Get: {Type: HttpApi, Properties: {Path: "${p}", Method: GET}}` } });
    const dir = writeProject({ 'template.yaml': template('/old'), 'src/app.js': HANDLER });
    const workbench = await openProject(dir);
    const frontEnd = new HttpFrontEnd(workbench);
    try {
      const [api] = await frontEnd.start();
      assert.equal((await request(`${api!.url}/old`)).status, 200);
      await workbench.hotReloadReady();
      const reloaded = new Promise<void>((resolve) => {
        const stop = workbench.telemetry.subscribe((event) => {
          if (event.type !== 'workbench.reload') return;
          stop();
          resolve();
        });
      });
      fs.writeFileSync(path.join(dir, 'template.yaml'), template('/new/{id}'));
      await reloaded;
      assert.equal((await request(`${api!.url}/old`)).status, 404);
      const r = await request(`${api!.url}/new/5`);
      assert.deepEqual(json(r).pathParameters, { id: '5' });
    } finally {
      await frontEnd.close();
      await workbench.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
