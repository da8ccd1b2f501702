import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../../src/core/config/types';
import { setRuntimesDir } from '../../../src/core/runtimes/files';
import { archiveKey, CDS_SILENCE, type CdsRequest, isCompleteArchive, JavaClassDataSharing } from '../../../src/core/runtimes/javaClassDataSharing';
import { JavaRuntime, resolveLocalJava } from '../../../src/core/runtimes/javaRuntime';
import { stateLayout } from '../../../src/core/vocabulary/stateDirectory';
import type { Workbench } from '../../../src/core/workbench';
import { REPO_ROOT } from '../helpers/build';
import { recordFunctionOutput } from '../helpers/invocation';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';
import { JAR, JAVAC, JAVA_FIXTURES, buildCoreJar, compileJava, createJar, javaFiles } from '../helpers/java';

// Class-data sharing per Java function with Debian's JDK: the archive made by the first cold start
// when its JVM shuts down, mapped by the next (seen in the JVM's command line, its memory maps and
// its own class+load log), a new key when the code changes, broken archives and parts never handed
// to a JVM, and no CDS under a debugger or with the setting off.

const MAGIC = Buffer.from([0xa8, 0xab, 0x0b, 0xf0]); // 0xf00baba8, little-endian

/** A runtimes folder whose java/runtime.jar is built from the runtime's sources (CDS needs a jar on -cp). */
function runtimesWithJar(root: string): string {
  const runtimes = path.join(root, 'runtimes');
  const classes = path.join(root, 'runtime-classes');
  const sources = path.join(REPO_ROOT, 'src', 'core', 'runtimes', 'java', 'src');
  fs.cpSync(sources, path.join(runtimes, 'java', 'src'), { recursive: true });
  compileJava(classes, javaFiles(sources), ['-nowarn']);
  createJar(path.join(runtimes, 'java', 'runtime.jar'), classes);
  return runtimes;
}

/** The function: the fixtures' handler classes at the task root, aws-lambda-java-core's interfaces in lib/. */
function functionCode(root: string, into: string): void {
  const coreClasses = path.join(root, 'core-classes');
  buildCoreJar(coreClasses, path.join(into, 'lib', 'aws-lambda-java-core.jar'));
  compileJava(into, javaFiles(path.join(JAVA_FIXTURES, 'handlers')), ['-cp', path.join(into, 'lib', 'aws-lambda-java-core.jar')]);
}

/** The JVM's options as the kernel saw them. */
const commandLine = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const option = (pid: number, prefix: string) =>
  commandLine(pid)
    .find((a) => a.startsWith(prefix))
    ?.slice(prefix.length);

