import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { esbuildOptions } from '../../../src/core/build/esbuildBuilder';
import { BuildError } from '../../../src/core/build/types';
import { FAKE_CREDENTIALS, Workbench, type TelemetryEvent } from '../../../src/core';
import { json, openProject, writeProject } from '../helpers/project';

// `Metadata.BuildMethod: esbuild` as SAM's TypeScript templates declare it (sam init's hello-ts):
// built into the state directory with esbuild's API, run from the artefact with source maps,
// rebuilt on save, a failing build confined to its function.

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 3
Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello-world/
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Minify: true
        Target: "es2020"
        Sourcemap: true
        EntryPoints:
        - app.ts
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: plain/
      Handler: index.handler
      Runtime: nodejs20.x
`;

const APP_TS = `import { greeting } from './lib/greeting';

export const lambdaHandler = async (event: { name?: string }): Promise<{ statusCode: number; body: string }> => {
  return { statusCode: 200, body: JSON.stringify({ message: greeting(event.name) }) };
};
`;

function project(greeting = "(name?: string): string => (name ? 'hello ' + name : 'hello world')"): string {
  return writeProject({
    'template.yaml': TEMPLATE,
    'hello-world/app.ts': APP_TS,
    'hello-world/lib/greeting.ts': `export const greeting = ${greeting};\n`,
    'hello-world/package.json': JSON.stringify({ name: 'hello-world', version: '1.0.0', main: 'app.js' }),
    'plain/index.js': 'exports.handler = async () => "plain";\n',
  });
}

function builds(workbench: Workbench): Array<TelemetryEvent<'workbench.build'>> {
  const events: Array<TelemetryEvent<'workbench.build'>> = [];
  workbench.telemetry.subscribe((event) => {
    if (event.type === 'workbench.build') events.push(event as TelemetryEvent<'workbench.build'>);
  });
  return events;
}

describe('build: BuildMethod esbuild', function () {
  this.timeout(30000);

  it('builds the TypeScript handler into the state directory and runs it (statusCode 200, hello world)', async () => {
    const dir = project();
    const workbench = await openProject(dir, { hotReload: false });
    try {
      const result = await workbench.invoke('HelloWorldFunction', '{}');
      assert.equal(result.functionError, undefined, result.payload.toString());
      assert.deepEqual(json(result.payload), { statusCode: 200, body: JSON.stringify({ message: 'hello world' }) });
      const artefact = path.join(dir, '.lambda-workbench', 'build', 'HelloWorldFunction', 'artefact');
      assert.ok(fs.existsSync(path.join(artefact, 'app.js')), 'app.js in the artefact');
      const map = JSON.parse(fs.readFileSync(path.join(artefact, 'app.js.map'), 'utf8')) as { sources: string[] };
      assert.ok(
        map.sources.some((source) => source.endsWith('app.ts')),
        `the source map points at app.ts: ${map.sources.join(', ')}`,
      );
      assert.equal(workbench.getFunction('HelloWorldFunction')!.codeUri, artefact);
      assert.equal(workbench.getFunction('Plain')!.codeUri, path.join(dir, 'plain'), 'a function without a build runs from its sources');
      assert.equal(json((await workbench.invoke('Plain', '{}')).payload), 'plain');
    } finally {
      await workbench.close();
    }
  });

  it('does not rebuild an artefact whose sources did not change; rebuilds when one did', async () => {
    const dir = project();
    await (await openProject(dir, { hotReload: false })).close();
    const again = await openProject(dir, { hotReload: false });
    try {
      const [result] = await again.builds.build(['HelloWorldFunction']);
      assert.equal(result!.status, 'upToDate');
      const file = path.join(dir, 'hello-world', 'lib', 'greeting.ts');
      fs.writeFileSync(file, "export const greeting = (): string => 'changed';\n");
      fs.utimesSync(file, new Date(), new Date(Date.now() + 2000));
      const [rebuilt] = await again.builds.build(['HelloWorldFunction']);
      assert.equal(rebuilt!.status, 'built');
      assert.deepEqual(json((await again.invoke('HelloWorldFunction', '{}')).payload).body, JSON.stringify({ message: 'changed' }));
    } finally {
      await again.close();
    }
  });

  it("a build error names file:line:column, fails only that function's invocations, and the others run", async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'hello-world', 'lib', 'greeting.ts'), 'export const greeting = (name?: string) => {\n  return "x" +;\n};\n');
    const workbench = await openProject(dir, { hotReload: false });
    try {
      const failure = workbench.builds.failureOf('HelloWorldFunction');
      assert.ok(failure instanceof BuildError);
      assert.match(failure.message, /lib\/greeting\.ts:2:\d+: /);
      const result = await workbench.invoke('HelloWorldFunction', '{}');
      assert.equal(result.functionError, 'Unhandled');
      assert.match(result.payload.toString(), /greeting\.ts:2:\d+/);
      assert.equal(json((await workbench.invoke('Plain', '{}')).payload), 'plain');
    } finally {
      await workbench.close();
    }
  });

  it('hot reload rebuilds the function on save and the next invocation runs the new code', async () => {
    const dir = project();
    const workbench = await openProject(dir);
    const events = builds(workbench);
    try {
      await workbench.hotReloadReady();
      assert.equal(json((await workbench.invoke('HelloWorldFunction', '{"name":"ann"}')).payload).body, JSON.stringify({ message: 'hello ann' }));
      fs.writeFileSync(path.join(dir, 'hello-world', 'lib', 'greeting.ts'), "export const greeting = (name?: string): string => 'hi ' + name;\n");
      const deadline = Date.now() + 10000;
      let body = '';
      while (Date.now() < deadline) {
        body = json((await workbench.invoke('HelloWorldFunction', '{"name":"ann"}')).payload).body;
        if (body.includes('hi ann')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(body, JSON.stringify({ message: 'hi ann' }));
      assert.ok(
        events.some((event) => event.record.status === 'built' && event.record.functionName === 'HelloWorldFunction'),
        'a workbench.build event for the rebuild',
      );
    } finally {
      await workbench.close();
    }
  });

  it('runs the template sam build wrote (.aws-sam/build/template.yaml) as SAM built it, building nothing', async () => {
    const dir = writeProject({
      '.aws-sam/build/template.yaml': TEMPLATE.replace('CodeUri: hello-world/', 'CodeUri: HelloWorldFunction').replace('CodeUri: plain/', 'CodeUri: Plain'),
      '.aws-sam/build/HelloWorldFunction/app.js':
        'exports.lambdaHandler = async () => ({ statusCode: 200, body: JSON.stringify({ message: "built by sam" }) });\n',
      '.aws-sam/build/Plain/index.js': 'exports.handler = async () => "plain";\n',
    });
    const workbench = await Workbench.open({
      template: path.join(dir, '.aws-sam', 'build', 'template.yaml'),
      settings: { credentials: async () => FAKE_CREDENTIALS, hotReload: false },
    });
    try {
      assert.deepEqual(await workbench.builds.build(), []);
      assert.deepEqual(json((await workbench.invoke('HelloWorldFunction', '{}')).payload), {
        statusCode: 200,
        body: JSON.stringify({ message: 'built by sam' }),
      });
    } finally {
      await workbench.close();
    }
  });

  describe('BuildProperties → esbuild options, as SAM maps them', () => {
    const dir = writeProject({ 'src/app.ts': 'export const handler = async () => 1;\n', 'src/other.js': '' });
    const source = path.join(dir, 'src');

    it("takes SAM's fixed values and defaults, and always writes source maps", () => {
      const options = esbuildOptions({ EntryPoints: ['app'] }, source, '/out');
      assert.deepEqual(options.entryPoints, [path.join(source, 'app.ts')]);
      assert.equal(options.bundle, true);
      assert.equal(options.platform, 'node');
      assert.equal(options.outdir, '/out');
      assert.equal(options.target, 'es2020');
      assert.equal(options.format, 'cjs');
      assert.equal(options.minify, true);
      assert.equal(options.sourcemap, true);
      const explicit = esbuildOptions({ EntryPoints: ['app.ts'], Sourcemap: false, Minify: false, Platform: 'browser', Bundle: false }, source, '/out');
      assert.equal(explicit.sourcemap, true, 'a local build always has source maps');
      assert.equal(explicit.minify, false);
      assert.equal(explicit.platform, 'node');
      assert.equal(explicit.bundle, true);
    });

    it('maps lists of key=value pairs, comma lists and plain values', () => {
      const options = esbuildOptions(
        {
          EntryPoints: ['app.ts', 'other.js'],
          Format: 'esm',
          OutExtension: ['.js=.mjs'],
          Loader: ['.png=file', '.txt=text'],
          External: ['@aws-sdk/*'],
          MainFields: 'module,main',
          Banner: ['js=// banner'],
          Define: ['process.env.STAGE="dev"'],
          KeepNames: true,
        },
        source,
        '/out',
      );
      assert.equal(options.format, 'esm');
      assert.deepEqual(options.outExtension, { '.js': '.mjs' });
      assert.deepEqual(options.loader, { '.png': 'file', '.txt': 'text' });
      assert.deepEqual(options.external, ['@aws-sdk/*']);
      assert.deepEqual(options.mainFields, ['module', 'main']);
      assert.deepEqual(options.banner, { js: '// banner' });
      assert.deepEqual(options.define, { 'process.env.STAGE': '"dev"' });
      assert.equal(options.keepNames, true);
    });

    it('refuses missing or unknown entry points and malformed pairs with BuildError', () => {
      assert.throws(() => esbuildOptions({}, source, '/out'), BuildError);
      assert.throws(() => esbuildOptions({ EntryPoints: ['nothere.ts'] }, source, '/out'), /entry point nothere\.ts does not exist/);
      assert.throws(() => esbuildOptions({ EntryPoints: ['app.ts'], Loader: ['png'] }, source, '/out'), /key=value/);
    });
  });
});
