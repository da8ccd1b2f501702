import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { checkHost, checkNotCrossSite } from '../../../src/core/util/requestOrigin';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { writeEchoProject } from '../helpers/project';
import { exitWithin, listening, startServe, waitForOutput, type ServeProcess } from '../helpers/serveProcess';

// DNS rebinding and cross-site requests against `lambda-workbench serve` (a real process): a Host
// that names neither loopback nor the bound address, and any browser request from another origin,
// are refused (403 AccessDeniedException) before anything runs; the AWS SDK still works; function
// URLs keep CORS but check the Host; the debug routes' environment overrides need serve.json's token.

const HANDLER = `
  const fs = require('fs');
  exports.handler = async (event) => {
    fs.appendFileSync(process.env.RAN, 'x');
    return { statusCode: 200, body: JSON.stringify({ event }) };
  };
`;

describe('request origin: Host and cross-site checks', function () {
  this.timeout(60000);

  describe('checkHost / checkNotCrossSite', () => {
    it('accepts loopback names and the bound host; refuses other names', () => {
      for (const host of ['localhost:3001', '127.0.0.1:3001', '[::1]:3001', 'LOCALHOST:3001', '127.0.0.1', 'app.localhost:3001']) {
        assert.equal(checkHost(host), undefined, host);
      }
      for (const host of ['attacker.example:3001', 'localhost.attacker.example:3001', '127.0.0.1.nip.io:3001', '', 'a b']) {
        const refusal = checkHost(host);
        assert.equal(refusal?.status, 403, host);
        assert.equal(refusal?.type, 'AccessDeniedException');
        assert.match(refusal!.message, /DNS rebinding/);
      }
      assert.equal(checkHost('devbox.lan:3001', 'devbox.lan'), undefined, 'the configured --host');
      assert.equal(checkHost('192.168.1.20:3001', '0.0.0.0'), undefined, 'bound to every interface: an address, never a name');
      assert.equal(checkHost('attacker.example:3001', '0.0.0.0')?.status, 403);
      assert.equal(checkHost(undefined), undefined, 'HTTP/1.0 without Host: no browser');
    });

    it('refuses Origin and Sec-Fetch-Site cross-site / same-site, not same-origin or none', () => {
      assert.equal(checkNotCrossSite({ origin: 'http://evil.example' })?.status, 403);
      assert.equal(checkNotCrossSite({ 'sec-fetch-site': 'cross-site' })?.status, 403);
      assert.equal(checkNotCrossSite({ 'sec-fetch-site': 'same-site' })?.status, 403);
      assert.equal(checkNotCrossSite({ 'sec-fetch-site': 'none' }), undefined);
      assert.equal(checkNotCrossSite({}), undefined);
    });
  });

  describe('against a running serve', () => {
    let dir: string;
    let ran: string;
    let s: ServeProcess;
    let url: string;
    let port: string;
    let fnUrl: string;
    const runs = () => (fs.existsSync(ran) ? fs.readFileSync(ran, 'utf8').length : 0);

    before(async () => {
      buildIfStale();
      ({ dir, file: ran } = writeEchoProject(
        HANDLER,
        'FunctionUrlConfig:\n  AuthType: NONE\n  Cors:\n    AllowOrigins: [https://app.example]\n    AllowMethods: [POST]',
      ));
      s = startServe(['--port', '0', '-t', dir]);
      url = await listening(s);
      port = new URL(url).port;
      fnUrl = (await waitForOutput(s, /^Function URL for Echo: (http:\/\/\S+)$/m))[1];
    });
    after(async () => {
      s.child.kill('SIGTERM');
      await exitWithin(s, 10000);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const refused = (r: { status: number; headers: Record<string, unknown>; body: string }, pattern: RegExp) => {
      assert.equal(r.status, 403, r.body);
      assert.equal(r.headers['x-amzn-errortype'], 'AccessDeniedException');
      assert.match(JSON.parse(r.body).message, pattern);
    };

    it('a foreign Host (DNS rebinding) is refused; localhost, 127.0.0.1 and [::1] are served', async () => {
      refused(
        await httpRequest('GET', `${url}/2015-03-31/functions/`, undefined, { Host: `attacker.example:${port}` }),
        /Refused Host "attacker\.example:\d+".*DNS rebinding/,
      );
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        const r = await httpRequest('GET', `${url}/2015-03-31/functions/`, undefined, { Host: host });
        assert.equal(r.status, 200, `${host}: ${r.body}`);
      }
      const before = runs();
      refused(await httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, '{}', { Host: `attacker.example:${port}` }), /DNS rebinding/);
      assert.equal(runs(), before, 'nothing ran');
    });

    it('a cross-site browser request (Origin, text/plain) to invoke, send-message and PublishVersion is refused; nothing runs', async () => {
      const before = runs();
      const evil = { Origin: 'http://evil.example', 'Content-Type': 'text/plain' };
      refused(await httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, '{"x":1}', evil), /origin "http:\/\/evil\.example"/);
      refused(
        await httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, '{"x":1}', { 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' }),
        /cross-site/,
      );
      refused(await httpRequest('POST', `${url}/_workbench/queues/Jobs/messages`, '{"Body":"x"}', evil), /evil\.example/);
      refused(
        await httpRequest('POST', `${url}/2015-03-31/functions/Echo/versions`, '{}', { 'Sec-Fetch-Site': 'same-site', 'Content-Type': 'text/plain' }),
        /same-site/,
      );
      const queues = JSON.parse((await httpRequest('GET', `${url}/_workbench/queues`)).body);
      assert.equal(JSON.stringify(queues).includes('"Visible":1'), false, `no message was sent: ${JSON.stringify(queues)}`);
      const versions = JSON.parse((await httpRequest('GET', `${url}/2015-03-31/functions/Echo/versions`)).body);
      assert.deepEqual(
        versions.Versions.map((v: any) => v.Version),
        ['$LATEST'],
        'no version was published',
      );
      assert.equal(runs(), before, 'the function did not run');
    });

    it('the AWS SDK still works', async () => {
      const sdk = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
      try {
        const out = await sdk.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from('{"sdk":true}') }));
        assert.equal(out.StatusCode, 200);
        assert.match(Buffer.from(out.Payload!).toString('utf8'), /sdk/);
      } finally {
        sdk.destroy();
      }
    });

    it('function URL: a foreign Host is refused, a CORS preflight with Origin is answered as before', async () => {
      const before = runs();
      refused(await httpRequest('POST', fnUrl, '{}', { Host: 'attacker.example', 'Content-Type': 'text/plain' }), /DNS rebinding/);
      assert.equal(runs(), before);
      const preflight = await httpRequest('OPTIONS', fnUrl, undefined, { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' });
      assert.ok(preflight.status === 200 || preflight.status === 204, preflight.body);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
      const r = await httpRequest('POST', fnUrl, '{}', { Origin: 'https://app.example', 'Content-Type': 'application/json' });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
    });

    it('debug routes: Environment overrides need the token of serve.json (mode 0600); a bad escape is a 400', async () => {
      const file = path.join(dir, '.lambda-workbench', 'serve.json');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const { token } = JSON.parse(fs.readFileSync(file, 'utf8')) as { token: string };
      assert.match(token, /^[0-9a-f]{64}$/);
      const body = JSON.stringify({ Enabled: true, Environment: { NODE_OPTIONS: '--inspect-brk' } });
      const debugUrl = `${url}/_workbench/debug/functions/Echo`;
      refused(await httpRequest('PUT', debugUrl, body, { 'Content-Type': 'application/json' }), /token/);
      refused(await httpRequest('PUT', debugUrl, body, { 'Content-Type': 'application/json', 'X-Lambda-Workbench-Token': 'f'.repeat(64) }), /token/);
      const ok = await httpRequest('PUT', debugUrl, body, { 'Content-Type': 'application/json', 'X-Lambda-Workbench-Token': token });
      assert.equal(ok.status, 200, ok.body);
      const off = await httpRequest('PUT', debugUrl, JSON.stringify({ Enabled: false }), { 'Content-Type': 'application/json' });
      assert.equal(off.status, 200, off.body);
      const bad = await httpRequest('PUT', `${url}/_workbench/debug/functions/%ZZ`, JSON.stringify({ Enabled: false }), { 'Content-Type': 'application/json' });
      assert.equal(bad.status, 400, bad.body);
      assert.equal(bad.headers['x-amzn-errortype'], 'InvalidParameterValueException');
    });
  });
});
