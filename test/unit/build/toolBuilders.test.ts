import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { BuildDefinition, FunctionDefinition } from '../../../src/core/config/types';
import { runTool } from '../../../src/core/build/builderSupport';
import { builderFor } from '../../../src/core/build/builders';
import { GoBuilder } from '../../../src/core/build/goBuilder';
import { MakefileBuilder } from '../../../src/core/build/makefileBuilder';
import { NpmBuilder } from '../../../src/core/build/npmBuilder';
import { PipBuilder } from '../../../src/core/build/pipBuilder';
import { environmentEach, functionFixture, writeWheel } from './buildTestSupport';
import { BuildError, type Builder, type BuildRequest } from '../../../src/core/build/types';
import { resolveLocalPython } from '../../../src/core/runtimes/pythonRuntime';
import { tempDirEach } from '../helpers/tempDir';

// The builders that drive a tool (npm, pip, make, go), each run for real on small projects, offline.

let root: string;
tempDirEach('lwb-build-', (dir) => (root = dir));

function write(files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function fnDef(codeUri: string, runtime: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return functionFixture(root, codeUri, runtime, extra);
}

function withMethod(method: string, codeUri: string, properties: Record<string, unknown> = {}): BuildDefinition {
  return { method, properties, sourceDir: path.join(root, codeUri) };
}

/** Builds `fn` into `<root>/<artefact>` with the cache in `<root>/cache`; returns the progress lines. */
async function build(builder: Builder, fn: FunctionDefinition, artefact = 'artefact'): Promise<{ dir: string; log: string[] }> {
  const log: string[] = [];
  const request: BuildRequest = {
    fn,
    sourceDir: fn.build?.sourceDir ?? fn.codeUri,
    artefactDir: path.join(root, artefact),
    cacheDir: path.join(root, 'cache'),
    log: (line) => log.push(line),
  };
  await builder.build(request);
  return { dir: request.artefactDir, log };
}

async function buildError(builder: Builder, fn: FunctionDefinition): Promise<BuildError> {
  try {
    await build(builder, fn);
  } catch (error) {
    assert.ok(error instanceof BuildError, `not a BuildError: ${String(error)}`);
    return error;
  }
  assert.fail('the build succeeded');
}

describe('npm builder', function () {
  this.timeout(60_000);

  beforeEach(() =>
    write({
      'dep/package.json': JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js' }),
      'dep/index.js': `module.exports = 'from dep';`,
      'fn/package.json': JSON.stringify({ name: 'fn', version: '1.0.0', dependencies: { dep: 'file:../dep' }, devDependencies: { mocha: '*' } }),
      'fn/app.js': `exports.handler = async () => require('dep');`,
      'fn/node_modules/stale/index.js': '',
      'fn/.git/HEAD': '',
      'fn/.npmrc': '//registry.example/:_authToken=secret\n',
      'fn/tests/unit.js': '',
    }),
  );

  it('copies the sources and installs the production dependencies (a local file: package) into the artefact', async () => {
    const { dir, log } = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'));
    assert.ok(
      log.some((line) => line.startsWith('npm install') && line.includes('--omit=dev')),
      log.join('\n'),
    );
    assert.ok(fs.existsSync(path.join(dir, 'app.js')));
    assert.ok(fs.existsSync(path.join(dir, 'tests', 'unit.js')));
    for (const left of ['node_modules/stale', '.git', '.npmrc', 'node_modules/mocha']) {
      assert.ok(!fs.existsSync(path.join(dir, left)), `${left} is in the artefact`);
    }
    // A copy, not a link back into the sources: the artefact stands alone.
    assert.ok(!fs.lstatSync(path.join(dir, 'node_modules', 'dep')).isSymbolicLink());
    const result = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'app.js'))}).handler().then(console.log)`], {
      encoding: 'utf8',
    });
    assert.equal(result.trim(), 'from dep');
  });

  it('leaves out what npm pack would leave out (.npmignore, package.json files), as SAM packs the sources', async () => {
    write({ 'fn/.npmignore': 'tests/*\n', 'fn/lib/util.js': '', 'fn/package-lock.json': '{}', 'fn/.lambda-workbench/store/x': '' });
    const ignored = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'ignored');
    assert.ok(fs.existsSync(path.join(ignored.dir, 'app.js')) && fs.existsSync(path.join(ignored.dir, 'lib', 'util.js')));
    assert.ok(fs.existsSync(path.join(ignored.dir, 'package-lock.json')));
    for (const left of ['tests', '.npmrc', '.git', 'node_modules/stale', '.lambda-workbench']) {
      assert.ok(!fs.existsSync(path.join(ignored.dir, left)), `${left} is in the artefact`);
    }

    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'fn', 'package.json'), 'utf8')) as object;
    write({ 'fn/package.json': JSON.stringify({ ...manifest, files: ['app.js'] }) });
    const listed = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'listed');
    assert.ok(fs.existsSync(path.join(listed.dir, 'app.js')) && !fs.existsSync(path.join(listed.dir, 'lib')));
    assert.equal(
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(listed.dir, 'app.js'))}).handler().then(console.log)`], {
        encoding: 'utf8',
      }).trim(),
      'from dep',
    );
  });

  it('reuses the installed dependencies while package.json is unchanged, and reinstalls when it or a local package changes', async () => {
    await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'first');
    const second = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'second');
    assert.ok(!second.log.some((line) => line.startsWith('npm install')), second.log.join('\n'));
    assert.ok(
      second.log.some((line) => line.includes('reusing')),
      second.log.join('\n'),
    );
    assert.equal(fs.readFileSync(path.join(second.dir, 'node_modules', 'dep', 'index.js'), 'utf8'), `module.exports = 'from dep';`);

    write({ 'fn/package.json': JSON.stringify({ name: 'fn', version: '1.0.1', dependencies: { dep: 'file:../dep' } }) });
    const third = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'third');
    assert.ok(
      third.log.some((line) => line.startsWith('npm install')),
      third.log.join('\n'),
    );

    write({ 'dep/index.js': `module.exports = 'from the edited dep';` });
    const fourth = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'), 'fourth');
    assert.ok(
      fourth.log.some((line) => line.startsWith('npm install')),
      fourth.log.join('\n'),
    );
    assert.equal(fs.readFileSync(path.join(fourth.dir, 'node_modules', 'dep', 'index.js'), 'utf8'), `module.exports = 'from the edited dep';`);
  });

  it('rebuilds from scratch: a file deleted from the sources, or a dependency dropped, leaves the artefact', async () => {
    await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'));
    fs.renameSync(path.join(root, 'fn', 'app.js'), path.join(root, 'fn', 'renamed.js'));
    write({ 'fn/package.json': JSON.stringify({ name: 'fn', optionalDependencies: { dep: 'file:../dep' } }) });
    write({ 'dep/package.json': JSON.stringify({ name: 'dep', version: '1.0.0', main: 'main.js' }), 'dep/main.js': '' });
    fs.rmSync(path.join(root, 'dep', 'index.js'));
    const { dir } = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'));
    assert.ok(fs.existsSync(path.join(dir, 'renamed.js')) && !fs.existsSync(path.join(dir, 'app.js')));
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', 'dep', 'main.js')) && !fs.existsSync(path.join(dir, 'node_modules', 'dep', 'index.js')));
  });

  it('only copies a function whose package.json has no dependencies', async () => {
    write({ 'fn/package.json': JSON.stringify({ name: 'fn', devDependencies: { mocha: '*' } }) });
    const { dir, log } = await build(new NpmBuilder(), fnDef('fn', 'nodejs20.x'));
    assert.deepEqual(log, []);
    assert.ok(fs.existsSync(path.join(dir, 'app.js')));
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules')));
  });

  it('fails with npm’s own lines when a dependency cannot be installed, and caches nothing', async () => {
    write({ 'fn/package.json': JSON.stringify({ name: 'fn', dependencies: { gone: 'file:../gone' } }) });
    const error = await buildError(new NpmBuilder(), fnDef('fn', 'nodejs20.x'));
    assert.match(error.message, /^npm install/);
    assert.ok(error.details.length > 0);
    assert.deepEqual(fs.readdirSync(path.join(root, 'cache', 'npm')), []);
  });
});

