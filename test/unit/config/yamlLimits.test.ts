import { strict as assert } from 'node:assert';
import { parseDocument } from 'yaml';
import { loadTemplateText } from '../../../src/core/config/loader';
import type { TemplateModel } from '../../../src/core/config/index';
import { buildIfStale, runCliSync } from '../helpers/build';
import { lines, writeTemplate } from './helpers';
import { withNodeStackTraceLimit } from '../helpers/fuzz';

// YAML that once crashed (stack overflow, exit 3) or hung the template reader: each must now be one
// clear error with file:line:column, quickly (bounds are generous: the machine may be busy), in the reader and in the CLI (exit 2, no stack trace).

const HEAD = ['Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Q:', '    Type: AWS::SQS::Queue', '    Properties:'];

function billionLaughs(levels: number): string {
  const defs = ['lol0: &l0 [lol]'];
  for (let i = 1; i <= levels; i++) {
    defs.push(
      `lol${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  }
  return lines(...defs, ...HEAD, `      X: *l${levels}`);
}

function scalarAliases(n: number): string {
  return lines(...HEAD, '      Tags:', '        - &v val', ...Array<string>(n).fill('        - *v'));
}

/** The pathological templates of issue 16, with the error each must give and where (line, column). */
const CASES: Array<{ name: string; text: string; code: string; line: number; column: number }> = [
  { name: 'a self-referencing alias (x: &a [*a])', text: lines(...HEAD, '      x: &a [*a]'), code: 'yaml-alias-cycle', line: 6, column: 14 },
  {
    name: 'a merge key that refers to its own mapping (<<: *base inside base)',
    text: lines(...HEAD.slice(0, 4), '    Properties: &base', '      A: 1', '      <<: *base'),
    code: 'yaml-alias-cycle',
    line: 7,
    column: 11,
  },
  {
    name: 'a !FindInMap that refers to its own mapping',
    text: lines('Mappings:', '  M:', '    K:', '      V: !FindInMap [M, K, V]', ...HEAD, '      QueueName: !FindInMap [M, K, V]'),
    code: 'circular-reference',
    line: 4,
    column: 10,
  },
  { name: '3,000 levels of flow nesting', text: lines(...HEAD, `      X: ${'['.repeat(3000)}${']'.repeat(3000)}`), code: 'yaml-too-deep', line: 6, column: 0 },
  {
    name: '3,000 levels of block nesting',
    text: lines(...HEAD, ...Array.from({ length: 3000 }, (_, i) => `${' '.repeat(6 + i)}k${i}:`), `${' '.repeat(3006)}v`),
    code: 'yaml-too-deep',
    line: 0,
    column: 0,
  },
  {
    name: "150 levels of nesting (under the parser's own limit)",
    text: lines(...HEAD, `      X: ${'['.repeat(150)}${']'.repeat(150)}`),
    code: 'yaml-too-deep',
    line: 6,
    column: 0,
  },
  { name: 'a 9-level "billion laughs" alias bomb', text: billionLaughs(9), code: 'yaml-alias-limit', line: 0, column: 0 },
  // In flow style: the block list of 50,000 lines reads the same way, but the yaml library alone needs ~0.8 s to parse it.
  {
    name: '50,000 aliases of one scalar',
    text: lines(...HEAD, `      Tags: [&v val, ${Array<string>(50_000).fill('*v').join(', ')}]`),
    code: 'yaml-alias-limit',
    line: 6,
    column: 22 + 4 * 10_000,
  },
];

/** Loads the text, returning the model and how long it took. */
function timed(text: string): { model: TemplateModel; ms: number } {
  const started = performance.now();
  const model = loadTemplateText('/t/template.yaml', text);
  return { model, ms: performance.now() - started };
}

describe('config: YAML that used to crash or hang the reader', function () {
  this.timeout(60_000);
  withNodeStackTraceLimit();

  for (const c of CASES) {
    it(`${c.name}: one error with a position, within 3 s`, () => {
      const { model, ms } = timed(c.text);
      console.log(`      ${c.name}: ${ms.toFixed(0)} ms`);
      const errors = model.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => d.code),
        [c.code],
        JSON.stringify(model.diagnostics.slice(0, 3)),
      );
      const d = errors[0]!;
      assert.ok(d.range.line >= 1 && d.range.column >= 1, JSON.stringify(d.range));
      if (c.line) assert.equal(d.range.line, c.line);
      if (c.column) assert.equal(d.range.column, c.column);
      assert.doesNotMatch(d.message, /Maximum call stack|RangeError/);
      assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
    });
  }

  it('the CLI exits 2 with file:line:column and no stack trace for each of them', () => {
    buildIfStale();
    for (const c of CASES) {
      const file = writeTemplate(c.text);
      const started = performance.now();
      const r = runCliSync(['list', '-t', file], { env: process.env, timeout: 30_000 });
      console.log(`      CLI, ${c.name}: exit ${r.status} in ${(performance.now() - started).toFixed(0)} ms`);
      assert.equal(r.status, 2, `${c.name}: ${r.stderr}`);
      assert.match(r.stderr, /template\.yaml:\d+:\d+ error /, c.name);
      assert.doesNotMatch(r.stderr, /\n\s+at |RangeError|internal error/, `${c.name}: ${r.stderr}`);
    }
  });

  it('reads 8,000 aliases of one scalar in linear time, with one warning for all of them', () => {
    timed(scalarAliases(100)); // warm up
    const small = timed(scalarAliases(1000));
    const large = timed(scalarAliases(8000));
    console.log(`      1,000 aliases: ${small.ms.toFixed(0)} ms; 8,000 aliases: ${large.ms.toFixed(0)} ms`);
    for (const { model } of [small, large]) {
      assert.deepEqual(
        model.diagnostics.map((d) => d.code),
        ['yaml-alias'],
      );
      assert.equal((model.resources.Q!.properties.Tags as unknown[]).length, model === small.model ? 1001 : 8001);
    }
    assert.match(large.model.diagnostics[0]!.message, /8000 aliases in this template/);
    assert.ok(large.ms < 3000, `${large.ms.toFixed(0)} ms`);
    // Quadratic handling took 14 times as long for 8 times as many aliases.
    assert.ok(large.ms < 8 * Math.max(small.ms, 20) * 2, `${small.ms.toFixed(0)} ms → ${large.ms.toFixed(0)} ms`);
  });

  it('still reads anchors, aliases and merge keys as the yaml library does', () => {
    const text = lines(
      'Mappings:',
      '  Shared: &shared',
      '    Env: &env { A: "1", B: "2" }',
      'Resources:',
      '  Q:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      Tags:',
      '        <<: [*env, { C: "3", A: "ignored" }]',
      '        B: own',
      '      Copy: *shared',
      '      Nested:',
      '        <<: *env',
      '        <<: { D: "4" }',
    );
    const model = loadTemplateText('/t/template.yaml', text);
    assert.deepEqual(
      model.diagnostics.map((d) => d.code),
      ['yaml-alias'],
    );
    const expected = (parseDocument(text, { merge: true }).toJS() as { Resources: { Q: { Properties: unknown } } }).Resources.Q.Properties;
    assert.deepEqual(model.resources.Q!.properties, expected);
    assert.deepEqual(model.resources.Q!.properties.Tags, { A: '1', B: 'own', C: '3' });
  });

  it('reports the first 100 YAML errors of a mangled text and sums up the rest in one more', () => {
    const model = loadTemplateText('/t/template.yaml', lines(...HEAD, ...Array<string>(3000).fill('      - x: [')));
    assert.ok(model.diagnostics.length <= 101, `${model.diagnostics.length} diagnostics`);
    assert.ok(model.diagnostics.some((d) => /^… and \d+ more YAML errors after this one/.test(d.message)));
  });

  it('reports an alias without an anchor before it (it used to read as null)', () => {
    const model = loadTemplateText('/t/template.yaml', lines(...HEAD, '      A: *later', '      B: &later 1'));
    assert.deepEqual(
      model.diagnostics.map((d) => [d.code, d.range.line, d.range.column, d.message]),
      [['yaml-syntax', 6, 10, 'Unresolved alias *later: no anchor &later before it']],
    );
  });

  it('reports a merge key of something other than a mapping at its value', () => {
    const model = loadTemplateText('/t/template.yaml', lines(...HEAD, '      A:', '        <<: 5'));
    assert.deepEqual(
      model.diagnostics.map((d) => [d.code, d.range.line, d.range.column]),
      [['yaml-merge', 7, 13]],
    );
  });
});
