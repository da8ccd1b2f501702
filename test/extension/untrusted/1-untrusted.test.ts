// The installed extension on examples/sam-app in Restricted Mode (workspace trust on, the folder not
// trusted: runInstalled.mjs). Running a handler executes the workspace's code, so nothing may start:
// no engine, no runtime process, no debug session; the commands say why. Template diagnostics,
// which only read files, stay on.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, eventually, run, sleep } from '../suite/helpers';

/** Processes whose command line runs one of the extension's runtime bootstraps (or the CLI). */
function runtimeProcesses(extensionPath: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(path.join(extensionPath, 'dist', 'runtimes')) || cmdline.includes(path.join(extensionPath, 'dist', 'cli.js'))) {
        found.push(`${pid}: ${cmdline}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('the installed extension in an untrusted workspace', function () {
  this.timeout(60_000);

  it('runs in Restricted Mode', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the workspace is not trusted');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.extensionPath.startsWith(`${process.env.EXT_TEST_INSTALLED_DIR}${path.sep}`), 'the installed copy');
  });

  it('activates but opens no engine, and its views show nothing to run', async () => {
    const { host, views } = await activateExtension();
    assert.deepStrictEqual(host.engines(), []);
    assert.deepStrictEqual(await views.functions.getChildren(), [], 'the welcome text (Restricted Mode) shows instead');
  });

  it('invoking, replaying, sending to a queue and debugging start nothing', async () => {
    const invoked = await run<unknown>('lambdaWorkbench.invoke', 'HelloCjs', { name: 'untrusted' });
    assert.strictEqual(invoked, undefined);
    const replayed = await run<unknown>(
      'lambdaWorkbench.replayEventAsync',
      { sample: { service: 'sqs', type: 'receive-message' } },
      { functionName: 'HelloCjs' },
    );
    assert.strictEqual(replayed, undefined);
    const sent = await run<unknown>('lambdaWorkbench.sendMessage', { queue: 'OrdersQueue' }, 'x');
    assert.strictEqual(sent, undefined);
    // VS Code itself asks for trust before any debug session (a dialog a test cannot answer); the
    // extension's own resolution refuses too, whatever starts it.
    const folder = vscode.workspace.workspaceFolders![0];
    const { debug } = await activateExtension();
    const resolved = await debug.configurations.resolveDebugConfiguration!(folder, {
      type: 'lambda',
      request: 'launch',
      name: 'untrusted',
      function: 'HelloCjs',
      event: {},
    });
    assert.strictEqual(resolved, undefined, 'no debug configuration in Restricted Mode');
    assert.deepStrictEqual(debug.sessions.sessions(), []);
  });

  it('no runtime process was started', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await sleep(1000); // anything started by the commands above would be running by now
    assert.deepStrictEqual(runtimeProcesses(extension.extensionPath), []);
    const { host } = await activateExtension();
    assert.deepStrictEqual(host.engines(), []);
  });

  it('still checks the template: diagnostics of a broken copy appear', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const broken = path.join(folder, 'broken', 'template.yaml');
    fs.mkdirSync(path.dirname(broken), { recursive: true });
    fs.writeFileSync(
      broken,
      "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: .\n      Handler: app.handler\n      Runtime: nodejs4.3\n",
    );
    const document = await vscode.workspace.openTextDocument(broken);
    await vscode.window.showTextDocument(document);
    const diagnostics = await eventually(
      'diagnostics of the broken template',
      () => {
        const found = vscode.languages.getDiagnostics(document.uri);
        return found.length > 0 && found;
      },
      30_000,
    );
    assert.ok(
      diagnostics.some((d) => /nodejs4\.3/.test(d.message)),
      diagnostics.map((d) => d.message).join('\n'),
    );
  });
});
