import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { isAlive, json, openProject, samLayers, samTemplate, withProject, writeProject } from '../helpers/project';
import { readJsonLines } from '../helpers/wait';

// Layers as an /opt equivalent, external extensions through the Extensions API, and Telemetry API
// subscriptions — with a real extension process written here.

/**
 * An external extension in Node: registers for INVOKE and SHUTDOWN, optionally subscribes to the
 * Telemetry API with a listener on loopback, and appends everything it sees to $EXT_LOG.
 */
const LOGGER_EXTENSION = `#!/usr/bin/env node
const http = require('http');
const fs = require('fs');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const log = (entry) => fs.appendFileSync(process.env.EXT_LOG, JSON.stringify(entry) + '\\n');
function call(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, headers }, (res) => {
      let data = ''; res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject); req.end(body);
  });
}
(async () => {
  log({ env: { task: process.env.LAMBDA_TASK_ROOT ?? null, handler: process.env._HANDLER ?? null, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, user: process.env.EXT_LOG ? 'visible' : null } });
  const reg = await call('POST', '/2020-01-01/extension/register', { 'Lambda-Extension-Name': 'logger' }, JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }));
  const id = reg.headers['lambda-extension-identifier'];
  log({ registered: reg.status, body: JSON.parse(reg.body) });
  if (process.env.EXT_INIT_ERROR) {
    await call('POST', '/2020-01-01/extension/init/error', { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.ConfigInvalid' }, JSON.stringify({ errorMessage: 'no config', errorType: 'Extension.ConfigInvalid' }));
    process.exit(1);
  }
  if (process.env.EXT_TELEMETRY) {
    const server = http.createServer((req, res) => {
      let data = ''; req.on('data', (d) => (data += d));
      req.on('end', () => { log({ telemetry: JSON.parse(data) }); res.end(); });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    server.unref();
    const sub = await call('PUT', '/2022-07-01/telemetry', { 'Lambda-Extension-Identifier': id, 'Content-Type': 'application/json' }, JSON.stringify({
      schemaVersion: '2022-07-01', types: ['platform', 'function'],
      buffering: { maxItems: 1000, maxBytes: 262144, timeoutMs: 25 },
      destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain:' + server.address().port },
    }));
    log({ subscribed: sub.status, body: sub.body });
  }
  if (process.env.EXT_SLOW_INIT) await new Promise((r) => setTimeout(r, Number(process.env.EXT_SLOW_INIT)));
  for (;;) {
    const next = await call('GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id });
    const event = JSON.parse(next.body);
    log({ event });
    if (event.eventType === 'SHUTDOWN') { await new Promise((r) => setTimeout(r, 100)); process.exit(0); }
    if (process.env.EXT_CRASH_ON_INVOKE) process.exit(7);
  }
})().catch((e) => { log({ error: String(e) }); process.exit(1); });
`;

function project(props: string, files: Record<string, string> = {}): { dir: string; log: string } {
  const dir = writeProject({
    'template.yaml':
      samTemplate({ Fn: { handler: 'app.handler', props: `Layers: [!Ref Tools, !Ref Later]\n${props}` } }) +
      samLayers({ Tools: 'layers/tools', Later: 'layers/later' }),
    'src/app.js': `
      const shared = require('shared-lib');
      exports.handler = async (event) => {
        console.log('handling', JSON.stringify(event));
        if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
        if (event.allocateMb) { globalThis.keep = []; for (let i = 0; i < event.allocateMb; i++) globalThis.keep.push(Buffer.alloc(1024 * 1024, 1)); }
        return { shared: shared.name, tool: require('child_process').execFileSync('layer-tool').toString().trim() };
      };
    `,
    'layers/tools/nodejs/node_modules/shared-lib/index.js': `module.exports = { name: 'from tools layer' };`,
    'layers/tools/bin/layer-tool': '#!/bin/sh\necho tool-from-tools\n',
    'layers/later/bin/layer-tool': '#!/bin/sh\necho tool-from-later-layer\n',
    'layers/tools/extensions/logger': LOGGER_EXTENSION,
    ...files,
  });
  for (const f of ['layers/tools/bin/layer-tool', 'layers/later/bin/layer-tool', 'layers/tools/extensions/logger']) fs.chmodSync(path.join(dir, f), 0o755);
  // `PLACEHOLDER` in the properties stands for the project's own extension log.
  const log = path.join(dir, 'ext.log');
  const template = path.join(dir, 'template.yaml');
  fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('PLACEHOLDER', log));
  return { dir, log };
}

