import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config';
import { configDescription, runtimeIcon } from '../viewLabels';
import { explainNoEngine, type Engine, type WorkbenchHost } from '../workbenchHost';

// Small helpers shared by the commands: arguments, engines, the function pick (errors and progress:
// commandFeedback.ts).

/**
 * A command's optional second argument, unless it is the selection VS Code passes to a command run
 * from a tree's context menu (`(node, selectedNodes[])`) — that is not an argument of ours.
 */
export function programmaticArg<T>(value: T | unknown[] | undefined): T | undefined {
  return Array.isArray(value) ? undefined : (value as T | undefined);
}

/**
 * The engine of the same template as `engine` open now: a node or target made before the host
 * reopened its engines (a settings change) still names the right project.
 */
export function currentEngine(host: WorkbenchHost, engine: Engine): Engine {
  if (host.engines().includes(engine)) return engine;
  return host.engines().find((e) => e.templateFile === engine.templateFile) ?? engine;
}

/** The engine a command acts on: the given one, else the one `matches` names, else the only / picked one. */
export async function engineFor(host: WorkbenchHost, given: Engine | undefined, matches?: (engine: Engine) => boolean): Promise<Engine | undefined> {
  if (given) {
    await host.start();
    return currentEngine(host, given);
  }
  await host.start();
  if (matches) {
    const found = host.engines().filter(matches);
    if (found.length === 1) return found[0];
  }
  return host.pickEngine();
}

/** Opens JSON text in a new untitled editor beside the current one. */
export async function showJsonDocument(text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'json' });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  return document;
}

/** A function of the engines, picked by the user (grouped by engine when there are several); undefined when dismissed. */
export async function pickFunction(
  engines: Engine[],
  placeHolder: string,
  name: (fn: FunctionDefinition) => string = (fn) => fn.functionName,
): Promise<{ engine: Engine; fn: FunctionDefinition } | undefined> {
  if (engines.length === 0) {
    explainNoEngine();
    return undefined;
  }
  type Item = vscode.QuickPickItem & { engine?: Engine; fn?: FunctionDefinition };
  const items: Item[] = [];
  for (const engine of engines) {
    if (engines.length > 1) items.push({ label: engine.label, kind: vscode.QuickPickItemKind.Separator });
    for (const fn of engine.workbench.functions()) {
      items.push({ label: `$(${runtimeIcon(fn.runtime)}) ${name(fn)}`, description: configDescription(fn), detail: fn.handler, engine, fn });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.engine && picked.fn ? { engine: picked.engine, fn: picked.fn } : undefined;
}
