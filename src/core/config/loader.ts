// Reading a template end to end: parse, evaluate conditions, resolve every resource's
// properties, then build the function and layer definitions the engine consumes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition, LayerDefinition, TemplateModel } from './types';
import { checkAliases } from './aliases';
import { attachEventInvokeConfig, attachEventSourceMapping } from './attachments';
import type { ParseCache } from './chunkedParse';
import { DiagnosticSink, type Span } from './diagnostics';
import { checkEventSourceMappings } from './eventSourceMappings';
import { FUNCTION_TYPES, readFunction, type FunctionContext } from './functions';
import { writeInlineCode } from './inlineCode';
import { readAuthorizers } from './authorizers';
import { readHttpFrontEnds } from './functionUrls';
import { mergeGlobals } from './globals';
import { Resolver } from './intrinsics';
import { LAYER_TYPES, readLayer } from './layers';
import { parseTemplate } from './parse';
import { checkOutputs } from './outputs';
import { readParameters } from './parameters';
import { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { SourceFile } from './source';
import { childOf, nodeAt, scalarString, type MapNode, type TNode } from './tree';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import { stateDirOf } from '../vocabulary/stateDirectory';

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export interface LoadTemplateOptions {
  /** Overrides of template parameters' defaults. */
  parameterOverrides?: Record<string, string>;
  region?: string;
  accountId?: string;
  stackName?: string;
  /** An editor document's parse cache (chunkedParse.ts): only what changed since the last read is parsed again. */
  parseCache?: ParseCache;
  /** The engine's state directory, where inline code (InlineCode, Code.ZipFile) is written; default `.lambda-workbench` beside the template. */
  stateDir?: string;
}

/** Reads and checks a template file. Template problems become diagnostics; only an unreadable file throws. */
export async function loadTemplate(file: string, options: LoadTemplateOptions = {}): Promise<TemplateModel> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await fs.promises.readFile(abs, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read template ${abs}: ${(err as Error).message}`);
  }
  const model = loadTemplateText(abs, text, options);
  writeInlineCode(model);
  return model;
}

/** Same as loadTemplate for text already in memory (e.g. an unsaved editor buffer). */
export function loadTemplateText(file: string, text: string, options: LoadTemplateOptions = {}): TemplateModel {
  const abs = path.resolve(file);
  const source = new SourceFile(abs, text);
  const sink = new DiagnosticSink(source);
  const model: TemplateModel = { file: abs, functions: [], layers: [], parameters: {}, resources: {}, diagnostics: [] };
  const root = parseTemplate(source, sink, options.parseCache);
  if (root && root.kind !== 'map') {
    sink.error('invalid-template', 'A template must be a mapping with a Resources section', root);
  } else if (root) {
    build(root, model, source, sink, options);
  }
  model.diagnostics = sink.sorted();
  return model;
}

function build(root: MapNode, model: TemplateModel, source: SourceFile, sink: DiagnosticSink, options: LoadTemplateOptions): void {
  const parameters = readParameters(root.byKey.get('Parameters'), options.parameterOverrides ?? {}, sink);
  for (const p of parameters.values()) if (p.text !== undefined) model.parameters[p.name] = p.text;

  const entries = collectResources(root, sink);
  for (const key of ['Conditions', 'Mappings', 'Globals'] as const) {
    const node = childOf(root, key);
    if (node && node.kind !== 'map') sink.error('invalid-template', `${key} must be a mapping`, node, key);
  }
  const resolver = new Resolver({
    sink,
    text: source.text,
    parameters,
    pseudo: {
      region: options.region ?? DEFAULT_REGION,
      accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
      stackName: options.stackName ?? 'local',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    },
    resources: entries,
    conditions: childOf(root, 'Conditions'),
    mappings: childOf(root, 'Mappings'),
  });

  // Conditions first: a Ref to a resource that will not be created must fail wherever it is.
  for (const e of entries.values()) {
    if (e.condition === undefined) continue;
    const at = nodeAt(root, ['Resources', e.logicalId, 'Condition'])!;
    if (resolver.conditions.byName(e.condition, at) === false) {
      e.created = false;
      const message = `Resource '${e.logicalId}' is not created: its Condition '${e.condition}' is false`;
      sink.add('info', 'condition-false', message, keySpan(e), `Resources.${e.logicalId}`);
    }
  }
  checkTransform(root, entries, sink);

  const readers = resolveResources(entries, resolver, model, source);
  const templateDir = path.dirname(model.file);
  const metadata = metadataReaders(root, entries, resolver);
  const layers = readLayers(entries, readers, model, { templateDir, metadata, source });
  const byName = readFunctions(entries, readers, model, {
    templateDir,
    stateDir: options.stateDir ?? stateDirOf(model.file),
    layers,
    metadata: (id) => metadata.get(id),
    position: (offset) => source.position(offset),
  });
  for (const [id, r] of readers) {
    const e = entries.get(id)!;
    if (e.type === 'AWS::Lambda::EventSourceMapping') attachEventSourceMapping(e, r, byName, source.position(e.keyStart));
    else if (e.type === 'AWS::Lambda::EventInvokeConfig') attachEventInvokeConfig(e, r, byName);
  }
  checkEventSourceMappings(model.functions, entries, readers);
  checkAliases(model.functions, entries, readers);
  checkOutputs(root, resolver);
  const httpContext = { entries, readers, functions: byName, root, resolver, position: (offset: number) => source.position(offset) };
  readHttpFrontEnds(model, httpContext);
  readAuthorizers(model, httpContext);
}

/** Resolves every created resource's properties into model.resources; returns a reader per resource. */
function resolveResources(entries: Map<string, ResourceEntry>, resolver: Resolver, model: TemplateModel, source: SourceFile): Map<string, PropertyReader> {
  const readers = new Map<string, PropertyReader>();
  for (const e of entries.values()) {
    if (!e.created || e.implicit || !e.type) continue;
    const value = resolver.value(e.properties);
    const values = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    model.resources[e.logicalId] = { type: e.type, properties: values, position: source.position(e.keyStart) };
    readers.set(e.logicalId, new PropertyReader(values, e.properties, `Resources.${e.logicalId}.Properties`, keySpan(e), resolver.sink));
  }
  return readers;
}

/** The keys of a function's or layer's `Metadata` that `sam build` reads. */
const BUILD_METADATA_KEY = /^(BuildMethod|BuildProperties|BuildArchitecture|Docker\w*)$/;

/**
 * Functions' and layers' `Metadata`, read like their properties. Only the keys `sam build` reads are
 * resolved: other tools keep their own entries there, which are none of the engine's business.
 */
function metadataReaders(root: MapNode, entries: Map<string, ResourceEntry>, resolver: Resolver): Map<string, PropertyReader> {
  const readers = new Map<string, PropertyReader>();
  for (const e of entries.values()) {
    if (!e.created || e.implicit || !(FUNCTION_TYPES.has(e.type) || LAYER_TYPES.has(e.type))) continue;
    const node = nodeAt(root, ['Resources', e.logicalId, 'Metadata']);
    if (!node) continue;
    const property = `Resources.${e.logicalId}.Metadata`;
    if (node.kind !== 'map') {
      resolver.sink.error('invalid-type', `Metadata of '${e.logicalId}' must be a mapping (BuildMethod, BuildProperties, Dockerfile…)`, node, property);
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const entry of node.entries) {
      if (!BUILD_METADATA_KEY.test(entry.key)) continue;
      const value = resolver.value(entry.value);
      if (value !== undefined) values[entry.key] = value;
    }
    readers.set(e.logicalId, new PropertyReader(values, node, property, keySpan(e), resolver.sink));
  }
  return readers;
}

/** Every layer resource → its definition (undefined when its content is not local). */
function readLayers(
  entries: Map<string, ResourceEntry>,
  readers: Map<string, PropertyReader>,
  model: TemplateModel,
  ctx: { templateDir: string; metadata: Map<string, PropertyReader>; source: SourceFile },
): Map<string, LayerDefinition | undefined> {
  const layers = new Map<string, LayerDefinition | undefined>();
  for (const [id, r] of readers) {
    const e = entries.get(id)!;
    if (!LAYER_TYPES.has(e.type)) continue;
    const def = readLayer(e, r, ctx.templateDir, ctx.source.position(e.keyStart), ctx.metadata.get(id));
    layers.set(id, def);
    if (def) model.layers.push(def);
  }
  return layers;
}

/** Reads the functions into the model; returns them by function name (the first of each name). */
function readFunctions(
  entries: Map<string, ResourceEntry>,
  readers: Map<string, PropertyReader>,
  model: TemplateModel,
  ctx: FunctionContext,
): Map<string, FunctionDefinition> {
  const byName = new Map<string, FunctionDefinition>();
  for (const [id, r] of readers) {
    const e = entries.get(id)!;
    if (!FUNCTION_TYPES.has(e.type)) continue;
    const fn = readFunction(e, r, ctx);
    const other = byName.get(fn.functionName);
    if (other) {
      const message = `Function name '${fn.functionName}' is also used by '${other.logicalId}' (line ${other.position.line}); function names must be unique`;
      r.error('duplicate-function-name', ['FunctionName'], message);
    } else {
      byName.set(fn.functionName, fn);
    }
    model.functions.push(fn);
  }
  return byName;
}

/** The Resources section as catalog entries, plus the resources SAM would generate implicitly. */
function collectResources(root: MapNode, sink: DiagnosticSink): Map<string, ResourceEntry> {
  const entries = new Map<string, ResourceEntry>();
  const section = root.byKey.get('Resources');
  if (!section) {
    sink.error('missing-resources', 'The template has no Resources section (at least one resource is required)', { start: 0, end: 0 }, 'Resources');
    return entries;
  }
  if (section.value.kind !== 'map') {
    sink.error('invalid-template', 'Resources must be a mapping of logical ids to resources', section.value, 'Resources');
    return entries;
  }
  if (section.value.entries.length === 0) {
    sink.error('invalid-template', 'Resources is empty (at least one resource is required)', keySpan(section), 'Resources');
    return entries;
  }
  const globalFunction = nodeAt(root, ['Globals', 'Function']);
  const implicit: Array<[string, string]> = [];
  for (const r of section.value.entries) {
    const path = `Resources.${r.key}`;
    const span = { start: r.keyStart, end: r.keyEnd };
    if (r.value.kind !== 'map') {
      sink.error('invalid-resource', `Resource '${r.key}' must be a mapping with Type and Properties`, r.value, path);
      continue;
    }
    const typeNode = childOf(r.value, 'Type');
    const type = scalarString(typeNode);
    if (type === undefined) {
      sink.error('missing-type', `Resource '${r.key}' has no Type (e.g. AWS::Serverless::Function)`, typeNode ?? span, `${path}.Type`);
    }
    let properties: TNode | undefined = childOf(r.value, 'Properties');
    if (properties && properties.kind !== 'map' && !(properties.kind === 'scalar' && properties.value === null)) {
      sink.error('invalid-type', `Properties of '${r.key}' must be a mapping`, properties, `${path}.Properties`);
      properties = undefined;
    }
    if (type === 'AWS::Serverless::Function') {
      properties = mergeGlobals(globalFunction, properties?.kind === 'map' ? properties : undefined);
      implicit.push(...samImplicitResources(r.key, properties));
    }
    const condition = scalarString(childOf(r.value, 'Condition'));
    const entry: ResourceEntry = { logicalId: r.key, type: type ?? '', keyStart: r.keyStart, keyEnd: r.keyEnd, created: true };
    if (properties) entry.properties = properties;
    if (condition !== undefined) entry.condition = condition;
    entries.set(r.key, entry);
  }
  // Names SAM generates (the execution role, the implicit APIs) can be referenced too.
  for (const [id, type] of implicit) {
    if (!entries.has(id)) entries.set(id, { logicalId: id, type, keyStart: 0, keyEnd: 0, created: true, implicit: true });
  }
  return entries;
}

/** Resources SAM generates for a function: its execution role and the implicit APIs of its events. */
function samImplicitResources(logicalId: string, properties: TNode | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!childOf(properties, 'Role')) out.push([`${logicalId}Role`, 'AWS::IAM::Role']);
  const events = childOf(properties, 'Events');
  for (const ev of events?.kind === 'map' ? events.entries : []) {
    const type = scalarString(childOf(ev.value, 'Type'));
    const props = childOf(ev.value, 'Properties');
    if (type === 'Api' && !childOf(props, 'RestApiId')) out.push(['ServerlessRestApi', 'AWS::ApiGateway::RestApi']);
    if (type === 'HttpApi' && !childOf(props, 'ApiId')) out.push(['ServerlessHttpApi', 'AWS::ApiGatewayV2::Api']);
  }
  // The function URL SAM generates for FunctionUrlConfig (`!GetAtt <Function>Url.FunctionUrl`).
  if (childOf(properties, 'FunctionUrlConfig')) out.push([`${logicalId}Url`, 'AWS::Lambda::Url']);
  return out;
}

function checkTransform(root: MapNode, entries: Map<string, ResourceEntry>, sink: DiagnosticSink): void {
  const sam = [...entries.values()].find((e) => e.type.startsWith('AWS::Serverless::') && !e.implicit);
  if (!sam) return;
  const t = childOf(root, 'Transform');
  const names = t?.kind === 'seq' ? t.items.map((i) => scalarString(i)) : [scalarString(t)];
  if (names.includes(SAM_TRANSFORM)) return;
  const message = `${sam.type} resources need 'Transform: ${SAM_TRANSFORM}' at the top level of the template`;
  sink.warning('missing-transform', message, t ?? keySpan(sam), 'Transform');
}

function keySpan(e: { keyStart: number; keyEnd: number }): Span {
  return { start: e.keyStart, end: e.keyEnd };
}
