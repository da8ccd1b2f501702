import { parseJsonBody } from './requestBody';
import { WorkbenchError } from '../errors';
import { parseFunctionRef } from '../vocabulary/functionNames';
import type { EventSources } from '../esm/eventSources';
import type { ControlPlane } from '../versions/controlPlane';

// The control-plane operations' REST paths, as the AWS SDK and CLI call them, mapped onto the
// ControlPlane. Each route answers with a status and a JSON body (or none).

export interface RouteResult {
  status: number;
  body?: unknown;
}

/** The engine's parts the control-plane routes use. */
export interface ControlServices {
  controlPlane: ControlPlane;
  eventSources: EventSources;
}

interface Route {
  method: string;
  path: RegExp;
  handle: (cp: ControlPlane, params: string[], query: URLSearchParams, body: Record<string, unknown>, services: ControlServices) => Promise<RouteResult>;
}

const FN = '([^/]+)';
const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
const noContent = (): RouteResult => ({ status: 204 });
const qualifier = (q: URLSearchParams) => q.get('Qualifier') || undefined;
const maxItems = (q: URLSearchParams) => (q.has('MaxItems') ? Number(q.get('MaxItems')) : undefined);
const marker = (q: URLSearchParams) => q.get('Marker') || undefined;

const ESM = '/2015-03-31/event-source-mappings';

