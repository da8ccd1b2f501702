// Two builds of the engine side by side: this tree's dist/core.js against a baseline build (another
// checkout's dist/, e.g. the commit before a refactor), on the same echo function, alternating
// sample by sample so machine noise hits both alike. Cold: open the engine, first invoke, close.
// Warm: back-to-back invokes of one warm environment. Reports each side's p50 and the ratio.
//
//   git worktree add /tmp/baseline <rev> && (cd /tmp/baseline && npm ci && node scripts/build.mjs)
//   node bench/compare-builds.mjs --baseline /tmp/baseline [--cold 20 --warm 2000]
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { buildIfStale, EVENT, echoProject, fmt, machine, now, numberOption, quantile, root } from './lib.mjs';

const args = process.argv.slice(2);
const baselineDir = args[args.indexOf('--baseline') + 1];
if (!args.includes('--baseline') || !baselineDir) {
  console.error('usage: node bench/compare-builds.mjs --baseline <checkout with a built dist/> [--cold N --warm N]');
  process.exit(2);
}
buildIfStale('core.js');
const require = createRequire(import.meta.url);
const engines = {
  current: require(path.join(root, 'dist', 'core.js')),
  baseline: require(path.join(path.resolve(baselineDir), 'dist', 'core.js')),
};
const coldSamples = numberOption('cold', 20);
const warmSamples = numberOption('warm', 2000);
const dir = echoProject('nodejs20.x', 'echo.handler', { 'src/echo.js': 'exports.handler = async (event) => event;\n' });

function open(engine) {
  const { Workbench, FAKE_CREDENTIALS } = engine;
  return Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, hotReload: false, eventSourceMappings: false },
  });
}

const cold = { current: [], baseline: [] };
for (let i = 0; i < coldSamples; i++) {
  for (const side of i % 2 ? ['baseline', 'current'] : ['current', 'baseline']) {
    const workbench = await open(engines[side]);
    const start = now();
    await workbench.invoke('Echo', EVENT);
    cold[side].push(now() - start);
    await workbench.close();
  }
}

const warm = { current: [], baseline: [] };
const warmEngines = { current: await open(engines.current), baseline: await open(engines.baseline) };
for (const side of ['current', 'baseline']) await warmEngines[side].invoke('Echo', EVENT);
for (let i = 0; i < warmSamples; i++) {
  for (const side of i % 2 ? ['baseline', 'current'] : ['current', 'baseline']) {
    const start = now();
    await warmEngines[side].invoke('Echo', EVENT);
    warm[side].push(now() - start);
  }
}
for (const workbench of Object.values(warmEngines)) await workbench.close();

const p50 = (values) => quantile(values, 0.5);
const result = {
  machine: machine(),
  baseline: path.resolve(baselineDir),
  cold: { samples: coldSamples, currentP50Ms: p50(cold.current), baselineP50Ms: p50(cold.baseline), ratio: p50(cold.current) / p50(cold.baseline) },
  warm: { samples: warmSamples, currentP50Ms: p50(warm.current), baselineP50Ms: p50(warm.baseline), ratio: p50(warm.current) / p50(warm.baseline) },
};
console.log(`cold first invoke  current ${fmt(result.cold.currentP50Ms)}  baseline ${fmt(result.cold.baselineP50Ms)}  → ${result.cold.ratio.toFixed(3)}×`);
console.log(`warm invoke        current ${fmt(result.warm.currentP50Ms)}  baseline ${fmt(result.warm.baselineP50Ms)}  → ${result.warm.ratio.toFixed(3)}×`);
console.log(JSON.stringify(result, null, 2));
