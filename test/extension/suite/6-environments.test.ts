// Execution environments appearing in the Environments view and shut down from it.
import * as assert from 'node:assert';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { EnvironmentNode } from '../../../src/extension/views/environmentsView';
import { alive } from './dapRecorder';
import { activateExtension, eventually, run, treeLabel } from './helpers';

async function environmentNodes(): Promise<EnvironmentNode[]> {
  const { views } = await activateExtension();
  return views.environments.getChildren() as EnvironmentNode[];
}

describe('Environments view', () => {
  before(async () => {
    await run('lambdaWorkbench.environments.focus');
  });

  it('shuts every environment down (Shut Down All)', async () => {
    const { host } = await activateExtension();
    const live = host.engines()[0].workbench.liveEnvironments().length;
    assert.ok(live > 0, 'the earlier tests left environments running');
    assert.strictEqual(await run('lambdaWorkbench.shutDownAllEnvironments'), live);
    await eventually('no environment left in the view', async () => (await environmentNodes()).length === 0);
    assert.strictEqual(host.engines()[0].workbench.liveEnvironments().length, 0);
  });

  it('watches an environment appear: cold start, then idle with one invocation', async () => {
    const result = await run<InvocationResult>('lambdaWorkbench.invoke', { functionName: 'Greet' }, { name: 'env' });
    assert.strictEqual(result?.coldStart, true);
    const node = await eventually('the Greet environment, idle', async () =>
      (await environmentNodes()).find((n) => n.environmentId === result!.environmentId && n.snapshot.state === 'Idle'),
    );
    assert.strictEqual(treeLabel(node), 'Greet:$LATEST');
    assert.strictEqual(node.contextValue, 'lambdaEnvironment');
    assert.match(String(node.description), /^idle · cold start · \d+s · 1 invocation · (\d+|–) \/ 128 MB$/);
    assert.ok(node.snapshot.pid && node.snapshot.pid > 0, 'a real process');
    assert.ok(alive(node.snapshot.pid!), `process ${node.snapshot.pid} runs`);
  });

  it('shuts that environment down from its node: it leaves the view and its process exits', async () => {
    const [node] = (await environmentNodes()).filter((n) => n.functionName === 'Greet');
    assert.ok(node, 'a Greet environment in the view');
    const pid = node.snapshot.pid!;
    assert.strictEqual(await run('lambdaWorkbench.shutDownEnvironment', node), true);
    await eventually('the environment gone from the view', async () => !(await environmentNodes()).some((n) => n.environmentId === node.environmentId));
    await eventually(`process ${pid} gone`, () => !alive(pid));
    const { host } = await activateExtension();
    assert.ok(
      !host
        .engines()[0]
        .workbench.environments()
        .some((e) => e.id === node.environmentId),
    );
    assert.strictEqual(await run('lambdaWorkbench.shutDownEnvironment', { environmentId: node.environmentId }), false, 'already gone');
  });

  it('scales out: two concurrent invocations make two environments', async () => {
    const [a, b] = await Promise.all([
      run<InvocationResult>('lambdaWorkbench.invoke', { functionName: 'Hello' }, { name: 'a' }),
      run<InvocationResult>('lambdaWorkbench.invoke', { functionName: 'Hello' }, { name: 'b' }),
    ]);
    assert.notStrictEqual(a?.environmentId, b?.environmentId);
    const nodes = await eventually('two Hello environments', async () => {
      const hello = (await environmentNodes()).filter((n) => n.functionName === 'Hello');
      return hello.length === 2 && hello;
    });
    assert.deepStrictEqual(nodes.map(treeLabel), ['Hello:$LATEST', 'Hello:$LATEST']);
  });
});
