import * as path from 'node:path';
import * as vscode from 'vscode';
import { type EventOptionValues, generateSampleEvent, normaliseEventName, type SavedEvent, SavedEventError, saveEvent } from '../../core/events';
import type { InvocationResult } from '../../core';
import type { Commands } from '../ctx';
import {
  defaultEventName,
  EventOptionError,
  eventPayloadText,
  eventsDirOf,
  generateWithOptions,
  initialOptions,
  optionLabel,
  sampleEventText,
  sampleGroups,
  saveLocations,
  savedEventLabel,
  savedEventTree,
  setOption,
  validateOptionValue,
  type OptionState,
} from '../eventsModel';
import { showInvocationResult } from '../invocationResults';
import { isEventTarget, isFunctionTarget, type EventTarget, type FunctionTarget } from '../targets';
import type { EventsTreeProvider } from '../views/eventsView';
import type { Engine, WorkbenchHost } from '../workbenchHost';
import { engineFor, programmaticArg, showJsonDocument } from './commandSupport';

// The event commands: replay (sync / async) an event against a function or alias, open, save as,
// generate with options. Each takes its event as the first argument (an Events view node is an
// EventTarget: `{ sample: {service, type} }` or `{ engine, savedFile }`); without one it asks.
//
//   lambdaWorkbench.replayEvent(event?: EventTarget, target?: FunctionTarget | {functionName, qualifier?})
//       → InvocationResult (a function error too: `functionError` is set), shown with invocationResults.ts
//   lambdaWorkbench.replayEventAsync(event?, target?) → { requestId }  (InvocationType Event)
//   lambdaWorkbench.openEvent(event?) → vscode.TextDocument  (a sample: an untitled JSON document; saved: its file)
//   lambdaWorkbench.saveEventAs(event?, { name?, function?, overwrite?, engine? }) → SavedEvent ({ name, function?, file })
//   lambdaWorkbench.generateEvent(sample?: EventTarget | {service, type}, options?: EventOptionValues) → vscode.TextDocument
//
// A FunctionTarget as the first argument of a replay (a Functions view node) is the target; the
// event is then asked for. Errors are notifications; the command then returns undefined.

/** What a replay runs against: a function (FunctionTarget) or a name with an optional qualifier. */
export type ReplayTarget = FunctionTarget | { functionName: string; qualifier?: string; engine?: Engine };

/** An event to replay, open or save: an EventTarget, or the JSON document of the active editor. */
type EventChoice = EventTarget | { document: vscode.TextDocument };

function isDocumentChoice(choice: EventChoice): choice is { document: vscode.TextDocument } {
  return 'document' in choice;
}

function activeJsonDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || (document.languageId !== 'json' && document.languageId !== 'jsonc')) return undefined;
  try {
    JSON.parse(document.getText());
    return document;
  } catch {
    return undefined;
  }
}

function regionOf(engine: Engine | undefined): string | undefined {
  return engine?.workbench.settings.region;
}

function choiceLabel(choice: EventChoice): string {
  if (isDocumentChoice(choice)) return path.basename(choice.document.fileName);
  if (choice.sample) return `${choice.sample.service}/${choice.sample.type}`;
  if (choice.savedFile) return path.basename(choice.savedFile, '.json');
  return 'event';
}

function payloadOf(choice: EventChoice, engine: Engine | undefined): string {
  if (isDocumentChoice(choice)) {
    const text = choice.document.getText();
    JSON.parse(text);
    return text;
  }
  return eventPayloadText(choice, regionOf(engine ?? choice.engine));
}

