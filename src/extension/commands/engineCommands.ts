import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config/types';
import { isWorkbenchError, WorkbenchError } from '../../core/errors';
import { CATALOG, generateSampleEvent } from '../../core/events/catalog';
import { EventOptionError } from '../../core/events/common';
import { listSavedEvents, readSavedEvent, SavedEventError } from '../../core/events/savedEvents';
import { functionArn } from '../../core/invoke/functionRef';
import type { InvocationResult } from '../../core/invoke/invoker';
import type { AliasConfiguration } from '../../core/versions/controlPlane';
import { TemplateError } from '../../core/workbench';
import { aliasArgs, aliasWeights, isFunctionRefArg, payloadArg, sampleArg, splitFunctionName, type AliasArgs } from '../commandArgs';
import { resolveHandlerSource } from '../../core/handlers/handlerSource';
import { showInvocationResult } from '../invocationResults';
import { isEventTarget, isFunctionTarget, type EventTarget } from '../targets';
import { aliasRouting, configDescription, environmentDescription, environmentLabel, parseWeight, runtimeIcon } from '../viewLabels';
import { environmentsProvider, snapshotOf } from '../views/environmentsView';
import { functionsProvider } from '../views/functionsView';
import type { Engine, WorkbenchHost } from '../workbenchHost';

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

type Resolved = { engine: Engine; fn: FunctionDefinition; qualifier?: string };

/** Workspace state: the last payload per `${templateFile}\0${functionName}` (the debugFunction command reuses it). */
export const LAST_PAYLOAD_KEY = 'lambdaWorkbench.lastPayload';
/** An invocation still running after this long gets a progress notification (a slow cold start). */
const PROGRESS_AFTER_MS = 1000;

/** The error as a notification: AWS's code and message for engine errors. */
export function errorMessage(error: unknown): string {
  if (isWorkbenchError(error)) return `${error.code}: ${error.message}${error.reason ? ` (${error.reason})` : ''}`;
  if (error instanceof TemplateError) return error.message;
  if (error instanceof EventOptionError || error instanceof SavedEventError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function reportError(error: unknown): undefined {
  void vscode.window.showErrorMessage(`Lambda: ${errorMessage(error)}`);
  return undefined;
}

/** Runs `work`; a notification appears if it takes longer than `delayMs`. */
export async function withDelayedProgress<T>(title: string, work: Promise<T>, delayMs = PROGRESS_AFTER_MS): Promise<T> {
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => work.catch(() => undefined));
  }, delayMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}

class EngineCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly host: WorkbenchHost) {}

  // --- targets ----------------------------------------------------------------------------------

  /** The current engine for a possibly stale one (engines are reopened when settings change). */
  private current(engine: Engine): Engine {
    return this.host.engines().find((e) => e.templateFile === engine.templateFile) ?? engine;
  }

  private notFound(name: string, qualifier?: string): WorkbenchError {
    const region = this.host.engines()[0]?.workbench.settings.region ?? 'us-east-1';
    return new WorkbenchError('ResourceNotFoundException', `Function not found: ${functionArn(region, name, qualifier)}`);
  }

  /** A function from a tree node, a `{ functionName, qualifier? }`, a name, or the user's pick. */
  private async resolve(target: unknown, among?: Engine): Promise<Resolved | undefined> {
    await this.host.start();
    if (isFunctionTarget(target)) {
      const engine = this.current(target.engine);
      const fn = engine.workbench.getFunction(target.functionName);
      if (!fn) throw this.notFound(target.functionName, target.qualifier);
      return { engine, fn, qualifier: target.qualifier };
    }
    const ref = typeof target === 'string' ? { functionName: target } : isFunctionRefArg(target) ? target : undefined;
    if (ref) {
      const { name, qualifier } = splitFunctionName(ref.functionName, ref.qualifier);
      const engine = this.host.engines().find((e) => e.workbench.getFunction(name));
      if (!engine) throw this.notFound(name, qualifier);
      return { engine, fn: engine.workbench.getFunction(name)!, qualifier };
    }
    return this.pickFunction(among && [this.current(among)]);
  }

  private async pickFunction(among?: Engine[], placeHolder = 'Which function?'): Promise<Resolved | undefined> {
    const engines = among ?? this.host.engines();
    if (engines.length === 0) {
      void vscode.window.showWarningMessage('Lambda: no workspace folder has a SAM template (template.yaml).');
      return undefined;
    }
    type Item = vscode.QuickPickItem & { engine?: Engine; fn?: FunctionDefinition };
    const items: Item[] = [];
    for (const engine of engines) {
      if (engines.length > 1) items.push({ label: engine.label, kind: vscode.QuickPickItemKind.Separator });
      for (const fn of engine.workbench.functions()) {
        items.push({ label: `$(${runtimeIcon(fn.runtime)}) ${fn.functionName}`, description: configDescription(fn), detail: fn.handler, engine, fn });
      }
    }
    const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
    return picked?.engine && picked.fn ? { engine: picked.engine, fn: picked.fn } : undefined;
  }

  /** $LATEST, a version or an alias; asked only when the function has versions or aliases. */
  private async pickQualifier(engine: Engine, fn: FunctionDefinition): Promise<string | undefined> {
    const store = engine.workbench.versions.store;
    const [versions, aliases] = await Promise.all([store.listVersions(fn.functionName), store.listAliases(fn.functionName)]);
    if (versions.length === 0 && aliases.length === 0) return '$LATEST';
    const items: Array<vscode.QuickPickItem & { qualifier: string }> = [
      { label: '$(edit) $LATEST', description: 'the template\'s code', qualifier: '$LATEST' },
      ...aliases.map((a) => ({ label: `$(tag) ${a.name}`, description: `→ ${aliasRouting(a.functionVersion, a.additionalVersionWeights)}`, qualifier: a.name })),
      ...versions.slice().reverse().map((v) => ({ label: `$(git-commit) ${v.version}`, description: [configDescription(v.config), v.description].filter(Boolean).join(' · '), qualifier: v.version })),
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Invoke which version of ${fn.functionName}?` });
    return picked?.qualifier;
  }

  // --- events -----------------------------------------------------------------------------------

  private eventsDir(engine: Engine): string {
    return path.join(path.dirname(engine.templateFile), 'events');
  }

  private lastPayloads(): Record<string, string> {
    return this.context.workspaceState.get<Record<string, string>>(LAST_PAYLOAD_KEY, {});
  }

  private remember(engine: Engine, fn: FunctionDefinition, payload: string): void {
    // Small events only: the workspace state is not a store for 6 MB payloads.
    if (payload.length > 64 * 1024) return;
    void this.context.workspaceState.update(LAST_PAYLOAD_KEY, { ...this.lastPayloads(), [`${engine.templateFile}\0${fn.functionName}`]: payload });
  }

  /** A sample event type from the catalog. */
  private async pickSample(): Promise<{ service: string; type: string } | undefined> {
    const items = Object.entries(CATALOG).flatMap(([service, types]) =>
      Object.entries(types).map(([type, entry]) => ({ label: `${service} ${type}`, description: entry.description, sample: { service, type } })));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which sample event? (generated with default options)', matchOnDescription: true });
    return picked?.sample;
  }

  private sampleText(engine: Engine, sample: { service: string; type: string }): string {
    return JSON.stringify(generateSampleEvent(sample.service, sample.type, { region: engine.workbench.settings.region }), null, 2);
  }

  /** The event: `{}`, the previous one, a sample, a saved event, or typed JSON. */
  private async pickPayload(engine: Engine, fn: FunctionDefinition): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { pick: () => Promise<string | undefined> | string | undefined };
    const previous = this.lastPayloads()[`${engine.templateFile}\0${fn.functionName}`];
    const dir = this.eventsDir(engine);
    const saved = listSavedEvents(dir, [fn.logicalId, fn.functionName]);
    // The function's own events first, then the shared ones.
    saved.sort((a, b) => Number(b.function !== undefined) - Number(a.function !== undefined));
    const items: Item[] = [
      { label: '$(json) {}', description: 'an empty event', pick: () => '{}' },
      ...(previous !== undefined ? [{ label: '$(history) Previous event', description: previous.replace(/\s+/g, ' ').slice(0, 80), pick: () => previous }] : []),
      { label: '$(symbol-event) Sample event…', description: 'generated: S3, SQS, API Gateway, EventBridge…', pick: async () => {
        const sample = await this.pickSample();
        return sample && this.sampleText(engine, sample);
      } },
      { label: '$(edit) Enter JSON…', pick: () => this.typeJson(previous) },
    ];
    if (saved.length > 0) {
      items.push({ label: 'Saved events', kind: vscode.QuickPickItemKind.Separator, pick: () => undefined });
      for (const event of saved) items.push({ label: `$(file) ${event.name}`, description: path.relative(path.dirname(engine.templateFile), event.file), pick: () => readSavedEvent(event) });
    }
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Invoke ${fn.functionName} with which event?`, matchOnDescription: true });
    return picked ? picked.pick() : undefined;
  }

  private async typeJson(initial?: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      prompt: 'The event (JSON)',
      value: initial?.replace(/\s*\n\s*/g, ' ') ?? '{}',
      validateInput: (text) => {
        try {
          JSON.parse(text);
          return undefined;
        } catch (error) {
          return `Not JSON: ${(error as Error).message}`;
        }
      },
    });
  }

  private async eventTargetPayload(engine: Engine, event: EventTarget): Promise<string | undefined> {
    if (event.sample) return this.sampleText(engine, event.sample);
    if (event.savedFile) return readSavedEvent({ name: path.basename(event.savedFile, '.json'), file: event.savedFile });
    return undefined;
  }

  // --- invoke -----------------------------------------------------------------------------------

  async invoke(target?: unknown, payloadOption?: unknown): Promise<InvocationResult | undefined> {
    // A tree with multi-selection passes the selected nodes as the second argument: not a payload.
    const payload = Array.isArray(payloadOption) && payloadOption.some((p) => isFunctionTarget(p) || p instanceof vscode.TreeItem) ? undefined : payloadOption;
    const event = isEventTarget(target) && !isFunctionTarget(target) ? target : undefined;
    const resolved = await this.resolve(event ? undefined : target, event?.engine);
    if (!resolved) return undefined;
    let text = payloadArg(payload);
    const interactive = text === undefined;
    let qualifier = resolved.qualifier;
    if (qualifier === undefined && interactive) {
      qualifier = await this.pickQualifier(resolved.engine, resolved.fn);
      if (qualifier === undefined) return undefined;
    }
    if (text === undefined && event) text = await this.eventTargetPayload(resolved.engine, event);
    if (text === undefined) text = await this.pickPayload(resolved.engine, resolved.fn);
    if (text === undefined) return undefined;
    return this.run(resolved, qualifier, text);
  }

  async invokeWithSample(target?: unknown, sampleOption?: unknown): Promise<InvocationResult | undefined> {
    let sample = sampleArg(sampleOption);
    let functionTarget = target;
    let among: Engine | undefined;
    if (isEventTarget(target) && !isFunctionTarget(target)) {
      sample ??= target.sample;
      among = target.engine;
      functionTarget = undefined;
    }
    const resolved = await this.resolve(functionTarget, among);
    if (!resolved) return undefined;
    const interactive = sample === undefined;
    let qualifier = resolved.qualifier;
    if (qualifier === undefined && interactive) {
      qualifier = await this.pickQualifier(resolved.engine, resolved.fn);
      if (qualifier === undefined) return undefined;
    }
    sample ??= await this.pickSample();
    if (!sample) return undefined;
    return this.run(resolved, qualifier, this.sampleText(resolved.engine, sample));
  }

  private async run(resolved: Resolved, qualifier: string | undefined, payload: string): Promise<InvocationResult> {
    const { engine, fn } = resolved;
    const title = `${fn.functionName}:${qualifier ?? '$LATEST'}`;
    const result = await withDelayedProgress(`Invoking ${title}…`, engine.workbench.invoke(fn.functionName, payload, { qualifier }));
    this.remember(engine, fn, payload);
    try {
      await showInvocationResult(result, title);
    } catch (error) {
      reportError(error);
    }
    return result;
  }

  // --- versions and aliases ---------------------------------------------------------------------

  async publishVersion(target?: unknown, description?: unknown): Promise<{ version: string; created: boolean } | undefined> {
    const resolved = await this.resolve(target);
    if (!resolved) return undefined;
    const { engine, fn } = resolved;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Publishing ${fn.functionName}…` },
      () => engine.workbench.publishVersion(fn.functionName, typeof description === 'string' ? description : undefined),
    );
    functionsProvider()?.refresh();
    void vscode.window.showInformationMessage(result.created
      ? `Lambda: published ${fn.functionName} version ${result.version}.`
      : `Lambda: ${fn.functionName} has not changed since version ${result.version}; nothing was published.`);
    return result;
  }

  async createAlias(target?: unknown, options?: unknown): Promise<{ created: boolean; alias: AliasConfiguration } | undefined> {
    const resolved = await this.resolve(target);
    if (!resolved) return undefined;
    const { engine, fn } = resolved;
    const input = aliasArgs(options) ?? (await this.askAlias(engine, fn, resolved.qualifier));
    if (!input) return undefined;
    const cp = engine.workbench.controlPlane;
    const exists = engine.workbench.versions.store.getAlias(fn.functionName, input.name) !== undefined;
    const routing = { RoutingConfig: { AdditionalVersionWeights: aliasWeights(input) } };
    const alias = exists
      ? await cp.updateAlias(fn.functionName, input.name, { FunctionVersion: input.version, Description: input.description, ...routing })
      : await cp.createAlias(fn.functionName, { Name: input.name, FunctionVersion: input.version, Description: input.description, ...routing });
    functionsProvider()?.refresh();
    void vscode.window.setStatusBarMessage(`$(tag) ${exists ? 'Updated' : 'Created'} alias ${fn.functionName}:${alias.Name} → ${aliasRouting(alias.FunctionVersion, alias.RoutingConfig?.AdditionalVersionWeights)}`, 8000);
    return { created: !exists, alias };
  }

  /** Name (an existing alias or a new one), version, and optionally a weighted additional version. */
  private async askAlias(engine: Engine, fn: FunctionDefinition, qualifier: string | undefined): Promise<AliasArgs | undefined> {
    const store = engine.workbench.versions.store;
    const [versions, aliases] = await Promise.all([store.listVersions(fn.functionName), store.listAliases(fn.functionName)]);
    const isVersion = qualifier !== undefined && /^[0-9]+$/.test(qualifier);
    const targetAlias = qualifier !== undefined && !isVersion && qualifier !== '$LATEST' ? aliases.find((a) => a.name === qualifier) : undefined;

    let name = targetAlias?.name;
    if (!name) {
      const NEW = '\0new';
      const picked = aliases.length === 0
        ? { name: NEW }
        : await vscode.window.showQuickPick([
          { label: '$(add) New alias…', name: NEW },
          ...aliases.map((a) => ({ label: `$(tag) ${a.name}`, description: `→ ${aliasRouting(a.functionVersion, a.additionalVersionWeights)}`, name: a.name })),
        ], { placeHolder: `Create or update which alias of ${fn.functionName}?` });
      if (!picked) return undefined;
      name = picked.name;
      if (name === NEW) {
        name = await vscode.window.showInputBox({
          prompt: `Name of the new alias of ${fn.functionName}`,
          placeHolder: 'prod',
          validateInput: (text) => (/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(text) ? undefined : 'Letters, digits, - and _ (not only digits), at most 128 characters'),
        });
        if (!name) return undefined;
      }
    }
    const current = aliases.find((a) => a.name === name);

    let version = isVersion ? qualifier : undefined;
    if (!version) {
      const items = [
        ...versions.slice().reverse().map((v) => ({ label: `$(git-commit) ${v.version}`, description: [configDescription(v.config), v.description, current?.functionVersion === v.version ? '(current)' : ''].filter(Boolean).join(' · '), version: v.version })),
        { label: '$(edit) $LATEST', description: current?.functionVersion === '$LATEST' ? '(current)' : 'the template\'s code', version: '$LATEST' },
      ];
      if (versions.length === 0) items.unshift({ label: '$(cloud-upload) Publish a version first…', description: 'publishes $LATEST, then points the alias at it', version: '\0publish' });
      const picked = await vscode.window.showQuickPick(items, { placeHolder: `${name} → which version?` });
      if (!picked) return undefined;
      version = picked.version;
      if (version === '\0publish') {
        const published = await this.publishVersion({ engine, functionName: fn.functionName });
        if (!published) return undefined;
        version = published.version;
        versions.push(...(await store.listVersions(fn.functionName)).filter((v) => !versions.some((k) => k.version === v.version)));
      }
    }

    const others = versions.filter((v) => v.version !== version);
    if (version === '$LATEST' || others.length === 0) return { name, version, description: current?.description };
    const currentExtra = Object.entries(current?.additionalVersionWeights ?? {})[0];
    const extra = await vscode.window.showQuickPick([
      { label: `$(circle-slash) Only version ${version}`, description: 'no weighted routing', version: undefined as string | undefined },
      ...others.slice().reverse().map((v) => ({ label: `$(git-compare) Also version ${v.version}`, description: currentExtra?.[0] === v.version ? `(current: ${Number((currentExtra[1] * 100).toFixed(2))}%)` : 'with a weight', version: v.version as string | undefined })),
    ], { placeHolder: `Route a share of ${name}'s invocations to another version?` });
    if (!extra) return undefined;
    if (extra.version === undefined) return { name, version, description: current?.description };
    const weightText = await vscode.window.showInputBox({
      prompt: `Percentage of ${name}'s invocations that go to version ${extra.version} (the rest go to ${version})`,
      value: currentExtra?.[0] === extra.version ? String(Number((currentExtra[1] * 100).toFixed(2))) : '10',
      validateInput: (text) => {
        const weight = parseWeight(text);
        return typeof weight === 'number' ? undefined : weight.error;
      },
    });
    if (weightText === undefined) return undefined;
    const weight = parseWeight(weightText);
    if (typeof weight !== 'number') return undefined;
    return { name, version, additionalVersion: extra.version, weight, description: current?.description };
  }

  async deleteAlias(target?: unknown, nameOption?: unknown): Promise<true | undefined> {
    const resolved = await this.resolve(target);
    if (!resolved) return undefined;
    const { engine, fn } = resolved;
    let name = typeof nameOption === 'string' ? nameOption : undefined;
    const confirm = name === undefined;
    if (!name && resolved.qualifier !== undefined && resolved.qualifier !== '$LATEST' && !/^[0-9]+$/.test(resolved.qualifier)) name = resolved.qualifier;
    if (!name) {
      const aliases = await engine.workbench.versions.store.listAliases(fn.functionName);
      if (aliases.length === 0) {
        void vscode.window.showInformationMessage(`Lambda: ${fn.functionName} has no alias.`);
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        aliases.map((a) => ({ label: a.name, description: `→ ${aliasRouting(a.functionVersion, a.additionalVersionWeights)}` })),
        { placeHolder: `Delete which alias of ${fn.functionName}?` },
      );
      if (!picked) return undefined;
      name = picked.label;
    }
    const cp = engine.workbench.controlPlane;
    // GetAlias validates the name and says "Alias not found" as Lambda does.
    const alias = await cp.getAlias(fn.functionName, name);
    if (confirm) {
      const answer = await vscode.window.showWarningMessage(
        `Delete alias ${fn.functionName}:${name} (→ ${aliasRouting(alias.FunctionVersion, alias.RoutingConfig?.AdditionalVersionWeights)})?`,
        { modal: true },
        'Delete',
      );
      if (answer !== 'Delete') return undefined;
    }
    await cp.deleteAlias(fn.functionName, name);
    functionsProvider()?.refresh();
    void vscode.window.setStatusBarMessage(`$(trash) Deleted alias ${fn.functionName}:${name}`, 8000);
    return true;
  }

  // --- navigation -------------------------------------------------------------------------------

  async openHandler(target?: unknown): Promise<string | undefined> {
    const resolved = await this.resolve(target);
    if (!resolved) return undefined;
    // Always the template's code ($LATEST): a published version's code is a read-only snapshot.
    const fn = resolved.fn;
    const location = resolveHandlerSource(fn);
    if (!location) {
      void vscode.window.showWarningMessage(`Lambda: cannot find the handler ${fn.handler} of ${fn.functionName} in ${fn.codeUri} (${fn.runtime}).`);
      return undefined;
    }
    const position = new vscode.Position(Math.max(0, (location.line ?? 1) - 1), Math.max(0, (location.column ?? 1) - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection: new vscode.Range(position, position), preview: false });
    return location.file;
  }

  async openInTemplate(target?: unknown): Promise<{ file: string; line: number; column: number } | undefined> {
    const resolved = await this.resolve(target);
    if (!resolved) return undefined;
    const { file, line, column } = resolved.fn.position;
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: false });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { file, line, column };
  }

  // --- environments -----------------------------------------------------------------------------

  async shutDownEnvironment(target?: unknown): Promise<boolean | undefined> {
    await this.host.start();
    let id: string | undefined;
    if (typeof target === 'string') id = target;
    else if (typeof target === 'object' && target !== null && typeof (target as { environmentId?: unknown }).environmentId === 'string') id = (target as { environmentId: string }).environmentId;
    const all = this.host.engines().flatMap((engine) => engine.workbench.liveEnvironments().map((env) => ({ engine, env })));
    if (id === undefined) {
      if (all.length === 0) {
        void vscode.window.showInformationMessage('Lambda: no execution environment is running.');
        return undefined;
      }
      const multi = this.host.engines().length > 1;
      const picked = await vscode.window.showQuickPick(all.map(({ engine, env }) => {
        const snapshot = snapshotOf(env);
        return { label: environmentLabel(snapshot), description: environmentDescription(snapshot), detail: `${env.id}${multi ? ` · ${engine.label}` : ''}`, id: env.id };
      }), { placeHolder: 'Shut down which environment?' });
      if (!picked) return undefined;
      id = picked.id;
    }
    const found = all.find(({ env }) => env.id === id);
    if (!found) {
      environmentsProvider()?.refresh();
      return false;
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Shutting down ${environmentLabel(snapshotOf(found.env))} (${found.env.id})` },
      () => found.env.shutdown(),
    );
    environmentsProvider()?.refresh();
    return true;
  }

  async shutDownAllEnvironments(target?: unknown): Promise<number> {
    await this.host.start();
    let engines = this.host.engines();
    let functionName: string | undefined;
    if (isFunctionTarget(target)) {
      engines = [this.current(target.engine)];
      functionName = target.engine.workbench.getFunction(target.functionName)?.functionName ?? target.functionName;
    } else if (typeof target === 'object' && target !== null && 'engine' in target) {
      engines = [this.current((target as { engine: Engine }).engine)];
    }
    const count = engines.reduce((n, e) => n + e.workbench.liveEnvironments().filter((env) => !functionName || env.fn.functionName === functionName).length, 0);
    if (count === 0) return 0;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Shutting down ${count} environment${count === 1 ? '' : 's'}…` },
      () => Promise.all(engines.map((e) => e.workbench.shutdownEnvironments(functionName))),
    );
    environmentsProvider()?.refresh();
    return count;
  }

  refresh(): void {
    functionsProvider()?.refresh();
    environmentsProvider()?.refresh();
  }
}

