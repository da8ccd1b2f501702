import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractArchive, LAMBDA_UNZIPPED_LIMIT_BYTES } from '../../../src/core/build/archiveExtraction';
import { BuildError } from '../../../src/core/build/types';
import { loadTemplate } from '../../../src/core/config';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { tempDirEach } from '../helpers/tempDir';
import { waitFor } from '../helpers/wait';
import { json, openProjectClosedAfterEach, samLayers, samTemplate, writeProject } from '../helpers/project';
import { treeEntries, writeZip, zipBytes, type ZipEntry } from './zipWriter';
import { JAR, JAVAC, buildCoreJar, compileJava } from '../helpers/java';

// A CodeUri (or layer ContentUri) that is a .zip or .jar deployment package, run as Lambda runs one:
// the engine extracts it into the state directory (build/<LogicalId>/artefact) and the function runs
// from there — Node functions, a Node layer, Java functions from a shaded .jar (Maven's
// target/app-1.0.jar) and from a zip of classes + lib/*.jar (Gradle's build/distributions/app.zip),
// compiled with javac against test/fixtures/java/core and packaged with `jar`. Re-extraction when the
// archive changes (at open and on hot reload), and hostile archives (zip-slip, links out, oversize,
// corrupt) refused for that function alone. The archives are written byte by byte (zipWriter.ts),
// so the tests control what real tools would never write.

function buildEvents(events: TelemetryEvent[], functionName: string): string[] {
  return events
    .filter((e): e is TelemetryEvent<'workbench.build'> => e.type === 'workbench.build')
    .filter((e) => e.record.functionName === functionName)
    .map((e) => `${e.record.builder}:${e.record.status}`);
}

function artefactOf(dir: string, logicalId: string): string {
  return path.join(dir, '.lambda-workbench', 'build', logicalId, 'artefact');
}

