import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_CREDENTIALS } from '../../../src/core/environment/credentials';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { Workbench } from '../../../src/core/workbench';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';

// MemorySize bounds an environment; provisioned concurrency initialises environments ahead of
// traffic.

const FILES = {
  'src/app.js': `
    const keep = [];
    exports.handler = async (event) => {
      if (event.bufferMb) for (let i = 0; i < event.bufferMb; i++) keep.push(Buffer.alloc(1024 * 1024, 1));
      if (event.heapLeak) { const a = []; for (;;) a.push({ s: 'x'.repeat(1000) + Math.random() }); }
      if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
      return { pid: process.pid, type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, heapLimitMb: Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576) };
    };
  `,
  'src/child.js': `
    exports.handler = async () => {
      // Memory held by a subprocess counts too: the environment is the whole process tree.
      require('child_process').execFileSync(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 1024 * 1024, 1); setTimeout(() => {}, 300)']);
      return 'done';
    };
  `,
};

/** A project whose Prov publishes `live` with `count` provisioned environments (`props`: its other properties). */
function provisionedProject(count: number, props = ''): string {
  const provisioned = `AutoPublishAlias: live\nProvisionedConcurrencyConfig:\n  ProvisionedConcurrentExecutions: ${count}`;
  return writeProject({
    'template.yaml': samTemplate({ Prov: { handler: 'app.handler', props: props ? `${props}\n${provisioned}` : provisioned } }),
    ...FILES,
  });
}

