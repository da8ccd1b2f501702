import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { captureOutput, findOnPath, succeeds } from '../util/executables';
import { bootstrapFile } from './files';
import type { LaunchOptions, RuntimeAdapter, RuntimeLaunch } from './types';

// Ruby runtimes (ruby3.2 … ruby3.4) on a local Ruby, running our own stdlib-only bootstrap. The
// Ruby is resolved once and asked for its real executable (an rbenv / rvm shim is a shell script
// that would cost every cold start), its version and where its gems live.

export interface LocalRuby {
  /** The real executable (RbConfig.ruby). */
  path: string;
  /** `3.1.2` */
  version: string;
  /** RbConfig's `ruby_version`, the ABI directory name of installed gems: `3.1.0`. */
  abiVersion: string;
  /** Where this Ruby finds its installed gems (Gem.default_path): on Lambda, the runtime's own gems. */
  gemPath: string[];
}

const cache = new Map<string, Promise<LocalRuby>>();

/** `ruby3.3` → `3.3`. */
export function declaredRubyVersion(runtime: string): string | undefined {
  return /^ruby(\d+\.\d+)$/.exec(runtime)?.[1];
}

/** `3.1.2` → `3.1`. */
function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

const ASK = 'puts RbConfig.ruby, RUBY_VERSION, RbConfig::CONFIG["ruby_version"], Gem.default_path.join(File::PATH_SEPARATOR)';

/** Asks a Ruby (or a shim in front of one) for its real executable, version and gem directories. */
async function ask(candidate: string): Promise<LocalRuby> {
  const [executable, version, abiVersion, gemPath] = (await captureOutput(candidate, ['-e', ASK])).split('\n');
  if (!executable || !version || !/^\d+\.\d+\.\d+/.test(version) || !abiVersion) throw new Error(`${candidate} did not report a Ruby version`);
  return {
    path: fs.realpathSync(executable),
    version: version.trim(),
    abiVersion: abiVersion.trim(),
    gemPath: (gemPath ?? '').split(path.delimiter).filter(Boolean),
  };
}

/**
 * The Ruby for a runtime: the configured one; else `rubyX.Y` on PATH when it is that version
 * (Debian installs /usr/bin/ruby3.1); else `ruby` on PATH. Whatever is started is asked for
 * RbConfig.ruby, which sees through shims and wrappers.
 */
export function resolveLocalRuby(runtime: string, configured?: string): Promise<LocalRuby> {
  const key = `${configured ?? ''}|${runtime}`;
  let result = cache.get(key);
  if (!result) {
    result = (async () => {
      if (configured) {
        const file = path.resolve(configured);
        if (!fs.existsSync(file)) throw new Error(`The configured Ruby ${file} does not exist.`);
        return ask(file);
      }
      const wanted = declaredRubyVersion(runtime);
      const exact = wanted && findOnPath(`ruby${wanted}`);
      if (exact) {
        const found = await ask(exact).catch(() => undefined);
        if (found && minorOf(found.version) === wanted) return found;
      }
      const fallback = findOnPath('ruby');
      if (!fallback) throw new Error(`No Ruby found for ${runtime}; install ruby or set lambdaWorkbench.rubyPath.`);
      return ask(fallback);
    })();
    result.catch(() => cache.delete(key));
    cache.set(key, result);
  }
  return result;
}

/** Whether a Ruby can load the debug gem's DAP server (as the bootstrap does: rubygems on demand). */
function canLoadDebugGem(ruby: string): Promise<boolean> {
  return succeeds(ruby, ['-e', "require 'debug/session'"]);
}

export class RubyRuntime implements RuntimeAdapter {
  private readonly warned = new Set<string>();

  constructor(
    private readonly rubyPath: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const ruby = await resolveLocalRuby(fn.runtime, this.rubyPath);
    if (options.debug && !(await canLoadDebugGem(ruby.path))) {
      throw new Error(
        `Debugging Ruby needs the debug gem (rdbg), which ${ruby.path} (${ruby.version}) cannot load: gem install debug for it (it is bundled with Ruby 3.1 and later).`,
      );
    }
    const declared = declaredRubyVersion(fn.runtime);
    const local = minorOf(ruby.version);
    if (declared && declared !== local && !this.warned.has(fn.runtime)) {
      this.warned.add(fn.runtime);
      this.warn(`${fn.runtime} functions run on the local Ruby ${ruby.version} (${ruby.path}); behaviour of Ruby ${declared} may differ.`);
    }
    const bootstrap = bootstrapFile('ruby');
    const opt = options.optDir;
    // As on AWS (GEM_PATH=/var/task/vendor/bundle/ruby/3.3.0:/opt/ruby/gems/3.3.0:<the runtime's
    // gems>): the function's bundle, the layers' gems, then this Ruby's own installed gems. Gems are
    // installed per ABI version: this Ruby's first, then the declared version's (an artefact `sam
    // build` made for it, a layer built elsewhere: pure-Ruby gems load on either).
    const abiVersions = [ruby.abiVersion];
    if (declared && !ruby.abiVersion.startsWith(`${declared}.`)) abiVersions.push(`${declared}.0`);
    const gemPath: string[] = [];
    for (const abi of abiVersions) {
      gemPath.push(path.join(fn.codeUri, 'vendor', 'bundle', 'ruby', abi));
      if (opt) gemPath.push(path.join(opt, 'ruby', 'gems', abi));
    }
    gemPath.push(...ruby.gemPath);
    const rubyLib = [fn.codeUri, ...(opt ? [path.join(opt, 'ruby', 'lib')] : [])];
    return {
      command: ruby.path,
      // --disable-gems: the bootstrap loads rubygems when something needs it (~60 ms of a cold start otherwise).
      args: ['--disable-gems', bootstrap],
      runtimeDir: path.dirname(bootstrap),
      env: {
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        // As on AWS (GEM_HOME=/var/runtime): the runtime's own directory; gems are found on GEM_PATH.
        GEM_HOME: path.dirname(bootstrap),
        GEM_PATH: gemPath.join(path.delimiter),
        RUBYLIB: rubyLib.join(path.delimiter),
        // Read (and removed) by the bootstrap before any user code. No stopOnInit: the debug gem
        // pauses the runtime when a client attaches, just before the handler file is required.
        ...(options.debug ? { _LAMBDA_WORKBENCH_RDBG: '1' } : {}),
      },
      runtimeVersion: `ruby:${declared ?? local}.local-v${ruby.version}`,
      runtimeVersionArn: `local:ruby:${ruby.path}`,
    };
  }
}
