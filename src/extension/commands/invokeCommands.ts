import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config';
import { CATALOG, generateSampleEvent, listSavedEvents, readSavedEvent } from '../../core/events';
import type { InvocationResult } from '../../core';
import { payloadArg, sampleArg } from '../commandArgs';
import { showInvocationResult } from '../invocationResults';
import { isEventTarget, isFunctionTarget, type EventTarget } from '../targets';
import { aliasRouting, configDescription } from '../viewLabels';
import type { Engine } from '../workbenchHost';
import { reportError, withDelayedProgress } from './commandFeedback';
import type { FunctionResolver, ResolvedFunction } from './functionResolver';

// The invoke flow: which function (functionResolver.ts), which qualifier ($LATEST, a version or an
// alias — asked only when the function has any), which event ({}, the previous one, a sample, a
// saved event, typed JSON), then the invocation with its result shown. The last event per function
// is remembered so the next invoke (and Debug Function) can offer it again.

/** Workspace state: the last payload per `${templateFile}\0${functionName}` (the debugFunction command reuses it). */
export const LAST_PAYLOAD_KEY = 'lambdaWorkbench.lastPayload';

export class InvokeCommands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly functions: FunctionResolver,
  ) {}

  async invoke(target?: unknown, payloadOption?: unknown): Promise<InvocationResult | undefined> {
    // A tree with multi-selection passes the selected nodes as the second argument: not a payload.
    const payload = Array.isArray(payloadOption) && payloadOption.some((p) => isFunctionTarget(p) || p instanceof vscode.TreeItem) ? undefined : payloadOption;
    const event = isEventTarget(target) && !isFunctionTarget(target) ? target : undefined;
    const resolved = await this.functions.resolve(event ? undefined : target, event?.engine);
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
    const resolved = await this.functions.resolve(functionTarget, among);
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

  private async run(resolved: ResolvedFunction, qualifier: string | undefined, payload: string): Promise<InvocationResult> {
    const { engine, fn } = resolved;
    const title = `${fn.functionName}:${qualifier ?? '$LATEST'}`;
    const result = await withDelayedProgress(`Invoking ${title}…`, engine.workbench.invoke(fn.functionName, payload, { qualifier }));
    this.remember(engine, fn, payload);
    try {
      await showInvocationResult(result, title);
    } catch (error) {
      // The invocation ran: its result is returned even when showing it failed.
      reportError('Show result', error);
    }
    return result;
  }

  // --- the qualifier --------------------------------------------------------------------------

  /** $LATEST, a version or an alias; asked only when the function has versions or aliases. */
  private async pickQualifier(engine: Engine, fn: FunctionDefinition): Promise<string | undefined> {
    const store = engine.workbench.versions.store;
    const [versions, aliases] = await Promise.all([store.listVersions(fn.functionName), store.listAliases(fn.functionName)]);
    if (versions.length === 0 && aliases.length === 0) return '$LATEST';
    const items: Array<vscode.QuickPickItem & { qualifier: string }> = [
      { label: '$(edit) $LATEST', description: "the template's code", qualifier: '$LATEST' },
      ...aliases.map((a) => ({
        label: `$(tag) ${a.name}`,
        description: `→ ${aliasRouting(a.functionVersion, a.additionalVersionWeights)}`,
        qualifier: a.name,
      })),
      ...versions
        .slice()
        .reverse()
        .map((v) => ({
          label: `$(git-commit) ${v.version}`,
          description: [configDescription(v.config), v.description].filter(Boolean).join(' · '),
          qualifier: v.version,
        })),
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Invoke which version of ${fn.functionName}?` });
    return picked?.qualifier;
  }

  // --- the event ------------------------------------------------------------------------------

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
      Object.entries(types).map(([type, entry]) => ({ label: `${service} ${type}`, description: entry.description, sample: { service, type } })),
    );
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
      ...(previous !== undefined
        ? [{ label: '$(history) Previous event', description: previous.replace(/\s+/g, ' ').slice(0, 80), pick: () => previous }]
        : []),
      {
        label: '$(symbol-event) Sample event…',
        description: 'generated: S3, SQS, API Gateway, EventBridge…',
        pick: async () => {
          const sample = await this.pickSample();
          return sample && this.sampleText(engine, sample);
        },
      },
      { label: '$(edit) Enter JSON…', pick: () => this.typeJson(previous) },
    ];
    if (saved.length > 0) {
      items.push({ label: 'Saved events', kind: vscode.QuickPickItemKind.Separator, pick: () => undefined });
      for (const event of saved) {
        items.push({
          label: `$(file) ${event.name}`,
          description: path.relative(path.dirname(engine.templateFile), event.file),
          pick: () => readSavedEvent(event),
        });
      }
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
}
