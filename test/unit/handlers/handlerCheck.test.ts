import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkHandler, handlerDiagnostic, SourceCache } from '../../../src/core/handlers/handlerCheck';
import { writeProject } from '../helpers/project';

describe('handler checks', () => {
  let dir: string;
  const node = (handler: string, codeUri = 'src') => ({ runtime: 'nodejs20.x', handler, codeUri: path.join(dir, codeUri) });
  const python = (handler: string) => ({ runtime: 'python3.12', handler, codeUri: path.join(dir, 'py') });

  before(() => {
    dir = writeProject({
      'src/app.js': 'exports.handler = async () => 1;\n',
      'src/esm.mjs': 'export async function handler() {}\nexport default async () => 1;\n',
      'src/lib/util.cjs': 'module.exports.run = () => 1;\n',
      'src/notbuilt.ts': 'export const handler = async () => 1;\n',
      'py/main.py': 'async def handler(event, context):\n    return 1\n',
      'py/pkg/__init__.py': 'def entry(event, context):\n    pass\n',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts handlers whose module and export exist (CommonJS, ES modules, default exports, paths)', () => {
    for (const h of ['app.handler', 'esm.handler', 'esm.default', 'lib/util.run']) assert.equal(checkHandler(node(h)), undefined, h);
    for (const h of ['main.handler', 'pkg.entry', 'pkg/__init__.entry']) assert.equal(checkHandler(python(h)), undefined, h);
  });

  it('reports a missing module as an error, saying when only TypeScript is there', () => {
    assert.deepEqual(checkHandler(node('nothere.handler'), { codeUriLabel: 'src' }), {
      severity: 'error',
      code: 'handler-not-found',
      message: 'Handler nothere.handler: no nothere.js/.mjs/.cjs in src',
    });
    assert.match(
      checkHandler(node('notbuilt.handler'), { codeUriLabel: 'src' })!.message,
      /no notbuilt\.js\/\.mjs\/\.cjs in src \(notbuilt\.ts is there: build it/,
    );
    assert.equal(checkHandler(python('missing.handler'), { codeUriLabel: 'py' })!.message, 'Handler missing.handler: no missing.py in py');
  });

  it('a function built with esbuild has its handler in the TypeScript entry; one built by make, go or an image is not checked', () => {
    const esbuild = { ...node('notbuilt.handler'), build: { method: 'esbuild' } };
    assert.equal(checkHandler(esbuild), undefined);
    assert.equal(checkHandler({ ...node('notbuilt.other'), build: { method: 'esbuild' } })!.code, 'handler-export-not-found');
    assert.equal(checkHandler({ ...node('nothere.handler'), build: { method: 'esbuild' } })!.code, 'handler-not-found');
    for (const method of ['makefile', 'go1.x', 'image']) assert.equal(checkHandler({ ...node('nothere.handler'), build: { method } }), undefined, method);
    assert.equal(checkHandler({ ...node('nothere.handler'), build: { method: 'nodejs20.x' } })!.code, 'handler-not-found');
  });

  it('reports a missing export as a warning', () => {
    assert.deepEqual(checkHandler(node('app.other')), {
      severity: 'warning',
      code: 'handler-export-not-found',
      message: "Handler app.other: no export 'other' found in app.js",
    });
    assert.equal(checkHandler(python('main.nope'))!.severity, 'warning');
  });

  it('says nothing it cannot check: other runtimes, no code directory, malformed handlers', () => {
    assert.equal(checkHandler({ runtime: 'java21', handler: 'x.Y::handle', codeUri: dir }), undefined);
    assert.equal(checkHandler(node('app.handler', 'no-such-dir')), undefined);
    assert.equal(checkHandler(node('app')), undefined);
  });

  it('builds a diagnostic at the given range, and re-reads a source only when it changed', () => {
    const range = { file: 'template.yaml', line: 9, column: 16, endLine: 9, endColumn: 25 };
    assert.deepEqual(handlerDiagnostic(node('app.other'), range)?.range, range);
    const cache = new SourceCache();
    const file = path.join(dir, 'src', 'app.js');
    assert.equal(cache.read(file), 'exports.handler = async () => 1;\n');
    fs.writeFileSync(file, 'exports.other = async () => 2; // longer\n');
    assert.equal(checkHandler(node('app.other'), { cache }), undefined);
  });
});
