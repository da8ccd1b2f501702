// Packages the extension as platform-specific VSIXes (`vsce package --target`), the ecosystem's
// convention for native modules: each carries LevelDB's prebuilt binding (classic-level) for its
// platform only, the bundles without their source maps, the runtime bootstraps, the webview, the
// grammar and the icon — nothing else (no sources, tests, benchmarks, examples or docs).
//
//   node scripts/package.mjs [--target <platform>]… [--out <dir>] [--no-build]
//
// Targets default to every platform classic-level ships a binding for that VS Code runs on; `host`
// is this machine's. Prints one line per VSIX: its path, size and unpacked size.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** VS Code target → classic-level's prebuild directory for it. */
export const TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-x64+arm64',
  'darwin-arm64': 'darwin-x64+arm64',
  'win32-x64': 'win32-x64',
};

export function hostTarget() {
  const target = `${process.platform}-${process.arch}`;
  if (!(target in TARGETS)) throw new Error(`No VSIX target for this machine (${target}); targets: ${Object.keys(TARGETS).join(', ')}`);
  return target;
}

// What a VSIX ships, relative to the root: files, and directories with the files kept from them.
const SHIPPED_FILES = ['README.md', 'LICENSE', 'CHANGELOG.md'];
const SHIPPED_DIRS = {
  media: (f) => /\.(png|svg|md)$/.test(f),
  syntaxes: (f) => f.endsWith('.json'),
  dist: (f) => /^[^/]+\.js$/.test(f) || f.startsWith('runtimes/') || /^webview\/[^/]+\.(js|css)$/.test(f),
};
// Files of a dependency that nothing loads at run time (classic-level's prebuilds are chosen per target).
const NOT_RUNTIME = /(^|\/)(test|tests|types|deps|prebuilds|\.github)\/|\.(md|d\.ts|map|cc|h|gyp)$/i;

/** The runtime dependencies (classic-level, esbuild) and the packages they require, as directories relative to the root. */
function runtimeDependencies() {
  const found = new Map();
  const visit = (name, fromDir) => {
    let dir = fromDir;
    for (;;) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) {
        dir = candidate;
        break;
      }
      if (dir === root) throw new Error(`${name} is not installed (npm ci first)`);
      dir = path.dirname(dir);
    }
    if (found.has(dir)) return;
    found.set(dir, name);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
  };
  for (const dep of Object.keys(readManifest().dependencies ?? {})) visit(dep, root);
  return [...found.keys()].map((dir) => path.relative(root, dir));
}

function readManifest() {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
}

/** Copies the files under `rel` that `keep` (given the path below `rel`, with /) accepts. */
function copyTree(rel, into, keep) {
  const walk = (sub) => {
    for (const entry of fs.readdirSync(path.join(root, rel, sub), { withFileTypes: true })) {
      const child = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(child);
        continue;
      }
      if (!keep(child)) continue;
      const to = path.join(into, rel, child);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(root, rel, child), to);
    }
  };
  walk('');
}

/**
 * The extension as one target ships it, in a directory of its own: the manifest without what only
 * the repository and the npm package use, the shipped files, and the runtime dependencies with only
 * the target's native binding.
 */
function stage(target, dependencies) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lambda-workbench-vsix-${target}-`));
  const { files: _files, scripts: _scripts, devDependencies: _dev, allowScripts: _allow, ...manifest } = readManifest();
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const file of SHIPPED_FILES) fs.copyFileSync(path.join(root, file), path.join(dir, file));
  for (const [rel, keep] of Object.entries(SHIPPED_DIRS)) copyTree(rel, dir, keep);
  const prebuild = `prebuilds/${TARGETS[target]}/`;
  for (const rel of dependencies) {
    // esbuild's bin/ holds this machine's binary for its command line; the API uses @esbuild/<platform>.
    const isEsbuild = path.basename(rel) === 'esbuild';
    copyTree(rel, dir, (f) => (!NOT_RUNTIME.test(`/${f}`) || (f.startsWith(prebuild) && f.endsWith('.node'))) && !(isEsbuild && f.startsWith('bin/')));
  }
  stageEsbuildBinary(target, dir);
  return dir;
}

/**
 * esbuild (the engine builds `BuildMethod: esbuild` functions with its API) finds its native binary
 * in the optional package of its platform, `@esbuild/<platform>`, which npm installs only for the
 * machine it runs on: the target's comes from this machine's node_modules when it is the host,
 * else from the npm registry (`npm pack`, cached beside the other downloads).
 */
function stageEsbuildBinary(target, dir) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8'));
  const into = path.join(dir, 'node_modules', '@esbuild', target);
  const local = path.join(root, 'node_modules', '@esbuild', target);
  if (fs.existsSync(path.join(local, 'package.json')) && JSON.parse(fs.readFileSync(path.join(local, 'package.json'), 'utf8')).version === version) {
    fs.cpSync(local, into, { recursive: true });
    return;
  }
  const cache = path.join(os.homedir(), '.cache', 'lambda-workbench', 'esbuild');
  fs.mkdirSync(cache, { recursive: true });
  const tarball = path.join(cache, `esbuild-${target}-${version}.tgz`);
  if (!fs.existsSync(tarball)) {
    const packed = spawnSync('npm', ['pack', `@esbuild/${target}@${version}`, '--pack-destination', cache, '--silent'], { encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack @esbuild/${target}@${version} failed:\n${packed.stdout}${packed.stderr}`);
    fs.renameSync(path.join(cache, packed.stdout.trim().split('\n').pop()), tarball);
  }
  fs.mkdirSync(into, { recursive: true });
  const extracted = spawnSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1'], { encoding: 'utf8' });
  if (extracted.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${extracted.stderr}`);
}

function unpackedSize(vsix) {
  const list = spawnSync('unzip', ['-l', vsix], { encoding: 'utf8' });
  if (list.status !== 0) return undefined;
  const total = /^\s*(\d+)\s+\d+ files?\s*$/m.exec(list.stdout.trim().split('\n').pop() ?? '');
  return total ? Number(total[1]) : undefined;
}

/** Packages one target; returns its path, size and unpacked size. */
export function packageTarget(target, outDir, dependencies = runtimeDependencies()) {
  if (!(target in TARGETS)) throw new Error(`Unknown target ${target}; targets: ${Object.keys(TARGETS).join(', ')}`);
  const { version, name } = readManifest();
  fs.mkdirSync(outDir, { recursive: true });
  const vsix = path.join(outDir, `${name}-${target}-${version}.vsix`);
  const staged = stage(target, dependencies);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--out', vsix], { cwd: staged, encoding: 'utf8' });
  fs.rmSync(staged, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`vsce package --target ${target} failed:\n${result.stdout}${result.stderr}`);
  return { target, vsix, bytes: fs.statSync(vsix).size, unpackedBytes: unpackedSize(vsix) };
}

function main() {
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, out: { type: 'string' }, 'no-build': { type: 'boolean' } } });
  const targets = (values.target ?? Object.keys(TARGETS)).map((t) => (t === 'host' ? hostTarget() : t));
  const outDir = path.resolve(values.out ?? path.join(root, 'packages'));
  if (!values['no-build']) {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const dependencies = runtimeDependencies();
  for (const target of targets) {
    const p = packageTarget(target, outDir, dependencies);
    const mb = (n) => (n === undefined ? '?' : `${(n / 1e6).toFixed(2)} MB`);
    console.log(`${path.relative(process.cwd(), p.vsix)}  ${mb(p.bytes)} (unpacked ${mb(p.unpackedBytes)})`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`scripts/package.mjs: ${error.message}`);
    process.exit(1);
  }
}
