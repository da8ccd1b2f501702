import type { FunctionDefinition } from '../config/types';

// Building a function as `sam build` would: the engine runs the function from a build artefact (a
// directory under the state directory) instead of its sources when it has something to build — a
// BuildMethod in its Metadata, or dependencies to install (package.json, requirements.txt). A
// Builder knows one way of building; the engine picks one per function, builds stale artefacts at
// open and on hot reload, and runs the function from the artefact.

/** What a builder is given for one function. */
export interface BuildRequest {
  fn: FunctionDefinition;
  /** The directory the build reads (the code directory, or Metadata's source for an image). */
  sourceDir: string;
  /** Where the artefact goes: an empty directory the builder fills (it becomes the function's code directory). */
  artefactDir: string;
  /** A directory the builder may keep between builds (caches: npm and pip by lockfile hash, esbuild contexts). */
  cacheDir: string;
  /** Progress lines ("npm install --omit=dev", "esbuild app.ts → app.js"), shown by the CLI and VS Code. */
  log(line: string): void;
}

/** A build that failed: what the user must read, with file:line:column where the tool gives one. */
export class BuildError extends Error {
  constructor(
    message: string,
    /** The tool's own diagnostics (esbuild's messages, the last lines of npm / pip / make / go), one per line. */
    readonly details: string[] = [],
  ) {
    super(details.length > 0 ? `${message}\n${details.join('\n')}` : message);
  }
}

export interface Builder {
  /** Names it in progress lines and errors: "esbuild", "npm", "pip", "make", "go", "image". */
  readonly name: string;
  /**
   * The files whose change makes the artefact stale, relative to `sourceDir` or absolute (default:
   * every file under `sourceDir` outside dependency and output folders).
   */
  inputs?(request: Omit<BuildRequest, 'log' | 'artefactDir'>): string[] | undefined;
  build(request: BuildRequest): Promise<BuildOutcome>;
  /** Releases what the builder keeps between builds (esbuild's incremental contexts). */
  dispose?(): Promise<void>;
}

export interface BuildOutcome {
  /** The function's definition as it runs from the artefact (handler and runtime may change, e.g. an image's CMD). */
  changes?: Partial<Pick<FunctionDefinition, 'handler' | 'runtime'>> & {
    /** Variables the artefact itself sets (an image's ENV); the function's own Environment wins over them. */
    baseEnvironment?: Record<string, string>;
  };
  /** Warnings worth showing (a missing lockfile, a version mismatch). */
  warnings?: string[];
}
