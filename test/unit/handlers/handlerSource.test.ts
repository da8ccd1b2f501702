import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findExport, resolveHandlerSource, sourceFromSourceMap, splitNodeHandler } from '../../../src/core/handlers/handlerSource';
import * as esbuild from 'esbuild';

describe('handler source resolution', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-handler-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('splits Node handlers as AWS does', () => {
    assert.deepEqual(splitNodeHandler('index.handler'), { module: 'index', exportPath: 'handler' });
    assert.deepEqual(splitNodeHandler('src/api/app.handlers.get'), { module: 'src/api/app', exportPath: 'handlers.get' });
    assert.deepEqual(splitNodeHandler('v1.2/app.handler'), { module: 'v1.2/app', exportPath: 'handler' });
    assert.equal(splitNodeHandler('index'), undefined);
    assert.equal(splitNodeHandler('index.'), undefined);
  });

  it('finds a CommonJS handler and the line of its export', () => {
    const file = write('hello/index.js', `'use strict';\n\nconst x = 1;\nexports.handler = async (event) => event;\n`);
    assert.deepEqual(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'hello'), handler: 'index.handler' }), {
      file,
      exportName: 'handler',
      line: 4,
      column: 9,
    });
  });

  it('finds .mjs and .cjs modules, in nested directories', () => {
    const mjs = write('esm/lib/app.mjs', `import x from 'y';\nexport async function handler(event) {\n  return event;\n}\n`);
    assert.deepEqual(resolveHandlerSource({ runtime: 'nodejs22.x', codeUri: path.join(root, 'esm'), handler: 'lib/app.handler' }), {
      file: mjs,
      exportName: 'handler',
      line: 2,
      column: 23,
    });
    const cjs = write('c/main.cjs', `module.exports.run = () => 1;\n`);
    assert.equal(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'c'), handler: 'main.run' })?.file, cjs);
  });

  it('prefers the source behind a source map (esbuild layout: dist/ and src/)', () => {
    const ts = write('ts/src/app.ts', `import type { Handler } from 'aws-lambda';\n\nexport const handler: Handler = async () => 'ok';\n`);
    write('ts/node_modules/lib/index.js', '');
    const js = write('ts/dist/app.js', `"use strict";\nexports.handler = 1;\n//# sourceMappingURL=app.js.map\n`);
    write('ts/dist/app.js.map', JSON.stringify({ version: 3, sources: ['../node_modules/lib/index.js', '../src/app.ts'], mappings: '' }));
    assert.deepEqual(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'ts/dist'), handler: 'app.handler' }), {
      file: ts,
      moduleFile: js,
      exportName: 'handler',
      line: 3,
      column: 14,
    });
  });

  it('reads inline source maps, sourceRoot and webpack:// sources; ignores sources that do not exist', () => {
    const ts = write('w/src/handler.ts', 'export function main() {}\n');
    const inline = (sources: string[]) =>
      `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify({ version: 3, sources })).toString('base64')}`;
    const js = write('w/build/bundle.js', `exports.main = 1;\n//# sourceMappingURL=${inline(['webpack://proj/webpack/bootstrap', '../src/handler.ts'])}\n`);
    assert.equal(sourceFromSourceMap(js), ts);
    // webpack:// paths are relative to the project, not to the map: not found here, so nothing.
    const packed = write('w/build/other.js', `//# sourceMappingURL=${inline(['webpack://proj/./src/handler.ts'])}\n`);
    assert.equal(sourceFromSourceMap(packed), undefined);
    const rooted = write('r/out/app.js', `//# sourceMappingURL=maps/app.js.map\n`);
    write('r/out/maps/app.js.map', JSON.stringify({ version: 3, sourceRoot: '../../', sources: ['lib/app.ts'] }));
    const src = write('r/lib/app.ts', 'export const handler = 1;\n');
    assert.equal(sourceFromSourceMap(rooted), src);
  });

  it('uses a .ts file next to the .js (compiled in place), or alone (not compiled yet)', () => {
    write('inplace/app.js', 'exports.handler = 1;\n');
    const ts = write('inplace/app.ts', 'export const handler = 1;\n');
    assert.equal(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'inplace'), handler: 'app.handler' })?.file, ts);
    const lone = write('lone/app.ts', 'export const handler = 1;\n');
    assert.equal(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'lone'), handler: 'app.handler' })?.file, lone);
  });

  it('finds Python modules, dotted or with slashes, and packages', () => {
    const py = write('py/app.py', `import json\n\n\ndef handler(event, context):\n    return event\n`);
    assert.deepEqual(resolveHandlerSource({ runtime: 'python3.12', codeUri: path.join(root, 'py'), handler: 'app.handler' }), {
      file: py,
      exportName: 'handler',
      line: 4,
      column: 5,
    });
    const nested = write('py/pkg/orders.py', `async def handle(event, context):\n    pass\n`);
    assert.equal(resolveHandlerSource({ runtime: 'python3.12', codeUri: path.join(root, 'py'), handler: 'pkg.orders.handle' })?.file, nested);
    assert.equal(resolveHandlerSource({ runtime: 'python3.12', codeUri: path.join(root, 'py'), handler: 'pkg/orders.handle' })?.file, nested);
    const init = write('py/svc/__init__.py', `handler = lambda e, c: e\n`);
    assert.deepEqual(resolveHandlerSource({ runtime: 'python3.11', codeUri: path.join(root, 'py'), handler: 'svc.handler' }), {
      file: init,
      exportName: 'handler',
      line: 1,
      column: 1,
    });
  });

  it('finds Ruby files for both of AWS’s handler forms (file.method, file.Module::Class.method), nested too', () => {
    const app = write('rb/app.rb', "require 'json'\n\ndef handler(event:, context:)\n  event\nend\n");
    assert.deepEqual(resolveHandlerSource({ runtime: 'ruby3.3', codeUri: path.join(root, 'rb'), handler: 'app.handler' }), {
      file: app,
      exportName: 'handler',
      line: 3,
      column: 5,
    });
    const orders = write('rb/lib/orders.rb', 'module Shop\n  class Orders\n    def self.create(event:, context:) = event\n  end\nend\n');
    assert.deepEqual(resolveHandlerSource({ runtime: 'ruby3.4', codeUri: path.join(root, 'rb'), handler: 'lib/orders.Shop::Orders.create' }), {
      file: orders,
      exportName: 'create',
      line: 3,
      column: 14,
    });
    assert.equal(resolveHandlerSource({ runtime: 'ruby3.3', codeUri: path.join(root, 'rb'), handler: 'app' }), undefined);
  });

  it("finds a custom runtime's script, else its bootstrap", () => {
    write('sh/bootstrap', '#!/bin/sh\n');
    const script = write('sh/function.sh', `#!/bin/bash\nhandler () {\n  echo ok\n}\n`);
    assert.deepEqual(resolveHandlerSource({ runtime: 'provided.al2023', codeUri: path.join(root, 'sh'), handler: 'function.handler' }), {
      file: script,
      exportName: 'handler',
      line: 2,
      column: 1,
    });
    const bootstrap = write('only/bootstrap', '#!/bin/sh\n');
    assert.equal(resolveHandlerSource({ runtime: 'provided.al2', codeUri: path.join(root, 'only'), handler: 'x.y' })?.file, bootstrap);
  });

  it('returns undefined when the handler file is missing or the runtime unknown', () => {
    assert.equal(resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: path.join(root, 'none'), handler: 'index.handler' }), undefined);
    assert.equal(resolveHandlerSource({ runtime: 'java21', codeUri: root, handler: 'com.example.Handler::handleRequest' }), undefined);
  });

  it('locates exports in JavaScript and TypeScript forms', () => {
    assert.deepEqual(findExport('export default async function handler() {}', 'handler', '.ts'), { line: 1, column: 31 });
    assert.deepEqual(findExport('\nasync function handler(e) {}\nmodule.exports = { handler };\n', 'handler', '.js'), { line: 2, column: 16 });
    assert.deepEqual(findExport('const a = 1;\nexport { a as b, handler };\n', 'handler', '.js'), { line: 2, column: 18 });
    assert.equal(findExport('const other = 1;\n', 'handler', '.js'), undefined);
  });

  it("resolves the example project's TypeScript function to its source, from its sources and from a bundle's source map", async () => {
    const src = path.resolve(__dirname, '../../../examples/sam-app/ts-orders/src');
    // As the template declares it (BuildMethod esbuild, CodeUri ts-orders/src): the .ts beside where the .js would be.
    const fromSources = resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: src, handler: 'app.handler' });
    assert.equal(fromSources?.file, path.join(src, 'app.ts'));
    // As the engine runs it: the bundle esbuild writes with a source map.
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bundle-'));
    await esbuild.build({ entryPoints: [path.join(src, 'app.ts')], bundle: true, platform: 'node', outdir: dist, sourcemap: true, logLevel: 'silent' });
    const location = resolveHandlerSource({ runtime: 'nodejs20.x', codeUri: dist, handler: 'app.handler' });
    assert.equal(location?.file, path.join(src, 'app.ts'));
    assert.ok(location?.line !== undefined && location.line > 1);
  });
});
