// The template language server (src/language/server) as VS Code runs it: started by the extension
// with vscode-languageclient in a process of its own; its diagnostics on a broken template and its
// CodeLens, whose ▶ Invoke runs the function on the workspace's engine.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import { activateExtension, eventually, fixtureEngine, responseOf } from './helpers';

const BROKEN = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Transform: AWS::Serverless-2016-10-31',
  'Resources:',
  '  Broken:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      CodeUri: ../hello/',
  '      Handler: missing.handler',
  '      Runtime: nodejs99.x',
  '      MemorySize: 99999',
  '',
].join('\n');

/** The zero-based range of the first `value` on the line that starts with `prefix`. */
function rangeOf(text: string, prefix: string, value: string): vscode.Range {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.trimStart().startsWith(prefix));
  assert.ok(line >= 0, `a line starting with ${prefix}`);
  const column = lines[line].indexOf(value, lines[line].indexOf(prefix) + prefix.length);
  return new vscode.Range(line, column, line, column + value.length);
}

/** The zero-based line of the key `name:` (a resource's logical id). */
function keyLine(text: string, name: string): number {
  const line = text.split('\n').findIndex((l) => l.trim() === `${name}:`);
  assert.ok(line >= 0, `a line with ${name}:`);
  return line;
}

/** Pids of running language servers of this extension (found in /proc: the client keeps its process private). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path.join('dist', 'languageServer.js'))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

describe('template language server', function () {
  this.timeout(60_000);

  it('starts with the extension (vscode-languageclient, its own process)', async () => {
    const { language } = await activateExtension();
    await language.ready;
    assert.ok(language.client.isRunning(), 'the client is running');
  });

  it('shows ▶ Invoke, Debug and Replay event… above each function of the template', async () => {
    const { engine } = await fixtureEngine();
    const uri = vscode.Uri.file(engine.templateFile);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const lenses = await eventually(
      "the server's CodeLens",
      async () => {
        const found = (await lensesOf(uri)).filter((l) => l.command?.command.startsWith('lambdaWorkbench.template'));
        return found.length === 4 * 3 && found;
      },
      30_000,
    );
    const text = document.getText();
    const helloLine = keyLine(text, 'Hello');
    const hello = lenses.filter((l) => l.range.start.line === helloLine);
    assert.deepStrictEqual(hello.map((l) => l.command!.title).sort(), ['Debug', 'Replay event…', '▶ Invoke'].sort());
    for (const lens of hello) assert.deepStrictEqual(lens.command!.arguments, [{ template: engine.templateFile, function: 'Hello' }]);
    assert.deepStrictEqual(hello.map((l) => l.command!.command).sort(), [
      'lambdaWorkbench.templateDebug',
      'lambdaWorkbench.templateInvoke',
      'lambdaWorkbench.templateReplay',
    ]);
  });

  it("runs ▶ Invoke from a CodeLens: the function runs on the workspace's engine", async () => {
    const { engine } = await fixtureEngine();
    const uri = vscode.Uri.file(engine.templateFile);
    const greetLine = keyLine((await vscode.workspace.openTextDocument(uri)).getText(), 'Greet');
    const invoke = (await lensesOf(uri)).find((l) => l.range.start.line === greetLine && l.command?.command === 'lambdaWorkbench.templateInvoke');
    assert.ok(invoke?.command, 'a ▶ Invoke lens on Greet');
    const result = await vscode.commands.executeCommand<InvocationResult>(invoke.command.command, ...(invoke.command.arguments ?? []));
    const response = responseOf(result);
    assert.strictEqual(result.functionName, engine.workbench.getFunction('Greet')!.functionName);
    assert.ok(response, 'a response');
  });

  it('reports the problems of a broken template at their exact ranges', async () => {
    const { engine } = await fixtureEngine();
    const file = path.join(path.dirname(engine.templateFile), 'broken', 'template.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, BROKEN);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await eventually(
      'three diagnostics from the server',
      () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'lambda-workbench');
        return found.length >= 3 && found;
      },
      30_000,
    );
    const at = (range: vscode.Range) => diagnostics.find((d) => d.range.isEqual(range));
    const runtime = at(rangeOf(BROKEN, 'Runtime:', 'nodejs99.x'));
    assert.ok(
      runtime,
      `a diagnostic on nodejs99.x; got ${diagnostics.map((d) => `${d.message} @${d.range.start.line}:${d.range.start.character}`).join('; ')}`,
    );
    assert.strictEqual(runtime.severity, vscode.DiagnosticSeverity.Error);
    assert.match(runtime.message, /nodejs99\.x/);
    const memory = at(rangeOf(BROKEN, 'MemorySize:', '99999'));
    assert.ok(memory, 'a diagnostic on 99999');
    assert.match(memory.message, /10,?240/);
    const handler = at(rangeOf(BROKEN, 'Handler:', 'missing.handler'));
    assert.ok(handler, 'a diagnostic on missing.handler');
    assert.match(handler.message, /missing/);
    // Fixing the file clears them.
    fs.writeFileSync(file, BROKEN.replace('nodejs99.x', 'nodejs20.x').replace('99999', '256').replace('missing.handler', 'index.handler'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await eventually(
      'the diagnostics cleared',
      () =>
        editor.document.getText().includes('index.handler') &&
        vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'lambda-workbench' && d.severity === vscode.DiagnosticSeverity.Error).length === 0,
      30_000,
    );
  });

  it('restarts the server when it crashes, and its features come back', async () => {
    const { engine } = await fixtureEngine();
    const [pid] = serverPids();
    assert.ok(pid, 'the server process runs');
    process.kill(pid, 'SIGKILL');
    const restarted = await eventually('a new server process', () => serverPids().find((p) => p !== pid), 30_000);
    assert.notStrictEqual(restarted, pid);
    const uri = vscode.Uri.file(engine.templateFile);
    await eventually(
      'CodeLens from the restarted server',
      async () => (await lensesOf(uri)).some((l) => l.command?.command === 'lambdaWorkbench.templateInvoke'),
      30_000,
    );
  });
});
