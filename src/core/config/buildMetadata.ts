// A function's or layer's `Metadata`, as `sam build` reads it: BuildMethod and BuildProperties
// become the definition's `build` (config/types.ts BuildDefinition); the builders (src/core/build/)
// interpret them.
import type { BuildDefinition } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { KNOWN_RUNTIMES } from './runtimes';
import { isCodeArchive } from './validation';

/**
 * SAM's build methods besides a runtime name (`nodejs20.x`, `python3.12`, `java21`…, which build as
 * that runtime's default builder), and `maven` / `gradle`: ours, to choose a Java build tool where SAM
 * picks one by the manifest it finds.
 */
const BUILD_METHODS = ['esbuild', 'makefile', 'go1.x', 'rust-cargolambda', 'dotnet7', 'maven', 'gradle'];

export function isKnownBuildMethod(method: string): boolean {
  return BUILD_METHODS.includes(method) || KNOWN_RUNTIMES[method] !== undefined;
}

/**
 * `Metadata.BuildMethod` / `Metadata.BuildProperties` → a BuildDefinition reading `sourceDir`.
 * Errors: a BuildMethod that is not a string, BuildProperties that are not a mapping (the build
 * cannot be told what to do). Warning: a BuildMethod SAM does not know (only that function's build fails).
 */
export function readBuildMetadata(m: PropertyReader | undefined, sourceDir: string | undefined): BuildDefinition | undefined {
  if (!m) return undefined;
  const method = m.get('BuildMethod');
  const properties = m.get('BuildProperties');
  let props: Record<string, unknown> = {};
  if (properties !== undefined && properties !== null) {
    if (typeof properties !== 'object' || Array.isArray(properties)) {
      m.error(
        'invalid-type',
        ['BuildProperties'],
        `Metadata.BuildProperties must be a mapping (e.g. EntryPoints, Minify, Target), got ${describe(properties)}`,
      );
    } else {
      props = properties as Record<string, unknown>;
    }
  }
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'string' || method === '') {
    m.error(
      'invalid-type',
      ['BuildMethod'],
      `Metadata.BuildMethod must be a build method name (esbuild, makefile, go1.x, maven, gradle, or a runtime), got ${describe(method)}`,
    );
    return undefined;
  }
  if (!isKnownBuildMethod(method)) {
    m.warning(
      'unknown-build-method',
      ['BuildMethod'],
      `Unknown Metadata.BuildMethod '${method}'; known: ${BUILD_METHODS.join(', ')} or a runtime name (e.g. nodejs22.x, python3.12)`,
    );
  }
  if (sourceDir === undefined) return undefined;
  if (isCodeArchive(sourceDir)) {
    // As sam build: a pre-packaged archive is not built (samcli's FunctionBuildInfo.PreZipped).
    m.warning('build-skipped', ['BuildMethod'], `Metadata.BuildMethod ${method} is not used: the code is the archive ${sourceDir}, which runs as packaged`);
    return undefined;
  }
  return { method, properties: props, sourceDir };
}
