import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { signedHeaders } from '../../../src/core/api/requestSigner';
import { buildIfStale, REPO_ROOT } from '../helpers/build';
import { writeProject } from '../helpers/project';
import { startServe, stopServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';

// SAM's response-streaming template (sam init, nodejs22.x, "Response streaming") as a user runs it
// with `lambda-workbench serve` (the built CLI, a real process): a project of the same shape — a
// nodejs22.x function wrapped in awslambda.streamifyResponse, HttpResponseStream.from with a
// Content-Type and a custom header, writes spaced out in time, a FunctionUrlConfig with AuthType
// AWS_IAM and InvokeMode RESPONSE_STREAM, an Output of its URL — answered through its function URL
// as it streams.

const PAUSE_MS = 300;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: A response-streaming function behind a function URL, as SAM's template has it

Resources:
  StreamingFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs22.x
      Architectures: [x86_64]
      Timeout: 10
      FunctionUrlConfig:
        AuthType: AWS_IAM
        InvokeMode: RESPONSE_STREAM

Outputs:
  StreamingFunctionURL:
    Description: The streaming function's URL
    Value: !GetAtt StreamingFunctionUrl.FunctionUrl
`;

const HANDLER = `const pause = () => new Promise((resolve) => setTimeout(resolve, ${PAUSE_MS}));

exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'Content-Type': 'text/html', 'X-Custom-Header': 'streamed-locally' },
  });
  responseStream.write('<html><body>');
  responseStream.write('<p>written at once</p>');
  for (const level of [1, 2, 3]) {
    await pause();
    responseStream.write('<h' + level + '>part ' + level + '</h' + level + '>');
  }
  responseStream.write('<p>done</p></body></html>');
  responseStream.end();
});
`;

interface Timed {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  firstAt: number;
  endAt: number;
}

function get(url: string, headers: Record<string, string>): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      let firstAt = 0;
      res.on('data', (chunk: Buffer) => {
        if (!firstAt) firstAt = performance.now();
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, firstAt, endAt: performance.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The lines of a streamed text body, each with the time it arrived. */
function readLines(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; lines: Array<{ text: string; at: number }> }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const lines: Array<{ text: string; at: number }> = [];
        let rest = '';
        res.on('data', (chunk: Buffer) => {
          const parts = (rest + chunk.toString('utf8')).split('\n');
          rest = parts.pop() ?? '';
          for (const text of parts) lines.push({ text, at: performance.now() });
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, lines }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe("SAM's response-streaming template under serve", function () {
  this.timeout(60000);
  let dir: string;
  let serve: ServeProcess | undefined;

  before(() => {
    buildIfStale();
    dir = writeProject({ 'template.yaml': TEMPLATE, 'src/index.js': HANDLER, 'src/package.json': '{"name":"streaming-function","private":true}' });
  });
  after(async () => {
    await stopServe(serve);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams the body through the function URL: status and headers from the metadata, the first bytes long before the last', async () => {
    // The AWS_IAM URL verifies signatures against the credentials serve finds in its environment.
    serve = startServe(['-t', path.join(dir, 'template.yaml'), '--port', '0'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret' },
    });
    const line = await waitForOutput(
      serve,
      /^Function URL for StreamingFunction: (http:\/\/127\.0\.0\.1:\d+\/) \(AWS_IAM: SigV4 signatures verified against your credentials; RESPONSE_STREAM\)$/m,
    );
    const url = line[1]!;

    // AWS_IAM: an unsigned request is refused, as Lambda's URL does.
    assert.equal((await get(url, {})).status, 403);

    const signed = await signedHeaders({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' }, 'us-east-1', 'GET', new URL(url), {}, Buffer.alloc(0));
    const res = await get(url, signed);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/html');
    assert.equal(res.headers['x-custom-header'], 'streamed-locally');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.body, '<html><body><p>written at once</p><h1>part 1</h1><h2>part 2</h2><h3>part 3</h3><p>done</p></body></html>');
    // The handler pauses three times between its first and last writes: streamed, the first
    // bytes arrive at least that much before the end (buffered, both would come together).
    const spread = res.endAt - res.firstAt;
    assert.ok(spread >= 3 * PAUSE_MS * 0.9, `first bytes only ${spread.toFixed(0)} ms before the end`);
    // The invocation's log goes to serve's stderr, as for any function.
    const until = Date.now() + 5000;
    while (!/REPORT RequestId: /.test(serve.stderr()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.match(serve.stderr(), /REPORT RequestId: [0-9a-f-]{36}\tDuration: /);
  });

  it("examples/sam-app's StreamReport streams each line through its RESPONSE_STREAM URL", async () => {
    const example = startServe(['-t', path.join(REPO_ROOT, 'examples', 'sam-app'), '--port', '0']);
    try {
      const line = await waitForOutput(example, /^Function URL for StreamReport: (http:\/\/127\.0\.0\.1:\d+\/) \(RESPONSE_STREAM\)$/m, 60000);
      const res = await readLines(`${line[1]}orders?delayMs=${PAUSE_MS}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.deepEqual(
        res.lines.map((l) => l.text),
        ['report /orders (dev)', '1/4 load orders', '2/4 price the lines', '3/4 apply tax', '4/4 total up', 'done'],
      );
      // Four pauses between the first line and the last: they arrived apart, not at once.
      const spread = res.lines.at(-1)!.at - res.lines[0]!.at;
      assert.ok(spread >= 4 * PAUSE_MS * 0.9, `the first line only ${spread.toFixed(0)} ms before the last`);
    } finally {
      assert.equal((await stopServe(example))?.code, 0, example.stderr());
    }
  });
});
