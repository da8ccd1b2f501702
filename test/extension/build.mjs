// Builds the extension tests for the extension host: one CommonJS bundle per test file of suite/,
// installed/ and untrusted/ into out/test/extension/<suite>/ ('vscode' is the host's; mocha is
// required from node_modules).
// The extension itself is built by scripts/build.mjs (dist/extension.js). The fixture's TypeScript
// function is built by the engine (BuildMethod esbuild), as a SAM user's would be.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outRoot = join(root, 'out/test/extension');
rmSync(outRoot, { recursive: true, force: true });
// suite/: the development tree's extension; installed/ and untrusted/: the packaged VSIX
// (runInstalled.mjs). Each gets the same mocha runner (suite/index.ts) as its index.js.
const suites = ['suite', 'installed', 'untrusted'];
const testFiles = (suite) =>
  readdirSync(join(here, suite))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => ({ in: join(here, suite, f), out: `${suite}/${f.replace(/\.ts$/, '')}` }));
await esbuild.build({
  entryPoints: suites.flatMap((suite) => [...testFiles(suite), { in: join(here, 'suite/index.ts'), out: `${suite}/index` }]),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
  outdir: outRoot,
  external: ['vscode', 'mocha'],
});
