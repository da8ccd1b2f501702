import { EVENT_KEYS, EVENT_TYPES, FUNCTION_PROPERTIES, RESOURCE_KEYS, type PropertyDoc } from './lambdaDocs';
import { childValue, nodeAtPath, type OutlineNode } from './outline/outline';

// Which part of a template a mapping is — a function's Properties (or a nested setting of
// them), one of its Events, a resource — from the keys leading to it. Hover and completion
// both ask this; the documentation they use is lambdaDocs.ts.

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

export type Place =
  /** The Resources section: its keys are logical ids. */
  | { kind: 'resources' }
  /** `Resources.<id>`: Type, Properties, Condition… */
  | { kind: 'resource'; id: string; type?: string }
  /** A function's Properties (`keys` []) or a setting below them; `Globals.Function` too (id undefined). */
  | { kind: 'function'; id?: string; sam: boolean; keys: string[] }
  /** `Events.<event>` of a SAM function (`keys` []), its Properties (`['Properties']`) or below. */
  | { kind: 'event'; id: string; event: string; type?: string; keys: string[] };

/** The place of the mapping at `path` (keys from the root). */
export function placeOf(root: OutlineNode, path: readonly string[]): Place | undefined {
  if (path[0] === 'Globals' && path[1] === 'Function') return { kind: 'function', sam: true, keys: path.slice(2) };
  if (path[0] !== 'Resources') return undefined;
  if (path.length === 1) return { kind: 'resources' };
  const id = path[1]!;
  const type = childValue(nodeAtPath(root, ['Resources', id]), 'Type');
  if (path.length === 2) return type === undefined ? { kind: 'resource', id } : { kind: 'resource', id, type };
  if (path[2] !== 'Properties' || type === undefined || !FUNCTION_TYPES.has(type)) return undefined;
  const sam = type === 'AWS::Serverless::Function';
  const keys = path.slice(3);
  if (sam && keys[0] === 'Events' && keys.length >= 2) {
    const event = keys[1]!;
    const eventType = childValue(nodeAtPath(root, ['Resources', id, 'Properties', 'Events', event]), 'Type');
    const place: Place = { kind: 'event', id, event, keys: keys.slice(2) };
    if (eventType !== undefined) place.type = eventType;
    return place;
  }
  return { kind: 'function', id, sam, keys };
}

/** The settings a mapping at `place` may hold (undefined when we do not describe them). */
export function propertiesAt(place: Place): Readonly<Record<string, PropertyDoc>> | undefined {
  switch (place.kind) {
    case 'resource':
      return RESOURCE_KEYS;
    case 'function': {
      if (place.keys.length === 0) return filterFor(FUNCTION_PROPERTIES, place.sam);
      return descend(FUNCTION_PROPERTIES, place.keys);
    }
    case 'event': {
      if (place.keys.length === 0) return EVENT_KEYS;
      if (place.keys[0] !== 'Properties' || place.type === undefined) return undefined;
      const props = EVENT_TYPES[place.type]?.properties;
      return props && (place.keys.length === 1 ? props : descend(props, place.keys.slice(1)));
    }
    default:
      return undefined;
  }
}

function descend(props: Readonly<Record<string, PropertyDoc>>, keys: readonly string[]): Readonly<Record<string, PropertyDoc>> | undefined {
  let cur: Readonly<Record<string, PropertyDoc>> | undefined = props;
  for (const k of keys) cur = cur?.[k]?.properties;
  return cur;
}

function filterFor(props: Readonly<Record<string, PropertyDoc>>, sam: boolean): Record<string, PropertyDoc> {
  const out: Record<string, PropertyDoc> = {};
  for (const [name, doc] of Object.entries(props)) if (!doc.only || doc.only === (sam ? 'sam' : 'lambda')) out[name] = doc;
  return out;
}

/** The documentation of the key at `path` (its parent mapping's place, then the key). */
export function docOf(root: OutlineNode, path: readonly string[]): { name: string; doc: PropertyDoc } | undefined {
  if (path.length === 0) return undefined;
  const place = placeOf(root, path.slice(0, -1));
  const name = path[path.length - 1]!;
  const doc = place && propertiesAt(place)?.[name];
  return doc && { name, doc };
}
