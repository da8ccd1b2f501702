import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpFrontEnd, type FrontEndEndpoint } from '../../../src/core/http/httpFrontEnd';
import { INTEGRATION_TIMEOUT_MS, type IntegrationTimeout } from '../../../src/core/http/apiGateway';
import { samTemplate } from '../helpers/project';
import { waitFor } from '../helpers/wait';
import { serveFrontEnds, type ServedFrontEnds } from './frontEnds';

// The API front end in-process, with real HTTP clients and a real engine: both APIs on one port
// (API Gateway's precedence across them, the routes both claim), static files as SAM serves them,
// stages and their variables, API Gateway's integration timeout, and the request id shared by the
// front end and the function.

// Echoes the event and the request id it ran as; `?sleep=ms` first waits, then (with `?marks=dir`)
// leaves a file named by its request id, to show it ran to the end.
const HANDLER = `
const fs = require('node:fs');
const path = require('node:path');
exports.handler = async (event, context) => {
  const q = event.queryStringParameters ?? {};
  if (q.sleep) {
    await new Promise((resolve) => setTimeout(resolve, Number(q.sleep)));
    if (q.marks) fs.writeFileSync(path.join(q.marks, context.awsRequestId), 'finished');
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: context.functionName, awsRequestId: context.awsRequestId, event }) };
};
`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The echo handler's answer. */
  json: () => { fn: string; awsRequestId: string; event: Record<string, any> };
}

