import * as fs from 'node:fs';
import * as path from 'node:path';
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

// Node functions as SAM's npm workflow (aws-lambda-builders nodejs_npm) builds them: the sources
// into the artefact, then `npm install -q --no-audit --no-save --unsafe-perm --omit=dev` (or
// `npm ci` when BuildProperties.UseNpmCi is set and a lockfile exists). Differences, on purpose:
// - SAM copies the sources through `npm pack`; we ask npm for that file list only when package.json's
//   `files` or an .npmignore / .gitignore can trim it, and otherwise copy the directory (without
//   node_modules, .npmrc and the state and VCS folders), which is what npm would pack.
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
  name?: unknown;
  version?: unknown;
  files?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export class NpmBuilder implements Builder {
  readonly name = 'npm';

  constructor(private readonly options: NpmBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { sourceDir, artefactDir } = request;
    await emptyDirectory(artefactDir);
    const manifestFile = path.join(sourceDir, 'package.json');
    const manifest = fs.existsSync(manifestFile) ? readManifest(manifestFile) : undefined;
    await this.copySources(request, manifest);
    if (!manifest) return {};
    const dependencies = { ...manifest.dependencies, ...manifest.optionalDependencies };
    if (Object.keys(dependencies).length === 0) return {};

    const lockfile = LOCKFILES.find((name) => fs.existsSync(path.join(sourceDir, name)));
    const rewritten = withAbsoluteLocalPaths(manifest, sourceDir);
    // npm ci refuses a package.json that disagrees with the lockfile: it gets the file as written.
    const useCi = request.fn.build?.properties.UseNpmCi === true && lockfile !== undefined && rewritten.localPaths.length === 0;
    const installManifest = useCi ? fs.readFileSync(manifestFile, 'utf8') : rewritten.text;
    const localPaths = useCi ? [] : rewritten.localPaths;
    const key = hashOf([
      installManifest,
      ...LOCKFILES.map((name) => readIfExists(path.join(sourceDir, name))),
      readIfExists(path.join(sourceDir, '.npmrc')),
      String(useCi),
      ...localPaths.map(localPackageStamp),
      // Native addons are compiled for the Node.js that npm runs with: another Node, another install.
      nodeIdentity(),
    ]);
    const args = useCi
      ? ['ci', '--omit=dev', '--no-audit', '--no-fund']
      : ['install', '-q', '--no-audit', '--no-fund', '--no-save', '--unsafe-perm', '--omit=dev'];
    if (localPaths.length > 0) args.push('--install-links');

    const { dir, reused } = await cachedDirectory(path.join(request.cacheDir, 'npm'), key, async (workspace) => {
      request.log(`npm ${args.join(' ')}`);
      fs.writeFileSync(path.join(workspace, 'package.json'), installManifest);
      for (const name of [...LOCKFILES, '.npmrc']) {
        if (fs.existsSync(path.join(sourceDir, name))) fs.copyFileSync(path.join(sourceDir, name), path.join(workspace, name));
      }
      const result = await this.npm(args, workspace);
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

  /**
   * The sources, as SAM copies them (through `npm pack`): when package.json's `files` or an ignore
   * file may leave something out, the files npm would pack; otherwise the directory as it is. Either
   * way without node_modules and .npmrc (registry credentials), with the lockfile.
   */
  private async copySources(request: BuildRequest, manifest: Manifest | undefined): Promise<void> {
    const { sourceDir, artefactDir } = request;
    const trimmed =
      manifest && typeof manifest.name === 'string' && typeof manifest.version === 'string' && (Array.isArray(manifest.files) || hasIgnoreFile(sourceDir));
    if (!trimmed) return copyTree(sourceDir, artefactDir, EXCLUDED, [artefactDir, request.cacheDir]);
    const result = await this.npm(['pack', '--dry-run', '--json', '--ignore-scripts', '.'], sourceDir, true);
    if (result.code !== 0) throw toolFailure('npm pack (the list of the package’s files) failed.', result);
    const listed = (JSON.parse(result.stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path) ?? [];
    for (const file of new Set([...listed, ...LOCKFILES.filter((name) => fs.existsSync(path.join(sourceDir, name)))])) {
      // npm packs what is not ignored, our state directory (when it lives in the sources) included.
      if (file.split('/').some((part) => EXCLUDED(part, false))) continue;
      await fs.promises.mkdir(path.dirname(path.join(artefactDir, file)), { recursive: true });
      await fs.promises.copyFile(path.join(sourceDir, file), path.join(artefactDir, file));
    }
  }

  private npm(args: string[], cwd: string, captureStdout = false): Promise<ToolResult> {
    return runTool({
      tool: 'npm',
      command: this.options.npm ?? 'npm',
      args,
      cwd,
      env: { npm_config_update_notifier: 'false' },
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      captureStdout,
      missing: 'npm was not found on PATH: building a Node.js function with a package.json needs npm (it comes with Node.js).',
    });
  }
}

/** Whether an .npmignore or .gitignore may trim what npm packs (npm-packlist reads them in every folder). */
function hasIgnoreFile(dir: string): boolean {
  return fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
    if (entry.isDirectory()) return !EXCLUDED(entry.name, true) && hasIgnoreFile(path.join(dir, entry.name));
    return entry.name === '.npmignore' || entry.name === '.gitignore';
  });
}

/** The Node.js on PATH (npm's), by real path and modification time. */
function nodeIdentity(): string {
  const node = findOnPath('node');
  if (!node) return '';
  return `${node}@${fs.statSync(node).mtimeMs}`;
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
function withAbsoluteLocalPaths(manifest: Manifest, sourceDir: string): { text: string; localPaths: string[] } {
  const localPaths: string[] = [];
  const rewrite = (deps: Record<string, string> | undefined) => {
    if (!deps) return deps;
    return Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => {
        const match = LOCAL_SPEC.exec(spec);
        if (!match || spec.startsWith('~')) return [name, spec];
        const absolute = path.resolve(sourceDir, spec.slice(match[1]?.length ?? 0));
        localPaths.push(absolute);
        return [name, `${match[1] ?? 'file:'}${absolute}`];
      }),
    );
  };
  const rewritten: Manifest = { ...manifest, dependencies: rewrite(manifest.dependencies), optionalDependencies: rewrite(manifest.optionalDependencies) };
  // Never installed (--omit=dev), yet npm would still resolve them: from the registry, or local
  // paths against the wrong directory.
  delete rewritten.devDependencies;
  return { text: JSON.stringify(rewritten, null, 2), localPaths };
}

/** Sizes and modification times of a local package's files: an edited local package is reinstalled. */
function localPackageStamp(target: string): string {
  const stamps: string[] = [];
  const walk = (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (!stat.isDirectory()) stamps.push(`${file}:${stat.size}:${stat.mtimeMs}`);
    else for (const name of fs.readdirSync(file)) if (!EXCLUDED(name, true)) walk(path.join(file, name));
  };
  walk(target);
  return stamps.join('\n');
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
