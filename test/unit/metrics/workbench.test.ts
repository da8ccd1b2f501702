import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_CREDENTIALS } from '../../../src/core/environment/credentials';
import { MetricsRecorder } from '../../../src/core/metrics/metricsRecorder';
import { TimelineModel, type TimelineEnvironment } from '../../../src/core/metrics/timelineModel';
import { Workbench } from '../../../src/core/workbench';
import { samTemplate, writeProject } from '../helpers/project';

// The timeline model and the metrics recorder on a real engine driving real invocations: cold,
// warm and provisioned starts, INIT sub-phases (an external extension's too), errors, timeouts,
// a failed INIT, throttles, and an asynchronous event that exhausts its retries.

/** A tiny external extension: registers for INVOKE and SHUTDOWN and asks for events until SHUTDOWN. */
const EXTENSION = `#!/usr/bin/env node
const http = require('http');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const call = (method, path, headers, body) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, method, path, headers }, (res) => {
    let data = ''; res.on('data', (d) => (data += d)); res.on('end', () => resolve({ headers: res.headers, body: data }));
  });
  req.on('error', reject); req.end(body);
});
(async () => {
  const reg = await call('POST', '/2020-01-01/extension/register', { 'Lambda-Extension-Name': 'tiny' }, JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }));
  const id = reg.headers['lambda-extension-identifier'];
  for (;;) {
    const next = JSON.parse((await call('GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id })).body);
    if (next.eventType === 'SHUTDOWN') process.exit(0);
  }
})().catch(() => process.exit(1));
`;

const APP = `
  exports.handler = async (event) => {
    console.log('event', JSON.stringify(event));
    if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
    if (event.fail) throw new Error('boom');
    return { ok: true };
  };
`;

