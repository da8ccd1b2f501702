// SAM `Globals`: the `Function` section is merged under every AWS::Serverless::Function's
// Properties before anything is resolved, so merged values keep the position (and
// property path) of wherever they were written — a bad MemorySize in Globals is
// reported in Globals.
import { intrinsicName, makeMap, type MapEntry, type TNode } from './tree';

/** List properties where the resource's value replaces the global one (SAM concatenates the rest). */
const REPLACED_LISTS = new Set(['Architectures']);

/**
 * Merges a global value with a resource's, as SAM does: maps merge key by key (e.g.
 * Environment.Variables), lists concatenate (global entries first — Layers, Policies…, except
 * Architectures: a function has one), scalars and intrinsic calls come from the resource.
 */
export function mergeGlobals(global: TNode | undefined, local: TNode | undefined, key = ''): TNode | undefined {
  if (!global) return local;
  if (!local) return global;
  if (global.kind === 'seq' && local.kind === 'seq' && !REPLACED_LISTS.has(key)) {
    return { ...local, items: [...global.items, ...local.items] };
  }
  if (global.kind !== 'map' || local.kind !== 'map' || intrinsicName(global) || intrinsicName(local)) return local;
  const entries: MapEntry[] = [];
  for (const e of local.entries) {
    const g = global.byKey.get(e.key);
    entries.push(g ? { ...e, value: mergeGlobals(g.value, e.value, e.key)! } : e);
  }
  for (const g of global.entries) if (!local.byKey.has(g.key)) entries.push(g);
  return makeMap(entries, local.start, local.end, local.path);
}