describe('memory limits and provisioned concurrency', function () {
  this.timeout(30000);

  it('derives the Node heap limit from MemorySize', async () => {
    const workbench = await openProject(
      writeProject({ 'template.yaml': samTemplate({ Small: { handler: 'app.handler', props: 'MemorySize: 256' } }), ...FILES }),
    );
    try {
      const { heapLimitMb } = json((await workbench.invoke('Small', '{}')).payload);
      assert.ok(heapLimitMb > 150 && heapLimitMb <= 256, `heap limit ${heapLimitMb} MB for 256 MB`);
    } finally {
      await workbench.close();
    }
  });

  for (const [title, event, fn] of [
    ['native memory (Buffers) beyond MemorySize', '{"bufferMb": 400}', 'Small'],
    ['a JavaScript heap leak (V8 heap limit)', '{"heapLeak": true}', 'Small'],
    ['a subprocess holding memory', '{}', 'Child'],
  ] as const) {
    it(`${title} → Runtime.OutOfMemory, and the environment is reset`, async () => {
      const workbench = await openProject(
        writeProject({
          'template.yaml': samTemplate({
            Small: { handler: 'app.handler', props: 'MemorySize: 128\nTimeout: 20' },
            Child: { handler: 'child.handler', props: 'MemorySize: 128\nTimeout: 20' },
          }),
          ...FILES,
        }),
      );
      try {
        const result = await workbench.invoke(fn, event, { collectLogs: true });
        assert.equal(result.functionError, 'Unhandled', String(result.payload));
        const body = json(result.payload);
        assert.equal(body.errorType, 'Runtime.OutOfMemory', String(result.payload));
        assert.match(body.errorMessage, /^RequestId: [0-9a-f-]+ Error: Runtime exited with error: signal: killed$/);
        const report = (await result.logs).find((l) => l.startsWith('REPORT'))!;
        assert.match(report, /Memory Size: 128 MB\tMax Memory Used: 128 MB/);
        assert.match(report, /Status: error\tError Type: Runtime\.OutOfMemory$/);
        const next = await workbench.invoke(fn === 'Child' ? 'Small' : fn, '{}');
        assert.equal(next.coldStart, true);
      } finally {
        await workbench.close();
      }
    });
  }

  describe('provisioned concurrency', () => {
    it('initialises N environments of the AutoPublishAlias version before any invocation; they serve first, warm, without Init Duration', async () => {
      const events: TelemetryEvent[] = [];
      const dir = provisionedProject(2);
      const workbench = await openProject(dir);
      workbench.telemetry.subscribe((e) => events.push(e));
      try {
        const envs = workbench.environments();
        assert.equal(envs.length, 2, 'provisioned before the first invocation');
        assert.ok(envs.every((e) => e.state === 'Idle' && e.initializationType === 'provisioned-concurrency'));
        const [a, b] = await Promise.all([
          workbench.invoke('Prov:live', '{"sleepMs":200}', { collectLogs: true }),
          workbench.invoke('Prov:live', '{"sleepMs":200}', { collectLogs: true }),
        ]);
        for (const r of [a, b]) {
          assert.equal(r.coldStart, false);
          assert.equal(json(r.payload).type, 'provisioned-concurrency');
          assert.doesNotMatch(
            (await r.logs).find((l) => l.startsWith('REPORT'))!,
            /Init Duration/,
          );
        }
        // Spill-over: a third concurrent invocation cold-starts an on-demand environment.
        const burst = await Promise.all([1, 2, 3].map(() => workbench.invoke('Prov:live', '{"sleepMs":200}')));
        const onDemand = burst.filter((r) => r.coldStart);
        assert.equal(onDemand.length, 1);
        assert.equal(json(onDemand[0].payload).type, 'on-demand');
        // Provisioned environments are used first when both kinds are idle.
        const after = await workbench.invoke('Prov:live', '{}');
        assert.equal(json(after.payload).type, 'provisioned-concurrency');
      } finally {
        await workbench.close();
      }
    });

    it('are never reaped, and a failed one is replaced', async () => {
      const dir = provisionedProject(1, 'Timeout: 1');
      const workbench = await openProject(dir, { keepAliveSeconds: 0.2 });
      try {
        await new Promise((r) => setTimeout(r, 600));
        assert.equal(workbench.environments().length, 1, 'the keep-alive does not apply to provisioned environments');
        const timedOut = await workbench.invoke('Prov:live', '{"sleepMs": 3000}');
        assert.equal(json(timedOut.payload).errorType, 'Sandbox.Timedout');
        for (
          let i = 0;
          i < 50 &&
          !workbench.environments().some((e) => e.initializationType === 'provisioned-concurrency' && e.state === 'Idle' && e.id !== timedOut.environmentId);
          i++
        ) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const replacement = workbench.environments().find((e) => e.initializationType === 'provisioned-concurrency');
        assert.ok(replacement && replacement.id !== timedOut.environmentId, 'a new provisioned environment replaced the reset one');
      } finally {
        await workbench.close();
      }
    });

    it('a stored count out of bounds (settings.json 100000) never prevents start-up: the engine warns, clamps, and initialises a few at a time', async () => {
      const dir = writeProject({
        'template.yaml': samTemplate({ Prov: { handler: 'app.handler', props: 'AutoPublishAlias: live' }, Plain: { handler: 'app.handler' } }),
        ...FILES,
      });
      const settingsFile = path.join(dir, '.lambda-workbench', 'functions', 'Prov', 'settings.json');
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ provisionedConcurrency: { live: { count: 100000, lastModified: '2026-01-01T00:00:00.000+0000' } } }));
      const warnings: string[] = [];
      const initialising = new Set<string>();
      let most = 0;
      const started = Date.now();
      // The account (120) less the minimum unreserved (100) leaves 20 for provisioned concurrency.
      const workbench = await Workbench.open({
        template: path.join(dir, 'template.yaml'),
        settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 200, accountConcurrency: 120, provisionedConcurrency: { Plain: 50 } },
        onTelemetry: (e) => {
          if (e.type === 'workbench.warning') warnings.push((e as TelemetryEvent<'workbench.warning'>).record.message);
          if (e.type === 'platform.initStart' && e.environmentId) initialising.add(e.environmentId);
          if (e.type === 'platform.initReport' && e.environmentId) initialising.delete(e.environmentId);
          most = Math.max(most, initialising.size);
        },
      });
      try {
        assert.ok(Date.now() - started < 20000, 'started');
        const provisioned = workbench.environments().filter((e) => e.initializationType === 'provisioned-concurrency');
        assert.equal(provisioned.length, 20, 'clamped to what the account leaves unreserved');
        assert.ok(provisioned.every((e) => e.version === '1' && e.state === 'Idle'));
        assert.ok(
          warnings.some((w) => /settings\.json.*100000.*greater than account's unreserved concurrency.*20 are provisioned/.test(w)),
          warnings.join('\n'),
        );
        // Nothing is left for the setting's 50 on Plain's $LATEST: clamped to 0, with a warning.
        assert.ok(
          warnings.some((w) => /provisionedConcurrency setting of Plain asks for 50.*0 are provisioned/.test(w)),
          warnings.join('\n'),
        );
        assert.ok(most >= 2 && most <= 4, `${most} INITs at once (at most 4)`);
        // The stored value is left as it is (the API can change it); only what runs is clamped.
        assert.equal(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).provisionedConcurrency.live.count, 100000);
        assert.equal((await workbench.invoke('Prov:live', '{}')).coldStart, false);
      } finally {
        await workbench.close();
      }
    });

    it("the template's ProvisionedConcurrencyConfig beyond what the account leaves unreserved is clamped, with a warning", async () => {
      const dir = provisionedProject(50);
      const warnings: string[] = [];
      const workbench = await Workbench.open({
        template: path.join(dir, 'template.yaml'),
        settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 200, accountConcurrency: 103 },
        onTelemetry: (e) => {
          if (e.type === 'workbench.warning') warnings.push((e as TelemetryEvent<'workbench.warning'>).record.message);
        },
      });
      try {
        assert.equal(workbench.environments().filter((e) => e.initializationType === 'provisioned-concurrency').length, 3);
        assert.deepEqual(
          warnings.filter((w) => /ProvisionedConcurrencyConfig of Prov asks for 50 .*: 3 are provisioned/.test(w)).length,
          1,
          warnings.join('\n'),
        );
      } finally {
        await workbench.close();
      }
    });

    it('the settings can provision a function the template does not', async () => {
      const dir = writeProject({ 'template.yaml': samTemplate({ Plain: { handler: 'app.handler' } }), ...FILES });
      const workbench = await openProject(dir, { provisionedConcurrency: { Plain: 1 } });
      try {
        assert.equal((await workbench.invoke('Plain', '{}')).coldStart, false);
      } finally {
        await workbench.close();
      }
    });
  });
});
