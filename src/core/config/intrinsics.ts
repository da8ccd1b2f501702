// Local evaluation of CloudFormation intrinsic functions. What can be known without AWS
// (parameters, pseudo parameters, names and ARNs of resources in the template, mappings,
// conditions) is computed; everything else is reported at its node and becomes undefined.
import type { DiagnosticSink, Span } from './diagnostics';
import { ConditionEvaluator } from './conditions';
import type { ParameterInfo } from './parameters';
import { ResourceCatalog, type Lookup, type PseudoValues, type ResourceEntry } from './resourceRefs';
import { childOf, intrinsicName, scalarString, type MapNode, type TNode } from './tree';

/** Marker for `Ref: AWS::NoValue`: the enclosing property or list item is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface ResolverInput {
  sink: DiagnosticSink;
  text: string;
  parameters: Map<string, ParameterInfo>;
  pseudo: PseudoValues;
  resources: Map<string, ResourceEntry>;
  conditions?: TNode;
  mappings?: TNode;
}

/** Nesting of intrinsic function calls being resolved (through mappings, conditions and references too). */
export const MAX_INTRINSIC_DEPTH = 64;

type Handler = (r: Resolver, arg: TNode, node: MapNode) => unknown;

export class Resolver {
  readonly catalog: ResourceCatalog;
  readonly conditions: ConditionEvaluator;
  readonly sink: DiagnosticSink;
  private readonly pseudo: Map<string, unknown>;
  /** Intrinsic function calls being resolved, nested (see MAX_INTRINSIC_DEPTH). */
  private depth = 0;

  constructor(readonly input: ResolverInput) {
    this.sink = input.sink;
    this.catalog = new ResourceCatalog(input.resources, input.pseudo, this);
    this.conditions = new ConditionEvaluator(input.conditions, this);
    const p = input.pseudo;
    this.pseudo = new Map<string, unknown>([
      ['AWS::Region', p.region],
      ['AWS::AccountId', p.accountId],
      ['AWS::StackName', p.stackName],
      ['AWS::Partition', p.partition],
      ['AWS::URLSuffix', p.urlSuffix],
      ['AWS::StackId', `arn:${p.partition}:cloudformation:${p.region}:${p.accountId}:stack/${p.stackName}/00000000-0000-0000-0000-000000000000`],
      ['AWS::NotificationARNs', []],
      ['AWS::NoValue', NO_VALUE],
    ]);
  }

  /** The node's value with intrinsics resolved; undefined when unresolvable (already reported) or AWS::NoValue. */
  value(node: TNode | undefined): unknown {
    const v = this.resolve(node);
    return v === NO_VALUE ? undefined : v;
  }

