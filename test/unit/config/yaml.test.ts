import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTemplate } from '../../../src/core/config/index';
import { DiagnosticSink } from '../../../src/core/config/diagnostics';
import { parseFast } from '../../../src/core/config/fastYaml';
import { parseWithYaml } from '../../../src/core/config/parse';
import { SourceFile } from '../../../src/core/config/source';
import type { TNode } from '../../../src/core/config/tree';
import { FIXTURES, lines, load, single, where } from './helpers';

/** A tree as plain data (what the template means, without positions). */
function plain(n: TNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(plain);
  return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
}

/** A tree with positions and paths; collection ends are left out (the two parsers differ on trailing comments). */
function shape(n: TNode): unknown {
  const base = { kind: n.kind, path: n.path, start: n.start };
  if (n.kind === 'scalar') return { ...base, end: n.end, value: Number.isNaN(n.value) ? 'NaN' : n.value, raw: n.raw };
  if (n.kind === 'seq') return { ...base, items: n.items.map(shape) };
  return { ...base, entries: n.entries.map((e) => ({ key: e.key, keyStart: e.keyStart, keyEnd: e.keyEnd, value: shape(e.value) })) };
}

function viaYaml(text: string): TNode | undefined {
  const source = new SourceFile('/t/template.yaml', text);
  return parseWithYaml(source, new DiagnosticSink(source));
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

// Texts the fast reader must read exactly like the `yaml` library, or decline.
const SNIPPETS = [
  SHORT_FORMS,
  'A:\n  - \n  -\n  - x\nB: 1\n',
  'A:\n  K: v  # c\n  L: w\n# trailing\nB: 1\n',
  'A: |\n  x\n\n  y\n\nB: 1\n',
  'A: >\n  x\n  y\n\n  z\n',
  'A: |-\n  x',
  'A: [a,\n  b]\n',
  '- a: 1\n  b: 2\n- c\n',
  '{"a":1, "b": [true, null, "s\\n\\u0041"]}',
  'A: !Sub |\n  echo ${X}\nB: !Join\n  - ""\n  - - a\n    - !Ref B\n',
  'A:\n- x\n- y\nB: z\n',
  'A:   \nB: 1\n',
  'A: 0123\nB: 1.0\nC: 0x1F\nD: .inf\nE: -.5\nF: 1e3\nG: ~\nH: Null\nI: yes\nJ: 2012-10-17\n',
  "A: 'it''s'\nB: \"tab\\there\"\n",
  '---\nA: 1\n',
  'A: arn:aws:sqs:us-east-1:1:q\nB: https://x/y?z=1#frag\nC: a #comment\n',
  "key with spaces: v\n\"quoted key\": w\n'single': z\n",
  'A: -1\nB: -x\nC: ?x\nD: :x\n',
  'Path: /users/{id}\nH: a[0]\n',
  'A: [ ]\nB: {}\nC: [[1, 2], {a: b}]\n',
  'A: 1\r\nB:\r\n  - x\r\n  - |\r\n    y\r\n    z\r\n',
  '  A: 1\n  B: 2\n',
  'A  : 1\nB : [x]\n',
  'A: |\n  # not comment\n  x\n',
  "A: ['a,]b', \"c\", hello world, a#b, a ,b]\n",
  '- A:\n  - x\n  B: y\n',
  'A: [\n  1,\n  2\n  ]\n',
  '#c\n\n---  # doc\n# c\nA: 1\n',
];

// Outside the fast reader's subset: it must decline, so the `yaml` library decides.
const DECLINED = [
  'A: &x 1\nB: *x\n', // aliases
  'A: b\n  c\n', // multi-line plain scalar
  'A: 1\nA: 2\n', // duplicate key
  'A: x: y\n', // error
  'A: !Foo x\n', // unknown tag
  'A:\n\tB: 1\n', // tab
  'A: "multi\n  line"\n', // multi-line quoted
  'A: 1\n---\nB: 2\n', // two documents
  'A: >\n  a\n    b\n', // folded more-indented
];

describe('config: YAML reading', () => {
  it('maps every short-form tag to its long form (both readers)', () => {
    assert.deepEqual(plain(parseFast(SHORT_FORMS)!), LONG_FORMS);
    assert.deepEqual(plain(viaYaml(SHORT_FORMS)!), LONG_FORMS);
  });

  it('the fast reader matches the yaml library on every fixture and snippet', () => {
    const fixtures = fs
      .readdirSync(FIXTURES)
      .map((d) => ['template.yaml', 'template.json'].map((f) => path.join(FIXTURES, d, f)).find((f) => fs.existsSync(f)))
      .filter((f): f is string => f !== undefined)
      .map((f) => fs.readFileSync(f, 'utf8'));
    for (const text of [...SNIPPETS, ...fixtures]) {
      const fast = parseFast(text);
      const slow = viaYaml(text);
      if (!fast) continue; // declined: the yaml library is used
      assert.ok(slow, `yaml rejected text the fast reader accepted:\n${text}`);
      assert.deepEqual(shape(fast), shape(slow), text);
    }
    // The common cases must not fall back (that is the point of the fast reader).
    for (const text of [SHORT_FORMS, fixtures[0]!, fixtures[1]!]) assert.ok(parseFast(text), text.slice(0, 80));
  });

  it('the fast reader declines what is outside its subset', () => {
    for (const text of DECLINED) assert.equal(parseFast(text), undefined, text);
  });

  it('points diagnostics of short forms at the tag, also for lists on the following lines', async () => {
    const m = await load(
      lines('Resources:', '  Probe:', '    Type: Custom::Probe', '    Properties:', '      A: !Ref Missing', '      B: !GetAtt', '        - Missing', '        - Arn'),
    );
    assert.deepEqual(
      m.diagnostics.map(where),
      [
        { line: 5, column: 10, property: 'Resources.Probe.Properties.A' },
        { line: 6, column: 10, property: 'Resources.Probe.Properties.B' },
      ],
    );
  });

  it('reports a YAML syntax error with its position and reads nothing else', async () => {
    const m = await loadTemplate(path.join(FIXTURES, 'syntax-error', 'template.yaml'));
    const d = single(m, 'yaml-syntax');
    assert.deepEqual(where(d), { line: 6, column: 7 });
    assert.match(d.message, /Flow sequence in block collection must be sufficiently indented and end with a \]/);
    assert.deepEqual([m.functions, m.resources], [[], {}]);
  });

  it('reports an unclosed quote and a duplicate key', async () => {
    const quote = await load(lines('Resources:', '  Q:', '    Type: "AWS::SQS::Queue'));
    // The yaml library reports an unclosed quote where the text ends.
    assert.deepEqual(quote.diagnostics.map((d) => [d.code, d.message, d.range.line]), [['yaml-syntax', 'Missing closing "quote', 4]]);
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
    const m = await loadTemplate(path.join(FIXTURES, 'lambda-json', 'template.json'));
    assert.deepEqual(m.resources.Dlq, { type: 'AWS::SQS::Queue', properties: {}, position: { file: m.file, line: 27, column: 5 } });
  });
});
