import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { findOnPath } from '../util/executables';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';
import {
  cachedDirectory,
  copyTree,
  emptyDirectory,
  excludeNames,
  hashOf,
  linkTree,
  readIfExists,
  runTool,
  toolFailure,
  type ToolResult,
} from './builderSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// Ruby functions as SAM's Ruby workflow (aws-lambda-builders ruby_bundler) builds them: the sources
// into the artefact (without .aws-sam and .git) and, with a Gemfile, `bundle config set --local
// without development:test`, `bundle install`, `bundle config set --local deployment true`, `bundle
// install`: the gems land in vendor/bundle/ruby/<ABI version>/, which the runtime's GEM_PATH reads,
// with Gemfile.lock and .bundle/config beside them for code that requires bundler/setup.
// Differences, on purpose:
// - bundler runs with the function's Ruby, in a cache directory keyed by the hash of the Gemfile,
//   its lockfile, .bundle/config, vendor/cache, the gemspecs and the Ruby: an unchanged Gemfile
//   never reinstalls. The path is set to vendor/bundle before the first install (SAM's build image
//   installs it into the image's gems first): never the machine's gems, never sudo.
// - gems vendored in vendor/cache (`bundle cache`) install with --local, without the network; the
//   gem source is asked only when something is missing there.
// - a `ruby` requirement the local Ruby does not meet (SAM's templates ask for the template's Ruby)
//   is a warning, not a failed build: the runtime runs the function on the local Ruby and says so.

const EXCLUDED = excludeNames(['.aws-sam', '.git', STATE_DIR_NAME]);
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** The Gemfile bundler is given: the function's, evaluated as it is except for its `ruby` requirement. */
const WRAPPER = 'Gemfile.lambda-workbench';
const RUBY_REQUIREMENT = 'LAMBDA_WORKBENCH_RUBY_REQUIREMENT';
/** In a cache entry: the `ruby` requirement the local Ruby did not meet, for the warning of a reused install. */
const REQUIREMENT_FILE = '.lambda-workbench-ruby-requirement';
/** What a cache entry keeps of the workspace bundler ran in. */
const KEPT = new Set(['vendor', 'Gemfile.lock', '.bundle', REQUIREMENT_FILE]);

const WRAPPER_SOURCE = `# Lambda Workbench: the function's Gemfile, with its \`ruby\` requirement reported instead of enforced
def ruby(*requirements, **)
  wanted = requirements.flatten.map(&:to_s)
  unless wanted.empty? || Gem::Requirement.create(wanted).satisfied_by?(Gem::Version.new(RUBY_VERSION))
    Bundler.ui.warn("${RUBY_REQUIREMENT} #{wanted.join(', ')}")
  end
rescue StandardError
  nil
end
eval_gemfile(File.join(__dir__, 'Gemfile'))
`;

export interface BundlerBuilderOptions {
  /** The function's Ruby (its real path): the engine passes the Ruby runtime's resolver. Default: `ruby` on PATH. */
  ruby?: (fn: FunctionDefinition) => Promise<string>;
  timeoutMs?: number;
}

export class BundlerBuilder implements Builder {
  readonly name = 'bundler';

