import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The Timeline webview's browser-side code needs DOM types, which the root tsconfig.json (Node's)
// leaves out: it excludes the folder, and its own tsconfig.json is checked here.

describe('the Timeline webview type-checks', function () {
  this.timeout(120_000);

  it('tsc --noEmit -p src/extension/timeline/webview', () => {
    const root = path.resolve(__dirname, '../../..');
    const tsc = require.resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'src/extension/timeline/webview'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
});
