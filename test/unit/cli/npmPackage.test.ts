import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { samTemplate, writeProject } from '../helpers/project';
import { listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';

// The CLI as a user receives it: `npm pack` of the repository (its prepack builds dist/), installed
// with `npm install -g` into a fresh prefix, run from there in a project outside the repository — so
// nothing resolves from the repository's node_modules. An Event invoke proves LevelDB (classic-level,
// the package's one real dependency, with its native binding) loads.

const FILES = {
  'template.yaml':
    samTemplate({ Echo: { handler: 'app.handler' } }) +
    [
      '  Ts:',
      '    Type: AWS::Serverless::Function',
      '    Metadata:',
      '      BuildMethod: esbuild',
      '      BuildProperties:',
      '        EntryPoints: [app.ts]',
      '    Properties:',
      '      Runtime: nodejs20.x',
      '      CodeUri: ts',
      '      Handler: app.handler',
      '',
    ].join('\n'),
  // Built with the installed package's esbuild (BuildMethod esbuild).
  'ts/app.ts': 'export const handler = async (event: { n: number }): Promise<{ doubled: number }> => ({ doubled: event.n * 2 });\n',
  // Writes where the event says, so an asynchronous invocation can be seen to have run.
  'src/app.js': `
    const fs = require('fs');
    exports.handler = async (event) => {
      if (event.marker) fs.writeFileSync(event.marker, JSON.stringify(event));
      return { echo: event, node: process.version };
    };
  `,
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

async function waitForFile(file: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file} did not appear within ${ms} ms`);
}

describe('the CLI as npm installs it (npm pack → npm install -g → lambda-workbench)', function () {
  this.timeout(240_000);
  let scratch: string;
  let tarball: string;
  let bin: string;
  let packageDir: string;
  let project: string;
  const running: ServeProcess[] = [];

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-npm-'));
    const pack = run('npm', ['pack', '--json', '--pack-destination', scratch], REPO_ROOT);
    assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
    tarball = path.join(scratch, JSON.parse(pack.stdout)[0].filename);
    const prefix = path.join(scratch, 'prefix');
    // The npm cache already holds classic-level (npm ci); the registry is asked only when it does not.
    const install = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch);
    assert.equal(install.status, 0, `npm install -g failed: ${install.stderr}`);
    bin = path.join(prefix, 'bin', 'lambda-workbench');
    packageDir = path.join(prefix, 'lib', 'node_modules', 'lambda-workbench');
    project = writeProject(FILES);
  });

  after(async () => {
    for (const s of running) await stopServe(s);
    for (const dir of [scratch, project]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('packs the built CLI, the engine and the runtimes — no sources, tests, benchmarks or source maps', () => {
    const list = run('tar', ['-tzf', tarball], scratch);
    assert.equal(list.status, 0, list.stderr);
    const files = list.stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''))
      .sort();
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/cli.js',
      'dist/core.js',
      'dist/debugAdapter.js',
      'dist/languageServer.js',
      'dist/runtimes/node/bootstrap.cjs',
      'dist/runtimes/python/bootstrap.py',
      'dist/runtimes/ruby/bootstrap.rb',
    ]) {
      assert.ok(files.includes(needed), `${needed} is in the package (${files.join(', ')})`);
    }
    const unwanted = files.filter((f) => /^(src|test|bench|examples|docs|scripts|media)\/|\.map$|\.ts$/.test(f));
    assert.deepEqual(unwanted, [], 'nothing but what runs');
    assert.ok(fs.statSync(tarball).size < 2_000_000, `the tarball is ${fs.statSync(tarball).size} bytes`);
  });

  it('installs with classic-level and esbuild as its only dependencies: nothing dev-only, and not private', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    assert.deepEqual(Object.keys(manifest.dependencies), ['classic-level', 'esbuild']);
    const installed = fs.readdirSync(path.join(packageDir, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.ok(installed.includes('classic-level'));
    assert.ok(installed.includes('esbuild'), 'esbuild is installed (functions with BuildMethod esbuild are built with its API)');
    for (const devOnly of ['@aws-sdk', 'typescript', 'mocha', 'yaml', 'commander', 'vscode-languageserver']) {
      assert.ok(!installed.includes(devOnly), `${devOnly} is bundled, not installed`);
    }
  });

  it("builds a BuildMethod esbuild function with the installed package's esbuild and runs it", () => {
    const invoke = run(bin, ['invoke', 'Ts', '--event-json', '{"n":21}'], project);
    assert.equal(invoke.status, 0, invoke.stderr);
    assert.deepEqual(JSON.parse(invoke.stdout), { doubled: 42 });
    assert.match(invoke.stderr, /^BUILD Ts: built in \d+ ms$/m);
  });

  it('`lambda-workbench invoke` from the installed bin runs a function', () => {
    assert.ok(fs.existsSync(bin), `${bin} is on the prefix's PATH`);
    const invoke = run(bin, ['invoke', 'Echo', '--event-json', '{"hello":"npm"}'], project);
    assert.equal(invoke.status, 0, invoke.stderr);
    assert.deepEqual(JSON.parse(invoke.stdout).echo, { hello: 'npm' });
    assert.match(invoke.stderr, /^REPORT RequestId: /m);
  });

  it('an Event invoke through the installed `serve` is queued in LevelDB and run', async () => {
    const serve = startServe(['--port', '0'], { command: [bin], cwd: project });
    running.push(serve);
    const url = await listening(serve);
    const marker = path.join(project, 'ran.json');
    const r = await httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, JSON.stringify({ marker, n: 1 }), { 'X-Amz-Invocation-Type': 'Event' });
    assert.equal(r.status, 202, r.body);
    assert.deepEqual(JSON.parse(await waitForFile(marker, 15_000)), { marker, n: 1 });
    assert.ok(fs.existsSync(path.join(project, '.lambda-workbench', 'store')), "the event store is the project's LevelDB");
    assert.deepEqual(await stopServe(serve), { code: 0, signal: null });
    assert.doesNotMatch(serve.stderr(), /Cannot find module/);
  });

  it('`require("lambda-workbench")` is the engine as a library', () => {
    const probe = run(process.execPath, ['-e', 'const e = require("lambda-workbench"); console.log(typeof e.Workbench, typeof e.formatLogLine)'], scratch, {
      NODE_PATH: path.dirname(packageDir),
    });
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(probe.stdout.trim(), 'function function');
  });
});
