import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Commands, Ctx } from '../ctx';
import type { Engine } from '../workbenchHost';
import { LAST_PAYLOAD_KEY } from './invokeCommands';

// The template language server's CodeLens commands (language/templateLanguageClient.ts): ▶ Invoke,
// Debug and Replay above a function of a template, mapped to the extension's commands on the engine
// that runs the template.

/** What a CodeLens of the server carries: the template (absolute path) and a function's logical id. */
interface TemplateFunctionArgs {
  template: string;
  function: string;
}

/** ▶ Invoke runs at once, with the event the function was last invoked with (else `{}`); Replay asks. */
async function invoke(ctx: Ctx, args: TemplateFunctionArgs): Promise<unknown> {
  const target = await functionTarget(ctx, args);
  if (!target) return undefined;
  const last = ctx.extension.workspaceState.get<Record<string, string>>(LAST_PAYLOAD_KEY, {})[`${target.engine.templateFile}\0${target.functionName}`];
  return vscode.commands.executeCommand('lambdaWorkbench.invoke', target, last ?? '{}');
}

async function replay(ctx: Ctx, args: TemplateFunctionArgs): Promise<unknown> {
  const target = await functionTarget(ctx, args);
  if (target) return vscode.commands.executeCommand('lambdaWorkbench.replayEvent', target);
  return undefined;
}

/** The engine running the template and the function's name there; a message when there is none. */
async function functionTarget(ctx: Ctx, args: TemplateFunctionArgs): Promise<{ engine: Engine; functionName: string } | undefined> {
  await ctx.host.start();
  const engine = ctx.host.engines().find((e) => path.resolve(e.templateFile) === path.resolve(args.template));
  const fn = engine?.workbench.getFunction(args.function);
  if (engine && fn) return { engine, functionName: fn.functionName };
  const reason = engine
    ? `${args.function} is not a function of the running template (save the file, or fix its errors, so the engine reloads it)`
    : `${path.basename(args.template)} is not a template Lambda Workbench runs (see the lambdaWorkbench.templatePaths setting)`;
  void vscode.window.showWarningMessage(`Lambda: ${reason}.`);
  return undefined;
}

export const templateCommands: Commands = {
  templateInvoke: { action: 'Invoke', make: (ctx) => (args: TemplateFunctionArgs) => invoke(ctx, args) },
  templateDebug: {
    action: 'Debug',
    make: () => (args: TemplateFunctionArgs) =>
      vscode.commands.executeCommand('lambdaWorkbench.debugFunction', { template: args.template, function: args.function }),
  },
  templateReplay: { action: 'Replay', make: (ctx) => (args: TemplateFunctionArgs) => replay(ctx, args) },
};
