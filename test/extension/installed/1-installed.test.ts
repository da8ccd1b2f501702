// The extension as a user gets it: the VSIX `npm run package` makes for this platform, installed
// with code-server's `--install-extension` into a fresh extensions directory (runInstalled.mjs), on
// examples/sam-app. Nothing here loads from the repository: the test driver is a separate empty
// extension, and the extension under test must come from the installed copy.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import { ancestry, DapRecorder, topFrame } from '../suite/dapRecorder';
import { activateExtension, EXTENSION_ID, eventually, fixtureEngine, outputText, responseOf, run, sleep, treeLabel } from '../suite/helpers';

describe('the installed VSIX on examples/sam-app', function () {
  this.timeout(120_000);

  it('is the installed copy: from the extensions directory, without source maps, with LevelDB for this platform', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const installedIn = process.env.EXT_TEST_INSTALLED_DIR;
    assert.ok(installedIn, 'runInstalled.mjs names the extensions directory');
    assert.ok(extension.extensionPath.startsWith(installedIn + path.sep), `${extension.extensionPath} is under ${installedIn}`);
    const dist = fs.readdirSync(path.join(extension.extensionPath, 'dist'));
    assert.deepStrictEqual(
      dist.filter((f) => f.endsWith('.map')),
      [],
      'no source maps shipped',
    );
    for (const bundle of ['extension.js', 'core.js', 'cli.js', 'debugAdapter.js', 'languageServer.js']) assert.ok(dist.includes(bundle), `dist/${bundle}`);
    const prebuilds = fs.readdirSync(path.join(extension.extensionPath, 'node_modules', 'classic-level', 'prebuilds'));
    assert.deepStrictEqual(prebuilds, [`${process.platform}-${process.arch}`], "only this platform's binding");
  });

  it('populates the Functions view from the template', async () => {
    const { views } = await activateExtension();
    const labels = await eventually('the functions in the view', async () => {
      const roots = await views.functions.getChildren();
      return roots.length > 0 && roots.map(treeLabel);
    });
    for (const fn of ['HelloCjs', 'GreetEsm', 'OrderWorker']) assert.ok(labels.includes(fn), `${fn} in ${labels.join(', ')}`);
  });

  it('invokes a function (the layer, the runtime bootstrap)', async () => {
    const result = await run<InvocationResult>('lambdaWorkbench.invoke', 'HelloCjs', { name: 'VSIX' });
    const response = responseOf(result);
    assert.match(String(response.message), /Hello, VSIX!/);
    assert.strictEqual(response.stage, 'dev');
  });

  it("runs a function built the SAM way (BuildMethod esbuild): the VSIX's esbuild and its platform binary load", async () => {
    const order = {
      orderId: 'o-42',
      lines: [
        { sku: 'tea', quantity: 2, unitPrice: 3.5 },
        { sku: 'cup', quantity: 1, unitPrice: 9 },
      ],
    };
    const response = responseOf(await run<InvocationResult>('lambdaWorkbench.invoke', 'OrdersTs', order));
    assert.deepStrictEqual(response, { orderId: 'o-42', total: 16, table: 'orders-dev-us-east-1', function: 'dev-orders' });
    await eventually('the build, in the Lambda output channel', async () => /^BUILD dev-orders: built in \d+ ms$/m.test(await outputText()));
  });

  it("runs a Ruby function with the VSIX's Ruby runtime (a class-level handler, its framed Logger lines)", async function () {
    // scripts/test.sh installs Debian's ruby; elsewhere the test needs a ruby on PATH.
    if (!['/usr/bin/ruby', '/usr/local/bin/ruby'].some((f) => fs.existsSync(f))) this.skip();
    const invoice = { invoiceId: 'inv-vsix', lines: [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }] };
    const response = responseOf(await run<InvocationResult>('lambdaWorkbench.invoke', 'RbInvoices', invoice));
    assert.strictEqual(response.invoiceId, 'inv-vsix');
    assert.strictEqual(response.total, '8.40');
    await eventually('the Logger line, in the Lambda output channel', async () => /invoice inv-vsix: 1 lines, total 8\.40/.test(await outputText()));
  });

  it("runs a Java function with the VSIX's runtime.jar (built by its Makefile, records bound and written)", async function () {
    // scripts/test.sh installs Debian's JDK; elsewhere the test needs javac and java on PATH.
    if (!fs.existsSync('/usr/bin/javac')) this.skip();
    const order = { orderId: 'o-vsix', lines: [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }] };
    const response = responseOf(await run<InvocationResult>('lambdaWorkbench.invoke', 'JavaQuotes', order));
    assert.deepStrictEqual([response.orderId, response.currency, response.total], ['o-vsix', 'GBP', 8.4]);
    await eventually('the handler line, in the Lambda output channel', async () => /quote o-vsix: 1 lines, total 8\.40 GBP/.test(await outputText()));
  });

  it('replays an event asynchronously: queued in LevelDB (classic-level loads) and run', async () => {
    const { engine } = await fixtureEngine();
    const savedFile = path.join(path.dirname(engine.templateFile), 'events', 'hello.json');
    const queued = await run<{ requestId: string }>('lambdaWorkbench.replayEventAsync', { savedFile }, { functionName: 'HelloCjs' });
    assert.ok(queued?.requestId, 'replayEventAsync returned the request id');
    await eventually(
      `END of ${queued.requestId} in the output channel`,
      async () => (await outputText()).includes(`END RequestId: ${queued.requestId}`),
      30_000,
      250,
    );
    assert.ok(fs.existsSync(path.join(path.dirname(engine.templateFile), '.lambda-workbench', 'store', 'CURRENT')), 'the LevelDB store exists');
  });

  it('sends a message to the embedded queue; the mapping delivers it to OrderWorker', async () => {
    const sent = await run<{ messageId: string }>('lambdaWorkbench.sendMessage', { queue: 'OrdersQueue' }, '{"orderId":"vsix-1","lines":[{"sku":"a"}]}');
    assert.ok(sent?.messageId, 'sendMessage returned the message id');
    await eventually(
      "OrderWorker's log line",
      async () => /\[OrderWorker [^\]]+\] .*\tINFO\tprocessed order vsix-1 \(1 lines\)/.test(await outputText()),
      30_000,
      250,
    );
  });

  it('debugs a function: the breakpoint in the handler is hit through the installed debug adapter and js-debug', async function () {
    this.timeout(180_000);
    const { engine } = await fixtureEngine();
    const { debug } = await activateExtension();
    // The invocation results above are untitled JSON editors; VS Code saves the active one before a
    // debug session starts (debug.saveBeforeStart), which asks for a file name. Close them first.
    await run('workbench.action.closeAllEditors');
    const recorder = new DapRecorder();
    const file = path.join(path.dirname(engine.templateFile), 'hello-cjs', 'index.js');
    const line = 8; // invocations += 1;
    const bp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(file), new vscode.Position(line - 1, 0)));
    vscode.debug.addBreakpoints([bp]);
    try {
      const from = recorder.mark();
      const name = 'Debug HelloCjs (installed)';
      const started = vscode.debug.startDebugging(engine.folder, {
        type: 'lambda',
        request: 'launch',
        name,
        function: 'HelloCjs',
        event: { name: 'debugger' },
      });
      const lambda = await eventually('the lambda session', () => debug.sessions.sessions().find((s) => s.name === name), 30_000);
      assert.ok((await Promise.race([started, sleep(30_000).then(() => 'startDebugging did not answer in 30 s')])) === true, 'startDebugging');
      const stop = await recorder.next(
        'a stop under the lambda session',
        from,
        (r) => r.message.type === 'event' && (r.message as DebugProtocol.Event).event === 'stopped' && ancestry(r.session).includes(lambda),
        60_000,
      );
      const frame = await topFrame(stop);
      assert.deepStrictEqual({ path: frame.path, line: frame.line }, { path: file, line });
      await stop.session.customRequest('continue', { threadId: frame.threadId });
      await eventually('the response in the debug output', () => /HelloCjs \S+ response: .*debugger/.test(recorder.outputOf(lambda, from)), 60_000);
      await vscode.debug.stopDebugging(lambda);
      await eventually('the lambda session ended', () => debug.sessions.sessions().length === 0, 30_000);
    } catch (error) {
      console.log(`--- what the debug adapters said ---\n${recorder.describe()}`);
      throw error;
    } finally {
      vscode.debug.removeBreakpoints([bp]);
      recorder.dispose();
    }
  });
});
