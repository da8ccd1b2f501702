// A tolerant outline of a template's text: keys, their inline scalar values and nesting, with
// offsets. Unlike the engine's parser (src/core/config/parse.ts) it never gives up on a document
// being typed — a key without its colon yet, an unclosed brace — which is what editor features
// need. Built per document version: yamlOutline.ts (block YAML, by indentation) and
// jsonOutline.ts (JSON, by tokens).

export interface OutlineValue {
  /** The scalar as meant: quotes removed, a short-form tag (`!Ref`) kept. */
  text: string;
  /** Offsets of the value as written (quotes and tag included), as the engine's ranges are. */
  start: number;
  end: number;
  quoted: boolean;
}

export interface OutlineNode {
  /** The key; `-` for a sequence item, '' for the root. */
  key: string;
  keyStart: number;
  keyEnd: number;
  /** YAML: the key's column (sequence items: the dash's). JSON: nesting depth. */
  indent: number;
  /** An inline scalar value. */
  value?: OutlineValue;
  /** A key still being typed (no colon yet). */
  partial?: boolean;
  children: OutlineNode[];
  parent?: OutlineNode;
  /** JSON: where the value's `{` / `[` is and where its `}` / `]` ends (the text's end when unclosed). */
  body?: { start: number; end: number; closed: boolean };
}

export interface Outline {
  format: 'yaml' | 'json';
  root: OutlineNode;
  /** Every node but the root, in document order. */
  nodes: OutlineNode[];
}

/** Where the cursor is: in which mapping, writing a key or the value of a key. */
export interface CursorContext {
  /** The mapping the cursor is in. */
  container: OutlineNode;
  kind: 'key' | 'value';
  /** `value`: the key whose value is written. `key`: the key being typed, if there is one. */
  node?: OutlineNode;
  /** The text a completion replaces: the partial word at the cursor. */
  replace: { start: number; end: number };
  /** JSON: the cursor is inside a string's quotes. */
  inQuotes: boolean;
}

export function makeNode(key: string, keyStart: number, keyEnd: number, indent: number): OutlineNode {
  return { key, keyStart, keyEnd, indent, children: [] };
}

export function attach(parent: OutlineNode, child: OutlineNode): void {
  child.parent = parent;
  parent.children.push(child);
}

export function childNode(node: OutlineNode | undefined, key: string): OutlineNode | undefined {
  return node?.children.find((c) => c.key === key && !c.partial);
}

export function nodeAtPath(node: OutlineNode | undefined, keys: readonly string[]): OutlineNode | undefined {
  let cur = node;
  for (const k of keys) cur = childNode(cur, k);
  return cur;
}

/** The inline scalar text of the child `key`, e.g. a resource's Type. */
export function childValue(node: OutlineNode | undefined, key: string): string | undefined {
  return childNode(node, key)?.value?.text;
}

/** Keys from the root to `node` (the root itself excluded). */
export function pathOf(node: OutlineNode): string[] {
  const keys: string[] = [];
  for (let n: OutlineNode | undefined = node; n?.parent; n = n.parent) keys.unshift(n.key);
  return keys;
}

/** The node whose key or inline value contains `offset` (edges included). */
export function nodeAtOffset(outline: Outline, offset: number): OutlineNode | undefined {
  const nodes = outline.nodes;
  // Last node whose key starts at or before the offset (nodes are in document order).
  let low = 0;
  let high = nodes.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (nodes[mid]!.keyStart <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  for (let i = found; i >= 0 && i >= found - 2; i--) {
    const n = nodes[i]!;
    if (offset <= n.keyEnd || (n.value && offset >= n.value.start && offset <= n.value.end)) return n;
  }
  return undefined;
}
