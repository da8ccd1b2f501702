// This platform's VSIX (scripts/package.mjs, from the current dist/) installed with code-server's
// `--install-extension` into a fresh extensions directory, and an empty "driver" extension to run
// tests or probes from: VS Code runs extensionTestsPath only in extension development mode, and the
// development tree must not be the extension under test. Used by runInstalled.mjs and bench/activation.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostTarget, packageTarget } from '../../scripts/package.mjs';

/** Packages and installs under `scratch`; returns the VSIX, the extensions directory and the driver. */
export function installVsix(scratch, codeServerEntry) {
  const packaged = packageTarget(hostTarget(), join(scratch, 'vsix'));
  const extensionsDir = join(scratch, 'extensions');
  const install = spawnSync(process.execPath, [codeServerEntry, '--extensions-dir', extensionsDir, '--install-extension', packaged.vsix], {
    encoding: 'utf8',
    env: { ...process.env, EXTENSIONS_GALLERY: '{}' },
  });
  if (install.status !== 0) throw new Error(`code-server --install-extension failed:\n${install.stdout}${install.stderr}`);
  const driver = join(scratch, 'driver');
  mkdirSync(driver, { recursive: true });
  writeFileSync(
    join(driver, 'package.json'),
    JSON.stringify({ name: 'lambda-workbench-test-driver', publisher: 'tests', version: '0.0.0', engines: { vscode: '^1.100.0' } }),
  );
  return { packaged, extensionsDir, driver };
}
