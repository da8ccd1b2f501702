// The YAML library's document → the reader's tree (tree.ts), with short-form tags rewritten to long form.
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { DiagnosticSink } from './diagnostics';
import { makeMap, type MapEntry, type ScalarNode, type TNode } from './tree';
import { CFN_TAGS, SHORT_FORMS, wrapTag } from './yamlTags';

/**
 * Limits of the reader. The `yaml` library composes a document without expanding aliases, but our
 * tree expands each alias where it is used; these keep that linear in the text (a "billion laughs"
 * bomb, a thousand aliases of a large mapping) and keep recursion far from the stack's limit.
 */
export const YAML_LIMITS = {
  /** Nesting of mappings and lists, counting what aliases expand to (CloudFormation's templates rarely pass 15). */
  maxDepth: 100,
  /** Aliases expanded in one template (each use counts, also inside an expanded alias): the yaml library's `maxAliasCount` idea. */
  maxAliases: 10_000,
  /** Nodes created by expanding aliases: their expanded size, whatever the alias count. */
  maxExpandedNodes: 200_000,
};

export function parseYaml(text: string): Document {
  // `merge: true`: `<<` keys are the YAML merge keys SAM CLI (PyYAML) applies when packaging; repeated `<<` keys are no duplicates.
  return parseDocument(text, { customTags: CFN_TAGS, prettyErrors: false, merge: true });
}

const ALIAS_MESSAGE =
  'YAML alias expanded locally; CloudFormation rejects aliases unless the template is packaged first (sam package / aws cloudformation package)';

/** Thrown inside the conversion when a limit is passed; reported once, and the template is not read further. */
class LimitError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly span: { start: number; end: number },
    readonly path: string,
  ) {
    super(message);
  }
}

/** The YAML library's document → our tree (offsets are those of `text`, the text it was parsed from). */
export class Converter {
  /** Each alias → the node it stands for (the last anchor of its name before it), found in one pass. */
  private targets: Map<Alias, Node | undefined> | undefined;
  /** Anchored nodes being converted: an alias of one of them (or a merge of it) would never end. */
  private readonly active = new Set<Node>();
  private depth = 0;
  private aliases = 0;
  private expanding = 0;
  private expandedNodes = 0;
  private firstAlias: { start: number; end: number; path: string } | undefined;

  constructor(
    private readonly text: string,
    private readonly sink: Pick<DiagnosticSink, 'warning' | 'error'>,
    private readonly doc: Document,
  ) {}

  /**
   * The whole document as a tree; undefined when it passes one of the reader's limits (nesting, an
   * alias inside what it refers to, too many or too large alias expansions), reported as an error at the place.
   */
  root(path = ''): TNode | undefined {
    try {
      const tree = this.node(this.doc.contents, path, 0);
      this.reportAliases();
      return tree;
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      this.sink.error(err.code, err.message, err.span, err.path || undefined);
      return undefined;
    }
  }

  node(n: unknown, path: string, fallback: number): TNode {
    if (isAlias(n)) return this.alias(n, path, fallback);
    const yn = n as Node | null | undefined;
    if (yn && (isMap(yn) || isSeq(yn)) && ++this.depth > YAML_LIMITS.maxDepth) {
      const [start] = yn.range ?? [fallback];
      const message = `The template nests mappings and lists more than ${YAML_LIMITS.maxDepth} levels deep (counting what aliases expand to); the reader stops here`;
      throw new LimitError('yaml-too-deep', message, { start, end: start + 1 }, path);
    }
    const anchored = yn?.anchor ? yn : undefined;
    if (anchored) this.active.add(anchored);
    try {
      const tag = yn?.tag;
      const fn = tag ? SHORT_FORMS[tag] : undefined;
      if (yn && tag && fn) return this.shortForm(yn, tag, fn, path);
      return this.plain(yn, path, fallback);
    } finally {
      if (anchored) this.active.delete(anchored);
      if (yn && (isMap(yn) || isSeq(yn))) this.depth--;
    }
  }

