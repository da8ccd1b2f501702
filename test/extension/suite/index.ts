// Loaded by VS Code's extension host through --extensionTestsPath: runs every *.test.js next to it
// (built from test/extension/suite/*.test.ts by test/extension/build.mjs) with mocha, in file order.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Result {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  err?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 5_000, reporter: 'spec', grep: process.env.EXT_TEST_GREP || undefined });
  // Numbered files in numeric order (10-… after 9-…).
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const f of files) {
    mocha.addFile(path.join(__dirname, f));
  }
  const results: Result[] = [];
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', err: String((err as Error)?.stack ?? err) }));
      runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
    } catch (e) {
      reject(e);
    }
  });
  const out = process.env.EXT_TEST_RESULTS;
  if (out) {
    const count = (state: Result['state']) => results.filter((r) => r.state === state).length;
    fs.writeFileSync(out, JSON.stringify({ passed: count('passed'), failed: failures, skipped: count('pending'), results }, null, 2));
  }
  if (failures > 0) throw new Error(`${failures} extension test(s) failed`);
}