  constructor(private readonly options: BundlerBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { sourceDir, artefactDir } = request;
    // A vendor/bundle of the sources (a local `bundle install --path`) is the build's to make.
    const skip = [artefactDir, request.cacheDir, path.join(sourceDir, 'vendor', 'bundle')];
    await emptyDirectory(artefactDir);
    await copyTree(sourceDir, artefactDir, EXCLUDED, skip);
    if (!fs.existsSync(path.join(sourceDir, 'Gemfile'))) return {};
    const ruby = await this.ruby(request.fn);
    const bundle = bundleFor(ruby);
    const key = hashOf([
      ...['Gemfile', 'Gemfile.lock', path.join('.bundle', 'config')].map((name) => readIfExists(path.join(sourceDir, name))),
      vendorCacheStamp(sourceDir),
      gemspecs(sourceDir, skip),
      `${ruby}@${fs.statSync(ruby).mtimeMs}`,
      `${bundle}@${fs.statSync(bundle).mtimeMs}`,
    ]);

    const { dir, reused } = await cachedDirectory(path.join(request.cacheDir, 'bundler'), key, async (workspace) => {
      await copyTree(sourceDir, workspace, EXCLUDED, skip);
      fs.writeFileSync(path.join(workspace, WRAPPER), WRAPPER_SOURCE);
      const lockfile = path.join(workspace, 'Gemfile.lock');
      if (fs.existsSync(lockfile)) fs.copyFileSync(lockfile, path.join(workspace, `${WRAPPER}.lock`));
      const run = (args: string[]) => this.bundle(ruby, bundle, args, workspace);
      const vendored = fs.existsSync(path.join(workspace, 'vendor', 'cache'));
      const install = async (): Promise<ToolResult> => {
        request.log(`bundle install${vendored ? ' --local' : ''} (${ruby})`);
        const local = vendored ? await run(['install', '--local']) : undefined;
        if (local?.code === 0) return local;
        // Something vendor/cache does not have: the gem source.
        if (local) request.log('bundle install: vendor/cache is missing gems, asking the gem source');
        return run(['install']);
      };
      for (const args of [
        ['config', 'set', '--local', 'path', 'vendor/bundle'],
        ['config', 'set', '--local', 'without', 'development:test'],
      ]) {
        await this.checked(run, args, sourceDir, workspace);
      }
      let result = await install();
      if (result.code === 0) {
        await this.checked(run, ['config', 'set', '--local', 'deployment', 'true'], sourceDir, workspace);
        result = await install();
      }
      if (result.code !== 0) throw failure(result, sourceDir, workspace);
      const requirement = [...new Set(result.kept.map((line) => line.slice(line.indexOf(RUBY_REQUIREMENT) + RUBY_REQUIREMENT.length).trim()))][0];
      if (requirement) fs.writeFileSync(path.join(workspace, REQUIREMENT_FILE), requirement);
      fs.renameSync(path.join(workspace, `${WRAPPER}.lock`), lockfile);
      for (const name of fs.readdirSync(workspace)) {
        if (!KEPT.has(name)) fs.rmSync(path.join(workspace, name), { recursive: true, force: true });
      }
      // vendor/cache came from the sources, which the artefact has.
      fs.rmSync(path.join(workspace, 'vendor', 'cache'), { recursive: true, force: true });
    });
    if (reused) request.log(`bundler: Gemfile unchanged (${key}), reusing the installed gems`);
    if (fs.existsSync(path.join(dir, 'vendor', 'bundle'))) await linkTree(path.join(dir, 'vendor', 'bundle'), path.join(artefactDir, 'vendor', 'bundle'));
    // bundler's settings (deployment, vendor/bundle), and the lockfile it wrote when the sources have none.
    fs.mkdirSync(path.join(artefactDir, '.bundle'), { recursive: true });
    fs.rmSync(path.join(artefactDir, '.bundle', 'config'), { force: true });
    fs.copyFileSync(path.join(dir, '.bundle', 'config'), path.join(artefactDir, '.bundle', 'config'));
    if (!fs.existsSync(path.join(artefactDir, 'Gemfile.lock'))) fs.copyFileSync(path.join(dir, 'Gemfile.lock'), path.join(artefactDir, 'Gemfile.lock'));

    const warnings: string[] = [];
    const requirement = readIfExists(path.join(dir, REQUIREMENT_FILE));
    if (requirement) {
      warnings.push(`The Gemfile asks for Ruby ${requirement}; its gems were installed with the local Ruby (${ruby}), which the function runs on.`);
    }
    if (!fs.existsSync(path.join(sourceDir, 'Gemfile.lock'))) {
      warnings.push('The Gemfile has no lockfile (Gemfile.lock): the installed gem versions may change between builds.');
    }
    return warnings.length > 0 ? { warnings } : {};
  }

  private async ruby(fn: FunctionDefinition): Promise<string> {
    if (this.options.ruby) {
      try {
        return await this.options.ruby(fn);
      } catch (error) {
        throw new BuildError(`No Ruby to install the Gemfile's gems for ${fn.runtime}: ${(error as Error).message}`);
      }
    }
    const onPath = findOnPath('ruby');
    if (!onPath) throw new BuildError(`No Ruby to install the Gemfile's gems for ${fn.runtime}: ruby is not on PATH.`);
    return onPath;
  }

  private bundle(ruby: string, bundle: string, args: string[], cwd: string): Promise<ToolResult> {
    // A Ruby script runs on the function's Ruby whatever its #! line says; a shim runs as itself.
    const script = readIfExists(bundle).slice(0, 200).split('\n')[0]!.includes('ruby');
    return runTool({
      tool: 'bundler',
      command: script ? ruby : bundle,
      args: script ? [bundle, ...args] : args,
      cwd,
      env: {
        BUNDLE_GEMFILE: path.join(cwd, WRAPPER),
        BUNDLE_SILENCE_ROOT_WARNING: '1',
        // What a `bundle exec` around this process would impose on the install.
        BUNDLE_APP_CONFIG: undefined,
        BUNDLE_BIN_PATH: undefined,
        RUBYOPT: undefined,
      },
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      keep: new RegExp(RUBY_REQUIREMENT),
      missing: `bundler (${bundle}) could not be started.`,
    });
  }

