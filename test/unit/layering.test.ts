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
});