/** A quick pick of every event: the active editor's JSON, the saved events of `engines`, the samples. */
async function pickEvent(engines: Engine[], options: { withEditor: boolean; placeHolder: string }): Promise<EventChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: EventChoice };
  const items: Item[] = [];
  const document = options.withEditor ? activeJsonDocument() : undefined;
  if (document) items.push({ label: '$(edit) Active editor', description: path.basename(document.fileName), choice: { document } });
  for (const engine of engines) {
    const tree = savedEventTree(eventsDirOf(engine.templateFile));
    const saved = [...tree.shared, ...tree.functions.flatMap((f) => f.events)];
    if (saved.length === 0) continue;
    items.push({ label: engines.length > 1 ? `Saved events — ${engine.label}` : 'Saved events', kind: vscode.QuickPickItemKind.Separator });
    for (const event of saved) {
      items.push({
        label: `$(file) ${savedEventLabel(event)}`,
        description: path.relative(engine.folder.uri.fsPath, event.file),
        choice: { engine, savedFile: event.file },
      });
    }
  }
  items.push({ label: 'Samples', kind: vscode.QuickPickItemKind.Separator });
  for (const group of sampleGroups()) {
    for (const entry of group.samples) {
      items.push({
        label: `$(json) ${entry.id}`,
        description: `${group.label}: ${entry.label}`,
        choice: { sample: { service: entry.service, type: entry.type } },
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: options.placeHolder, matchOnDescription: true });
  return picked?.choice;
}

/** A function of the engine, $LATEST or one of its aliases; `preferred` (a saved event's folder) first. */
async function pickFunction(engine: Engine, preferred?: string): Promise<{ functionName: string; qualifier?: string } | undefined> {
  type Item = vscode.QuickPickItem & { target?: { functionName: string; qualifier?: string } };
  const functions = engine.workbench.functions();
  if (functions.length === 0) {
    void vscode.window.showWarningMessage(`Lambda: ${engine.label} has no functions.`);
    return undefined;
  }
  const ordered = [...functions].sort(
    (a, b) => Number(b.logicalId === preferred || b.functionName === preferred) - Number(a.logicalId === preferred || a.functionName === preferred),
  );
  const items: Item[] = [];
  for (const fn of ordered) {
    items.push({
      label: `$(symbol-function) ${fn.functionName}`,
      description: `${fn.logicalId !== fn.functionName ? `${fn.logicalId} · ` : ''}$LATEST · ${fn.runtime}`,
      target: { functionName: fn.functionName },
    });
    const aliases = await engine.workbench.versions.store.listAliases(fn.functionName).catch(() => []);
    for (const alias of aliases) {
      const weights = Object.entries(alias.additionalVersionWeights ?? {})
        .map(([v, w]) => `, ${Math.round(w * 100)}% → ${v}`)
        .join('');
      items.push({
        label: `$(tag) ${fn.functionName}:${alias.name}`,
        description: `alias → ${alias.functionVersion}${weights}`,
        target: { functionName: fn.functionName, qualifier: alias.name },
      });
    }
  }
  if (items.length === 1) return items[0].target;
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Replay against which function or alias?', matchOnDescription: true });
  return picked?.target;
}

/** Which sample type (`service/type`), grouped by service. */
async function pickSample(): Promise<{ service: string; type: string } | undefined> {
  type Item = vscode.QuickPickItem & { sample?: { service: string; type: string } };
  const items: Item[] = [];
  for (const group of sampleGroups()) {
    items.push({ label: group.label, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of group.samples) {
      items.push({
        label: `$(${group.icon}) ${entry.label}`,
        description: entry.id,
        detail: entry.description,
        sample: { service: entry.service, type: entry.type },
      });
    }
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Which sample event?', matchOnDescription: true }))?.sample;
}

async function replay(
  host: WorkbenchHost,
  eventArg: unknown,
  targetArg: unknown,
  mode: 'sync' | 'async',
): Promise<InvocationResult | { requestId: string } | undefined> {
  const event = isEventTarget(eventArg) ? eventArg : undefined;
  let target = programmaticArg<ReplayTarget>(targetArg as ReplayTarget | unknown[] | undefined);
  // Run from a function's node (Functions view): the node is the target, the event is asked for.
  if (!event && isFunctionTarget(eventArg)) target = eventArg;
  if (target && typeof target.functionName !== 'string') target = undefined;
  const engine = await engineFor(
    host,
    target?.engine ?? event?.engine,
    target ? (e) => e.workbench.getFunction(target!.functionName) !== undefined : undefined,
  );
  if (!engine) return undefined;
  let choice: EventChoice | undefined = event;
  if (!choice) {
    choice = await pickEvent([engine], { withEditor: true, placeHolder: mode === 'sync' ? 'Replay which event?' : 'Replay which event asynchronously?' });
  }
  if (!choice) return undefined;
  const preferred = !isDocumentChoice(choice) && choice.savedFile ? path.basename(path.dirname(choice.savedFile)) : undefined;
  const fn = target ?? (await pickFunction(engine, preferred));
  if (!fn) return undefined;
  const payload = payloadOf(choice, engine);
  const title = `${fn.functionName}${fn.qualifier ? `:${fn.qualifier}` : ''} ← ${choiceLabel(choice)}`;
  if (mode === 'async') {
    const { requestId } = await engine.workbench.invokeAsync(fn.functionName, payload, { qualifier: fn.qualifier });
    void vscode.window.showInformationMessage(`Lambda: queued ${title} (request ${requestId})`, 'Show Destination Records').then((button) => {
      if (button) void vscode.commands.executeCommand('lambdaWorkbench.showDestinationRecords', { engine, functionName: fn.functionName });
    });
    return { requestId };
  }
  const result = await engine.workbench.invoke(fn.functionName, payload, { qualifier: fn.qualifier });
  await showInvocationResult(result, title);
  return result;
}

async function openEvent(host: WorkbenchHost, eventArg: unknown): Promise<vscode.TextDocument | undefined> {
  let event = isEventTarget(eventArg) ? eventArg : undefined;
  if (!event) {
    await host.start();
    const choice = await pickEvent(host.engines(), { withEditor: false, placeHolder: 'Open which event?' });
    if (!choice || isDocumentChoice(choice)) return undefined;
    event = choice;
  }
  if (event.savedFile) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(event.savedFile));
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }
  if (event.sample) {
    const engine = event.engine ?? (host.engines().length === 1 ? host.engines()[0] : undefined);
    return showJsonDocument(sampleEventText(event.sample.service, event.sample.type, regionOf(engine) ? { region: regionOf(engine) } : {}));
  }
  return undefined;
}

export interface SaveEventOptions {
  /** The event's name (file name without `.json`); asked when absent. */
  name?: string;
  /** A function's folder (`events/<function>/`); `null` for the shared folder; asked when absent. */
  function?: string | null;
  /** Replace an existing file without asking (false: fail when it exists). */
  overwrite?: boolean;
  engine?: Engine;
}

async function saveEventAs(host: WorkbenchHost, eventsView: EventsTreeProvider, eventArg: unknown, optionsArg: unknown): Promise<SavedEvent | undefined> {
  const options = programmaticArg<SaveEventOptions>(optionsArg as SaveEventOptions | undefined) ?? {};
  let choice: EventChoice | undefined = isEventTarget(eventArg) ? eventArg : undefined;
  if (!choice) {
    await host.start();
    const document = activeJsonDocument();
    choice = document ? { document } : await pickEvent(host.engines(), { withEditor: true, placeHolder: 'Save which event?' });
  }
  if (!choice) return undefined;
  const engine = await engineFor(
    host,
    options.engine ?? (isDocumentChoice(choice) ? undefined : choice.engine),
    isDocumentChoice(choice) ? (e) => vscode.workspace.getWorkspaceFolder(choice.document.uri) === e.folder : undefined,
  );
  if (!engine) return undefined;
  const value = JSON.parse(payloadOf(choice, engine)) as unknown;
  const name =
    options.name ??
    (await vscode.window.showInputBox({
      title: 'Save event as',
      prompt: 'Name of the event (its file name in events/)',
      value: isDocumentChoice(choice) ? 'event' : defaultEventName(choice),
      validateInput: (text) => {
        try {
          normaliseEventName(text);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    }));
  if (!name) return undefined;
  let folder: string | undefined;
  if ('function' in options) folder = options.function ?? undefined;
  else {
    const locations = saveLocations(engine.workbench.functions().map((f) => f.logicalId));
    const picked = await vscode.window.showQuickPick(
      locations.map((l) => ({ label: l.label, location: l })),
      { placeHolder: 'For every function, or one?' },
    );
    if (!picked) return undefined;
    folder = picked.location.function;
  }
  const eventsDir = eventsDirOf(engine.templateFile);
  let saved: SavedEvent;
  try {
    saved = saveEvent(eventsDir, name, value, { function: folder, overwrite: options.overwrite === true });
  } catch (error) {
    if (!(error instanceof SavedEventError) || !/already exists/.test(error.message) || options.overwrite === false) throw error;
    const replace = await vscode.window.showWarningMessage(
      `${path.relative(engine.folder.uri.fsPath, path.join(eventsDir, folder ?? '', `${normaliseEventName(name)}.json`))} exists. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (replace !== 'Replace') return undefined;
    saved = saveEvent(eventsDir, name, value, { function: folder, overwrite: true });
  }
  eventsView.refresh();
  void vscode.window.setStatusBarMessage(`$(save) Saved ${path.relative(engine.folder.uri.fsPath, saved.file)}`, 5000);
  return saved;
}

/** "Generate with options": a quick pick of the options (with their values), edited one by one until Generate. */
async function editOptions(service: string, type: string, region: string | undefined): Promise<OptionState[] | undefined> {
  let states = initialOptions(service, type, region);
  type Item = vscode.QuickPickItem & { index?: number; generate?: boolean };
  for (;;) {
    const items: Item[] = [
      { label: '$(play) Generate', description: `${service}/${type}`, generate: true },
      { label: 'Options', kind: vscode.QuickPickItemKind.Separator },
      ...states.map((state, index): Item => ({ label: `${state.changed ? '$(edit) ' : ''}${optionLabel(state)}`, description: state.spec.help, index })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: `Generate ${service}/${type}`,
      placeHolder: 'Pick an option to change it, or Generate',
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (picked.generate) {
      try {
        generateWithOptions(service, type, states);
        return states;
      } catch (error) {
        if (!(error instanceof EventOptionError)) throw error;
        void vscode.window.showErrorMessage(`Lambda: ${error.message}`);
        continue;
      }
    }
    const state = states[picked.index!];
    let text: string | undefined;
    if (state.spec.kind === 'flag' || state.spec.choices) {
      const values = state.spec.kind === 'flag' ? ['true', 'false'] : [...state.spec.choices!];
      const choice = await vscode.window.showQuickPick(
        [...values.map((v) => ({ label: v })), { label: '(default)', description: state.spec.default ?? 'not set' }],
        { title: `--${state.spec.name}`, placeHolder: state.spec.help },
      );
      if (!choice) continue;
      text = choice.label === '(default)' ? '' : choice.label;
    } else {
      text = await vscode.window.showInputBox({
        title: `--${state.spec.name}`,
        prompt: `${state.spec.help}${state.spec.default !== undefined ? ` (default: ${state.spec.default}; empty: the default)` : ' (empty: not set)'}`,
        value: state.value ?? '',
        validateInput: (value) => validateOptionValue(state.spec, value),
      });
      if (text === undefined) continue;
    }
    states = states.map((s, i) => (i === picked.index ? setOption(s, text!) : s));
  }
}

async function generateEvent(host: WorkbenchHost, sampleArg: unknown, optionsArg: unknown): Promise<vscode.TextDocument | undefined> {
  const arg = sampleArg as (EventTarget & { service?: string; type?: string }) | undefined;
  let sample = arg?.sample ?? (typeof arg?.service === 'string' && typeof arg?.type === 'string' ? { service: arg.service, type: arg.type } : undefined);
  if (!sample) sample = await pickSample();
  if (!sample) return undefined;
  const engine = arg?.engine ?? (host.engines().length === 1 ? host.engines()[0] : undefined);
  const region = regionOf(engine);
  const given = programmaticArg<EventOptionValues>(optionsArg as EventOptionValues | undefined);
  let event: unknown;
  if (given) {
    // Unknown names and invalid values are EventOptionErrors, as on the command line.
    event = generateSampleEvent(sample.service, sample.type, { ...(region ? { region } : {}), ...given });
  } else {
    const states = await editOptions(sample.service, sample.type, region);
    if (!states) return undefined;
    event = generateWithOptions(sample.service, sample.type, states);
  }
  return showJsonDocument(JSON.stringify(event, null, 2));
}

export const eventCommands: Commands = {
  replayEvent: { action: 'Replay', make: (ctx) => (event?: unknown, target?: unknown) => replay(ctx.host, event, target, 'sync') },
  replayEventAsync: { action: 'Asynchronous replay', make: (ctx) => (event?: unknown, target?: unknown) => replay(ctx.host, event, target, 'async') },
  openEvent: { action: 'Open event', make: (ctx) => (event?: unknown) => openEvent(ctx.host, event) },
  saveEventAs: { action: 'Save event', make: (ctx) => (event?: unknown, options?: unknown) => saveEventAs(ctx.host, ctx.views.events, event, options) },
  generateEvent: { action: 'Generate event', make: (ctx) => (sample?: unknown, options?: unknown) => generateEvent(ctx.host, sample, options) },
};
