import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { BundlerBuilder, type BundlerBuilderOptions } from './bundlerBuilder';
import { EsbuildBuilder } from './esbuildBuilder';
import { GoBuilder } from './goBuilder';
import { GradleBuilder } from './gradleBuilder';
import { ImageBuilder } from './imageBuilder';
import { javaBuildToolFor } from './javaBuildSupport';
import { MakefileBuilder } from './makefileBuilder';
import { MavenBuilder } from './mavenBuilder';
import { NpmBuilder } from './npmBuilder';
import { PipBuilder, type PipBuilderOptions } from './pipBuilder';
import { BuildError, type Builder } from './types';

// Which builder builds a function: its Metadata.BuildMethod when it has one (SAM's names), otherwise
// what `sam build` infers from the runtime and the manifest it finds (package.json with
// dependencies → npm, requirements.txt → pip, Gemfile → bundler, build.gradle / build.gradle.kts →
// gradle, pom.xml → maven). No builder: the function runs from its sources.

/** What the engine gives the builders (the Python and Ruby runtimes' interpreter resolvers). */
export interface BuilderOptions {
  python?: PipBuilderOptions['python'];
  ruby?: BundlerBuilderOptions['ruby'];
}

/**
 * Builders by name: a BuildMethod as SAM spells it, or `npm` / `pip` / `bundler` for what SAM infers. A
 * BuildMethod with no entry here gets no builder. Each call makes a new builder: the engine keeps
 * one per name (esbuild's incremental contexts live in its builder).
 */
export const BUILDERS: Record<string, (options: BuilderOptions) => Builder> = {
  esbuild: () => new EsbuildBuilder(),
  image: (options) => new ImageBuilder({ python: options.python }),
  npm: () => new NpmBuilder(),
  pip: (options) => new PipBuilder({ python: options.python }),
  bundler: (options) => new BundlerBuilder({ ruby: options.ruby }),
  makefile: () => new MakefileBuilder(),
  'go1.x': () => new GoBuilder(),
  maven: () => new MavenBuilder(),
  gradle: () => new GradleBuilder(),
};

/**
 * The name of the builder that builds `fn`, if any: a name in BUILDERS (nodejs20.x → npm, python3.12
 * → pip, ruby3.3 → bundler, java21 → gradle or maven by the manifest), or the BuildMethod itself when no builder here knows it (rust-cargolambda, dotnet8…): its
 * build fails with what to do instead, rather than the function running from sources nobody built.
 */
export function builderNameFor(fn: FunctionDefinition): string | undefined {
  if (fn.build) return registryName(fn.build.method, fn.codeUri);
  if (fn.runtime.startsWith('nodejs') && hasNpmDependencies(path.join(fn.codeUri, 'package.json'))) return 'npm';
  if (fn.runtime.startsWith('python') && fs.existsSync(path.join(fn.codeUri, 'requirements.txt'))) return 'pip';
  if (fn.runtime.startsWith('ruby') && fs.existsSync(path.join(fn.codeUri, 'Gemfile'))) return 'bundler';
  if (fn.runtime.startsWith('java')) return javaBuildToolFor(fn.codeUri);
  return undefined;
}

/** A new builder by the name builderNameFor gave. */
export function createBuilder(name: string, options: BuilderOptions = {}): Builder {
  return Object.hasOwn(BUILDERS, name) ? BUILDERS[name]!(options) : new UnavailableBuildMethod(name);
}

/** A new builder for `fn`, or undefined when it runs from its sources. */
export function builderFor(fn: FunctionDefinition, options: BuilderOptions = {}): Builder | undefined {
  const name = builderNameFor(fn);
  return name === undefined ? undefined : createBuilder(name, options);
}

/** A BuildMethod SAM knows but no builder here runs: every build fails, saying how to run the function anyway. */
class UnavailableBuildMethod implements Builder {
  constructor(readonly name: string) {}

  inputs(): string[] {
    return [];
  }

  build(): Promise<never> {
    return Promise.reject(
      new BuildError(
        `BuildMethod ${this.name} is not built by Lambda Workbench (it builds ${Object.keys(BUILDERS)
          .filter((n) => n !== 'image')
          .join(', ')} and the runtimes' own builders). ` +
          'Build the function with `sam build`, then open .aws-sam/build/template.yaml: it runs as SAM built it.',
      ),
    );
  }
}

function registryName(method: string, codeDir: string): string {
  const name = method.toLowerCase();
  // Without a manifest, Maven's build says which ones it looks for.
  if (/^java\d+(\.al2(023)?)?$/.test(name)) return javaBuildToolFor(codeDir) ?? 'maven';
  if (/^nodejs\d+\.x$/.test(name)) return 'npm';
  if (/^python\d+\.\d+$/.test(name)) return 'pip';
  if (/^ruby\d+\.\d+$/.test(name)) return 'bundler';
  return name;
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
