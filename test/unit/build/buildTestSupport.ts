import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../../src/core/config/types';

// What the build tests share: environment variables set for a describe's tests, and pure-Python
// wheels written by hand (no build backend, no package index: PyPI is not reachable here).

/** Sets environment variables for the tests of a describe (undefined: removed), restored after. */
export function environmentEach(vars: Record<string, string | undefined>): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [key, value] of Object.entries(vars)) {
      saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

/** Writes the wheel `<name>-<version>-py3-none-any.whl` at `wheel`, its package's __init__.py holding `code`, with `python`'s zipfile. */
export function writeWheel(python: string, wheel: string, name: string, code: string, version = '0.1'): void {
  fs.mkdirSync(path.dirname(wheel), { recursive: true });
  const info = `${name}-${version}.dist-info`;
  const files = {
    [`${name}/__init__.py`]: code,
    [`${info}/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    [`${info}/WHEEL`]: 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    [`${info}/RECORD`]: `${name}/__init__.py,,\n${info}/METADATA,,\n${info}/WHEEL,,\n${info}/RECORD,,\n`,
  };
  const script = `import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    [z.writestr(k, v) for k, v in json.loads(sys.argv[2]).items()]\n`;
  execFileSync(python, ['-c', script, wheel, JSON.stringify(files)]);
}

/**
 * Builds the gem `<name>-<version>.gem` with `gem build` (a gemspec written here; rubygems.org is not
 * reachable) whose lib/<name>.rb holds `code`, in `workDir`; returns the .gem file.
 */
export function buildGem(workDir: string, name: string, code: string, version = '0.1.0'): string {
  const dir = path.join(workDir, `${name}-src`);
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'lib', `${name}.rb`), code);
  fs.writeFileSync(
    path.join(dir, `${name}.gemspec`),
    `Gem::Specification.new do |s|\n  s.name = '${name}'\n  s.version = '${version}'\n  s.summary = 'a test gem'\n  s.authors = ['test']\n  s.files = ['lib/${name}.rb']\nend\n`,
  );
  execFileSync('gem', ['build', `${name}.gemspec`], { cwd: dir, stdio: 'ignore' });
  return path.join(dir, `${name}-${version}.gem`);
}

/** A function definition as the template reader gives it, its code in `root/codeUri` (the template at `root/template.yaml`). */
export function functionFixture(root: string, codeUri: string, runtime: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    logicalId: 'HelloFunction',
    functionName: 'HelloFunction',
    resourceType: 'AWS::Serverless::Function',
    handler: 'app.handler',
    runtime,
    codeUri: path.join(root, codeUri),
    memorySize: 128,
    timeout: 3,
    environment: {},
    layers: [],
    architectures: ['x86_64'],
    events: [],
    position: { file: path.join(root, 'template.yaml'), line: 1, column: 1 },
    ...extra,
  };
}
