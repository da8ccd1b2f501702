import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builderNameFor } from '../../../src/core/build/builders';
import { gradleBuildDir, GradleBuilder, gradleExecutable } from '../../../src/core/build/gradleBuilder';
import { MavenBuilder } from '../../../src/core/build/mavenBuilder';
import { BuildError, type Builder } from '../../../src/core/build/types';
import type { FunctionDefinition } from '../../../src/core/config/types';
import { findOnPath } from '../../../src/core/util/executables';
import { json, openProjectClosedAfterEach, samTemplate, writeProject } from '../helpers/project';
import { tempDirEach } from '../helpers/tempDir';
import { environmentEach, functionFixture } from './buildTestSupport';
import { JAR, JAVAC, buildCoreJar } from '../helpers/java';

// Java functions built with Maven (pom.xml) or Gradle (build.gradle / build.gradle.kts), as sam
// build's java_maven / java_gradle workflows build them: which one a function gets, the error when
// the tool is absent, the command lines, and the artefact (classes + lib/*.jar) the engine runs.
//
// STAND-INS: Maven Central is unreachable from this machine and from CI, so a real Maven or Gradle
// build cannot download its plugins and dependencies. The command sequence and the artefact layout
// are tested with small executable stand-ins named `mvn` and `gradle` / `gradlew`, written by these
// tests on a temporary PATH: they log their arguments and do to the files what the real tool does
// for those commands (javac into target/classes, a dependency jar into target/dependency; Gradle's
// init script's layout under the scratch directory). They say nothing about whether real Maven or
// Gradle accept our command lines or run our init script. The one real-tool test runs the machine's
// Maven (when installed) against an unreachable repository: its own error text reaches the user.

const GREETER = [
  'package demo;',
  'import com.amazonaws.services.lambda.runtime.Context;',
  'import com.amazonaws.services.lambda.runtime.RequestHandler;',
  'import java.util.Map;',
  'public class Greeter implements RequestHandler<Map<String, Object>, String> {',
  '    public String handleRequest(Map<String, Object> event, Context context) {',
  '        return "hello " + event.get("name") + " (" + RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().getPath() + ")";',
  '    }',
  '}',
].join('\n');

/** Maven's own words when it cannot reach its repository (Maven 3.8.7, colours and all). */
const MAVEN_OFFLINE_ERROR =
  '[\u001b[1;31mERROR\u001b[m] Plugin org.apache.maven.plugins:maven-clean-plugin:2.5 or one of its dependencies could not be resolved: Failed to read artifact descriptor for org.apache.maven.plugins:maven-clean-plugin:jar:2.5: Could not transfer artifact org.apache.maven.plugins:maven-clean-plugin:pom:2.5 from/to central (https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven.apache.org/maven2/org/apache/maven/plugins/maven-clean-plugin/2.5/maven-clean-plugin-2.5.pom: Unknown host repo.maven.apache.org: Name or service not known -> [Help 1]';

/** The stand-in `mvn`: logs "<cwd> <args>" to $STANDIN_LOG; `clean install` compiles src/main/java, copy-dependencies copies $STANDIN_DEPENDENCY. */
const MVN_STANDIN = `#!/bin/bash
# STAND-IN for Maven (Maven Central is unreachable): what mvn does to the files for these commands.
set -e
echo "$PWD|$*" >> "$STANDIN_LOG"
if [ -n "$STANDIN_OFFLINE" ]; then
  echo "[INFO] BUILD FAILURE"
  printf '%s\\n' "$STANDIN_OFFLINE"
  echo "[ERROR] "
  echo "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch."
  exit 1
fi
case "$*" in
  "clean install")
    rm -rf target && mkdir -p target/classes
    javac --release 11 -cp "$STANDIN_DEPENDENCY" -d target/classes $(find src/main/java -name '*.java')
    ;;
  "dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true")
    mkdir -p target/dependency
    cp "$STANDIN_DEPENDENCY" target/dependency/com.amazonaws.aws-lambda-java-core-1.2.3.jar
    ;;
  *) echo "[ERROR] stand-in mvn: unexpected arguments: $*"; exit 1 ;;
esac
`;

