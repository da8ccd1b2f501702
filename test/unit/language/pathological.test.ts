import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { buildIfStale } from '../helpers/build';
import { fileUri, LspClient, SERVER } from './lspClient';

// Documents that once overflowed the reader's stack or hung it: the language server publishes an
// error at the place and keeps serving the other documents.

const HEAD = 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n';

describe('language server: YAML that used to crash or hang the reader', function () {
  this.timeout(60_000);
  let client: LspClient;
  let dir: string;

  before(async () => {
    buildIfStale(SERVER);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-lsp-yaml-'));
    client = await LspClient.start();
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes an error for a self-referencing alias and an alias bomb, and stays alive', async () => {
    const selfAlias = fileUri(path.join(dir, 'self.yaml'));
    await client.open(selfAlias, `${HEAD}      x: &a [*a]\n`);
    const cycle = await client.diagnosticsOf(selfAlias, 1);
    assert.deepEqual(
      cycle.diagnostics.map((d) => [d.code, d.severity, d.range.start]),
      [['yaml-alias-cycle', DiagnosticSeverity.Error, { line: 5, character: 13 }]],
    );

    let bomb = 'lol0: &l0 [lol]\n';
    for (let i = 1; i <= 9; i++) {
      bomb += `lol${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    }
    const bombUri = fileUri(path.join(dir, 'bomb.yaml'));
    const started = Date.now();
    await client.open(bombUri, `${bomb}${HEAD}      X: *l9\n`);
    const bombed = await client.diagnosticsOf(bombUri, 1);
    console.log(`      alias bomb published in ${Date.now() - started} ms`);
    assert.deepEqual(
      bombed.diagnostics.map((d) => d.code),
      ['yaml-alias-limit'],
    );

    // An edit to the bomb (nothing cached may hide it) and a normal document still get their answers.
    await client.change(bombUri, 2, [{ text: `${bomb}${HEAD}      X: *l9\n      Y: *l8\n` }]);
    assert.deepEqual(
      (await client.diagnosticsOf(bombUri, 2)).diagnostics.map((d) => d.code),
      ['yaml-alias-limit'],
    );
    const normal = fileUri(path.join(dir, 'normal.yaml'));
    await client.open(normal, `${HEAD}      DelaySeconds: 901\n`);
    assert.equal((await client.diagnosticsOf(normal, 1)).diagnostics.length, 0);
    assert.equal(client.child.exitCode, null, client.stderr);
    assert.doesNotMatch(client.stderr, /RangeError|Maximum call stack/);
  });
});
