// What a user installs and waits for: the size of every platform's VSIX and of the npm package, and
// the extension's activation time — activate() → its engines open, the Functions view able to list
// the functions — of the installed VSIX in a real VS Code extension host (code-server, as the
// extension tests run it), against the engine alone in a bare Node process (load dist/core.js, open
// the same template, list its functions), measured in the same run, alternating.
//
//   node bench/activation.mjs [--runs 5]
//
// Needs code-server (scripts/test-extension.sh installs it into ~/.cache/lambda-workbench/).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageTarget, TARGETS } from '../scripts/package.mjs';
import { installVsix } from '../test/extension/installVsix.mjs';
import { numberOption, quantile, root } from './lib.mjs';

const runs = numberOption('runs', 5);
const entry =
  process.env.CODE_SERVER_ENTRY ?? path.join(os.homedir(), '.cache/lambda-workbench/code-server-4.100.3/node_modules/code-server/out/node/entry.js');
if (!fs.existsSync(entry)) {
  console.error(`code-server is not installed (${entry}): run bash scripts/test-extension.sh once, or set CODE_SERVER_ENTRY`);
  process.exit(2);
}
const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-activation-'));
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
try {
  console.log('## Packages\n\n| package | size | unpacked |\n| --- | --- | --- |');
  for (const target of Object.keys(TARGETS)) {
    const p = packageTarget(target, path.join(scratch, 'all'));
    console.log(`| VSIX ${target} | ${mb(p.bytes)} | ${mb(p.unpackedBytes)} |`);
  }
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' });
  const [npmPackage] = JSON.parse(pack.stdout);
  console.log(`| npm package (CLI) | ${mb(npmPackage.size)} | ${mb(npmPackage.unpackedSize)} |`);

  const { extensionsDir, driver } = installVsix(path.join(scratch, 'installed'), entry);
  const out = path.join(scratch, 'activation.json');
  const extension = fs.readdirSync(extensionsDir).find((d) => d.startsWith('lambda-workbench.'));
  const core = path.join(extensionsDir, extension, 'dist', 'core.js');
  const activation = [];
  const baseline = [];
  for (let i = 0; i < runs; i++) {
    const workspace = path.join(scratch, `workspace-${i}`);
    fs.cpSync(path.join(root, 'examples/sam-app'), workspace, { recursive: true, filter: (f) => !f.includes('.lambda-workbench') });
    const code = await runTests({
      vscodeExecutablePath: path.join(root, 'test/extension/code-web-shim.mjs'),
      extensionDevelopmentPath: driver,
      extensionTestsPath: path.join(root, 'bench/activation/probe.cjs'),
      launchArgs: [workspace, `--user-data-dir=${path.join(scratch, `user-data-${i}`)}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: { BENCH_ACTIVATION_OUT: out, CODE_SERVER_ENTRY: entry },
    });
    if (code !== 0) throw new Error(`the activation probe failed (exit ${code})`);
    activation.push(JSON.parse(fs.readFileSync(out, 'utf8')));
    const bare = spawnSync(process.execPath, [path.join(root, 'bench/activation/baseline.cjs'), core, path.join(workspace, 'template.yaml')], {
      encoding: 'utf8',
    });
    if (bare.status !== 0) throw new Error(`the baseline failed: ${bare.stderr}`);
    baseline.push(JSON.parse(bare.stdout));
  }
  const median = (rows, key) =>
    quantile(
      rows.map((r) => r[key]),
      0.5,
    );
  const populated = median(activation, 'populatedMs');
  const floor = median(baseline, 'populatedMs');
  console.log(`\n## Activation (${runs} runs, medians; ${activation[0].functions} functions)\n`);
  console.log('| | ms |\n| --- | --- |');
  console.log(`| activate() returns | ${median(activation, 'activateMs').toFixed(1)} |`);
  console.log(`| activate() → engines open, Functions view populated | ${populated.toFixed(1)} |`);
  console.log(`| baseline: bare node, load the engine and open the template | ${floor.toFixed(1)} |`);
  console.log(`| ratio | ${(populated / floor).toFixed(2)}× |`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
