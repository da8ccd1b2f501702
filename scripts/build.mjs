// Builds the extension, the CLI, the debug adapter and the language server with esbuild, on one
// engine bundle (dist/core.js, see engineBundle.mjs), and ships the runtime bootstraps next to them
// (they are spawned as files, never bundled into the host). Source maps are written next to each
// bundle as a build artefact; the packages leave them out (scripts/package.mjs, package.json "files").
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineEntry, useEngineBundle } from './engineBundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built into a directory of its own beside dist/ (same depth, so the source maps' relative paths
// hold), then moved into dist/ file by file (a rename replaces a file atomically): a test or a serve
// that loads dist/ while another build runs never sees a missing or half-written bundle.
const staging = mkdtempSync(join(root, '.dist-build-'));
const out = (file) => relative(root, join(staging, file));

// classic-level loads a native binding relative to its own package: it stays in node_modules (a
// dependency of the npm package; shipped inside each platform's VSIX).
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  external: ['classic-level'],
};
const onEngine = { ...common, plugins: [useEngineBundle(root)] };
await Promise.all([
  // The engine, once: the other bundles load it; also the engine as a library (benchmarks, embedding).
  esbuild.build({ ...common, stdin: await engineEntry(root), outfile: out('core.js') }),
  esbuild.build({ ...onEngine, entryPoints: ['src/extension/extension.ts'], outfile: out('extension.js'), external: ['vscode', ...common.external] }),
  esbuild.build({ ...onEngine, entryPoints: ['src/cli/main.ts'], outfile: out('cli.js'), banner: { js: '#!/usr/bin/env node' } }),
  // The `lambda` debug adapter, standalone: DAP over stdio, or `--server=<port>` over a socket.
  esbuild.build({ ...onEngine, entryPoints: ['src/debug/debugAdapter.ts'], outfile: out('debugAdapter.js') }),
  // The template language server, standalone: LSP over `--stdio` or `--node-ipc`.
  esbuild.build({ ...onEngine, entryPoints: ['src/language/server/main.ts'], outfile: out('languageServer.js') }),
  // The Timeline webview's browser-side script, uPlot included (no CDN: the panel's CSP allows only
  // the extension's own files); its CSS imports (uPlot's, ours) become dist/webview/timeline.css.
  esbuild.build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: ['src/extension/timeline/webview/main.ts'],
    outfile: out('webview/timeline.js'),
  }),
]);
chmodSync(join(staging, 'cli.js'), 0o755);

// Every runtime's bootstrap directory (node/, python/…) goes next to the bundles as is.
const runtimesSrc = join(root, 'src/core/runtimes');
for (const entry of readdirSync(runtimesSrc, { withFileTypes: true })) {
  if (entry.isDirectory()) {
    cpSync(join(runtimesSrc, entry.name), join(staging, 'runtimes', entry.name), { recursive: true, filter: (f) => !f.includes('__pycache__') });
  }
}

// The Java runtime's classes as runtime.jar (release 11), when this machine has a JDK; without one
// the engine compiles them on first use with the user's javac.
const javaSources = join(runtimesSrc, 'java', 'src', 'lambdaworkbench', 'runtime');
const javac = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac';
const jarTool = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'jar') : 'jar';
try {
  execFileSync(javac, ['-version'], { stdio: 'ignore' });
  const classes = mkdtempSync(join(staging, 'java-classes-'));
  const sources = readdirSync(javaSources)
    .filter((f) => f.endsWith('.java'))
    .map((f) => join(javaSources, f));
  execFileSync(javac, ['--release', '11', '-nowarn', '-d', classes, ...sources], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(jarTool, ['--create', '--file', join(staging, 'runtimes', 'java', 'runtime.jar'), '-C', classes, '.'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  rmSync(classes, { recursive: true, force: true });
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
  console.log('build: no javac; the Java runtime will be compiled on first use');
}

publish(staging, join(root, 'dist'));

/** Moves every file of `from` into `to` by rename, then removes `from` and what `to` had that the build did not make. */
function publish(from, to) {
  const made = new Set(filesOf(from));
  for (const rel of made) {
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    renameSync(join(from, rel), join(to, rel));
  }
  rmSync(from, { recursive: true, force: true });
  for (const rel of filesOf(to)) if (!made.has(rel)) rmSync(join(to, rel), { force: true });
}

function filesOf(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}