  private async checked(run: (args: string[]) => Promise<ToolResult>, args: string[], sourceDir: string, workspace: string): Promise<void> {
    const result = await run(args);
    if (result.code !== 0) throw toolFailure(`bundle ${args.join(' ')} failed.`, inSources(result, sourceDir, workspace));
  }
}

/** The `bundle` of a Ruby: beside it (its own bundler), else on PATH. */
function bundleFor(ruby: string): string {
  const beside = path.join(path.dirname(ruby), 'bundle');
  if (fs.existsSync(beside)) return beside;
  const onPath = findOnPath('bundle');
  if (onPath) return onPath;
  throw new BuildError(
    `bundler was not found for ${ruby}: install it (Debian: the bundler package; otherwise gem install bundler) to build a Ruby function with a Gemfile.`,
  );
}

/** The vendored gems, by name and size. */
function vendorCacheStamp(sourceDir: string): string {
  const dir = path.join(sourceDir, 'vendor', 'cache');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => `${name}:${fs.statSync(path.join(dir, name)).size}`)
    .join('\n');
}

/** The contents of the gemspecs under the sources (a `gemspec` line, a `path:` gem): their dependencies are the bundle's. */
function gemspecs(dir: string, skip: readonly string[]): string {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (EXCLUDED(entry.name, entry.isDirectory()) || skip.includes(full)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.gemspec')) found.push(`${path.relative(dir, full)}\n${readIfExists(full)}`);
    }
  };
  walk(dir);
  return found.sort().join('\n');
}

/** The tool's output with the workspace's paths named as the sources' (a Gemfile error points at the user's file). */
function inSources(result: ToolResult, sourceDir: string, workspace: string): ToolResult {
  const lines = result.lastLines.map((line) => line.split(workspace).join(sourceDir).split(WRAPPER).join('Gemfile'));
  return { ...result, lastLines: lines };
}

/** What bundler could not do, in words: the gems it could not install, and whether their source was reachable at all. */
export function bundlerFailure(lines: string[], gemfile: string): string {
  const text = lines.join(' ').replace(/\s+/g, ' ');
  const missing = /Could not find gem '([^' ]+)/.exec(text)?.[1];
  const declared = declaredGems(gemfile);
  const gems = missing ? [missing] : declared;
  const named = gems.length > 0 ? `${gems.join(', ')} (Gemfile)` : 'the Gemfile’s gems';
  const fetch = /Could not fetch specs from (\S+?) due to underlying error <((?:\w+::)*\w+)(?::\s*([^<>]*))?>/.exec(text);
  if (fetch) {
    // `Failed to open TCP connection to host:port (Connection refused - connect(2) for host:port) (url)`
    const detail = fetch[3]?.trim();
    const reason = (detail && /^Failed to open TCP connection to \S+ \((.*?)\)(?: \(\S+\))?$/.exec(detail)?.[1]) || detail || fetch[2];
    return `bundle install could not install ${named}: the gem source ${fetch[1]} is unreachable (${reason}).`;
  }
  const host = /Could not reach host (\S+?)\.? Check your network connection/.exec(text);
  if (host) return `bundle install could not install ${named}: the gem source ${host[1]} is unreachable (no network connection).`;
  if (/Net::OpenTimeout|Net::ReadTimeout|execution expired/.test(text)) return `bundle install could not install ${named}: the gem source timed out.`;
  if (missing) return `bundle install could not install ${missing} (Gemfile): no such gem (or version) in its source.`;
  if (/There was an error parsing `Gemfile`|Gemfile syntax error/.test(text)) return 'bundle install failed: the Gemfile has an error.';
  return 'bundle install failed.';
}

/** The gems a Gemfile names (`gem "name"` lines), except those at a local path. */
function declaredGems(gemfile: string): string[] {
  const names: string[] = [];
  for (const match of readIfExists(gemfile).matchAll(/^\s*gem\s*\(?\s*["']([^"']+)["'](.*)$/gm)) {
    if (!/\bpath\s*(:|=>)/.test(match[2]!)) names.push(match[1]!);
  }
  return names;
}

function failure(result: ToolResult, sourceDir: string, workspace: string): BuildError {
  const shown = inSources(result, sourceDir, workspace);
  return toolFailure(bundlerFailure(shown.lastLines, path.join(sourceDir, 'Gemfile')), shown);
}
