import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { lines, load, samFn, samFunction, samResourceLines, single, where, withCode, ZIP_FILE_FUNCTION } from './helpers';

// Each problem is one diagnostic at the offending node: line/column, the property path
// and a message that says what would be allowed.

/** One SAM function `Fn` (declared at 3:3) with the given property lines (line 6 on). */
const fnWith = (...props: string[]) => samFn(props);

describe('config: validation diagnostics', () => {
  it('reports missing Handler and Runtime at the resource; a missing CodeUri is the template directory, as in SAM', async () => {
    const m = await load(fnWith('Description: nothing else'));
    const missing = withCode(m, 'missing-property');
    assert.deepEqual(
      missing.map((d) => [where(d), d.message.split(' (')[0]]),
      [
        [{ line: 3, column: 3, property: 'Resources.Fn.Properties.Handler' }, 'Missing required property Handler'],
        [{ line: 3, column: 3, property: 'Resources.Fn.Properties.Runtime' }, 'Missing required property Runtime'],
      ],
    );
    assert.ok(missing.every((d) => d.severity === 'error'));
    // The function is still listed, so tools can show it next to its problems.
    assert.deepEqual([m.functions[0]!.handler, m.functions[0]!.runtime, m.functions[0]!.codeUri], ['', '', path.dirname(m.file)]);
  });

  it('lists image functions it cannot build natively with a warning and the reason their invocations fail with', async () => {
    const m = await load(fnWith('PackageType: Image', 'ImageUri: repo/image:latest'));
    const d = single(m, 'unsupported-image');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(where(d), { line: 6, column: 20, property: 'Resources.Fn.Properties.PackageType' });
    assert.match(d.message, /^Image function: no Metadata.Dockerfile and DockerContext .*ImageUri repo\/image:latest/);
    assert.deepEqual(withCode(m, 'missing-property'), []);
    assert.match(m.functions[0]!.unsupported ?? '', /^Image function: no Metadata.Dockerfile/);
  });

  it('reports an unknown runtime listing the supported ones', async () => {
    const m = await load(fnWith('CodeUri: src', 'Handler: app.handler', 'Runtime: nodejs99.x'));
    const d = single(m, 'invalid-value');
    assert.deepEqual(where(d), { line: 8, column: 16, property: 'Resources.Fn.Properties.Runtime' });
    assert.match(d.message, /^Unknown runtime 'nodejs99.x'; supported runtimes: .*nodejs20\.x.*python3\.12.*provided\.al2023/);
  });

  it('warns about deprecated runtimes and runtimes that cannot run locally', async () => {
    const m = await load(
      samResourceLines(
        '  Old:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs16.x }',
        '  Jvm:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: App::App.Function::Handle, Runtime: dotnet8 }',
      ),
    );
    const deprecated = single(m, 'deprecated-runtime');
    assert.equal(deprecated.severity, 'warning');
    assert.deepEqual(where(deprecated), { line: 5, column: 64, property: 'Resources.Old.Properties.Runtime' });
    assert.match(deprecated.message, /nodejs16.x' is deprecated .* consider one of: .*nodejs22\.x/);
    const unsupported = single(m, 'unsupported-runtime');
    assert.equal(unsupported.severity, 'warning');
    assert.equal(unsupported.property, 'Resources.Jvm.Properties.Runtime');
  });

  it('checks MemorySize (integer 128–10240) and Timeout (integer 1–900) at their values', async () => {
    const cases: Array<[string, string]> = [
      ['MemorySize: 64', 'MemorySize must be an integer between 128 and 10240 (MB), got 64'],
      ['MemorySize: 10241', 'MemorySize must be an integer between 128 and 10240 (MB), got 10241'],
      ['MemorySize: 256.5', 'MemorySize must be an integer between 128 and 10240 (MB), got 256.5'],
      ['MemorySize: lots', 'MemorySize must be an integer between 128 and 10240 (MB), got "lots"'],
      ['Timeout: 0', 'Timeout must be an integer between 1 and 900 (seconds), got 0'],
      ['Timeout: 901', 'Timeout must be an integer between 1 and 900 (seconds), got 901'],
    ];
    for (const [prop, message] of cases) {
      const m = await load(samFunction(prop));
      const d = single(m, 'invalid-value');
      const key = prop.split(':')[0]!;
      assert.deepEqual(where(d), { line: 9, column: 9 + key.length, property: `Resources.Fn.Properties.${key}` }, prop);
      assert.equal(d.message, message);
      // The default is used so the function stays runnable for tools that ignore the error.
      assert.equal(m.functions[0]![key === 'Timeout' ? 'timeout' : 'memorySize'], key === 'Timeout' ? 3 : 128);
    }
  });

  it('accepts MemorySize and Timeout from Number parameters (Ref yields strings)', async () => {
    const m = await load(
      lines('Parameters:', '  Mem: { Type: Number, Default: 1024 }', ...samFunction('MemorySize: !Ref Mem', 'Timeout: "30"').trimEnd().split('\n')),
    );
    assert.deepEqual(m.diagnostics, []);
    assert.deepEqual([m.functions[0]!.memorySize, m.functions[0]!.timeout], [1024, 30]);
  });

  it('reports a negative ReservedConcurrentExecutions', async () => {
    const m = await load(samFunction('ReservedConcurrentExecutions: -1'));
    const d = single(m, 'invalid-value');
    assert.deepEqual(where(d), { line: 9, column: 37, property: 'Resources.Fn.Properties.ReservedConcurrentExecutions' });
    assert.equal(d.message, 'ReservedConcurrentExecutions must be an integer >= 0, got -1');
  });

  it('reports invalid and reserved environment variable names at the name', async () => {
    const m = await load(samFunction('Environment:', '  Variables:', '    1BAD: x', '    has-dash: y', '    AWS_REGION: z', '    GOOD_ONE: ok'));
    const [first, second] = withCode(m, 'invalid-value');
    assert.deepEqual(where(first!), { line: 11, column: 11, property: 'Resources.Fn.Properties.Environment.Variables.1BAD' });
    assert.match(first!.message, /Environment variable name '1BAD' is invalid: it must match \^\[a-zA-Z\]\[a-zA-Z0-9_\]\+\$/);
    assert.deepEqual(where(second!), { line: 12, column: 11, property: 'Resources.Fn.Properties.Environment.Variables.has-dash' });
    const reserved = single(m, 'reserved-env-var');
    assert.deepEqual(where(reserved), { line: 13, column: 11, property: 'Resources.Fn.Properties.Environment.Variables.AWS_REGION' });
    assert.deepEqual(m.functions[0]!.environment, { GOOD_ONE: 'ok' });
  });

  it('reports environment variables over 4 KB in total', async () => {
    const m = await load(samFunction('Environment:', '  Variables:', `    BIG: ${'x'.repeat(3000)}`, `    MORE: ${'y'.repeat(1100)}`));
    const d = single(m, 'invalid-value');
    assert.deepEqual(where(d), { line: 10, column: 9, property: 'Resources.Fn.Properties.Environment.Variables' });
    assert.equal(d.message, 'Environment variables total 4107 bytes (names + values); Lambda allows at most 4096 bytes (4 KB)');
  });

  it('reports a CodeUri directory that does not exist, and remote code; inline code is run from the state directory', async () => {
    const missing = await load(fnWith('CodeUri: nowhere/', 'Handler: app.handler', 'Runtime: nodejs20.x'));
    const d = single(missing, 'path-not-found');
    assert.deepEqual(where(d), { line: 6, column: 16, property: 'Resources.Fn.Properties.CodeUri' });
    assert.match(d.message, /^CodeUri directory does not exist: .*nowhere$/);

    const s3 = await load(fnWith('CodeUri: s3://bucket/code.zip', 'Handler: app.handler', 'Runtime: nodejs20.x'));
    assert.match(single(s3, 'not-local').message, /CodeUri 's3:\/\/bucket\/code.zip' is a remote location/);
    const s3Object = await load(fnWith('CodeUri: { Bucket: b, Key: k }', 'Handler: app.handler', 'Runtime: nodejs20.x'));
    assert.deepEqual(where(single(s3Object, 'not-local')), { line: 6, column: 16, property: 'Resources.Fn.Properties.CodeUri' });

    const inline = await load(fnWith('InlineCode: "exports.handler = async () => 1"', 'Handler: index.handler', 'Runtime: nodejs20.x'));
    assert.deepEqual(inline.diagnostics, []);
    assert.equal(inline.functions[0]!.codeUri, path.join(path.dirname(inline.file), '.lambda-workbench', 'inline', 'Fn'));
  });

  it('reports AWS::Lambda::Function S3 code; ZipFile code runs', async () => {
    const m = await load(
      lines(
        'Resources:',
        ...ZIP_FILE_FUNCTION,
        '  S3:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Handler: index.handler',
        '      Runtime: nodejs20.x',
        '      Code: { S3Bucket: b, S3Key: k.zip }',
      ),
    );
    assert.deepEqual(withCode(m, 'unsupported-property'), []);
    assert.deepEqual(m.functions[0]!.inlineCode, { fileName: 'index.js', source: 'exports.handler = async () => 1' });
    assert.deepEqual(where(single(m, 'not-local')), { line: 14, column: 13, property: 'Resources.S3.Properties.Code' });
  });

  it('reports a missing or empty Resources section', async () => {
    const none = await load(lines('AWSTemplateFormatVersion: "2010-09-09"'));
    const d = single(none, 'missing-resources');
    assert.deepEqual(where(d), { line: 1, column: 1, property: 'Resources' });
    const notMap = await load(lines('Resources: [a, b]'));
    assert.deepEqual(where(single(notMap, 'invalid-template')), { line: 1, column: 12, property: 'Resources' });
  });

  it('reports a resource without Type', async () => {
    const m = await load(lines('Resources:', '  Fine:', '    Type: AWS::SQS::Queue', '  Typeless:', '    Properties: {}'));
    const d = single(m, 'missing-type');
    assert.deepEqual(where(d), { line: 4, column: 3, property: 'Resources.Typeless.Type' });
    assert.deepEqual(Object.keys(m.resources), ['Fine']);
  });

  it('reports duplicate function names at the second FunctionName', async () => {
    const m = await load(
      samResourceLines(
        '  A:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { FunctionName: shared, CodeUri: src, Handler: a.h, Runtime: nodejs20.x }',
        '  B:',
        '    Type: AWS::Lambda::Function',
        '    Properties: { FunctionName: shared, Code: src, Handler: a.h, Runtime: nodejs20.x }',
      ),
    );
    const d = single(m, 'duplicate-function-name');
    assert.deepEqual(where(d), { line: 8, column: 33, property: 'Resources.B.Properties.FunctionName' });
    assert.equal(d.message, "Function name 'shared' is also used by 'A' (line 3); function names must be unique");
  });

  it('reports problems written in Globals at Globals', async () => {
    const m = await load(
      lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    MemorySize: 100',
        'Resources:',
        '  A:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: a.h, Runtime: nodejs20.x }',
        '  B:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: a.h, Runtime: nodejs20.x }',
      ),
    );
    // Reported once, where it is written, although it applies to both functions.
    assert.deepEqual(where(single(m, 'invalid-value')), { line: 4, column: 17, property: 'Globals.Function.MemorySize' });
  });

  it('reports invalid Architectures, ProvisionedConcurrency without an alias and a bad DeadLetterQueue', async () => {
    const m = await load(
      samFunction(
        'Architectures: [x86_64, arm64]',
        'ProvisionedConcurrencyConfig:',
        '  ProvisionedConcurrentExecutions: 1',
        'DeadLetterQueue: { Type: Kafka, TargetArn: x }',
      ),
    );
    assert.deepEqual(
      m.diagnostics.map((d) => [d.code, d.range.line, d.property, d.message]),
      [
        ['invalid-value', 9, 'Resources.Fn.Properties.Architectures', 'Architectures must be a list with exactly one of: x86_64, arm64'],
        ['missing-property', 10, 'Resources.Fn.Properties.ProvisionedConcurrencyConfig', 'ProvisionedConcurrencyConfig requires AutoPublishAlias'],
        ['invalid-value', 12, 'Resources.Fn.Properties.DeadLetterQueue.Type', 'DeadLetterQueue.Type must be one of: SQS, SNS'],
      ],
    );
  });

  it("reports ProvisionedConcurrentExecutions above the function's ReservedConcurrentExecutions, as Lambda refuses it", async () => {
    const m = await load(
      samFunction('AutoPublishAlias: live', 'ReservedConcurrentExecutions: 5', 'ProvisionedConcurrencyConfig:', '  ProvisionedConcurrentExecutions: 100000'),
    );
    assert.deepEqual(
      m.diagnostics.map((d) => [d.severity, d.code, d.range.line, d.property, d.message]),
      [
        [
          'error',
          'invalid-value',
          12,
          'Resources.Fn.Properties.ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions',
          'Requested Provisioned Concurrency (100000) should not be greater than the reservedConcurrentExecution for function (5)',
        ],
      ],
    );
    const within = await load(
      samFunction('AutoPublishAlias: live', 'ReservedConcurrentExecutions: 5', 'ProvisionedConcurrencyConfig:', '  ProvisionedConcurrentExecutions: 5'),
    );
    assert.deepEqual(within.diagnostics, []);
  });

  it('reports a required property whose intrinsic cannot be resolved, after the intrinsic itself', async () => {
    const m = await load(fnWith('CodeUri: src', 'Handler: app.handler', 'Runtime: !ImportValue runtime-export'));
    assert.deepEqual(
      m.diagnostics.map((d) => [d.code, where(d)]),
      [
        ['unresolvable-intrinsic', { line: 8, column: 16, property: 'Resources.Fn.Properties.Runtime' }],
        ['missing-property', { line: 8, column: 16, property: 'Resources.Fn.Properties.Runtime' }],
      ],
    );
    assert.equal(m.diagnostics[1]!.message, 'Runtime has no value that can be used locally');
  });

  it('warns when SAM resources are used without the Serverless transform', async () => {
    const m = await load(
      lines('Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties: { CodeUri: src, Handler: a.h, Runtime: nodejs20.x }'),
    );
    const d = single(m, 'missing-transform');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(where(d), { line: 2, column: 3, property: 'Transform' });
  });

  it('checks parameter values against AllowedValues and Number', async () => {
    const m = await load(
      lines(
        'Parameters:',
        '  Env:',
        '    Type: String',
        '    AllowedValues: [dev, prod]',
        '    Default: dev',
        '  Size:',
        '    Type: Number',
        '    Default: big',
        'Resources:',
        '  Q:',
        '    Type: AWS::SQS::Queue',
      ),
      { parameterOverrides: { Env: 'qa' } },
    );
    const [env, size] = withCode(m, 'invalid-parameter');
    assert.deepEqual(where(env!), { line: 2, column: 3, property: 'Parameters.Env' });
    assert.equal(env!.message, "override value 'qa' of parameter 'Env' is not one of AllowedValues: dev, prod");
    assert.deepEqual(where(size!), { line: 8, column: 14, property: 'Parameters.Size' });
    assert.equal(size!.message, "Default 'big' of parameter 'Size' is not a number (Type: Number)");
  });
});
