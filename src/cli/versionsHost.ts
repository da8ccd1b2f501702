import type { FunctionDefinition, TemplateModel } from '../core/config';
import { type ControlPlane, type FunctionVersions, isWorkbenchError } from '../core';
import { openWorkbench, READ_ONLY_ENGINE, UsageError, type CommonOptions } from './templateOption';

// `publish`, `alias` and `versions` work on the state directory's files (versions, aliases,
// settings) through an engine opened as a tool: no environments, no provisioning, no file
// watching, no asynchronous workers, and no template versions applied (an AutoPublishAlias must
// not publish before `publish` does). So they have no side effects beyond their own, and work
// while `lambda-workbench serve` runs on the same project: serve reads aliases and versions from
// the same files on its next invocation.

export interface VersionsContext {
  model: TemplateModel;
  stateDir: string;
  versions: FunctionVersions;
  controlPlane: ControlPlane;
  /** The function by logical id or name; exit 2 with the template's functions when unknown. */
  require(name: string): FunctionDefinition;
}

/** Runs a versions command; the engine's errors (AWS's messages) become one line and exit 2. */
export async function runVersionsCommand(options: CommonOptions, action: (context: VersionsContext) => Promise<void>): Promise<void> {
  const workbench = await openWorkbench(options, READ_ONLY_ENGINE);
  const context: VersionsContext = {
    model: workbench.template,
    stateDir: workbench.stateDir,
    versions: workbench.versions,
    controlPlane: workbench.controlPlane,
    require(name) {
      const fn = workbench.getFunction(name);
      if (!fn) {
        const known = workbench.template.functions.map((f) => f.logicalId).join(', ') || 'none';
        throw new UsageError(`Function ${name} is not in the template (functions: ${known})`);
      }
      return fn;
    },
  };
  try {
    await action(context);
  } catch (error) {
    if (isWorkbenchError(error)) throw new UsageError(`${error.code}: ${error.message}`);
    throw error;
  } finally {
    await workbench.close();
  }
}