describe('timeline and metrics on a real engine', function () {
  this.timeout(60000);
  let workbench: Workbench;
  const recorder = new MetricsRecorder();
  const model = new TimelineModel();

  before(async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({
        App: { handler: 'app.handler' },
        Slow: { handler: 'app.handler', props: 'Timeout: 1' },
        Reserved: { handler: 'app.handler', props: 'ReservedConcurrentExecutions: 1' },
        Prov: { handler: 'app.handler' },
        Broken: { handler: 'missing.handler' },
        WithExt: { handler: 'app.handler', props: 'Layers: [!Ref Ext]' },
      }).replace('Resources:\n', 'Resources:\n  Ext:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layer\n'),
      'src/app.js': APP,
      'layer/extensions/tiny': EXTENSION,
    });
    fs.chmodSync(path.join(dir, 'layer/extensions/tiny'), 0o755);
    workbench = await Workbench.open({
      template: path.join(dir, 'template.yaml'),
      settings: {
        credentials: async () => FAKE_CREDENTIALS,
        shutdownGraceMs: 200,
        provisionedConcurrency: { Prov: 1 },
        asyncRetryDelaysSeconds: [0.05, 0.05],
        hotReload: false,
      },
      // Subscribed before open provisions Prov's environment.
      onTelemetry: (event) => {
        recorder.record(event);
        model.apply(event);
      },
    });
  });
  after(() => workbench?.close());

  const envsOf = (fn: string): TimelineEnvironment[] => model.snapshot().environments.filter((e) => e.functionName === fn);

  it('cold then warm: runtime and function init segments, then invocations with their REPORT', async () => {
    const first = await workbench.invoke('App', '{}');
    const second = await workbench.invoke('App', '{"sleepMs": 30}');
    await second.logs;
    assert.equal(first.environmentId, second.environmentId);
    const [env] = envsOf('App');
    assert.equal(env.id, first.environmentId);
    assert.deepEqual(
      env.segments.map((s) => s.kind),
      ['runtimeInit', 'functionInit', 'idle', 'invoke', 'idle', 'invoke', 'idle'],
    );
    const [runtimeInit, functionInit] = env.segments;
    assert.ok(runtimeInit.end! <= functionInit.start + 1 && functionInit.end! > functionInit.start);
    const invokes = env.segments.filter((s) => s.kind === 'invoke');
    assert.deepEqual(
      invokes.map((s) => s.startKind),
      ['cold', 'warm'],
    );
    assert.deepEqual(
      invokes.map((s) => s.outcome),
      ['success', 'success'],
    );
    assert.match(
      invokes[0].text!,
      /^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t$/,
    );
    assert.doesNotMatch(invokes[1].text!, /Init Duration/);
    assert.ok(invokes[1].durationMs! >= 30);
    assert.equal(invokes[0].logLines, 1);
    assert.match(invokes[0].lastLines![0], /\tINFO\tevent \{\}$/);
    const s = recorder.summary('App', '$LATEST');
    assert.equal(s.invocations, 2);
    assert.equal(s.errors, 0);
    assert.ok(s.durationP99Ms! >= 30);
  });

  it('provisioned: initialised during open, every invocation a provisioned start, utilization measured', async () => {
    const [before] = envsOf('Prov');
    assert.ok(before, 'the provisioned environment is on the timeline before any invocation');
    assert.equal(before.initializationType, 'provisioned-concurrency');
    assert.deepEqual(
      before.segments.map((s) => s.kind),
      ['runtimeInit', 'functionInit', 'idle'],
    );
    await (
      await workbench.invoke('Prov', '{"sleepMs": 20}')
    ).logs;
    const [env] = envsOf('Prov');
    const invoke = env.segments.find((s) => s.kind === 'invoke')!;
    assert.equal(invoke.startKind, 'provisioned');
    assert.doesNotMatch(invoke.text!, /Init Duration/, 'a provisioned start has no Init Duration');
    const s = recorder.summary('Prov');
    assert.equal(s.provisionedEnvironments, 1);
    assert.equal(s.provisionedConcurrencyUtilizationMax, 1);
  });

  it('an external extension adds the extension init sub-phase', async () => {
    await (
      await workbench.invoke('WithExt', '{}')
    ).logs;
    const [env] = envsOf('WithExt');
    assert.deepEqual(
      env.segments.slice(0, 3).map((s) => s.kind),
      ['extensionInit', 'runtimeInit', 'functionInit'],
    );
    assert.equal(env.segments.find((s) => s.kind === 'invoke')!.startKind, 'cold');
  });

  it('errors and timeouts are coloured by outcome and counted as Errors; a timeout resets the environment', async () => {
    const failed = await workbench.invoke('App', '{"fail": true}');
    await failed.logs;
    assert.equal(failed.functionError, 'Unhandled');
    const timedOut = await workbench.invoke('Slow', '{"sleepMs": 3000}');
    await timedOut.logs;
    const appInvokes = envsOf('App')
      .flatMap((e) => e.segments)
      .filter((s) => s.kind === 'invoke');
    assert.equal(appInvokes[appInvokes.length - 1].outcome, 'error');
    assert.equal(appInvokes[appInvokes.length - 1].errorType, 'Error');
    await waitFor(() => envsOf('Slow')[0]?.state === 'Terminated');
    const [slow] = envsOf('Slow');
    const invoke = slow.segments.find((s) => s.kind === 'invoke')!;
    assert.equal(invoke.outcome, 'timeout');
    assert.match(invoke.text!, /\tStatus: timeout$/);
    assert.deepEqual(
      slow.segments.slice(-1).map((s) => s.kind),
      ['shutdown'],
    );
    assert.ok(slow.endedAt);
    assert.equal(recorder.summary('App').errors, 1);
    assert.equal(recorder.summary('Slow').errors, 1);
  });

  it('a failed INIT: red init segment, the invocation fails, the environment ends', async () => {
    const result = await workbench.invoke('Broken', '{}');
    assert.equal(result.functionError, 'Unhandled');
    await waitFor(() => envsOf('Broken')[0]?.state === 'Terminated');
    const [env] = envsOf('Broken');
    const init = env.segments.filter((s) => s.kind.endsWith('nit'));
    assert.equal(init[init.length - 1].outcome, 'error');
    assert.equal(env.initStatus, 'error');
    const invoke = env.segments.find((s) => s.kind === 'invoke')!;
    assert.equal(invoke.outcome, 'error');
    assert.match(invoke.text!, /Error Type: Runtime\.ImportModuleError/);
    assert.equal(recorder.summary('Broken').errors, 1);
  });

  it('throttles become markers and Throttles; concurrency is measured', async () => {
    const results = await Promise.allSettled([workbench.invoke('Reserved', '{"sleepMs": 300}'), workbench.invoke('Reserved', '{"sleepMs": 300}')]);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
    const s = recorder.summary('Reserved', '$LATEST');
    assert.equal(s.throttles, 1, 'the throttle names its version');
    assert.equal(s.invocations, 1);
    assert.equal(s.concurrentExecutionsMax, 1);
    const markers = model.snapshot().markers.filter((m) => m.functionName === 'Reserved');
    assert.deepEqual(
      markers.map((m) => m.kind),
      ['throttle'],
    );
    assert.match(markers[0].text, /ReservedFunctionConcurrentInvocationLimitExceeded/);
  });

  it('an asynchronous event that keeps failing: AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped', async () => {
    await workbench.invokeAsync('App', '{"fail": true}');
    await waitFor(() => recorder.summary('App').asyncEventsDropped === 1, 20_000);
    const s = recorder.summary('App');
    assert.equal(s.asyncEventsReceived, 1);
    assert.ok(s.asyncEventAgeMaxMs! >= 100, `the last retry came after two delays, got ${s.asyncEventAgeMaxMs}`);
    assert.ok(model.snapshot().markers.some((m) => m.kind === 'asyncDropped' && m.functionName === 'App'));
  });

  it('counts add up between the model and the recorder', () => {
    const counts = model.counts();
    const total = ['App', 'Slow', 'Reserved', 'Prov', 'Broken', 'WithExt'].reduce((n, fn) => n + recorder.summary(fn).invocations, 0);
    assert.equal(counts.invocations, total);
    assert.ok(counts.cold >= 5);
    assert.equal(counts.provisioned, 1);
    assert.equal(counts.running, 0);
    assert.ok(counts.initSegments >= 11);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
