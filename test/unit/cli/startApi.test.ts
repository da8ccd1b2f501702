import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { buildIfStale, CLI, runCli } from '../helpers/build';
import { samTemplate, writeProject } from '../helpers/project';
import { startServe, stopServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';
import { waitFor } from '../helpers/wait';

// `lambda-workbench start-api` as a SAM user runs it (the built CLI in a process of its own, real
// HTTP clients): SAM's quick-start web project on one port, both APIs on one port with the
// conflict warning, API Gateway's integration timeout, samconfig's local_start_api, usage errors;
// and `serve --api-port`.

const LISTENING = /^Local API listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;

/** `start-api <args>` in `cwd`, as a user runs it. */
function startApi(args: string[], cwd: string): ServeProcess {
  return startServe([], { argv: [CLI, 'start-api', ...args], cwd });
}

async function listeningUrl(api: ServeProcess): Promise<string> {
  return (await waitForOutput(api, LISTENING, 30000))[1]!;
}

/** A response's JSON body (any: the tests look into it). */
async function json(response: Response): Promise<any> {
  return response.json();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// SAM's quick-start "web" project (nodejs22.x/web of aws-sam-cli-app-templates), written again:
// functions without CodeUri (the project root), ES module handlers under src/handlers/, REST `Api`
// events GET /, GET /{id} and POST /, a SimpleTable named to each function by an environment
// variable, env.json for --env-vars. The handlers here answer from the request instead of DynamoDB.
const WEB_TEMPLATE = `AWSTemplateFormatVersion: 2010-09-09
Description: >-
  web-app
Transform:
- AWS::Serverless-2016-10-31
Resources:
  getAllItemsFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/handlers/get-all-items.getAllItemsHandler
      Runtime: nodejs22.x
      Architectures: [x86_64]
      MemorySize: 128
      Timeout: 100
      Description: Lists the items.
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref SampleTable
      Environment:
        Variables:
          SAMPLE_TABLE: !Ref SampleTable
      Events:
        Api:
          Type: Api
          Properties:
            Path: /
            Method: GET
  getByIdFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/handlers/get-by-id.getByIdHandler
      Runtime: nodejs22.x
      Architectures: [x86_64]
      MemorySize: 128
      Timeout: 100
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref SampleTable
      Environment:
        Variables:
          SAMPLE_TABLE: !Ref SampleTable
      Events:
        Api:
          Type: Api
          Properties:
            Path: /{id}
            Method: GET
  putItemFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/handlers/put-item.putItemHandler
      Runtime: nodejs22.x
      Architectures: [x86_64]
      MemorySize: 128
      Timeout: 100
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref SampleTable
      Environment:
        Variables:
          SAMPLE_TABLE: !Ref SampleTable
      Events:
        Api:
          Type: Api
          Properties:
            Path: /
            Method: POST
  SampleTable:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey:
        Name: id
        Type: String
Outputs:
  WebEndpoint:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/Prod/"
`;

const answer = (name: string, body: string) => `export const ${name} = async (event, context) => {
  if (event.httpMethod !== '${name === 'putItemHandler' ? 'POST' : 'GET'}') throw new Error('wrong method: ' + event.httpMethod);
  return { statusCode: 200, body: JSON.stringify({ handler: '${name}', table: process.env.SAMPLE_TABLE, stage: event.requestContext.stage, requestId: event.requestContext.requestId, awsRequestId: context.awsRequestId, ${body} }) };
};
`;

const WEB_PROJECT = {
  'template.yaml': WEB_TEMPLATE,
  'package.json': JSON.stringify({ name: 'web-app', private: true, scripts: { test: 'echo none' } }, null, 2),
  'env.json': JSON.stringify({
    getAllItemsFunction: { SAMPLE_TABLE: 'local-items' },
    getByIdFunction: { SAMPLE_TABLE: 'local-items' },
    putItemFunction: { SAMPLE_TABLE: 'local-items' },
  }),
  'src/handlers/get-all-items.mjs': answer('getAllItemsHandler', 'items: []'),
  'src/handlers/get-by-id.mjs': answer('getByIdHandler', 'id: event.pathParameters.id'),
  'src/handlers/put-item.mjs': answer('putItemHandler', 'item: JSON.parse(event.body)'),
  'public/css/site.css': 'main { margin: 0 }',
  'public/index.html': '<main>web-app</main>',
};

describe('lambda-workbench start-api', function () {
  this.timeout(90000);
  const dirs: string[] = [];
  const running: ServeProcess[] = [];

  const project = (files: Record<string, string>) => {
    const dir = writeProject(files);
    dirs.push(dir);
    return dir;
  };
  const started = (args: string[], cwd: string) => {
    const api = startApi(args, cwd);
    running.push(api);
    return api;
  };

  before(() => buildIfStale());

  afterEach(async () => {
    for (const api of running.splice(0)) await stopServe(api);
  });

  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves SAM's quick-start web project on one port: its routes, --env-vars, static files, SAM's mount lines; stops on SIGTERM", async () => {
    const dir = project(WEB_PROJECT);
    const api = started(['--port', '0', '--env-vars', 'env.json'], dir);
    const url = await listeningUrl(api);
    const out = api.stdout();
    assert.match(out, new RegExp(`^Mounting getAllItemsFunction at ${url}/ \\[GET\\] \\(REST API\\)$`, 'm'));
    assert.match(out, new RegExp(`^Mounting getByIdFunction at ${url}/\\{id\\} \\[GET\\] \\(REST API\\)$`, 'm'));
    assert.match(out, new RegExp(`^Mounting putItemFunction at ${url}/ \\[POST\\] \\(REST API\\)$`, 'm'));
    assert.match(out, new RegExp(`^Mounting static files from ${path.join(dir, 'public').replace(/[/.]/g, '\\$&')} at /$`, 'm'));

    const all = await fetch(`${url}/`);
    assert.equal(all.status, 200);
    const allBody = await json(all);
    assert.deepEqual([allBody.handler, allBody.table, allBody.stage, allBody.items], ['getAllItemsHandler', 'local-items', 'Prod', []]);
    assert.equal(allBody.requestId, allBody.awsRequestId);
    assert.equal(all.headers.get('x-amzn-requestid'), allBody.awsRequestId);

    const byId = await json(await fetch(`${url}/42`));
    assert.deepEqual([byId.handler, byId.id], ['getByIdHandler', '42']);
    const put = await json(
      await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '1', name: 'one' }) }),
    );
    assert.deepEqual([put.handler, put.item], ['putItemHandler', { id: '1', name: 'one' }]);

    // public/: a file the routes do not take is served; GET /{id} takes /index.html, as in SAM.
    const css = await fetch(`${url}/css/site.css`);
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(await css.text(), 'main { margin: 0 }');
    assert.equal((await json(await fetch(`${url}/index.html`))).id, 'index.html');
    // No route: a REST API's 403.
    const none = await fetch(`${url}/a/b`, { method: 'DELETE' });
    assert.equal(none.status, 403);
    assert.deepEqual(await json(none), { message: 'Missing Authentication Token' });

    // The functions' logs on stderr, with the request id the client got.
    await waitFor(() => api.stderr().includes(`END RequestId: ${allBody.awsRequestId}`), 10000, 'the END line');
    const exit = await stopServe(api);
    assert.equal(exit?.code, 0, api.stderr());
  });

  it('serves REST and HTTP API routes on one port with a warning for the route both claim; the integration timeout answers 504', async () => {
    const dir = project({
      'template.yaml': samTemplate({
        RestFn: {
          handler: 'app.handler',
          props: [
            'Events:',
            '  Claimed: {Type: Api, Properties: {Path: /claimed, Method: GET}}',
            '  Item: {Type: Api, Properties: {Path: "/items/{id}", Method: GET}}',
            '  Slow: {Type: Api, Properties: {Path: /slow, Method: GET, TimeoutInMillis: 300}}',
          ].join('\n'),
        },
        HttpFn: {
          handler: 'app.handler',
          props: [
            'Events:',
            '  Claimed: {Type: HttpApi, Properties: {Path: /claimed, Method: GET}}',
            '  Special: {Type: HttpApi, Properties: {Path: /items/special, Method: GET}}',
          ].join('\n'),
        },
      }),
      'src/app.js': `exports.handler = async (event, context) => {
        if (event.queryStringParameters?.sleep) await new Promise((r) => setTimeout(r, Number(event.queryStringParameters.sleep)));
        return { statusCode: 200, body: JSON.stringify({ fn: context.functionName, version: event.version ?? null, requestId: event.requestContext.requestId, awsRequestId: context.awsRequestId }) };
      };`,
    });
    const api = started(['-t', path.join(dir, 'template.yaml'), '-p', '0', '--warm-containers', 'eager'], path.dirname(dir));
    const url = await listeningUrl(api);
    assert.match(api.stdout(), /^Mounting HttpFn at http:\S+\/items\/special \[GET\] \(HTTP API\)$/m);
    await waitFor(() => api.stderr().includes('WARNING GET /claimed'), 5000, 'the conflict warning');
    assert.match(
      api.stderr(),
      /^WARNING GET \/claimed is claimed by the REST API \(RestFn, event Claimed, line \d+\) and by the HTTP API \(HttpFn, event Claimed, line \d+\); on one port the first declared answers: RestFn \(REST API\)\.$/m,
    );

    const claimed = await fetch(`${url}/claimed`);
    assert.deepEqual((await json(claimed)).fn, 'RestFn');
    assert.ok(claimed.headers.get('x-amzn-requestid'));
    const special = await fetch(`${url}/items/special`);
    const body = await json(special);
    assert.deepEqual([body.fn, body.version], ['HttpFn', '2.0']);
    assert.equal(special.headers.get('apigw-requestid'), body.awsRequestId);
    assert.equal(body.requestId, body.awsRequestId);
    assert.equal((await json(await fetch(`${url}/items/7`))).fn, 'RestFn');

    const slow = await fetch(`${url}/slow?sleep=1500`);
    assert.equal(slow.status, 504);
    assert.equal(await slow.text(), '{"message": "Endpoint request timed out"}');
    const requestId = slow.headers.get('x-amzn-requestid')!;
    // The function runs on to its end: its REPORT comes after the 504, which is said.
    assert.equal(api.stderr().includes(`REPORT RequestId: ${requestId}`), false);
    await waitFor(() => api.stderr().includes(`RequestId ${requestId} runs on`), 5000, 'the timeout warning');
    assert.match(
      api.stderr(),
      new RegExp(
        `^WARNING GET /slow: RestFn did not answer within API Gateway's integration timeout \\(300 ms\\): 504 sent; RequestId ${requestId} runs on to its own timeout$`,
        'm',
      ),
    );
    await waitFor(() => api.stderr().includes(`REPORT RequestId: ${requestId}`), 10000, 'the slow invocation to end');
  });

  it("reads port, static_dir and warm_containers from samconfig's local_start_api; the command line wins", async () => {
    const port = await freePort();
    const dir = project({
      ...WEB_PROJECT,
      'assets/js/app.js': 'console.log(1)',
      'samconfig.toml': [
        'version = 0.1',
        '[default.local_start_api.parameters]',
        `port = ${port}`,
        'static_dir = "assets"',
        'warm_containers = "LAZY"',
        'env_vars = "env.json"',
        '',
      ].join('\n'),
    });
    const api = started([], dir);
    const url = await listeningUrl(api);
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.match(api.stdout(), /^Mounting static files from \S+\/assets at \/$/m);
    const js = await fetch(`${url}/js/app.js`);
    assert.equal(await js.text(), 'console.log(1)');
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await json(await fetch(`${url}/`))).table, 'local-items');
    await stopServe(api);

    const other = started(['-p', '0', '--static-dir', 'public'], dir);
    const otherUrl = await listeningUrl(other);
    assert.notEqual(otherUrl, url);
    assert.equal((await fetch(`${otherUrl}/css/site.css`)).status, 200);
  });

  it('refuses what it cannot serve: no API, a remote address, an unknown --warm-containers, a bad port', async () => {
    const noApi = project({ 'template.yaml': samTemplate({ Fn: { handler: 'app.handler' } }), 'src/app.js': 'exports.handler = async () => 1;' });
    const none = await runCli(['start-api', '-p', '0'], noApi);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /Template does not have any APIs connected to Lambda functions/);
    const dir = project(WEB_PROJECT);
    const remote = await runCli(['start-api', '--host', '0.0.0.0'], dir);
    assert.equal(remote.status, 2);
    assert.match(remote.stderr, /Refusing to bind to 0\.0\.0\.0.*--allow-remote/);
    const warm = await runCli(['start-api', '--warm-containers', 'sometimes'], dir);
    assert.equal(warm.status, 2);
    assert.match(warm.stderr, /--warm-containers must be EAGER or LAZY, got "sometimes"/);
    const port = await runCli(['start-api', '--port', 'http'], dir);
    assert.equal(port.status, 2);
    assert.match(port.stderr, /--port must be a port number, got "http"/);
    fs.writeFileSync(path.join(dir, 'samconfig.toml'), '[default.local_start_api.parameters]\nport = "web"\n');
    const configured = await runCli(['start-api'], dir);
    assert.equal(configured.status, 2);
    assert.match(configured.stderr, /samconfig\.toml \(default\): port must be a port number, got "web"/);
  });

  it('serve --api-port: both APIs on the one port, beside the Lambda API', async () => {
    const dir = project({
      'template.yaml': samTemplate({
        Fn: {
          handler: 'app.handler',
          props: 'Events:\n  Rest: {Type: Api, Properties: {Path: /rest, Method: GET}}\n  Http: {Type: HttpApi, Properties: {Path: /http, Method: GET}}',
        },
      }),
      'src/app.js': 'exports.handler = async (event) => ({ statusCode: 200, body: event.version ?? "rest" });',
    });
    const port = await freePort();
    const serve = startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0', '--api-port', String(port)]);
    running.push(serve);
    const line = await waitForOutput(serve, /^REST and HTTP API: (http:\/\/127\.0\.0\.1:(\d+)) \((.*)\)$/m, 30000);
    assert.equal(Number(line[2]), port);
    assert.equal(line[3], 'GET /rest → Fn (REST), GET /http → Fn (HTTP API)');
    assert.equal(await (await fetch(`${line[1]}/rest`)).text(), 'rest');
    assert.equal(await (await fetch(`${line[1]}/http`)).text(), '2.0');
    const both = await runCli(['serve', '-t', path.join(dir, 'template.yaml'), '--api-port', '0', '--http-api-port', '0'], dir);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--api-port serves both APIs on one port/);
  });
});
