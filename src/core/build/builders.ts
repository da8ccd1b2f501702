import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { GoBuilder } from './goBuilder';
import { MakefileBuilder } from './makefileBuilder';
import { NpmBuilder } from './npmBuilder';
import { PipBuilder, type PipBuilderOptions } from './pipBuilder';
import type { Builder } from './types';

// Which builder builds a function: its Metadata.BuildMethod when it has one (SAM's names), otherwise
// what `sam build` infers from the runtime and the manifest it finds (package.json with
// dependencies → npm, requirements.txt → pip). No builder: the function runs from its sources.

/** What the engine gives the builders (the Python runtime's interpreter resolver). */
export interface BuilderOptions {
  python?: PipBuilderOptions['python'];
}

/**
 * Builders by name. `esbuild` and `image` are registered by their modules' owners (the engine
 * composes them); a BuildMethod whose builder is not registered gets no builder.
 */
export const BUILDERS: Record<string, (options: BuilderOptions) => Builder> = {
  npm: () => new NpmBuilder(),
  pip: (options) => new PipBuilder({ python: options.python }),
  makefile: () => new MakefileBuilder(),
  'go1.x': () => new GoBuilder(),
};

/** The registry name of a BuildMethod as SAM spells it (nodejs20.x → npm, python3.12 → pip). */
export function builderNameFor(method: string): string {
  const name = method.toLowerCase();
  if (/^nodejs\d+\.x$/.test(name)) return 'npm';
  if (/^python\d+\.\d+$/.test(name)) return 'pip';
  return name;
}

export function builderFor(fn: FunctionDefinition, options: BuilderOptions = {}): Builder | undefined {
  if (fn.build) return BUILDERS[builderNameFor(fn.build.method)]?.(options);
  if (fn.runtime.startsWith('nodejs') && hasNpmDependencies(path.join(fn.codeUri, 'package.json'))) return BUILDERS.npm?.(options);
  if (fn.runtime.startsWith('python') && fs.existsSync(path.join(fn.codeUri, 'requirements.txt'))) return BUILDERS.pip?.(options);
  return undefined;
}

function hasNpmDependencies(manifestFile: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).length > 0;
  } catch {
    // No package.json, or one npm could not read either: nothing to install.
    return false;
  }
}
