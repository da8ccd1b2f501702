import { attach, makeNode, type CursorContext, type Outline, type OutlineNode, type OutlineValue } from './outline';

// JSON by tokens, tolerant of what typing leaves behind: a key without its colon, an unclosed
// string or brace, a missing comma. Nodes are the same as YAML's; `indent` is the nesting depth.

export function jsonOutline(text: string): Outline {
  const root = makeNode('', 0, 0, -1);
  const nodes: OutlineNode[] = [];
  let i = 0;

  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };

  /** A string token from the opening quote; an unclosed one ends at the line's end. */
  const readString = (): OutlineValue => {
    const start = i;
    for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    const closed = text[i] === '"';
    if (closed) i++;
    const raw = text.slice(start, i);
    let value = raw.slice(1, closed ? -1 : undefined);
    if (closed) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        // keep the raw text
      }
    }
    return { text: value, start, end: i, quoted: true };
  };

  const readWord = (): OutlineValue => {
    const start = i;
    while (i < text.length && !/[\s,:[\]{}"]/.test(text[i]!)) i++;
    if (i === start) i++; // a stray character: step over it
    return { text: text.slice(start, i), start, end: i, quoted: false };
  };

  const parseValue = (owner: OutlineNode, depth: number): void => {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      owner.body = { start: i, end: text.length, closed: false };
      i++;
      if (c === '{') parseObject(owner, depth + 1);
      else parseArray(owner, depth + 1);
    } else if (c === '"') {
      owner.value = readString();
    } else if (c !== undefined && !/[,}\]:]/.test(c)) {
      owner.value = readWord();
    }
  };

  const close = (owner: OutlineNode) => {
    i++;
    owner.body = { start: owner.body!.start, end: i, closed: true };
  };

  const parseObject = (owner: OutlineNode, depth: number): void => {
    for (;;) {
      skipSpace();
      const c = text[i];
      if (c === undefined) return;
      if (c === '}') return close(owner);
      if (c === ']') return close(owner); // mismatched: end the object here
      if (c === ',') {
        i++;
        continue;
      }
      const key = c === '"' ? readString() : readWord();
      const node = makeNode(key.text, key.start, key.end, depth);
      attach(owner, node);
      nodes.push(node);
      skipSpace();
      if (text[i] === ':') {
        i++;
        parseValue(node, depth);
      } else {
        node.partial = true;
      }
    }
  };

  const parseArray = (owner: OutlineNode, depth: number): void => {
    for (;;) {
      skipSpace();
      const c = text[i];
      if (c === undefined) return;
      if (c === ']' || c === '}') return close(owner);
      if (c === ',' || c === ':') {
        i++;
        continue;
      }
      const item = makeNode('-', i, i + 1, depth);
      attach(owner, item);
      nodes.push(item);
      parseValue(item, depth);
    }
  };

  parseValue(root, 0);
  return { format: 'json', root, nodes };
}

/** The cursor's context in JSON: the innermost object around it, and whether a key or a value is written. */
export function jsonContextAt(outline: Outline, text: string, offset: number): CursorContext | undefined {
  let container: OutlineNode | undefined = inside(outline.root, offset) ? outline.root : undefined;
  for (let deeper = container; deeper;) {
    container = deeper;
    deeper = container.children.find((c) => inside(c, offset));
  }
  if (!container || container.children.some((c) => c.key === '-')) return undefined;
  const members = container.children;
  const quotedRange = (v: { start: number; end: number }) => ({ start: v.start + 1, end: text[v.end - 1] === '"' && v.end - 1 > v.start ? v.end - 1 : v.end });
  for (const m of members) {
    if (offset > m.keyStart && (offset < m.keyEnd || (offset === m.keyEnd && !closedString(text, m.keyStart, m.keyEnd)))) {
      const quoted = text[m.keyStart] === '"';
      const replace = quoted ? quotedRange({ start: m.keyStart, end: m.keyEnd }) : { start: m.keyStart, end: m.keyEnd };
      return { container, kind: 'key', node: m, replace, inQuotes: quoted };
    }
  }
  const last = [...members].reverse().find((m) => m.keyStart < offset);
  if (last && !last.partial && !last.body) {
    const colon = text.indexOf(':', last.keyEnd);
    const v = last.value;
    if (v && offset >= v.start && offset <= v.end) {
      const inQuotes = v.quoted && offset > v.start && (offset < v.end || !closedString(text, v.start, v.end));
      return { container, kind: 'value', node: last, replace: inQuotes ? quotedRange(v) : { start: v.start, end: v.end }, inQuotes };
    }
    if (!v && colon >= 0 && colon < offset && /^\s*$/.test(text.slice(colon + 1, offset))) {
      return { container, kind: 'value', node: last, replace: { start: offset, end: offset }, inQuotes: false };
    }
  }
  return { container, kind: 'key', replace: { start: offset, end: offset }, inQuotes: false };
}

function inside(node: OutlineNode, offset: number): boolean {
  const b = node.body;
  return b !== undefined && offset > b.start && (offset < b.end || (!b.closed && offset === b.end));
}

function closedString(text: string, start: number, end: number): boolean {
  return end - start >= 2 && text[end - 1] === '"';
}
