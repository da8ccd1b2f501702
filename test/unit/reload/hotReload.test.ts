import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EnvironmentState, ExecutionEnvironment } from '../../../src/core/environment/environment';
import { EnvironmentPool } from '../../../src/core/scheduler/pool';
import type { TelemetryEvent, TelemetryType } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { buildIfStale } from '../helpers/build';
import { listening, startServe } from '../helpers/serveProcess';
import { waitFor } from '../helpers/wait';
import { isAlive, json, openProject, samLayers, samTemplate, writeProject } from '../helpers/project';

// Hot reload of $LATEST: edits to code, layers and the template retire the environments running
// the old code; the next invocation cold-starts on the new one. Real processes, real files.

const handler = (version: string) => `
  exports.handler = async (event) => {
    if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
    return { version: ${JSON.stringify(version)}, greeting: process.env.GREETING, pid: process.pid };
  };
`;

function greetingTemplate(greeting: string, extra = ''): string {
  return samTemplate({ App: { handler: 'app.handler', props: `Environment:\n  Variables:\n    GREETING: ${greeting}` } }) + extra;
}

interface Seen<T extends TelemetryType> {
  event: TelemetryEvent<T>;
  /** performance.now() when the event was emitted. */
  at: number;
}

/** The next event of a type matching `match`; rejects after `timeoutMs`. */
function nextEvent<T extends TelemetryType>(
  workbench: Workbench,
  type: T,
  match: (e: TelemetryEvent<T>) => boolean = () => true,
  timeoutMs = 3000,
): Promise<Seen<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = workbench.telemetry.subscribe((event) => {
      if (event.type !== type || !match(event as TelemetryEvent<T>)) return;
      const at = performance.now();
      clearTimeout(timer);
      stop();
      resolve({ event: event as TelemetryEvent<T>, at });
    });
  });
}

