// AWS::Lambda::Alias resources: the versions they point at (FunctionVersion and the routing
// configuration's additional version) must be versions the template publishes, and routing
// weights must be Lambda's 0.0–1.0.
//
// Warnings, not errors: the engine skips an alias it cannot create (versions/templateVersions.ts,
// with a warning) and runs everything else. A literal number may also name a version published
// earlier (through the API or a previous run), which only the engine's state knows.
import type { FunctionDefinition } from './types';
import { checkFunctionVersion, isRoutingWeight, MAX_ADDITIONAL_VERSIONS } from './aliasRules';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { functionRefOf } from '../vocabulary/functionNames';
import { placeholderVersionId, type ResourceEntry } from './resourceRefs';

const ROUTING = ['RoutingConfig', 'AdditionalVersionWeights'];

/** What the template publishes: each AWS::Lambda::Version's function, and how many versions per function at most. */
interface Published {
  owners: Map<string, FunctionDefinition | undefined>;
  counts: Map<FunctionDefinition, number>;
}

export function checkAliases(functions: FunctionDefinition[], entries: Map<string, ResourceEntry>, readers: Map<string, PropertyReader>): void {
  const byName = new Map<string, FunctionDefinition>();
  // A FunctionName may be written as the logical id too (as templateVersions.ts accepts it).
  for (const fn of functions) byName.set(fn.logicalId, fn);
  for (const fn of functions) byName.set(fn.functionName, fn);
  const functionOf = (r: PropertyReader) => {
    const name = r.get('FunctionName');
    return typeof name === 'string' ? byName.get(functionRefOf(name).name) : undefined;
  };
  const ofType = (type: string) => [...readers].filter(([id]) => entries.get(id)?.type === type);

  // Each AWS::Lambda::Version and each AutoPublishAlias publishes (at most) one version per deployment.
  const published: Published = { owners: new Map(), counts: new Map() };
  for (const fn of functions) if (fn.autoPublishAlias) published.counts.set(fn, 1);
  for (const [id, r] of ofType('AWS::Lambda::Version')) {
    const fn = functionOf(r);
    published.owners.set(id, fn);
    if (fn) published.counts.set(fn, (published.counts.get(fn) ?? 0) + 1);
  }

  for (const [, r] of ofType('AWS::Lambda::Alias')) {
    const fn = functionOf(r);
    if (r.written('FunctionVersion')) checkVersion(r, ['FunctionVersion'], fn, published);
    else {
      r.warning(
        'missing-property',
        ['FunctionVersion'],
        'Missing required property FunctionVersion (e.g. !GetAtt MyVersion.Version); the alias is not created locally',
      );
    }
    checkRouting(r, fn, published);
  }
}

function checkRouting(r: PropertyReader, fn: FunctionDefinition | undefined, published: Published): void {
  const weights = r.get(...ROUTING);
  if (weights === undefined) return;
  if (!Array.isArray(weights)) {
    r.warning('invalid-type', ROUTING, `AdditionalVersionWeights must be a list of { FunctionVersion, FunctionWeight }, got ${describe(weights)}`);
    return;
  }
  if (weights.length > MAX_ADDITIONAL_VERSIONS) {
    r.warning('invalid-value', ROUTING, `Lambda routes to at most one additional version; ${weights.length} are given`);
  }
  weights.forEach((_, i) => {
    const item = [...ROUTING, String(i)];
    if (r.written(...item, 'FunctionVersion')) checkVersion(r, [...item, 'FunctionVersion'], fn, published);
    else r.warning('missing-property', [...item, 'FunctionVersion'], 'Missing required property FunctionVersion of the additional version');
    checkWeight(r, [...item, 'FunctionWeight']);
  });
}

function checkWeight(r: PropertyReader, keys: string[]): void {
  const v = r.get(...keys);
  if (v === undefined) {
    // Written but unresolved: reported where it failed.
    if (!r.written(...keys)) r.warning('missing-property', keys, 'Missing required property FunctionWeight (0.0–1.0)');
    return;
  }
  // Numeric strings are what a Ref to a Number parameter gives; CloudFormation converts them.
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!isRoutingWeight(n)) {
    r.warning('invalid-value', keys, `FunctionWeight must be a number between 0.0 and 1.0, got ${typeof v === 'number' ? v : describe(v)}`);
  }
}

/** One FunctionVersion: a published version of the alias's function, a literal number the template publishes, or $LATEST. */
function checkVersion(r: PropertyReader, keys: string[], fn: FunctionDefinition | undefined, published: Published): void {
  const v = r.get(...keys);
  if (v === undefined) return; // did not resolve: reported where it failed
  const label = keys.reduce((l, k) => (/^\d+$/.test(k) ? `${l}[${k}]` : l ? `${l}.${k}` : k), '');
  const versionId = placeholderVersionId(v);
  if (versionId !== undefined) {
    const owner = published.owners.get(versionId);
    if (fn && owner && owner !== fn) {
      r.warning('missing-version', keys, `${label}: '${versionId}' is a version of '${owner.functionName}', not of the alias's function '${fn.functionName}'`);
    }
    return;
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    r.warning('invalid-type', keys, `${label} must be a version number or $LATEST, got ${describe(v)}`);
    return;
  }
  const text = String(v);
  try {
    checkFunctionVersion(text); // Lambda's own rule, as the API applies it
  } catch (error) {
    r.warning('invalid-value', keys, `${label}: ${(error as Error).message}`);
    return;
  }
  if (text === '$LATEST' || !fn) return;
  const count = published.counts.get(fn) ?? 0;
  if (Number(text) >= 1 && Number(text) <= count) return;
  const publishers =
    count === 0
      ? `nothing in this template publishes versions of '${fn.functionName}' (no AWS::Lambda::Version or AutoPublishAlias)`
      : `this template publishes at most ${count} version${count === 1 ? '' : 's'} of '${fn.functionName}'`;
  const message = `${label} ${text} is not a version this template publishes: ${publishers}; the alias works only if version ${text} was published before (use !GetAtt <an AWS::Lambda::Version>.Version)`;
  r.warning('missing-version', keys, message);
}