describe('pip builder', function () {
  this.timeout(60_000);
  // pip sees no configuration of this machine (its local mirrors): only what the test gives it.
  environmentEach({
    PIP_CONFIG_FILE: '/dev/null',
    PIP_FIND_LINKS: undefined,
    PIP_EXTRA_INDEX_URL: undefined,
    PIP_INDEX_URL: undefined,
    PIP_NO_INDEX: undefined,
  });
  const python = async () => (await resolveLocalPython('python3.11')).path;

  beforeEach(async () => {
    write({
      'fn/app.py': 'import tinypkg\ndef handler(event, context):\n    return tinypkg.GREETING\n',
      'fn/__pycache__/app.cpython-311.pyc': '',
      'fn/.venv/x': '',
    });
    writeWheel(await python(), path.join(root, 'fn', 'wheels', 'tinypkg-0.1-py3-none-any.whl'), 'tinypkg', 'GREETING = "hello from tinypkg"\n');
    write({ 'fn/requirements.txt': './wheels/tinypkg-0.1-py3-none-any.whl\n' });
  });

  it('installs requirements.txt with the function’s interpreter into the artefact, beside the sources', async () => {
    const { dir, log } = await build(new PipBuilder({ python }), fnDef('fn', 'python3.11'));
    assert.ok(
      log.some((line) => line.startsWith('pip install -r requirements.txt')),
      log.join('\n'),
    );
    assert.ok(fs.existsSync(path.join(dir, 'tinypkg', '__init__.py')));
    for (const left of ['__pycache__', '.venv']) assert.ok(!fs.existsSync(path.join(dir, left)), `${left} is in the artefact`);
    const result = execFileSync(await python(), ['-c', 'import app; print(app.handler(None, None))'], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.trim(), 'hello from tinypkg');
  });

  it('reuses the installed packages while requirements.txt is unchanged', async () => {
    await build(new PipBuilder({ python }), fnDef('fn', 'python3.11'), 'first');
    const second = await build(new PipBuilder({ python }), fnDef('fn', 'python3.11'), 'second');
    assert.ok(!second.log.some((line) => line.startsWith('pip install')), second.log.join('\n'));
    assert.ok(
      second.log.some((line) => line.includes('reusing')),
      second.log.join('\n'),
    );
    assert.ok(fs.existsSync(path.join(second.dir, 'tinypkg', '__init__.py')));
  });

  it('names the package and says the index is unreachable when pip cannot connect, within seconds', async () => {
    process.env.PIP_INDEX_URL = 'http://127.0.0.1:9/simple';
    write({ 'fn/requirements.txt': 'six\n' });
    const started = Date.now();
    const error = await buildError(new PipBuilder({ python }), fnDef('fn', 'python3.11'));
    assert.match(error.message, /pip could not install six .*the package index http:\/\/127\.0\.0\.1:9\/simple is unreachable \(NewConnectionError/);
    assert.ok(Date.now() - started < 20_000);
    assert.ok(error.details.some((line) => line.includes('No matching distribution found for six')));
  });

  it('gives up on an index that accepts connections and never answers, instead of hanging', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      process.env.PIP_INDEX_URL = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/simple`;
      write({ 'fn/requirements.txt': 'six\n' });
      const started = Date.now();
      const error = await buildError(new PipBuilder({ python, socketTimeoutSeconds: 1 }), fnDef('fn', 'python3.11'));
      assert.match(
        error.message,
        /pip could not install six .*the package index http:\/\/127\.0\.0\.1:\d+\/simple is unreachable \(ReadTimeoutError: timed out\)/,
      );
      assert.ok(Date.now() - started < 15_000);
    } finally {
      silent.close();
    }
  });

  it('tells a package missing from a reachable index from an unreachable index', async () => {
    fs.mkdirSync(path.join(root, 'empty-index'));
    process.env.PIP_INDEX_URL = `file://${path.join(root, 'empty-index')}`;
    write({ 'fn/requirements.txt': 'six\n' });
    const error = await buildError(new PipBuilder({ python }), fnDef('fn', 'python3.11'));
    assert.match(error.message, /pip could not install six .*no matching distribution/);
    assert.doesNotMatch(error.message, /unreachable/);
  });
});