/**
 * The stand-in `gradle`: logs its arguments; checks the init script it is given; lays out what our
 * init script lays out after \`build\` — <scratch>/<sha1 of the project directory>/build/distributions/lambda-build.
 */
const GRADLE_STANDIN = `#!/bin/bash
# STAND-IN for Gradle (its plugins and Maven Central are unreachable): what gradle build with our init script does to the files.
set -e
echo "$PWD|$(basename "$0")|$*" >> "$STANDIN_LOG"
[ "$1" = build ] || { echo "stand-in gradle: expected build first: $*" >&2; exit 1; }
scratch= ; init=
while [ $# -gt 0 ]; do
  case "$1" in
    -Dlambdaworkbench.scratch-dir=*) scratch="\${1#*=}" ;;
    --init-script) shift; init="$1" ;;
  esac
  shift
done
grep -q "lambdaworkbench.scratch-dir" "$init" || { echo "stand-in gradle: no init script" >&2; exit 1; }
out="$scratch/$(printf %s "$(pwd -P)" | sha1sum | cut -d' ' -f1)/build/distributions/lambda-build"
mkdir -p "$out/lib"
javac --release 11 -cp "$STANDIN_DEPENDENCY" -d "$out" $(find src/main/java -name '*.java')
cp "$STANDIN_DEPENDENCY" "$out/lib/aws-lambda-java-core-1.2.3.jar"
`;

let root: string;
tempDirEach('lwb-java-build-', (dir) => (root = dir));

