import { attach, makeNode, type CursorContext, type Outline, type OutlineNode, type OutlineValue } from './outline';

// Block YAML by indentation, one line at a time: `key: value`, `- item`, block scalars (`|`, `>`)
// and multi-line flow collections skipped as values. Templates are written this way; what it
// does not model (anchors, complex keys) only costs editor features, never diagnostics.

const QUOTED_KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?=\s|$)/;
// A plain key ends at the first `:` followed by a space or the end of the line (`Fn::GetAtt:` keeps its `::`).
const PLAIN_KEY = /^([^\s#'"[\]{},:-](?:[^#:]|:(?!\s|$))*?|-(?=\S)(?:[^#:]|:(?!\s|$))*?)[ \t]*:(?=\s|$)/;

export function yamlOutline(text: string): Outline {
  const root = makeNode('', 0, 0, -1);
  const nodes: OutlineNode[] = [];
  const stack: OutlineNode[] = [root];
  /** Lines indented deeper than this belong to a block scalar. */
  let blockIndent: number | undefined;
  /** Open brackets of a flow collection that continues on the next lines. */
  let flowDepth = 0;

  const open = (col: number) => {
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= col) stack.pop();
    return stack[stack.length - 1]!;
  };
  // A sequence may sit at its key's own column (`Policies:` / `- Policy`).
  const openForItem = (col: number) => {
    for (;;) {
      const top = stack[stack.length - 1]!;
      if (stack.length === 1 || top.indent < col) return top;
      if (top.indent === col && top.key !== '-' && !top.value && !top.partial && top.children.every((c) => c.key === '-')) return top;
      stack.pop();
    }
  };

  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    const line = text.slice(start, end).replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    const content = line.slice(indent);
    if (content === '' || content.startsWith('#')) {
      start = next;
      continue;
    }
    if (flowDepth > 0) {
      flowDepth += bracketDelta(content);
      start = next;
      continue;
    }
    if (blockIndent !== undefined && indent > blockIndent) {
      start = next;
      continue;
    }
    blockIndent = undefined;
    if (indent === 0 && /^(---|\.\.\.)(\s|$)|^%/.test(content)) {
      start = next;
      continue;
    }
    let col = indent;
    // Sequence items, possibly nested on one line (`- - a`).
    let item: OutlineNode | undefined;
    while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ' || line[col + 1] === '\t')) {
      item = makeNode('-', start + col, start + col + 1, col);
      attach(openForItem(col), item);
      nodes.push(item);
      stack.push(item);
      col += 1;
      while (line[col] === ' ' || line[col] === '\t') col++;
    }
    const rest = line.slice(col);
    const match = rest === '' || rest.startsWith('#') ? null : (QUOTED_KEY.exec(rest) ?? PLAIN_KEY.exec(rest));
    if (match) {
      const rawKey = match[1]!;
      const node = makeNode(unquote(rawKey), start + col, start + col + rawKey.length, col);
      const value = inlineValue(line, col + match[0].length, start);
      if (value) {
        const withoutTag = text.slice(value.start, value.end).replace(/^!\S*\s*/, '');
        if (/^[|>][-+0-9]*$/.test(withoutTag)) blockIndent = col;
        else if (/^[[{]/.test(withoutTag)) flowDepth = Math.max(0, bracketDelta(withoutTag));
        // A tag alone (`Fn: !Sub` above a block) is no scalar.
        if (withoutTag !== '' && !/^[|>[{]/.test(withoutTag)) node.value = value;
      }
      attach(open(col), node);
      nodes.push(node);
      stack.push(node);
    } else if (item) {
      // `- scalar`: the item's value.
      const value = inlineValue(line, col, start);
      if (value && !/^[[{]/.test(rest)) item.value = value;
      else if (/^[[{]/.test(rest)) flowDepth = Math.max(0, bracketDelta(rest));
    } else {
      const parent = open(col);
      const value = inlineValue(line, col, start);
      // Inside a block mapping, a word without its colon yet is a key being typed; below a key
      // with an inline scalar it is that scalar's continuation.
      if (value && !parent.value && !/^[[{"']/.test(rest)) {
        const node = makeNode(value.text, value.start, value.end, col);
        node.partial = true;
        attach(parent, node);
        nodes.push(node);
        stack.push(node);
      }
    }
    // Otherwise: the continuation of a multi-line plain scalar.
    start = next;
  }
  return { format: 'yaml', root, nodes };
}

/** The scalar after `from` on the line, without a trailing comment; offsets are absolute. */
function inlineValue(line: string, from: number, lineStart: number): OutlineValue | undefined {
  let i = from;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (i >= line.length || line[i] === '#') return undefined;
  const first = line[i];
  let end: number;
  if (first === '"' || first === "'") {
    end = closingQuote(line, i) + 1;
  } else {
    const comment = line.slice(i).search(/\s#/);
    end = comment < 0 ? line.length : i + comment;
    // A tagged quoted scalar (`!Sub "x # y"`) keeps its quotes intact.
    const quoted = /^!\S*\s+(["'])/.exec(line.slice(i));
    if (quoted) end = Math.max(end, closingQuote(line, i + quoted[0].length - 1) + 1);
  }
  while (end > i && /\s/.test(line[end - 1]!)) end--;
  const raw = line.slice(i, end);
  return { text: unquote(raw), start: lineStart + i, end: lineStart + end, quoted: first === '"' || first === "'" };
}

function closingQuote(line: string, open: number): number {
  const q = line[open];
  for (let j = open + 1; j < line.length; j++) {
    if (q === '"' && line[j] === '\\') j++;
    else if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") j++;
      else return j;
    }
  }
  return line.length - 1;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/** Opened minus closed brackets outside quotes. */
function bracketDelta(s: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) break;
  }
  return depth;
}

/**
 * The cursor's context in block YAML. A key is written at the cursor's column when the line holds
 * nothing before it (or only `- `); its mapping is the last node above with a smaller indent.
 */
export function yamlContextAt(outline: Outline, text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  const wordAfter = (pattern: RegExp) => offset + (pattern.exec(text.slice(offset, lineEnd))?.[0].length ?? 0);
  const keyed = /^(\s*(?:-\s+)*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"](?:[^#:]|:(?!\s|$))*?)[ \t]*:(\s+|$)/.exec(before);
  if (keyed) {
    const node = outline.nodes.find((n) => n.keyStart === lineStart + keyed[1]!.length);
    if (!node?.parent) return undefined;
    const replace = { start: lineStart + keyed[0].length, end: wordAfter(/^[^\s#]*/) };
    return { container: node.parent, kind: 'value', node, replace, inQuotes: false };
  }
  const lead = /^(\s*(?:-\s+)*)([^\s:#]*)$/.exec(before);
  if (!lead) return undefined;
  const col = lead[1]!.length;
  const wordStart = offset - lead[2]!.length;
  let container: OutlineNode = outline.root;
  let typed: OutlineNode | undefined;
  for (const n of outline.nodes) {
    if (n.keyStart >= wordStart) {
      if (n.keyStart === wordStart && n.partial) typed = n;
      break;
    }
    if (n.indent < col) container = n;
  }
  // Below a key with an inline scalar is that scalar's continuation, not a mapping.
  if (container.value) return undefined;
  const context: CursorContext = { container, kind: 'key', replace: { start: wordStart, end: wordAfter(/^[^\s:#]*/) }, inQuotes: false };
  if (typed) context.node = typed;
  return context;
}
