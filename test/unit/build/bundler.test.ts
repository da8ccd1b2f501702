import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { BuildDefinition, FunctionDefinition } from '../../../src/core/config/types';
import { builderFor } from '../../../src/core/build/builders';
import { BundlerBuilder, bundlerFailure } from '../../../src/core/build/bundlerBuilder';
import { BuildError, type BuildOutcome, type BuildRequest } from '../../../src/core/build/types';
import { findOnPath } from '../../../src/core/util/executables';
import { json, openProjectClosedAfterEach, writeProject } from '../helpers/project';
import { tempDirEach } from '../helpers/tempDir';
import { buildGem, environmentEach, functionFixture } from './buildTestSupport';

// Ruby functions with a Gemfile, built as SAM's Ruby builder does (bundle install into the
// artefact's vendor/bundle), with Debian's ruby and bundler, offline: the gems are built here with
// `gem build` and installed from the function's vendor/cache; an unreachable gem source is a
// loopback port nobody listens on.

const RUBY = findOnPath('ruby');
const ABI = RUBY ? execFileSync(RUBY, ['-e', 'print RbConfig::CONFIG["ruby_version"]'], { encoding: 'utf8' }) : '';
const TINYGEM = 'module Tinygem\n  def self.double(x) = x * 2\nend\n';

