import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CompletionItemTag,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { buildIfStale } from '../helpers/build';
import { APP_JS, APP_TS, MAIN_PY, rangeOf, TEMPLATE, writeFixture } from './fixture';
import { fileUri, LspClient, positionOf, SERVER } from './lspClient';

// CodeLens, completion, hover and go to definition of the built server, over stdio.

describe('language server: CodeLens, completion, hover, definition', function () {
  this.timeout(60_000);
  let client: LspClient;
  let dir: string;
  let template: string;
  let uri: string;

  before(async () => {
    buildIfStale(SERVER);
    ({ dir, template } = writeFixture());
    uri = fileUri(template);
    client = await LspClient.start();
    await client.open(uri, TEMPLATE);
    await client.diagnosticsOf(uri, 1);
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts ▶ Invoke, Debug and Replay event… on the logical id of every function', async () => {
    const lenses = await client.codeLens(uri);
    const functions = ['Hello', 'Missing', 'NoExport', 'Unknown', 'Py', 'PyNoFunction', 'Typed'];
    assert.equal(lenses.length, functions.length * 3);
    assert.deepEqual(lenses.slice(0, 3), [
      {
        range: rangeOf(TEMPLATE, 'Hello'),
        command: { title: '▶ Invoke', command: 'lambdaWorkbench.templateInvoke', arguments: [{ template, function: 'Hello' }] },
      },
      {
        range: rangeOf(TEMPLATE, 'Hello'),
        command: { title: 'Debug', command: 'lambdaWorkbench.templateDebug', arguments: [{ template, function: 'Hello' }] },
      },
      {
        range: rangeOf(TEMPLATE, 'Hello'),
        command: { title: 'Replay event…', command: 'lambdaWorkbench.templateReplay', arguments: [{ template, function: 'Hello' }] },
      },
    ]);
    assert.deepEqual([...new Set(lenses.map((l) => (l.command!.arguments![0] as { function: string }).function))], functions);
    for (const l of lenses) assert.equal(l.range.start.line, positionOf(TEMPLATE, `  ${l.command!.arguments![0].function}:\n`).line);
    // The client registers these commands: the server does not claim them.
    assert.equal(client.capabilities.executeCommandProvider, undefined);
  });

  it('completes Runtime values, deprecated ones marked', async () => {
    const items = await client.completion(uri, positionOf(TEMPLATE, 'Runtime: nodejs20.x', 'Runtime: '.length));
    const labels = items.map((i) => i.label);
    for (const r of ['nodejs20.x', 'nodejs22.x', 'python3.12', 'provided.al2023']) assert.ok(labels.includes(r), r);
    const node16 = items.find((i) => i.label === 'nodejs16.x')!;
    assert.deepEqual(node16.tags, [CompletionItemTag.Deprecated]);
    assert.equal(items.find((i) => i.label === 'nodejs20.x')!.tags, undefined);
    // The edit replaces the value written.
    assert.deepEqual((items[0]!.textEdit as { range: unknown }).range, rangeOf(TEMPLATE, 'nodejs20.x'));
  });

  it('completes event Types and resource Types', async () => {
    const events = (await client.completion(uri, positionOf(TEMPLATE, 'Type: SQS', 'Type: '.length))).map((i) => i.label);
    for (const t of ['SQS', 'Kinesis', 'DynamoDB', 'S3', 'SNS', 'Api', 'HttpApi', 'Schedule', 'ScheduleV2', 'EventBridgeRule', 'CloudWatchLogs']) {
      assert.ok(events.includes(t), t);
    }
    const resources = (await client.completion(uri, positionOf(TEMPLATE, 'Type: AWS::SQS::Queue', 'Type: '.length))).map((i) => i.label);
    for (const t of ['AWS::Serverless::Function', 'AWS::Lambda::Function', 'AWS::Lambda::EventSourceMapping', 'AWS::Serverless::LayerVersion']) {
      assert.ok(resources.includes(t), t);
    }
  });

  it('completes the property names of a function and of an event that are not written yet', async () => {
    // A new line in Hello's Properties and a half-typed key in the SQS event's Properties.
    const text = TEMPLATE.replace('      Timeout: 0\n', '      Timeout: 0\n      \n').replace(
      '            BatchSize: 10\n',
      '            BatchSize: 10\n            Max\n',
    );
    await client.change(uri, 2, [{ text }]);
    const blank = positionOf(text, '      Timeout: 0\n      \n', '      Timeout: 0\n      '.length);
    const fnItems = await client.completion(uri, blank);
    const fnLabels = fnItems.map((i) => i.label);
    for (const p of ['Layers', 'AutoPublishAlias', 'ReservedConcurrentExecutions', 'Architectures', 'EventInvokeConfig']) assert.ok(fnLabels.includes(p), p);
    for (const p of ['Runtime', 'Handler', 'MemorySize', 'Timeout', 'Events', 'Code']) assert.ok(!fnLabels.includes(p), p);
    const layers = fnItems.find((i) => i.label === 'Layers')!;
    assert.equal((layers.textEdit as { newText: string }).newText, 'Layers:\n  - ');

    const typed = positionOf(text, '            Max\n', '            Max'.length);
    const eventItems = await client.completion(uri, typed);
    const eventLabels = eventItems.map((i) => i.label);
    for (const p of ['MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'ScalingConfig', 'FilterCriteria']) assert.ok(eventLabels.includes(p), p);
    for (const p of ['Queue', 'BatchSize', 'Stream', 'StartingPosition']) assert.ok(!eventLabels.includes(p), p);
    assert.deepEqual((eventItems[0]!.textEdit as { range: unknown }).range, rangeOf(text, 'Max', 0));
    await client.change(uri, 3, [{ text: TEMPLATE }]);
  });

  it('documents Lambda properties on hover, with their limits', async () => {
    const hover = async (needle: string, delta = 1) => {
      const h = await client.hover(uri, positionOf(TEMPLATE, needle, delta));
      return h && (h.contents as MarkupContent).value;
    };
    assert.match((await hover('MemorySize'))!, /128–10,240 MB/);
    assert.match((await hover('Timeout'))!, /1–900 s/);
    assert.match((await hover('BatchSize'))!, /1–10,000/);
    assert.match((await hover('Runtime: nodejs20.x', 'Runtime: '.length + 2))!, /nodejs20\.x.*Node\.js; runs locally/);
    assert.match((await hover('Type: SQS', 'Type: '.length))!, /SQS.*polls/s);
    const range = (await client.hover(uri, positionOf(TEMPLATE, 'MemorySize', 3)))!.range;
    assert.deepEqual(range, rangeOf(TEMPLATE, 'MemorySize'));
    assert.equal(await hover('QUEUE_URL'), null);
  });

  it('goes from a Handler to its function: JavaScript, Python, and TypeScript behind a source map', async () => {
    const at = (needle: string) => client.definition(uri, positionOf(TEMPLATE, needle, 2));
    const js = await at('app.handler');
    const exportLine = APP_JS.split('\n').findIndex((l) => l.startsWith('exports.handler'));
    assert.deepEqual(js, [
      { uri: fileUri(path.join(dir, 'src', 'app.js')), range: { start: { line: exportLine, character: 8 }, end: { line: exportLine, character: 15 } } },
    ]);
    const py = await at('main.lambda_handler');
    const defLine = MAIN_PY.split('\n').findIndex((l) => l.startsWith('def lambda_handler'));
    assert.deepEqual(py, [
      { uri: fileUri(path.join(dir, 'py', 'main.py')), range: { start: { line: defLine, character: 4 }, end: { line: defLine, character: 18 } } },
    ]);
    const ts = await client.definition(uri, positionOf(TEMPLATE, 'Handler: app.handler', 'Handler: '.length + 1, 2));
    const tsLine = APP_TS.split('\n').findIndex((l) => l.startsWith('export const handler'));
    assert.deepEqual(ts, [
      { uri: fileUri(path.join(dir, 'ts', 'src', 'app.ts')), range: { start: { line: tsLine, character: 13 }, end: { line: tsLine, character: 20 } } },
    ]);
    // The Handler key works too; other keys go nowhere.
    assert.equal((await client.definition(uri, positionOf(TEMPLATE, 'Handler: main.lambda_handler', 2))).length, 1);
    assert.deepEqual(await client.definition(uri, positionOf(TEMPLATE, 'CodeUri: src', 2)), []);
  });

  it('serves a JSON template the same way', async () => {
    const json = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Api: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs20.x', CodeUri: 'src', Handler: 'app.handler', MemorySize: 256 } },
        },
      },
      null,
      2,
    );
    const jsonUri = fileUri(path.join(dir, 'api.json'));
    await client.open(jsonUri, json, 'json');
    assert.deepEqual((await client.diagnosticsOf(jsonUri, 1)).diagnostics, []);
    const lenses = await client.codeLens(jsonUri);
    assert.deepEqual(
      lenses.map((l) => [l.command!.title, l.range]),
      ['▶ Invoke', 'Debug', 'Replay event…'].map((t) => [t, rangeOf(json, '"Api"')]),
    );
    const runtimes = await client.completion(jsonUri, positionOf(json, '"nodejs20.x"', 3));
    assert.ok(runtimes.some((i) => i.label === 'python3.12'));
    assert.deepEqual((runtimes[0]!.textEdit as { range: unknown }).range, rangeOf(json, 'nodejs20.x'));
    assert.match(((await client.hover(jsonUri, positionOf(json, '"MemorySize"', 2)))!.contents as MarkupContent).value, /10,240/);
    const definition = await client.definition(jsonUri, positionOf(json, '"app.handler"', 3));
    assert.equal(definition[0]?.uri, fileUri(path.join(dir, 'src', 'app.js')));
  });

  it("speaks LSP over --node-ipc too (vscode-languageclient's default for a Node module)", async () => {
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
      assert.deepEqual(
        [result.capabilities.hoverProvider, result.capabilities.definitionProvider, result.capabilities.codeLensProvider],
        [true, true, { resolveProvider: false }],
      );
      await connection.sendNotification(InitializedNotification.type, {});
      const published = new Promise<number>((resolve) => connection.onNotification(PublishDiagnosticsNotification.type, (p) => resolve(p.diagnostics.length)));
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: TEMPLATE } });
      assert.ok((await published) > 0);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
