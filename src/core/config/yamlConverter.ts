// The YAML library's document → the reader's tree (tree.ts), with short-form tags rewritten to long form.
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { DiagnosticSink } from './diagnostics';
import { makeMap, type MapEntry, type ScalarNode, type TNode } from './tree';
import { CFN_TAGS, SHORT_FORMS, wrapTag } from './yamlTags';

export function parseYaml(text: string): Document {
  return parseDocument(text, { customTags: CFN_TAGS, prettyErrors: false });
}

/** The YAML library's document → our tree (offsets are those of `text`, the text it was parsed from). */
export class Converter {
  constructor(
    private readonly text: string,
    private readonly sink: Pick<DiagnosticSink, 'warning'>,
    private readonly doc: Document,
  ) {}

  node(n: unknown, path: string, fallback: number): TNode {
    if (isAlias(n)) {
      // Expanded here (SAM CLI does the same when packaging), but CloudFormation rejects aliases in templates it receives as is.
      const [start, end] = n.range ?? [fallback, fallback];
      const message = 'YAML alias expanded locally; CloudFormation rejects aliases unless the template is packaged first (sam package / aws cloudformation package)';
      this.sink.warning('yaml-alias', message, { start, end }, path);
      return this.node(n.resolve(this.doc), path, start);
    }
    const yn = n as Node | null | undefined;
    const tag = yn?.tag;
    const fn = tag ? SHORT_FORMS[tag] : undefined;
    if (yn && tag && fn) return this.shortForm(yn, tag, fn, path);
    return this.plain(yn, path, fallback);
  }

  /** `!Sub x` → `{ "Fn::Sub": x }` (see wrapTag). */
  private shortForm(n: Node, tag: string, fn: string, path: string): TNode {
    const valueStart = n.range?.[0] ?? 0;
    const inner = this.plain(n, `${path}.${fn}`, valueStart);
    return wrapTag(fn, tag, this.tagStart(tag, valueStart), inner, path);
  }

  private plain(n: Node | null | undefined, path: string, fallback: number): TNode {
    const [start, end] = n?.range ?? [fallback, fallback];
    if (isMap(n)) {
      const entries: MapEntry[] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        const key = isScalar(k) ? String(k.value) : String(k);
        const [keyStart, keyEnd] = (k as Node | null)?.range ?? [start, start];
        const childPath = path ? `${path}.${key}` : key;
        entries.push({ key, keyStart, keyEnd, value: this.node(pair.value, childPath, keyEnd) });
      }
      return makeMap(entries, start, end, path);
    }
    if (isSeq(n)) {
      const items = n.items.map((item, i) => this.node(item, `${path}[${i}]`, start));
      return { kind: 'seq', items, start, end, path };
    }
    if (isScalar(n)) {
      const v = n.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
      const node = this.scalar(value, start, end, path);
      if (typeof value === 'number' && n.source !== undefined) node.raw = n.source;
      return node;
    }
    return this.scalar(null, start, end, path);
  }

  private scalar(value: ScalarNode['value'], start: number, end: number, path: string): ScalarNode {
    return { kind: 'scalar', value, start, end, path };
  }

  /** The YAML library's node range excludes the tag; find it just before the value. */
  private tagStart(tag: string, valueStart: number): number {
    const text = this.text;
    let i = valueStart - 1;
    while (i >= 0 && /\s/.test(text[i] ?? '')) i--;
    const from = i - tag.length + 1;
    return from >= 0 && text.startsWith(tag, from) ? from : valueStart;
  }
}
