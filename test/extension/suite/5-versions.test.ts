// Versions and aliases through the commands, seen in the Functions view.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { AliasConfiguration } from '../../../src/core/versions/controlPlane';
import { activateExtension, eventually, functionsNode, responseOf, run, treeLabel } from './helpers';

describe('versions and aliases', () => {
  it('publishes version 1 of a function from its node and shows it under Versions', async () => {
    const hello = await functionsNode('Hello');
    const published = await run<{ version: string; created: boolean }>('lambdaWorkbench.publishVersion', hello, 'first');
    assert.deepStrictEqual(published, { version: '1', created: true });
    const versions = await functionsNode('Hello', 'Versions');
    assert.strictEqual(versions.description, '1');
    const one = await functionsNode('Hello', 'Versions', '1');
    assert.strictEqual(one.contextValue, 'lambdaVersion');
    assert.match(String(one.description), /first/);
  });

  it('publishing again without a change creates nothing', async () => {
    const published = await run('lambdaWorkbench.publishVersion', { functionName: 'Hello' });
    assert.deepStrictEqual(published, { version: '1', created: false });
  });

  it('publishes version 2 after the code changes (hot reload of $LATEST)', async () => {
    const { host } = await activateExtension();
    const engine = host.engines()[0];
    await engine.workbench.hotReloadReady();
    const file = path.join(path.dirname(engine.templateFile), 'hello', 'index.js');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('message: `${process.env.GREETING}', 'message: `${process.env.GREETING} again,'));
    await eventually(
      '$LATEST runs the new code',
      async () => {
        const result = await run<InvocationResult>('lambdaWorkbench.invoke', { functionName: 'Hello' }, {});
        return responseOf(result).message === 'Hello again, world';
      },
      15_000,
      300,
    );
    const published = await run('lambdaWorkbench.publishVersion', { functionName: 'Hello' }, 'second');
    assert.deepStrictEqual(published, { version: '2', created: true });
    const versions = await functionsNode('Hello', 'Versions');
    assert.strictEqual(versions.description, '2');
    const { views } = await activateExtension();
    assert.deepStrictEqual((await views.functions.getChildren(versions)).map(treeLabel), ['1', '2']);
  });

  it('creates a weighted alias and shows it under Aliases', async () => {
    const hello = await functionsNode('Hello');
    const made = await run<{ created: boolean; alias: AliasConfiguration }>('lambdaWorkbench.createAlias', hello, {
      name: 'live',
      version: '1',
      additionalVersion: '2',
      weight: 0.25,
      description: 'canary',
    });
    assert.ok(made, 'createAlias returned the alias');
    assert.strictEqual(made.created, true);
    assert.strictEqual(made.alias.FunctionVersion, '1');
    assert.deepStrictEqual(made.alias.RoutingConfig?.AdditionalVersionWeights, { 2: 0.25 });
    const aliases = await functionsNode('Hello', 'Aliases');
    assert.strictEqual(aliases.description, '1');
    const live = await functionsNode('Hello', 'Aliases', 'live → 1 (75%) / 2 (25%)');
    assert.strictEqual(live.contextValue, 'lambdaAlias');
    assert.strictEqual(live.description, 'canary');
    // Both versions name the alias that routes to them.
    assert.match(String((await functionsNode('Hello', 'Versions', '1')).description), /live/);
    assert.match(String((await functionsNode('Hello', 'Versions', '2')).description), /live/);
  });

  it('invokes the alias from its node: both versions run, with their own code', async () => {
    const live = await functionsNode('Hello', 'Aliases', 'live → 1 (75%) / 2 (25%)');
    const seen = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const result = await run<InvocationResult>('lambdaWorkbench.invoke', live, {});
      const response = responseOf(result);
      seen.set(result!.executedVersion, String(response.message));
      assert.match(String(response.invokedFunctionArn), /:function:Hello:live$/);
    }
    assert.deepStrictEqual(Object.fromEntries([...seen].sort()), { 1: 'Hello world', 2: 'Hello again, world' });
  });

  it('updates the alias to one version (no routing), then deletes it', async () => {
    const updated = await run<{ created: boolean; alias: AliasConfiguration }>(
      'lambdaWorkbench.createAlias',
      { functionName: 'Hello' },
      { name: 'live', version: '2' },
    );
    assert.strictEqual(updated?.created, false);
    await functionsNode('Hello', 'Aliases', 'live → 2');
    assert.strictEqual(await run('lambdaWorkbench.deleteAlias', { functionName: 'Hello' }, 'live'), true);
    assert.strictEqual((await functionsNode('Hello', 'Aliases')).description, 'none');
  });

  it('creates a second weighted alias, prod → 1 (90%) / 2 (10%)', async () => {
    const made = await run<{ created: boolean }>(
      'lambdaWorkbench.createAlias',
      { functionName: 'Hello' },
      { name: 'prod', version: '1', additionalVersion: '2', weight: 0.1 },
    );
    assert.strictEqual(made?.created, true);
    await functionsNode('Hello', 'Aliases', 'prod → 1 (90%) / 2 (10%)');
  });
});
