import * as fs from 'node:fs';
import * as path from 'node:path';

// Structural comparison of a generated event with an AWS-published sample: the same keys and the
// same value types, recursively. Values are not compared (ids, times and names are random or
// chosen). Objects whose keys are user data (headers, DynamoDB images, message attributes…) are
// "maps": their keys are free, and each value — the sample's too — must pass the map's check.

export type MapCheck = (value: unknown) => string | undefined;

export interface ShapeOptions {
  /** Paths (`Records[].dynamodb.NewImage`) of objects with free keys, and the check of their values. */
  maps?: Record<string, MapCheck>;
  /** Paths the generated event has and the sample lacks, each for a documented reason. */
  extra?: string[];
  /** Paths the sample has and the generated event lacks, each for a documented reason. */
  missing?: string[];
}

export function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every difference of shape, as `path: explanation`; empty when the shapes match. */
export function shapeDiff(actual: unknown, reference: unknown, options: ShapeOptions = {}, at = ''): string[] {
  const label = at || '(root)';
  const map = options.maps?.[at];
  if (map) {
    if (kind(actual) !== 'object' || kind(reference) !== 'object') return [`${label}: expected objects, got ${kind(actual)} (sample: ${kind(reference)})`];
    const diffs: string[] = [];
    for (const [k, v] of Object.entries(reference as object)) {
      const problem = map(v);
      if (problem) diffs.push(`${label}.${k} (sample): ${problem} — the check does not fit the sample`);
    }
    for (const [k, v] of Object.entries(actual as object)) {
      const problem = map(v);
      if (problem) diffs.push(`${label}.${k}: ${problem}`);
    }
    return diffs;
  }
  const a = kind(actual);
  const r = kind(reference);
  if (a !== r) return [`${label}: ${a}, the sample has ${r}`];
  if (a === 'array') {
    const act = actual as unknown[];
    const ref = reference as unknown[];
    if (ref.length === 0) return [];
    if (act.length === 0) return [`${label}: empty array, the sample's has elements`];
    return act.flatMap((element, i) => shapeDiff(element, ref[Math.min(i, ref.length - 1)], options, `${at}[]`));
  }
  if (a !== 'object') return [];
  const act = actual as Record<string, unknown>;
  const ref = reference as Record<string, unknown>;
  const diffs: string[] = [];
  const child = (k: string) => (at ? `${at}.${k}` : k);
  for (const k of Object.keys(ref)) {
    if (!(k in act)) {
      if (!options.missing?.includes(child(k))) diffs.push(`${child(k)}: missing (the sample has it)`);
    } else diffs.push(...shapeDiff(act[k], ref[k], options, child(k)));
  }
  for (const k of Object.keys(act)) {
    if (!(k in ref) && !options.extra?.includes(child(k))) diffs.push(`${child(k)}: not in the sample`);
  }
  return diffs;
}

// --- checks of map values ---

export const isString: MapCheck = (v) => (typeof v === 'string' ? undefined : `expected a string, got ${kind(v)}`);

export const isStringArray: MapCheck = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `expected an array of strings, got ${JSON.stringify(v)}`;

export const isAnything: MapCheck = () => undefined;

/** A DynamoDB attribute value: exactly one type key with a value of that type's form. */
export const isAttributeValue: MapCheck = (v) => {
  if (kind(v) !== 'object') return `expected an attribute value object, got ${kind(v)}`;
  const entries = Object.entries(v as object);
  if (entries.length !== 1) return `expected exactly one type key, got ${entries.map(([k]) => k).join(',') || 'none'}`;
  const [type, value] = entries[0];
  switch (type) {
    case 'S':
    case 'N':
    case 'B':
      return typeof value === 'string' ? undefined : `${type} must be a string`;
    case 'BOOL':
    case 'NULL':
      return typeof value === 'boolean' ? undefined : `${type} must be a boolean`;
    case 'SS':
    case 'NS':
    case 'BS':
      return isStringArray(value);
    case 'L':
      return Array.isArray(value) ? value.map(isAttributeValue).find((p) => p) : 'L must be an array';
    case 'M':
      return kind(value) === 'object'
        ? Object.values(value as object)
            .map(isAttributeValue)
            .find((p) => p)
        : 'M must be an object';
    default:
      return `unknown attribute type ${type}`;
  }
};

/** An SQS message attribute as Lambda delivers it. */
export const isSqsMessageAttribute: MapCheck = (v) => {
  if (kind(v) !== 'object') return `expected an object, got ${kind(v)}`;
  const a = v as Record<string, unknown>;
  if (typeof a.dataType !== 'string') return 'dataType must be a string';
  if (isStringArray(a.stringListValues) || isStringArray(a.binaryListValues)) return 'stringListValues and binaryListValues must be arrays of strings';
  if (typeof a.stringValue !== 'string' && typeof a.binaryValue !== 'string') return 'needs a stringValue or a binaryValue';
  const known = ['dataType', 'stringValue', 'binaryValue', 'stringListValues', 'binaryListValues'];
  const unknown = Object.keys(a).filter((k) => !known.includes(k));
  return unknown.length ? `unexpected keys ${unknown.join(',')}` : undefined;
};

/** An SNS message attribute: {Type, Value}, both strings. */
export const isSnsMessageAttribute: MapCheck = (v) => {
  if (kind(v) !== 'object') return `expected an object, got ${kind(v)}`;
  const keys = Object.keys(v as object)
    .sort()
    .join(',');
  const a = v as Record<string, unknown>;
  return keys === 'Type,Value' && typeof a.Type === 'string' && typeof a.Value === 'string'
    ? undefined
    : `expected {Type, Value} strings, got ${JSON.stringify(v)}`;
};

// --- the samples ---

/**
 * Where the AWS-published samples are: $LWB_REFERENCE_EVENTS when set (only there), else
 * shared/reference-events beside the repository, else /work/shared/reference-events.
 */
export function referenceEventsDir(): string | undefined {
  const root = path.resolve(__dirname, '../../..');
  const env = process.env.LWB_REFERENCE_EVENTS;
  const candidates = env ? [env] : [path.join(root, '..', 'shared', 'reference-events'), '/work/shared/reference-events'];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isDirectory());
}

export function readReference(dir: string, file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}
