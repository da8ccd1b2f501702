import * as vscode from 'vscode';
import type { FunctionDefinition } from '../../core/config';
import type { AliasConfiguration } from '../../core';
import { aliasArgs, aliasWeights, type AliasArgs } from '../commandArgs';
import { aliasRouting, configDescription, parseWeight } from '../viewLabels';
import type { FunctionsTreeProvider } from '../views/functionsView';
import type { Engine } from '../workbenchHost';
import type { FunctionResolver } from './functionResolver';

// Published versions and aliases: publish $LATEST, create or update an alias (its version and an
// optional weighted second version), delete one. Changes go through the engine's control plane, so
// they are validated and worded as Lambda's API would; the Functions view is redrawn after each.

export class VersionCommands {
  constructor(
    private readonly functions: FunctionResolver,
    private readonly functionsView: FunctionsTreeProvider,
  ) {}

  async publishVersion(target?: unknown, description?: unknown): Promise<{ version: string; created: boolean } | undefined> {
    const resolved = await this.functions.resolve(target);
    if (!resolved) return undefined;
    const { engine, fn } = resolved;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Publishing ${fn.functionName}…` }, () =>
      engine.workbench.publishVersion(fn.functionName, typeof description === 'string' ? description : undefined),
    );
    this.functionsView.refresh();
    void vscode.window.showInformationMessage(
      result.created
        ? `Lambda: published ${fn.functionName} version ${result.version}.`
        : `Lambda: ${fn.functionName} has not changed since version ${result.version}; nothing was published.`,
    );
    return result;
  }

  async createAlias(target?: unknown, options?: unknown): Promise<{ created: boolean; alias: AliasConfiguration } | undefined> {
    const resolved = await this.functions.resolve(target);
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
    this.functionsView.refresh();
    void vscode.window.setStatusBarMessage(
      `$(tag) ${exists ? 'Updated' : 'Created'} alias ${fn.functionName}:${alias.Name} → ${aliasRouting(alias.FunctionVersion, alias.RoutingConfig?.AdditionalVersionWeights)}`,
      8000,
    );
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
      const picked =
        aliases.length === 0
          ? { name: NEW }
          : await vscode.window.showQuickPick(
              [
                { label: '$(add) New alias…', name: NEW },
                ...aliases.map((a) => ({
                  label: `$(tag) ${a.name}`,
                  description: `→ ${aliasRouting(a.functionVersion, a.additionalVersionWeights)}`,
                  name: a.name,
                })),
              ],
              { placeHolder: `Create or update which alias of ${fn.functionName}?` },
            );
      if (!picked) return undefined;
      name = picked.name;
      if (name === NEW) {
        name = await vscode.window.showInputBox({
          prompt: `Name of the new alias of ${fn.functionName}`,
          placeHolder: 'prod',
          validateInput: (text) =>
            /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(text) ? undefined : 'Letters, digits, - and _ (not only digits), at most 128 characters',
        });
        if (!name) return undefined;
      }
    }
    const current = aliases.find((a) => a.name === name);

    let version = isVersion ? qualifier : undefined;
    if (!version) {
      const items = [
        ...versions
          .slice()
          .reverse()
          .map((v) => ({
            label: `$(git-commit) ${v.version}`,
            description: [configDescription(v.config), v.description, current?.functionVersion === v.version ? '(current)' : ''].filter(Boolean).join(' · '),
            version: v.version,
          })),
        { label: '$(edit) $LATEST', description: current?.functionVersion === '$LATEST' ? '(current)' : "the template's code", version: '$LATEST' },
      ];
      if (versions.length === 0) {
        items.unshift({
          label: '$(cloud-upload) Publish a version first…',
          description: 'publishes $LATEST, then points the alias at it',
          version: '\0publish',
        });
      }
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
    const extra = await vscode.window.showQuickPick(
      [
        { label: `$(circle-slash) Only version ${version}`, description: 'no weighted routing', version: undefined as string | undefined },
        ...others
          .slice()
          .reverse()
          .map((v) => ({
            label: `$(git-compare) Also version ${v.version}`,
            description: currentExtra?.[0] === v.version ? `(current: ${Number((currentExtra[1] * 100).toFixed(2))}%)` : 'with a weight',
            version: v.version as string | undefined,
          })),
      ],
      { placeHolder: `Route a share of ${name}'s invocations to another version?` },
    );
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
    const resolved = await this.functions.resolve(target);
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
    this.functionsView.refresh();
    void vscode.window.setStatusBarMessage(`$(trash) Deleted alias ${fn.functionName}:${name}`, 8000);
    return true;
  }
}
