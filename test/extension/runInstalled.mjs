// The extension as users receive it: packages this platform's VSIX (scripts/package.mjs, from the
// dist/ scripts/build.mjs made), installs it with code-server's `--install-extension` into a fresh
// extensions directory, and runs two suites on a copy of examples/sam-app in that installed copy:
// installed/ (trusted: invoke, an Event invoke, an embedded queue's mapping, a breakpoint) and
// untrusted/ (Restricted Mode: nothing runs). The tests run from a separate, empty "driver"
// extension (installVsix.mjs), so nothing of the repository's development tree is loaded as the extension.
//
// Env: CODE_SERVER_ENTRY (set by scripts/test-extension.sh), EXT_TEST_RESULTS_DIR (one JSON results
//      file per suite: results-installed.json, results-untrusted.json), EXT_TEST_GREP, EXT_TEST_VERBOSE.
// Usage: node test/extension/runInstalled.mjs   (after scripts/build.mjs and test/extension/build.mjs)
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installVsix } from './installVsix.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const entry = process.env.CODE_SERVER_ENTRY;
if (!entry) {
  console.error('runInstalled.mjs: CODE_SERVER_ENTRY is not set (run scripts/test-extension.sh)');
  process.exit(2);
}
const resultsDir = process.env.EXT_TEST_RESULTS_DIR;
const scratch = mkdtempSync(join(tmpdir(), 'lambda-workbench-vsix-test-'));
const t0 = Date.now();
const log = (message) => console.log(`[installed ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

let code = 0;
try {
  const { packaged, extensionsDir, driver } = installVsix(scratch, entry);
  log(`packaged ${packaged.vsix} (${(packaged.bytes / 1e6).toFixed(2)} MB), installed into ${extensionsDir}`);

  for (const suite of ['installed', 'untrusted']) {
    const workspace = join(scratch, `workspace-${suite}`);
    cpSync(join(root, 'examples/sam-app'), workspace, { recursive: true, filter: (f) => !f.includes('.lambda-workbench') });
    log(`running ${suite}/ on a copy of examples/sam-app`);
    const suiteCode = await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || join(here, 'code-web-shim.mjs'),
      extensionDevelopmentPath: driver,
      extensionTestsPath: join(root, 'out/test/extension', suite, 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${join(scratch, `user-data-${suite}`)}`, `--extensions-dir=${extensionsDir}`],
      extensionTestsEnv: {
        EXT_TEST_RESULTS: resultsDir ? join(resultsDir, `results-${suite}.json`) : '',
        EXT_TEST_GREP: process.env.EXT_TEST_GREP ?? '',
        EXT_TEST_INSTALLED_DIR: extensionsDir,
        EXT_TEST_WORKSPACE_TRUST: suite === 'untrusted' ? 'untrusted' : '',
      },
    }).catch((error) => {
      console.error(`${suite}: ${error?.message ?? error}`);
      return 1;
    });
    if (suiteCode !== 0) code = suiteCode;
  }
} catch (error) {
  console.error(`runInstalled.mjs: ${error?.message ?? error}`);
  code = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
log(`done (exit ${code})`);
process.exit(code);