export function registerEngineCommands(context: vscode.ExtensionContext, host: WorkbenchHost): void {
  const commands = new EngineCommands(context, host);
  const register = <A extends unknown[], R>(id: string, run: (...args: A) => Promise<R> | R) => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        return await run(...args);
      } catch (error) {
        return reportError(error);
      }
    }));
  };
  register('lambdaWorkbench.invoke', (target?: unknown, payload?: unknown) => commands.invoke(target, payload));
  register('lambdaWorkbench.invokeWithSample', (target?: unknown, sample?: unknown) => commands.invokeWithSample(target, sample));
  register('lambdaWorkbench.publishVersion', (target?: unknown, description?: unknown) => commands.publishVersion(target, description));
  register('lambdaWorkbench.createAlias', (target?: unknown, options?: unknown) => commands.createAlias(target, options));
  register('lambdaWorkbench.deleteAlias', (target?: unknown, name?: unknown) => commands.deleteAlias(target, name));
  register('lambdaWorkbench.openHandler', (target?: unknown) => commands.openHandler(target));
  register('lambdaWorkbench.openInTemplate', (target?: unknown) => commands.openInTemplate(target));
  register('lambdaWorkbench.shutDownEnvironment', (target?: unknown) => commands.shutDownEnvironment(target));
  register('lambdaWorkbench.shutDownAllEnvironments', (target?: unknown) => commands.shutDownAllEnvironments(target));
  register('lambdaWorkbench.refresh', () => commands.refresh());
}