/** A loopback URL whose port nobody listens on (connections are refused at once). */
async function refusingUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('bundler builder', function () {
  this.timeout(60_000);
  let root: string;
  tempDirEach('lwb-bundler-', (dir) => (root = dir));
  // Bundler sees no configuration of this machine's user.
  environmentEach({ BUNDLE_USER_CONFIG: '/dev/null', BUNDLE_PATH: undefined, BUNDLE_FROZEN: undefined, BUNDLE_DEPLOYMENT: undefined });
  before(function () {
    if (!RUBY || !findOnPath('bundle')) this.skip();
  });

  function write(files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
  }

  function fnDef(codeUri: string, runtime = 'ruby3.3', build?: BuildDefinition): FunctionDefinition {
    return functionFixture(root, codeUri, runtime, { logicalId: 'Fn', functionName: 'Fn', ...(build ? { build } : {}) });
  }

  async function build(codeUri: string, artefact = 'artefact'): Promise<{ dir: string; log: string[]; outcome: BuildOutcome }> {
    const log: string[] = [];
    const request: BuildRequest = {
      fn: fnDef(codeUri),
      sourceDir: path.join(root, codeUri),
      artefactDir: path.join(root, artefact),
      cacheDir: path.join(root, 'cache'),
      log: (line) => log.push(line),
    };
    const outcome = await new BundlerBuilder({ ruby: async () => RUBY! }).build(request);
    return { dir: request.artefactDir, log, outcome };
  }

  /** Runs `code` with `artefact`'s gems on GEM_PATH (as the runtime sets it), from the artefact; returns stdout. */
  function runIn(artefact: string, code: string): string {
    return execFileSync(RUBY!, ['-e', code], {
      cwd: artefact,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GEM_PATH: path.join(artefact, 'vendor', 'bundle', 'ruby', ABI), HOME: root },
    }).trim();
  }

  /** A function whose Gemfile asks for tinygem, vendored in vendor/cache as `bundle cache` leaves it. */
  function vendoredProject(gemfileExtra = ''): void {
    const gem = buildGem(root, 'tinygem', TINYGEM);
    write({
      'fn/app.rb': "require 'tinygem'\ndef handler(event:, context:)\n  Tinygem.double(event['n'])\nend\n",
      'fn/Gemfile': `source "https://rubygems.org"\n\ngem "tinygem"\n${gemfileExtra}`,
      'fn/.git/HEAD': '',
      'fn/vendor/bundle/ruby/stale/marker': '',
    });
    fs.mkdirSync(path.join(root, 'fn', 'vendor', 'cache'), { recursive: true });
    fs.copyFileSync(gem, path.join(root, 'fn', 'vendor', 'cache', path.basename(gem)));
  }

  it('installs the Gemfile’s gems into the artefact’s vendor/bundle (from vendor/cache, offline), with the lockfile and bundler’s deployment settings', async () => {
    vendoredProject();
    const { dir, log, outcome } = await build('fn');
    assert.ok(
      log.some((l) => l.startsWith('bundle install --local')),
      log.join('\n'),
    );
    assert.ok(fs.existsSync(path.join(dir, 'app.rb')));
    assert.ok(fs.existsSync(path.join(dir, 'vendor', 'bundle', 'ruby', ABI, 'gems', 'tinygem-0.1.0', 'lib', 'tinygem.rb')));
    assert.ok(!fs.existsSync(path.join(dir, '.git')), 'SAM leaves .git out');
    assert.ok(!fs.existsSync(path.join(dir, 'vendor', 'bundle', 'ruby', 'stale')), 'the sources’ own vendor/bundle is not the build’s');
    assert.match(fs.readFileSync(path.join(dir, 'Gemfile.lock'), 'utf8'), /^ {4}tinygem \(0\.1\.0\)$/m);
    const config = fs.readFileSync(path.join(dir, '.bundle', 'config'), 'utf8');
    assert.match(config, /^BUNDLE_DEPLOYMENT: "true"$/m);
    assert.match(config, /^BUNDLE_PATH: "vendor\/bundle"$/m);
    assert.match(config, /^BUNDLE_WITHOUT: "development:test"$/m);
    assert.ok(!fs.readdirSync(dir).some((name) => name.includes('lambda-workbench')), 'no file of ours in the artefact');
    // What the runtime does: GEM_PATH on vendor/bundle/ruby/<ABI>, a plain require.
    assert.equal(runIn(dir, "require 'tinygem'; print Tinygem.double(21)"), '42');
    // And bundler/setup reads the settings it left.
    assert.equal(runIn(dir, "require 'bundler/setup'; require 'tinygem'; print Tinygem.double(4)"), '8');
    assert.deepEqual(outcome.warnings, ['The Gemfile has no lockfile (Gemfile.lock): the installed gem versions may change between builds.']);
    assert.ok(!fs.existsSync(path.join(root, 'fn', 'Gemfile.lock')), 'the sources are left as they were');
    assert.ok(!fs.existsSync(path.join(root, 'fn', '.bundle')));
  });

  it('reuses the installed gems while the Gemfile is unchanged, and installs again when it changes', async () => {
    vendoredProject();
    await build('fn', 'first');
    const second = await build('fn', 'second');
    assert.ok(!second.log.some((l) => l.startsWith('bundle install')), second.log.join('\n'));
    assert.ok(
      second.log.some((l) => l.includes('reusing')),
      second.log.join('\n'),
    );
    assert.equal(runIn(second.dir, "require 'tinygem'; print Tinygem.double(5)"), '10');
    fs.appendFileSync(path.join(root, 'fn', 'Gemfile'), '# changed\n');
    const third = await build('fn', 'third');
    assert.ok(
      third.log.some((l) => l.startsWith('bundle install')),
      third.log.join('\n'),
    );
  });

  it('a `ruby` requirement the local Ruby does not meet is a warning, not a failed build', async () => {
    vendoredProject('ruby "~> 9.9"\n');
    const { dir, outcome } = await build('fn');
    assert.equal(runIn(dir, "require 'tinygem'; print Tinygem.double(1)"), '2');
    assert.ok(
      outcome.warnings?.some((w) => w.startsWith(`The Gemfile asks for Ruby ~> 9.9; its gems were installed with the local Ruby (${RUBY})`)),
      String(outcome.warnings),
    );
  });

  it('a gem source nobody answers → a BuildError naming the gem and the source, in seconds', async () => {
    const source = await refusingUrl();
    write({ 'fn/app.rb': 'def handler(event:, context:) = 1\n', 'fn/Gemfile': `source "${source}"\ngem "nosuchgem"\n` });
    const started = Date.now();
    const error = await build('fn').then(
      () => assert.fail('the build succeeded'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BuildError, String(error));
    const first = error.message.split('\n')[0]!;
    assert.equal(
      first,
      `bundle install could not install nosuchgem (Gemfile): the gem source ${source}/ is unreachable (Connection refused - connect(2) for 127.0.0.1:${source.split(':')[2]}).`,
    );
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    assert.ok(
      !fs.existsSync(path.join(root, 'cache', 'bundler')) || fs.readdirSync(path.join(root, 'cache', 'bundler')).length === 0,
      'a failed install leaves no cache entry',
    );
  });

  it('a gem vendor/cache lacks, with its source unreachable: the same error, after trying vendor/cache', async () => {
    const source = await refusingUrl();
    vendoredProject();
    write({ 'fn/Gemfile': `source "${source}"\ngem "tinygem"\ngem "othergem"\n` });
    const error = await build('fn').then(
      () => assert.fail('the build succeeded'),
      (e: unknown) => e as BuildError,
    );
    assert.match(error.message, /^bundle install could not install tinygem, othergem \(Gemfile\): the gem source http:\/\/127\.0\.0\.1:\d+\/ is unreachable/);
  });

  it('rubygems.org unreachable (no network): the error names the gems and the host', () => {
    write({ 'fn/Gemfile': 'source "https://rubygems.org"\n\ngem "httparty"\ngem \'local\', path: \'gems/local\'\n' });
    assert.equal(
      bundlerFailure(['Could not reach host index.rubygems.org. Check your network connection and try', 'again.'], path.join(root, 'fn', 'Gemfile')),
      'bundle install could not install httparty (Gemfile): the gem source index.rubygems.org is unreachable (no network connection).',
    );
  });

  it('builderFor: a ruby function with a Gemfile → bundler (as SAM infers it), BuildMethod ruby3.x → bundler, none without a Gemfile', () => {
    write({ 'with/Gemfile': 'source "https://rubygems.org"\n', 'without/app.rb': '' });
    assert.equal(builderFor(fnDef('with'))?.name, 'bundler');
    assert.equal(builderFor(fnDef('without')), undefined);
    assert.equal(builderFor(fnDef('without', 'ruby3.3', { method: 'ruby3.2', properties: {}, sourceDir: path.join(root, 'without') }))?.name, 'bundler');
    assert.equal(builderFor(fnDef('with', 'python3.12')), undefined);
  });
});

