// Layer resources (SAM and plain Lambda) and functions' `Layers` lists. A layer defined
// in the template resolves to its local content directory; a layer ARN from elsewhere
// is kept for display but has no content locally.
import type { LayerDefinition, LayerReference, SourcePosition } from './types';
import { readBuildMetadata } from './buildMetadata';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { KNOWN_RUNTIMES } from './runtimes';
import { localCodeLocation } from './validation';

export const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

/** Lambda's limit on layers per function. */
const MAX_LAYERS = 5;

/** Reads a layer resource; undefined when its content is not available locally (already reported). */
export function readLayer(
  entry: ResourceEntry,
  r: PropertyReader,
  templateDir: string,
  position: SourcePosition,
  metadata?: PropertyReader,
): LayerDefinition | undefined {
  const key = entry.type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
  let contentUri: string | undefined;
  if (r.get(key) === undefined || r.get(key) === null) {
    const why = r.written(key) ? `${key} has no value that can be used locally` : `Missing required property ${key}`;
    r.error('missing-property', [key], `${why} (the layer's content directory)`);
  } else {
    contentUri = localCodeLocation(r, key, templateDir);
  }
  const name = r.get('LayerName');
  const runtimes = r.get('CompatibleRuntimes');
  const compatibleRuntimes: string[] = [];
  if (Array.isArray(runtimes)) {
    runtimes.forEach((rt) => {
      if (typeof rt === 'string') compatibleRuntimes.push(rt);
    });
    const unknown = compatibleRuntimes.filter((rt) => !KNOWN_RUNTIMES[rt]);
    if (unknown.length) r.warning('invalid-value', ['CompatibleRuntimes'], `Unknown runtime(s) in CompatibleRuntimes: ${unknown.join(', ')}`);
  } else if (runtimes !== undefined && runtimes !== null) {
    r.error('invalid-type', ['CompatibleRuntimes'], `CompatibleRuntimes must be a list of runtimes, got ${describe(runtimes)}`);
  }
  const build = readBuildMetadata(metadata, contentUri);
  if (contentUri === undefined) return undefined;
  const layer: LayerDefinition = {
    logicalId: entry.logicalId,
    layerName: typeof name === 'string' && name !== '' ? name : entry.logicalId,
    contentUri,
    compatibleRuntimes,
    position,
  };
  if (build) layer.build = build;
  return layer;
}

/**
 * A function's `Layers`. `Ref` to a layer resource resolves to its logical id (see
 * resourceRefs), which is how a reference to a layer in this template is recognised.
 */
export function layerReferences(r: PropertyReader, layers: Map<string, LayerDefinition | undefined>, runtime: string | undefined): LayerReference[] {
  const v = r.get('Layers');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    r.error('invalid-type', ['Layers'], `Layers must be a list of layer ARNs or !Ref to layers in this template, got ${describe(v)}`);
    return [];
  }
  const listNode = r.nodeOf('Layers');
  // Items can only be matched to their nodes when none was removed by AWS::NoValue.
  const itemNode = (i: number) => (listNode?.kind === 'seq' && listNode.items.length === v.length ? listNode.items[i] : undefined);
  const refs: LayerReference[] = [];
  v.forEach((item, i) => {
    const at = itemNode(i);
    const report = (severity: 'error' | 'warning', code: string, message: string) =>
      at ? r.sink.add(severity, code, message, at, at.path) : r.report(severity, code, ['Layers'], message);
    if (item === undefined) return; // unresolved; already reported
    if (typeof item !== 'string') return report('error', 'invalid-type', `Layers[${i}] must be a layer ARN or !Ref to a layer, got ${describe(item)}`);
    if (layers.has(item)) {
      const def = layers.get(item);
      const ref: LayerReference = { logicalId: item };
      if (def) {
        ref.contentUri = def.contentUri;
        if (runtime && def.compatibleRuntimes.length && !def.compatibleRuntimes.includes(runtime)) {
          const runtimes = def.compatibleRuntimes.join(', ');
          report('warning', 'incompatible-layer', `Layer '${item}' lists CompatibleRuntimes ${runtimes}, which does not include ${runtime}`);
        }
      }
      refs.push(ref);
    } else if (/^arn:[^:]+:lambda:/.test(item)) {
      report('warning', 'not-local', `Layer ${item} is not defined in this template; its content is not available locally`);
      refs.push({ arn: item });
    } else {
      report('error', 'invalid-value', `Layers[${i}] '${item}' is neither a layer ARN nor a layer resource of this template`);
    }
  });
  if (v.length > MAX_LAYERS) r.error('invalid-value', ['Layers'], `A function can use at most ${MAX_LAYERS} layers, got ${v.length}`);
  return refs;
}