function request(url: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('http: the API front end (apiGateway.ts)', function () {
  this.timeout(60000);

  describe('REST and HTTP API routes on one port', () => {
    let served: ServedFrontEnds;
    let api: FrontEndEndpoint;

    before(async () => {
      const template = samTemplate({
        RestFn: {
          handler: 'app.handler',
          props: [
            'Events:',
            '  Claimed: {Type: Api, Properties: {Path: /claimed, Method: GET}}',
            '  Item: {Type: Api, Properties: {Path: "/items/{id}", Method: GET}}',
            '  Things: {Type: Api, Properties: {Path: /things, Method: ANY}}',
            '  File: {Type: Api, Properties: {Path: "/files/{name}", Method: ANY}}',
          ].join('\n'),
        },
        HttpFn: {
          handler: 'app.handler',
          props: [
            'Events:',
            '  Special: {Type: HttpApi, Properties: {Path: /items/special, Method: GET}}',
            '  Things: {Type: HttpApi, Properties: {Path: /things, Method: GET}}',
            '  Files: {Type: HttpApi, Properties: {Path: "/files/{proxy+}", Method: GET}}',
            '  Claimed: {Type: HttpApi, Properties: {Path: /claimed, Method: GET}}',
            '  Legacy: {Type: HttpApi, Properties: {Path: /legacy, Method: GET, PayloadFormatVersion: "1.0"}}',
            '  Default: {Type: HttpApi}',
          ].join('\n'),
        },
      });
      served = await serveFrontEnds({ 'template.yaml': template, 'src/app.js': HANDLER }, { apiPort: 0 });
      api = served.endpoint('api');
    });

    after(() => served?.close());

    it('is one endpoint with every route; the route both claim is reported with the first declared as the winner', () => {
      assert.deepEqual(
        served.endpoints.map((e) => e.kind),
        ['api'],
      );
      assert.equal(api.routes?.length, 10);
      assert.equal(api.conflicts?.length, 1);
      const [conflict] = api.conflicts!;
      assert.equal(conflict!.routeKey, 'GET /claimed');
      assert.deepEqual([conflict!.winner.api, conflict!.winner.functionName], ['rest', 'RestFn']);
      assert.deepEqual([conflict!.shadowed.api, conflict!.shadowed.functionName], ['http', 'HttpFn']);
    });

    it("API Gateway's precedence across both kinds: a literal over a {parameter} over {proxy+}, a method over ANY, $default last", async () => {
      const routed = async (method: string, p: string) => {
        const r = await request(`${api.url}${p}`, { method });
        assert.equal(r.status, 200, `${method} ${p}: ${r.body}`);
        const { fn, event } = r.json();
        return `${fn} ${event.version === '2.0' ? event.routeKey : event.resource}`;
      };
      assert.equal(await routed('GET', '/items/42'), 'RestFn /items/{id}');
      assert.equal(await routed('GET', '/items/special'), 'HttpFn GET /items/special');
      assert.equal(await routed('GET', '/things'), 'HttpFn GET /things');
      assert.equal(await routed('DELETE', '/things'), 'RestFn /things');
      assert.equal(await routed('GET', '/files/a.txt'), 'RestFn /files/{name}');
      assert.equal(await routed('GET', '/files/a/b.txt'), 'HttpFn GET /files/{proxy+}');
      assert.equal(await routed('GET', '/claimed'), 'RestFn /claimed');
      assert.equal(await routed('PATCH', '/anything/else'), 'HttpFn $default');
    });

    it("each route keeps its own kind's event, headers and request id (the function's)", async () => {
      const rest = await request(`${api.url}/items/7?tag=a&tag=b`);
      const r = rest.json();
      assert.equal('version' in r.event, false);
      assert.deepEqual(r.event.multiValueQueryStringParameters, { tag: ['a', 'b'] });
      assert.equal(r.event.requestContext.stage, 'Prod');
      assert.equal(r.event.requestContext.path, '/Prod/items/7');
      assert.equal(r.event.stageVariables, null);
      assert.match(r.event.requestContext.requestId, UUID);
      assert.equal(r.event.requestContext.requestId, r.awsRequestId);
      assert.equal(rest.headers['x-amzn-requestid'], r.awsRequestId);
      assert.ok(rest.headers['x-amz-apigw-id']);
      assert.equal(rest.headers['apigw-requestid'], undefined);

      const httpApi = await request(`${api.url}/items/special?tag=a&tag=b`);
      const h = httpApi.json();
      assert.equal(h.event.version, '2.0');
      assert.deepEqual(h.event.queryStringParameters, { tag: 'a,b' });
      assert.equal(h.event.requestContext.stage, '$default');
      assert.equal('stageVariables' in h.event, false);
      assert.equal(h.event.requestContext.requestId, h.awsRequestId);
      assert.equal(httpApi.headers['apigw-requestid'], h.awsRequestId);
      assert.equal(httpApi.headers['x-amzn-requestid'], undefined);

      const legacy = (await request(`${api.url}/legacy`)).json();
      assert.equal(legacy.event.version, '1.0');
      assert.equal(legacy.event.requestContext.requestId, legacy.awsRequestId);
    });

    it("$default takes what no route of either API takes (a REST route's path with another method too)", async () => {
      const r = await request(`${api.url}/items/1`, { method: 'POST' });
      assert.equal(r.status, 200);
      assert.equal(r.json().event.routeKey, '$default');
    });
  });

  describe('answers without a route', () => {
    let served: ServedFrontEnds;

    before(async () => {
      const template = samTemplate({
        Fn: {
          handler: 'app.handler',
          props: 'Events:\n  Get: {Type: HttpApi, Properties: {Path: /only, Method: GET}}\n  Rest: {Type: Api, Properties: {Path: /rest, Method: GET}}',
        },
      });
      served = await serveFrontEnds({ 'template.yaml': template, 'src/app.js': HANDLER }, { apiPort: 0 });
    });

    after(() => served?.close());

    it("one port with REST routes answers an unknown path with REST's 403 Missing Authentication Token", async () => {
      const r = await request(`${served.endpoint('api').url}/nothing`);
      assert.equal(r.status, 403);
      assert.deepEqual(JSON.parse(r.body.toString()), { message: 'Missing Authentication Token' });
    });

    it('one port with HTTP API routes only answers 404 Not Found, as an HTTP API', async () => {
      const only = await serveFrontEnds(
        {
          'template.yaml': samTemplate({ Fn: { handler: 'app.handler', props: 'Events:\n  Get: {Type: HttpApi, Properties: {Path: /only, Method: GET}}' } }),
          'src/app.js': HANDLER,
        },
        { apiPort: 0 },
      );
      try {
        const r = await request(`${only.endpoint('api').url}/nothing`);
        assert.equal(r.status, 404);
        assert.deepEqual(JSON.parse(r.body.toString()), { message: 'Not Found' });
        assert.match(String(r.headers['apigw-requestid']), UUID);
      } finally {
        await only.close();
      }
    });
  });

  describe('static files (--static-dir), as SAM serves them', () => {
    let served: ServedFrontEnds;
    let url: string;

    before(async () => {
      const template = samTemplate({
        Fn: {
          handler: 'app.handler',
          props: [
            'Events:',
            '  ById: {Type: Api, Properties: {Path: "/{id}", Method: GET}}',
            '  Api: {Type: Api, Properties: {Path: "/api/{proxy+}", Method: GET}}',
            '  Proxy: {Type: HttpApi, Properties: {Path: "/{proxy+}", Method: ANY}}',
          ].join('\n'),
        },
      });
      const files = {
        'template.yaml': template,
        'src/app.js': HANDLER,
        'public/index.html': '<h1>home</h1>',
        'public/pages/about.html': '<h1>about</h1>',
        'public/style.css': 'body {}',
        'public/css/app.css': 'h1 { color: red }',
        'public/api/client.js': 'export {}',
        'public/img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('latin1'),
      };
      served = await serveFrontEnds(files, (dir) => ({ apiPort: 0, staticDir: path.join(dir, 'public') }));
      url = served.endpoint('api').url;
    });

    after(() => served?.close());

    it('a file goes before a greedy route at the root: its type, no-cache, ETag, and HEAD', async () => {
      const css = await request(`${url}/css/app.css`);
      assert.equal(css.status, 200);
      assert.equal(css.body.toString(), 'h1 { color: red }');
      assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
      assert.equal(css.headers['cache-control'], 'no-cache');
      assert.ok(css.headers.etag);
      assert.ok(css.headers['last-modified']);
      assert.equal((await request(`${url}/pages/about.html`)).headers['content-type'], 'text/html; charset=utf-8');
      assert.equal((await request(`${url}/img/logo.png`)).headers['content-type'], 'image/png');
      const head = await request(`${url}/css/app.css`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String('h1 { color: red }'.length));
      assert.equal(head.body.length, 0);
    });

    it('answers 304 when the client has the file (If-None-Match, If-Modified-Since)', async () => {
      const first = await request(`${url}/css/app.css`);
      assert.equal((await request(`${url}/css/app.css`, { headers: { 'If-None-Match': first.headers.etag } })).status, 304);
      assert.equal((await request(`${url}/css/app.css`, { headers: { 'If-Modified-Since': first.headers['last-modified'] } })).status, 304);
      assert.equal((await request(`${url}/css/app.css`, { headers: { 'If-None-Match': '"other"' } })).status, 200);
    });

    it('a route with a literal or a {parameter} where the file is goes first (Werkzeug ranks them above the static rule)', async () => {
      const byId = await request(`${url}/style.css`);
      assert.equal(byId.json().event.resource, '/{id}');
      assert.deepEqual(byId.json().event.pathParameters, { id: 'style.css' });
      assert.deepEqual((await request(`${url}/index.html`)).json().event.pathParameters, { id: 'index.html' });
      assert.equal((await request(`${url}/api/client.js`)).json().event.resource, '/api/{proxy+}');
    });

    it('a path without a file, another method, the root and paths leaving the directory go to the routes', async () => {
      assert.equal((await request(`${url}/css/missing.css`)).json().event.routeKey, 'ANY /{proxy+}');
      assert.equal((await request(`${url}/css/app.css`, { method: 'POST' })).json().event.routeKey, 'ANY /{proxy+}');
      // SAM serves no index file at /; nothing routes / here.
      assert.equal((await request(`${url}/`)).status, 403);
      for (const escape of ['/css/%2e%2e/%2e%2e/template.yaml', '/css/..%2f..%2ftemplate.yaml', '/img/%2e%2e%2fstyle.css']) {
        const r = await request(`${url}${escape}`);
        assert.equal(r.status, 200, escape);
        assert.equal(r.json().fn, 'Fn', `${escape} reached the function, not a file`);
      }
    });
  });

  describe('stages: requestContext.stage and stageVariables', () => {
    let served: ServedFrontEnds;
    let url: string;

    before(async () => {
      const template =
        samTemplate({
          Fn: {
            handler: 'app.handler',
            props: [
              'Events:',
              '  Dev: {Type: Api, Properties: {Path: /dev-api, Method: GET, RestApiId: !Ref DevApi}}',
              '  Implicit: {Type: Api, Properties: {Path: /implicit, Method: GET}}',
              '  Beta: {Type: HttpApi, Properties: {Path: /beta, Method: GET, ApiId: !Ref BetaApi}}',
              '  Beta1: {Type: HttpApi, Properties: {Path: /beta-v1, Method: GET, ApiId: !Ref BetaApi, PayloadFormatVersion: "1.0"}}',
              '  HttpImplicit: {Type: HttpApi, Properties: {Path: /http-implicit, Method: GET}}',
            ].join('\n'),
          },
        }) +
        [
          '  DevApi:',
          '    Type: AWS::Serverless::Api',
          '    Properties:',
          '      StageName: dev',
          '      Variables: {table: dev-table, shared: own, limit: 5}',
          '  BetaApi:',
          '    Type: AWS::Serverless::HttpApi',
          '    Properties:',
          '      StageName: beta',
          '      StageVariables: {mode: beta}',
          'Globals:',
          '  Api:',
          '    Variables: {shared: global}',
          '  HttpApi:',
          '    StageVariables: {region: eu}',
          '',
        ].join('\n');
      served = await serveFrontEnds({ 'template.yaml': template, 'src/app.js': HANDLER }, { apiPort: 0 });
      url = served.endpoint('api').url;
    });

    after(() => served?.close());

    it("a REST API's StageName and Variables, merged over Globals as SAM merges them", async () => {
      const { event } = (await request(`${url}/dev-api`)).json();
      assert.equal(event.requestContext.stage, 'dev');
      assert.equal(event.requestContext.path, '/dev/dev-api');
      assert.deepEqual(event.stageVariables, { shared: 'own', table: 'dev-table', limit: '5' });
      const implicit = (await request(`${url}/implicit`)).json().event;
      assert.equal(implicit.requestContext.stage, 'Prod');
      assert.deepEqual(implicit.stageVariables, { shared: 'global' });
    });

    it("an HTTP API's StageName and StageVariables, in payload 2.0 and 1.0", async () => {
      const beta = (await request(`${url}/beta`)).json().event;
      assert.equal(beta.requestContext.stage, 'beta');
      assert.deepEqual(beta.stageVariables, { region: 'eu', mode: 'beta' });
      const v1 = (await request(`${url}/beta-v1`)).json().event;
      assert.equal(v1.requestContext.stage, 'beta');
      assert.deepEqual(v1.stageVariables, { region: 'eu', mode: 'beta' });
      const implicit = (await request(`${url}/http-implicit`)).json().event;
      assert.equal(implicit.requestContext.stage, '$default');
      assert.deepEqual(implicit.stageVariables, { region: 'eu' });
    });
  });

  describe("API Gateway's integration timeout", () => {
    let served: ServedFrontEnds;
    let marks: string;
    const extra: HttpFrontEnd[] = [];
    const timeouts: IntegrationTimeout[] = [];

    before(async () => {
      const template = samTemplate({
        Slow: {
          handler: 'app.handler',
          props: [
            'Timeout: 10',
            'Events:',
            '  Rest: {Type: Api, Properties: {Path: /rest, Method: GET}}',
            '  Http: {Type: HttpApi, Properties: {Path: /http, Method: GET}}',
            '  Custom: {Type: Api, Properties: {Path: /custom, Method: GET, TimeoutInMillis: 300}}',
          ].join('\n'),
        },
      });
      served = await serveFrontEnds(
        { 'template.yaml': template, 'src/app.js': HANDLER },
        {
          apiPort: 0,
          integrationTimeoutMs: 400,
          onIntegrationTimeout: (timeout) => timeouts.push(timeout),
        },
      );
      marks = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-marks-'));
      // A warm environment, so the timings below are the function's.
      assert.equal((await request(`${served.endpoint('api').url}/rest`)).status, 200);
    });

    after(async () => {
      for (const frontEnd of extra) await frontEnd.close();
      await served?.close();
      fs.rmSync(marks, { recursive: true, force: true });
    });

    /** A front end of the same engine with these options (and this engine wrapper). */
    async function frontEnd(options: ConstructorParameters<typeof HttpFrontEnd>[1], isDebugging?: () => boolean): Promise<string> {
      const wb = served.workbench;
      const engine = isDebugging
        ? {
            invoke: wb.invoke.bind(wb),
            get template() {
              return wb.template;
            },
            settings: wb.settings,
            isDebugging,
          }
        : wb;
      const fe = new HttpFrontEnd(engine, options);
      extra.push(fe);
      return (await fe.start())[0]!.url;
    }

    it('REST: 504 {"message": "Endpoint request timed out"} when it passes; the function runs on to the end, its result dropped', async () => {
      const started = Date.now();
      const r = await request(`${served.endpoint('api').url}/rest?sleep=1500&marks=${marks}`);
      const took = Date.now() - started;
      assert.equal(r.status, 504);
      assert.equal(r.body.toString(), '{"message": "Endpoint request timed out"}');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.ok(took >= 380 && took < 1400, `answered after ${took} ms`);
      const requestId = String(r.headers['x-amzn-requestid']);
      assert.match(requestId, UUID);
      assert.equal(fs.existsSync(path.join(marks, requestId)), false);
      // The host is told (start-api and serve print it).
      assert.deepEqual(timeouts.at(-1), { method: 'GET', path: '/rest', functionName: 'Slow', requestId, timeoutMs: 400, status: 504 });
      // The invocation goes on: its request id (the one the client got) finishes.
      await waitFor(() => fs.existsSync(path.join(marks, requestId)), 5000);
    });

    it('HTTP API: 503 {"message":"Service Unavailable"}', async () => {
      const r = await request(`${served.endpoint('api').url}/http?sleep=1200`);
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), '{"message":"Service Unavailable"}');
      assert.match(String(r.headers['apigw-requestid']), UUID);
    });

    it('a function that answers in time is not affected', async () => {
      const r = await request(`${served.endpoint('api').url}/http?sleep=50`);
      assert.equal(r.status, 200);
    });

    it("without the override: the route's TimeoutInMillis, else 29 s (REST) and 30 s (HTTP API)", async () => {
      assert.deepEqual(INTEGRATION_TIMEOUT_MS, { rest: 29_000, http: 30_000 });
      const url = await frontEnd({ apiPort: 0 });
      const started = Date.now();
      const custom = await request(`${url}/custom?sleep=1200`);
      assert.equal(custom.status, 504);
      assert.ok(Date.now() - started < 1100, `answered after ${Date.now() - started} ms`);
      // 29 s is far off: a second is nothing to it.
      assert.equal((await request(`${url}/rest?sleep=1000`)).status, 200);
    });

    it('lifted while a debugger holds the function: the answer waits for it', async () => {
      let asked = 0;
      const url = await frontEnd({ apiPort: 0, integrationTimeoutMs: 300 }, () => (asked++, true));
      const r = await request(`${url}/rest?sleep=1000`);
      assert.equal(r.status, 200);
      assert.equal(r.json().event.requestContext.requestId, r.json().awsRequestId);
      assert.ok(asked >= 1, 'the front end asked whether the function is being debugged');
      const notDebugging = await frontEnd({ apiPort: 0, integrationTimeoutMs: 300 }, () => false);
      assert.equal((await request(`${notDebugging}/rest?sleep=1000`)).status, 504);
    });

    it("the engine's own isDebugging is what the front end asks", () => {
      // The Workbench is the front end's engine: its debug mode lifts the timeout.
      assert.equal(typeof served.workbench.isDebugging, 'function');
      assert.equal(served.workbench.isDebugging('Slow'), false);
    });
  });
});