describe('Java class-data sharing through the engine', function () {
  this.timeout(120000);
  let dir: string;
  let scratch: string;
  let cdsRoot: string;
  let workbench: Workbench;
  let output: string[];

  before(async function () {
    if (!JAVAC || !JAR) this.skip();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-cds-'));
    setRuntimesDir(runtimesWithJar(scratch));
    dir = writeProject({
      // The JVM's own account of where each class came from, in a file per JVM (test-only, through the environment).
      'template.yaml': samTemplate({
        Echo: {
          handler: 'example.Echo',
          runtime: 'java17',
          codeUri: 'fn',
          props: `Environment:\n  Variables:\n    JAVA_TOOL_OPTIONS: -Xlog:class+load=info:file=${path.join(scratch, 'classes-%p.log')}`,
        },
      }),
    });
    functionCode(scratch, path.join(dir, 'fn'));
    cdsRoot = stateLayout(path.join(dir, '.lambda-workbench')).javaCds;
    // The engine's default grace: the JVM dumps its archive within it.
    workbench = await openProject(dir, { shutdownGraceMs: 500, hotReload: false });
    output = recordFunctionOutput(workbench);
  });
  after(async () => {
    await workbench?.close();
    setRuntimesDir(undefined);
  });

  async function coldEcho(): Promise<number> {
    const result = await workbench.invoke('Echo', '{"n":1}');
    assert.equal(result.functionError, undefined, String(result.payload));
    assert.equal(result.coldStart, true);
    return json(result.payload).pid as number;
  }

  it('the first cold start writes the archive when its environment shuts down; the next cold start maps it and loads the function’s classes from it', async () => {
    const first = await coldEcho();
    const part = option(first, '-XX:ArchiveClassesAtExit=');
    assert.ok(part, `no ArchiveClassesAtExit in ${commandLine(first).join(' ')}`);
    assert.equal(path.dirname(part), path.join(cdsRoot, 'Echo'));
    assert.ok(commandLine(first).includes(CDS_SILENCE));
    assert.ok(!fs.existsSync(part), 'the JVM writes the archive only when it exits');
    await workbench.shutdownEnvironments();
    assert.ok(isCompleteArchive(part), 'the JVM wrote a complete archive within the shutdown grace');

    const second = await coldEcho();
    const archive = option(second, '-XX:SharedArchiveFile=');
    assert.ok(archive, `no SharedArchiveFile in ${commandLine(second).join(' ')}`);
    assert.ok(!option(second, '-XX:ArchiveClassesAtExit='));
    const key = path.basename(part).split('.')[0];
    assert.equal(archive, path.join(cdsRoot, 'Echo', `${key}-${fs.statSync(archive).size}.jsa`));
    assert.ok(!fs.existsSync(part), 'the part was renamed to the archive');
    // The JVM mapped it (a rejected archive is unmapped at once)…
    assert.ok(fs.readFileSync(`/proc/${second}/maps`, 'utf8').includes(archive), 'the archive is mapped');
    // …and says the handler class and the function's jar's interface came from it, from the top (dynamic) layer.
    const classes = fs.readFileSync(path.join(scratch, `classes-${second}.log`), 'utf8');
    assert.match(classes, /example\.Echo source: shared objects file \(top\)/);
    assert.match(classes, /com\.amazonaws\.services\.lambda\.runtime\.RequestHandler source: shared objects file \(top\)/);
    assert.match(classes, /lambdaworkbench\.runtime\.Main source: shared objects file \(top\)/);
    const firstClasses = fs.readFileSync(path.join(scratch, `classes-${first}.log`), 'utf8');
    assert.match(firstClasses, /example\.Echo source: file:/);
    await workbench.shutdownEnvironments();
    // Nothing of CDS in the function's log (the JVM's warnings go to stdout unless silenced).
    assert.deepEqual(
      output.filter((l) => /\]\[cds|shared archive/i.test(l)),
      [],
    );
  });

  it('a changed function gets a new key: its first cold start creates an archive of its own', async () => {
    const before = await coldEcho();
    const archive = option(before, '-XX:SharedArchiveFile=');
    assert.ok(archive);
    await workbench.shutdownEnvironments();
    const classFile = path.join(dir, 'fn', 'example', 'Echo.class');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(classFile, later, later);
    const after = await coldEcho();
    const part = option(after, '-XX:ArchiveClassesAtExit=');
    assert.ok(part, `expected a new archive to be created: ${commandLine(after).join(' ')}`);
    assert.notEqual(path.basename(part).split('.')[0], path.basename(archive).split('-')[0]);
    await workbench.shutdownEnvironments();
    assert.ok(isCompleteArchive(part));
  });

  it('a truncated or overwritten archive is removed, never mapped: the cold start succeeds and creates it again', async () => {
    const using = await coldEcho();
    const archive = option(using, '-XX:SharedArchiveFile=')!;
    await workbench.shutdownEnvironments();
    // Truncated with its header intact: a JDK 17 JVM mapping it would die of SIGBUS.
    fs.chmodSync(archive, 0o644);
    fs.truncateSync(archive, Math.floor(fs.statSync(archive).size / 2));
    const afterTruncation = await coldEcho();
    assert.equal(option(afterTruncation, '-XX:SharedArchiveFile='), undefined);
    assert.ok(option(afterTruncation, '-XX:ArchiveClassesAtExit='));
    assert.ok(!fs.existsSync(archive), 'the broken archive was removed');
    await workbench.shutdownEnvironments();

    // Garbage of the right length under the archive's name.
    const again = await coldEcho();
    const rebuilt = option(again, '-XX:SharedArchiveFile=')!;
    assert.ok(rebuilt, 'the archive was created again');
    await workbench.shutdownEnvironments();
    const size = fs.statSync(rebuilt).size;
    fs.chmodSync(rebuilt, 0o644);
    fs.writeFileSync(rebuilt, Buffer.alloc(size, 0x5a));
    const afterGarbage = await coldEcho();
    assert.ok(option(afterGarbage, '-XX:ArchiveClassesAtExit='));
    await workbench.shutdownEnvironments();
  });

  it('is off with javaClassDataSharing: false', async () => {
    const off = await openProject(dir, { javaClassDataSharing: false, hotReload: false });
    try {
      const result = await off.invoke('Echo', '{}');
      assert.equal(result.functionError, undefined, String(result.payload));
      const args = commandLine(json(result.payload).pid as number);
      assert.ok(!args.some((a) => a.includes('SharedArchiveFile') || a.includes('ArchiveClassesAtExit')), args.join(' '));
    } finally {
      await off.close();
    }
  });
});