  /** Like `value`, but keeps NO_VALUE so containers can drop the entry. */
  resolve(node: TNode | undefined): unknown {
    if (!node) return undefined;
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'seq') {
      const out: unknown[] = [];
      for (const item of node.items) {
        const v = this.resolve(item);
        // Unresolved items stay as undefined so positions of the others don't shift.
        if (v !== NO_VALUE) out.push(v);
      }
      return out;
    }
    const fn = intrinsicName(node);
    if (fn) {
      const handler = HANDLERS[fn];
      if (!handler) return this.fail(node, 'unresolvable-intrinsic', `${fn} is not a supported intrinsic function`);
      // A Fn::FindInMap whose value is (or leads back to) itself, or calls nested absurdly deep: a clear error, not a stack overflow.
      if (this.depth >= MAX_INTRINSIC_DEPTH) {
        const message = `${fn}: intrinsic functions nest more than ${MAX_INTRINSIC_DEPTH} levels deep (does a value refer to itself, e.g. a Fn::FindInMap to its own mapping?)`;
        return this.fail(node, 'circular-reference', message);
      }
      this.depth++;
      try {
        return handler(this, node.entries[0]!.value, node);
      } finally {
        this.depth--;
      }
    }
    const out: Record<string, unknown> = {};
    for (const e of node.entries) {
      const v = this.resolve(e.value);
      if (v !== NO_VALUE && v !== undefined) out[e.key] = v;
    }
    return out;
  }

  /**
   * Reports an error at the node; the value is undefined. For references to nothing: CloudFormation
   * rejects the template, and whatever is built from the value locally would be wrong.
   */
  fail(at: TNode | Span, code: string, message: string, property?: string): undefined {
    this.sink.error(code, message, at, property ?? ('path' in at ? at.path : undefined));
    return undefined;
  }

  /**
   * Reports something valid in CloudFormation that cannot be known locally (an import, an
   * unmodelled attribute…). A warning: it only matters where the value is needed, and a
   * required property then reports its own error.
   */
  unknowable(at: TNode | Span, code: string, message: string, property?: string): undefined {
    this.sink.warning(code, message, at, property ?? ('path' in at ? at.path : undefined));
    return undefined;
  }

  report(at: TNode | Span, l: Extract<Lookup, { ok: false }>, message = l.message, property?: string): undefined {
    return l.warning ? this.unknowable(at, l.code, message, property) : this.fail(at, l.code, message, property);
  }

  /** What `Ref: name` (or `${name}` in Fn::Sub) stands for. */
  lookupName(name: string): Lookup {
    if (name.startsWith('AWS::')) {
      if (this.pseudo.has(name)) return { ok: true, value: this.pseudo.get(name) };
      return { ok: false, code: 'unresolved-ref', message: `Unknown pseudo parameter '${name}' (known: ${[...this.pseudo.keys()].join(', ')})` };
    }
    const param = this.input.parameters.get(name);
    if (param) {
      if (param.value !== undefined) return { ok: true, value: param.value };
      // A deploy-time input rather than a template error: only fatal where the value is required.
      return { ok: false, warning: true, code: 'unresolved-ref', message: `Parameter '${name}' has no value: ${param.problem ?? 'unknown'}` };
    }
    if (this.catalog.has(name)) return this.catalog.ref(name);
    const sam = this.catalog.samReference(name);
    if (sam) return sam;
    return { ok: false, code: 'unresolved-ref', message: `'${name}' is not a parameter, resource or pseudo parameter of this template` };
  }

  /** Elements of a fixed-size argument list, or a reported `invalid-intrinsic`. */
  args(fn: string, arg: TNode, min: number, max: number, shape: string): TNode[] | undefined {
    if (arg.kind === 'seq' && arg.items.length >= min && arg.items.length <= max) return arg.items;
    this.fail(arg, 'invalid-intrinsic', `${fn} expects ${shape}`);
    return undefined;
  }

  /** A resolved argument that must be a string (numbers are accepted as CloudFormation does). */
  stringArg(node: TNode, fn: string, what: string): string | undefined {
    const v = this.value(node);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(node, 'invalid-intrinsic', `${fn}: ${what} must be a string, got ${describe(v)}`);
  }

  listArg(node: TNode, fn: string, what: string): unknown[] | undefined {
    const v = this.value(node);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v;
    return this.fail(node, 'invalid-intrinsic', `${fn}: ${what} must be a list, got ${describe(v)}`);
  }
}

export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function fromLookup(r: Resolver, node: MapNode, l: Lookup): unknown {
  return l.ok ? l.value : r.report(referenceSpan(r, node), l, l.message, node.path);
}

/**
 * Where a failed Ref / GetAtt is reported: a short form from its tag (`!Ref Name`), a long form as
 * written when that is one line (`{ Ref: Name }`); a long form spanning lines (block YAML, indented
 * JSON) at its argument, or at a list argument's first item (the logical id) when the list does too.
 */
function referenceSpan(r: Resolver, node: MapNode): TNode {
  const multiLine = (n: TNode) => r.input.text.slice(n.start, n.end).trimEnd().includes('\n');
  if (r.input.text.startsWith('!', node.start) || !multiLine(node)) return node;
  const arg = node.entries[0]!.value;
  return arg.kind === 'seq' && multiLine(arg) && arg.items[0] ? arg.items[0] : arg;
}

const ref: Handler = (r, arg, node) => {
  const name = scalarString(arg);
  if (name === undefined) return r.fail(node, 'invalid-intrinsic', 'Ref expects the name of a parameter, resource or pseudo parameter');
  return fromLookup(r, node, r.lookupName(name));
};

const getAtt: Handler = (r, arg, node) => {
  let resource: string | undefined;
  let attribute: string | undefined;
  const text = scalarString(arg);
  if (text !== undefined) {
    const dot = text.indexOf('.');
    if (dot > 0) [resource, attribute] = [text.slice(0, dot), text.slice(dot + 1)];
  } else if (arg.kind === 'seq' && arg.items.length === 2) {
    resource = scalarString(arg.items[0]);
    attribute = r.stringArg(arg.items[1]!, 'Fn::GetAtt', 'the attribute name');
    if (attribute === undefined && resource !== undefined) return undefined;
  }
  if (resource === undefined || attribute === undefined) {
    return r.fail(node, 'invalid-intrinsic', 'Fn::GetAtt expects [LogicalId, Attribute] or "LogicalId.Attribute"');
  }
  return fromLookup(r, node, r.catalog.getAtt(resource, attribute));
};

