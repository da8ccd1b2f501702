// Route selection as API Gateway does it: a request path is matched against path templates
// (`/items/{id}`, `/files/{proxy+}`) and a method (or `ANY`); when several routes match, the most
// specific wins — segment by segment from the left a literal beats a `{parameter}`, which beats a
// greedy `{proxy+}`; then an exact method beats `ANY`; an HTTP API's `$default` route comes last.

export interface RouteLike {
  /** Upper-case method or `ANY`. */
  method: string;
  /** A path template, or `$default`. */
  path: string;
}

export interface RouteMatch<T extends RouteLike> {
  route: T;
  /** Decoded values by parameter name (`proxy` for `{proxy+}`), or undefined when the template has none. */
  pathParameters?: Record<string, string>;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

/** Ranks for comparison: higher is more specific. */
const RANK = { literal: 3, param: 2, greedy: 1 } as const;

interface Compiled<T extends RouteLike> {
  route: T;
  segments: Segment[];
  isDefault: boolean;
}

export class RouteTable<T extends RouteLike> {
  private readonly compiled: Array<Compiled<T>>;

  constructor(readonly routes: readonly T[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.path === '$default' ? [] : parseTemplate(route.path),
      isDefault: route.path === '$default',
    }));
  }

  /** The route for a request (method and raw path, percent-encoded as received), or undefined. */
  match(method: string, rawPath: string): RouteMatch<T> | undefined {
    const segments = splitPath(rawPath);
    let best: { c: Compiled<T>; values: string[] } | undefined;
    for (const c of this.compiled) {
      if (c.isDefault || (c.route.method !== 'ANY' && c.route.method !== method)) continue;
      const values = matchSegments(c.segments, segments);
      if (!values) continue;
      if (!best || compare(c, best.c) > 0) best = { c, values };
    }
    if (best) {
      const params = best.c.segments.filter((s) => s.kind !== 'literal');
      if (params.length === 0) return { route: best.c.route };
      const pathParameters: Record<string, string> = {};
      params.forEach((s, i) => (pathParameters[(s as { name: string }).name] = best!.values[i]!));
      return { route: best.c.route, pathParameters };
    }
    const fallback = this.compiled.find((c) => c.isDefault);
    return fallback ? { route: fallback.route } : undefined;
  }

  /** Whether any route's template matches the path, whatever its method (REST CORS preflight answers only known resources). */
  hasPath(rawPath: string): boolean {
    const segments = splitPath(rawPath);
    return this.compiled.some((c) => c.isDefault || matchSegments(c.segments, segments) !== undefined);
  }
}

/** `/a/{b}/{c+}` → segments (a trailing slash is ignored, as API Gateway ignores it). */
function parseTemplate(template: string): Segment[] {
  return splitPath(template).map((text) => {
    const m = /^\{([^}+]+)(\+)?\}$/.exec(text);
    if (!m) return { kind: 'literal', text };
    return m[2] ? { kind: 'greedy', name: m[1]! } : { kind: 'param', name: m[1]! };
  });
}

function splitPath(path: string): string[] {
  const parts = path.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The parameter values (decoded) when the template matches, else undefined. */
function matchSegments(template: Segment[], path: string[]): string[] | undefined {
  const values: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.kind === 'greedy') {
      // A greedy parameter takes one segment or more (never none).
      if (i >= path.length) return undefined;
      values.push(decode(path.slice(i).join('/')));
      return values;
    }
    const s = path[i];
    if (s === undefined) return undefined;
    if (t.kind === 'literal') {
      if (t.text !== s && t.text !== decode(s)) return undefined;
    } else {
      if (s === '') return undefined;
      values.push(decode(s));
    }
  }
  return template.length === path.length ? values : undefined;
}

/** > 0 when a is more specific than b. */
function compare<T extends RouteLike>(a: Compiled<T>, b: Compiled<T>): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const ra = a.segments[i] ? RANK[a.segments[i]!.kind] : 0;
    const rb = b.segments[i] ? RANK[b.segments[i]!.kind] : 0;
    if (ra !== rb) return ra - rb;
  }
  const ma = a.route.method === 'ANY' ? 0 : 1;
  const mb = b.route.method === 'ANY' ? 0 : 1;
  return ma - mb;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
