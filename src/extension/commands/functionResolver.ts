import type { FunctionDefinition } from '../../core/config';
import { DEFAULT_REGION, functionArn, functionRefOf, WorkbenchError } from '../../core';
import { isFunctionRefArg } from '../commandArgs';
import { isFunctionTarget } from '../targets';
import { pickFunction } from './commandSupport';
import type { Engine, WorkbenchHost } from '../workbenchHost';

// Which function an engine command acts on: a tree node, a `{ functionName, qualifier? }` or a name
// passed by a caller, or else the user's pick — always in the engine open now, since engines are
// reopened when settings change and a node may outlive its engine.

export type ResolvedFunction = { engine: Engine; fn: FunctionDefinition; qualifier?: string };

export class FunctionResolver {
  constructor(private readonly host: WorkbenchHost) {}

  /** The current engine for a possibly stale one (engines are reopened when settings change). */
  current(engine: Engine): Engine {
    return this.host.engines().find((e) => e.templateFile === engine.templateFile) ?? engine;
  }

  /** A function from a tree node, a `{ functionName, qualifier? }`, a name, or the user's pick. */
  async resolve(target: unknown, among?: Engine): Promise<ResolvedFunction | undefined> {
    await this.host.start();
    if (isFunctionTarget(target)) {
      const engine = this.current(target.engine);
      const fn = engine.workbench.getFunction(target.functionName);
      if (!fn) throw this.notFound(target.functionName, target.qualifier);
      return { engine, fn, qualifier: target.qualifier };
    }
    const ref = typeof target === 'string' ? { functionName: target } : isFunctionRefArg(target) ? target : undefined;
    if (ref) {
      const { name, qualifier } = functionRefOf(ref.functionName, ref.qualifier);
      const engine = this.host.engines().find((e) => e.workbench.getFunction(name));
      if (!engine) throw this.notFound(name, qualifier);
      return { engine, fn: engine.workbench.getFunction(name)!, qualifier };
    }
    return this.pickFunction(among && [this.current(among)]);
  }

  /** Lambda's own error for an unknown function, with the ARN it would have. */
  private notFound(name: string, qualifier?: string): WorkbenchError {
    const region = this.host.engines()[0]?.workbench.settings.region ?? DEFAULT_REGION;
    return new WorkbenchError('ResourceNotFoundException', `Function not found: ${functionArn(region, name, qualifier)}`);
  }

  private pickFunction(among?: Engine[]): Promise<ResolvedFunction | undefined> {
    return pickFunction(among ?? this.host.engines(), 'Which function?');
  }
}
