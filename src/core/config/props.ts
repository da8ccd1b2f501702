// Reading one resource's resolved Properties while still being able to say *where* each
// property is written, so validation problems point at the offending node.
import type { DiagnosticSeverity } from './types';
import type { DiagnosticSink, Span } from './diagnostics';
import { entryOf, intrinsicName, nodeAt, type TNode } from './tree';

export class PropertyReader {
  constructor(
    /** Resolved values (intrinsics evaluated). */
    readonly values: Record<string, unknown>,
    /** The Properties node (for SAM functions: merged with Globals). */
    readonly node: TNode | undefined,
    /** e.g. `Resources.Hello.Properties`. */
    readonly basePath: string,
    /** The resource's logical id key, for problems with no better place (missing properties). */
    readonly declared: Span,
    readonly sink: DiagnosticSink,
  ) {}

  /** The resolved value at a key path; list items by index (`'0'`). */
  get(...keys: string[]): unknown {
    let cur: unknown = this.values;
    for (const k of keys) {
      if (Array.isArray(cur)) cur = /^\d+$/.test(k) ? cur[Number(k)] : undefined;
      else if (typeof cur === 'object' && cur !== null) cur = (cur as Record<string, unknown>)[k];
      else return undefined;
    }
    return cur;
  }

  /** The node where a property is written, if it is. */
  nodeOf(...keys: string[]): TNode | undefined {
    return nodeAt(this.node, keys);
  }

  /** Whether the property is written at all (even if its value did not resolve). */
  written(...keys: string[]): boolean {
    return this.nodeOf(...keys) !== undefined;
  }

  /**
   * The exact node; for a missing property the key of the nearest written parent (e.g. an event's
   * `Properties`: a missing property has no text of its own, and its parent's key is one short
   * range on one line), else the resource's logical id.
   */
  at(keys: readonly string[]): { span: Span; property: string } {
    const exact = nodeAt(this.node, keys);
    if (exact) {
      // A block mapping/list starts on the line after its key; the key is the clearer place to point at.
      const key = this.keyOf(keys);
      const block = exact.kind !== 'scalar' && !intrinsicName(exact) && key && this.line(key.start) !== this.line(exact.start);
      return { span: block ? key : exact, property: exact.path };
    }
    const property = keys.reduce((p, k) => (/^\d+$/.test(k) ? `${p}[${k}]` : `${p}.${k}`), this.basePath);
    for (let n = keys.length - 1; n >= 1; n--) {
      const parent = nodeAt(this.node, keys.slice(0, n));
      // A list item has no key: the item itself.
      if (parent) return { span: this.keyOf(keys.slice(0, n)) ?? parent, property };
    }
    return { span: this.declared, property };
  }

  /** The key a written property is written under (none for list items). */
  private keyOf(keys: readonly string[]): Span | undefined {
    if (keys.length === 0) return undefined;
    const e = entryOf(nodeAt(this.node, keys.slice(0, -1)), keys[keys.length - 1]!);
    return e && { start: e.keyStart, end: e.keyEnd };
  }

  /** The key (not the value) of a written property, e.g. an environment variable's name. */
  keyAt(keys: readonly string[]): { span: Span; property: string } {
    const parent = nodeAt(this.node, keys.slice(0, -1));
    const e = entryOf(parent, keys[keys.length - 1]!);
    if (e) return { span: { start: e.keyStart, end: e.keyEnd }, property: e.value.path };
    return this.at(keys);
  }

  private line(offset: number): number {
    return this.sink.source.position(offset).line;
  }

  report(severity: DiagnosticSeverity, code: string, keys: readonly string[], message: string): void {
    const { span, property } = this.at(keys);
    this.sink.add(severity, code, message, span, property);
  }

  error(code: string, keys: readonly string[], message: string): void {
    this.report('error', code, keys, message);
  }

  warning(code: string, keys: readonly string[], message: string): void {
    this.report('warning', code, keys, message);
  }
}
