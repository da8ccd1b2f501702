import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';
import { cachedDirectory, copyTree, excludeNames, hashOf, linkTree, readIfExists, runTool, toolFailure } from './builderSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// Node functions as SAM's npm workflow (aws-lambda-builders nodejs_npm) builds them: the sources
// into the artefact, then `npm install -q --no-audit --no-save --unsafe-perm --omit=dev` (or
// `npm ci` when BuildProperties.UseNpmCi is set and a lockfile exists). Differences, on purpose:
// - SAM copies the sources through `npm pack`; we copy the directory (without node_modules and
//   the state and VCS folders), so `files` / .npmignore do not trim the artefact.
// - npm runs in a cache directory keyed by the hash of package.json, the lockfile and .npmrc, and
//   its node_modules is hard-linked into the artefact: an unchanged manifest never reinstalls.
// - Local dependencies (`file:../lib`) resolve against the function's directory and are installed
//   as copies (--install-links), which SAM does not support outside build-in-source.

/** Folders that never go into a Node artefact. */
const EXCLUDED = excludeNames(['node_modules', '.aws-sam', '.git', STATE_DIR_NAME, '.npmrc']);
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface NpmBuilderOptions {
  /** The npm to run (default: `npm` on PATH). */
  npm?: string;
  timeoutMs?: number;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export class NpmBuilder implements Builder {
  readonly name = 'npm';

  constructor(private readonly options: NpmBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { sourceDir, artefactDir } = request;
    await copyTree(sourceDir, artefactDir, EXCLUDED, [artefactDir, request.cacheDir]);
    const manifestFile = path.join(sourceDir, 'package.json');
    if (!fs.existsSync(manifestFile)) return {};
    const manifest = readManifest(manifestFile);
    const dependencies = { ...manifest.dependencies, ...manifest.optionalDependencies };
    if (Object.keys(dependencies).length === 0) return {};

    const lockfile = LOCKFILES.find((name) => fs.existsSync(path.join(sourceDir, name)));
    const rewritten = withAbsoluteLocalPaths(manifest, sourceDir);
    // npm ci refuses a package.json that disagrees with the lockfile: it gets the file as written.
    const useCi = request.fn.build?.properties.UseNpmCi === true && lockfile !== undefined && !rewritten.localDependencies;
    const installManifest = useCi ? fs.readFileSync(manifestFile, 'utf8') : rewritten.text;
    const localDependencies = !useCi && rewritten.localDependencies;
    const key = hashOf([
      installManifest,
      ...LOCKFILES.map((name) => readIfExists(path.join(sourceDir, name))),
      readIfExists(path.join(sourceDir, '.npmrc')),
      String(useCi),
    ]);
    const args = useCi
      ? ['ci', '--omit=dev', '--no-audit', '--no-fund']
      : ['install', '-q', '--no-audit', '--no-fund', '--no-save', '--unsafe-perm', '--omit=dev'];
    if (localDependencies) args.push('--install-links');

    const { dir, reused } = await cachedDirectory(path.join(request.cacheDir, 'npm'), key, async (workspace) => {
      request.log(`npm ${args.join(' ')}`);
      fs.writeFileSync(path.join(workspace, 'package.json'), installManifest);
      for (const name of [...LOCKFILES, '.npmrc']) {
        if (fs.existsSync(path.join(sourceDir, name))) fs.copyFileSync(path.join(sourceDir, name), path.join(workspace, name));
      }
      const result = await runTool({
        tool: 'npm',
        command: this.options.npm ?? 'npm',
        args,
        cwd: workspace,
        env: { npm_config_update_notifier: 'false' },
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        missing: 'npm was not found on PATH: installing the dependencies of package.json needs npm (it comes with Node.js).',
      });
      if (result.code !== 0) throw toolFailure(npmFailure(args[0]!, result.lastLines), result);
      // What SAM's clean-up actions remove: the registry credentials and npm's hidden lockfile.
      fs.rmSync(path.join(workspace, '.npmrc'), { force: true });
      fs.rmSync(path.join(workspace, 'node_modules', '.package-lock.json'), { force: true });
    });
    if (reused) request.log(`npm: dependencies unchanged (package.json ${key}), reusing the installed node_modules`);
    const modules = path.join(dir, 'node_modules');
    if (fs.existsSync(modules)) await linkTree(modules, path.join(artefactDir, 'node_modules'));
    return lockfile ? {} : { warnings: ['package.json has no lockfile (package-lock.json): the installed dependency versions may change between builds.'] };
  }
}

function readManifest(file: string): Manifest {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Manifest;
  } catch (error) {
    throw new BuildError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  throw new BuildError(`${file} is not a JSON object.`);
}

const LOCAL_SPEC = /^(file:|link:)?(\.{1,2}(\/|$)|~\/)/;

/** package.json as npm gets it in the cache directory: relative `file:` dependencies made absolute. */
function withAbsoluteLocalPaths(manifest: Manifest, sourceDir: string): { text: string; localDependencies: boolean } {
  let localDependencies = false;
  const rewrite = (deps: Record<string, string> | undefined) => {
    if (!deps) return deps;
    return Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => {
        const match = LOCAL_SPEC.exec(spec);
        if (!match || spec.startsWith('~')) return [name, spec];
        localDependencies = true;
        return [name, `${match[1] ?? 'file:'}${path.resolve(sourceDir, spec.slice(match[1]?.length ?? 0))}`];
      }),
    );
  };
  const rewritten: Manifest = { ...manifest, dependencies: rewrite(manifest.dependencies), optionalDependencies: rewrite(manifest.optionalDependencies) };
  // devDependencies are never installed (--omit=dev), but npm still resolves their local paths.
  delete rewritten.devDependencies;
  return { text: JSON.stringify(rewritten, null, 2), localDependencies };
}

const NETWORK_CODES = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH)\b/;

/** The first line of the error: what npm could not do, in words. */
function npmFailure(command: string, lines: string[]): string {
  const text = lines.join('\n');
  const notFound = /404 Not Found - GET \S+?\/(@?[^/\s]+(?:%2f|\/)?[^/\s]*)\s*$/im.exec(text) ?? /'(@?[^@'\s]+)@[^']*' is not in this registry/.exec(text);
  if (notFound) return `npm ${command} failed: the package ${decodeURIComponent(notFound[1]!)} was not found in the registry.`;
  const network = NETWORK_CODES.exec(text);
  if (network) return `npm ${command} failed: the npm registry is unreachable (${network[1]}).`;
  if (command === 'ci' && /npm ci.*can only install|in sync/i.test(text)) {
    return 'npm ci failed: package.json and the lockfile are out of sync (run npm install).';
  }
  return `npm ${command} --omit=dev failed.`;
}
