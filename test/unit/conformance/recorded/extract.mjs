// Copies the recordings the conformance suite replays out of a LocalStack checkout (see README.md):
//   node test/unit/conformance/recorded/extract.mjs <localstack checkout>
// selection.json names, per snapshot file, the tests whose recorded answers are kept.
import * as fs from 'node:fs';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const checkout = process.argv[2];
if (!checkout) {
  console.error('usage: extract.mjs <localstack checkout>');
  process.exit(2);
}
const selection = JSON.parse(fs.readFileSync(path.join(here, 'selection.json'), 'utf8'));
for (const [file, tests] of Object.entries(selection)) {
  const all = JSON.parse(fs.readFileSync(path.join(checkout, 'tests', 'aws', 'services', 'lambda_', file), 'utf8'));
  const kept = {};
  for (const test of tests) {
    const id = `tests/aws/services/lambda_/${file.replace(/\.snapshot\.json$/, '.py')}::${test}`;
    if (!all[id]) throw new Error(`${file} has no recording of ${id}`);
    kept[id] = all[id];
  }
  fs.mkdirSync(path.dirname(path.join(here, file)), { recursive: true });
  fs.writeFileSync(path.join(here, file), JSON.stringify(kept, null, 2) + '\n');
  console.log(`${file}: ${tests.length} tests`);
}
