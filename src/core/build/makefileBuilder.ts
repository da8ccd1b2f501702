import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR_NAME } from '../vocabulary/stateDirectory';
import { copyTree, emptyDirectory, excludeNames, runTool, toolFailure } from './builderSupport';
import { BuildError, type BuildOutcome, type BuildRequest, type Builder } from './types';

// `BuildMethod: makefile` as SAM's custom_make workflow (aws-lambda-builders) runs it: the sources
// copied to a scratch directory, then `make --makefile <CodeUri>/Makefile build-<LogicalId>` there
// with ARTIFACTS_DIR set to the artefact. Building in a copy keeps what make writes (objects,
// node_modules…) out of the sources, where it would look like an edit and trigger a rebuild.

/** CustomMakeWorkflow.EXCLUDED_FILES, and our state directory. */
const EXCLUDED = excludeNames(['.aws-sam', '.git', STATE_DIR_NAME]);
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface MakefileBuilderOptions {
  /** The make to run (default: `make` on PATH). */
  make?: string;
  timeoutMs?: number;
}

export class MakefileBuilder implements Builder {
  readonly name = 'make';

  constructor(private readonly options: MakefileBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { fn, sourceDir, artefactDir } = request;
    const makefile = path.join(sourceDir, 'Makefile');
    if (!fs.existsSync(makefile)) throw new BuildError(`Makefile not found at ${makefile} (BuildMethod: makefile runs make build-${fn.logicalId} from it).`);
    const scratch = path.join(request.cacheDir, 'make-scratch');
    await fs.promises.rm(scratch, { recursive: true, force: true });
    await copyTree(sourceDir, scratch, EXCLUDED, [artefactDir, request.cacheDir]);
    await emptyDirectory(artefactDir);

    const target = `build-${fn.logicalId}`;
    request.log(`make ${target} (ARTIFACTS_DIR=${artefactDir})`);
    const result = await runTool({
      tool: 'make',
      command: this.options.make ?? 'make',
      args: ['--makefile', makefile, target],
      cwd: scratch,
      env: { ARTIFACTS_DIR: artefactDir },
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      missing: `make was not found on PATH: BuildMethod makefile runs make build-${fn.logicalId} (install GNU make, e.g. apt-get install make).`,
    });
    if (result.code !== 0) {
      const noTarget = result.lastLines.some((line) => line.includes(`No rule to make target '${target}'`));
      throw toolFailure(
        noTarget ? `The Makefile has no target ${target} (SAM builds each function with make build-<LogicalId>).` : `make ${target} failed.`,
        result,
      );
    }
    await fs.promises.rm(scratch, { recursive: true, force: true });
    return {};
  }
}
