import * as vscode from 'vscode';
import { environmentsProvider } from '../views/environmentsView';
import { functionsProvider } from '../views/functionsView';
import type { WorkbenchHost } from '../workbenchHost';
import { showError } from './commandFeedback';
import { EnvironmentCommands } from './environmentCommands';
import { FunctionResolver } from './functionResolver';
import { InvokeCommands } from './invokeCommands';
import { NavigationCommands } from './navigationCommands';
import { VersionCommands } from './versionCommands';

export { errorMessage, withDelayedProgress } from './commandFeedback';
export { LAST_PAYLOAD_KEY } from './invokeCommands';

// The engine commands: invoke (with a picked, sample, saved or typed event), publish a version,
// create / update / delete aliases, open a handler's source or its place in the template, shut
// environments down, refresh the views. Each works from the palette (it asks with quick picks)
// and from the views' context menus (it gets the node: a FunctionTarget, see targets.ts), and
// takes programmatic arguments so tests can run it without UI:
//
//   lambdaWorkbench.invoke(target?, payload?)                    → InvocationResult | undefined
//       target: a FunctionTarget (tree node), `{ functionName, qualifier? }` (name, Name:qualifier
//       or ARN; the engine that has the function is used), a function name string, or an
//       EventTarget (an event of the Events view: the function is then asked for);
//       payload: a string (JSON text), or any value (sent as JSON). With a payload nothing is asked
//       (qualifier: the target's, else $LATEST); without one the qualifier (when the function has
//       versions or aliases) and the event are picked.
//   lambdaWorkbench.invokeWithSample(target?, sample?)           → InvocationResult | undefined
//       sample: `{ service, type }` or `"service/type"` (generated with default options).
//   lambdaWorkbench.publishVersion(target?, description?)        → { version, created } | undefined
//   lambdaWorkbench.createAlias(target?, { name, version, additionalVersion?, weight?, description? })
//                                                                → { created, alias: AliasConfiguration } | undefined
//       creates the alias, or updates it when it exists (then exactly to what is given: no
//       additionalVersion removes the routing); weight is the fraction 0–1 of additionalVersion.
//   lambdaWorkbench.deleteAlias(target?, name?)                  → true | undefined
//       the alias: `name`, else the target's qualifier (an alias node), else picked; asks for a
//       confirmation unless `name` is given.
//   lambdaWorkbench.openHandler(target?)                         → file path | undefined
//   lambdaWorkbench.openInTemplate(target?)                      → { file, line, column } | undefined
//   lambdaWorkbench.shutDownEnvironment(target?)                 → true | false (already gone) | undefined
//       target: an Environments view node, `{ environmentId }`, or an environment id string.
//   lambdaWorkbench.shutDownAllEnvironments(target?)             → number of environments shut down
//       target: none (every engine), an engine node (its engine), a FunctionTarget (that function).
//   lambdaWorkbench.refresh()                                    → redraws the Functions and Environments views
//
// `undefined` means dismissed, or failed: engine errors (WorkbenchError) are shown with AWS's
// error code and message and never escape as rejections.
//
// This module registers them; each group lives in a module of its own: invokeCommands.ts,
// versionCommands.ts (publish, aliases), navigationCommands.ts, environmentCommands.ts, on
// functionResolver.ts (the function a command acts on) and commandFeedback.ts (errors, progress).

export function registerEngineCommands(context: vscode.ExtensionContext, host: WorkbenchHost): void {
  const functions = new FunctionResolver(host);
  const invoke = new InvokeCommands(context, functions);
  const versions = new VersionCommands(functions);
  const navigation = new NavigationCommands(functions);
  const environments = new EnvironmentCommands(host, functions);
  // Every command's failure is a notification and an `undefined` result, never a rejection.
  const register = <A extends unknown[], R>(id: string, run: (...args: A) => Promise<R> | R) => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        return await run(...args);
      } catch (error) {
        return showError(error);
      }
    }));
  };
  register('lambdaWorkbench.invoke', (target?: unknown, payload?: unknown) => invoke.invoke(target, payload));
  register('lambdaWorkbench.invokeWithSample', (target?: unknown, sample?: unknown) => invoke.invokeWithSample(target, sample));
  register('lambdaWorkbench.publishVersion', (target?: unknown, description?: unknown) => versions.publishVersion(target, description));
  register('lambdaWorkbench.createAlias', (target?: unknown, options?: unknown) => versions.createAlias(target, options));
  register('lambdaWorkbench.deleteAlias', (target?: unknown, name?: unknown) => versions.deleteAlias(target, name));
  register('lambdaWorkbench.openHandler', (target?: unknown) => navigation.openHandler(target));
  register('lambdaWorkbench.openInTemplate', (target?: unknown) => navigation.openInTemplate(target));
  register('lambdaWorkbench.shutDownEnvironment', (target?: unknown) => environments.shutDownEnvironment(target));
  register('lambdaWorkbench.shutDownAllEnvironments', (target?: unknown) => environments.shutDownAllEnvironments(target));
  register('lambdaWorkbench.refresh', () => {
    functionsProvider()?.refresh();
    environmentsProvider()?.refresh();
  });
}