function write(files: Record<string, string>, base = root): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(base, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function javaFn(codeUri: string, method?: string): FunctionDefinition {
  return functionFixture(root, codeUri, 'java17', {
    handler: 'demo.Greeter',
    ...(method ? { build: { method, properties: {}, sourceDir: path.join(root, codeUri) } } : {}),
  });
}

/** Writes an executable script. */
function script(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
  return file;
}

async function buildError(builder: Builder, fn: FunctionDefinition): Promise<BuildError> {
  const error = await builder
    .build({ fn, sourceDir: fn.codeUri, artefactDir: path.join(root, 'artefact'), cacheDir: path.join(root, 'cache'), log: () => undefined })
    .then(
      () => assert.fail('the build succeeded'),
      (e: unknown) => e,
    );
  assert.ok(error instanceof BuildError, String(error));
  return error;
}

describe('Java builds: which tool, as sam build chooses it', () => {
  it('a java runtime: build.gradle → gradle, build.gradle.kts → gradle, pom.xml → maven, gradle before maven when both; none → runs as it is', () => {
    write({
      'g/build.gradle': '',
      'k/build.gradle.kts': '',
      'm/pom.xml': '<project/>',
      'both/pom.xml': '<project/>',
      'both/build.gradle': '',
      'none/demo/Greeter.class': '',
    });
    assert.equal(builderNameFor(javaFn('g')), 'gradle');
    assert.equal(builderNameFor(javaFn('k')), 'gradle');
    assert.equal(builderNameFor(javaFn('m')), 'maven');
    assert.equal(builderNameFor(javaFn('both')), 'gradle');
    assert.equal(builderNameFor(javaFn('none')), undefined);
    // Not a Java function: a pom.xml means nothing.
    assert.equal(builderNameFor(functionFixture(root, 'm', 'nodejs20.x')), undefined);
  });

  it('Metadata.BuildMethod: java17 picks by the manifest (maven, which says what is missing, without one); maven / gradle choose the tool', async () => {
    write({ 'g/build.gradle': '', 'm/pom.xml': '<project/>', 'none/README': '' });
    assert.equal(builderNameFor(javaFn('g', 'java17')), 'gradle');
    assert.equal(builderNameFor(javaFn('m', 'java21')), 'maven');
    assert.equal(builderNameFor(javaFn('none', 'java17')), 'maven');
    assert.equal(builderNameFor(javaFn('g', 'maven')), 'maven');
    assert.equal(builderNameFor(javaFn('m', 'gradle')), 'gradle');
    const noPom = await buildError(new MavenBuilder(), javaFn('none', 'java17'));
    assert.match(
      noPom.message,
      /^No pom\.xml in .*none: HelloFunction is built with Maven or Gradle, chosen by its build\.gradle, build\.gradle\.kts or pom\.xml/,
    );
    const noGradle = await buildError(new GradleBuilder(), javaFn('m', 'gradle'));
    assert.match(noGradle.message, /^No build\.gradle or build\.gradle\.kts in .*m: /);
  });

  it('Gradle’s executable as aws-lambda-builders resolves it: gradlew in the CodeUri, then beside the template, then on PATH; else gradle', () => {
    const bin = path.join(root, 'bin');
    script(path.join(bin, 'gradle'), '#!/bin/sh\n');
    write({ 'fn/build.gradle': '' });
    assert.equal(gradleExecutable([path.join(root, 'fn'), root], bin), path.join(bin, 'gradle'));
    script(path.join(root, 'gradlew'), '#!/bin/sh\n');
    assert.equal(gradleExecutable([path.join(root, 'fn'), root], bin), path.join(root, 'gradlew'));
    script(path.join(root, 'fn', 'gradlew'), '#!/bin/sh\n');
    assert.equal(gradleExecutable([path.join(root, 'fn'), root], bin), path.join(root, 'fn', 'gradlew'));
    fs.chmodSync(path.join(root, 'fn', 'gradlew'), 0o644);
    assert.equal(gradleExecutable([path.join(root, 'fn'), root], bin), path.join(root, 'gradlew'));
    assert.equal(gradleExecutable([path.join(root, 'elsewhere')], path.join(root, 'empty')), 'gradle');
  });
});

describe('Java builds: Maven or Gradle absent', () => {
  // A PATH with neither tool (nor javac: nothing runs).
  environmentEach({ PATH: '/nonexistent-lwb-bin' });

  it('a pom.xml without mvn on PATH: the build says it needs Maven (mvn) on PATH', async () => {
    write({ 'fn/pom.xml': '<project/>' });
    const error = await buildError(new MavenBuilder(), javaFn('fn'));
    assert.match(error.message, /^HelloFunction has a pom\.xml: building it needs Maven \(mvn\) on PATH, which was not found \(install Maven/);
  });

  it('a build.gradle.kts without gradle or gradlew: the build says it needs Gradle', async () => {
    write({ 'fn/build.gradle.kts': '' });
    const error = await buildError(new GradleBuilder(), javaFn('fn'));
    assert.match(
      error.message,
      /^HelloFunction has a build\.gradle\.kts: building it needs Gradle \(gradle on PATH, or a gradlew wrapper in the CodeUri\), which was not found/,
    );
  });
});

describe('Java builds through the engine, with stand-in mvn / gradle (see the header)', function () {
  this.timeout(90_000);
  const open = openProjectClosedAfterEach({ hotReload: false });
  let work: string;
  let coreJar: string;
  let bin: string;
  let log: string;
  before(function () {
    if (!JAVAC || !JAR) this.skip();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-standin-'));
    const coreClasses = path.join(work, 'core-classes');
    coreJar = path.join(work, 'aws-lambda-java-core.jar');
    buildCoreJar(coreClasses, coreJar);
    bin = path.join(work, 'bin');
    script(path.join(bin, 'mvn'), MVN_STANDIN);
    script(path.join(bin, 'gradle'), GRADLE_STANDIN);
    log = path.join(work, 'commands.log');
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const key of ['PATH', 'STANDIN_LOG', 'STANDIN_DEPENDENCY', 'STANDIN_OFFLINE']) saved[key] = process.env[key];
    process.env.PATH = `${bin}${path.delimiter}${path.dirname(JAVAC!)}${path.delimiter}${process.env.PATH}`;
    process.env.STANDIN_LOG = log;
    process.env.STANDIN_DEPENDENCY = coreJar;
    delete process.env.STANDIN_OFFLINE;
    fs.rmSync(log, { force: true });
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const commands = () => fs.readFileSync(log, 'utf8').trim().split('\n');

  function project(functions: Parameters<typeof samTemplate>[0], files: Record<string, string>): string {
    return writeProject({ 'template.yaml': samTemplate(functions), ...files });
  }

  it('pom.xml: mvn clean install, then dependency:copy-dependencies (runtime scope) in a copy of the sources; the function runs from target/classes + lib/', async () => {
    const dir = project(
      { Maven: { handler: 'demo.Greeter', codeUri: 'maven-fn', runtime: 'java17' } },
      { 'maven-fn/pom.xml': '<project/>', 'maven-fn/src/main/java/demo/Greeter.java': GREETER, 'maven-fn/target/stale.txt': 'left by the user’s own build' },
    );
    const workbench = await open(dir);
    const result = await workbench.invoke('Maven', '{"name":"maven"}');
    assert.equal(result.functionError, undefined, result.payload.toString());
    const artefact = path.join(dir, '.lambda-workbench', 'build', 'Maven', 'artefact');
    const lib = path.join(artefact, 'lib', 'com.amazonaws.aws-lambda-java-core-1.2.3.jar');
    assert.equal(json(result.payload), `hello maven (${lib})`);
    assert.deepEqual(fs.readdirSync(artefact).sort(), ['demo', 'lib']);
    const scratch = path.join(dir, '.lambda-workbench', 'build', 'Maven', 'cache', 'maven-scratch');
    assert.deepEqual(commands(), [`${scratch}|clean install`, `${scratch}|dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true`]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'maven-fn')).sort(), ['pom.xml', 'src', 'target']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'maven-fn', 'target')), ['stale.txt'], 'the sources are not built in');
  });

  it('when Maven cannot reach its repository, its own error line reaches the user (the function fails with it)', async () => {
    process.env.STANDIN_OFFLINE = MAVEN_OFFLINE_ERROR;
    const dir = project({ Maven: { handler: 'demo.Greeter', codeUri: 'fn', runtime: 'java17' } }, { 'fn/pom.xml': '<project/>' });
    const workbench = await open(dir);
    const failure = workbench.builds.failureOf('Maven');
    assert.ok(failure);
    const [message, ...details] = failure.message.split('\n');
    assert.equal(message, 'mvn clean install failed: a plugin or dependency could not be downloaded (is Maven Central, or the repository you use, reachable?)');
    assert.equal(details[0], MAVEN_OFFLINE_ERROR.replace('\u001b[1;31m', '').replace('\u001b[m', ''), 'the [ERROR] lines, colours removed');
    assert.ok(!details.some((line) => line.includes('BUILD FAILURE')), 'the [ERROR] lines only');
    const result = await workbench.invoke('Maven', '{}');
    assert.equal(result.functionError, 'Unhandled');
    assert.match(result.payload.toString(), /Unknown host repo\.maven\.apache\.org/);
  });

  it('build.gradle: gradle build with our init script and a scratch directory in the build cache; gradlew in the CodeUri preferred; the function runs from the laid-out classes + lib/', async () => {
    const dir = project(
      {
        Gradle: { handler: 'demo.Greeter', codeUri: 'gradle-fn', runtime: 'java17' },
        Wrapped: { handler: 'demo.Greeter', codeUri: 'wrapped-fn', runtime: 'java17' },
      },
      {
        'gradle-fn/build.gradle': "plugins { id 'java' }",
        'gradle-fn/src/main/java/demo/Greeter.java': GREETER,
        'wrapped-fn/build.gradle.kts': 'plugins { java }',
        'wrapped-fn/src/main/java/demo/Greeter.java': GREETER,
      },
    );
    script(path.join(dir, 'wrapped-fn', 'gradlew'), GRADLE_STANDIN);
    const workbench = await open(dir);
    for (const name of ['Gradle', 'Wrapped']) {
      const result = await workbench.invoke(name, `{"name":"${name}"}`);
      assert.equal(result.functionError, undefined, result.payload.toString());
      const lib = path.join(dir, '.lambda-workbench', 'build', name, 'artefact', 'lib', 'aws-lambda-java-core-1.2.3.jar');
      assert.equal(json(result.payload), `hello ${name} (${lib})`);
    }
    const scratch = (name: string) => path.join(dir, '.lambda-workbench', 'build', name, 'cache', 'gradle-scratch');
    const expected = (name: string, codeUri: string, executable: string) =>
      `${path.join(dir, codeUri)}|${executable}|build --project-cache-dir ${path.join(scratch(name), 'gradle-cache')} -Dlambdaworkbench.scratch-dir=${scratch(name)} --init-script ${path.join(scratch(name), 'lambda-workbench-init.gradle')}`;
    assert.deepEqual(commands().sort(), [expected('Gradle', 'gradle-fn', 'gradle'), expected('Wrapped', 'wrapped-fn', 'gradlew')].sort());
    assert.ok(
      fs.existsSync(path.join(gradleBuildDir(scratch('Gradle'), path.join(dir, 'gradle-fn')), 'distributions', 'lambda-build', 'demo', 'Greeter.class')),
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, 'gradle-fn')).sort(), ['build.gradle', 'src'], 'nothing built into the sources');
    // Gradle's own caches in the sources (a build run by hand) are not an edit: no rebuild.
    write({ 'gradle-fn/.gradle/8.5/fileHashes/fileHashes.lock': 'x' }, dir);
    assert.deepEqual(
      (await workbench.builds.build(['Gradle'])).map((r) => r.status),
      ['upToDate'],
    );
  });
});

