// A fast, deliberately narrow YAML reader for the way templates are usually written
// (block maps and lists, one-line scalars, `|`/`>` blocks, flow collections, short-form
// tags). The full `yaml` library costs ~100 ms cold for a 500-resource template; this
// costs a few. Anything outside the subset (anchors, multi-line plain scalars, explicit
// keys, unusual indentation, tabs, errors of any kind…) makes it give up, and the caller
// falls back to the `yaml` library, which also produces the syntax diagnostics. It must
// therefore never accept text that `yaml` would read differently; a differential test
// compares both on every fixture.
import { makeMap, type MapEntry, type ScalarNode, type SeqNode, type TNode } from './tree';
import { blockBody, plainValue, readQuoted, scalar } from './yamlScalars';
import { SHORT_FORMS, wrapTag } from './yamlTags';

/** Thrown (never escapes) to abandon the fast path. A plain object: no stack to capture. */
const BAIL = { bail: true } as const;

/** The template as a tree, or undefined when the text is outside the supported subset. */
export function parseFast(text: string): TNode | undefined {
  if (text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new FastParser(text).document();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

function bail(): never {
  throw BAIL;
}

const KEY = /^([^\s#,[\]{}"'&*!|>%@`?:-]|[?:-](?=[^\s,[\]{}]))[^#,[\]{}]*?(?=[ ]*:(?: |$))/;
const TAG = /^![A-Za-z0-9]+/;

class FastParser {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Indentation of each line; -1 for blank and comment-only lines. */
  private readonly indents: number[] = [];
  private line = 0;

  constructor(private readonly text: string) {
    for (let off = 0; ; ) {
      let nl = text.indexOf('\n', off);
      if (nl < 0) nl = text.length;
      let end = nl;
      if (end > off && text.charCodeAt(end - 1) === 13) end--;
      let i = off;
      while (i < end && text.charCodeAt(i) === 32) i++;
      this.starts.push(off);
      this.ends.push(end);
      this.indents.push(i === end || text.charCodeAt(i) === 35 ? -1 : i - off);
      if (nl >= text.length) break;
      off = nl + 1;
    }
    if (text.includes('\r') && /\r(?!\n)/.test(text)) bail();
  }

  document(): TNode {
    let l = this.nextContent(0);
    if (l < this.count && /^---(?:\s|$)/.test(this.rest(l))) {
      if (!/^---\s*(?:#.*)?$/.test(this.rest(l))) bail();
      l = this.nextContent(l + 1);
    }
    if (l >= this.count || this.text[this.lineOffset(l)] === '%') bail();
    this.line = l;
    const root = this.block(-1, '');
    if (this.nextContent(this.line) < this.count) bail();
    return root;
  }

  private get count(): number {
    return this.starts.length;
  }

  private nextContent(from: number): number {
    let l = from;
    while (l < this.count && this.indents[l]! < 0) l++;
    return l;
  }

  private lineOffset(l: number): number {
    return this.starts[l]! + this.indents[l]!;
  }

  private rest(l: number): string {
    return this.text.slice(this.lineOffset(l), this.ends[l]);
  }

  private isSeqItem(off: number): boolean {
    return this.text[off] === '-' && this.isBlankAt(off + 1);
  }

  /** Space, end of line or end of text. */
  private isBlankAt(off: number): boolean {
    const c = this.text[off];
    return c === undefined || c === ' ' || c === '\n' || c === '\r';
  }

  private skipSpaces(off: number): number {
    while (this.text[off] === ' ') off++;
    return off;
  }

  /** True when only spaces and an optional comment remain on the current line from `off`. */
  private atLineEnd(off: number): boolean {
    const p = this.skipSpaces(off);
    return p >= this.ends[this.line]! || (this.text[p] === '#' && p > off);
  }

  /** A block node starting on the current line (indented deeper than its parent). */
  private block(parentIndent: number, path: string): TNode {
    const indent = this.indents[this.line]!;
    const off = this.lineOffset(this.line);
    if (this.isSeqItem(off)) return this.seq(indent, path);
    const c = this.text[off];
    if (c === '[' || c === '{') {
      const node = this.flow(off, path, parentIndent);
      this.endInline(node.end, parentIndent);
      return node;
    }
    return this.map(indent, path, off);
  }

  private map(indent: number, path: string, firstKey: number): TNode {
    const entries: MapEntry[] = [];
    const keys = new Set<string>();
    let keyOff = firstKey;
    for (;;) {
      const lineText = this.text.slice(keyOff, this.ends[this.line]);
      let key: string;
      let keyEnd: number;
      let colon: number;
      if (lineText[0] === '"' || lineText[0] === "'") {
        const q = this.quoted(keyOff, '');
        key = String(q.value);
        keyEnd = q.end;
        colon = this.skipSpaces(keyEnd);
        if (this.text[colon] !== ':' || !this.isBlankAt(colon + 1)) bail();
      } else {
        const m = KEY.exec(lineText) ?? bail();
        const raw = m[0].trimEnd();
        key = String(plainValue(raw));
        keyEnd = keyOff + raw.length;
        colon = this.skipSpaces(keyEnd);
      }
      if (keys.has(key)) bail(); // let the full parser report the duplicate
      keys.add(key);
      const value = this.valueAfterColon(colon + 1, indent, path ? `${path}.${key}` : key);
      entries.push({ key, keyStart: keyOff, keyEnd, value });
      const l = this.nextContent(this.line);
      if (l >= this.count || this.indents[l]! < indent) {
        this.line = l;
        break;
      }
      if (this.indents[l]! > indent) bail();
      this.line = l;
      keyOff = this.lineOffset(l);
      if (this.isSeqItem(keyOff)) bail();
    }
    return makeMap(entries, firstKey, entries[entries.length - 1]!.value.end, path);
  }

  private valueAfterColon(off: number, indent: number, path: string): TNode {
    const p = this.skipSpaces(off);
    if (!this.atLineEnd(off)) return this.inline(p, indent, path);
    const l = this.nextContent(this.line + 1);
    if (l < this.count && this.indents[l]! > indent) {
      this.line = l;
      return this.block(indent, path);
    }
    if (l < this.count && this.indents[l] === indent && this.isSeqItem(this.lineOffset(l))) {
      this.line = l;
      return this.seq(indent, path);
    }
    if (this.text[p] === '#') bail(); // `Key: # comment` — rare; keep positions exactly as `yaml` has them
    this.line++;
    return scalar(null, p, p, path);
  }

  /** A block list; `firstDash` is mid-line for a nested compact list (`- - a`). */
  private seq(indent: number, path: string, firstDash = this.lineOffset(this.line)): SeqNode {
    const items: TNode[] = [];
    let dash = firstDash;
    for (;;) {
      const itemPath = `${path}[${items.length}]`;
      const p = this.skipSpaces(dash + 1);
      let item: TNode;
      if (this.atLineEnd(dash + 1)) {
        const l = this.nextContent(this.line + 1);
        if (l < this.count && this.indents[l]! > indent) {
          this.line = l;
          item = this.block(indent, itemPath);
        } else {
          if (this.text[p] === '#') bail();
          item = scalar(null, p, p, itemPath);
          this.line++;
        }
      } else if (this.isSeqItem(p)) {
        item = this.seq(p - this.starts[this.line]!, itemPath, p);
      } else if (KEY.test(this.text.slice(p, this.ends[this.line]))) {
        item = this.map(p - this.starts[this.line]!, itemPath, p);
      } else {
        item = this.inline(p, indent, itemPath);
      }
      items.push(item);
      const l = this.nextContent(this.line);
      this.line = l;
      if (l >= this.count || this.indents[l]! < indent) break;
      if (this.indents[l]! > indent) bail();
      dash = this.lineOffset(l);
      if (!this.isSeqItem(dash)) break;
    }
    return { kind: 'seq', items, start: firstDash, end: items[items.length - 1]!.end, path };
  }

  /** A value written on the current line after `key:` or `- `. */
  private inline(p: number, indent: number, path: string): TNode {
    if (this.text[p] !== '!') return this.untagged(p, indent, path);
    const tag = TAG.exec(this.text.slice(p, this.ends[this.line]))?.[0] ?? bail();
    const fn = SHORT_FORMS[tag] ?? bail();
    const after = p + tag.length;
    if (!this.isBlankAt(after)) bail();
    const innerPath = `${path}.${fn}`;
    let inner: TNode;
    if (this.atLineEnd(after)) {
      const l = this.nextContent(this.line + 1);
      if (l >= this.count || this.indents[l]! <= indent) bail();
      this.line = l;
      inner = this.block(indent, innerPath);
      if (inner.kind === 'scalar') bail();
    } else {
      const q = this.skipSpaces(after);
      if (this.text[q] === '!') bail();
      inner = this.untagged(q, indent, innerPath, true);
    }
    return wrapTag(fn, tag, p, inner, path);
  }

  private untagged(p: number, indent: number, path: string, tagged = false): TNode {
    const c = this.text[p]!;
    let node: TNode;
    if (c === '[' || c === '{') {
      node = this.flow(p, path, indent);
    } else if (c === '"' || c === "'") {
      node = this.quoted(p, path);
    } else if (c === '|' || c === '>') {
      return this.blockScalar(p, indent, path);
    } else {
      if ('&*%@`,]}#'.includes(c) || ('-?:'.includes(c) && this.isBlankAt(p + 1))) bail();
      const rest = this.text.slice(p, this.ends[this.line]);
      const hash = rest.indexOf(' #');
      const raw = (hash < 0 ? rest : rest.slice(0, hash)).trimEnd();
      if (raw.includes(': ') || raw.endsWith(':')) bail();
      node = scalar(tagged ? raw : plainValue(raw), p, p + raw.length, path);
      if (typeof node.value === 'number') node.raw = raw;
    }
    this.endInline(node.end, indent);
    return node;
  }

  /** After a one-line value: nothing but a comment may follow, and no deeper line (a continuation). */
  private endInline(end: number, indent: number): void {
    if (!this.atLineEnd(end)) bail();
    this.line++;
    const l = this.nextContent(this.line);
    if (l < this.count && this.indents[l]! > indent) bail();
  }

  private quoted(p: number, path: string): ScalarNode {
    const q = readQuoted(this.text, p, this.ends[this.line]!) ?? bail();
    return scalar(q.value, p, q.end, path);
  }

  /** `|` / `>` with `-` or default chomping (no `+`, no explicit indentation). */
  private blockScalar(p: number, indent: number, path: string): ScalarNode {
    const literal = this.text[p] === '|';
    let h = p + 1;
    const strip = this.text[h] === '-';
    if (strip) h++;
    if (!this.atLineEnd(h) || (this.text[h] !== ' ' && h < this.ends[this.line]!)) bail();
    const first = this.line + 1;
    let contentIndent = -1;
    let longestBlank = 0;
    let l = first;
    for (; l < this.count; l++) {
      const len = this.ends[l]! - this.starts[l]!;
      if (this.text.slice(this.starts[l], this.ends[l]).trim() === '') {
        longestBlank = Math.max(longestBlank, len);
        continue;
      }
      const ind = this.lineIndent(l);
      if (contentIndent < 0) {
        if (ind <= indent) break;
        contentIndent = ind;
      } else if (ind < contentIndent) {
        if (ind > indent) bail();
        break;
      }
    }
    // Empty scalars and whitespace-only lines longer than the indentation have subtle rules.
    if (contentIndent < 0 || longestBlank > contentIndent) bail();
    let last = l - 1;
    while (last >= first && this.text.slice(this.starts[last], this.ends[last]).trim() === '') last--;
    const lines: string[] = [];
    for (let i = first; i <= last; i++) lines.push(this.text.slice(Math.min(this.starts[i]! + contentIndent, this.ends[i]!), this.ends[i]));
    const body = blockBody(lines, literal) ?? bail();
    this.line = l;
    // Ends after the last content line's break, as in the `yaml` library.
    return scalar(strip ? body : `${body}\n`, p, this.starts[last + 1] ?? this.text.length, path);
  }

  private lineIndent(l: number): number {
    let i = this.starts[l]!;
    while (this.text.charCodeAt(i) === 32) i++;
    return i - this.starts[l]!;
  }

  /** Skips spaces, comments and line breaks inside a flow collection; continuation lines must be indented. */
  private flowSpace(off: number, minIndent: number): number {
    let p = off;
    for (;;) {
      p = this.skipSpaces(p);
      if (this.text[p] === '#' && (p === this.starts[this.line] || this.text[p - 1] === ' ')) p = this.ends[this.line]!;
      if (p < this.ends[this.line]! || this.line + 1 >= this.count) return p;
      this.line++;
      p = this.starts[this.line]!;
      const blank = this.text.slice(p, this.ends[this.line]).trim() === '';
      if (!blank && this.lineIndent(this.line) <= minIndent) bail();
    }
  }

  private flow(p: number, path: string, minIndent: number): TNode {
    const c = this.text[p];
    if (c === '[') {
      const items: TNode[] = [];
      let q = this.flowSpace(p + 1, minIndent);
      while (this.text[q] !== ']') {
        const item = this.flowValue(q, `${path}[${items.length}]`, minIndent);
        items.push(item);
        q = this.flowSpace(item.end, minIndent);
        if (this.text[q] === ',') q = this.flowSpace(q + 1, minIndent);
        else if (this.text[q] !== ']') bail();
      }
      return { kind: 'seq', items, start: p, end: q + 1, path };
    }
    const entries: MapEntry[] = [];
    const keys = new Set<string>();
    let q = this.flowSpace(p + 1, minIndent);
    while (this.text[q] !== '}') {
      let key: string;
      let keyEnd: number;
      if (this.text[q] === '"' || this.text[q] === "'") {
        const k = this.quoted(q, '');
        [key, keyEnd] = [String(k.value), k.end];
      } else {
        const m = /^[A-Za-z0-9_][\w.\-/$@]*(?:::[\w.\-/$@]+)*/.exec(this.text.slice(q, this.ends[this.line])) ?? bail();
        [key, keyEnd] = [String(plainValue(m[0])), q + m[0].length];
        if (this.text[keyEnd] !== ':' || !this.isBlankAt(keyEnd + 1)) bail();
      }
      const colon = this.skipSpaces(keyEnd);
      if (this.text[colon] !== ':' || keys.has(key)) bail();
      keys.add(key);
      const v = this.flowSpace(colon + 1, minIndent);
      if (this.text[v] === ',' || this.text[v] === '}') bail();
      const value = this.flowValue(v, path ? `${path}.${key}` : key, minIndent);
      entries.push({ key, keyStart: q, keyEnd, value });
      q = this.flowSpace(value.end, minIndent);
      if (this.text[q] === ',') q = this.flowSpace(q + 1, minIndent);
      else if (this.text[q] !== '}') bail();
    }
    return makeMap(entries, p, q + 1, path);
  }

  private flowValue(p: number, path: string, minIndent: number): TNode {
    const c = this.text[p];
    if (c === '[' || c === '{') return this.flow(p, path, minIndent);
    if (c === '"' || c === "'") return this.quoted(p, path);
    if (c === '!') {
      const tag = TAG.exec(this.text.slice(p, this.ends[this.line]))?.[0] ?? bail();
      const fn = SHORT_FORMS[tag] ?? bail();
      if (this.text[p + tag.length] !== ' ') bail();
      const q = this.skipSpaces(p + tag.length);
      if (q >= this.ends[this.line]! || this.text[q] === '!') bail();
      const inner = this.flowValue(q, `${path}.${fn}`, minIndent);
      if (inner.kind === 'scalar' && this.text[q] !== '"' && this.text[q] !== "'") inner.value = this.text.slice(inner.start, inner.end);
      delete (inner as ScalarNode).raw;
      return wrapTag(fn, tag, p, inner, path);
    }
    if (c === undefined || '&*|>%@`#,]}'.includes(c) || ('-?:'.includes(c) && /[\s,[\]{}]/.test(this.text[p + 1] ?? ' '))) bail();
    const m = /^(?:[^\s,[\]{}:#]|:(?![\s,[\]{}])|#(?<! #)| (?=[^\s,[\]{}:#]))*/.exec(this.text.slice(p, this.ends[this.line]))!;
    const raw = m[0].trimEnd();
    if (raw === '' || this.text[p + raw.length] === ':') bail();
    const node = scalar(plainValue(raw), p, p + raw.length, path);
    if (typeof node.value === 'number') node.raw = raw;
    return node;
  }
}
