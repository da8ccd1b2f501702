import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { buildIfStale, runCliSync } from '../helpers/build';
import { startServe, stopServe, waitForOutput as waitFor, type ServeProcess } from '../helpers/serveProcess';
import { samTemplate, writeProject } from '../helpers/project';

// `lambda-workbench serve` with function URLs and API events, as a user runs it (the built CLI):
// what it prints, that browsers' and curl's requests get through, the port options.

const HANDLER = `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: ['seen=1'], body: JSON.stringify({ path: event.rawPath ?? event.path, routeKey: event.routeKey ?? null, params: event.pathParameters ?? null }) });`;

const TEMPLATE = samTemplate({
  Echo: {
    handler: 'app.handler',
    props: [
      'FunctionUrlConfig: {AuthType: NONE}',
      'Events:',
      '  Items: {Type: HttpApi, Properties: {Path: "/items/{id}", Method: GET}}',
      '  Hello: {Type: Api, Properties: {Path: /hello, Method: get}}',
    ].join('\n'),
  },
  Stream: { handler: 'app.handler', props: 'FunctionUrlConfig: {AuthType: AWS_IAM, InvokeMode: RESPONSE_STREAM}' },
});

/** `serve -t <dir>/template.yaml --port 0 <args>`. */
function serveProject(dir: string, args: string[]): ServeProcess {
  return startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0', ...args]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('lambda-workbench serve: HTTP front ends', function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    buildIfStale();
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/app.js': HANDLER });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints each function URL and API with its routes, and serves them until stopped', async () => {
    const urlPort = await freePort();
    const serve = serveProject(dir, ['--url-port', `Echo=${urlPort}`]);
    try {
      await waitFor(serve, /^Lambda API listening on http:\/\/127\.0\.0\.1:\d+$/m);
      const echo = await waitFor(serve, /^Function URL for Echo: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m);
      assert.equal(Number(echo[2]), urlPort);
      await waitFor(
        serve,
        // No credentials in the clean environment of the test: said on the URL's line.
        /^Function URL for Stream: http:\/\/127\.0\.0\.1:\d+\/ \(AWS_IAM: no credentials to verify SigV4 signatures against, every request is refused: set AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY or AWS_PROFILE; RESPONSE_STREAM\)$/m,
      );
      const httpApi = await waitFor(serve, /^HTTP API: (http:\/\/127\.0\.0\.1:\d+) \(GET \/items\/\{id\} → Echo\)$/m);
      const restApi = await waitFor(serve, /^REST API: (http:\/\/127\.0\.0\.1:\d+) \(GET \/hello → Echo\)$/m);

      const viaUrl = await fetch(`${echo[1]}deep/path?x=1`);
      assert.equal(viaUrl.status, 200);
      assert.deepEqual(await viaUrl.json(), { path: '/deep/path', routeKey: '$default', params: null });
      assert.deepEqual(viaUrl.headers.getSetCookie(), ['seen=1']);
      const viaHttp = await fetch(`${httpApi[1]}/items/9`);
      assert.deepEqual(await viaHttp.json(), { path: '/items/9', routeKey: 'GET /items/{id}', params: { id: '9' } });
      assert.equal((await fetch(`${httpApi[1]}/nope`)).status, 404);
      // REST: `cookies` is not a REST response field → malformed → 502, as API Gateway answers.
      assert.equal((await fetch(`${restApi[1]}/hello`)).status, 502);
      // The Lambda API keeps working next to them, and the function's log lines go to stderr.
      assert.match(serve.stderr(), /REPORT RequestId/);
    } finally {
      assert.equal((await stopServe(serve))?.code, 0, serve.stderr());
    }
  });

  it('refuses bad port options (exit 2) and a port that is taken', async () => {
    const bad = runCliSync(['serve', '-t', path.join(dir, 'template.yaml'), '--url-port', 'Echo=abc'], { env: process.env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--url-port must be a port number, got "abc"/);
    const noName = runCliSync(['serve', '-t', path.join(dir, 'template.yaml'), '--http-api-port', '70000'], { env: process.env });
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /--http-api-port must be a port number, got "70000"/);

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (blocker.address() as net.AddressInfo).port;
      const serve = serveProject(dir, ['--rest-api-port', String(taken)]);
      const { code } = await serve.exited;
      assert.equal(code, 2);
      assert.match(serve.stderr(), /Cannot start the HTTP front ends on 127\.0\.0\.1: listen EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
