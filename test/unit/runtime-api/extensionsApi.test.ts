import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { ExtensionsApi, type RegisteredExtension } from '../../../src/core/runtime-api/extensionsApi';
import { RuntimeApiServer } from '../../../src/core/runtime-api/server';
import type { TelemetrySubscriptionSpec } from '../../../src/core/runtime-api/telemetryApi';

// The Extensions and Telemetry APIs over real HTTP: AWS's status codes and error types.

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(address: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, headers, agent: false }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Extensions and Telemetry APIs', () => {
  let server: RuntimeApiServer;
  let api: ExtensionsApi;
  let address: string;
  const errors: Array<{ name: string; kind: string; type: string }> = [];
  const subscriptions: TelemetrySubscriptionSpec[] = [];

  beforeEach(async () => {
    errors.length = 0;
    subscriptions.length = 0;
    api = new ExtensionsApi(() => ({ functionName: 'fn', functionVersion: '$LATEST', handler: 'app.handler' }), {
      onExtensionRegistered: () => undefined,
      onExtensionReady: () => undefined,
      onExtensionError: (ext: RegisteredExtension, kind, type) => errors.push({ name: ext.name, kind, type }),
    });
    const ignore = () => undefined;
    server = new RuntimeApiServer(
      { onReady: ignore, onStreamStart: ignore, onResult: ignore, onInitError: ignore },
      { extensions: api, subscribe: (_e, spec) => subscriptions.push(spec) },
    );
    address = await server.listen();
  });
  afterEach(() => server.close());

  const register = (name?: string, body = '{"events":["INVOKE","SHUTDOWN"]}') =>
    call(address, 'POST', '/2020-01-01/extension/register', name ? { 'Lambda-Extension-Name': name } : {}, body);

  it("registers with AWS's response and identifier, and rejects bad registrations with 403s", async () => {
    const ok = await register('logger');
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['lambda-extension-identifier']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(ok.body), { functionName: 'fn', functionVersion: '$LATEST', handler: 'app.handler' });
    const cases: Array<[Promise<Reply>, string]> = [
      [register(undefined), 'Extension.InvalidExtensionName'],
      [register('bad', '{"events":["INVOKE","BOGUS"]}'), 'Extension.InvalidEventType'],
      [register('keys', '{"events":[],"configurationKeys":["x"]}'), 'InvalidRequestFormat'],
      [register('logger'), 'Extension.AlreadyRegistered'],
    ];
    for (const [reply, type] of cases) {
      const r = await reply;
      assert.equal(r.status, 403, type);
      assert.equal(JSON.parse(r.body).errorType, type);
    }
    api.registrationOpen = false;
    const closed = await register('late');
    assert.equal(JSON.parse(closed.body).errorType, 'Extension.RegistrationClosed');
  });

  it('checks Lambda-Extension-Identifier on every call', async () => {
    const missing = await call(address, 'GET', '/2020-01-01/extension/event/next');
    assert.equal(JSON.parse(missing.body).errorType, 'Extension.MissingExtensionIdentifier');
    const invalid = await call(address, 'GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': 'nope' });
    assert.equal(JSON.parse(invalid.body).errorType, 'Extension.InvalidExtensionIdentifier');
    const unknown = await call(address, 'GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': '2c8d0f4e-1111-4a6b-9b7e-1234567890ab' });
    assert.equal(unknown.status, 403);
    assert.equal(JSON.parse(unknown.body).errorType, 'Extension.UnknownExtensionIdentifier');
  });

  it('delivers events to a parked /event/next and queues them for a busy extension', async () => {
    const id = String((await register('logger')).headers['lambda-extension-identifier']);
    const next = call(address, 'GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id });
    while (!api.allReady) await new Promise((r) => setTimeout(r, 5));
    api.dispatch({ eventType: 'INVOKE', deadlineMs: 123, requestId: 'r1', invokedFunctionArn: 'arn' });
    api.dispatch({ eventType: 'SHUTDOWN', shutdownReason: 'SPINDOWN', deadlineMs: 456 });
    assert.deepEqual(JSON.parse((await next).body), { eventType: 'INVOKE', deadlineMs: 123, requestId: 'r1', invokedFunctionArn: 'arn' });
    assert.equal(api.allReady, false);
    const queued = await call(address, 'GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id });
    assert.deepEqual(JSON.parse(queued.body), { eventType: 'SHUTDOWN', shutdownReason: 'SPINDOWN', deadlineMs: 456 });
  });

  it('takes init/exit error reports, then refuses further calls from that extension', async () => {
    const id = String((await register('failing')).headers['lambda-extension-identifier']);
    const noType = await call(address, 'POST', '/2020-01-01/extension/init/error', { 'Lambda-Extension-Identifier': id }, '{}');
    assert.equal(noType.status, 400);
    const reported = await call(
      address,
      'POST',
      '/2020-01-01/extension/init/error',
      { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.ConfigInvalid' },
      '{"errorMessage":"x","errorType":"Extension.ConfigInvalid"}',
    );
    assert.equal(reported.status, 202);
    assert.deepEqual(errors, [{ name: 'failing', kind: 'init', type: 'Extension.ConfigInvalid' }]);
    const after = await call(address, 'GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id });
    assert.equal(after.status, 403);
  });

  it('validates Telemetry API subscriptions as AWS does and maps sandbox.localdomain to loopback', async () => {
    const id = String((await register('telemetry')).headers['lambda-extension-identifier']);
    const put = (body: unknown) =>
      call(address, 'PUT', '/2022-07-01/telemetry', { 'Lambda-Extension-Identifier': id, 'Content-Type': 'application/json' }, JSON.stringify(body));
    const good = {
      schemaVersion: '2022-07-01',
      types: ['platform', 'function'],
      buffering: { maxItems: 1000, maxBytes: 262144, timeoutMs: 100 },
      destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain:4243/telemetry' },
    };
    const ok = await put(good);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, '"OK"');
    assert.equal(subscriptions[0].destination.href, 'http://127.0.0.1:4243/telemetry');
    for (const bad of [
      { ...good, types: ['logs'] },
      { ...good, buffering: { ...good.buffering, timeoutMs: 10 } },
      { ...good, buffering: { ...good.buffering, maxItems: 10 } },
      { ...good, destination: { protocol: 'TCP', URI: good.destination.URI } },
      { ...good, destination: { protocol: 'HTTP', URI: 'http://example.com:80/' } },
      { ...good, destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain:9001/' } },
    ]) {
      const r = await put(bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(JSON.parse(r.body).errorType, 'ValidationError');
    }
    assert.equal(subscriptions.length, 1);
  });
});
