// What the readers of a template's HTTP front ends share (functionUrls.ts, corsConfig.ts,
// apiStages.ts, authorizers.ts): the template being read, the methods API Gateway knows, and
// `Globals` sections read like a resource's properties.
import type { FunctionDefinition, SourcePosition } from './types';
import type { Resolver } from './intrinsics';
import { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { childOf, entryOf, type MapNode } from './tree';

export interface HttpFrontEndContext {
  entries: Map<string, ResourceEntry>;
  /** A reader per created resource. */
  readers: Map<string, PropertyReader>;
  /** The template's functions by function name. */
  functions: Map<string, FunctionDefinition>;
  root: MapNode;
  resolver: Resolver;
  position(offset: number): SourcePosition;
}

/** Methods a route or a CORS configuration can name. */
export const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
export const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** The APIs SAM generates for `Api` / `HttpApi` events without RestApiId / ApiId. */
export const IMPLICIT_REST_API = 'ServerlessRestApi';
export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';

/** A reader for `Globals.<section>` (resolved like a resource's properties). */
export function globalsReader(ctx: HttpFrontEndContext, section: string): PropertyReader | undefined {
  const globals = childOf(ctx.root, 'Globals');
  const entry = entryOf(globals, section);
  if (!entry || entry.value.kind !== 'map') return undefined;
  const values = ctx.resolver.value(entry.value);
  const record = typeof values === 'object' && values !== null && !Array.isArray(values) ? (values as Record<string, unknown>) : {};
  return new PropertyReader(record, entry.value, `Globals.${section}`, { start: entry.keyStart, end: entry.keyEnd }, ctx.resolver.sink);
}