const sub: Handler = (r, arg, node) => {
  let strNode: TNode = arg;
  let varsNode: TNode | undefined;
  if (arg.kind === 'seq') {
    if (arg.items.length !== 2) return r.fail(node, 'invalid-intrinsic', 'Fn::Sub expects a string or [string, { Var: value }]');
    [strNode, varsNode] = [arg.items[0]!, arg.items[1]!];
  }
  const template = strNode.kind === 'scalar' && typeof strNode.value === 'string' ? strNode.value : undefined;
  if (template === undefined) return r.fail(strNode, 'invalid-intrinsic', 'Fn::Sub expects a literal string template');
  if (varsNode && varsNode.kind !== 'map') return r.fail(varsNode, 'invalid-intrinsic', 'Fn::Sub variables must be a mapping');

  let failed = false;
  const seen = new Map<string, number>();
  const result = template.replace(/\$\{([^}]*)\}/g, (match: string, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`; // `${!Literal}` is written out as `${Literal}`
    const occurrence = seen.get(match) ?? 0;
    seen.set(match, occurrence + 1);
    const at = innerSpan(r.input.text, strNode, match, occurrence) ?? strNode;
    const name = inner.trim();
    let lookup: Lookup;
    const varNode = childOf(varsNode, name);
    if (varNode) {
      const v = r.value(varNode);
      if (v === undefined) {
        failed = true; // reported where the variable's value failed
        return match;
      }
      lookup = { ok: true, value: v };
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      lookup = r.catalog.samReference(name) ?? r.catalog.getAtt(name.slice(0, dot), name.slice(dot + 1));
    } else {
      lookup = r.lookupName(name);
    }
    if (!lookup.ok) {
      r.report(at, lookup, `Fn::Sub ${match}: ${lookup.message}`, strNode.path);
      failed = true;
      return match;
    }
    const v = lookup.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    r.fail(at, 'invalid-intrinsic', `Fn::Sub ${match}: cannot substitute ${describe(v)} into a string`, strNode.path);
    failed = true;
    return match;
  });
  return failed ? undefined : result;
};

/** Span of the n-th `${…}` inside a scalar's source, so Fn::Sub problems point at the variable. */
function innerSpan(text: string, node: TNode, needle: string, occurrence: number): Span | undefined {
  let from = node.start;
  for (let i = 0; i <= occurrence; i++) {
    const at = text.indexOf(needle, from);
    if (at < 0 || at + needle.length > node.end) return undefined;
    if (i === occurrence) return { start: at, end: at + needle.length };
    from = at + needle.length;
  }
  return undefined;
}

const join: Handler = (r, arg) => {
  const a = r.args('Fn::Join', arg, 2, 2, '[delimiter, [values…]]');
  if (!a) return undefined;
  const delimiter = r.stringArg(a[0]!, 'Fn::Join', 'the delimiter');
  const list = r.listArg(a[1]!, 'Fn::Join', 'the values');
  if (delimiter === undefined || list === undefined) return undefined;
  const parts: string[] = [];
  for (const v of list) {
    if (v === undefined) return undefined; // already reported where it failed
    if (typeof v === 'object' && v !== null) return r.fail(a[1]!, 'invalid-intrinsic', `Fn::Join: values must be strings, got ${describe(v)}`);
    parts.push(String(v));
  }
  return parts.join(delimiter);
};

const select: Handler = (r, arg) => {
  const a = r.args('Fn::Select', arg, 2, 2, '[index, [values…]]');
  if (!a) return undefined;
  const index = r.value(a[0]!);
  const list = r.listArg(a[1]!, 'Fn::Select', 'the values');
  if (index === undefined || list === undefined) return undefined;
  const i = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : NaN;
  if (!Number.isInteger(i) || i < 0) return r.fail(a[0]!, 'invalid-intrinsic', `Fn::Select: index must be a non-negative integer, got ${describe(index)}`);
  if (i >= list.length) {
    const items = `${list.length} item${list.length === 1 ? '' : 's'}`;
    return r.fail(a[0]!, 'unresolvable-intrinsic', `Fn::Select: index ${i} is out of range (the list has ${items})`);
  }
  return list[i];
};

const split: Handler = (r, arg) => {
  const a = r.args('Fn::Split', arg, 2, 2, '[delimiter, string]');
  if (!a) return undefined;
  const delimiter = r.stringArg(a[0]!, 'Fn::Split', 'the delimiter');
  const source = r.stringArg(a[1]!, 'Fn::Split', 'the source');
  if (delimiter === undefined || source === undefined) return undefined;
  return source.split(delimiter);
};

const fnIf: Handler = (r, arg) => {
  const a = r.args('Fn::If', arg, 3, 3, '[ConditionName, valueIfTrue, valueIfFalse]');
  if (!a) return undefined;
  const name = scalarString(a[0]);
  if (name === undefined) return r.fail(a[0]!, 'invalid-intrinsic', 'Fn::If: the first element must be a condition name');
  const cond = r.conditions.byName(name, a[0]!);
  if (cond === undefined) return undefined;
  // Only the chosen branch is evaluated, as CloudFormation does.
  return r.resolve(cond ? a[1] : a[2]);
};

const findInMap: Handler = (r, arg) => {
  const a = r.args('Fn::FindInMap', arg, 3, 4, '[MapName, TopLevelKey, SecondLevelKey]');
  if (!a) return undefined;
  const keys = a.slice(0, 3).map((k, i) => r.stringArg(k, 'Fn::FindInMap', ['the map name', 'the top-level key', 'the second-level key'][i]!));
  if (keys.some((k) => k === undefined)) return undefined;
  const [mapName, top, second] = keys as string[];
  const fallback = a[3] ? childOf(a[3], 'DefaultValue') : undefined;
  const steps: Array<[string, string]> = [
    [mapName!, 'Mappings'],
    [top!, `mapping '${mapName}'`],
    [second!, `'${mapName}.${top}'`],
  ];
  let cur: TNode | undefined = r.input.mappings;
  for (let i = 0; i < steps.length; i++) {
    const [key, where] = steps[i]!;
    const next = childOf(cur, key);
    if (!next) {
      if (fallback) return r.resolve(fallback);
      const known = cur?.kind === 'map' ? cur.entries.map((e) => e.key).join(', ') : '';
      return r.fail(a[i]!, 'unresolvable-intrinsic', `Fn::FindInMap: ${where} has no key '${key}'${known ? ` (keys: ${known})` : ''}`);
    }
    cur = next;
  }
  return r.resolve(cur);
};

const base64: Handler = (r, arg) => {
  const s = r.stringArg(arg, 'Fn::Base64', 'the value');
  return s === undefined ? undefined : Buffer.from(s, 'utf8').toString('base64');
};

const getAZs: Handler = (r, arg) => {
  const region = r.stringArg(arg, 'Fn::GetAZs', 'the region');
  if (region === undefined) return undefined;
  const name = region || r.input.pseudo.region;
  // Placeholder zone names: local runs have no real availability zones.
  return ['a', 'b', 'c'].map((z) => `${name}${z}`);
};

const cidr: Handler = (r, arg) => {
  const a = r.args('Fn::Cidr', arg, 3, 3, '[ipBlock, count, cidrBits]');
  if (!a) return undefined;
  const block = r.stringArg(a[0]!, 'Fn::Cidr', 'the IP block');
  const count = Number(r.value(a[1]!));
  const bits = Number(r.value(a[2]!));
  if (block === undefined) return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block);
  // CloudFormation allows 1–256 subnets; cidrBits must fit inside the block.
  if (!m || !Number.isInteger(count) || count < 1 || count > 256 || !Number.isInteger(bits) || bits < 1 || bits > 32 - Number(m[5])) {
    const why = 'Fn::Cidr: only IPv4 blocks with a count of 1–256 and cidrBits that fit the block can be computed locally';
    return r.unknowable(arg, 'unresolvable-intrinsic', why);
  }
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** bits;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip = (base + i * size) >>> 0;
    out.push(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${32 - bits}`);
  }
  return out;
};

