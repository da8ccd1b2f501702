// The extension in a real extension host: activation, the engine for the fixture workspace, the
// output channel and the contributed commands.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Engine } from '../../../src/extension/workbenchHost';
import { activateExtension, contributedCommands, eventually, EXTENSION_ID, fixtureEngine } from './helpers';

describe('activation (real extension host)', () => {
  it('runs in a real VS Code extension host with the fixture workspace open', () => {
    assert.ok(/^1\.\d+/.test(vscode.version), `vscode.version=${vscode.version}`);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1);
    if (process.env.EXT_TEST_WORKSPACE) assert.strictEqual(folders[0].uri.fsPath, process.env.EXT_TEST_WORKSPACE);
    console.log(
      `    vscode ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, remote ${vscode.env.remoteName ?? 'none'}, node ${process.version}, workspace ${folders[0].uri.fsPath}`,
    );
  });

  it('activates and returns { host }', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const api = await activateExtension();
    assert.ok(extension.isActive);
    assert.strictEqual(typeof api.host.engines, 'function');
  });

  it("opens one engine for the fixture workspace's template", async () => {
    const { engine } = await fixtureEngine();
    const folder = vscode.workspace.workspaceFolders![0];
    assert.strictEqual(engine.folder.uri.toString(), folder.uri.toString());
    assert.strictEqual(engine.templateFile, path.join(folder.uri.fsPath, 'template.yaml'));
    assert.strictEqual(engine.label, folder.name);
    assert.deepStrictEqual(
      engine.workbench
        .functions()
        .map((f) => f.logicalId)
        .sort(),
      ['Greet', 'Hello', 'TsHello', 'Worker'],
    );
  });

  it('has its "Lambda" output channel', async () => {
    const { host } = await activateExtension();
    assert.strictEqual(host.output.name, 'Lambda');
  });

  it('registers every lambdaWorkbench.* command it contributes', async () => {
    const contributed = contributedCommands();
    assert.ok(contributed.length > 0, 'package.json contributes lambdaWorkbench.* commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it("opens the Lambda view container and its views' focus commands work", async () => {
    await vscode.commands.executeCommand('workbench.view.extension.lambdaWorkbench');
    for (const view of ['functions', 'environments', 'events', 'eventSources']) {
      await vscode.commands.executeCommand(`lambdaWorkbench.${view}.focus`);
    }
  });

  it('reopens its engine with samconfig.toml and the env-vars file it names when either is written, and without them when removed', async () => {
    const { host, engine: before } = await fixtureEngine();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const samconfig = path.join(folder, 'samconfig.toml');
    const envVars = path.join(folder, 'env.local.json');
    const reopened = (previous: Engine, what: string) =>
      eventually(`the engine reopened ${what}`, () => host.engines().find((e) => e.workbench !== previous.workbench), 30_000);
    try {
      fs.writeFileSync(envVars, JSON.stringify({ Hello: { GREETING: 'Bonjour' } }));
      fs.writeFileSync(samconfig, 'version = 0.1\n[default.global.parameters]\nregion = "eu-west-3"\nenv_vars = "env.local.json"\n');
      let engine = await reopened(before, 'with samconfig.toml');
      await eventually('the engine reads the samconfig', () => host.engines()[0]?.workbench.settings.region === 'eu-west-3', 30_000);
      engine = host.engines()[0];
      assert.deepStrictEqual(engine.workbench.settings.environmentOverrides, { Hello: { GREETING: 'Bonjour' } });

      fs.writeFileSync(envVars, JSON.stringify({ Hello: { GREETING: 'Hola' } }));
      await reopened(engine, 'with the edited env-vars file');
      await eventually('the new env-vars', () => host.engines()[0]?.workbench.settings.environmentOverrides?.Hello?.GREETING === 'Hola', 30_000);
    } finally {
      fs.rmSync(samconfig, { force: true });
      fs.rmSync(envVars, { force: true });
    }
    await eventually('the engine without samconfig', () => host.engines()[0]?.workbench.settings.region === 'us-east-1', 30_000);
    assert.strictEqual(host.engines()[0].workbench.settings.environmentOverrides, undefined);
  });
});