describe('Java class-data sharing: keys and archive files', function () {
  this.timeout(60000);
  let root: string;
  let request: CdsRequest;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-cds-unit-'));
    const task = path.join(root, 'task');
    fs.mkdirSync(path.join(task, 'example'), { recursive: true });
    fs.mkdirSync(path.join(task, 'lib'));
    fs.writeFileSync(path.join(task, 'example', 'A.class'), 'a');
    fs.writeFileSync(path.join(task, 'lib', 'dep.jar'), 'jar');
    fs.writeFileSync(path.join(root, 'runtime.jar'), 'runtime');
    request = {
      java: { path: '/usr/lib/jvm/java/bin/java', version: '17.0.15', major: 17 },
      classPath: path.join(root, 'runtime.jar'),
      jvmOptions: ['-XX:MaxHeapSize=870k'],
      functionName: 'Fn',
      codeUri: task,
    };
  });

  it('the key follows the java, the JVM options, the runtime class path and every file of the function and its layers’ jars', () => {
    const key = archiveKey(request)!;
    assert.match(key, /^[0-9a-f]{24}$/);
    assert.equal(archiveKey({ ...request }), key, 'stable');
    const later = new Date(Date.now() + 10000);
    const variants: Array<[string, () => CdsRequest]> = [
      ['another java', () => ({ ...request, java: { ...request.java, version: '17.0.16' } })],
      ['other JVM options', () => ({ ...request, jvmOptions: ['-XX:MaxHeapSize=1740k'] })],
      [
        'a rebuilt runtime.jar',
        () => {
          fs.utimesSync(request.classPath, later, later);
          return request;
        },
      ],
      [
        'a recompiled class',
        () => {
          fs.writeFileSync(path.join(request.codeUri, 'example', 'A.class'), 'a2');
          return request;
        },
      ],
      [
        'a new lib jar',
        () => {
          fs.writeFileSync(path.join(request.codeUri, 'lib', 'more.jar'), 'more');
          return request;
        },
      ],
      [
        'a layer jar',
        () => {
          const opt = path.join(root, 'opt');
          fs.mkdirSync(path.join(opt, 'java', 'lib'), { recursive: true });
          fs.writeFileSync(path.join(opt, 'java', 'lib', 'layer.jar'), 'layer');
          return { ...request, optDir: opt };
        },
      ],
    ];
    const seen = new Set([key]);
    for (const [what, change] of variants) {
      const changed = archiveKey(change())!;
      assert.ok(!seen.has(changed), `${what} must change the key`);
      seen.add(changed);
    }
  });

  it('concurrent first starts dump to parts of their own; a complete part is promoted, a second one dropped, an abandoned one removed', () => {
    const cds = new JavaClassDataSharing(path.join(root, 'java-cds'));
    const [a, b] = [cds.decide(request), cds.decide(request)];
    assert.deepEqual([a.mode, b.mode], ['create', 'create']);
    assert.notEqual(a.archive, b.archive);
    assert.ok(a.options.includes(CDS_SILENCE) && a.options[0] === `-XX:ArchiveClassesAtExit=${a.archive}`);
    // Both JVMs exit and write their archives; a third was killed mid-dump long ago (no header yet).
    const body = Buffer.concat([MAGIC, Buffer.alloc(8188, 1)]);
    fs.writeFileSync(a.archive!, body);
    fs.writeFileSync(b.archive!, body);
    const key = archiveKey(request)!;
    const abandoned = path.join(path.dirname(a.archive!), `${key}.0123456789ab.part`);
    fs.writeFileSync(abandoned, Buffer.alloc(8192));
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(abandoned, old, old);
    const writing = path.join(path.dirname(a.archive!), `${key}.ba9876543210.part`);
    fs.writeFileSync(writing, Buffer.alloc(4096));

    const next = cds.decide(request);
    assert.equal(next.mode, 'use');
    assert.equal(next.archive, path.join(root, 'java-cds', 'Fn', `${key}-8192.jsa`));
    assert.deepEqual(next.options, [`-XX:SharedArchiveFile=${next.archive}`, CDS_SILENCE]);
    assert.deepEqual(
      fs.readdirSync(path.join(root, 'java-cds', 'Fn')).sort(),
      [`${key}-8192.jsa`, path.basename(writing)].sort(),
      'one archive; the part being written is left alone',
    );
  });

  it('keeps the four most recently used archives of a function', () => {
    const cds = new JavaClassDataSharing(path.join(root, 'java-cds'));
    const body = Buffer.concat([MAGIC, Buffer.alloc(4092)]);
    const archives: string[] = [];
    for (let i = 0; i < 6; i++) {
      fs.writeFileSync(path.join(request.codeUri, 'example', 'A.class'), `version ${i}`);
      fs.writeFileSync(cds.decide(request).archive!, body); // the JVM's dump at exit
      const archive = cds.decide(request).archive!; // promoted by the next cold start
      const used = new Date(Date.now() - (10 - i) * 60_000);
      fs.utimesSync(archive, used, used);
      archives.push(archive);
    }
    const left = fs.readdirSync(path.join(root, 'java-cds', 'Fn'));
    assert.equal(left.length, 4);
    assert.deepEqual(
      left.sort(),
      archives
        .slice(2)
        .map((a) => path.basename(a))
        .sort(),
    );
  });

  it('is off before JDK 13, with a directory on the class path, and under a debugger', async function () {
    const cds = new JavaClassDataSharing(path.join(root, 'java-cds'));
    assert.equal(cds.decide({ ...request, java: { ...request.java, major: 11 } }).mode, 'off');
    assert.deepEqual(cds.decide({ ...request, classPath: root }), { options: [], mode: 'off', reason: 'the runtime class path is a directory' });
    if (!JAVAC || !JAR) this.skip();
    setRuntimesDir(runtimesWithJar(root));
    try {
      const java = await resolveLocalJava();
      const adapter = new JavaRuntime(java.path, () => undefined, path.join(root, 'cache'), cds);
      const fn = { functionName: 'Fn', runtime: 'java17', memorySize: 512, codeUri: request.codeUri, handler: 'a.B' } as FunctionDefinition;
      const debugged = await adapter.launch(fn, { debug: true });
      assert.ok(!debugged.args.some((a) => a.includes('Archive')), debugged.args.join(' '));
      const plain = await adapter.launch(fn, {});
      assert.ok(
        plain.args.some((a) => a.startsWith('-XX:ArchiveClassesAtExit=')),
        plain.args.join(' '),
      );
      assert.ok(plain.args.indexOf(CDS_SILENCE) < plain.args.indexOf('-cp'));
    } finally {
      setRuntimesDir(undefined);
    }
  });

  it('a task root too big to fingerprint on a cold start’s path (over 5,000 files) gets no CDS', () => {
    const many = path.join(request.codeUri, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(many, `C${i}.class`), '');
    assert.equal(archiveKey(request), undefined);
    const decision = new JavaClassDataSharing(path.join(root, 'java-cds')).decide(request);
    assert.deepEqual([decision.mode, decision.options], ['off', []]);
  });

  it('isCompleteArchive: the magic and, when the name gives it, the length', () => {
    const file = path.join(root, 'x.jsa');
    fs.writeFileSync(file, Buffer.concat([MAGIC, Buffer.alloc(12)]));
    assert.equal(isCompleteArchive(file), true);
    assert.equal(isCompleteArchive(file, 16), true);
    assert.equal(isCompleteArchive(file, 17), false);
    fs.writeFileSync(file, Buffer.alloc(16));
    assert.equal(isCompleteArchive(file), false);
    fs.writeFileSync(file, '');
    assert.equal(isCompleteArchive(file), false);
    assert.equal(isCompleteArchive(path.join(root, 'missing.jsa')), false);
  });
});