const ROUTES: Route[] = [
  { method: 'POST', path: new RegExp(`^${ESM}/?$`), handle: async (_cp, _p, _q, b, s) => ok(await s.eventSources.createMapping(b), 202) },
  {
    method: 'GET',
    path: new RegExp(`^${ESM}/?$`),
    handle: async (_cp, _p, q, _b, s) => {
      const functionName = q.get('FunctionName') || undefined;
      const page = paginateList(
        s.eventSources.listMappings({
          functionName: functionName && parseFunctionRef(functionName).name,
          eventSourceArn: q.get('EventSourceArn') || undefined,
        }),
        marker(q),
        maxItems(q),
      );
      return ok({ EventSourceMappings: page.items, NextMarker: page.nextMarker });
    },
  },
  { method: 'GET', path: new RegExp(`^${ESM}/${FN}$`), handle: async (_cp, [uuid], _q, _b, s) => ok(s.eventSources.getMapping(uuid)) },
  { method: 'PUT', path: new RegExp(`^${ESM}/${FN}$`), handle: async (_cp, [uuid], _q, b, s) => ok(await s.eventSources.updateMapping(uuid, b), 202) },
  { method: 'DELETE', path: new RegExp(`^${ESM}/${FN}$`), handle: async (_cp, [uuid], _q, _b, s) => ok(await s.eventSources.deleteMapping(uuid), 202) },
  {
    method: 'GET',
    path: /^\/2015-03-31\/functions\/?$/,
    handle: async (cp, _p, q) => {
      const page = await cp.listFunctions({ functionVersion: q.get('FunctionVersion') ?? undefined, marker: marker(q), maxItems: maxItems(q) });
      return ok({ Functions: page.items, NextMarker: page.nextMarker });
    },
  },
  { method: 'GET', path: new RegExp(`^/2015-03-31/functions/${FN}$`), handle: async (cp, [name], q) => ok(await cp.getFunction(name, qualifier(q))) },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration$`),
    handle: async (cp, [name], q) => ok(await cp.getFunctionConfiguration(name, qualifier(q))),
  },
  {
    method: 'POST',
    path: new RegExp(`^/2015-03-31/functions/${FN}/versions$`),
    handle: async (cp, [name], _q, b) =>
      ok(await cp.publishVersion(name, { codeSha256: str(b.CodeSha256), description: str(b.Description), revisionId: str(b.RevisionId) }), 201),
  },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/versions$`),
    handle: async (cp, [name], q) => {
      const page = await cp.listVersionsByFunction(name, { marker: marker(q), maxItems: maxItems(q) });
      return ok({ Versions: page.items, NextMarker: page.nextMarker });
    },
  },
  { method: 'POST', path: new RegExp(`^/2015-03-31/functions/${FN}/aliases$`), handle: async (cp, [name], _q, b) => ok(await cp.createAlias(name, b), 201) },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/aliases$`),
    handle: async (cp, [name], q) => {
      const page = await cp.listAliases(name, { functionVersion: q.get('FunctionVersion') ?? undefined, marker: marker(q), maxItems: maxItems(q) });
      return ok({ Aliases: page.items, NextMarker: page.nextMarker });
    },
  },
  { method: 'GET', path: new RegExp(`^/2015-03-31/functions/${FN}/aliases/${FN}$`), handle: async (cp, [name, alias]) => ok(await cp.getAlias(name, alias)) },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/aliases/${FN}$`),
    handle: async (cp, [name, alias], _q, b) => ok(await cp.updateAlias(name, alias, b)),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2015-03-31/functions/${FN}/aliases/${FN}$`),
    handle: async (cp, [name, alias]) => {
      await cp.deleteAlias(name, alias);
      return noContent();
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`),
    handle: async (cp, [name], _q, b) => ok(await cp.putFunctionConcurrency(name, b.ReservedConcurrentExecutions)),
  },
  { method: 'GET', path: new RegExp(`^/2019-09-30/functions/${FN}/concurrency$`), handle: async (cp, [name]) => ok(await cp.getFunctionConcurrency(name)) },
  {
    method: 'DELETE',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`),
    handle: async (cp, [name]) => {
      await cp.deleteFunctionConcurrency(name);
      return noContent();
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`),
    handle: async (cp, [name], q, b) => ok(await cp.putProvisionedConcurrencyConfig(name, qualifier(q), b.ProvisionedConcurrentExecutions), 202),
  },
  {
    method: 'GET',
    path: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`),
    // ListProvisionedConcurrencyConfigs is the same path with `List=ALL`.
    handle: async (cp, [name], q) => {
      if (q.get('List') !== 'ALL') return ok(await cp.getProvisionedConcurrencyConfig(name, qualifier(q)));
      const page = await cp.listProvisionedConcurrencyConfigs(name, { marker: marker(q), maxItems: maxItems(q) });
      return ok({ ProvisionedConcurrencyConfigs: page.items, NextMarker: page.nextMarker });
    },
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`),
    handle: async (cp, [name], q) => {
      await cp.deleteProvisionedConcurrencyConfig(name, qualifier(q));
      return noContent();
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config$`),
    handle: async (cp, [name], q, b) => ok(await cp.putFunctionEventInvokeConfig(name, qualifier(q), b)),
  },
  {
    method: 'GET',
    path: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config$`),
    handle: async (cp, [name], q) => ok(await cp.getFunctionEventInvokeConfig(name, qualifier(q))),
  },
  {
    method: 'POST',
    path: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config$`),
    handle: async (cp, [name], q, b) => ok(await cp.updateFunctionEventInvokeConfig(name, qualifier(q), b)),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config$`),
    handle: async (cp, [name], q) => {
      await cp.deleteFunctionEventInvokeConfig(name, qualifier(q));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/2019-09-25/functions/${FN}/event-invoke-config/list$`),
    handle: async (cp, [name], q) => {
      const page = await cp.listFunctionEventInvokeConfigs(name, { marker: marker(q), maxItems: maxItems(q) });
      return ok({ FunctionEventInvokeConfigs: page.items, NextMarker: page.nextMarker });
    },
  },
];

/** The route for a request, or undefined when none matches. */
export function findRoute(
  method: string,
  pathname: string,
): ((services: ControlServices, query: URLSearchParams, body: Buffer) => Promise<RouteResult>) | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.path.exec(pathname);
    if (!match) continue;
    const params = match.slice(1).map(decodePathParameter);
    return (services, query, body) => route.handle(services.controlPlane, params, query, parseJsonBody(body), services);
  }
  return undefined;
}

/** A malformed escape (`%E0%A4%A`) is the caller's mistake, not a server error. */
export function decodePathParameter(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new WorkbenchError('InvalidParameterValueException', `The path parameter ${value} is not a valid URI-encoded value.`);
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Marker = the index of the next item (opaque); MaxItems 1–10,000 (default 100). */
function paginateList<T>(all: T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; nextMarker?: string } {
  const max = maxItems ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw new WorkbenchError(
      'InvalidParameterValueException',
      "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000",
    );
  }
  const start = marker === undefined ? 0 : Number.parseInt(Buffer.from(marker, 'base64').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0 || start > all.length) throw new WorkbenchError('InvalidParameterValueException', 'Invalid Marker');
  const items = all.slice(start, start + max);
  const next = start + items.length;
  return next < all.length ? { items, nextMarker: Buffer.from(String(next)).toString('base64') } : { items };
}