describe('makefile builder', function () {
  this.timeout(30_000);
  const makefile = [
    'build-HelloFunction:',
    '\techo intermediate > obj.txt',
    '\tcp app.sh obj.txt "$(ARTIFACTS_DIR)/"',
    '\techo "$(MAKEFILE_LIST)" > "$(ARTIFACTS_DIR)/makefile-list"',
    '',
  ].join('\n');
  const makeFn = () => fnDef('fn', 'provided.al2023', { handler: 'app.sh', build: withMethod('makefile', 'fn') });

  it('runs make build-<LogicalId> with ARTIFACTS_DIR, in a copy of the sources', async () => {
    write({ 'fn/Makefile': makefile, 'fn/app.sh': 'echo hi\n' });
    const { dir, log } = await build(new MakefileBuilder(), makeFn());
    assert.ok(
      log.some((line) => line.startsWith('make build-HelloFunction')),
      log.join('\n'),
    );
    assert.equal(fs.readFileSync(path.join(dir, 'app.sh'), 'utf8'), 'echo hi\n');
    assert.equal(fs.readFileSync(path.join(dir, 'obj.txt'), 'utf8'), 'intermediate\n');
    assert.equal(fs.readFileSync(path.join(dir, 'makefile-list'), 'utf8').trim(), path.join(root, 'fn', 'Makefile'));
    // What make writes stays out of the sources (it would look like an edit and rebuild).
    assert.ok(!fs.existsSync(path.join(root, 'fn', 'obj.txt')));
  });

  it('says so when the Makefile has no build-<LogicalId> target, with make’s lines', async () => {
    write({ 'fn/Makefile': 'build-Other:\n\ttrue\n' });
    const error = await buildError(new MakefileBuilder(), makeFn());
    assert.match(error.message, /The Makefile has no target build-HelloFunction/);
    assert.ok(error.details.some((line) => line.includes('No rule to make target')));
  });

  it('fails clearly without a Makefile, and when make is not installed', async () => {
    write({ 'fn/app.sh': '' });
    assert.match((await buildError(new MakefileBuilder(), makeFn())).message, /Makefile not found at .*fn\/Makefile/);
    write({ 'fn/Makefile': makefile });
    assert.match((await buildError(new MakefileBuilder({ make: path.join(root, 'no-make') }), makeFn())).message, /make was not found/);
  });
});