describe('engine builds: a Ruby function with a Gemfile', function () {
  this.timeout(90_000);
  const open = openProjectClosedAfterEach({ hotReload: false });
  environmentEach({ BUNDLE_USER_CONFIG: '/dev/null' });
  before(function () {
    if (!RUBY || !findOnPath('bundle')) this.skip();
  });

  it('builds at open and runs the artefact: a vendored gem by a plain require, a path: gem through bundler/setup', async () => {
    const dir = writeProject({
      'template.yaml': [
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Doubler:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Runtime: ruby3.3, CodeUri: doubler, Handler: app.handler }',
        '  Greeter:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Runtime: ruby3.3, CodeUri: greeter, Handler: app.Greeter::Handler.call }',
        '    Metadata: { BuildMethod: ruby3.3 }',
        '',
      ].join('\n'),
      'doubler/app.rb':
        "require 'tinygem'\ndef handler(event:, context:)\n  { doubled: Tinygem.double(event['n']), from: $LOADED_FEATURES.grep(/tinygem/).first }\nend\n",
      'doubler/Gemfile': 'source "https://rubygems.org"\ngem "tinygem"\n',
      'greeter/app.rb': [
        "require 'bundler/setup'",
        "require 'greeting'",
        'module Greeter',
        '  class Handler',
        '    def self.call(event:, context:) = Greeting.for(event["name"])',
        '  end',
        'end',
        '',
      ].join('\n'),
      'greeter/Gemfile': 'source "https://rubygems.org"\ngem "greeting", path: "gems/greeting"\n',
      'greeter/gems/greeting/greeting.gemspec':
        "Gem::Specification.new do |s|\n  s.name = 'greeting'\n  s.version = '1.0.0'\n  s.summary = 'x'\n  s.authors = ['t']\n  s.files = ['lib/greeting.rb']\nend\n",
      'greeter/gems/greeting/lib/greeting.rb': 'module Greeting\n  def self.for(name) = "hello #{name}"\nend\n',
    });
    const gem = buildGem(dir, 'tinygem', TINYGEM);
    fs.mkdirSync(path.join(dir, 'doubler', 'vendor', 'cache'), { recursive: true });
    fs.copyFileSync(gem, path.join(dir, 'doubler', 'vendor', 'cache', path.basename(gem)));
    const workbench = await open(dir);
    const doubled = json((await workbench.invoke('Doubler', '{"n":21}')).payload);
    assert.equal(doubled.doubled, 42);
    assert.match(doubled.from, new RegExp(`/build/Doubler/(?:.*/)?vendor/bundle/ruby/${ABI.replace(/\./g, '\\.')}/gems/tinygem-0\\.1\\.0/lib/tinygem\\.rb$`));
    const greeted = await workbench.invoke('Greeter', '{"name":"ruby"}');
    assert.equal(greeted.functionError, undefined, String(greeted.payload));
    assert.equal(json(greeted.payload), 'hello ruby');
  });
});
