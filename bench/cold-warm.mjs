// Benchmark: the engine's cold and warm invoke latency against baselines measured in the same run.
//
//   cold: first invoke of an echo function through the engine (new environment: Runtime API
//         server, process spawn, runtime + function init, the invocation)
//     vs  the physical floor: a bare HTTP server and a bare `node` child doing the same Runtime
//         API exchange (GET /next → require the handler → call it → POST /response), nothing else.
//   warm: invoke latency on a warm environment through the engine
//     vs  calling the handler in-process (no IPC at all), and the bare warm Runtime API exchange.
//
// Samples are interleaved so machine noise hits both sides alike. Results are ratios.
// Usage: npm run bench [-- --cold 20 --warm 3000]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT, echoProject, fmt, loadEngine, machine, now, numberOption, quantile, startBareExchange, writeFloorRuntime } from './lib.mjs';

const { Workbench, FAKE_CREDENTIALS } = loadEngine();
const COLD_SAMPLES = numberOption('cold', 20);
const WARM_SAMPLES = numberOption('warm', 3000);

const dir = echoProject('nodejs20.x', 'echo.handler', { 'src/echo.js': 'exports.handler = async (event) => event;\n' });

// --- the floor: a bare node child doing the Runtime API exchange, nothing else -----------------
const FLOOR_RUNTIME = writeFloorRuntime(dir);

const startFloor = () => startBareExchange(process.execPath, [FLOOR_RUNTIME], { HANDLER_FILE: path.join(dir, 'src', 'echo.js') }, dir);

async function main() {
  const open = (settings) =>
    Workbench.open({
      template: path.join(dir, 'template.yaml'),
      settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, ...settings },
    });
  const workbench = await open({});
  // The same engine without Lambda's V8 heap cap (the nodeHeapLimit setting), to show its cost.
  const uncapped = await open({ nodeHeapLimit: false });
  // Warm the engine's caches (node binary, credentials, JIT of the host) outside the samples.
  for (const w of [workbench, uncapped]) {
    await w.invoke('Echo', EVENT);
    await w.shutdownEnvironments();
  }
  const f = await startFloor();
  await f.invoke();
  await f.stop();

  // COLD
  const cold = { engine: [], floor: [], uncapped: [] };
  for (let i = 0; i < COLD_SAMPLES; i++) {
    let t = now();
    const floor = await startFloor();
    await floor.invoke();
    cold.floor.push(now() - t);
    await floor.stop();

    t = now();
    const result = await workbench.invoke('Echo', EVENT);
    cold.engine.push(now() - t);
    if (!result.coldStart) throw new Error('expected a cold start');
    await result.logs;
    await workbench.shutdownEnvironments();

    t = now();
    const plain = await uncapped.invoke('Echo', EVENT);
    cold.uncapped.push(now() - t);
    await plain.logs;
    await uncapped.shutdownEnvironments();
  }
  await uncapped.close();

  // WARM
  const handler = (await import(path.join(dir, 'src', 'echo.js'))).handler;
  const context = { awsRequestId: 'x', getRemainingTimeInMillis: () => 3000 };
  const floor = await startFloor();
  const warm = { engine: [], inProcess: [], floor: [], engineB2B: [], floorB2B: [] };
  // The environment (and the bare runtime) is back on /next between samples, as it is whenever
  // invocations are not back to back: this is the latency a caller sees.
  const settle = () => new Promise((r) => setTimeout(r, 1));
  for (let i = 0; i < 200; i++) {
    await workbench.invoke('Echo', EVENT);
    await floor.invoke();
  }
  for (let i = 0; i < WARM_SAMPLES; i++) {
    let t = now();
    await handler(JSON.parse(EVENT.toString()), context);
    warm.inProcess.push(now() - t);

    await settle();
    t = now();
    await floor.invoke();
    warm.floor.push(now() - t);

    await settle();
    t = now();
    const r = await workbench.invoke('Echo', EVENT);
    warm.engine.push(now() - t);
    if (r.coldStart) throw new Error('unexpected cold start in the warm loop');
  }
  // Back to back: each invocation also waits for the runtime's return to /next. Blocks of 50
  // alternate between the two sides so that drift hits both alike.
  for (let block = 0; block < WARM_SAMPLES / 50; block++) {
    for (let i = 0; i < 50; i++) {
      const t = now();
      await floor.invoke();
      warm.floorB2B.push(now() - t);
    }
    for (let i = 0; i < 50; i++) {
      const t = now();
      await workbench.invoke('Echo', EVENT);
      warm.engineB2B.push(now() - t);
    }
  }
  await floor.stop();
  await workbench.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const c = { engine: quantile(cold.engine, 0.5), floor: quantile(cold.floor, 0.5), uncapped: quantile(cold.uncapped, 0.5) };
  const w = {
    engine: quantile(warm.engine, 0.5),
    engine99: quantile(warm.engine, 0.99),
    inProcess: quantile(warm.inProcess, 0.5),
    floor: quantile(warm.floor, 0.5),
    engineB2B: quantile(warm.engineB2B, 0.5),
    floorB2B: quantile(warm.floorB2B, 0.5),
  };
  const report = {
    machine: machine(),
    cold: {
      samples: COLD_SAMPLES,
      engineP50Ms: +c.engine.toFixed(2),
      floorP50Ms: +c.floor.toFixed(2),
      ratio: +(c.engine / c.floor).toFixed(3),
      withoutHeapCapP50Ms: +c.uncapped.toFixed(2),
      withoutHeapCapRatio: +(c.uncapped / c.floor).toFixed(3),
    },
    warm: {
      samples: WARM_SAMPLES,
      engineP50Ms: +w.engine.toFixed(4),
      engineP99Ms: +w.engine99.toFixed(4),
      inProcessP50Ms: +w.inProcess.toFixed(4),
      bareExchangeP50Ms: +w.floor.toFixed(4),
      engineOverheadP50Ms: +(w.engine - w.inProcess).toFixed(4),
      engineOverBareExchangeP50Ms: +(w.engine - w.floor).toFixed(4),
      backToBackEngineP50Ms: +w.engineB2B.toFixed(4),
      backToBackBareExchangeP50Ms: +w.floorB2B.toFixed(4),
      backToBackOverheadP50Ms: +(w.engineB2B - w.inProcess).toFixed(4),
      backToBackEngineOverBareRatio: +(w.engineB2B / w.floorB2B).toFixed(3),
    },
  };
  console.log(`cold first invoke           engine ${fmt(c.engine)} vs floor ${fmt(c.floor)} → ${report.cold.ratio}× the floor (target ≤ 1.1×);`);
  console.log(`                            without the V8 heap cap (nodeHeapLimit: false) ${fmt(c.uncapped)} → ${report.cold.withoutHeapCapRatio}×`);
  console.log(
    `warm, back to back, p50     engine ${fmt(w.engineB2B)} vs in-process ${fmt(w.inProcess)} → overhead ${fmt(w.engineB2B - w.inProcess)} (target ≤ 0.3 ms);`,
  );
  console.log(`                            bare Runtime API exchange ${fmt(w.floorB2B)} → engine/bare ${(w.engineB2B / w.floorB2B).toFixed(2)}×`);
  console.log(
    `warm, idle 1 ms before, p50 engine ${fmt(w.engine)} (p99 ${fmt(w.engine99)}) vs in-process ${fmt(w.inProcess)} → overhead ${fmt(w.engine - w.inProcess)};`,
  );
  console.log(
    `                            bare Runtime API exchange ${fmt(w.floor)} → engine/bare ${(w.engine / w.floor).toFixed(2)}× (wake-up of idle CPUs dominates both)`,
  );
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
