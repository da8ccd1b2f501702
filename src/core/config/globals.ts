// SAM `Globals`: the `Function` section is merged under every AWS::Serverless::Function's
// Properties before anything is resolved, so merged values keep the position (and
// property path) of wherever they were written — a bad MemorySize in Globals is
// reported in Globals.
import { intrinsicName, makeMap, type MapEntry, type TNode } from './tree';

/**
 * Merges a global value with a resource's. Maps merge key by key (e.g.
 * Environment.Variables), everything else — scalars, lists, intrinsic calls — is taken
 * from the resource when it has the property.
 */
export function mergeGlobals(global: TNode | undefined, local: TNode | undefined): TNode | undefined {
  if (!global) return local;
  if (!local) return global;
  if (global.kind !== 'map' || local.kind !== 'map' || intrinsicName(global) || intrinsicName(local)) return local;
  const entries: MapEntry[] = [];
  for (const e of local.entries) {
    const g = global.byKey.get(e.key);
    entries.push(g ? { ...e, value: mergeGlobals(g.value, e.value)! } : e);
  }
  for (const g of global.entries) if (!local.byKey.has(g.key)) entries.push(g);
  return makeMap(entries, local.start, local.end, local.path);
}