/** Every event of a type from now on (for asserting that some did not happen). */
function record<T extends TelemetryType>(workbench: Workbench, type: T): TelemetryEvent<T>[] {
  const seen: TelemetryEvent<T>[] = [];
  workbench.telemetry.subscribe((event) => {
    if (event.type === type) seen.push(event as TelemetryEvent<T>);
  });
  return seen;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitUntil(condition: () => boolean, what: string, timeoutMs = 3000): Promise<boolean> {
  return waitFor(condition, timeoutMs, what, 10);
}

describe('hot reload of $LATEST', function () {
  this.timeout(15000);
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  async function open(files: Record<string, string>): Promise<{ dir: string; workbench: Workbench }> {
    const dir = writeProject(files);
    workbench = await openProject(dir);
    await workbench.hotReloadReady();
    return { dir, workbench };
  }

  it('picks up an edit to a handler within one second of the write; the next invocation cold-starts on it', async () => {
    const { dir, workbench } = await open({ 'template.yaml': greetingTemplate('hello'), 'src/app.js': handler('v1') });
    const first = await workbench.invoke('App', '{}');
    const warm = await workbench.invoke('App', '{}');
    assert.equal(warm.coldStart, false);
    assert.equal(json(warm.payload).version, 'v1');

    const reloaded = nextEvent(workbench, 'workbench.reload');
    const file = path.join(dir, 'src/app.js');
    const writtenAt = performance.now();
    fs.writeFileSync(file, handler('v2'));
    const { event, at } = await reloaded;
    const latencyMs = at - writtenAt;
    console.log(`      (reload latency: ${latencyMs.toFixed(1)} ms from the write to workbench.reload)`);
    assert.ok(latencyMs < 1000, `reloaded ${latencyMs.toFixed(0)} ms after the write`);
    assert.deepEqual(event.record, { functionName: 'App', reason: 'code', paths: [file] });
    assert.equal(event.functionName, 'App');
    assert.equal(event.functionVersion, '$LATEST');

    const next = await workbench.invoke('App', '{}');
    assert.equal(next.coldStart, true);
    assert.notEqual(next.environmentId, first.environmentId);
    assert.equal(json(next.payload).version, 'v2');
    // The idle environment running v1 was shut down, not kept.
    await waitUntil(() => !workbench.environments().some((e) => e.id === first.environmentId), 'the old environment to go');
    await waitUntil(() => !isAlive(json(first.payload).pid), 'the old runtime to exit');
  });

  it('lets an invocation in flight finish on the old code, then shuts its environment down instead of reusing it', async () => {
    const { dir, workbench } = await open({ 'template.yaml': greetingTemplate('hello'), 'src/app.js': handler('v1') });
    const inFlight = workbench.invoke('App', '{"sleepMs": 800}');
    await waitUntil(() => workbench.environments().some((e) => e.state === 'Invoking'), 'the invocation to start');
    const [busy] = workbench.environments();

    const reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v2'));
    await reloaded;
    assert.equal(workbench.environments().find((e) => e.id === busy.id)?.state, 'Invoking', 'still running its invocation');

    const result = await inFlight;
    assert.equal(result.functionError, undefined);
    assert.equal(json(result.payload).version, 'v1');
    await waitUntil(() => !workbench.environments().some((e) => e.id === busy.id), 'the retired environment to shut down');
    await waitUntil(() => !isAlive(busy.pid!), 'its runtime to exit');

    const next = await workbench.invoke('App', '{}');
    assert.equal(next.coldStart, true);
    assert.equal(json(next.payload).version, 'v2');
  });

  it('reloads a changed template (an environment variable) and only the functions it changed', async () => {
    const template = samTemplate({
      App: { handler: 'app.handler', props: 'Environment:\n  Variables:\n    GREETING: hello' },
      Other: { handler: 'app.handler', codeUri: 'other', props: 'Environment:\n  Variables:\n    GREETING: same' },
    });
    const { dir, workbench } = await open({ 'template.yaml': template, 'src/app.js': handler('v1'), 'other/app.js': handler('other') });
    const reloads = record(workbench, 'workbench.reload');
    await workbench.invoke('App', '{}');
    const other = await workbench.invoke('Other', '{}');

    const reloaded = nextEvent(workbench, 'workbench.reload');
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, template.replace('GREETING: hello', 'GREETING: bonjour'));
    const { event } = await reloaded;
    assert.deepEqual(event.record, { functionName: 'App', reason: 'template', paths: [file] });

    const app = await workbench.invoke('App', '{}');
    assert.equal(app.coldStart, true);
    assert.equal(json(app.payload).greeting, 'bonjour');
    assert.equal(workbench.getFunction('App')?.environment.GREETING, 'bonjour');
    const otherAgain = await workbench.invoke('Other', '{}');
    assert.equal(otherAgain.coldStart, false, 'an unchanged function keeps its warm environment');
    assert.equal(otherAgain.environmentId, other.environmentId);
    assert.deepEqual(
      reloads.map((e) => e.record.functionName),
      ['App'],
    );
  });

  it('keeps warm environments of functions whose code did not change', async () => {
    const { dir, workbench } = await open({
      'template.yaml': samTemplate({ A: { handler: 'app.handler', codeUri: 'a' }, B: { handler: 'app.handler', codeUri: 'b' } }),
      'a/app.js': handler('a1'),
      'b/app.js': handler('b1'),
    });
    const reloads = record(workbench, 'workbench.reload');
    const a = await workbench.invoke('A', '{}');
    const b = await workbench.invoke('B', '{}');

    const reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'a/app.js'), handler('a2'));
    assert.equal((await reloaded).event.record.functionName, 'A');
    await sleep(250);

    const bAgain = await workbench.invoke('B', '{}');
    assert.equal(bAgain.coldStart, false);
    assert.equal(bAgain.environmentId, b.environmentId);
    const aAgain = await workbench.invoke('A', '{}');
    assert.equal(aAgain.coldStart, true);
    assert.notEqual(aAgain.environmentId, a.environmentId);
    assert.equal(json(aAgain.payload).version, 'a2');
    assert.deepEqual(
      reloads.map((e) => e.record.functionName),
      ['A'],
    );
  });

  it('keeps watching a code directory that a clean build deletes and creates again', async () => {
    const { dir, workbench } = await open({ 'template.yaml': samTemplate({ App: { handler: 'app.handler', codeUri: 'dist' } }), 'dist/app.js': handler('v1') });
    await workbench.invoke('App', '{}');
    const dist = path.join(dir, 'dist');
    let reloaded = nextEvent(workbench, 'workbench.reload');
    fs.rmSync(dist, { recursive: true });
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'app.js'), handler('v2'));
    assert.equal((await reloaded).event.record.reason, 'code');
    assert.equal(json((await workbench.invoke('App', '{}')).payload).version, 'v2');

    await sleep(150);
    reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(path.join(dist, 'app.js'), handler('v3'));
    assert.deepEqual((await reloaded).event.record.paths, [path.join(dist, 'app.js')]);
    assert.equal(json((await workbench.invoke('App', '{}')).payload).version, 'v3');
  });

  it('picks up a changed layer file, and a file added to a layer', async () => {
    const { dir, workbench } = await open({
      'template.yaml': samTemplate({ App: { handler: 'app.handler', props: 'Layers: [!Ref Shared]' } }) + samLayers({ Shared: 'layer' }),
      'src/app.js': `
        const greet = require('greet');
        let extra = null;
        try { extra = require('extra'); } catch {}
        exports.handler = async () => ({ greet, extra });
      `,
      'layer/nodejs/node_modules/greet.js': `module.exports = 'v1';`,
    });
    assert.deepEqual(json((await workbench.invoke('App', '{}')).payload), { greet: 'v1', extra: null });

    let reloaded = nextEvent(workbench, 'workbench.reload');
    const greet = path.join(dir, 'layer/nodejs/node_modules/greet.js');
    fs.writeFileSync(greet, `module.exports = 'v2';`);
    assert.deepEqual((await reloaded).event.record, { functionName: 'App', reason: 'layer', paths: [greet] });
    const second = await workbench.invoke('App', '{}');
    assert.equal(second.coldStart, true);
    assert.deepEqual(json(second.payload), { greet: 'v2', extra: null });

    // A new file needs the /opt equivalent rebuilt, not just a new process.
    reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'layer/nodejs/node_modules/extra.js'), `module.exports = 'added';`);
    assert.equal((await reloaded).event.record.reason, 'layer');
    const third = await workbench.invoke('App', '{}');
    assert.equal(third.coldStart, true);
    assert.deepEqual(json(third.payload), { greet: 'v2', extra: 'added' });
  });

  it('keeps the previous template running when the new one has errors, with a warning; fixing it reloads', async () => {
    const { dir, workbench } = await open({ 'template.yaml': greetingTemplate('hello'), 'src/app.js': handler('v1') });
    const reloads = record(workbench, 'workbench.reload');
    const first = await workbench.invoke('App', '{}');
    const file = path.join(dir, 'template.yaml');

    const warned = nextEvent(workbench, 'workbench.warning');
    fs.writeFileSync(file, greetingTemplate('hello').replace('Runtime: nodejs20.x', 'Runtime: nodejs20.x\n      MemorySize: lots'));
    const { event } = await warned;
    assert.match(event.record.message, /not reloaded, the previous one stays in use/);
    assert.match(event.record.message, /template\.yaml:\d+:\d+ error .*MemorySize/);

    const during = await workbench.invoke('App', '{}');
    assert.equal(during.coldStart, false, 'nothing was retired');
    assert.equal(during.environmentId, first.environmentId);
    assert.equal(json(during.payload).greeting, 'hello');
    assert.equal(reloads.length, 0);

    const reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(file, greetingTemplate('fixed'));
    assert.equal((await reloaded).event.record.reason, 'template');
    const after = await workbench.invoke('App', '{}');
    assert.equal(after.coldStart, true);
    assert.equal(json(after.payload).greeting, 'fixed');
  });

  it('replaces provisioned $LATEST environments with fresh ones on the new code', async () => {
    const dir = writeProject({ 'template.yaml': greetingTemplate('hello'), 'src/app.js': handler('v1') });
    const engine = (workbench = await openProject(dir, { provisionedConcurrency: { App: 1 } }));
    await engine.hotReloadReady();
    const [old] = engine.environments();
    assert.equal(old.initializationType, 'provisioned-concurrency');

    const reloaded = nextEvent(engine, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v2'));
    await reloaded;
    await waitUntil(
      () => engine.environments().some((e) => e.id !== old.id && e.initializationType === 'provisioned-concurrency' && e.state === 'Idle'),
      'a fresh provisioned environment',
    );
    await waitUntil(() => !engine.environments().some((e) => e.id === old.id), 'the old one to shut down');
    const result = await engine.invoke('App', '{}');
    assert.equal(result.coldStart, false, 'served by the fresh provisioned environment');
    assert.equal(json(result.payload).version, 'v2');
    assert.equal(engine.environments().length, 1);
  });

  it('ignores what the engine and tools write (state directory, .git, node_modules/.cache) even with CodeUri: .', async () => {
    const template = samTemplate({ App: { handler: 'app.handler', codeUri: '.' } });
    const { dir, workbench } = await open({ 'template.yaml': template, 'app.js': handler('v1'), 'node_modules/.cache/keep': '', '.git/HEAD': 'ref: x\n' });
    const reloads = record(workbench, 'workbench.reload');
    await workbench.invoke('App', '{}');
    // Asynchronous invocation writes the engine's store under .lambda-workbench.
    await workbench.invokeAsync('App', '{}');
    fs.writeFileSync(path.join(dir, 'node_modules/.cache/entry'), 'x');
    fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: y\n');
    fs.mkdirSync(path.join(dir, '.lambda-workbench'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.lambda-workbench/note'), 'x');
    await sleep(400);
    assert.deepEqual(reloads, []);

    // The template inside the code directory is judged by its content: rewriting it unchanged reloads nothing.
    fs.writeFileSync(path.join(dir, 'template.yaml'), template);
    await sleep(300);
    assert.deepEqual(reloads, []);

    const reloaded = nextEvent(workbench, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'app.js'), handler('v2'));
    assert.deepEqual((await reloaded).event.record, { functionName: 'App', reason: 'code', paths: [path.join(dir, 'app.js')] });
  });

  it('leaves no process and no watcher behind after close; hotReload: false watches nothing', async () => {
    const { dir, workbench: engine } = await open({ 'template.yaml': greetingTemplate('hello'), 'src/app.js': handler('v1') });
    const reloads = record(engine, 'workbench.reload');
    const pids = [json((await engine.invoke('App', '{}')).payload).pid];
    const inFlight = engine.invoke('App', '{"sleepMs": 300}');
    await waitUntil(() => engine.environments().some((e) => e.state === 'Invoking'), 'the invocation to start');
    const reloaded = nextEvent(engine, 'workbench.reload');
    fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v2'));
    await reloaded;
    pids.push(json((await engine.invoke('App', '{}')).payload).pid, json((await inFlight).payload).pid);
    await engine.close();
    workbench = undefined;
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still runs`);
    fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v3'));
    await sleep(300);
    assert.equal(reloads.length, 1, 'nothing is reloaded after close');

    workbench = await openProject(dir, { hotReload: false });
    const silent = record(workbench, 'workbench.reload');
    await workbench.hotReloadReady();
    const before = await workbench.invoke('App', '{}');
    fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v4'));
    await sleep(300);
    const after = await workbench.invoke('App', '{}');
    assert.equal(silent.length, 0);
    assert.equal(after.environmentId, before.environmentId);
  });
});

describe('lambda-workbench serve with hot reload', function () {
  this.timeout(30000);
  before(() => buildIfStale());

  it('prints one line per reload and serves the new code', async () => {
    const dir = writeProject({ 'template.yaml': samTemplate({ Echo: { handler: 'app.handler' } }), 'src/app.js': handler('v1') });
    const serve = startServe(['--port', '0', '-t', dir]);
    try {
      const url = await listening(serve);
      const invoke = async () =>
        (await (await fetch(`${url}/2015-03-31/functions/Echo/invocations`, { method: 'POST', body: '{}' })).json()) as { version: string };
      assert.equal((await invoke()).version, 'v1');
      // The watcher's initial scan is not observable from outside: write until the reload shows.
      const line = 'Reloaded Echo ($LATEST): code changed (src/app.js)';
      for (let attempt = 0; !serve.stderr().includes(line); attempt++) {
        assert.ok(attempt < 10, `no reload line; stderr: ${serve.stderr()}`);
        fs.writeFileSync(path.join(dir, 'src/app.js'), handler('v2'));
        await waitUntil(() => serve.stderr().includes(line), 'the reload line', 500).catch(() => undefined);
      }
      assert.equal((await invoke()).version, 'v2');
    } finally {
      serve.child.kill('SIGINT');
      assert.equal((await serve.exited).code, 0, serve.stderr());
    }
  });
});

/** Just what EnvironmentPool looks at, with states driven by the test. */
class FakeEnvironment {
  state: EnvironmentState = 'Initializing';
  finishing = false;
  shutdowns = 0;
  private readonly listeners = new Set<(env: ExecutionEnvironment) => void>();
  constructor(readonly initializationType: 'on-demand' | 'provisioned-concurrency' = 'on-demand') {}
  get isFinishing(): boolean {
    return this.state === 'Invoking' && this.finishing;
  }
  onStateChange(listener: (env: ExecutionEnvironment) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(state: EnvironmentState): void {
    this.state = state;
    if (state !== 'Invoking') this.finishing = false;
    for (const listener of this.listeners) listener(this as unknown as ExecutionEnvironment);
  }
  async shutdown(): Promise<void> {
    this.shutdowns++;
    this.set('ShuttingDown');
    this.set('Terminated');
  }
  get env(): ExecutionEnvironment {
    return this as unknown as ExecutionEnvironment;
  }
}

describe('retiring a pool (EnvironmentPool.retireAll)', () => {
  const newPool = () => new EnvironmentPool('Fn', '$LATEST', () => 60_000);

  it('shuts idle environments down now and never hands them out', async () => {
    const pool = newPool();
    const idle = new FakeEnvironment();
    pool.add(idle.env);
    idle.set('Idle');
    assert.equal(pool.idleCount, 1);
    assert.equal(pool.retireAll(), 1);
    assert.equal(idle.shutdowns, 1);
    assert.equal(await pool.acquire(), undefined, 'the next invocation cold-starts');
  });

  it('lets a busy environment finish, then shuts it down instead of making it idle; its waiters cold-start', async () => {
    const pool = newPool();
    const busy = new FakeEnvironment();
    pool.add(busy.env);
    busy.set('Idle');
    assert.equal(await pool.acquire(), busy.env);
    busy.set('Invoking');
    busy.finishing = true;
    const waiting = pool.acquire();
    assert.equal(pool.busyCount, 1);
    pool.retireAll();
    assert.equal(await waiting, undefined, 'the waiter is released to cold-start');
    assert.equal(pool.busyCount, 0, 'an answered, retired environment counts against nothing');
    assert.equal(busy.shutdowns, 0, 'not interrupted');
    busy.set('Idle');
    assert.equal(busy.shutdowns, 1);
    assert.equal(pool.idleCount, 0);
    assert.equal(await pool.acquire(), undefined);
  });

  it('gives a cold-starting environment to the caller it was started for, once', async () => {
    const pool = newPool();
    const claimed = new FakeEnvironment();
    pool.addClaimed(claimed.env);
    pool.retireAll();
    claimed.set('Idle');
    assert.equal(claimed.shutdowns, 0, 'its caller invokes it');
    claimed.set('Invoking');
    claimed.set('Idle');
    assert.equal(claimed.shutdowns, 1);
  });

  it('does not count retired provisioned environments, so provisioning again replaces them', () => {
    const pool = newPool();
    const provisioned = new FakeEnvironment('provisioned-concurrency');
    pool.add(provisioned.env);
    provisioned.set('Idle');
    provisioned.set('Invoking');
    assert.equal(pool.provisionedCount, 1);
    pool.retireAll();
    assert.equal(pool.provisionedCount, 0);
    assert.ok(pool.isRetired(provisioned.env));
  });
});
