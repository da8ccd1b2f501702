import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BuildError } from '../../../src/core/build/types';
import { resolveLocalPython } from '../../../src/core/runtimes/pythonRuntime';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProjectClosedAfterEach, writeProject } from '../helpers/project';
import { environmentEach, writeWheel } from './buildTestSupport';

// Layers with a Metadata.BuildMethod, built by the engine into their /opt layout (nodejs/node_modules,
// python/) and used by the functions that list them; real npm and pip, offline.

/** A template: App (nodejs20.x, src/) using the layer Deps, Plain using none; `layer` is Deps' extra YAML. */
function nodeTemplate(layer = ''): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  App:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: app.handler
      Layers:
        - !Ref Deps
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: plain
      Handler: index.handler
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: deps-layer
      CompatibleRuntimes: [nodejs20.x]
    Metadata:
      BuildMethod: nodejs20.x
${layer}`;
}

/** The layer depends on the local package greeter (file:, no registry); App requires it and reads the layer's message.txt beside node_modules. */
function nodeProject(dependencies: Record<string, string> = { greeter: 'file:../greeter' }): string {
  return writeProject({
    'template.yaml': nodeTemplate(),
    'src/app.js': [
      "const fs = require('node:fs');",
      "const path = require('node:path');",
      'exports.handler = async () => {',
      "  const greeter = require('greeter');",
      "  const layerRoot = path.join(path.dirname(require.resolve('greeter')), '..', '..');",
      "  return { greeting: greeter.greet('ann'), message: fs.readFileSync(path.join(layerRoot, 'message.txt'), 'utf8').trim() };",
      '};',
      '',
    ].join('\n'),
    'plain/index.js': 'exports.handler = async () => "plain";\n',
    'deps-layer/package.json': JSON.stringify({ name: 'deps', version: '1.0.0', dependencies }),
    'deps-layer/message.txt': 'first\n',
    'greeter/package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'index.js' }),
    'greeter/index.js': 'exports.greet = (name) => `hello ${name}`;\n',
  });
}

function builds(workbench: Workbench): Array<TelemetryEvent<'workbench.build'>> {
  const events: Array<TelemetryEvent<'workbench.build'>> = [];
  workbench.telemetry.subscribe((event) => {
    if (event.type === 'workbench.build') events.push(event as TelemetryEvent<'workbench.build'>);
  });
  return events;
}

describe('build: layers with a BuildMethod', function () {
  this.timeout(60_000);
  const open = openProjectClosedAfterEach({ hotReload: false });

  it('nodejs: installs the layer’s dependencies into nodejs/node_modules, and the function requires them from its /opt', async () => {
    const dir = nodeProject();
    const workbench = await open(dir);
    const artefact = path.join(dir, '.lambda-workbench', 'build', 'Deps', 'artefact');
    assert.ok(fs.existsSync(path.join(artefact, 'nodejs', 'node_modules', 'greeter', 'index.js')), 'greeter in nodejs/node_modules');
    assert.ok(fs.existsSync(path.join(artefact, 'nodejs', 'message.txt')), 'the layer’s sources under nodejs/');
    assert.equal(workbench.getFunction('App')!.layers[0]!.contentUri, artefact);
    const result = await workbench.invoke('App', '{}');
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { greeting: 'hello ann', message: 'first' });
    assert.equal(json((await workbench.invoke('Plain', '{}')).payload), 'plain');
  });

  it('a layer that fails to build fails only the functions using it, with the build error; the others run', async () => {
    const dir = nodeProject({ gone: 'file:../gone' });
    const workbench = await open(dir);
    const failure = workbench.builds.failureOf('App');
    assert.ok(failure instanceof BuildError);
    assert.match(failure.message, /^Layer Deps did not build: npm install/);
    assert.equal(workbench.builds.failureOf('Plain'), undefined);
    const result = await workbench.invoke('App', '{}');
    assert.equal(result.functionError, 'Unhandled');
    assert.match(result.payload.toString(), /Layer Deps did not build/);
    assert.equal(json((await workbench.invoke('Plain', '{}')).payload), 'plain');
  });

  it('is up to date on reopen, and built again when its sources change', async () => {
    const dir = nodeProject();
    await (await open(dir)).close();
    const again = await open(dir);
    const [result] = await again.builds.build(['App']);
    assert.deepEqual({ name: result!.functionName, layer: result!.layer, status: result!.status }, { name: 'Deps', layer: true, status: 'upToDate' });
    const file = path.join(dir, 'deps-layer', 'message.txt');
    fs.writeFileSync(file, 'second\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 2000));
    const [rebuilt] = await again.builds.build(['App']);
    assert.equal(rebuilt!.status, 'built');
    assert.equal(fs.readFileSync(path.join(dir, '.lambda-workbench', 'build', 'Deps', 'artefact', 'nodejs', 'message.txt'), 'utf8'), 'second\n');
  });

  it('makefile: runs make build-<LogicalId> with ARTIFACTS_DIR, which lays out /opt itself', async () => {
    const dir = nodeProject();
    fs.writeFileSync(path.join(dir, 'template.yaml'), nodeTemplate().replace('BuildMethod: nodejs20.x', 'BuildMethod: makefile'));
    fs.writeFileSync(
      path.join(dir, 'deps-layer', 'Makefile'),
      [
        'build-Deps:',
        '\tmkdir -p $(ARTIFACTS_DIR)/nodejs/node_modules/greeter',
        "\techo 'exports.greet = (name) => `made for $${name}`;' > $(ARTIFACTS_DIR)/nodejs/node_modules/greeter/index.js",
        '\techo made > $(ARTIFACTS_DIR)/nodejs/message.txt',
        '',
      ].join('\n'),
    );
    const workbench = await open(dir);
    const result = await workbench.invoke('App', '{}');
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { greeting: 'made for ann', message: 'made' });
  });

  it('hot reload rebuilds a changed layer and the functions using it cold-start on the new build', async () => {
    const dir = nodeProject();
    const workbench = await open(dir, { hotReload: true });
    const events = builds(workbench);
    await workbench.hotReloadReady();
    assert.equal(json((await workbench.invoke('App', '{}')).payload).message, 'first');
    fs.writeFileSync(path.join(dir, 'deps-layer', 'message.txt'), 'second\n');
    const deadline = Date.now() + 15_000;
    let message = '';
    while (Date.now() < deadline) {
      message = json((await workbench.invoke('App', '{}')).payload).message;
      if (message === 'second') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(message, 'second');
    assert.ok(
      events.some((event) => event.record.functionName === 'Deps' && event.record.status === 'built'),
      'a workbench.build event for the layer',
    );
  });
});

describe('build: a python layer with a BuildMethod', function () {
  this.timeout(60_000);
  const open = openProjectClosedAfterEach({ hotReload: false });
  // pip sees no configuration of this machine (its local mirrors): only the wheel the test writes.
  environmentEach({
    PIP_CONFIG_FILE: '/dev/null',
    PIP_FIND_LINKS: undefined,
    PIP_EXTRA_INDEX_URL: undefined,
    PIP_INDEX_URL: undefined,
    PIP_NO_INDEX: undefined,
  });

  it('installs requirements.txt into python/ beside the layer’s sources; the function imports both', async () => {
    const python = (await resolveLocalPython('python3.11')).path;
    const dir = writeProject({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  App:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      CodeUri: src
      Handler: app.handler
      Layers:
        - !Ref PyDeps
  PyDeps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: py-layer
      CompatibleRuntimes: [python3.11]
    Metadata:
      BuildMethod: python3.11
`,
      'src/app.py': 'import tinypkg\nimport shared\ndef handler(event, context):\n    return {"greeting": tinypkg.GREETING, "shared": shared.NAME}\n',
      'py-layer/shared.py': 'NAME = "shared"\n',
      'py-layer/requirements.txt': './wheels/tinypkg-0.1-py3-none-any.whl\n',
    });
    writeWheel(python, path.join(dir, 'py-layer', 'wheels', 'tinypkg-0.1-py3-none-any.whl'), 'tinypkg', 'GREETING = "hello from tinypkg"\n');

    const workbench = await open(dir);
    assert.equal(workbench.builds.failureOf('App'), undefined, workbench.builds.failureOf('App')?.message);
    const artefact = path.join(dir, '.lambda-workbench', 'build', 'PyDeps', 'artefact');
    assert.ok(fs.existsSync(path.join(artefact, 'python', 'tinypkg', '__init__.py')), 'tinypkg under python/');
    assert.ok(fs.existsSync(path.join(artefact, 'python', 'shared.py')), 'the layer’s sources under python/');
    const result = await workbench.invoke('App', '{}');
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { greeting: 'hello from tinypkg', shared: 'shared' });
  });
});