  /** Expanded here (SAM CLI does the same when packaging), but CloudFormation rejects aliases in templates it receives as is. */
  private alias(n: Alias, path: string, fallback: number): TNode {
    const [start, end] = n.range ?? [fallback, fallback];
    const span = { start, end };
    this.firstAlias ??= { start, end, path };
    const target = this.targetOf(n);
    if (!target) throw new LimitError('yaml-syntax', `Unresolved alias *${n.source}: no anchor &${n.source} before it`, span, path);
    if (this.active.has(target)) {
      throw new LimitError('yaml-alias-cycle', `Alias *${n.source} refers to a node that contains it (its expansion would never end)`, span, path);
    }
    if (++this.aliases > YAML_LIMITS.maxAliases) {
      throw new LimitError(
        'yaml-alias-limit',
        `More than ${YAML_LIMITS.maxAliases} YAML aliases to expand (an alias bomb?); the reader stops at this one`,
        span,
        path,
      );
    }
    this.expanding++;
    try {
      return this.node(target, path, start);
    } finally {
      this.expanding--;
    }
  }

  private targetOf(n: Alias): Node | undefined {
    if (!this.targets) {
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.targets = targets;
    }
    return this.targets.get(n);
  }

  private reportAliases(): void {
    const first = this.firstAlias;
    if (!first) return;
    // One warning for the template, at its first alias: one per alias would bury everything else.
    const more = this.aliases > 1 ? ` (${this.aliases} aliases in this template; this is the first)` : '';
    this.sink.warning('yaml-alias', ALIAS_MESSAGE + more, first, first.path || undefined);
  }

  /** `!Sub x` → `{ "Fn::Sub": x }` (see wrapTag). */
  private shortForm(n: Node, tag: string, fn: string, path: string): TNode {
    const valueStart = n.range?.[0] ?? 0;
    const inner = this.plain(n, `${path}.${fn}`, valueStart);
    return wrapTag(fn, tag, this.tagStart(tag, valueStart), inner, path);
  }

  private plain(n: Node | null | undefined, path: string, fallback: number): TNode {
    if (this.expanding > 0 && ++this.expandedNodes > YAML_LIMITS.maxExpandedNodes) {
      const [start, end] = n?.range ?? [fallback, fallback];
      const message = `YAML aliases expand to more than ${YAML_LIMITS.maxExpandedNodes} values (an alias bomb?); the reader stops here`;
      throw new LimitError('yaml-alias-limit', message, { start, end }, path);
    }
    const [start, end] = n?.range ?? [fallback, fallback];
    if (isMap(n)) {
      const entries: MapEntry[] = [];
      const merged: MapEntry[] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        if (isScalar(k) && typeof k.value === 'symbol') {
          merged.push(...this.mergeSources(pair.value, path, k.range?.[0] ?? start));
          continue;
        }
        const key = isScalar(k) ? String(k.value) : String(k);
        const [keyStart, keyEnd] = (k as Node | null)?.range ?? [start, start];
        const childPath = path ? `${path}.${key}` : key;
        entries.push({ key, keyStart, keyEnd, value: this.node(pair.value, childPath, keyEnd) });
      }
      return makeMap(merged.length ? withMerged(entries, merged) : entries, start, end, path);
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

  /** The entries a `<<` merge key brings in: a mapping, an alias of one, or a list of those (earlier ones win), as the yaml library merges. */
  private mergeSources(value: unknown, path: string, at: number): MapEntry[] {
    const sources = isSeq(value) ? value.items : [value];
    const out: MapEntry[] = [];
    for (const source of sources) {
      const tree = this.node(source, path, at);
      if (tree.kind !== 'map') {
        const [start, end] = (source as Node | null)?.range ?? [at, at];
        throw new LimitError('yaml-merge', 'A merge key (<<) must refer to a mapping or a list of mappings', { start, end }, path);
      }
      out.push(...tree.entries);
    }
    return out;
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

/** A mapping's own entries, then the merged ones it does not have (the first of each key), as YAML merge keys work. */
function withMerged(own: MapEntry[], merged: MapEntry[]): MapEntry[] {
  const keys = new Set(own.map((e) => e.key));
  const out = [...own];
  for (const e of merged) {
    if (keys.has(e.key)) continue;
    keys.add(e.key);
    out.push(e);
  }
  return out;
}