describe('go builder', function () {
  this.timeout(120_000);
  // The builder's defaults, whatever this machine's environment says.
  environmentEach({ CGO_ENABLED: undefined, GOFLAGS: undefined });
  const goFn = (extra: Partial<FunctionDefinition> = {}) =>
    fnDef('fn', 'provided.al2023', { handler: 'bootstrap', build: withMethod('go1.x', 'fn'), ...extra });
  const main = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n';

  /** The ELF machine of a binary (62: x86-64, 183: AArch64), asserting it is an ELF file. */
  function elfMachine(file: string): number {
    const header = fs.readFileSync(file).subarray(0, 20);
    assert.equal(header.subarray(0, 4).toString('latin1'), '\x7fELF');
    return header.readUInt16LE(18);
  }

  it('builds the main package into a linux bootstrap for the function’s architecture', async () => {
    write({ 'fn/go.mod': 'module example.com/hello\n\ngo 1.19\n', 'fn/main.go': main });
    const { dir, log } = await build(new GoBuilder(), goFn());
    assert.ok(
      log.some((line) => line.startsWith('go build') && line.includes('GOARCH=amd64')),
      log.join('\n'),
    );
    const bootstrap = path.join(dir, 'bootstrap');
    assert.equal(elfMachine(bootstrap), 62);
    if (process.arch === 'x64') assert.equal(execFileSync(bootstrap, { encoding: 'utf8' }).trim(), 'hello from go');

    const arm = await build(new GoBuilder(), goFn({ architectures: ['arm64'] }), 'arm');
    assert.equal(elfMachine(path.join(arm.dir, 'bootstrap')), 183);
  });

  it('links statically (CGO_ENABLED=0), so the binary needs no libc of this machine', async () => {
    write({
      'fn/go.mod': 'module example.com/hello\n\ngo 1.19\n',
      // The net package links the C resolver whenever cgo is on.
      'fn/main.go': 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.LookupHost("localhost")) }\n',
    });
    const { dir } = await build(new GoBuilder(), goFn());
    const binary = fs.readFileSync(path.join(dir, 'bootstrap'));
    const [offset, size, count] = [Number(binary.readBigUInt64LE(0x20)), binary.readUInt16LE(0x36), binary.readUInt16LE(0x38)];
    const PT_INTERP = 3;
    const types = Array.from({ length: count }, (_, i) => binary.readUInt32LE(offset + i * size));
    assert.ok(types.length > 0 && !types.includes(PT_INTERP), 'the bootstrap asks for a dynamic loader');
  });

  it('builds the package at CodeUri/<Handler> when the CodeUri has no Go files', async () => {
    write({ 'fn/go.mod': 'module example.com/hello\n\ngo 1.19\n', 'fn/cmd/main.go': main });
    const { dir } = await build(new GoBuilder(), goFn({ handler: 'cmd' }));
    assert.equal(elfMachine(path.join(dir, 'bootstrap')), 62);
  });

  it('reports compile errors with file:line:column', async () => {
    write({ 'fn/go.mod': 'module example.com/hello\n\ngo 1.19\n', 'fn/main.go': 'package main\n\nfunc main() { undefinedCall() }\n' });
    const error = await buildError(new GoBuilder(), goFn());
    assert.match(error.message, /^go build failed/);
    assert.ok(
      error.details.some((line) => /main\.go:3:\d+: undefined: undefinedCall/.test(line)),
      error.details.join('\n'),
    );
  });

  describe('a module that cannot be fetched', () => {
    let modCache: string;
    beforeEach(() => (modCache = fs.mkdtempSync(path.join(root, 'gomod-'))));
    // An empty module cache and a proxy that refuses connections: as on a machine without network.
    environmentEach({ GOPROXY: 'http://127.0.0.1:9', GOFLAGS: '-mod=mod', GONOSUMDB: '*', GONOSUMCHECK: '1', GOSUMDB: 'off' });
    beforeEach(() => (process.env.GOMODCACHE = modCache));
    afterEach(() => {
      delete process.env.GOMODCACHE;
      fs.chmodSync(modCache, 0o755);
      execFileSync('chmod', ['-R', 'u+w', modCache]);
    });

    it('names the module and says the proxy is unreachable', async () => {
      write({
        'fn/go.mod': 'module example.com/hello\n\ngo 1.19\n\nrequire github.com/aws/aws-lambda-go v1.41.0\n',
        'fn/main.go': 'package main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc main() { lambda.Start(func() error { return nil }) }\n',
      });
      const error = await buildError(new GoBuilder(), goFn());
      assert.match(
        error.message,
        /the module github\.com\/aws\/aws-lambda-go@v1\.41\.0 could not be fetched, the module proxy is unreachable \(.*connection refused\)/,
      );
    });
  });

  it('fails clearly when go is not installed', async () => {
    write({ 'fn/go.mod': 'module example.com/hello\n', 'fn/main.go': main });
    assert.match((await buildError(new GoBuilder({ go: path.join(root, 'no-go') }), goFn())).message, /go was not found/);
  });
});

