// The stage each API of a template is served as (`requestContext.stage`, `stageVariables`).
import type { ApiStage } from './types';
import { describe } from './intrinsics';
import type { PropertyReader } from './props';
import { globalsReader, IMPLICIT_HTTP_API, IMPLICIT_REST_API, type HttpFrontEndContext } from './frontEndContext';

/**
 * The stage of each API that has routes. SAM APIs: `StageName` (REST: `Prod` for the implicit API;
 * HTTP API: `$default`) and `Variables` / `StageVariables`, merged over those of Globals as SAM
 * merges maps. CloudFormation APIs: the `AWS::ApiGateway::Stage` / `AWS::ApiGatewayV2::Stage` that
 * points at them (the first, when there are several).
 */
export function readStages(ctx: HttpFrontEndContext, apiIds: Set<string>, restStageName: string): Record<string, ApiStage> {
  const stages: Record<string, ApiStage> = {};
  const stageResources = new Map<string, PropertyReader>();
  for (const [id, r] of ctx.readers) {
    const type = ctx.entries.get(id)?.type;
    if (type !== 'AWS::ApiGateway::Stage' && type !== 'AWS::ApiGatewayV2::Stage') continue;
    const target = r.get(type === 'AWS::ApiGateway::Stage' ? 'RestApiId' : 'ApiId');
    if (typeof target === 'string' && !stageResources.has(target)) stageResources.set(target, r);
  }
  const globals = { rest: globalsReader(ctx, 'Api'), http: globalsReader(ctx, 'HttpApi') };
  for (const id of apiIds) {
    const entry = ctx.entries.get(id);
    const http = id === IMPLICIT_HTTP_API || entry?.type === 'AWS::Serverless::HttpApi' || entry?.type === 'AWS::ApiGatewayV2::Api';
    const variablesKey = http ? 'StageVariables' : 'Variables';
    const stage: ApiStage = { stageName: http ? '$default' : id === IMPLICIT_REST_API ? 'Prod' : restStageName };
    const sam = id === IMPLICIT_REST_API || id === IMPLICIT_HTTP_API || entry?.type.startsWith('AWS::Serverless::');
    const own = entry && !entry.implicit ? ctx.readers.get(id) : undefined;
    if (sam) {
      const global = http ? globals.http : globals.rest;
      const name = own?.get('StageName');
      if (typeof name === 'string' && name !== '') stage.stageName = name;
      const variables = { ...(global ? stageVariables(global, variablesKey) : {}), ...(own ? stageVariables(own, variablesKey) : {}) };
      if (Object.keys(variables).length > 0) stage.variables = variables;
    } else {
      const resource = stageResources.get(id);
      const name = resource?.get('StageName');
      if (typeof name === 'string' && name !== '') stage.stageName = name;
      // AWS::ApiGateway::Stage names them Variables, AWS::ApiGatewayV2::Stage StageVariables.
      const variables = resource ? stageVariables(resource, http ? 'StageVariables' : 'Variables') : {};
      if (Object.keys(variables).length > 0) stage.variables = variables;
    }
    stages[id] = stage;
  }
  return stages;
}

/** A stage's variables: names of letters, digits and underscores, scalar values (as text). */
function stageVariables(r: PropertyReader, key: string): Record<string, string> {
  const value = r.get(key);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    r.error('invalid-type', [key], `${key} must be a mapping of stage variable names to values, got ${describe(value)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      r.error('invalid-value', [key, name], `Stage variable name '${name}' may only contain letters, digits and underscores`);
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[name] = String(v);
    } else {
      r.error('invalid-type', [key, name], `Stage variable ${name} must be a string, got ${describe(v)}`);
    }
  }
  return out;
}