describe('Java builds: the real Maven against an unreachable repository', function () {
  this.timeout(120_000);
  const MVN = findOnPath('mvn');
  let home: string;
  before(function () {
    if (!MVN) this.skip();
    // Maven's home (settings, local repository) in a temporary directory; every repository mirrored to a closed port.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-maven-home-'));
    write(
      {
        '.m2/settings.xml':
          '<settings><mirrors><mirror><id>unreachable</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:9/maven2</url></mirror></mirrors></settings>\n',
      },
      home,
    );
  });
  after(() => home && fs.rmSync(home, { recursive: true, force: true }));
  const saved = { MAVEN_OPTS: process.env.MAVEN_OPTS };
  beforeEach(() => (process.env.MAVEN_OPTS = `-Duser.home=${home}`));
  afterEach(() => {
    if (saved.MAVEN_OPTS === undefined) delete process.env.MAVEN_OPTS;
    else process.env.MAVEN_OPTS = saved.MAVEN_OPTS;
  });

  it('mvn clean install fails to download its plugins: the build error is Maven’s own text', async () => {
    write({
      'fn/pom.xml':
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>demo</groupId><artifactId>fn</artifactId><version>1.0</version></project>\n',
    });
    const error = await buildError(new MavenBuilder(), javaFn('fn'));
    assert.match(error.message, /^mvn clean install failed: a plugin or dependency could not be downloaded/);
    assert.match(error.message, /\n\[ERROR\] .*could not be resolved.*Could not transfer artifact .* from\/to unreachable \(http:\/\/127\.0\.0\.1:9\/maven2\)/);
    // eslint-disable-next-line no-control-regex -- no terminal escapes reach the user
    assert.doesNotMatch(error.message, /\u001b/);
  });
});