describe('layers, extensions and the Telemetry API', function () {
  this.timeout(30000);

  it('materialises layers in order as an /opt equivalent: NODE_PATH and PATH see them, later layers win', async () => {
    const { dir, log } = project(`Environment:\n  Variables:\n    EXT_LOG: ${path.join(process.cwd(), 'never')}`);
    fs.rmSync(path.join(dir, 'layers/tools/extensions'), { recursive: true });
    void log;
    await withProject(dir, async (workbench) => {
      const result = await workbench.invoke('Fn', '{}');
      assert.deepEqual(json(result.payload), { shared: 'from tools layer', tool: 'tool-from-later-layer' });
    });
  });

  describe('an external extension', () => {
    let workbench: Workbench;
    let log: string;
    const events: TelemetryEvent[] = [];

    before(async () => {
      const p = project('Environment:\n  Variables:\n    EXT_LOG: PLACEHOLDER\n    EXT_SLOW_INIT: "150"');
      log = p.log;
      workbench = await openProject(p.dir);
      workbench.telemetry.subscribe((e) => events.push(e));
    });
    after(() => workbench.close());

    it('starts in the extension init sub-phase, registers, and INIT waits for it', async () => {
      const result = await workbench.invoke('Fn', '{"n":1}', { collectLogs: true });
      assert.equal(result.functionError, undefined, String(result.payload));
      const entries = readJsonLines(log);
      assert.deepEqual(entries[0].env, { task: null, handler: null, fn: 'Fn', user: 'visible' }, 'extensions do not see LAMBDA_TASK_ROOT or _HANDLER');
      assert.equal(entries[1].registered, 200);
      assert.deepEqual(entries[1].body, { functionName: 'Fn', functionVersion: '$LATEST', handler: 'app.handler' });
      const report = events.find((e) => e.environmentId === result.environmentId && e.type === 'platform.initReport')!.record as any;
      assert.deepEqual(
        report.spans.map((s: any) => s.name),
        ['extensionInit', 'runtimeInit', 'functionInit'],
      );
      const total = report.spans.reduce((t: number, s: any) => t + s.durationMs, 0);
      assert.ok(Math.abs(total - report.metrics.durationMs) < 1);
      assert.ok(result.initDurationMs! >= 150, `INIT waited for the slow extension (${result.initDurationMs} ms)`);
      const phases = events
        .filter((e) => e.environmentId === result.environmentId && e.type === 'workbench.environment')
        .map((e) => (e.record as any).detail)
        .filter(Boolean);
      assert.deepEqual(phases.slice(0, 2), ['init:extensions', 'init:runtime']);
    });

    it("receives INVOKE with AWS's shape for every invocation, and the environment is reused", async () => {
      const second = await workbench.invoke('Fn', '{"n":2}');
      assert.equal(second.coldStart, false);
      // The invoke phase (REPORT) ends only when the extension asked for its next event, i.e. after
      // it logged this one.
      await second.logs;
      const invokes = readJsonLines(log)
        .filter((e) => e.event?.eventType === 'INVOKE')
        .map((e) => e.event);
      assert.equal(invokes.length, 2);
      const last = invokes[1];
      assert.equal(last.requestId, second.requestId);
      assert.equal(last.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Fn');
      assert.ok(last.deadlineMs > Date.now() - 5000 && last.deadlineMs < Date.now() + 5000);
      assert.equal(last.tracing.type, 'X-Amzn-Trace-Id');
    });

    it('gets SHUTDOWN (SPINDOWN) with a deadline when the environment is shut down', async () => {
      await workbench.shutdownEnvironments();
      const shutdown = readJsonLines(log).find((e) => e.event?.eventType === 'SHUTDOWN')?.event;
      assert.equal(shutdown?.shutdownReason, 'SPINDOWN');
      assert.ok(shutdown.deadlineMs - Date.now() <= 2000);
    });
  });

  it('delivers Telemetry API batches (platform.start, platform.report, function lines) to a subscribed extension', async () => {
    const p = project('Environment:\n  Variables:\n    EXT_LOG: PLACEHOLDER\n    EXT_TELEMETRY: "1"');
    await withProject(p.dir, async (workbench) => {
      const result = await workbench.invoke('Fn', '{"hello":"telemetry"}');
      await new Promise((r) => setTimeout(r, 300));
      const entries = readJsonLines(p.log);
      assert.deepEqual(entries.find((e) => e.subscribed)?.subscribed, 200);
      const records = entries.filter((e) => e.telemetry).flatMap((e) => e.telemetry);
      const types = records.map((r: any) => r.type);
      assert.ok(types.includes('platform.telemetrySubscription'));
      const start = records.find((r: any) => r.type === 'platform.start' && r.record.requestId === result.requestId);
      const report = records.find((r: any) => r.type === 'platform.report' && r.record.requestId === result.requestId);
      assert.ok(start && report, types.join(','));
      assert.equal(report.record.metrics.memorySizeMB, 128);
      assert.ok(records.some((r: any) => r.type === 'function' && /handling {"hello":"telemetry"}/.test(r.record)));
      assert.ok(records.every((r: any) => typeof r.time === 'string' && !r.type.startsWith('workbench.')));
    });
  });

  it('an extension crashing during an invocation fails it with Extension.Crash and resets the environment', async () => {
    const p = project('Environment:\n  Variables:\n    EXT_LOG: PLACEHOLDER\n    EXT_CRASH_ON_INVOKE: "1"');
    await withProject(p.dir, async (workbench) => {
      // The handler outlives the extension, which exits as soon as it sees INVOKE.
      const result = await workbench.invoke('Fn', '{"sleepMs": 500}', { collectLogs: true });
      assert.equal(result.functionError, 'Unhandled');
      assert.equal(json(result.payload).errorType, 'Extension.Crash');
      assert.match(json(result.payload).errorMessage, /^RequestId: .* Error: Extension logger exited with error: exit status 7$/);
      assert.match((await result.logs).at(-1)!, /Status: error\tError Type: Extension\.Crash$/);
      const next = await workbench.invoke('Fn', '{}');
      assert.equal(next.coldStart, true);
    });
  });

  it('an extension that exits during INIT fails the invocation with Extension.Crash', async () => {
    const p = project('Environment:\n  Variables:\n    EXT_LOG: /nonexistent/dir/log');
    await withProject(p.dir, async (workbench) => {
      const result = await workbench.invoke('Fn', '{}');
      assert.equal(result.functionError, 'Unhandled');
      assert.equal(json(result.payload).errorType, 'Extension.Crash');
      assert.match(json(result.payload).errorMessage, /Extension logger exited with error: exit status 1/);
      assert.deepEqual(workbench.environments(), []);
    });
  });

  it('an extension reporting an init error fails the invocation with Extension.InitError', async () => {
    const p = project('Environment:\n  Variables:\n    EXT_LOG: PLACEHOLDER\n    EXT_INIT_ERROR: "1"');
    await withProject(p.dir, async (workbench) => {
      const result = await workbench.invoke('Fn', '{}', { collectLogs: true });
      assert.equal(json(result.payload).errorType, 'Extension.InitError');
      assert.match(json(result.payload).errorMessage, /Extension logger reported an init error: Extension\.ConfigInvalid/);
      assert.ok((await result.logs).some((l) => /^INIT_REPORT .*Status: error\tError Type: Extension\.InitError$/.test(l)));
    });
  });

  it('no extension process outlives the engine', async () => {
    const p = project('Environment:\n  Variables:\n    EXT_LOG: PLACEHOLDER');
    const workbench = await openProject(p.dir);
    await workbench.invoke('Fn', '{}');
    const pids = fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(p.dir, 'layers'));
        } catch {
          return false;
        }
      });
    await workbench.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(pids.filter(isAlive), []);
  });
});