describe('extractArchive: a deployment package unpacked as Lambda does, hostile archives refused', () => {
  let root: string;
  tempDirEach('lwb-archive-', (dir) => (root = dir));
  const zip = (entries: ZipEntry[]) => {
    const file = path.join(root, 'code.zip');
    writeZip(file, entries);
    return file;
  };
  const refused = async (entries: ZipEntry[], pattern: RegExp, options = {}) => {
    const archive = zip(entries);
    const out = path.join(root, 'out', 'task');
    const error = await extractArchive(archive, out, options).then(
      () => assert.fail('the archive was extracted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BuildError, String(error));
    assert.ok(error.message.includes(archive), `the message names the archive: ${error.message}`);
    assert.match(error.message, pattern);
    return out;
  };

  it('keeps Unix modes (an executable stays executable), links inside the code, nested folders without their own entries; 0644 without Unix attributes', async () => {
    const out = path.join(root, 'task');
    const result = await extractArchive(
      zip([
        { name: 'bootstrap', data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
        { name: 'lib/deep/data.txt', data: 'data', mode: 0o100640 },
        { name: 'lib/current', data: 'deep', mode: 0o120777 },
        { name: 'windows.txt', data: 'no unix attributes' },
        { name: 'setuid', data: 'x', mode: 0o104755 },
        { name: 'empty/', mode: 0o040755 },
      ]),
      out,
    );
    assert.deepEqual(result, { files: 4, bytes: 'data'.length + '#!/bin/sh\necho hi\n'.length + 'no unix attributes'.length + 1 });
    const mode = (name: string) => fs.statSync(path.join(out, name)).mode & 0o7777;
    assert.equal(mode('bootstrap'), 0o755);
    assert.equal(mode('lib/deep/data.txt'), 0o640);
    assert.equal(mode('windows.txt'), 0o644);
    assert.equal(mode('setuid'), 0o755, 'no setuid bit from an archive');
    assert.equal(execFileSync(path.join(out, 'bootstrap'), { encoding: 'utf8' }), 'hi\n');
    assert.equal(fs.readlinkSync(path.join(out, 'lib', 'current')), 'deep');
    assert.equal(fs.readFileSync(path.join(out, 'lib', 'current', 'data.txt'), 'utf8'), 'data');
    assert.ok(fs.statSync(path.join(out, 'empty')).isDirectory());
  });

  it('refuses an entry named ../ (zip-slip) or with an absolute path, writing nothing outside', async () => {
    const out = await refused(
      [
        { name: 'ok.txt', data: 'ok' },
        { name: '../../evil.txt', data: 'evil' },
      ],
      /the entry '\.\.\/\.\.\/evil\.txt' would be written outside the code directory \(zip-slip\)/,
    );
    assert.ok(!fs.existsSync(path.join(root, 'evil.txt')) && !fs.existsSync(path.join(root, 'out', 'evil.txt')));
    assert.ok(!fs.existsSync(path.join(out, 'ok.txt')), 'refused before anything is written');
    await refused([{ name: '/tmp/lwb-absolute-evil.txt', data: 'evil' }], /the entry '\/tmp\/lwb-absolute-evil\.txt' would be written outside/);
    assert.ok(!fs.existsSync('/tmp/lwb-absolute-evil.txt'));
    // A Windows-made name: backslashes are separators, so ..\ is refused too.
    await refused([{ name: '..\\evil.txt', data: 'evil' }], /would be written outside the code directory/);
  });

  it('refuses links that point outside (absolute, ../, or through another link) and writing through a link', async () => {
    await refused([{ name: 'etc', data: '/etc', mode: 0o120777 }], /the symbolic link 'etc' points outside the code directory \(to '\/etc'\)/);
    await refused([{ name: 'a/up', data: '../../..', mode: 0o120777 }], /the symbolic link 'a\/up' points outside/);
    // Each is inside on its own; `through` resolves to the parent of the code directory.
    const out = await refused(
      [
        { name: 'x/y/s', data: '../..', mode: 0o120777 },
        { name: 'through', data: 'x/y/s/..', mode: 0o120777 },
      ],
      /the symbolic link 'through' resolves outside the code directory/,
    );
    assert.ok(out);
    await refused(
      [
        { name: 'real/', mode: 0o040755 },
        { name: 'alias', data: 'real', mode: 0o120777 },
        { name: 'alias/file.txt', data: 'via a link' },
      ],
      /the entry 'alias\/file\.txt' would be written through the symbolic link 'alias'/,
    );
  });

  it('refuses an archive that unpacks to more than Lambda’s 250 MB (as declared, before writing), and one whose entry holds more than it declares', async () => {
    await refused(
      [{ name: 'big.bin', data: 'small', declaredSize: LAMBDA_UNZIPPED_LIMIT_BYTES + 1 }],
      /unpacks to more than 250 MB \(250 MB declared\); Lambda's limit on unzipped code is 250 MB/,
    );
    await refused(
      [
        { name: 'a.bin', data: Buffer.alloc(600) },
        { name: 'b.bin', data: Buffer.alloc(600) },
      ],
      /unpacks to more than 1000 bytes \(1200 bytes declared\)/,
      { maxBytes: 1000 },
    );
    // A zip bomb's trick: the header says 10 bytes, the deflated data holds a megabyte.
    await refused(
      [{ name: 'bomb.bin', data: Buffer.alloc(1024 * 1024), declaredSize: 10 }],
      /is not a readable zip archive \(entry 'bomb\.bin'\): too many bytes in the stream/,
    );
  });

  it('refuses an encrypted entry, and an entry named as the code directory itself', async () => {
    await refused([{ name: 'secret.txt', data: 'x', encrypted: true }], /the entry 'secret\.txt' is encrypted; Lambda needs an unencrypted archive/);
    await refused(
      [
        { name: './', mode: 0o040755 },
        { name: '.', data: 'x' },
      ],
      /the entry '\.' names the code directory itself/,
    );
  });

  it('says a corrupt or truncated archive is not a readable zip', async () => {
    const archive = path.join(root, 'code.zip');
    fs.writeFileSync(archive, 'this is not a zip archive at all');
    await assert.rejects(
      extractArchive(archive, path.join(root, 'out')),
      (e: Error) => e instanceof BuildError && /code\.zip is not a readable zip archive: End of central directory record signature not found/.test(e.message),
    );
    const whole = zipBytes([{ name: 'a.txt', data: 'x'.repeat(1000) }]);
    fs.writeFileSync(archive, whole.subarray(0, whole.length - 30));
    await assert.rejects(extractArchive(archive, path.join(root, 'out2')), /code\.zip is not a readable zip archive/);
  });
});

describe('archive CodeUris through the engine (Node.js)', function () {
  this.timeout(60_000);
  const open = openProjectClosedAfterEach({ hotReload: false });

  /** A project whose App runs from app.zip (a dependency in node_modules, an executable tool), Plain from a directory, WithLayer uses a layer from layer.zip. */
  function project(): string {
    const dir = writeProject({
      'template.yaml':
        samTemplate({
          App: { handler: 'app.handler', codeUri: 'dist/app.zip' },
          Plain: { handler: 'index.handler', codeUri: 'plain' },
          WithLayer: { handler: 'index.handler', codeUri: 'uses-layer.ZIP', props: 'Layers:\n  - !Ref Shared' },
        }) + samLayers({ Shared: 'layer.zip' }),
      'plain/index.js': 'exports.handler = async () => "plain";\n',
    });
    writeApp(dir, 'one');
    writeZip(path.join(dir, 'uses-layer.ZIP'), [{ name: 'index.js', data: 'exports.handler = async () => require("shared")();\n', mode: 0o100644 }]);
    writeZip(path.join(dir, 'layer.zip'), [
      { name: 'nodejs/', mode: 0o040755 },
      { name: 'nodejs/node_modules/shared/index.js', data: 'module.exports = () => "from the layer " + __dirname;\n', mode: 0o100644 },
    ]);
    return dir;
  }

  function writeApp(dir: string, version: string): void {
    writeZip(path.join(dir, 'dist', 'app.zip'), [
      {
        name: 'app.js',
        data: `const dep = require('dep');\nexports.handler = async () => ({ version: '${version}', dep: dep(), dir: __dirname, tool: require('fs').statSync(__dirname + '/bin/tool').mode & 0o777 });\n`,
        mode: 0o100644,
        method: 'store',
      },
      { name: 'node_modules/dep/index.js', data: 'module.exports = () => "dep";\n', mode: 0o100644 },
      { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o100755 },
    ]);
  }

  it('runs a function from a .zip CodeUri, extracted into build/<LogicalId>/artefact with its modes; a .ZIP and a layer .zip too; a directory CodeUri beside them is untouched', async () => {
    const dir = project();
    const workbench = await open(dir);
    const result = await workbench.invoke('App', '{}');
    assert.equal(result.functionError, undefined, result.payload.toString());
    assert.deepEqual(json(result.payload), { version: 'one', dep: 'dep', dir: artefactOf(dir, 'App'), tool: 0o755 });
    assert.equal(workbench.getFunction('App')?.codeUri, artefactOf(dir, 'App'));
    const layered = await workbench.invoke('WithLayer', '{}');
    assert.equal(layered.functionError, undefined, layered.payload.toString());
    assert.match(json(layered.payload), /^from the layer .*\/nodejs\/node_modules\/shared$/);
    assert.equal(json((await workbench.invoke('Plain', '{}')).payload), 'plain');
    assert.equal(workbench.getFunction('Plain')?.codeUri, path.join(dir, 'plain'));
    assert.ok(!fs.existsSync(path.join(dir, '.lambda-workbench', 'build', 'Plain')), 'nothing extracted for a directory');
  });

  it('extracts again only when the archive’s content changed (same size and time: still seen), at the next open', async () => {
    const dir = project();
    const first = await open(dir);
    const events: TelemetryEvent[] = [];
    await first.close();
    const again = await open(dir);
    again.telemetry.subscribe((e) => events.push(e));
    await again.builds.build(['App']);
    assert.deepEqual(buildEvents(events, 'App'), ['archive:upToDate']);
    const archive = path.join(dir, 'dist', 'app.zip');
    const { size, mtime } = fs.statSync(archive);
    writeApp(dir, 'two');
    fs.utimesSync(archive, mtime, mtime);
    assert.equal(fs.statSync(archive).size, size, 'same size');
    await again.close();
    const third = await open(dir);
    assert.equal(json((await third.invoke('App', '{}')).payload).version, 'two');
  });

  it('hot reload: a rewritten archive is extracted again and the next invocation runs the new code', async () => {
    const dir = project();
    const workbench = await open(dir, { hotReload: true });
    const events: TelemetryEvent[] = [];
    workbench.telemetry.subscribe((e) => events.push(e));
    await workbench.hotReloadReady();
    assert.equal(json((await workbench.invoke('App', '{}')).payload).version, 'one');
    writeApp(dir, 'two');
    const version = await waitFor(
      async () => {
        const v = json((await workbench.invoke('App', '{}')).payload).version as string;
        return v === 'two' && v;
      },
      15_000,
      'the new archive to run',
    );
    assert.equal(version, 'two');
    assert.ok(buildEvents(events, 'App').includes('archive:built'), buildEvents(events, 'App').join());
    assert.ok(
      events.some(
        (e) =>
          e.type === 'workbench.reload' &&
          (e as TelemetryEvent<'workbench.reload'>).record.functionName === 'App' &&
          (e as TelemetryEvent<'workbench.reload'>).record.reason === 'code',
      ),
    );
  });

  it('a hostile or corrupt archive fails that function alone, with what is wrong and the archive’s path; the others run', async () => {
    const dir = writeProject({
      'template.yaml': samTemplate({
        Slip: { handler: 'app.handler', codeUri: 'slip.zip' },
        LinkOut: { handler: 'app.handler', codeUri: 'link.zip' },
        Huge: { handler: 'app.handler', codeUri: 'huge.zip' },
        Corrupt: { handler: 'app.handler', codeUri: 'corrupt.jar' },
        Fine: { handler: 'app.handler', codeUri: 'fine.zip' },
      }),
      'corrupt.jar': 'PK\u0003\u0004 truncated',
    });
    const app = { name: 'app.js', data: 'exports.handler = async () => "fine";\n', mode: 0o100644 };
    writeZip(path.join(dir, 'slip.zip'), [app, { name: '../outside.js', data: 'evil' }]);
    writeZip(path.join(dir, 'link.zip'), [app, { name: 'secrets', data: '/root', mode: 0o120777 }]);
    writeZip(path.join(dir, 'huge.zip'), [app, { name: 'big.bin', data: 'x', declaredSize: 300 * 1024 * 1024 }]);
    writeZip(path.join(dir, 'fine.zip'), [app]);
    const workbench = await open(dir);
    const failure = async (name: string) => {
      const result = await workbench.invoke(name, '{}');
      assert.equal(result.functionError, 'Unhandled', `${name}: ${result.payload}`);
      return result.payload.toString();
    };
    assert.match(
      await failure('Slip'),
      new RegExp(`${path.join(dir, 'slip.zip')}: the entry '\\.\\./outside\\.js' would be written outside the code directory \\(zip-slip\\)`),
    );
    assert.deepEqual(
      fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('outside.js')),
      [],
      'nothing written anywhere',
    );
    assert.match(await failure('LinkOut'), /link\.zip: the symbolic link 'secrets' points outside the code directory \(to '\/root'\)/);
    assert.match(await failure('Huge'), /huge\.zip unpacks to more than 250 MB \(300 MB declared\); Lambda's limit on unzipped code is 250 MB/);
    assert.match(await failure('Corrupt'), /corrupt\.jar is not a readable zip archive/);
    assert.equal(json((await workbench.invoke('Fine', '{}')).payload), 'fine');
  });

  it('the template reader: an archive of another kind is an error; a BuildMethod on an archive is a warning (it runs as packaged, as sam build skips it)', async () => {
    const dir = writeProject({
      'template.yaml':
        samTemplate({ Tarred: { handler: 'app.handler', codeUri: 'app.tar.gz' }, Zipped: { handler: 'app.handler', codeUri: 'app.zip' } }) +
        '    Metadata:\n      BuildMethod: esbuild\n',
      'app.tar.gz': 'not a zip',
    });
    writeZip(path.join(dir, 'app.zip'), [{ name: 'app.js', data: 'exports.handler = async () => 1;\n' }]);
    const model = await loadTemplate(path.join(dir, 'template.yaml'));
    const messages = model.diagnostics.map((d) => `${d.severity}: ${d.message}`);
    assert.ok(
      messages.includes(`error: CodeUri must be a directory or a .zip / .jar archive; ${path.join(dir, 'app.tar.gz')} is neither`),
      messages.join('\n'),
    );
    assert.ok(
      messages.some(
        (m) => m === `warning: Metadata.BuildMethod esbuild is not used: the code is the archive ${path.join(dir, 'app.zip')}, which runs as packaged`,
      ),
      messages.join('\n'),
    );
    assert.equal(model.functions.find((fn) => fn.logicalId === 'Zipped')?.build, undefined);
  });
});

describe('archive CodeUris through the engine (Java: a shaded .jar and a zip of classes + lib/*.jar)', function () {
  this.timeout(90_000);
  const open = openProjectClosedAfterEach({ hotReload: false });
  let work: string;
  before(function () {
    if (!JAVAC || !JAR) this.skip();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-archive-'));
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  /** Compiles the core interfaces (core.jar) and a handler against them; returns their class folders. */
  function compile(): { coreClasses: string; coreJar: string; classes: string } {
    const coreClasses = path.join(work, 'core-classes');
    const coreJar = path.join(work, 'aws-lambda-java-core.jar');
    const classes = path.join(work, 'classes');
    const source = path.join(work, 'src', 'demo', 'Greeter.java');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(
      source,
      [
        'package demo;',
        'import com.amazonaws.services.lambda.runtime.Context;',
        'import com.amazonaws.services.lambda.runtime.RequestHandler;',
        'import java.util.Map;',
        'public class Greeter implements RequestHandler<Map<String, Object>, Map<String, String>> {',
        '    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {',
        '        return Map.of("greeting", "hello " + event.get("name"),',
        '            "loadedFrom", Greeter.class.getProtectionDomain().getCodeSource().getLocation().getPath(),',
        '            "coreFrom", RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().getPath());',
        '    }',
        '}',
      ].join('\n'),
    );
    buildCoreJar(coreClasses, coreJar);
    compileJava(classes, [source], ['-cp', coreJar]);
    return { coreClasses, coreJar, classes };
  }

  it('runs a handler from Maven’s shaded target/app-1.0.jar and from Gradle’s build/distributions/app.zip (classes at the root, lib/*.jar)', async () => {
    const { coreClasses, coreJar, classes } = compile();
    const dir = writeProject({
      'template.yaml': samTemplate({
        Shaded: { handler: 'demo.Greeter', codeUri: 'target/app-1.0.jar', runtime: 'java17' },
        Distribution: { handler: 'demo.Greeter::handleRequest', codeUri: 'build/distributions/app.zip', runtime: 'java17' },
      }),
    });
    fs.mkdirSync(path.join(dir, 'target'));
    // maven-shade-plugin's layout: the function's classes and its dependencies' classes in one jar.
    execFileSync(JAR!, ['--create', '--file', path.join(dir, 'target', 'app-1.0.jar'), '-C', classes, '.', '-C', coreClasses, '.']);
    // Gradle's buildZip: classes at the root, dependencies as jars in lib/.
    writeZip(path.join(dir, 'build', 'distributions', 'app.zip'), [
      ...treeEntries(classes),
      { name: 'lib/', mode: 0o040755 },
      { name: 'lib/aws-lambda-java-core.jar', data: fs.readFileSync(coreJar), mode: 0o100644 },
    ]);
    const workbench = await open(dir);
    for (const name of ['Shaded', 'Distribution']) {
      const result = await workbench.invoke(name, '{"name":"duke"}');
      assert.equal(result.functionError, undefined, `${name}: ${result.payload}`);
      const body = json(result.payload);
      assert.equal(body.greeting, 'hello duke');
      // Loaded from the extracted task root, not from the archive.
      assert.equal(body.loadedFrom, `${artefactOf(dir, name)}/`);
      assert.equal(body.coreFrom, name === 'Shaded' ? `${artefactOf(dir, name)}/` : path.join(artefactOf(dir, name), 'lib', 'aws-lambda-java-core.jar'));
    }
  });
});
