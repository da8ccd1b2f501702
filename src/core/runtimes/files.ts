import * as fs from 'node:fs';
import * as path from 'node:path';

// The bootstrap programs are plain files spawned by environments, not code of the host. In the
// bundle they sit in dist/runtimes/<runtime>/; when running from source, next to this module.

const BOOTSTRAPS = {
  node: path.join('node', 'bootstrap.cjs'),
  python: path.join('python', 'bootstrap.py'),
  ruby: path.join('ruby', 'bootstrap.rb'),
  // The Java runtime's entry point among its sources; its directory holds runtime.jar once built.
  java: path.join('java', 'src', 'lambdaworkbench', 'runtime', 'Main.java'),
} as const;

let overrideDir: string | undefined;
const found = new Map<string, string>();

/** Points the engine at another runtimes directory (packaging, tests). */
export function setRuntimesDir(dir: string | undefined): void {
  overrideDir = dir;
  found.clear();
}

function candidateDirs(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return [overrideDir, path.join(here, 'runtimes'), here].filter((d): d is string => d !== undefined);
}

export function bootstrapFile(runtime: keyof typeof BOOTSTRAPS): string {
  const known = found.get(runtime);
  if (known) return known;
  for (const dir of candidateDirs()) {
    const file = path.join(dir, BOOTSTRAPS[runtime]);
    if (fs.existsSync(file)) {
      found.set(runtime, file);
      return file;
    }
  }
  throw new Error(`The ${runtime} runtime bootstrap is missing (looked in ${candidateDirs().join(', ')}); rebuild with npm run build.`);
}
