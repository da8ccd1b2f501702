// The IAM policy a Lambda authorizer returns, evaluated as API Gateway evaluates it against the
// request's method ARN (`arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`):
// a statement applies when one of its actions matches `execute-api:Invoke` and one of its resources
// matches the ARN (IAM wildcards: `*` any run of characters, `?` one); an applying Deny wins over
// any Allow; no applying Allow is an implicit deny. A statement with a `Condition` cannot be
// evaluated locally: it never applies (documented in the README).

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  /** `NotAction` / `NotResource`: the statement applies to everything but these. */
  notActions?: string[];
  notResources?: string[];
  conditional: boolean;
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** The statements of a `policyDocument`, or why it is not one (API Gateway then answers 500). */
export function parsePolicyDocument(document: unknown): PolicyStatement[] | string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return 'policyDocument is not an object';
  const raw = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw !== undefined && raw !== null ? [raw] : [];
  if (list.length === 0) return 'policyDocument has no Statement';
  const statements: PolicyStatement[] = [];
  for (const s of list) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'a Statement is not an object';
    const o = s as Record<string, unknown>;
    if (o.Effect !== 'Allow' && o.Effect !== 'Deny') return `a Statement's Effect is ${JSON.stringify(o.Effect)}, not Allow or Deny`;
    const actions = strings(o.Action);
    const notActions = strings(o.NotAction);
    const resources = strings(o.Resource);
    const notResources = strings(o.NotResource);
    if (actions === undefined && notActions === undefined) return 'a Statement has no Action';
    if (resources === undefined && notResources === undefined) return 'a Statement has no Resource';
    if (actions === null || notActions === null || resources === null || notResources === null) {
      return 'a Statement has an Action or Resource that is not a string or a list of strings';
    }
    const statement: PolicyStatement = { effect: o.Effect, actions: actions ?? [], resources: resources ?? [], conditional: o.Condition !== undefined };
    if (notActions) statement.notActions = notActions;
    if (notResources) statement.notResources = notResources;
    statements.push(statement);
  }
  return statements;
}

/** Whether the statements allow `execute-api:Invoke` on the method ARN. */
export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (const s of statements) {
    if (s.conditional || !applies(s, methodArn)) continue;
    if (s.effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

const ACTION = 'execute-api:Invoke';

function applies(s: PolicyStatement, methodArn: string): boolean {
  // Action names are case-insensitive in IAM; resources (ARNs) are case-sensitive.
  const action = s.notActions ? !s.notActions.some((a) => matches(a, ACTION, true)) : s.actions.some((a) => matches(a, ACTION, true));
  if (!action) return false;
  return s.notResources ? !s.notResources.some((r) => matches(r, methodArn, false)) : s.resources.some((r) => matches(r, methodArn, false));
}

const patterns = new Map<string, RegExp>();

/** An IAM pattern (`*`, `?`) against a value, whole. */
export function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = patterns.get(key);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(key, re);
  }
  return re.test(value);
}

/** A string or a list of strings; undefined when absent, null when malformed. */
function strings(v: unknown): string[] | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return null;
}
