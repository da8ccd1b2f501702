import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyTree, emptyDirectory, runTool } from './builderSupport';
import { GRADLE_INIT_SCRIPT, GRADLE_OUTPUT, GRADLE_SCRATCH_PROPERTY } from './gradleInitScript';
import { JAVA_MANIFESTS, javaToolFailure } from './javaBuildSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';
import { isExecutableFile } from '../util/executables';

// A Java function with a build.gradle (or build.gradle.kts), built as SAM's java_gradle workflow
// (aws-lambda-builders) builds it: `gradle build --project-cache-dir <scratch>/gradle-cache
// -D<scratch property>=<scratch> --init-script <scratch>/<init script>` in the CodeUri, with the
// project's wrapper preferred (gradlew in the CodeUri, then beside the template, then on PATH; else
// gradle). The init script (gradleInitScript.ts) moves every build directory into the scratch
// directory and lays the function out there as classes + lib/*.jar; that is the artefact. The
// scratch directory lives in the function's build cache, so Gradle's incremental builds work across
// rebuilds.

/** A first build downloads Gradle itself (a wrapper) and the dependencies. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const INIT_SCRIPT_NAME = 'lambda-workbench-init.gradle';

export interface GradleBuilderOptions {
  /** The gradle to run (default: as aws-lambda-builders' GradleResolver finds it). */
  gradle?: string;
  timeoutMs?: number;
}

export class GradleBuilder implements Builder {
  readonly name = 'gradle';

  constructor(private readonly options: GradleBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { fn, sourceDir, artefactDir } = request;
    if (!['build.gradle', 'build.gradle.kts'].some((name) => fs.existsSync(path.join(sourceDir, name)))) {
      throw new BuildError(
        `No build.gradle or build.gradle.kts in ${sourceDir}: ${fn.logicalId} is built with Maven or Gradle, chosen by its ${JAVA_MANIFESTS} (as sam build chooses).`,
      );
    }
    const scratch = path.join(request.cacheDir, 'gradle-scratch');
    await fs.promises.mkdir(scratch, { recursive: true });
    const initScript = path.join(scratch, INIT_SCRIPT_NAME);
    await fs.promises.writeFile(initScript, GRADLE_INIT_SCRIPT);
    // What an earlier build laid out must not pass for this one's.
    const output = path.join(gradleBuildDir(scratch, sourceDir), ...GRADLE_OUTPUT);
    await fs.promises.rm(output, { recursive: true, force: true });
    const gradle = this.options.gradle ?? gradleExecutable([sourceDir, path.dirname(fn.position.file)]);
    const args = ['build', '--project-cache-dir', path.join(scratch, 'gradle-cache'), `-D${GRADLE_SCRATCH_PROPERTY}=${scratch}`, '--init-script', initScript];
    request.log(`${path.basename(gradle)} ${args.join(' ')}`);
    const result = await runTool({
      tool: 'gradle',
      command: gradle,
      args,
      cwd: sourceDir,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      missing:
        `${fn.logicalId} has a ${fs.existsSync(path.join(sourceDir, 'build.gradle')) ? 'build.gradle' : 'build.gradle.kts'}: building it needs Gradle ` +
        '(gradle on PATH, or a gradlew wrapper in the CodeUri), which was not found ' +
        '(install Gradle: https://gradle.org/install/; or build with sam build and open .aws-sam/build/template.yaml).',
    });
    if (result.code !== 0) throw javaToolFailure(`${path.basename(gradle)} build`, result);

    if (!fs.existsSync(output)) {
      throw new BuildError(`${path.basename(gradle)} build laid out no function in ${output} (does the project in ${sourceDir} apply the java plugin?).`);
    }
    await emptyDirectory(artefactDir);
    await copyTree(output, artefactDir, () => false);
    return {};
  }
}

/** Where the init script puts the build directory of the project in `projectDir`: <scratch>/<SHA-1 of its canonical path>/build. */
export function gradleBuildDir(scratch: string, projectDir: string): string {
  const key = createHash('sha1').update(fs.realpathSync(projectDir), 'utf8').digest('hex');
  return path.join(scratch, key, 'build');
}

/**
 * As aws-lambda-builders' GradleResolver (with SAM's search paths: the CodeUri, then the project's
 * directory): the first executable `gradlew` in `dirs` or on PATH, else the first `gradle` there, else
 * `gradle` (its absence is then reported as a missing tool).
 */
export function gradleExecutable(dirs: string[], pathVariable = process.env.PATH ?? ''): string {
  const search = [...dirs, ...pathVariable.split(path.delimiter).filter(Boolean)];
  for (const name of ['gradlew', 'gradle']) {
    for (const dir of search) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return 'gradle';
}
