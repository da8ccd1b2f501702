// The edit loop of a TypeScript function built the SAM way (`Metadata.BuildMethod: esbuild`), as a
// developer lives it while the engine runs:
//
// - edit → result: a change written to a module of the handler, until an invocation returns the new
//   behaviour (watcher debounce + incremental esbuild rebuild + retire + cold start), against a cold
//   start of the same function measured alongside (SAM's loop is `sam build` plus a container cold
//   start: seconds);
// - builds: a cold build (fresh state directory, new esbuild context), an incremental rebuild after
//   a one-line change (the function's esbuild context kept), and `esbuild` run as a command on the
//   same entry point (what `sam build` runs), alternating.
//
//   node bench/edit-result.mjs [--edits 15 --builds 15]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIfStale, fmt, loadEngine, machine, now, numberOption, quantile, root } from './lib.mjs';

const EDITS = numberOption('edits', 15);
const BUILDS = numberOption('builds', 15);

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello-world/
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [app.ts]
        Minify: true
        Target: es2020
        Sourcemap: true
`;

/** A small TypeScript project: the handler and a few modules it imports, as sam init's hello-ts grows. */
function writeProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-edit-'));
  const files = {
    'template.yaml': TEMPLATE,
    'hello-world/app.ts': [
      "import { greeting } from './lib/greeting';",
      "import { format } from './lib/format';",
      "import { validate } from './lib/validate';",
      'export const lambdaHandler = async (event: { name?: string }) => {',
      '  validate(event);',
      '  return { statusCode: 200, body: format({ message: greeting(event.name) }) };',
      '};',
    ].join('\n'),
    'hello-world/lib/greeting.ts': "export const greeting = (name?: string): string => `hello ${name ?? 'world'} v0`;\n",
    'hello-world/lib/format.ts': 'export const format = (value: unknown): string => JSON.stringify(value);\n',
    'hello-world/lib/validate.ts': "export function validate(event: unknown): void {\n  if (typeof event !== 'object') throw new TypeError('event');\n}\n",
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function setVersion(dir, version) {
  fs.writeFileSync(
    path.join(dir, 'hello-world/lib/greeting.ts'),
    `export const greeting = (name?: string): string => \`hello \${name ?? 'world'} v${version}\`;\n`,
  );
}

async function main() {
  buildIfStale('core.js');
  const { Workbench, FAKE_CREDENTIALS } = loadEngine();
  const settings = { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, eventSourceMappings: false };
  const dir = writeProject();
  const template = path.join(dir, 'template.yaml');
  const invokeBody = async (workbench) => JSON.parse(JSON.parse((await workbench.invoke('Hello', '{}')).payload.toString()).body).message;

  // Edit → result, and a cold start alongside.
  const workbench = await Workbench.open({ template, settings });
  await workbench.hotReloadReady();
  await invokeBody(workbench);
  const editToResult = [];
  const cold = [];
  for (let i = 1; i <= EDITS; i++) {
    await workbench.shutdownEnvironments('Hello');
    let start = now();
    await invokeBody(workbench);
    cold.push(now() - start);
    await new Promise((resolve) => setTimeout(resolve, 150));
    start = now();
    setVersion(dir, i);
    for (;;) {
      if ((await invokeBody(workbench)).endsWith(`v${i}`)) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    editToResult.push(now() - start);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await workbench.close();

  // Builds: cold (fresh state), incremental (a one-line change, context kept), esbuild's command line.
  const buildEngine = await Workbench.open({ template, settings: { ...settings, hotReload: false, build: false } });
  const esbuildCli = path.join(root, 'node_modules', '.bin', 'esbuild');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-esbuild-out-'));
  const coldBuild = [];
  const incremental = [];
  const command = [];
  for (let i = 0; i < BUILDS; i++) {
    await buildEngine.builds.dispose();
    fs.rmSync(path.join(dir, '.lambda-workbench', 'build'), { recursive: true, force: true });
    let start = now();
    const [first] = await buildEngine.builds.build(['Hello']);
    coldBuild.push(now() - start);
    if (first.status !== 'built') throw new Error(`cold build: ${first.status} ${first.error?.message ?? ''}`);
    setVersion(dir, 1000 + i);
    start = now();
    const [again] = await buildEngine.builds.build(['Hello']);
    incremental.push(now() - start);
    if (again.status !== 'built') throw new Error(`incremental build: ${again.status}`);
    start = now();
    const run = spawnSync(
      esbuildCli,
      ['app.ts', '--bundle', '--platform=node', `--outdir=${outdir}`, '--target=es2020', '--format=cjs', '--minify', '--sourcemap', '--log-level=warning'],
      { cwd: path.join(dir, 'hello-world') },
    );
    command.push(now() - start);
    if (run.status !== 0) throw new Error(`esbuild: ${run.stderr}`);
  }
  await buildEngine.close();

  const p50 = (values) => quantile(values, 0.5);
  const report = {
    machine: machine(),
    editToResult: { samples: EDITS, p50Ms: +p50(editToResult).toFixed(1), maxMs: +Math.max(...editToResult).toFixed(1) },
    coldStart: { samples: EDITS, p50Ms: +p50(cold).toFixed(1) },
    editToResultOverColdStart: +(p50(editToResult) / p50(cold)).toFixed(2),
    builds: {
      samples: BUILDS,
      coldBuildP50Ms: +p50(coldBuild).toFixed(1),
      incrementalP50Ms: +p50(incremental).toFixed(1),
      esbuildCommandP50Ms: +p50(command).toFixed(1),
      coldOverCommand: +(p50(coldBuild) / p50(command)).toFixed(2),
      incrementalOverCommand: +(p50(incremental) / p50(command)).toFixed(2),
    },
  };
  console.log(`edit → result      p50 ${fmt(p50(editToResult))} (max ${fmt(Math.max(...editToResult))}; target ≤ 300 ms)`);
  console.log(`cold start         p50 ${fmt(p50(cold))} → edit → result is ${report.editToResultOverColdStart}× a cold start`);
  console.log(`build, cold        p50 ${fmt(p50(coldBuild))} → ${report.builds.coldOverCommand}× esbuild's command line (${fmt(p50(command))})`);
  console.log(`build, incremental p50 ${fmt(p50(incremental))} → ${report.builds.incrementalOverCommand}× esbuild's command line`);
  console.log(JSON.stringify(report, null, 2));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outdir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
