import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { isAlive, samTemplate, writeProject } from '../helpers/project';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { exitWithin, listening, LISTENING, startServe, type ServeProcess as Serve } from '../helpers/serveProcess';

// `lambda-workbench serve` as a user runs it (the built CLI in its own process): when it says it
// listens, how it stops, which addresses and ports it refuses, and --verify-signatures.

const FILES = {
  // Reports the runtime's pid and that of a subprocess it started (both must go on shutdown).
  'src/app.js': `
    const { spawn } = require('child_process');
    let sleeper;
    exports.handler = async (event) => {
      sleeper ??= spawn('sleep', ['60'], { stdio: 'ignore' });
      return { pid: process.pid, sleeperPid: sleeper.pid, event };
    };
  `,
};

/** A raw `node:http` POST of JSON (no SDK, no signature). */
const post = (url: string, body: string, headers: http.OutgoingHttpHeaders = {}) =>
  httpRequest('POST', url, body, { 'Content-Type': 'application/json', ...headers });

const invokeUrl = (base: string, fn = 'Echo') => `${base}/2015-03-31/functions/${fn}/invocations`;

/** Live (non-zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

describe('lambda-workbench serve', function () {
  this.timeout(40000);
  let project: string;
  const running: Serve[] = [];
  const serve = (args: string[], env?: NodeJS.ProcessEnv) => {
    const s = startServe(args, { env });
    running.push(s);
    return s;
  };

  before(() => {
    buildIfStale();
    project = writeProject({ 'template.yaml': samTemplate({ Echo: { handler: 'app.handler' } }), ...FILES });
  });
  after(async () => {
    for (const s of running) {
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it('prints the listening line (alone on stdout, logs on stderr) only once it accepts requests', async () => {
    const s = serve(['--port', '0', '-t', project]);
    // The moment the line arrives, connect: the port must already accept and answer.
    const answer = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      s.child.stdout.on('data', () => {
        const match = LISTENING.exec(s.stdout());
        if (!match) return;
        http
          .request(`${match[1]}/nowhere`, { method: 'GET', agent: false }, (res) => {
            res.resume();
            resolve({ status: res.statusCode!, type: String(res.headers['x-amzn-errortype']) });
          })
          .on('error', reject)
          .end();
      });
      void s.exited.then(({ code }) => reject(new Error(`exited ${code}: ${s.stderr()}`)));
    });
    assert.deepEqual(answer, { status: 404, type: 'UnknownOperationException' });
    const url = LISTENING.exec(s.stdout())![1];
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(invokeUrl(url), '{"n":1}');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body).event, { n: 1 });
    assert.equal(s.stdout(), `Lambda API listening on ${url}\n`, 'nothing else on stdout');
    assert.match(s.stderr(), /^\[Echo env-[0-9a-f]+\] START RequestId: /m, 'the logs go to stderr');
    s.child.kill('SIGTERM');
    assert.equal((await exitWithin(s, 10000)).code, 0);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} stops it with exit 0: environments shut down, no runtime or subprocess left behind`, async () => {
      const s = serve(['--port', '0', '-t', project]);
      const url = await listening(s);
      const r = await post(invokeUrl(url), '{}');
      assert.equal(r.status, 200, r.body);
      const { pid, sleeperPid } = JSON.parse(r.body) as { pid: number; sleeperPid: number };
      assert.ok(isAlive(pid) && isAlive(sleeperPid), 'the runtime and its subprocess run while serving');
      assert.notEqual(pid, s.child.pid, 'the function runs in its own process');
      s.child.kill(signal);
      const exit = await exitWithin(s, 10000);
      assert.deepEqual(exit, { code: 0, signal: null }, s.stderr());
      assert.match(s.stderr(), /Shutting down/);
      assert.ok(!isAlive(pid), `runtime ${pid} is gone`);
      assert.ok(!isAlive(sleeperPid), `the handler's subprocess ${sleeperPid} is gone`);
      assert.deepEqual(groupMembers(pid), [], "nothing is left in the environment's process group");
      await assert.rejects(post(invokeUrl(url), '{}'), /ECONNREFUSED/, 'the port is closed');
    });
  }

  it('--host 0.0.0.0 without --allow-remote: exit 2 with a clear message, nothing bound', async () => {
    const s = serve(['--host', '0.0.0.0', '--port', '0', '-t', project]);
    const exit = await exitWithin(s, 10000);
    assert.equal(exit.code, 2);
    assert.equal(
      s.stderr().trim(),
      'Refusing to bind to 0.0.0.0: the API runs your functions for anyone who can reach it. Pass --allow-remote to do it anyway.',
    );
    assert.equal(s.stdout(), '');
  });

  it('--host 0.0.0.0 --allow-remote: a warning on stderr, then it serves', async () => {
    const s = serve(['--host', '0.0.0.0', '--allow-remote', '--port', '0', '-t', project]);
    const url = await listening(s);
    assert.match(url, /^http:\/\/0\.0\.0\.0:\d+$/);
    assert.match(s.stderr(), /^WARNING: the Lambda API is bound to 0\.0\.0\.0, not loopback: anyone who can reach this address can invoke your functions\.$/m);
    const r = await post(invokeUrl(url.replace('0.0.0.0', '127.0.0.1')), '{"remote":true}');
    assert.equal(r.status, 200, r.body);
    s.child.kill('SIGTERM');
    assert.equal((await exitWithin(s, 10000)).code, 0);
  });

  it('a port in use: exit 2 with a clear message, no stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const s = serve(['--port', String(port), '-t', project]);
      const exit = await exitWithin(s, 10000);
      assert.equal(exit.code, 2, s.stderr());
      assert.match(s.stderr().trim(), new RegExp(`^Cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.doesNotMatch(s.stderr(), /\n\s+at /);
      assert.equal(s.stdout(), '');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('--verify-signatures without credentials: exit 2 with a clear message', async () => {
    const s = serve(['--port', '0', '--verify-signatures', '-t', project]);
    const exit = await exitWithin(s, 10000);
    assert.equal(exit.code, 2);
    assert.match(s.stderr(), /^--verify-signatures needs --access-key-id and --secret-access-key/);
  });

  describe('--verify-signatures', () => {
    let s: Serve;
    let url: string;
    const client = (secretAccessKey: string) =>
      new LambdaClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDSERVETEST', secretAccessKey },
        maxAttempts: 1,
      });

    before(async () => {
      s = serve(['--port', '0', '-t', project, '--verify-signatures', '--access-key-id', 'AKIDSERVETEST', '--secret-access-key', 'serve-secret']);
      url = await listening(s);
    });
    after(async () => {
      s.child.kill('SIGTERM');
      await exitWithin(s, 10000);
    });

    it('the SDK signing with the right secret is served', async () => {
      const sdk = client('serve-secret');
      try {
        const out = await sdk.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"signed":"sdk"}') }));
        assert.equal(out.StatusCode, 200);
        assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString('utf8')).event, { signed: 'sdk' });
        const qualified = await sdk.send(new InvokeCommand({ FunctionName: 'Echo', Qualifier: '$LATEST', Payload: Buffer.from('{}') }));
        assert.equal(qualified.StatusCode, 200, 'a query string and an escaped path verify too');
      } finally {
        sdk.destroy();
      }
    });

    it('a wrong secret: InvalidSignatureException (403)', async () => {
      const sdk = client('not-the-secret');
      try {
        await assert.rejects(
          sdk.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{}') })),
          (e: any) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403 && /signature we calculated does not match/.test(e.message),
        );
      } finally {
        sdk.destroy();
      }
    });

    it('an unsigned raw node:http request: 403 MissingAuthenticationTokenException, nothing run', async () => {
      const before = s.stderr().split('START RequestId').length;
      const r = await post(invokeUrl(url), '{}');
      assert.equal(r.status, 403);
      assert.equal(r.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
      assert.equal(JSON.parse(r.body).message, 'Missing Authentication Token');
      assert.equal(s.stderr().split('START RequestId').length, before);
    });
  });
});
