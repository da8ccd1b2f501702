import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { loadTemplateText } from '../../../src/core/config';
import { buildIfStale } from '../helpers/build';
import { brief, rangeAfter, rangeOf, TEMPLATE, writeFixture } from './fixture';
import { fileUri, LspClient, positionOf, SERVER } from './lspClient';

// The language server over stdio, as an editor drives it: diagnostics of the engine's reader and
// of the handler checks, with exact ranges, re-analysis on change, and nothing for other files.

describe('language server: diagnostics', function () {
  this.timeout(60_000);
  let client: LspClient;
  let dir: string;
  let uri: string;

  before(async () => {
    buildIfStale(SERVER);
    ({ dir } = writeFixture());
    uri = fileUri(path.join(dir, 'template.yaml'));
    client = await LspClient.start();
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("publishes the engine's diagnostics and the handler checks with exact ranges", async () => {
    await client.open(uri, TEMPLATE);
    const published = await client.diagnosticsOf(uri, 1);
    for (const d of published.diagnostics) assert.equal(d.source, 'lambda-workbench');
    const byCode = (code: string) => published.diagnostics.filter((d) => d.code === code).map(brief);
    const { Error, Warning } = DiagnosticSeverity;
    assert.deepEqual(byCode('invalid-value'), [
      { code: 'invalid-value', severity: Error, range: rangeOf(TEMPLATE, '20000') },
      { code: 'invalid-value', severity: Error, range: rangeAfter(TEMPLATE, 'Timeout: ', '0') },
      { code: 'invalid-value', severity: Error, range: rangeOf(TEMPLATE, 'nodejs99.x') },
    ]);
    assert.deepEqual(byCode('unresolved-ref'), [{ code: 'unresolved-ref', severity: Error, range: rangeOf(TEMPLATE, '!Ref MissingQueue') }]);
    assert.deepEqual(byCode('handler-not-found'), [{ code: 'handler-not-found', severity: Error, range: rangeOf(TEMPLATE, 'nothere.handler') }]);
    assert.deepEqual(byCode('handler-export-not-found'), [
      { code: 'handler-export-not-found', severity: Warning, range: rangeOf(TEMPLATE, 'app.other') },
      { code: 'handler-export-not-found', severity: Warning, range: rangeOf(TEMPLATE, 'main.nope') },
    ]);
    const messages = published.diagnostics.map((d) => (typeof d.message === 'string' ? d.message : d.message.value));
    assert.ok(messages.includes('Handler nothere.handler: no nothere.js/.mjs/.cjs in src'), messages.join('\n'));
    assert.ok(messages.includes("Handler app.other: no export 'other' found in app.js"), messages.join('\n'));
    assert.ok(messages.includes("Handler main.nope: no function 'nope' found in main.py"), messages.join('\n'));
    assert.match(
      messages.find((m) => m.startsWith('MemorySize'))!,
      /between 128 and 10240/,
    );
    // The good handlers (Node.js, Python, TypeScript behind a source map) say nothing.
    const lines = published.diagnostics.map((d) => d.range.start.line);
    for (const good of ['main.lambda_handler', 'CodeUri: ts/dist']) assert.ok(!lines.includes(positionOf(TEMPLATE, good).line), good);
    // In document order, as editors list them.
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
  });

  it('re-analyses on didChange (incremental edits) and follows the code directory', async () => {
    // MemorySize 20000 → 2048: that error goes; a second edit breaks the runtime.
    await client.change(uri, 2, [{ range: rangeOf(TEMPLATE, '20000'), text: '2048' }]);
    const fixed = await client.diagnosticsOf(uri, 2);
    assert.equal(fixed.diagnostics.filter((d) => d.code === 'invalid-value').length, 2);
    const text = TEMPLATE.replace('20000', '2048');
    await client.change(uri, 3, [{ range: rangeOf(text, 'nodejs20.x'), text: 'nodejs5.x' }]);
    const broken = await client.diagnosticsOf(uri, 3);
    const runtime = broken.diagnostics.find((d) => String(d.message).startsWith("Unknown runtime 'nodejs5.x'"));
    assert.deepEqual(runtime?.range, rangeAfter(text, 'Runtime: ', 'nodejs5.x'));
    // The missing module appears on disk: the next analysis no longer reports it.
    fs.writeFileSync(path.join(dir, 'src', 'nothere.js'), 'exports.handler = async () => 1;\n');
    await client.change(uri, 4, [{ range: rangeOf(text, 'nodejs20.x'), text: 'nodejs20.x' }]);
    const found = await client.diagnosticsOf(uri, 4);
    assert.equal(found.diagnostics.filter((d) => d.code === 'handler-not-found').length, 0);
  });

  it('checks the handlers again when the client reports changed files', async () => {
    const before = client.published.length;
    fs.rmSync(path.join(dir, 'src', 'nothere.js'));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: fileUri(path.join(dir, 'src', 'nothere.js')), type: FileChangeType.Deleted }],
    });
    const again = await client.diagnostics(uri, (p) => client.published.indexOf(p) >= before);
    assert.equal(again.version, 4);
    assert.deepEqual(
      again.diagnostics.filter((d) => d.code === 'handler-not-found').map((d) => d.range),
      [rangeOf(TEMPLATE, 'nothere.handler')],
    );
  });

  it('coalesces a burst of changes into one analysis of the last version', async () => {
    const before = client.published.length;
    for (let v = 5; v <= 9; v++) await client.change(uri, v, [{ text: TEMPLATE.replace('Timeout: 0', `Timeout: ${v}`) }]);
    const last = await client.diagnosticsOf(uri, 9);
    assert.equal(last.diagnostics.filter((d) => d.code === 'invalid-value').length, 2);
    const versions = client.published
      .slice(before)
      .filter((p) => p.uri === uri)
      .map((p) => p.version);
    assert.deepEqual(versions, [9]);
  });

  it('gives other YAML files nothing, and clears a document that stops being a template', async () => {
    const notes = fileUri(path.join(dir, 'notes.yaml'));
    await client.open(notes, fs.readFileSync(path.join(dir, 'notes.yaml'), 'utf8'));
    assert.deepEqual(await client.codeLens(notes), []);
    assert.deepEqual(await client.completion(notes, { line: 2, character: 2 }), []);
    assert.equal(await client.hover(notes, { line: 1, character: 2 }), null);
    // Opened after it, a template's diagnostics arrive; none ever came for the notes.
    const other = fileUri(path.join(dir, 'other.yaml'));
    await client.open(
      other,
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src\n      Handler: app.handler\n      Timeout: 901\n',
    );
    const otherDiagnostics = await client.diagnosticsOf(other, 1);
    assert.deepEqual(
      otherDiagnostics.diagnostics.map((d) => d.code),
      ['invalid-value'],
    );
    assert.equal(client.published.filter((p) => p.uri === notes).length, 0);
    await client.change(other, 2, [{ text: 'title: no longer a template\n' }]);
    assert.deepEqual((await client.diagnosticsOf(other, 2)).diagnostics, []);
  });

  it('points at Globals.Function.Handler when the functions inherit it', async () => {
    const text =
      'Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs20.x\n    CodeUri: src\n    Handler: gone.handler\nResources:\n  A:\n    Type: AWS::Serverless::Function\n  B:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n';
    const globalsUri = fileUri(path.join(dir, 'globals.yaml'));
    await client.open(globalsUri, text);
    const published = await client.diagnosticsOf(globalsUri, 1);
    assert.deepEqual(published.diagnostics.map(brief), [
      { code: 'handler-not-found', severity: DiagnosticSeverity.Error, range: rangeOf(text, 'gone.handler') },
    ]);
  });

  it('reads JSON templates, with the same ranges as the engine', async () => {
    const json = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { Runtime: 'python3.12', Code: 'py', Handler: 'main.missing', Timeout: 1000, Role: { Ref: 'NoRole' } },
          },
        },
      },
      null,
      2,
    );
    const jsonUri = fileUri(path.join(dir, 'template.json'));
    await client.open(jsonUri, json, 'json');
    const published = await client.diagnosticsOf(jsonUri, 1);
    // Where the engine points for the Ref (the value or the whole `{ "Ref": … }`) is the engine's call: as it says, converted.
    const engine = loadTemplateText(path.join(dir, 'template.json'), json).diagnostics.find((d) => d.code === 'unresolved-ref')!;
    const refRange = {
      start: { line: engine.range.line - 1, character: engine.range.column - 1 },
      end: { line: engine.range.endLine - 1, character: engine.range.endColumn - 1 },
    };
    assert.ok([rangeOf(json, '"NoRole"').start.line, positionOf(json, '"Role": ').line].includes(refRange.start.line));
    assert.deepEqual(published.diagnostics.map(brief), [
      { code: 'handler-export-not-found', severity: DiagnosticSeverity.Warning, range: rangeOf(json, '"main.missing"') },
      { code: 'invalid-value', severity: DiagnosticSeverity.Error, range: rangeOf(json, '1000') },
      { code: 'unresolved-ref', severity: DiagnosticSeverity.Error, range: refRange },
    ]);
  });
});
