import type { Commands, Ctx } from '../ctx';
import { FunctionResolver } from './functionResolver';
import { InvokeCommands } from './invokeCommands';
import { NavigationCommands } from './navigationCommands';
import { VersionCommands } from './versionCommands';

// The function commands: invoke (with a picked, sample, saved or typed event), publish a version,
// create / update / delete aliases, open a handler's source or its place in the template; with
// them, documented here, shutting environments down (environmentCommands.ts) and refreshing the
// views (viewCommands.ts). Each works from the palette (it asks with quick picks) and from the
// views' context menus (it gets the node: a FunctionTarget, see targets.ts), and takes
// programmatic arguments so tests can run it without UI:
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
// error code and message (the Ctx's command wrapper) and never escape as rejections.
//
// This module lists them for the Ctx; the work is in modules of its own: invokeCommands.ts,
// versionCommands.ts (publish, aliases), navigationCommands.ts, on functionResolver.ts (the
// function a command acts on) and commandFeedback.ts (errors, progress).

// The helpers keep no state of their own: one is made per run, on the Ctx's host and views.
const resolverOf = (ctx: Ctx) => new FunctionResolver(ctx.host);
const invokeOf = (ctx: Ctx) => new InvokeCommands(ctx.extension, resolverOf(ctx));
const versionsOf = (ctx: Ctx) => new VersionCommands(resolverOf(ctx), ctx.views.functions);
const navigationOf = (ctx: Ctx) => new NavigationCommands(resolverOf(ctx));

export const functionCommands: Commands = {
  invoke: { action: 'Invoke', make: (ctx) => (target?: unknown, payload?: unknown) => invokeOf(ctx).invoke(target, payload) },
  invokeWithSample: { action: 'Invoke with sample', make: (ctx) => (target?: unknown, sample?: unknown) => invokeOf(ctx).invokeWithSample(target, sample) },
  publishVersion: {
    action: 'Publish version',
    make: (ctx) => (target?: unknown, description?: unknown) => versionsOf(ctx).publishVersion(target, description),
  },
  createAlias: { action: 'Create alias', make: (ctx) => (target?: unknown, options?: unknown) => versionsOf(ctx).createAlias(target, options) },
  deleteAlias: { action: 'Delete alias', make: (ctx) => (target?: unknown, name?: unknown) => versionsOf(ctx).deleteAlias(target, name) },
  openHandler: { action: 'Open handler', make: (ctx) => (target?: unknown) => navigationOf(ctx).openHandler(target) },
  openInTemplate: { action: 'Open in template', make: (ctx) => (target?: unknown) => navigationOf(ctx).openInTemplate(target) },
};
