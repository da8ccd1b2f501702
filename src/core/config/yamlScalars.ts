// Scalar rules of YAML 1.2 (core schema) as the `yaml` library applies them, for the
// fast reader: plain-scalar typing, quoted-scalar escapes, block-scalar folding.
import type { ScalarNode, ScalarValue } from './tree';

export function scalar(value: ScalarValue, start: number, end: number, path: string): ScalarNode {
  return { kind: 'scalar', value, start, end, path };
}

/** Plain scalars typed as the core schema does: null, booleans, ints (dec/oct/hex), floats, else strings. */
export function plainValue(s: string): ScalarValue {
  // Most scalars are names (`app.handler`, `AWS::SQS::Queue`): only these first characters can start anything else.
  if (s !== '' && !'0123456789+-.~nNtTfF'.includes(s[0]!)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) {
    return parseFloat(s);
  }
  return s;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', '0': '\0', ' ': ' ' };
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * A single-line quoted scalar starting at `p` (the quote); undefined when it does not
 * close before `lineEnd` (multi-line quoted scalars fold lines) or uses a rare escape.
 */
export function readQuoted(text: string, p: number, lineEnd: number): { value: string; end: number } | undefined {
  const q = text[p]!;
  let out = '';
  let i = p + 1;
  for (;;) {
    if (i >= lineEnd) return undefined;
    const c = text[i]!;
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    if (c === '\\' && q === '"') {
      const e = text[i + 1] ?? '';
      if (ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i += 2;
        continue;
      }
      const len = HEX_LENGTH[e] ?? 0;
      const hex = text.slice(i + 2, i + 2 + len);
      const code = parseInt(hex, 16);
      if (!len || hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex) || code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 2 + len;
      continue;
    }
    out += c;
    i++;
  }
}

/**
 * Content of a `|` (literal) or `>` (folded) block scalar from its lines, indentation
 * removed, without the final line break. Undefined for folded text with more-indented
 * lines, whose folding rules are left to the `yaml` library.
 */
export function blockBody(lines: string[], literal: boolean): string | undefined {
  if (literal) return lines.join('\n');
  if (lines.some((s) => s.startsWith(' '))) return undefined;
  let body = '';
  let prevText = false;
  let blanks = 0;
  for (const s of lines) {
    if (s === '') {
      blanks++;
      continue;
    }
    // Folding: a single break between text lines becomes a space; n empty lines become n breaks.
    body += prevText ? (blanks ? '\n'.repeat(blanks) : ' ') : '\n'.repeat(blanks);
    body += s;
    prevText = true;
    blanks = 0;
  }
  return body;
}
