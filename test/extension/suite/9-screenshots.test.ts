// Screenshots of the workbench, saved as test artifacts by the shim (test-artifacts/extension/):
// the Lambda sidebar after the tests above, and the timeline after a few invocations.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, eventually, hasCommand, run, screenshot, sleep } from './helpers';

/** Lets the workbench render (trees and webviews draw asynchronously). */
const settle = () => sleep(1500);

describe('screenshots', () => {
  before(async () => {
    await run('workbench.action.closeAllEditors');
    await run('workbench.action.closePanel');
    await run('workbench.view.extension.lambdaWorkbench');
    // A sidebar wide enough for the trees' descriptions.
    await run('lambdaWorkbench.functions.focus');
    for (let i = 0; i < 4; i++) await run('workbench.action.increaseViewSize');
  });

  beforeEach(async () => {
    await run('notifications.clearAll');
  });

  it('the Lambda sidebar: functions with versions and aliases, environments, events', async () => {
    // Expand Hello and its Versions and Aliases, as a person would with the keyboard.
    await run('lambdaWorkbench.functions.focus');
    await run('list.focusFirst');
    await run('list.expand');
    await sleep(300);
    for (let i = 0; i < 2; i++) await run('list.focusDown');
    await run('list.expand');
    await sleep(300);
    for (let i = 0; i < 3; i++) await run('list.focusDown');
    await run('list.expand');
    await settle();
    const taken = await screenshot('sidebar.png');
    if (!taken) console.log('    (no screenshot: not run by the code-server shim)');
  });

  it('the timeline after a few invocations', async function () {
    if (!(await hasCommand('lambdaWorkbench.showTimeline'))) this.skip();
    const { host } = await activateExtension();
    for (let i = 0; i < 3; i++) await run('lambdaWorkbench.invoke', { functionName: 'Greet' }, { name: `timeline ${i}` });
    await Promise.all([1, 2, 3].map((i) => run('lambdaWorkbench.invoke', { functionName: 'Hello' }, { name: `burst ${i}` })));
    await run('lambdaWorkbench.invoke', { functionName: 'Hello', qualifier: 'prod' }, {});
    await run('workbench.action.closeAllEditors');
    await run('notifications.clearAll');
    await run('lambdaWorkbench.showTimeline');
    const tab = await eventually('the timeline tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lambdaWorkbench.timeline')),
    );
    assert.ok(tab.isActive);
    assert.strictEqual(tab.label, 'Lambda Timeline');
    assert.ok(host.engines()[0].workbench.environments().length > 0);
    const timeline = (await activateExtension()).timeline;
    if (timeline) {
      // What the panel holds, and what its webview says it drew (it posts its counts back).
      const panel = timeline.panel();
      assert.ok(panel, 'the timeline API has the open panel');
      const [state] = panel.model();
      assert.ok(state.counts.invocations >= 7 && state.counts.cold >= 1 && state.counts.warm >= 1, JSON.stringify(state.counts));
      const drawn = await panel.waitForRender((c) => c.environments > 0 && c.invocations > 0 && c.cold > 0, 20_000);
      console.log(`    timeline drew ${drawn.environments} environments, ${drawn.invocations} invocations (${drawn.cold} cold, ${drawn.warm} warm)`);
    } else {
      console.log("    (the extension's API has no `timeline`: only the panel's tab is checked)");
    }
    await settle();
    await sleep(1500);
    await screenshot('timeline.png');
  });
});
