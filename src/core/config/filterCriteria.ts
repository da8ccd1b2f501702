import { WorkbenchError } from '../errors';

export interface FilterCriteria {
  filters: Array<{ pattern: string }>;
}

// Lambda's event filtering (FilterCriteria): EventBridge's event-pattern syntax, compiled once per
// mapping and matched against each record as a plain object. Generic over the source: the SQS
// poller matches Lambda's SQS record (with `body` parsed when it is JSON, `sqsFilterRecord`), the
// stream pollers their Kinesis record (`data` decoded) or DynamoDB record.
//
//   several filters            → OR (a record is kept when any filter matches)
//   keys of a pattern          → AND; nested objects match nested objects
//   an array of matchers       → OR; an array field in the record matches when any element does
//   matchers                   → "exact" strings, numbers, true / false, null; {"prefix"}, {"suffix"},
//                                {"equals-ignore-case"}, {"wildcard"}, {"anything-but": value | [values]
//                                | {"prefix"|"suffix"|"equals-ignore-case"|"wildcard"}}, {"numeric":
//                                [op, n, (op, n)]}, {"exists": true|false}, {"cidr"}; "$or": [patterns]
//
// A field absent from the record, or an object where the pattern has a leaf, matches only
// {"exists": false}. A leaf matcher never matches an object and a nested pattern never matches a scalar (so a JSON pattern for `body` drops a plain-text
// body and the reverse, as Lambda does). Invalid patterns throw InvalidParameterValueException.

/** Matches one record (the source's event record, data fields decoded). */
export type RecordFilter = (record: Record<string, unknown>) => boolean;

/** Lambda's limit on one pattern. */
export const MAX_PATTERN_LENGTH = 4096;

const ALWAYS: RecordFilter = () => true;

/**
 * Compiles a mapping's FilterCriteria (`{filters: [{pattern}]}`, or the API's `{Filters: [{Pattern}]}`)
 * into one predicate; no criteria, or no filters, keeps every record.
 */
export function compileFilterCriteria(criteria?: FilterCriteria | { Filters?: Array<{ Pattern?: string }> } | null): RecordFilter {
  if (!criteria) return ALWAYS;
  const raw = 'filters' in criteria ? criteria.filters.map((f) => f.pattern) : (criteria.Filters ?? []).map((f) => f.Pattern);
  if (raw.length === 0) return ALWAYS;
  const compiled = raw.map((pattern, i) => compilePatternText(pattern, raw.length > 1 ? i + 1 : undefined));
  if (compiled.length === 1) return compiled[0];
  return (record) => {
    for (const match of compiled) if (match(record)) return true;
    return false;
  };
}

/** Compiles one pattern (JSON text or an already parsed object). */
export function compileFilterPattern(pattern: string | Record<string, unknown>): RecordFilter {
  return typeof pattern === 'string' ? compilePatternText(pattern) : compileObject(pattern, '');
}

/** Throws the error a mapping's create / update would (InvalidParameterValueException), else returns. */
export function validateFilterCriteria(criteria?: FilterCriteria | null): void {
  compileFilterCriteria(criteria);
}