const importValue: Handler = (r, arg, node) => {
  const name = r.stringArg(arg, 'Fn::ImportValue', 'the export name');
  const what = name === undefined ? 'an export' : `'${name}'`;
  return r.unknowable(node, 'unresolvable-intrinsic', `Fn::ImportValue ${what} reads another stack's export, which cannot be resolved locally`);
};

const notLocal =
  (why: string): Handler =>
  (r, _arg, node) =>
    r.unknowable(node, 'unresolvable-intrinsic', why);

const condition: Handler = (r, _arg, node) => r.conditions.expression(node);

const HANDLERS: Record<string, Handler> = {
  Ref: ref,
  'Fn::GetAtt': getAtt,
  'Fn::Sub': sub,
  'Fn::Join': join,
  'Fn::Select': select,
  'Fn::Split': split,
  'Fn::If': fnIf,
  'Fn::FindInMap': findInMap,
  'Fn::Base64': base64,
  'Fn::GetAZs': getAZs,
  'Fn::Cidr': cidr,
  'Fn::ImportValue': importValue,
  'Fn::Equals': condition,
  'Fn::And': condition,
  'Fn::Or': condition,
  'Fn::Not': condition,
  'Fn::Transform': notLocal('Fn::Transform runs a macro in AWS and cannot be resolved locally'),
  'Fn::Length': (r, arg) => r.listArg(arg, 'Fn::Length', 'the argument')?.length,
  'Fn::ToJsonString': (r, arg) => {
    const v = r.value(arg);
    return v === undefined ? undefined : JSON.stringify(v);
  },
};
