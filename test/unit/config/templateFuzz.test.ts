import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParseCache } from '../../../src/core/config/chunkedParse';
import { loadTemplateText } from '../../../src/core/config/loader';
import type { TemplateModel } from '../../../src/core/config/index';
import { prng, withNodeStackTraceLimit } from '../helpers/fuzz';

// Template mutation fuzz: the repository's templates with aliases and anchors inserted, references to
// themselves, merge keys, deep nesting, truncation, flipped bytes, duplicated keys and tags on the
// wrong kind of node, fed to the engine's reader whole (CLI, extension) and through the chunked
// reader with a cache kept across edits (language server). Whatever the text, the reader returns
// diagnostics with positions: no exception, no hang. Seeded (LWB_FUZZ_SEED to replay), ~10 s
// (LWB_FUZZ_MS).

const ROOT = path.resolve(__dirname, '../../..');
const SEED = Number(process.env.LWB_FUZZ_SEED ?? 16_05);
const BUDGET_MS = Number(process.env.LWB_FUZZ_MS ?? 10_000);
/** Generous (a busy machine): what it catches is a hang, which took minutes before. */
const PER_MUTATION_MS = 5000;

function sources(): Array<{ name: string; text: string }> {
  const files = [path.join(ROOT, 'examples/sam-app/template.yaml'), path.join(ROOT, 'test/extension/fixture/template.yaml')];
  const fixtures = path.join(ROOT, 'test/fixtures/templates');
  for (const dir of fs.readdirSync(fixtures)) {
    for (const f of fs.readdirSync(path.join(fixtures, dir))) if (/^template\.(ya?ml|json)$/.test(f)) files.push(path.join(fixtures, dir, f));
  }
  return files.map((f) => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
}

type Mutation = (text: string, rnd: Rnd) => string;

class Rnd {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const lineList = (t: string) => t.split('\n');
const indentOf = (l: string) => /^ */.exec(l)![0].length;
/** Indexes of `key: value` / `key:` lines (block YAML). */
const keyLines = (ls: string[]) => ls.map((l, i) => (/^\s*[\w"'-][^:#]*:(\s|$)/.test(l) ? i : -1)).filter((i) => i >= 0);

/** `edit` applied to the lines at a random key line (of those `keep` accepts); the text unchanged when there is none. */
function atKeyLine(t: string, r: Rnd, edit: (ls: string[], a: number) => void, keep: (line: string) => boolean = () => true): string {
  const ls = lineList(t);
  const keys = keyLines(ls).filter((i) => keep(ls[i]!));
  if (keys.length === 0) return t;
  edit(ls, r.pick(keys));
  return ls.join('\n');
}

const MUTATIONS: Record<string, Mutation> = {
  anchorAndAlias(t, r) {
    const ls = lineList(t);
    const keys = keyLines(ls);
    if (keys.length < 2) return t;
    const a = r.pick(keys);
    const name = `a${r.int(5)}`;
    ls[a] = ls[a]!.replace(/:(\s|$)/, `: &${name}$1`);
    const b = r.pick(keys);
    ls[b] = ls[b]!.replace(/:(\s.*)?$/, `: *${name}`);
    return ls.join('\n');
  },
  selfReference(t, r) {
    return atKeyLine(
      t,
      r,
      (ls, a) => {
        ls[a] = `${ls[a]} &self`;
        const child = `${' '.repeat(indentOf(ls[a]!) + 2)}${r.pick(['<<: *self', 'Again: *self', 'List: [*self]', '- *self'])}`;
        ls.splice(a + 1, 0, child);
      },
      (l) => /:\s*$/.test(l),
    );
  },
  mergeKey(t, r) {
    return atKeyLine(
      t,
      r,
      (ls, a) => {
        const value = r.pick(['{ Extra: 1 }', '[{ A: 1 }, { B: 2 }]', '5', '*a0', '[*a0, *a1]', '!Ref X', '~']);
        ls.splice(a + 1, 0, `${' '.repeat(indentOf(ls[a]!) + 2)}<<: ${value}`);
      },
      (l) => /:\s*$/.test(l),
    );
  },
  deepNesting(t, r) {
    return atKeyLine(t, r, (ls, a) => {
      const depth = r.pick([50, 99, 101, 150, 400, 1000, 3000]);
      const [open, close] = r.pick([
        ['[', ']'],
        ['{a: ', '}'],
        ['!If [C, ', ', x]'],
        ['{"Fn::Join": ["", ', ']}'],
      ]);
      ls[a] = ls[a]!.replace(/:(\s.*)?$/, `: ${open!.repeat(depth)}1${close!.repeat(depth)}`);
    });
  },
  aliasBomb(t, r) {
    const levels = 2 + r.int(9);
    const width = 2 + r.int(9);
    let bomb = 'Bomb0: &b0 [lol]\n';
    for (let i = 1; i <= levels; i++) {
      bomb += `Bomb${i}: &b${i} [${Array(width)
        .fill(`*b${i - 1}`)
        .join(', ')}]\n`;
    }
    const ls = lineList(t);
    const keys = keyLines(ls);
    if (keys.length > 0 && r.next() < 0.7) {
      const a = r.pick(keys);
      ls[a] = ls[a]!.replace(/:(\s.*)?$/, `: *b${levels}`);
    }
    return bomb + ls.join('\n');
  },
  manyAliases(t, r) {
    const n = r.pick([100, 1000, 5000, 10_050]);
    // Flow style for the long lists: the alias limit (10,000) is what this is about, not the parser's speed.
    if (n > 1000) return `${t}\nAliases: [&one x, ${Array<string>(n).fill('*one').join(', ')}]\n`;
    return `${t}\nAliases:\n  - &one x\n${'  - *one\n'.repeat(n)}`;
  },
  selfFindInMap(t, r) {
    const m = r.pick(['!FindInMap [M, K, V]', '!FindInMap [M, K, W]', '{ "Fn::FindInMap": [M, K, V] }', '!If [C, !FindInMap [M, K, V], 1]']);
    const conditions = r.next() < 0.5 ? 'Conditions:\n  C: !Equals [!FindInMap [M, K, V], x]\n  D: !Not [!Condition D]\n' : '';
    return `Mappings:\n  M:\n    K:\n      V: ${m}\n      W: !FindInMap [M, K, V]\n${conditions}${t.replace(/^Mappings:/m, 'OldMappings:')}`;
  },
  truncate(t, r) {
    return t.slice(0, r.int(t.length + 1));
  },
  flipBytes(t, r) {
    const chars = [...t];
    const alphabet = ':[]{}&*!<>-|#\'"\n\t ,?%@`\\\0\u00e9\ud83d\ude00xX0';
    for (let n = 1 + r.int(10); n > 0 && chars.length > 0; n--) {
      chars[r.int(chars.length)] = r.next() < 0.8 ? r.pick([...alphabet]) : String.fromCharCode(r.int(0x3000));
    }
    return chars.join('');
  },
  duplicateKey(t, r) {
    return atKeyLine(t, r, (ls, a) => ls.splice(a, 0, ls[a]!));
  },
  tagOnWrongKind(t, r) {
    return atKeyLine(t, r, (ls, a) => {
      const tag = r.pick(['!Ref', '!GetAtt', '!FindInMap', '!If', '!Sub', '!Join', '!Condition', '!Base64', '!Nope', '!!map', '!!seq', '!!str', '!!int']);
      ls[a] = ls[a]!.replace(/:(\s|$)/, `: ${tag}$1`);
    });
  },
};

/** The first problem with what the reader returned, or undefined. */
function problem(model: TemplateModel): string | undefined {
  for (const d of model.diagnostics) {
    if (!(d.range.line >= 1 && d.range.column >= 1 && d.range.endLine >= d.range.line)) return `diagnostic without a position: ${JSON.stringify(d)}`;
    if (/Maximum call stack|RangeError/.test(d.message)) return `stack overflow reported as a diagnostic: ${d.message}`;
  }
  return undefined;
}

describe('config: template mutation fuzz', function () {
  this.timeout(BUDGET_MS + 60_000);
  withNodeStackTraceLimit();

  it(`reads every mutation of the repository's templates without an exception or a hang (seed ${SEED})`, () => {
    const rnd = new Rnd(prng(SEED));
    const templates = sources();
    assert.ok(templates.length >= 4, templates.map((t) => t.name).join(', '));
    const names = Object.keys(MUTATIONS);
    const caches = new Map(templates.map((t) => [t.name, new ParseCache()]));
    const perKind = new Map<string, number>();
    let tried = 0;
    let slowest = { ms: 0, what: '' };
    const started = Date.now();
    console.log(`      seed ${SEED} (LWB_FUZZ_SEED=${SEED} replays it), budget ${BUDGET_MS} ms`);
    while (Date.now() - started < BUDGET_MS) {
      const source = rnd.pick(templates);
      const applied: string[] = [];
      let text = source.text;
      for (let n = 1 + rnd.int(3); n > 0; n--) {
        const kind = rnd.pick(names);
        applied.push(kind);
        perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
        text = MUTATIONS[kind]!(text, rnd);
      }
      const what = `#${tried} ${source.name}: ${applied.join(' + ')}`;
      const file = path.join(ROOT, source.name);
      for (const chunked of [false, true]) {
        const t0 = performance.now();
        const how = `${what} (${chunked ? 'chunked' : 'whole'})`;
        /** Fails with the mutated text saved, to replay it. */
        const fail = (why: string): never => {
          const saved = path.join(os.tmpdir(), `lwb-fuzz-${SEED}-${tried}.yaml`);
          fs.writeFileSync(saved, text);
          assert.fail(`${how}: ${why}\nthe text is in ${saved}`);
        };
        let model: TemplateModel | undefined;
        try {
          model = loadTemplateText(file, text, chunked ? { parseCache: caches.get(source.name)! } : {});
        } catch (err) {
          fail(`threw ${(err as Error).stack}`);
        }
        const ms = performance.now() - t0;
        if (ms > slowest.ms) slowest = { ms, what: how };
        const bad = problem(model!);
        if (bad) fail(bad);
        if (ms >= PER_MUTATION_MS) fail(`took ${ms.toFixed(0)} ms`);
      }
      tried++;
    }
    console.log(`      ${tried} mutated templates read twice each (whole and chunked); slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what}`);
    console.log(`      mutations applied: ${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    assert.ok(tried >= 50, `only ${tried} mutations in ${BUDGET_MS} ms`);
  });
});
