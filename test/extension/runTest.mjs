// The extension tests' entry point: @vscode/test-electron's standard runTests() call.
//
// Where VS Code desktop can be downloaded, EXT_TEST_DESKTOP=1 runs the tests there (test-electron's own
// download). This machine and CI cannot download it, so by default `vscodeExecutablePath` is
// code-web-shim.mjs: a stand-in executable that runs the same tests in code-server's VS Code server
// (a real Node extension host) with headless Debian Chromium as the workbench.
//
// Env: CODE_SERVER_ENTRY (set by scripts/test-extension.sh), EXT_TEST_RESULTS (JSON results file),
//      EXT_TEST_SCREENSHOT_DIR (screenshots), EXT_TEST_GREP (mocha --grep), EXT_TEST_VERBOSE.
// Usage: node test/extension/runTest.mjs   (after `node test/extension/build.mjs`)
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// A fresh copy of the fixture workspace each run: the tests publish versions, save events and the
// engine keeps its state (.lambda-workbench/) next to the template.
const scratch = mkdtempSync(join(tmpdir(), 'lambda-workbench-ext-'));
const workspace = join(scratch, 'workspace');
cpSync(join(here, 'fixture'), workspace, { recursive: true });

const shim = join(here, 'code-web-shim.mjs');
let code = 0;
try {
  code = await runTests({
    vscodeExecutablePath: process.env.EXT_TEST_DESKTOP ? undefined : process.env.VSCODE_EXECUTABLE || shim,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/extension/suite/index.js'),
    // A user-data and extensions directory of the run's own (test-electron's default: ./.vscode-test/).
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${join(scratch, 'user-data')}`, `--extensions-dir=${join(scratch, 'extensions')}`],
    extensionTestsEnv: {
      EXT_TEST_RESULTS: process.env.EXT_TEST_RESULTS ?? '',
      EXT_TEST_GREP: process.env.EXT_TEST_GREP ?? '',
      EXT_TEST_WORKSPACE: workspace,
    },
  });
} catch (e) {
  console.error(`Extension tests failed: ${e?.message ?? e}`);
  code = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
