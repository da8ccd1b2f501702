import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTemplate, loadTemplateText } from '../../../src/core/config/index';
import { lines, load, samFn, samResourceLines, single, where, withCode, writeTemplate } from './helpers';

// SAM's template semantics the reader follows: CodeUri defaults to the template's directory,
// InlineCode / Code.ZipFile run from index.js / index.py, and Metadata (BuildMethod,
// BuildProperties) becomes the definition's `build`.

describe('config: SAM template semantics', () => {
  it("a function without CodeUri runs from the template's directory; Globals.Function.CodeUri still applies", async () => {
    const file = writeTemplate(
      samResourceLines(
        '  GetAll:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Handler: src/handlers/get-all-items.getAllItemsHandler, Runtime: nodejs22.x }',
      ),
    );
    const m = await loadTemplate(file);
    assert.deepEqual(m.diagnostics, []);
    assert.equal(m.functions[0]!.codeUri, path.dirname(file));
    assert.equal(m.functions[0]!.handler, 'src/handlers/get-all-items.getAllItemsHandler');

    const globals = await load(
      lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    CodeUri: src',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Handler: app.handler, Runtime: nodejs22.x }',
      ),
    );
    assert.equal(globals.functions[0]!.codeUri, path.join(path.dirname(globals.file), 'src'));
  });

  it('CodeUri written without a usable value is still an error at the property', async () => {
    const m = await load(samFn(['CodeUri: !Ref Nowhere', 'Handler: app.handler', 'Runtime: nodejs22.x']));
    const d = withCode(m, 'missing-property');
    assert.equal(d.length, 1);
    assert.deepEqual(where(d[0]!), { line: 6, column: 16, property: 'Resources.Fn.Properties.CodeUri' });
  });

  it('InlineCode and Code.ZipFile are written to index.js / index.py in the state directory by loadTemplate (not for an unsaved buffer)', async () => {
    const text = samResourceLines(
      '  Node:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs22.x',
      '      InlineCode: |',
      '        exports.handler = async () => "node";',
      '  Py:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: python3.12',
      '      Code:',
      '        ZipFile: |',
      '          def handler(event, context):',
      '              return "py"',
    );
    const file = writeTemplate(text);
    const dir = path.dirname(file);
    const buffer = loadTemplateText(file, text);
    assert.deepEqual(buffer.diagnostics, []);
    assert.ok(!fs.existsSync(path.join(dir, '.lambda-workbench')), 'an editor buffer writes nothing');

    const m = await loadTemplate(file);
    const [node, py] = m.functions;
    assert.equal(node!.codeUri, path.join(dir, '.lambda-workbench', 'inline', 'Node'));
    assert.equal(fs.readFileSync(path.join(node!.codeUri, 'index.js'), 'utf8'), 'exports.handler = async () => "node";\n');
    assert.equal(fs.readFileSync(path.join(py!.codeUri, 'index.py'), 'utf8'), 'def handler(event, context):\n    return "py"\n');
    // Another state directory (the engine's stateDir setting).
    const elsewhere = await loadTemplate(file, { stateDir: path.join(dir, 'state') });
    assert.ok(fs.existsSync(path.join(dir, 'state', 'inline', 'Py', 'index.py')));
    assert.equal(elsewhere.functions[1]!.codeUri, path.join(dir, 'state', 'inline', 'Py'));
  });

  it('inline code for a runtime CloudFormation takes none for: a warning at it, and only that function cannot run', async () => {
    const m = await load(samFn(['Handler: index.handler', 'Runtime: ruby3.3', 'InlineCode: "def handler(event:, context:) end"']));
    const d = single(m, 'unsupported-property');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(where(d), { line: 8, column: 19, property: 'Resources.Fn.Properties.InlineCode' });
    assert.match(m.functions[0]!.unsupported ?? '', /^InlineCode is only for Node.js and Python runtimes .*not ruby3\.3/);
  });

  it('Metadata.BuildMethod and BuildProperties become the build definition of functions and layers', async () => {
    const m = await load(
      lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Parameters:',
        '  Minify: { Type: String, Default: "true" }',
        'Resources:',
        '  Ts:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.lambdaHandler, Runtime: nodejs22.x }',
        '    Metadata:',
        '      BuildMethod: esbuild',
        '      BuildProperties:',
        '        Minify: !Ref Minify',
        '        Target: es2020',
        '        EntryPoints: [app.ts]',
        '      cfn-lint: { config: { ignore_checks: [W3002] } }',
        '  Plain:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: python3.12 }',
        '  Deps:',
        '    Type: AWS::Serverless::LayerVersion',
        '    Properties: { ContentUri: src, CompatibleRuntimes: [python3.12] }',
        '    Metadata: { BuildMethod: python3.12 }',
      ),
    );
    assert.deepEqual(m.diagnostics, []);
    const src = path.join(path.dirname(m.file), 'src');
    assert.deepEqual(m.functions[0]!.build, { method: 'esbuild', properties: { Minify: 'true', Target: 'es2020', EntryPoints: ['app.ts'] }, sourceDir: src });
    assert.equal(m.functions[1]!.build, undefined);
    assert.deepEqual(m.layers[0]!.build, { method: 'python3.12', properties: {}, sourceDir: src });
  });

  it('malformed Metadata: errors at the offending value; an unknown BuildMethod is a warning', async () => {
    const m = await load(
      samResourceLines(
        '  A:', // 3
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs22.x }',
        '    Metadata:',
        '      BuildMethod: 5', // 7
        '      BuildProperties: [Minify]', // 8
        '  B:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs22.x }',
        '    Metadata:',
        '      BuildMethod: webpack', // 13
        '  C:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs22.x }',
        '    Metadata: esbuild', // 17
      ),
    );
    assert.deepEqual(
      m.diagnostics.map((d) => [d.severity, d.code, where(d)]),
      [
        ['error', 'invalid-type', { line: 7, column: 20, property: 'Resources.A.Metadata.BuildMethod' }],
        ['error', 'invalid-type', { line: 8, column: 24, property: 'Resources.A.Metadata.BuildProperties' }],
        ['warning', 'unknown-build-method', { line: 13, column: 20, property: 'Resources.B.Metadata.BuildMethod' }],
        ['error', 'invalid-type', { line: 17, column: 15, property: 'Resources.C.Metadata' }],
      ],
    );
    assert.match(m.diagnostics[2]!.message, /^Unknown Metadata.BuildMethod 'webpack'; known: esbuild, makefile/);
    assert.deepEqual(m.functions[1]!.build?.method, 'webpack');
    assert.equal(m.functions[0]!.build, undefined);
  });
});
