import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { startApiGateway } from '../../../src/extension/localApiGateway';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, samTemplate, writeProject } from '../helpers/project';

// What "Lambda: Start Local API" serves beside the Lambda API (src/extension/localApiGateway.ts):
// the template's REST and HTTP API routes on one port, with a real engine and HTTP client.

const HANDLER = 'exports.handler = async (event, context) => ({ statusCode: 200, body: `${context.functionName} ${event.version ?? "rest"}` });';

const SLOW = 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 600)); return { statusCode: 200, body: "late" }; };';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('extension: the API routes beside the local Lambda API', function () {
  this.timeout(30000);
  const opened: Array<{ dir: string; workbench: Workbench }> = [];

  async function engine(template: string): Promise<Workbench> {
    const dir = writeProject({ 'template.yaml': template, 'src/app.js': HANDLER, 'src/slow.js': SLOW });
    const workbench = await openProject(dir, { hotReload: false });
    opened.push({ dir, workbench });
    return workbench;
  }

  after(async () => {
    for (const { dir, workbench } of opened) {
      await workbench.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves every REST and HTTP API route on the configured port, lists them and the route both claim', async () => {
    const workbench = await engine(
      samTemplate({
        Rest: {
          handler: 'app.handler',
          props: 'Events:\n  Get: {Type: Api, Properties: {Path: /shared, Method: GET}}\n  Own: {Type: Api, Properties: {Path: /rest, Method: GET}}',
        },
        Http: {
          handler: 'app.handler',
          props: 'Events:\n  Get: {Type: HttpApi, Properties: {Path: /shared, Method: GET}}\n  Own: {Type: HttpApi, Properties: {Path: /http, Method: GET}}',
        },
      }),
    );
    const port = await freePort();
    const served = await startApiGateway(workbench, port);
    assert.ok(served);
    try {
      assert.equal(served.url, `http://127.0.0.1:${port}`);
      assert.deepEqual(served.lines, [
        `REST and HTTP API routes on http://127.0.0.1:${port}:`,
        '  GET /shared → Rest (REST API)',
        '  GET /rest → Rest (REST API)',
        '  GET /shared → Http (HTTP API)',
        '  GET /http → Http (HTTP API)',
        '  Warning: GET /shared is claimed by the REST API (Rest) and the HTTP API (Http); the first declared answers: Rest.',
      ]);
      assert.equal(await (await fetch(`${served.url}/rest`)).text(), 'Rest rest');
      assert.equal(await (await fetch(`${served.url}/http`)).text(), 'Http 2.0');
      assert.equal(await (await fetch(`${served.url}/shared`)).text(), 'Rest rest');
    } finally {
      await served.close();
    }
    // Closed: the port is free again.
    const again = await startApiGateway(workbench, port);
    assert.equal(again?.port, port);
    await again?.close();
  });

  it("says when API Gateway's integration timeout answered a request", async () => {
    const workbench = await engine(
      samTemplate({ Slow: { handler: 'slow.handler', props: 'Events:\n  Get: {Type: Api, Properties: {Path: /slow, Method: GET, TimeoutInMillis: 100}}' } }),
    );
    const lines: string[] = [];
    const served = await startApiGateway(workbench, 0, (line) => lines.push(line));
    try {
      const r = await fetch(`${served!.url}/slow`);
      assert.equal(r.status, 504);
      const requestId = r.headers.get('x-amzn-requestid');
      assert.deepEqual(lines, [
        `GET /slow: Slow did not answer within API Gateway's integration timeout (100 ms): 504 sent; RequestId ${requestId} runs on to its own timeout`,
      ]);
    } finally {
      await served?.close();
    }
  });

  it('a port in use is a clear error naming the setting; a template without API routes serves nothing', async () => {
    const workbench = await engine(
      samTemplate({ Fn: { handler: 'app.handler', props: 'Events:\n  Get: {Type: HttpApi, Properties: {Path: /x, Method: GET}}' } }),
    );
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as net.AddressInfo;
      await assert.rejects(
        startApiGateway(workbench, port),
        new RegExp(`port ${port} of the REST and HTTP API routes is in use .*lambdaWorkbench\\.apiGatewayPort`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    assert.equal(await startApiGateway(await engine(samTemplate({ Fn: { handler: 'app.handler' } })), 0), undefined);
  });
});
