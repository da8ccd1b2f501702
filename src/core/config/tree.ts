// The template as a small position-carrying tree. The YAML library's nodes are
// converted once into this shape so the rest of the reader never deals with YAML
// details (tags, aliases, flow vs block) and every value still knows where it came from.

export type ScalarValue = string | number | boolean | null;

interface NodeBase {
  /** Byte offsets in the template text (start includes a short-form tag). */
  start: number;
  end: number;
  /** Dotted property path, e.g. `Resources.Hello.Properties.MemorySize`. */
  path: string;
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: ScalarValue;
  /** Source text of plain scalars, so `1.0` or `0123` can be stringified as written. */
  raw?: string;
}

export interface MapEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: TNode;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  entries: MapEntry[];
  byKey: Map<string, MapEntry>;
}

export interface SeqNode extends NodeBase {
  kind: 'seq';
  items: TNode[];
}

export type TNode = ScalarNode | MapNode | SeqNode;

export function makeMap(entries: MapEntry[], start: number, end: number, path: string): MapNode {
  const byKey = new Map<string, MapEntry>();
  for (const e of entries) byKey.set(e.key, e);
  return { kind: 'map', entries, byKey, start, end, path };
}

export function entryOf(node: TNode | undefined, key: string): MapEntry | undefined {
  return node?.kind === 'map' ? node.byKey.get(key) : undefined;
}

export function childOf(node: TNode | undefined, key: string): TNode | undefined {
  return entryOf(node, key)?.value;
}

/** A list item by its index written as a key (`'0'`), so key paths can step into lists. */
export function itemOf(node: TNode | undefined, key: string): TNode | undefined {
  return node?.kind === 'seq' && /^\d+$/.test(key) ? node.items[Number(key)] : undefined;
}

/** The node at a nested key path (list items by index), if every step exists. */
export function nodeAt(node: TNode | undefined, keys: readonly string[]): TNode | undefined {
  let cur = node;
  for (const k of keys) {
    cur = cur?.kind === 'seq' ? itemOf(cur, k) : childOf(cur, k);
    if (!cur) return undefined;
  }
  return cur;
}

/** `Ref` / `Fn::*` when the node is an intrinsic function call (a single-key map). */
export function intrinsicName(node: TNode | undefined): string | undefined {
  if (node?.kind !== 'map' || node.entries.length !== 1) return undefined;
  const key = node.entries[0]!.key;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** Plain string value of a scalar node (numbers too, since YAML keys/names can look numeric). */
export function scalarString(node: TNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return typeof node.value === 'string' ? node.value : String(node.value);
}
