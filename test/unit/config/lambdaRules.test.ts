import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasErrors, loadTemplateText, type Diagnostic, type DiagnosticSeverity, type TemplateModel } from '../../../src/core/config/index';
import { checkMappingInput, readTemplateMappings, validateMapping } from '../../../src/core/config/mappingDefinitions';
import { lines, samFn, samResourceLines, ZIP_FILE_FUNCTION } from './helpers';

// Lambda's rules as the language server publishes them: loadTemplateText's diagnostics, each at
// the exact range of the offending value (or, for a missing property, of its parent's key).
// Expected ranges are computed from the text, so every assertion is exact.

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-rules-'));
fs.mkdirSync(path.join(DIR, 'src'));
const FILE = path.join(DIR, 'template.yaml');

function load(text: string): TemplateModel {
  return loadTemplateText(FILE, text);
}

/** The 1-based range of `needle` in `text` (the first occurrence after `after`, when given). */
function rangeOf(text: string, needle: string, after?: string): Diagnostic['range'] {
  const from = after === undefined ? 0 : text.indexOf(after);
  assert.ok(from >= 0, `anchor not found: ${after}`);
  const start = text.indexOf(needle, from);
  assert.ok(start >= 0, `not found: ${needle} after ${after}`);
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  };
  const s = pos(start);
  const e = pos(start + needle.length);
  return { file: FILE, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

interface Expected {
  code: string;
  severity: DiagnosticSeverity;
  message: string | RegExp;
  /** The text the diagnostic must cover exactly, and an anchor it comes after. */
  at: string;
  after?: string;
  property?: string;
}

/** The one diagnostic with this code at this exact range; checks severity, message and property. */
function expectDiagnostic(m: TemplateModel, text: string, e: Expected): Diagnostic {
  const range = rangeOf(text, e.at, e.after);
  const found = m.diagnostics.filter((d) => d.code === e.code && d.range.line === range.line && d.range.column === range.column);
  assert.equal(found.length, 1, `one '${e.code}' at ${range.line}:${range.column} (${e.at}), got:\n${JSON.stringify(m.diagnostics, null, 1)}`);
  const d = found[0]!;
  assert.deepEqual(d.range, range, e.at);
  assert.equal(d.severity, e.severity, e.at);
  if (typeof e.message === 'string') assert.ok(d.message.includes(e.message), `${d.message} should include ${e.message}`);
  else assert.match(d.message, e.message);
  if (e.property !== undefined) assert.equal(d.property, e.property);
  return d;
}

const CODE = ['CodeUri: src', 'Handler: app.handler'];

describe('config: Lambda rules as diagnostics (exact ranges)', () => {
  after(() => fs.rmSync(DIR, { recursive: true, force: true }));

  it('1. Runtime: unknown runtimes are errors, deprecated ones warnings', () => {
    const text = lines(
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function:',
      '    Runtime: python3.8',
      'Resources:',
      '  Unknown:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs99.x }',
      '  Old:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Code: src',
      '      Handler: app.handler',
      '      Runtime: nodejs16.x',
      '  FromGlobals:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src, Handler: app.handler }',
    );
    const m = load(text);
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'error',
      message: "Unknown runtime 'nodejs99.x'; supported runtimes:",
      at: 'nodejs99.x',
      property: 'Resources.Unknown.Properties.Runtime',
    });
    expectDiagnostic(m, text, {
      code: 'deprecated-runtime',
      severity: 'warning',
      message: "Runtime 'nodejs16.x' is deprecated by AWS Lambda",
      at: 'nodejs16.x',
      property: 'Resources.Old.Properties.Runtime',
    });
    // Written once in Globals, reported once there.
    expectDiagnostic(m, text, {
      code: 'deprecated-runtime',
      severity: 'warning',
      message: "Runtime 'python3.8' is deprecated",
      at: 'python3.8',
      property: 'Globals.Function.Runtime',
    });
    assert.equal(m.diagnostics.length, 3, JSON.stringify(m.diagnostics, null, 1));
  });

  it('2. MemorySize 128–10,240 and Timeout 1–900, at the value; the bounds themselves are fine', () => {
    for (const [prop, value, message] of [
      ['MemorySize', '127', 'MemorySize must be an integer between 128 and 10240 (MB), got 127'],
      ['MemorySize', '10241', 'MemorySize must be an integer between 128 and 10240 (MB), got 10241'],
      ['Timeout', '0', 'Timeout must be an integer between 1 and 900 (seconds), got 0'],
      ['Timeout', '901', 'Timeout must be an integer between 1 and 900 (seconds), got 901'],
    ] as const) {
      const text = samFn([...CODE, 'Runtime: nodejs20.x', `${prop}: ${value}`]);
      const m = load(text);
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'error',
        message,
        at: value,
        after: `${prop}:`,
        property: `Resources.Fn.Properties.${prop}`,
      });
      assert.equal(m.diagnostics.length, 1);
    }
    for (const props of [
      ['MemorySize: 128', 'Timeout: 1'],
      ['MemorySize: 10240', 'Timeout: 900'],
    ]) {
      assert.deepEqual(load(samFn([...CODE, 'Runtime: nodejs20.x', ...props])).diagnostics, []);
    }
  });

  it('3. CodeUri: missing is the template directory (SAM), a directory that does not exist is an error; Globals and inline code count', () => {
    const missing = load(samFn(['Handler: app.handler', 'Runtime: nodejs20.x']));
    assert.deepEqual(missing.diagnostics, []);
    assert.equal(missing.functions[0]!.codeUri, DIR);

    const nowhere = samFn(['CodeUri: nowhere/', 'Handler: app.handler', 'Runtime: nodejs20.x']);
    expectDiagnostic(load(nowhere), nowhere, {
      code: 'path-not-found',
      severity: 'error',
      message: `CodeUri directory does not exist: ${path.join(DIR, 'nowhere')}`,
      at: 'nowhere/',
    });

    // CodeUri from Globals is the function's CodeUri.
    const globals = lines(
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function:',
      '    CodeUri: src',
      ...samFn(['Handler: app.handler', 'Runtime: nodejs20.x']).split('\n').slice(1),
    );
    const g = load(globals);
    assert.deepEqual(g.diagnostics, []);
    assert.equal(g.functions[0]!.codeUri, path.join(DIR, 'src'));

    // Inline code needs no CodeUri / Code: it runs from index.js in the state directory.
    const inline = samResourceLines(
      '  Inline:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { InlineCode: "exports.handler = async () => 1", Handler: index.handler, Runtime: nodejs20.x }',
      ...ZIP_FILE_FUNCTION,
    );
    const i = load(inline);
    assert.deepEqual(i.diagnostics, []);
    assert.deepEqual(
      i.functions.map((f) => [f.codeUri, f.inlineCode?.fileName]),
      [
        [path.join(DIR, '.lambda-workbench', 'inline', 'Inline'), 'index.js'],
        [path.join(DIR, '.lambda-workbench', 'inline', 'Zip'), 'index.js'],
      ],
    );
  });

  it('4. Environment variables: invalid names, reserved names, over 4 KB in total', () => {
    const text = samFn([
      ...CODE,
      'Runtime: nodejs20.x',
      'Environment:',
      '  Variables:',
      '    1BAD: x',
      '    A: single-letter',
      '    has-dash: y',
      '    AWS_REGION: z',
      `    BIG: ${'x'.repeat(3000)}`,
      `    MORE: ${'y'.repeat(1100)}`,
    ]);
    const m = load(text);
    for (const name of ['1BAD', 'A', 'has-dash']) {
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'error',
        message: `Environment variable name '${name}' is invalid: it must match ^[a-zA-Z][a-zA-Z0-9_]+$`,
        at: name,
        after: `    ${name}:`,
        property: `Resources.Fn.Properties.Environment.Variables.${name}`,
      });
    }
    expectDiagnostic(m, text, {
      code: 'reserved-env-var',
      severity: 'error',
      message: "Environment variable 'AWS_REGION' is reserved by Lambda",
      at: 'AWS_REGION',
    });
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'error',
      message: 'Environment variables total 4107 bytes (names + values); Lambda allows at most 4096 bytes (4 KB)',
      at: 'Variables',
      property: 'Resources.Fn.Properties.Environment.Variables',
    });
    assert.equal(m.diagnostics.length, 5);
  });

  it('4b. a NUL byte in an Environment value is an error at the value, not a failure at invoke', () => {
    const text = samFn([...CODE, 'Runtime: nodejs20.x', 'Environment:', '  Variables:', '    GOOD: fine', '    NUL: "a\\0b"', '    ALSO: "\\x00"']);
    const m = load(text);
    for (const [name, value] of [
      ['NUL', '"a\\0b"'],
      ['ALSO', '"\\x00"'],
    ]) {
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'error',
        message: `Environment variable '${name}' contains a NUL character`,
        at: value,
        property: `Resources.Fn.Properties.Environment.Variables.${name}`,
      });
    }
    assert.equal(m.diagnostics.length, 2, JSON.stringify(m.diagnostics));
    assert.ok(hasErrors(m));
  });

  describe('5. event source mappings (the rules of config/mappingDefinitions.ts the engine shares)', () => {
    const text = samFn(
      [
        ...CODE,
        'Runtime: nodejs20.x',
        'Events:',
        '  Big:',
        '    Type: SQS',
        '    Properties:',
        '      Queue: !GetAtt Q.Arn',
        '      BatchSize: 20000',
        '  NoWindow:',
        '    Type: SQS',
        '    Properties:',
        '      Queue: !GetAtt Q.Arn',
        '      BatchSize: 100',
        '  ZeroWindow:',
        '    Type: SQS',
        '    Properties: { Queue: !GetAtt Q.Arn, BatchSize: 11, MaximumBatchingWindowInSeconds: 0 }',
        '  Batched:',
        '    Type: SQS',
        '    Properties: { Queue: !GetAtt Q.Arn, BatchSize: 10000, MaximumBatchingWindowInSeconds: 1 }',
        '  NoPosition:',
        '    Type: Kinesis',
        '    Properties:',
        '      Stream: !GetAtt S.Arn',
        '  BadPosition:',
        '    Type: Kinesis',
        '    Properties: { Stream: !GetAtt S.Arn, StartingPosition: OLDEST, ParallelizationFactor: 11 }',
        '  Table:',
        '    Type: DynamoDB',
        '    Properties: { Stream: !GetAtt T.StreamArn, StartingPosition: LATEST, BatchSize: 10001, ParallelizationFactor: 0 }',
        '  Unknown:',
        '    Type: Kinesis',
        '    Properties: { Stream: !GetAtt Nowhere.Arn, StartingPosition: LATEST, BatchSize: 0 }',
      ],
      '  Q:',
      '    Type: AWS::SQS::Queue',
      '  S:',
      '    Type: AWS::Kinesis::Stream',
      '  T:',
      '    Type: AWS::DynamoDB::Table',
      '    Properties: { StreamSpecification: { StreamViewType: NEW_IMAGE } }',
      '  SqsMapping:',
      '    Type: AWS::Lambda::EventSourceMapping',
      '    Properties:',
      '      FunctionName: !Ref Fn',
      '      EventSourceArn: !GetAtt Q.Arn',
      '      BatchSize: 50',
      '  StreamMapping:',
      '    Type: AWS::Lambda::EventSourceMapping',
      '    Properties:',
      '      FunctionName: !Ref Fn',
      '      EventSourceArn: !GetAtt S.Arn',
      '      ParallelizationFactor: 0',
      '  GoodMapping:',
      '    Type: AWS::Lambda::EventSourceMapping',
      '    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt S.Arn, StartingPosition: TRIM_HORIZON, BatchSize: 10000, ParallelizationFactor: 10 }',
    );
    const m = load(text);
    const events = 'Resources.Fn.Properties.Events';

    it('SQS BatchSize 1–10,000 and BatchSize > 10 only with MaximumBatchingWindowInSeconds >= 1', () => {
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: "Value '20000' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000",
        at: '20000',
        property: `${events}.Big.Properties.BatchSize`,
      });
      // Missing: at the event's Properties key.
      expectDiagnostic(m, text, {
        code: 'missing-property',
        severity: 'warning',
        message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
        at: 'Properties',
        after: '  NoWindow:',
        property: `${events}.NoWindow.Properties.MaximumBatchingWindowInSeconds`,
      });
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: 'Maximum batch window in seconds must be greater than 0',
        at: '0',
        after: 'MaximumBatchingWindowInSeconds:',
        property: `${events}.ZeroWindow.Properties.MaximumBatchingWindowInSeconds`,
      });
      // The SQS mapping resource: nothing to point at but its logical id.
      expectDiagnostic(m, text, {
        code: 'missing-property',
        severity: 'warning',
        message: 'Maximum batch window in seconds must be greater than 0',
        at: 'SqsMapping',
        property: 'Resources.SqsMapping.Properties.MaximumBatchingWindowInSeconds',
      });
    });

    it('Kinesis / DynamoDB: StartingPosition required and one of TRIM_HORIZON | LATEST | AT_TIMESTAMP, ParallelizationFactor 1–10, BatchSize 1–10,000', () => {
      expectDiagnostic(m, text, {
        code: 'missing-property',
        severity: 'warning',
        message: "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
        at: 'Properties',
        after: '  NoPosition:',
        property: `${events}.NoPosition.Properties.StartingPosition`,
      });
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: "Value 'OLDEST' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
        at: 'OLDEST',
      });
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: "Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10",
        at: '11',
        after: 'OLDEST',
      });
      expectDiagnostic(m, text, { code: 'invalid-value', severity: 'warning', message: "Value '10001' at 'batchSize'", at: '10001' });
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: "Value '0' at 'parallelizationFactor' failed to satisfy constraint: Member must have value greater than or equal to 1",
        at: '0',
        after: 'ParallelizationFactor: 0 }',
      });
      expectDiagnostic(m, text, {
        code: 'missing-property',
        severity: 'warning',
        message: "Value null at 'startingPosition'",
        at: 'StreamMapping',
        property: 'Resources.StreamMapping.Properties.StartingPosition',
      });
      expectDiagnostic(m, text, {
        code: 'invalid-value',
        severity: 'warning',
        message: "Value '0' at 'parallelizationFactor'",
        at: '0',
        after: '  StreamMapping:',
      });
    });

    it('a source that does not resolve is reported once (unresolved-ref), and the rules still apply to the rest', () => {
      expectDiagnostic(m, text, { code: 'unresolved-ref', severity: 'error', message: "no resource 'Nowhere'", at: '!GetAtt Nowhere.Arn' });
      expectDiagnostic(m, text, { code: 'invalid-value', severity: 'warning', message: "Value '0' at 'batchSize'", at: '0', after: 'Nowhere.Arn' });
      assert.equal(m.diagnostics.filter((d) => d.property?.endsWith('Unknown.Properties.Stream')).length, 1);
    });

    it('nothing else is reported; the engine reads the same problems and keeps the valid mappings', () => {
      assert.equal(m.diagnostics.length, 13, m.diagnostics.map((d) => `${d.range.line}:${d.range.column} ${d.code} ${d.message}`).join('\n'));
      const { mappings, problems } = readTemplateMappings(m);
      assert.deepEqual(mappings.map((x) => x.declaredAs).sort(), ['Fn.Events.Batched', 'GoodMapping']);
      assert.equal(problems.length, 9); // Unknown has no ARN for the engine
    });

    it('one set of rules: the API throws the first problem, the template check gets each with its field', () => {
      const input = { EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', BatchSize: 0, ParallelizationFactor: 11 };
      assert.throws(() => validateMapping({ ...input, FunctionName: 'f' }, { uuid: 'u', origin: 'api' }), {
        name: 'InvalidParameterValueException',
        message: "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
      });
      assert.deepEqual(
        checkMappingInput(input).map((i) => [i.field.join('.'), i.error.message]),
        [
          [
            'BatchSize',
            "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
          ],
          ['StartingPosition', "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null."],
          [
            'ParallelizationFactor',
            "1 validation error detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10",
          ],
        ],
      );
      // A SAM event's Type stands in for a source whose ARN is unknown.
      assert.deepEqual(
        checkMappingInput({ BatchSize: 20 }, 'sqs').map((i) => i.field.join('.')),
        ['EventSourceArn', 'MaximumBatchingWindowInSeconds'],
      );
    });

    it('a template whose only problems are mappings still opens (warnings)', () => {
      const only = text.replace('!GetAtt Nowhere.Arn', '!GetAtt S.Arn');
      const opened = load(only);
      assert.equal(hasErrors(opened), false, JSON.stringify(opened.diagnostics.filter((d) => d.severity === 'error')));
    });
  });

  it('6. asynchronous invocation: MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21,600 (SAM and AWS::Lambda::EventInvokeConfig)', () => {
    const text = samFn(
      [...CODE, 'Runtime: nodejs20.x', 'EventInvokeConfig:', '  MaximumRetryAttempts: 3', '  MaximumEventAgeInSeconds: 59'],
      '  Other:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs20.x }',
      '  Config:',
      '    Type: AWS::Lambda::EventInvokeConfig',
      '    Properties:',
      '      FunctionName: !Ref Other',
      '      Qualifier: $LATEST',
      '      MaximumRetryAttempts: -1',
      '      MaximumEventAgeInSeconds: 21601',
    );
    const m = load(text);
    const cases: Array<[string, string, string, string]> = [
      [
        '3',
        'MaximumRetryAttempts:',
        'EventInvokeConfig.MaximumRetryAttempts must be an integer between 0 and 2, got 3',
        'Resources.Fn.Properties.EventInvokeConfig.MaximumRetryAttempts',
      ],
      [
        '59',
        'MaximumEventAgeInSeconds:',
        'EventInvokeConfig.MaximumEventAgeInSeconds must be an integer between 60 and 21600 (seconds), got 59',
        'Resources.Fn.Properties.EventInvokeConfig.MaximumEventAgeInSeconds',
      ],
      ['-1', '  Config:', 'MaximumRetryAttempts must be an integer between 0 and 2, got -1', 'Resources.Config.Properties.MaximumRetryAttempts'],
      [
        '21601',
        '  Config:',
        'MaximumEventAgeInSeconds must be an integer between 60 and 21600 (seconds), got 21601',
        'Resources.Config.Properties.MaximumEventAgeInSeconds',
      ],
    ];
    for (const [at, after, message, property] of cases) {
      const d = expectDiagnostic(m, text, { code: 'invalid-value', severity: 'error', message, at, after, property });
      assert.equal(d.message, message);
    }
    assert.equal(m.diagnostics.length, 4);
  });

  describe('7. references to nothing', () => {
    const text = samFn(
      [
        ...CODE,
        'Runtime: nodejs20.x',
        'AutoPublishAlias: live',
        'Environment:',
        '  Variables:',
        '    A1: !Ref Missing',
        '    A2: !GetAtt Nope.Arn',
        '    A3: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/${Gone}"',
        '    A4: { "Fn::GetAtt": [Absent, Arn] }',
        '    A5: !Ref Stage',
        '    A6: !Ref Fn.Alias',
        '    A7: !Sub "${Fn.Version}"',
      ],
      '  Bucket:',
      '    Type: AWS::S3::Bucket',
      '  Plain:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs20.x, Description: !Ref Plain.Alias }',
      'Parameters:',
      '  Stage: { Type: String, Default: dev }',
      'Outputs:',
      '  Arn:',
      '    Value: !GetAtt Fn.Arn',
      '  Broken:',
      '    Value: !GetAtt Lost.Arn',
    );
    const m = load(text);

    it('Ref, GetAtt (short and long form) and ${…} in Fn::Sub: errors at the reference', () => {
      expectDiagnostic(m, text, {
        code: 'unresolved-ref',
        severity: 'error',
        message: "'Missing' is not a parameter, resource or pseudo parameter of this template",
        at: '!Ref Missing',
        property: 'Resources.Fn.Properties.Environment.Variables.A1',
      });
      expectDiagnostic(m, text, {
        code: 'unresolved-ref',
        severity: 'error',
        message: "Fn::GetAtt Nope.Arn: no resource 'Nope' in this template",
        at: '!GetAtt Nope.Arn',
      });
      expectDiagnostic(m, text, { code: 'unresolved-ref', severity: 'error', message: "Fn::Sub ${Gone}: 'Gone' is not a parameter, resource", at: '${Gone}' });
      expectDiagnostic(m, text, { code: 'unresolved-ref', severity: 'error', message: "no resource 'Absent'", at: '{ "Fn::GetAtt": [Absent, Arn] }' });
    });

    it("a long form spanning lines (indented JSON) at its argument: the name, or the list's logical id", () => {
      const json = JSON.stringify(
        {
          Resources: {
            Fn: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Code: 'src',
                Handler: 'app.handler',
                Runtime: 'nodejs20.x',
                Role: { Ref: 'NoRole' },
                Description: { 'Fn::GetAtt': ['Absent', 'Arn'] },
              },
            },
          },
        },
        null,
        2,
      );
      const j = loadTemplateText(path.join(DIR, 'template.json'), json);
      const at = (needle: string) => ({ ...rangeOf(json, needle), file: path.join(DIR, 'template.json') });
      assert.deepEqual(
        j.diagnostics.map((d) => [d.code, d.severity, d.range]),
        [
          ['unresolved-ref', 'error', at('"NoRole"')],
          ['unresolved-ref', 'error', at('"Absent"')],
        ],
      );
      const yaml = samFn([...CODE, 'Runtime: nodejs20.x', 'Role:', '  Ref: NoRole']);
      // Block YAML: the mapping is the one line `Ref: NoRole`.
      expectDiagnostic(load(yaml), yaml, { code: 'unresolved-ref', severity: 'error', message: "'NoRole' is not a parameter", at: 'Ref: NoRole' });
    });

    it("SAM's Fn.Alias / Fn.Version exist only with an AutoPublishAlias", () => {
      assert.equal(m.functions[0]!.environment.A6, 'arn:aws:lambda:us-east-1:000000000000:function:Fn:live');
      assert.equal(m.functions[0]!.environment.A7, 'arn:aws:lambda:us-east-1:000000000000:function:Fn:${Fn.Version}');
      expectDiagnostic(m, text, {
        code: 'unresolved-ref',
        severity: 'error',
        message: "'Plain.Alias' exists only for a function with an AutoPublishAlias",
        at: '!Ref Plain.Alias',
      });
    });

    it('in Outputs: a warning (outputs do not affect local runs)', () => {
      expectDiagnostic(m, text, {
        code: 'unresolved-ref',
        severity: 'warning',
        message: "no resource 'Lost'",
        at: '!GetAtt Lost.Arn',
        property: 'Outputs.Broken.Value',
      });
      assert.equal(m.diagnostics.length, 6, JSON.stringify(m.diagnostics, null, 1));
    });
  });

  it('8. aliases: versions the template does not publish, GetAtt of something that is not a version, weights 0–1', () => {
    const alias = (name: string, ...props: string[]) => [
      `  ${name}:`,
      '    Type: AWS::Lambda::Alias',
      '    Properties:',
      '      FunctionName: !Ref Fn',
      `      Name: ${name.toLowerCase()}`,
      ...props.map((p) => `      ${p}`),
    ];
    const text = samFn(
      [...CODE, 'Runtime: nodejs20.x'],
      '  Other:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs20.x }',
      '  V1:',
      '    Type: AWS::Lambda::Version',
      '    Properties: { FunctionName: !Ref Fn }',
      '  OtherV:',
      '    Type: AWS::Lambda::Version',
      '    Properties: { FunctionName: !GetAtt Other.Arn }',
      ...alias('Good', 'FunctionVersion: !GetAtt V1.Version'),
      ...alias('Literal', 'FunctionVersion: 1'),
      ...alias('Latest', 'FunctionVersion: $LATEST'),
      ...alias('TooHigh', 'FunctionVersion: "3"'),
      ...alias('NotVersion', 'FunctionVersion: !GetAtt Fn.Version'),
      ...alias('WrongFunction', 'FunctionVersion: !GetAtt OtherV.Version'),
      ...alias('Named', 'FunctionVersion: live'),
      ...alias('Unset'),
      ...alias(
        'Routing',
        'FunctionVersion: !GetAtt V1.Version',
        'RoutingConfig:',
        '  AdditionalVersionWeights:',
        '    - FunctionVersion: "7"',
        '      FunctionWeight: 1.5',
        '    - FunctionVersion: !GetAtt V1.Version',
        '      FunctionWeight: -0.1',
        '    - FunctionWeight: 0.5',
      ),
    );
    const m = load(text);
    expectDiagnostic(m, text, {
      code: 'missing-version',
      severity: 'warning',
      message: "FunctionVersion 3 is not a version this template publishes: this template publishes at most 1 version of 'Fn'",
      at: '"3"',
      property: 'Resources.TooHigh.Properties.FunctionVersion',
    });
    expectDiagnostic(m, text, {
      code: 'missing-version',
      severity: 'warning',
      message: "Fn::GetAtt Fn.Version: 'Fn' is an AWS::Serverless::Function, not an AWS::Lambda::Version",
      at: '!GetAtt Fn.Version',
      property: 'Resources.NotVersion.Properties.FunctionVersion',
    });
    expectDiagnostic(m, text, {
      code: 'missing-version',
      severity: 'warning',
      message: "FunctionVersion: 'OtherV' is a version of 'Other', not of the alias's function 'Fn'",
      at: '!GetAtt OtherV.Version',
    });
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'warning',
      message: "FunctionVersion: 1 validation error detected: Value 'live' at 'functionVersion' failed to satisfy constraint",
      at: 'live',
      after: '  Named:',
    });
    expectDiagnostic(m, text, {
      code: 'missing-property',
      severity: 'warning',
      message: 'Missing required property FunctionVersion',
      at: 'Unset',
      property: 'Resources.Unset.Properties.FunctionVersion',
    });
    // Routing: each entry's version and weight at its value; a missing version at the list item.
    expectDiagnostic(m, text, {
      code: 'missing-version',
      severity: 'warning',
      message: 'RoutingConfig.AdditionalVersionWeights[0].FunctionVersion 7 is not a version this template publishes',
      at: '"7"',
      property: 'Resources.Routing.Properties.RoutingConfig.AdditionalVersionWeights[0].FunctionVersion',
    });
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'warning',
      message: 'FunctionWeight must be a number between 0.0 and 1.0, got 1.5',
      at: '1.5',
    });
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'warning',
      message: 'FunctionWeight must be a number between 0.0 and 1.0, got -0.1',
      at: '-0.1',
    });
    expectDiagnostic(m, text, {
      code: 'missing-property',
      severity: 'warning',
      message: 'Missing required property FunctionVersion of the additional version',
      at: 'FunctionWeight: 0.5',
      property: 'Resources.Routing.Properties.RoutingConfig.AdditionalVersionWeights[2].FunctionVersion',
    });
    expectDiagnostic(m, text, {
      code: 'invalid-value',
      severity: 'warning',
      message: 'Lambda routes to at most one additional version; 3 are given',
      at: 'AdditionalVersionWeights',
    });
    // Good, Literal (version 1 is V1's) and Latest: nothing. Warnings only: the template opens.
    assert.equal(m.diagnostics.length, 10, JSON.stringify(m.diagnostics, null, 1));
    assert.equal(hasErrors(m), false);
  });
});
