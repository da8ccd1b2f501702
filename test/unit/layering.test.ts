import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

// src/core is the engine shared by the CLI, the extension host, the language server, tests and
// benchmarks: it must never depend on VS Code, and neither may the CLI or the language server.

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|cjs|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

/**
 * The floors of src/core, lowest first. A module may import its own folder and folders on lower
 * floors only: never one above it (an arrow running back up) nor a neighbour on its own floor, so
 * there can be no circle between folders. A new folder gets a floor here.
 */
const CORE_FLOORS: readonly (readonly string[])[] = [
  ['errors', 'util'], // util: what the Lambda API and the HTTP front ends share (requestOrigin, signatureV4)
  ['vocabulary'], // names, qualifiers, ARNs, account, regions, the state directory
  ['config'], // the template reader and the Lambda rules it shares with the engine
  ['build', 'events', 'handlers', 'layers', 'runtime-api', 'runtimes', 'store'],
  ['telemetry'],
  ['environment', 'metrics', 'reload'],
  ['scheduler', 'sources'],
  ['versions'],
  ['invoke'],
  ['esm', 'http'],
  ['api', 'engine'], // the engine's parts the composition root wires (settings, environment factory, live reload)
  ['workbench'],
  ['index'],
];

/** The folder (or top-level file, without extension) of src/core a path belongs to. */
function coreFolderOf(coreRoot: string, file: string): string {
  return path.relative(coreRoot, file).split(path.sep)[0]!.replace(/\.ts$/, '');
}

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

/** `from → to (file)` for every import between folders that is not allowed by the floors. */
function backArrows(coreRoot: string, file: string, text: string): string[] {
  const floorOf = (folder: string) => CORE_FLOORS.findIndex((floor) => floor.includes(folder));
  const from = coreFolderOf(coreRoot, file);
  const offences: string[] = [];
  if (floorOf(from) < 0) return [`${from} has no floor in CORE_FLOORS`];
  for (const match of text.matchAll(RELATIVE_IMPORT)) {
    const target = path.resolve(path.dirname(file), match[1]!);
    if (!target.startsWith(coreRoot + path.sep)) continue;
    const to = coreFolderOf(coreRoot, target);
    if (to === from) continue;
    if (floorOf(to) < 0 || floorOf(to) >= floorOf(from)) offences.push(`${from} → ${to} (${path.relative(coreRoot, file)} imports ${match[1]})`);
  }
  return offences;
}

const IMPORTS_VSCODE = /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

describe('layering', () => {
  for (const layer of ['src/core', 'src/cli', 'src/language']) {
    it(`${layer} never imports vscode`, () => {
      const root = path.resolve(__dirname, '../..', layer);
      const files = sourceFiles(root);
      assert.ok(files.length > 0, `no sources found under ${layer}`);
      const offenders = files.filter((f) => IMPORTS_VSCODE.test(fs.readFileSync(f, 'utf8')));
      assert.deepEqual(offenders, []);
    });
  }

  it('the check itself recognises an import of vscode', () => {
    assert.ok(IMPORTS_VSCODE.test(`import * as vscode from 'vscode';`));
    assert.ok(IMPORTS_VSCODE.test(`const vscode = require("vscode");`));
    assert.ok(!IMPORTS_VSCODE.test(`import { x } from './vscodeish';`));
  });

  it('src/core: folders import only folders on lower floors (no back-arrows, no circles)', () => {
    const coreRoot = path.resolve(__dirname, '../../src/core');
    const folders = new Set(sourceFiles(coreRoot).map((f) => coreFolderOf(coreRoot, f)));
    assert.deepEqual(
      [...folders].filter((f) => !CORE_FLOORS.flat().includes(f)),
      [],
      'every folder of src/core has a floor',
    );
    const offences = sourceFiles(coreRoot).flatMap((f) => backArrows(coreRoot, f, fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offences, []);
  });

  it('the floor check itself recognises arrows up, sideways and unplaced folders', () => {
    const coreRoot = path.resolve('/core');
    assert.deepEqual(
      backArrows(coreRoot, '/core/config/a.ts', `import { b } from '../esm/b';\nimport type { c } from './c';\nimport { WorkbenchError } from '../errors';`),
      ['config → esm (config/a.ts imports ../esm/b)'],
    );
    assert.deepEqual(backArrows(coreRoot, '/core/scheduler/a.ts', `const s = require('../sources/x');`), [
      'scheduler → sources (scheduler/a.ts imports ../sources/x)',
    ]);
    assert.deepEqual(backArrows(coreRoot, '/core/newfolder/a.ts', `import x from '../config/y';`), ['newfolder has no floor in CORE_FLOORS']);
    assert.deepEqual(backArrows(coreRoot, '/core/workbench.ts', `import { Invoker } from './invoke/invoker';\nimport * as fs from 'node:fs';`), []);
  });

  // The hosts use the engine through its public surface: src/core/index.ts and the entry modules of
  // the template reader, the sample events and handler lookup (which the language server loads alone).
  const CORE_ENTRY_MODULES = ['index', 'config/index', 'events/index', 'handlers/index'];

  for (const host of ['src/cli', 'src/extension', 'src/debug', 'src/language']) {
    it(`${host} imports the engine only through its entry modules`, () => {
      const coreRoot = path.resolve(__dirname, '../../src/core');
      const deep = sourceFiles(path.resolve(__dirname, '../..', host)).flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)]
          .map((m) => path.resolve(path.dirname(file), m[1]!))
          .filter((target) => target === coreRoot || target.startsWith(coreRoot + path.sep))
          .map((target) => path.relative(coreRoot, target).split(path.sep).join('/') || 'index')
          .map((id) => (CORE_ENTRY_MODULES.includes(`${id}/index`) ? `${id}/index` : id))
          .filter((id) => !CORE_ENTRY_MODULES.includes(id))
          .map((id) => `${path.relative(path.resolve(__dirname, '../..'), file)} imports core/${id}`),
      );
      assert.deepEqual(deep, []);
    });
  }
});
