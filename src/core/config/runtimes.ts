// Lambda runtime identifiers the reader knows about, and whether Lambda Workbench can
// run each one natively (it runs Node.js, Python, Ruby, Java 11 and later and custom `provided`
// runtimes; java8 and .NET runtimes are recognised but not run locally).

export type RuntimeFamily = 'nodejs' | 'python' | 'provided' | 'java' | 'dotnet' | 'ruby' | 'go';

export interface RuntimeInfo {
  family: RuntimeFamily;
  /** Lambda Workbench can run functions with this runtime. */
  local: boolean;
  /** AWS has deprecated the runtime (a warning; it still runs locally when `local`). */
  deprecated: boolean;
}

const rt = (
  family: RuntimeFamily,
  deprecated = false,
  local = family === 'nodejs' || family === 'python' || family === 'ruby' || family === 'provided',
): RuntimeInfo => ({
  family,
  local,
  deprecated,
});

export const KNOWN_RUNTIMES: Readonly<Record<string, RuntimeInfo>> = {
  'nodejs24.x': rt('nodejs'),
  'nodejs22.x': rt('nodejs'),
  'nodejs20.x': rt('nodejs'),
  'nodejs18.x': rt('nodejs'),
  'nodejs16.x': rt('nodejs', true),
  'nodejs14.x': rt('nodejs', true),
  'nodejs12.x': rt('nodejs', true),
  'python3.14': rt('python'),
  'python3.13': rt('python'),
  'python3.12': rt('python'),
  'python3.11': rt('python'),
  'python3.10': rt('python'),
  'python3.9': rt('python'),
  'python3.8': rt('python', true),
  'python3.7': rt('python', true),
  'python2.7': rt('python', true),
  'provided.al2023': rt('provided'),
  'provided.al2': rt('provided'),
  provided: rt('provided'),
  // Our Java runtime is compiled for Java 11 and later; java8 functions are not run locally.
  java21: rt('java', false, true),
  java17: rt('java', false, true),
  java11: rt('java', false, true),
  'java8.al2': rt('java'),
  java8: rt('java', true),
  dotnet8: rt('dotnet'),
  dotnet6: rt('dotnet', true),
  'dotnetcore3.1': rt('dotnet', true),
  'ruby3.4': rt('ruby'),
  'ruby3.3': rt('ruby'),
  'ruby3.2': rt('ruby', true),
  'ruby2.7': rt('ruby', true),
  'go1.x': rt('go', true),
};

/** Runtimes that run locally and are not deprecated: what diagnostics suggest. */
export function supportedRuntimes(): string[] {
  return Object.entries(KNOWN_RUNTIMES)
    .filter(([, info]) => info.local && !info.deprecated)
    .map(([name]) => name);
}
