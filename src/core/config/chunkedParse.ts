import type { DiagnosticSink } from './diagnostics';
import { makeMap, type MapEntry, type TNode } from './tree';
import { Converter, parseYaml } from './yamlConverter';

// Incremental parsing for an editor's document. The `yaml` library needs ~70 ms for a
// 500-resource template on a small machine, so re-parsing all of it on every keystroke cannot be
// fast. A block-style template splits cleanly into its top-level sections and, under `Resources`,
// one chunk per resource: each chunk is parsed alone and cached by its text, so an edit parses
// again only the chunk it touched; the rest is reused with its offsets moved. Whenever the split
// might not mean what a whole parse means (flow style or JSON, anchors and aliases, tabs, several
// documents, a chunk with any error or warning, duplicate keys), the caller parses the whole text.

interface ParsedChunk {
  /** The chunk's one entry, offsets relative to the chunk's start. */
  entry: MapEntry;
}

/** Parsed chunks by path and text; what the last parse did not use is dropped. */
export class ParseCache {
  private current = new Map<string, ParsedChunk>();
  private used = new Map<string, ParsedChunk>();
  /** Chunks parsed (not reused) so far: what an edit cost. */
  parsed = 0;

  get(key: string): ParsedChunk | undefined {
    const hit = this.current.get(key) ?? this.used.get(key);
    if (hit) this.used.set(key, hit);
    return hit;
  }

  set(key: string, chunk: ParsedChunk): void {
    this.used.set(key, chunk);
  }

  /** The end of one parse: keep what it used. */
  sweep(): void {
    this.current = this.used;
    this.used = new Map();
  }
}

interface Chunk {
  /** Offset of the chunk's first character in the text. */
  start: number;
  text: string;
}

/** Anything that makes a piecewise parse unsafe: flow-style documents, directives, anchors, aliases, tabs. */
const UNSAFE = /^[ \t]*[{[%]|^(?:---|\.\.\.)|(?:^|[\s,[{])[&*][^\s,[\]{}]|\t/m;

/** The tree of the whole text from its chunks, or undefined when the caller must parse it whole. */
export function parseChunked(text: string, _sink: DiagnosticSink, cache: ParseCache): TNode | undefined {
  if (UNSAFE.test(stripComments(text))) return undefined;
  const sections = splitAt(text, 0, 0);
  if (!sections || sections.length === 0) return undefined;
  const entries: MapEntry[] = [];
  for (const section of sections) {
    const entry = /^Resources:[ \t]*(?:#.*)?$/m.exec(section.text.slice(0, lineEnd(section.text, 0)))
      ? resourcesEntry(section, cache)
      : parseEntry(section, '', cache);
    if (!entry) return undefined;
    entries.push(entry);
  }
  if (hasDuplicates(entries)) return undefined;
  cache.sweep();
  const last = entries[entries.length - 1];
  return makeMap(entries, entries[0].keyStart, last.value.end, '');
}

/** `Resources:` with one chunk per resource under it. */
function resourcesEntry(section: Chunk, cache: ParseCache): MapEntry | undefined {
  const headerEnd = lineEnd(section.text, 0) + 1;
  const body = section.text.slice(headerEnd);
  const indent = /^(?:[ ]*(?:#.*)?\n)*([ ]+)\S/.exec(body)?.[1].length;
  if (indent === undefined) return parseEntry(section, '', cache);
  const resources = splitAt(section.text, headerEnd, indent);
  if (!resources || resources.length === 0) return undefined;
  const entries: MapEntry[] = [];
  for (const resource of resources) {
    const entry = parseEntry({ start: section.start + resource.start, text: resource.text }, 'Resources', cache);
    if (!entry) return undefined;
    entries.push(entry);
  }
  if (hasDuplicates(entries)) return undefined;
  const keyEnd = section.start + section.text.indexOf(':');
  const value = makeMap(entries, entries[0].keyStart, entries[entries.length - 1].value.end, 'Resources');
  return { key: 'Resources', keyStart: section.start, keyEnd, value };
}

/** Parses (or reuses) one chunk holding a single `key: value` entry, moved to where the chunk starts. */
function parseEntry(chunk: Chunk, parentPath: string, cache: ParseCache): MapEntry | undefined {
  const key = `${parentPath}\0${chunk.text}`;
  let parsed = cache.get(key);
  if (!parsed) {
    const doc = parseYaml(chunk.text);
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    // Any report (an alias, a limit of the reader) is left to the whole parse, which reports it.
    let reported = false;
    const converter = new Converter(chunk.text, { warning: () => (reported = true), error: () => (reported = true) }, doc);
    const root = converter.root(parentPath);
    if (reported || !root || root.kind !== 'map' || root.entries.length !== 1) return undefined;
    parsed = { entry: root.entries[0] };
    cache.set(key, parsed);
    cache.parsed++;
  }
  return moveEntry(parsed.entry, chunk.start);
}

/**
 * Splits `text` from `from` into chunks that each start at a line indented by exactly `indent`
 * (a key of that mapping); undefined when a line is indented less (not a mapping we understand).
 * Comments and blank lines go with the chunk before them.
 */
function splitAt(text: string, from: number, indent: number): Chunk[] | undefined {
  const starts: number[] = [];
  for (let at = from; at < text.length; at = lineEnd(text, at) + 1) {
    const end = lineEnd(text, at);
    let spaces = 0;
    while (at + spaces < end && text[at + spaces] === ' ') spaces++;
    const first = text[at + spaces];
    if (at + spaces === end || first === '#') continue;
    if (spaces < indent) return undefined;
    if (spaces === indent) {
      if (first === '-') return undefined;
      starts.push(at);
    }
  }
  return starts.map((start, i) => ({ start, text: text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length) }));
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/** The text with `#` comments blanked (a `#` in a comment must not look like YAML syntax to UNSAFE). */
function stripComments(text: string): string {
  return text.replace(/(^|\s)#.*$/gm, '$1');
}

function hasDuplicates(entries: MapEntry[]): boolean {
  return new Set(entries.map((e) => e.key)).size !== entries.length;
}

function moveEntry(entry: MapEntry, by: number): MapEntry {
  return { key: entry.key, keyStart: entry.keyStart + by, keyEnd: entry.keyEnd + by, value: moveNode(entry.value, by) };
}

function moveNode(node: TNode, by: number): TNode {
  if (node.kind === 'map') {
    return makeMap(
      node.entries.map((e) => moveEntry(e, by)),
      node.start + by,
      node.end + by,
      node.path,
    );
  }
  if (node.kind === 'seq') return { ...node, start: node.start + by, end: node.end + by, items: node.items.map((item) => moveNode(item, by)) };
  return { ...node, start: node.start + by, end: node.end + by };
}
