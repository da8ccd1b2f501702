// The template's `Conditions`, evaluated on demand (each once) for `Fn::If` and for
// resources' `Condition` attribute.
import type { Resolver } from './intrinsics';
import { intrinsicName, scalarString, type TNode } from './tree';

export class ConditionEvaluator {
  private readonly memo = new Map<string, boolean | undefined>();
  private readonly active = new Set<string>();

  constructor(
    private readonly section: TNode | undefined,
    private readonly resolver: Resolver,
  ) {}

  /** Value of a named condition; undefined when it cannot be evaluated (already reported). */
  byName(name: string, at: TNode): boolean | undefined {
    if (this.memo.has(name)) return this.memo.get(name);
    const definition = this.section?.kind === 'map' ? this.section.byKey.get(name)?.value : undefined;
    if (!definition) {
      const known = this.section?.kind === 'map' ? this.section.entries.map((e) => e.key).join(', ') : '';
      return this.resolver.fail(at, 'unresolved-ref', `Condition '${name}' is not defined in Conditions${known ? ` (defined: ${known})` : ''}`);
    }
    if (this.active.has(name)) return this.resolver.fail(at, 'circular-reference', `Condition '${name}' depends on itself`);
    this.active.add(name);
    const value = this.expression(definition);
    this.active.delete(name);
    this.memo.set(name, value);
    return value;
  }

  /** A condition expression: Fn::Equals / And / Or / Not or `{ Condition: Name }`. */
  expression(node: TNode): boolean | undefined {
    const r = this.resolver;
    if (node.kind === 'map' && node.entries.length === 1 && node.entries[0]!.key === 'Condition') {
      const name = scalarString(node.entries[0]!.value);
      if (name === undefined) return r.fail(node, 'invalid-intrinsic', 'Condition expects a condition name');
      return this.byName(name, node);
    }
    const fn = intrinsicName(node);
    const arg = node.kind === 'map' ? node.entries[0]?.value : undefined;
    if (!fn || !arg) return r.fail(node, 'invalid-intrinsic', 'A condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or { Condition: Name }');
    switch (fn) {
      case 'Fn::Equals': {
        const a = r.args(fn, arg, 2, 2, '[value1, value2]');
        if (!a) return undefined;
        const [x, y] = [r.value(a[0]), r.value(a[1])];
        if (x === undefined || y === undefined) return undefined;
        return comparable(x) === comparable(y);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const a = r.args(fn, arg, 2, 10, 'a list of 2 to 10 conditions');
        if (!a) return undefined;
        // Evaluate every operand so each problem is reported, not just the first.
        const values = a.map((c) => this.expression(c));
        if (values.some((v) => v === undefined)) return undefined;
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        const a = r.args(fn, arg, 1, 1, 'a list with one condition');
        if (!a) return undefined;
        const v = this.expression(a[0]!);
        return v === undefined ? undefined : !v;
      }
      default:
        return r.fail(node, 'invalid-intrinsic', `${fn} cannot be used as a condition`);
    }
  }
}

/** CloudFormation compares the string forms of values (`!Equals [!Ref Size, 3]`). */
function comparable(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}
