// Invoking through the real commands, as the palette and the Functions view's context menu do
// (programmatic arguments instead of quick picks, which a test cannot answer).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import { activateExtension, eventually, functionsNode, responseOf, run } from './helpers';

describe('invoking', () => {
  let first: InvocationResult | undefined;

  it('invokes a function from the palette command with a sample event (s3/put): a cold start', async () => {
    first = await run<InvocationResult>('lambdaWorkbench.invokeWithSample', { functionName: 'Hello' }, 's3/put');
    const response = responseOf(first);
    assert.strictEqual(response.eventSource, 'aws:s3');
    assert.strictEqual(response.records, 1);
    assert.strictEqual(response.version, '$LATEST');
    assert.strictEqual(response.message, 'Hello world');
    assert.strictEqual(first!.executedVersion, '$LATEST');
    assert.strictEqual(first!.coldStart, true);
    assert.ok(first!.initDurationMs !== undefined && first!.initDurationMs > 0, 'INIT was measured');
  });

  it('opens the response in an editor', async () => {
    const editor = await eventually('an editor with the response', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.isUntitled && e.document.getText().includes('"eventSource": "aws:s3"')),
    );
    assert.strictEqual(editor.document.languageId, 'json');
  });

  it('invokes from a Functions view node with a JSON payload: a warm start in the same environment', async () => {
    const hello = await functionsNode('Hello');
    const result = await run<InvocationResult>('lambdaWorkbench.invoke', hello, { name: 'tree' });
    const response = responseOf(result);
    assert.strictEqual(response.message, 'Hello tree');
    assert.strictEqual(result!.coldStart, false);
    assert.strictEqual(result!.environmentId, first?.environmentId);
    assert.strictEqual(response.invocations, 2);
  });

  it('invokes an ES module function by name with a string payload', async () => {
    const result = await run<InvocationResult>('lambdaWorkbench.invoke', 'Greet', '{"name":"ESM"}');
    const response = responseOf(result);
    assert.strictEqual(response.greeting, 'Hi ESM');
    assert.strictEqual(response.runtime, process.version);
  });

  it('shows an unknown function as an error notification and returns undefined', async () => {
    const result = await run<InvocationResult | undefined>('lambdaWorkbench.invoke', { functionName: 'Nope' }, {});
    assert.strictEqual(result, undefined);
  });

  it('has the invocations in the engine (environments for Hello and Greet)', async () => {
    const { host } = await activateExtension();
    const envs = host.engines()[0].workbench.environments();
    assert.deepStrictEqual(envs.map((e) => e.functionName).sort(), ['Greet', 'Hello']);
    assert.strictEqual(envs.find((e) => e.functionName === 'Hello')?.invocations, 2);
  });
});
