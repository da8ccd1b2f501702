// The programmatic arguments of the engine commands (commands/functionCommands.ts), normalised as
// plain functions (no 'vscode' import: unit-tested under mocha).

/** A function named by tests or other extensions: `{ functionName, qualifier? }` (the name may be `Name:qualifier` or an ARN). */
export interface FunctionRefArg {
  functionName: string;
  qualifier?: string;
}

export function isFunctionRefArg(value: unknown): value is FunctionRefArg {
  return typeof value === 'object' && value !== null && typeof (value as FunctionRefArg).functionName === 'string';
}

/** An invocation payload given programmatically: a string as is, a Buffer / Uint8Array decoded, anything else as JSON; undefined → undefined. */
export function payloadArg(payload: unknown): string | undefined {
  if (payload === undefined) return undefined;
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  return JSON.stringify(payload);
}

/** `{ service, type }` of a sample event, or `service/type` as the CLI's --sample takes it. */
export function sampleArg(value: unknown): { service: string; type: string } | undefined {
  if (typeof value === 'string') {
    const [service, type, ...rest] = value.split(/[/:]/);
    return service && type && rest.length === 0 ? { service, type } : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const { service, type } = value as { service?: unknown; type?: unknown };
    if (typeof service === 'string' && typeof type === 'string') return { service, type };
  }
  return undefined;
}

/** What `lambdaWorkbench.createAlias` takes: the alias, its version, and optionally one weighted additional version. */
export interface AliasArgs {
  name: string;
  version: string;
  additionalVersion?: string;
  /** The fraction (0–1) of invocations that go to `additionalVersion`. */
  weight?: number;
  description?: string;
}

/** The routing weights of an alias from AliasArgs (`{}`: no routing — an update then removes it). */
export function aliasWeights(args: Pick<AliasArgs, 'additionalVersion' | 'weight'>): Record<string, number> {
  if (args.additionalVersion === undefined || args.additionalVersion === '') return {};
  return { [args.additionalVersion]: args.weight ?? 0 };
}

/** Checks the shape of programmatic AliasArgs (the engine checks Lambda's rules). */
export function aliasArgs(value: unknown): AliasArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || (typeof v.version !== 'string' && typeof v.version !== 'number')) return undefined;
  const args: AliasArgs = { name: v.name, version: String(v.version) };
  if (v.additionalVersion !== undefined && v.additionalVersion !== null) args.additionalVersion = String(v.additionalVersion);
  if (typeof v.weight === 'number') args.weight = v.weight;
  if (typeof v.description === 'string') args.description = v.description;
  return args;
}