function compilePatternText(text: string | undefined, index?: number): RecordFilter {
  const where = index === undefined ? '' : ` (filter ${index})`;
  if (typeof text !== 'string') throw invalid(`the pattern${where} must be a string`);
  if (text.length > MAX_PATTERN_LENGTH) throw invalid(`the pattern${where} is longer than ${MAX_PATTERN_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(`the pattern${where} is not valid JSON: ${text}`);
  }
  if (!isPlainObject(parsed)) throw invalid(`the pattern${where} must be a JSON object: ${text}`);
  try {
    return compileObject(parsed, '');
  } catch (error) {
    if (error instanceof WorkbenchError && index !== undefined) throw new WorkbenchError(error.code, error.message, `${error.reason ?? ''}${where}`);
    throw error;
  }
}

// --- compiling ------------------------------------------------------------------------------------

type ValueMatcher = (value: unknown) => boolean;

interface Leaf {
  /** The value matchers (OR); `value` is a scalar of the record, never an array or object. */
  matchers: ValueMatcher[];
  /** {"exists": false} among them: an absent field matches. */
  absentMatches: boolean;
  /** {"exists": true}: any present scalar matches. */
  presentMatches: boolean;
}

/** Matches the value of one field (undefined: the field is absent). */
type FieldMatcher = (value: unknown) => boolean;

function compileObject(pattern: Record<string, unknown>, path: string): RecordFilter {
  const fields: Array<[string, FieldMatcher]> = [];
  const alternatives: RecordFilter[][] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2 || !spec.every(isPlainObject)) {
        throw invalid(`"$or" at ${path || 'the top level'} must be an array of at least two patterns`);
      }
      alternatives.push(spec.map((p) => compileObject(p as Record<string, unknown>, path)));
      continue;
    }
    if (Array.isArray(spec)) fields.push([key, compileLeaf(spec, at)]);
    else if (isPlainObject(spec)) fields.push([key, compileNested(compileObject(spec, at))]);
    else throw invalid(`"${at}" must be an object or an array (found ${JSON.stringify(spec)})`);
  }
  return (record) => {
    for (const [key, match] of fields) if (!match(record === undefined ? undefined : record[key])) return false;
    for (const options of alternatives) if (!options.some((option) => option(record))) return false;
    return true;
  };
}

/** A nested pattern: matches an object (or any object of an array); an absent field is matched as absent all the way down. */
function compileNested(inner: RecordFilter): FieldMatcher {
  return (value) => {
    if (value === undefined) return inner(undefined as unknown as Record<string, unknown>);
    if (Array.isArray(value)) return value.some((element) => isPlainObject(element) && inner(element));
    return isPlainObject(value) && inner(value);
  };
}

function compileLeaf(spec: unknown[], at: string): FieldMatcher {
  // An empty list matches nothing: AWS refuses it (recorded: test_sqs_invalid_event_filter[invalid_filter3])
  if (spec.length === 0) throw invalid(`"${at}": an empty array matches nothing`);
  const leaf: Leaf = { matchers: [], absentMatches: false, presentMatches: false };
  for (const item of spec) {
    if (item === null || typeof item === 'string' || typeof item === 'boolean') leaf.matchers.push((v) => v === item);
    else if (typeof item === 'number') leaf.matchers.push((v) => typeof v === 'number' && v === item);
    else if (isPlainObject(item)) compileOperator(item, at, leaf);
    else throw invalid(`"${at}": match values must be strings, numbers, true, false, null or an operator object (found ${JSON.stringify(item)})`);
  }
  const { matchers, absentMatches, presentMatches } = leaf;
  const scalar = (v: unknown): boolean => {
    if (isPlainObject(v) || Array.isArray(v)) return false;
    if (presentMatches) return true;
    for (const m of matchers) if (m(v)) return true;
    return false;
  };
  return (value) => {
    // Matchers apply to leaves only: an object where the pattern has a leaf is no value there, so
    // only {"exists": false} matches it (AWS's recording: test_dynamodb_event_filter[exists_false_filter]).
    if (value === undefined || isPlainObject(value)) return absentMatches;
    if (Array.isArray(value)) return value.some(scalar);
    return scalar(value);
  };
}

function compileOperator(item: Record<string, unknown>, at: string, leaf: Leaf): void {
  const keys = Object.keys(item);
  if (keys.length !== 1) throw invalid(`"${at}": an operator object has exactly one key (found ${JSON.stringify(item)})`);
  const op = keys[0];
  const arg = item[op];
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') throw invalid(`"${at}": "exists" takes true or false`);
      if (arg) leaf.presentMatches = true;
      else leaf.absentMatches = true;
      return;
    case 'prefix':
    case 'suffix': {
      const { text, ignoreCase } = stringOperand(arg, op, at);
      const wanted = ignoreCase ? text.toLowerCase() : text;
      const test =
        op === 'prefix'
          ? (s: string) => (ignoreCase ? s.toLowerCase() : s).startsWith(wanted)
          : (s: string) => (ignoreCase ? s.toLowerCase() : s).endsWith(wanted);
      leaf.matchers.push((v) => typeof v === 'string' && test(v));
      return;
    }
    case 'equals-ignore-case': {
      const wanted = stringList(arg, op, at).map((s) => s.toLowerCase());
      leaf.matchers.push((v) => typeof v === 'string' && wanted.includes(v.toLowerCase()));
      return;
    }
    case 'wildcard': {
      const regexes = stringList(arg, op, at).map((s) => wildcardRegex(s, at));
      leaf.matchers.push((v) => typeof v === 'string' && regexes.some((r) => r.test(v)));
      return;
    }
    case 'anything-but':
      leaf.matchers.push(anythingBut(arg, at));
      return;
    case 'numeric':
      leaf.matchers.push(numeric(arg, at));
      return;
    case 'cidr':
      leaf.matchers.push(cidr(arg, at));
      return;
    default:
      throw invalid(`"${at}": unrecognized match type "${op}"`);
  }
}

function stringOperand(arg: unknown, op: string, at: string): { text: string; ignoreCase: boolean } {
  if (typeof arg === 'string') return { text: arg, ignoreCase: false };
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return { text: arg['equals-ignore-case'] as string, ignoreCase: true };
  }
  throw invalid(`"${at}": "${op}" takes a string (or {"equals-ignore-case": "…"})`);
}

function stringList(arg: unknown, op: string, at: string): string[] {
  const list = Array.isArray(arg) ? arg : [arg];
  if (list.length === 0 || !list.every((s) => typeof s === 'string')) throw invalid(`"${at}": "${op}" takes a string or an array of strings`);
  return list as string[];
}

function anythingBut(arg: unknown, at: string): ValueMatcher {
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => v !== arg;
  if (Array.isArray(arg)) {
    if (arg.length === 0 || !arg.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw invalid(`"${at}": "anything-but" takes a string, a number, an array of them, or a prefix / suffix / equals-ignore-case / wildcard object`);
    }
    const excluded = new Set<unknown>(arg);
    return (v) => !excluded.has(v);
  }
  if (isPlainObject(arg) && Object.keys(arg).length === 1) {
    const [op] = Object.keys(arg);
    const value = arg[op];
    if (op === 'prefix' || op === 'suffix') {
      if (typeof value !== 'string') throw invalid(`"${at}": "anything-but" / "${op}" takes a string`);
      return op === 'prefix' ? (v) => typeof v === 'string' && !v.startsWith(value) : (v) => typeof v === 'string' && !v.endsWith(value);
    }
    if (op === 'equals-ignore-case') {
      const excluded = stringList(value, 'anything-but / equals-ignore-case', at).map((s) => s.toLowerCase());
      return (v) => typeof v === 'string' && !excluded.includes(v.toLowerCase());
    }
    if (op === 'wildcard') {
      const regexes = stringList(value, 'anything-but / wildcard', at).map((s) => wildcardRegex(s, at));
      return (v) => typeof v === 'string' && !regexes.some((r) => r.test(v));
    }
  }
  throw invalid(`"${at}": "anything-but" takes a string, a number, an array of them, or a prefix / suffix / equals-ignore-case / wildcard object`);
}

const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

function numeric(arg: unknown, at: string): ValueMatcher {
  const bad = () => invalid(`"${at}": "numeric" takes [operator, number] or a range [">" | ">=", number, "<" | "<=", number] (found ${JSON.stringify(arg)})`);
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) throw bad();
  const conditions: Array<[string, number]> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const [op, n] = [arg[i], arg[i + 1]];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op) || typeof n !== 'number' || !Number.isFinite(n)) throw bad();
    conditions.push([op, n]);
  }
  if (conditions.length === 2) {
    const lower = conditions.filter(([op]) => op === '>' || op === '>=').length;
    const upper = conditions.filter(([op]) => op === '<' || op === '<=').length;
    if (lower !== 1 || upper !== 1) throw bad();
  }
  return (v) => {
    if (typeof v !== 'number') return false;
    for (const [op, n] of conditions) {
      if (op === '<' ? !(v < n) : op === '<=' ? !(v <= n) : op === '=' ? v !== n : op === '>' ? !(v > n) : !(v >= n)) return false;
    }
    return true;
  };
}

function wildcardRegex(pattern: string, at: string): RegExp {
  if (/(?<!\\)\*\*/.test(pattern)) throw invalid(`"${at}": a wildcard pattern cannot contain consecutive * (${pattern})`);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += escapeRegex(pattern[++i]);
    } else if (c === '*') {
      source += '.*';
    } else {
      source += escapeRegex(c);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function cidr(arg: unknown, at: string): ValueMatcher {
  const range = typeof arg === 'string' ? parseCidr(arg) : undefined;
  if (!range) throw invalid(`"${at}": "cidr" takes an IPv4 or IPv6 range such as "10.0.0.0/24" (found ${JSON.stringify(arg)})`);
  return (v) => {
    if (typeof v !== 'string') return false;
    const ip = parseIp(v);
    return ip !== undefined && ip.v6 === range.v6 && (ip.value & range.mask) === range.network;
  };
}

function parseCidr(text: string): { v6: boolean; network: bigint; mask: bigint } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const width = ip.v6 ? 128 : 32;
  const bits = Number(bitsText);
  if (bits > width) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = bits === 0 ? 0n : (all << BigInt(width - bits)) & all;
  return { v6: ip.v6, network: ip.value & mask, mask };
}

function parseIp(text: string): { v6: boolean; value: bigint } | undefined {
  if (text.includes(':')) {
    const halves = text.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] ? halves[0].split(':') : [];
    const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
    const missing = 8 - head.length - tail.length;
    if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
    const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
    let value = 0n;
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      value = (value << 16n) | BigInt(parseInt(g, 16));
    }
    return { v6: true, value };
  }
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(p));
  }
  return { v6: false, value };
}

// --- the records SQS filtering matches ------------------------------------------------------------

/**
 * JSON text parsed when it is a JSON object or array (what Lambda treats as a "valid JSON" data
 * field), else undefined. Scalars (`42`, `"text"`) stay text: a plain-string pattern matches them.
 */
export function parseJsonData(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The object an SQS mapping's filters are matched against: Lambda's SQS event record, with `body`
 * parsed when it is JSON (so `{"body": {"field": [...]}}` patterns reach into it) and left as the
 * string otherwise (so `{"body": [{"prefix": "…"}]}` matches plain text).
 */
export function sqsFilterRecord<T extends { body: string }>(record: T): Omit<T, 'body'> & { body: unknown } {
  const parsed = parseJsonData(record.body);
  return { ...record, body: parsed === undefined ? record.body : parsed };
}

// --- helpers --------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** AWS's answer to any invalid pattern (recorded), with why it is invalid kept beside it for our diagnostics. */
export function invalidFilterPattern(reason: string): WorkbenchError {
  return new WorkbenchError('InvalidParameterValueException', 'Invalid filter pattern definition.', reason);
}

const invalid = invalidFilterPattern;
