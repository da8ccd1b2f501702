import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';
import { copyTree, emptyDirectory, excludeNames, runTool } from './builderSupport';
import { JAVA_MANIFESTS, javaToolFailure } from './javaBuildSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// A Java function with a pom.xml, built as SAM's java_maven workflow (aws-lambda-builders) builds
// it: the sources copied to a scratch directory, `mvn clean install` there, then `mvn
// dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true`; the artefact is
// target/classes with target/dependency as lib/ — the layout Lambda's Java runtime (and ours) puts
// on the class path. The user's own Maven runs, with their settings and ~/.m2.

/** JavaMavenWorkflow.EXCLUDED_FILES, our state directory, and Maven's output (`clean` removes it anyway). */
const EXCLUDED = excludeNames(['.aws-sam', '.git', STATE_DIR_NAME, 'target']);
/** A first build downloads Maven's plugins and the dependencies. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export interface MavenBuilderOptions {
  /** The mvn to run (default: `mvn` on PATH, as aws-lambda-builders' MavenResolver finds it). */
  mvn?: string;
  timeoutMs?: number;
}

export class MavenBuilder implements Builder {
  readonly name = 'maven';

  constructor(private readonly options: MavenBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { fn, sourceDir, artefactDir } = request;
    if (!fs.existsSync(path.join(sourceDir, 'pom.xml'))) {
      throw new BuildError(
        `No pom.xml in ${sourceDir}: ${fn.logicalId} is built with Maven or Gradle, chosen by its ${JAVA_MANIFESTS} (as sam build chooses).`,
      );
    }
    const scratch = path.join(request.cacheDir, 'maven-scratch');
    await fs.promises.rm(scratch, { recursive: true, force: true });
    await copyTree(sourceDir, scratch, EXCLUDED, [artefactDir, request.cacheDir]);
    await emptyDirectory(artefactDir);

    const mvn = (args: string[]) => {
      request.log(`mvn ${args.join(' ')}`);
      return runTool({
        tool: 'mvn',
        command: this.options.mvn ?? 'mvn',
        args,
        cwd: scratch,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        missing:
          `${fn.logicalId} has a pom.xml: building it needs Maven (mvn) on PATH, which was not found ` +
          '(install Maven: https://maven.apache.org/install.html, or apt-get install maven; or build with sam build and open .aws-sam/build/template.yaml).',
      });
    };
    for (const args of [
      ['clean', 'install'],
      ['dependency:copy-dependencies', '-DincludeScope=runtime', '-Dmdep.prependGroupId=true'],
    ]) {
      const result = await mvn(args);
      if (result.code !== 0) throw javaToolFailure(`mvn ${args[0] === 'clean' ? 'clean install' : args[0]}`, result);
    }

    const classes = path.join(scratch, 'target', 'classes');
    if (!fs.existsSync(classes)) throw new BuildError(`mvn clean install produced no target/classes in ${scratch} (is the pom's packaging jar?).`);
    await copyTree(classes, artefactDir, () => false);
    const dependencies = path.join(scratch, 'target', 'dependency');
    if (fs.existsSync(dependencies)) await copyTree(dependencies, path.join(artefactDir, 'lib'), () => false);
    await fs.promises.rm(scratch, { recursive: true, force: true });
    return {};
  }
}
