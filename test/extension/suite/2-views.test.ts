// The sidebar's trees, read through their providers (what VS Code asks them for; the rendering
// itself is asynchronous, so the tests assert on the providers' state, not on pixels).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, disposeEventsTree, eventsTree, eventually, functionsNode, treeLabel } from './helpers';

describe('Functions view', () => {
  before(async () => {
    await vscode.commands.executeCommand('workbench.view.extension.lambdaWorkbench');
  });

  it("lists the template's functions with runtime, memory and timeout", async () => {
    const { views } = await activateExtension();
    const nodes = await eventually('four functions in the Functions view', async () => {
      const children = await views.functions.getChildren();
      return children.length === 4 && children;
    });
    assert.deepStrictEqual(nodes.map(treeLabel), ['Hello', 'Greet', 'Worker', 'TsHello']);
    for (const node of nodes) {
      assert.strictEqual(node.description, 'nodejs20.x · 128 MB · 5 s');
      assert.strictEqual(node.contextValue, 'lambdaFunction');
      assert.strictEqual(node.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    }
  });

  it("shows a function's $LATEST, Versions (none yet) and Aliases (none)", async () => {
    const { views } = await activateExtension();
    const hello = await functionsNode('Hello');
    const children = await views.functions.getChildren(hello);
    assert.deepStrictEqual(children.map(treeLabel), ['$LATEST', 'Versions', 'Aliases']);
    assert.deepStrictEqual(
      children.map((c) => c.description),
      ['nodejs20.x · 128 MB · 5 s', 'none published', 'none'],
    );
    assert.deepStrictEqual(
      children.map((c) => c.contextValue),
      ['lambdaLatest', 'lambdaVersions', 'lambdaAliases'],
    );
  });

  it('resolves a tooltip for a function node', async () => {
    const { views } = await activateExtension();
    const hello = await functionsNode('Hello');
    const item = views.functions.resolveTreeItem(new vscode.TreeItem('Hello'), hello);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.match(tooltip, /Handler `index\.handler` in `hello`/);
    assert.match(tooltip, /nodejs20\.x .* 128 MB · timeout 5 s/);
  });
});

describe('Environments view', () => {
  it('is empty before any invocation', async () => {
    const { views, host } = await activateExtension();
    assert.strictEqual(host.engines()[0].workbench.environments().length, 0);
    assert.deepStrictEqual(views.environments.getChildren(), []);
  });
});

describe('Events view', () => {
  after(disposeEventsTree);

  it('shows the sample events by service and the saved events', async () => {
    const tree = await eventsTree();
    const roots = await tree.getChildren();
    assert.deepStrictEqual(
      roots.map((r) => r.kind),
      ['samples', 'savedRoot'],
    );
    const groups = await tree.getChildren(roots[0]);
    const labels = groups.map((g) => treeLabel(tree.getTreeItem(g)));
    for (const service of ['S3', 'SQS']) {
      assert.ok(
        labels.some((l) => l.includes(service)),
        `a ${service} group among ${labels.join(', ')}`,
      );
    }
    const s3 = groups.find((g) => treeLabel(tree.getTreeItem(g)).includes('S3'))!;
    const samples = await tree.getChildren(s3);
    assert.ok(
      samples.some((s) => s.kind === 'sample' && s.sample.service === 's3' && s.sample.type === 'put'),
      's3/put is a sample',
    );

    const saved = await tree.getChildren(roots[1]);
    const items = saved.map((n) => ({ kind: n.kind, label: treeLabel(tree.getTreeItem(n)) }));
    assert.deepStrictEqual(items, [
      { kind: 'savedFolder', label: 'Hello' },
      { kind: 'saved', label: 'hello' },
    ]);
    const own = await tree.getChildren(saved[0]);
    assert.deepStrictEqual(
      own.map((n) => treeLabel(tree.getTreeItem(n))),
      ['alice'],
    );
    assert.strictEqual(tree.getTreeItem(own[0]).contextValue, 'lambdaWorkbench.savedEvent');
  });
});
