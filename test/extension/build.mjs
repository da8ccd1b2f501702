// Builds the extension tests for the extension host: one CommonJS bundle per file of suite/ into
// out/test/extension/suite/ ('vscode' is the host's; mocha is required from node_modules).
// The extension itself is built by scripts/build.mjs (dist/extension.js). The fixture's TypeScript
// function is bundled with a source map into fixture/ts-hello/dist/ (git-ignored), as its users
// would build it; runTest.mjs copies the fixture, map included.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outdir = join(root, 'out/test/extension/suite');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: readdirSync(join(here, 'suite')).filter((f) => f.endsWith('.ts')).map((f) => join(here, 'suite', f)),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
  absWorkingDir: root, outdir, external: ['vscode', 'mocha'],
});
await esbuild.build({
  entryPoints: [join(here, 'fixture/ts-hello/src/handler.ts')], outfile: join(here, 'fixture/ts-hello/dist/handler.js'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning',
});
