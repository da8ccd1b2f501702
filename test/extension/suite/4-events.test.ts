// The Events view's saved events, replayed against a function with the view's command.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { EventNode } from '../../../src/extension/views/eventsView';
import { activateExtension, disposeEventsTree, eventsTree, eventually, responseOf, run, treeLabel } from './helpers';

/** A saved event's node in the Events view, as its context menu passes it to a command. */
async function savedEventNode(name: string): Promise<EventNode> {
  const tree = await eventsTree();
  const visit = async (nodes: EventNode[]): Promise<EventNode | undefined> => {
    for (const node of nodes) {
      if (node.kind === 'saved' && treeLabel(tree.getTreeItem(node)) === name) return node;
      if (node.kind === 'savedRoot' || node.kind === 'savedFolder') {
        const found = await visit(await tree.getChildren(node));
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = await visit(await tree.getChildren());
  assert.ok(found, `saved event ${name} in the Events view`);
  return found;
}

describe('Events view: replaying', () => {
  after(disposeEventsTree);

  it("replays a function's saved event from the view against that function", async () => {
    const node = await savedEventNode('alice');
    const result = await run<InvocationResult>('lambdaWorkbench.replayEvent', node, { functionName: 'Hello' });
    assert.strictEqual(responseOf(result).message, 'Hello Alice');
  });

  it('replays a shared saved event against another function', async () => {
    const node = await savedEventNode('hello');
    const result = await run<InvocationResult>('lambdaWorkbench.replayEvent', node, { functionName: 'Greet' });
    assert.strictEqual(responseOf(result).greeting, 'Hi saved event');
  });

  it('shows an event saved with "Save As…" from a sample, and replays it', async () => {
    const { host } = await activateExtension();
    const saved = await run<{ name: string; file: string }>(
      'lambdaWorkbench.saveEventAs',
      { sample: { service: 'sqs', type: 'receive-message' } },
      { name: 'jobs-batch', function: 'Hello' },
    );
    assert.ok(saved, 'saveEventAs returned the saved event');
    const eventsDir = path.join(path.dirname(host.engines()[0].templateFile), 'events');
    assert.strictEqual(saved.file, path.join(eventsDir, 'Hello', 'jobs-batch.json'));
    assert.ok(fs.existsSync(saved.file));
    const node = await eventually('jobs-batch in the Events view', () => savedEventNode('jobs-batch'));
    const result = await run<InvocationResult>('lambdaWorkbench.replayEvent', node, { functionName: 'Hello' });
    assert.strictEqual(responseOf(result).eventSource, 'aws:sqs');
  });
});
