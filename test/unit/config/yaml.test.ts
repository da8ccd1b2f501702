import { strict as assert } from 'node:assert';
import { DiagnosticSink } from '../../../src/core/config/diagnostics';
import { parseTemplate } from '../../../src/core/config/parse';
import { SourceFile } from '../../../src/core/config/source';
import type { TNode } from '../../../src/core/config/tree';
import { lines, load, loadFixture, single, where } from './helpers';

/** A tree as plain data (what the template means, without positions). */
function plain(n: TNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(plain);
  return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
}

function viaYaml(text: string): TNode | undefined {
  const source = new SourceFile('/t/template.yaml', text);
  return parseTemplate(source, new DiagnosticSink(source));
}

const SHORT_FORMS = lines(
  'A: !Ref Param',
  'B: !Sub "${AWS::Region}-x"',
  'C: !GetAtt Fn.Arn',
  'D: !GetAtt [Fn, Arn]',
  'E: !GetAtt Db.Endpoint.Address',
  'F: !If [Cond, !Ref A, !Ref AWS::NoValue]',
  'G: !Join [",", [a, b]]',
  'H: !Select [0, !Split [",", "a,b"]]',
  'I: !FindInMap [Map, Top, Second]',
  'J: !Base64 text',
  'K: !Equals [a, b]',
  'L: !And [!Condition X, !Or [!Condition Y, !Not [!Condition Z]]]',
  'M: !ImportValue shared-export',
  'N: !GetAZs ""',
  'O: !Cidr [10.0.0.0/16, 2, 8]',
  'P: !Sub',
  '  - "${V}"',
  '  - V: !Ref Param',
);

const LONG_FORMS = {
  A: { Ref: 'Param' },
  B: { 'Fn::Sub': '${AWS::Region}-x' },
  C: { 'Fn::GetAtt': ['Fn', 'Arn'] },
  D: { 'Fn::GetAtt': ['Fn', 'Arn'] },
  E: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
  F: { 'Fn::If': ['Cond', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] },
  G: { 'Fn::Join': [',', ['a', 'b']] },
  H: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
  I: { 'Fn::FindInMap': ['Map', 'Top', 'Second'] },
  J: { 'Fn::Base64': 'text' },
  K: { 'Fn::Equals': ['a', 'b'] },
  L: { 'Fn::And': [{ Condition: 'X' }, { 'Fn::Or': [{ Condition: 'Y' }, { 'Fn::Not': [{ Condition: 'Z' }] }] }] },
  M: { 'Fn::ImportValue': 'shared-export' },
  N: { 'Fn::GetAZs': '' },
  O: { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] },
  P: { 'Fn::Sub': ['${V}', { V: { Ref: 'Param' } }] },
};

describe('config: YAML reading', () => {
  it('maps every short-form tag to its long form', () => {
    assert.deepEqual(plain(viaYaml(SHORT_FORMS)!), LONG_FORMS);
  });

  it('points diagnostics of short forms at the tag, also for lists on the following lines', async () => {
    const m = await load(
      lines(
        'Resources:',
        '  Probe:',
        '    Type: Custom::Probe',
        '    Properties:',
        '      A: !Ref Missing',
        '      B: !GetAtt',
        '        - Missing',
        '        - Arn',
      ),
    );
    assert.deepEqual(m.diagnostics.map(where), [
      { line: 5, column: 10, property: 'Resources.Probe.Properties.A' },
      { line: 6, column: 10, property: 'Resources.Probe.Properties.B' },
    ]);
  });

  it('reports a YAML syntax error with its position and reads nothing else', async () => {
    const m = await loadFixture('syntax-error');
    const d = single(m, 'yaml-syntax');
    assert.deepEqual(where(d), { line: 6, column: 7 });
    assert.match(d.message, /Flow sequence in block collection must be sufficiently indented and end with a \]/);
    assert.deepEqual([m.functions, m.resources], [[], {}]);
  });

  it('reports an unclosed quote and a duplicate key', async () => {
    const quote = await load(lines('Resources:', '  Q:', '    Type: "AWS::SQS::Queue'));
    // The yaml library reports an unclosed quote where the text ends.
    assert.deepEqual(
      quote.diagnostics.map((d) => [d.code, d.message, d.range.line]),
      [['yaml-syntax', 'Missing closing "quote', 4]],
    );
    const dup = await load(lines('Resources:', '  Q:', '    Type: AWS::SQS::Queue', '  Q:', '    Type: AWS::SNS::Topic'));
    assert.deepEqual(where(single(dup, 'duplicate-key')), { line: 4, column: 3 });
  });

  it('reports unknown tags and YAML aliases', async () => {
    const m = await load(lines('Resources:', '  Q:', '    Type: &t AWS::SQS::Queue', '    Properties:', '      A: !Reff X', '      B: *t'));
    assert.deepEqual(where(single(m, 'unknown-tag')), { line: 5, column: 10 });
    assert.match(single(m, 'unknown-tag').message, /Unresolved tag: !Reff/);
    assert.deepEqual(where(single(m, 'yaml-alias')), { line: 6, column: 10, property: 'Resources.Q.Properties.B' });
  });

  it('reads JSON templates with positions', async () => {
    const m = await loadFixture('lambda-json', 'template.json');
    assert.deepEqual(m.resources.Dlq, { type: 'AWS::SQS::Queue', properties: {}, position: { file: m.file, line: 27, column: 5 } });
  });
});
