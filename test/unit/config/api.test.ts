import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTemplate, formatDiagnostic, hasErrors, KNOWN_RUNTIMES, loadTemplate, type Diagnostic } from '../../../src/core/config/index';
import { lines, samFunction, writeTemplate } from './helpers';

function diagnostic(file: string, property?: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code: 'invalid-value', message: 'bad', range: { file, line: 12, column: 5, endLine: 12, endColumn: 9 } };
  if (property) d.property = property;
  return d;
}

/** 500 resources: 100 functions with events and references, and 400 queues, topics, tables, permissions. */
function bigTemplate(): string {
  const out = ['Transform: AWS::Serverless-2016-10-31', 'Globals:', '  Function:', '    Runtime: nodejs20.x', '    CodeUri: src', 'Resources:'];
  for (let i = 0; i < 100; i++) {
    out.push(
      `  Fn${i}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: app.handler',
      `      FunctionName: !Sub '\${AWS::StackName}-fn${i}'`,
      '      Environment:',
      '        Variables:',
      `          TABLE: !Ref T${i}`,
      `          TOPIC: !Ref S${i}`,
      '      Events:',
      '        Jobs:',
      '          Type: SQS',
      `          Properties: { Queue: !GetAtt Q${i}.Arn, BatchSize: 10 }`,
      `  Q${i}:`,
      '    Type: AWS::SQS::Queue',
      `  S${i}:`,
      '    Type: AWS::SNS::Topic',
      `  T${i}:`,
      '    Type: AWS::DynamoDB::Table',
      '    Properties:',
      '      BillingMode: PAY_PER_REQUEST',
      '      KeySchema: [{ AttributeName: id, KeyType: HASH }]',
      `  P${i}:`,
      '    Type: AWS::Lambda::Permission',
      `    Properties: { FunctionName: !GetAtt Fn${i}.Arn, Action: lambda:InvokeFunction, Principal: sns.amazonaws.com, SourceArn: !Ref S${i} }`,
    );
  }
  return lines(...out);
}

describe('config: public API', () => {
  it('findTemplate prefers template.yaml, then template.yml, then template.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-find-'));
    assert.equal(findTemplate(dir), undefined);
    fs.mkdirSync(path.join(dir, 'template.yaml')); // a directory is not a template
    assert.equal(findTemplate(dir), undefined);
    fs.writeFileSync(path.join(dir, 'template.json'), '{}');
    assert.equal(findTemplate(dir), path.join(dir, 'template.json'));
    fs.writeFileSync(path.join(dir, 'template.yml'), '');
    assert.equal(findTemplate(dir), path.join(dir, 'template.yml'));
    fs.rmdirSync(path.join(dir, 'template.yaml'));
    fs.writeFileSync(path.join(dir, 'template.yaml'), '');
    assert.equal(findTemplate(dir), path.join(dir, 'template.yaml'));
  });

  it('formatDiagnostic prints file:line:column severity property: message, relative to cwd when shorter', () => {
    const inside = path.join(process.cwd(), 'app', 'template.yaml');
    assert.equal(
      formatDiagnostic(diagnostic(inside, 'Resources.Hello.Properties.MemorySize')),
      'app/template.yaml:12:5 error Resources.Hello.Properties.MemorySize: bad',
    );
    const outside = path.join(path.parse(process.cwd()).root, 't.yaml');
    assert.equal(formatDiagnostic(diagnostic(outside)), `${outside}:12:5 error bad`);
  });

  it('hasErrors ignores warnings and infos', () => {
    const warning: Diagnostic = { ...diagnostic('/t.yaml'), severity: 'warning' };
    assert.equal(hasErrors({ diagnostics: [] }), false);
    assert.equal(hasErrors({ diagnostics: [warning, { ...warning, severity: 'info' }] }), false);
    assert.equal(hasErrors({ diagnostics: [warning, diagnostic('/t.yaml')] }), true);
  });

  it('loadTemplate throws a clear error only for an unreadable file', async () => {
    const missing = path.join(os.tmpdir(), 'lwb-no-such-dir', 'template.yaml');
    await assert.rejects(loadTemplate(missing), (e: Error) => e.message.startsWith(`Cannot read template ${missing}: ENOENT`));
    const garbage = await loadTemplate(writeTemplate('just a string\n'));
    assert.equal(garbage.diagnostics[0]!.code, 'invalid-template');
  });

  it('KNOWN_RUNTIMES marks what runs locally and what is deprecated', () => {
    for (const r of [
      'nodejs18.x',
      'nodejs20.x',
      'nodejs22.x',
      'python3.9',
      'python3.10',
      'python3.11',
      'python3.12',
      'python3.13',
      'ruby3.3',
      'ruby3.4',
      'provided',
      'provided.al2',
      'provided.al2023',
    ]) {
      assert.deepEqual([r, KNOWN_RUNTIMES[r]?.local, KNOWN_RUNTIMES[r]?.deprecated], [r, true, false]);
    }
    for (const r of ['nodejs16.x', 'python3.8', 'ruby3.2']) assert.deepEqual([r, KNOWN_RUNTIMES[r]?.local, KNOWN_RUNTIMES[r]?.deprecated], [r, true, true]);
    for (const r of ['java21', 'java17', 'java11']) assert.equal(KNOWN_RUNTIMES[r]?.local, true, r);
    for (const r of ['java8.al2', 'dotnet8']) assert.equal(KNOWN_RUNTIMES[r]?.local, false, r);
  });

  it('loads a 500-resource template without diagnostics', async () => {
    // Its speed is measured by the benchmark (bench/), not asserted here.
    const m = await loadTemplate(writeTemplate(bigTemplate()));
    assert.deepEqual(m.diagnostics, []);
    assert.equal(m.functions.length, 100);
    assert.equal(Object.keys(m.resources).length, 500);
  });

  it('a function template helper round-trips through loadTemplate', async () => {
    const m = await loadTemplate(writeTemplate(samFunction('MemorySize: 256')));
    assert.equal(m.functions[0]!.memorySize, 256);
  });
});