describe('runTool', () => {
  it('stops a tool that outlives its deadline, with what it started, and keeps its last lines', async () => {
    const pidFile = path.join(root, 'pid');
    const run = runTool({
      tool: 'sleeper',
      command: 'sh',
      args: ['-c', `echo starting; sleep 30 & echo $! > ${pidFile}; wait`],
      cwd: root,
      timeoutMs: 500,
      missing: 'no sh',
    });
    await assert.rejects(
      run,
      (error: BuildError) => /sleeper did not finish within 1 s and was stopped/.test(error.message) && error.details.includes('starting'),
    );
    // Gone, or a zombie waiting for its new parent to reap it.
    const running = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 20 && running(sleeper); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(running(sleeper), false);
  });
});

describe('builderFor', () => {
  const chosen = (fn: FunctionDefinition) => builderFor(fn)?.name;

  it('follows the BuildMethod as SAM names it', () => {
    write({ 'fn/app.js': '' });
    assert.equal(chosen(fnDef('fn', 'provided.al2023', { build: withMethod('makefile', 'fn') })), 'make');
    assert.equal(chosen(fnDef('fn', 'provided.al2', { build: withMethod('go1.x', 'fn') })), 'go');
    assert.equal(chosen(fnDef('fn', 'nodejs20.x', { build: withMethod('nodejs20.x', 'fn') })), 'npm');
    assert.equal(chosen(fnDef('fn', 'python3.12', { build: withMethod('python3.12', 'fn') })), 'pip');
    assert.equal(chosen(fnDef('fn', 'nodejs22.x', { build: withMethod('esbuild', 'fn') })), 'esbuild');
    assert.equal(chosen(fnDef('fn', 'nodejs22.x', { build: withMethod('image', 'fn') })), 'image');
  });

  it('gives a BuildMethod no builder here knows a build that fails saying how to run the function anyway', async () => {
    write({ 'fn/Cargo.toml': '' });
    const builder = builderFor(fnDef('fn', 'provided.al2023', { build: withMethod('rust-cargolambda', 'fn') }));
    assert.equal(builder?.name, 'rust-cargolambda');
    await assert.rejects(
      builder!.build({ fn: fnDef('fn', 'provided.al2023'), sourceDir: root, artefactDir: root, cacheDir: root, log: () => undefined }),
      (error: Error) =>
        error instanceof BuildError &&
        /BuildMethod rust-cargolambda is not built by Lambda Workbench.*esbuild, npm, pip.*sam build.*\.aws-sam\/build\/template\.yaml/s.test(error.message),
    );
  });

  it('without a BuildMethod, builds what has dependencies to install and nothing else', () => {
    write({
      'node/package.json': JSON.stringify({ dependencies: { dep: '1' } }),
      'dev/package.json': JSON.stringify({ devDependencies: { mocha: '1' } }),
      'py/requirements.txt': 'six\n',
      'bare/app.py': '',
    });
    assert.equal(chosen(fnDef('node', 'nodejs22.x')), 'npm');
    assert.equal(chosen(fnDef('dev', 'nodejs22.x')), undefined);
    assert.equal(chosen(fnDef('py', 'python3.12')), 'pip');
    assert.equal(chosen(fnDef('bare', 'python3.12')), undefined);
    assert.equal(chosen(fnDef('node', 'python3.12')), undefined);
  });
});
