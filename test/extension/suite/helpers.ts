// Shared by the extension tests (bundled into each test file; state lives in the extension, not here).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { LambdaWorkbenchApi } from '../../../src/extension/extension';
import type { TimelineApi } from '../../../src/extension/timeline/timelinePanel';
import { EventsTreeProvider } from '../../../src/extension/views/eventsView';
import type { FunctionsNode } from '../../../src/extension/views/functionsView';
import type { Engine, WorkbenchHost } from '../../../src/extension/workbenchHost';

export const EXTENSION_ID = 'lambda-workbench.lambda-workbench';

/** The extension's API as the tests use it: the views and the timeline are optional members (they may not be exposed yet). */
export type TestApi = LambdaWorkbenchApi & {
  views: LambdaWorkbenchApi['views'] & { events?: EventsTreeProvider };
  timeline?: TimelineApi;
};

/** Activates the extension under test (once; later calls get the same API) and waits for its engines. */
export async function activateExtension(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is loaded in the extension host`);
  const api = await extension.activate();
  assert.ok(api?.host, 'activate() returns { host }');
  await api.host.start();
  return api;
}

/** The fixture workspace's engine (the only one). */
export async function fixtureEngine(): Promise<{ host: WorkbenchHost; engine: Engine }> {
  const { host } = await activateExtension();
  const engines = host.engines();
  assert.strictEqual(engines.length, 1, `one engine, got ${engines.map((e) => e.label).join(', ')}`);
  return { host, engine: engines[0] };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (tree views and the host refresh asynchronously). */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function eventually<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, intervalMs = 100): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

/** Whether a command id is registered in this extension host. */
export async function hasCommand(id: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(id);
}

/** Every `lambdaWorkbench.*` command the manifest contributes. */
export function contributedCommands(): string[] {
  const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { commands?: { command: string }[] } };
  return (pkg.contributes?.commands ?? []).map((c) => c.command).filter((c) => c.startsWith('lambdaWorkbench.'));
}

/**
 * A screenshot of the workbench, saved by the shim (code-web-shim.mjs) as `name` in the test
 * artifacts directory. Nothing happens when no one asked for screenshots (EXT_TEST_SCREENSHOT_REQUEST
 * unset, e.g. in desktop VS Code). Returns whether a screenshot was taken.
 */
export async function screenshot(name: string, timeoutMs = 20_000): Promise<boolean> {
  const request = process.env.EXT_TEST_SCREENSHOT_REQUEST;
  if (!request) return false;
  const done = `${request}.done`;
  fs.rmSync(request, { force: true });
  fs.rmSync(done, { force: true });
  fs.writeFileSync(`${request}.tmp`, name);
  fs.renameSync(`${request}.tmp`, request); // the shim must never read a half-written name
  await eventually(`the screenshot ${name}`, () => fs.existsSync(done), timeoutMs, 100);
  fs.rmSync(request, { force: true });
  fs.rmSync(done, { force: true });
  return true;
}

/** Runs a command as the palette or a context menu would, with programmatic arguments. */
export function run<T>(command: string, ...args: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(command, ...args);
}

/** An invocation's response as JSON. */
export function responseOf(result: InvocationResult | undefined): Record<string, unknown> {
  assert.ok(result, 'the command returned an invocation result');
  assert.strictEqual(result.functionError, undefined, `no function error: ${result.payload.toString('utf8')}`);
  return JSON.parse(result.payload.toString('utf8')) as Record<string, unknown>;
}

/** A node of the Functions view by label path (`['Hello', 'Versions', '1']`), as VS Code would get it. */
export async function functionsNode(...labels: string[]): Promise<FunctionsNode> {
  const { views } = await activateExtension();
  let node: FunctionsNode | undefined;
  for (const label of labels) {
    const children: FunctionsNode[] = await views.functions.getChildren(node);
    const found = children.find((c) => treeLabel(c) === label);
    assert.ok(found, `"${label}" in the Functions view under ${node ? treeLabel(node) : 'the root'}; it shows ${children.map(treeLabel).join(', ')}`);
    node = found;
  }
  assert.ok(node);
  return node;
}

/** A TreeItem's label as text. */
export function treeLabel(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

/** The text of the extension's "Lambda" output channel (its document, once the channel is shown). */
export async function outputText(): Promise<string> {
  const { host } = await activateExtension();
  host.output.show(true);
  const document = await eventually('the Lambda output channel document', () =>
    vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.path).includes(EXTENSION_ID) && decodeURIComponent(d.uri.path).endsWith('Lambda'),
    ),
  );
  return document.getText();
}

let ownEventsTree: EventsTreeProvider | undefined;

/**
 * The Events view's provider: the extension's own when its API exposes it (`views.events`), else
 * one made here from the view's code on the extension's real host (the registered one cannot be
 * reached from a test).
 */
export async function eventsTree(): Promise<EventsTreeProvider> {
  const api = await activateExtension();
  if (api.views.events) return api.views.events;
  ownEventsTree ??= new EventsTreeProvider(api.host);
  return ownEventsTree;
}

export function disposeEventsTree(): void {
  ownEventsTree?.dispose();
  ownEventsTree = undefined;
}
