import * as path from 'node:path';
import type { InvokeArguments } from '../../debug/launchArguments';

// `lambda` debug configurations as plain data (no 'vscode' import: unit-tested under mocha):
// building them from a template's functions (launch.json's initial entries, the Run and Debug
// dropdown's dynamic entries, the debugFunction command) and checking / completing the ones VS Code
// resolves before it starts the adapter (src/debug/lambdaDebugSession.ts).

export const DEBUG_TYPE = 'lambda';

/** What the debugged function's engine looks like to this module: a template and its functions. */
export interface TemplateFunctions {
  templateFile: string;
  /** The workspace folder the template belongs to. */
  folderPath: string;
  /** The engine's label (its folder, plus the template when not the default one). */
  label: string;
  functions: Array<{ logicalId: string; functionName: string }>;
}

/** A `lambda` launch or attach configuration (launch.json entry). */
export interface LambdaDebugConfiguration {
  type: string;
  request: string;
  name: string;
  template?: string;
  function?: string | string[];
  qualifier?: string;
  event?: unknown;
  invocationType?: 'RequestResponse' | 'Event';
  stopOnInit?: boolean;
  env?: Record<string, string>;
  outFiles?: string[];
  sourceMaps?: boolean;
  [key: string]: unknown;
}

export type Resolution =
  | { kind: 'config'; config: LambdaDebugConfiguration }
  /** F5 without launch.json: the caller asks which function, then builds it with `launchConfiguration`. */
  | { kind: 'pick'; templates: TemplateFunctions[] }
  | { kind: 'error'; message: string };

/** `${workspaceFolder}/…` for a template inside the folder (launch.json stays portable), else the absolute path. */
export function templateReference(templateFile: string, folderPath: string): string {
  const relative = path.relative(folderPath, templateFile);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return templateFile;
  return `\${workspaceFolder}/${relative.split(path.sep).join('/')}`;
}

export interface LaunchOptions {
  qualifier?: string;
  event?: unknown;
  /** Template as `${workspaceFolder}/…` (launch.json) rather than absolute (started at once). */
  portable?: boolean;
  /** Adds the engine's label to the name (several templates in the workspace). */
  withLabel?: boolean;
}

/** The launch configuration debugging one function of a template. */
export function launchConfiguration(t: TemplateFunctions, logicalId: string, options: LaunchOptions = {}): LambdaDebugConfiguration {
  const qualified = options.qualifier && options.qualifier !== '$LATEST' ? `${logicalId}:${options.qualifier}` : logicalId;
  const config: LambdaDebugConfiguration = {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug ${qualified}${options.withLabel ? ` (${t.label})` : ''}`,
    template: options.portable ? templateReference(t.templateFile, t.folderPath) : t.templateFile,
    function: logicalId,
  };
  if (options.qualifier) config.qualifier = options.qualifier;
  // With an event the session invokes at once: F5 then means "run this function under the debugger".
  config.event = options.event ?? {};
  return config;
}

/** launch.json's first entries: one per function of the folder's templates. */
export function initialConfigurations(templates: TemplateFunctions[]): LambdaDebugConfiguration[] {
  const withLabel = templates.length > 1;
  return templates.flatMap((t) => t.functions.map((fn) => launchConfiguration(t, fn.logicalId, { portable: true, withLabel })));
}

/** The Run and Debug dropdown's entries: one per function of every engine. */
export function dynamicConfigurations(templates: TemplateFunctions[]): LambdaDebugConfiguration[] {
  const withLabel = templates.length > 1;
  return templates.flatMap((t) => t.functions.map((fn) => launchConfiguration(t, fn.logicalId, { withLabel })));
}

/** Whether VS Code handed over an empty configuration (F5 with no launch.json). */
export function isEmptyConfiguration(config: Partial<LambdaDebugConfiguration>): boolean {
  return !config.type && !config.request && !config.name;
}

function functionNames(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value ? [value] : undefined;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v)) return value as string[];
  return undefined;
}

function hasFunction(t: TemplateFunctions, name: string): boolean {
  return t.functions.some((fn) => fn.logicalId === name || fn.functionName === name);
}

/**
 * The debugger type of a child configuration the adapter asked for (DAP `startDebugging`), else
 * undefined. VS Code starts such a child with the *parent's* type (DAP: "a new debug session of
 * the same type as the caller"), so it reaches this provider as `lambda`; returning it with the
 * child's own type hands it to js-debug, debugpy, rdbg or the Java debugger (VS Code re-resolves when a
 * resolver changes the type). The adapter names the type (`__lambdaChildType`: `pwa-node`, `debugpy`,
 * `rdbg`, the vscode-rdbg extension's, or `java`, vscode-java-debug's); else its shape tells: debugpy
 * connects to `connect`, js-debug to `port`.
 */
export function childDebugType(config: Partial<LambdaDebugConfiguration>): string | undefined {
  if (typeof config.__lambdaEnvironmentId !== 'string') return undefined;
  if (typeof config.__lambdaChildType === 'string' && config.__lambdaChildType !== DEBUG_TYPE) return config.__lambdaChildType;
  return typeof config.connect === 'object' && config.connect !== null ? 'debugpy' : 'pwa-node';
}

/** The extensions that contribute the child debuggers VS Code does not ship (js-debug's `pwa-node` is built in). */
const CHILD_DEBUGGER_EXTENSIONS: Record<string, { extensionId: string; language: string }> = {
  debugpy: { extensionId: 'ms-python.debugpy', language: 'Python' },
  rdbg: { extensionId: 'KoichiSasada.vscode-rdbg', language: 'Ruby' },
  java: { extensionId: 'vscjava.vscode-java-debug', language: 'Java' },
};

/**
 * When a child needs a debugger no installed extension contributes: the extension to install and
 * what to say (VS Code's own error only says the type is unknown). Undefined when it is there.
 */
export function missingChildDebugger(childType: string, installedDebuggerTypes: ReadonlySet<string>): { extensionId: string; message: string } | undefined {
  const needed = CHILD_DEBUGGER_EXTENSIONS[childType];
  if (!needed || installedDebuggerTypes.has(childType)) return undefined;
  return {
    extensionId: needed.extensionId,
    message: `Debugging ${needed.language} functions needs the '${childType}' debugger of the ${needed.extensionId} extension, which is not installed. Install it, then debug again.`,
  };
}

/**
 * Before variables are substituted: a child of the adapter goes to its own debugger; an empty
 * configuration asks for a pick; a missing `template` is filled with the engine that declares the
 * function (in `folderPath` first), or the only one.
 */
export function resolveConfiguration(config: Partial<LambdaDebugConfiguration>, templates: TemplateFunctions[], folderPath?: string): Resolution {
  const childType = childDebugType(config);
  if (childType) return { kind: 'config', config: { ...(config as LambdaDebugConfiguration), type: childType } };
  if (isEmptyConfiguration(config)) {
    if (templates.length === 0) {
      return {
        kind: 'error',
        message: 'No SAM template is open: Lambda Workbench opens template.yaml (or the lambdaWorkbench.templatePaths setting) in each workspace folder.',
      };
    }
    return { kind: 'pick', templates };
  }
  const resolved: LambdaDebugConfiguration = { ...config, type: DEBUG_TYPE, request: config.request ?? 'launch', name: config.name ?? 'Lambda' };
  if (resolved.request !== 'launch' && resolved.request !== 'attach') {
    return { kind: 'error', message: `Unknown request "${resolved.request}": a lambda configuration is "launch" or "attach".` };
  }
  const names = functionNames(resolved.function);
  if (!names) {
    return { kind: 'error', message: `"${resolved.name}" needs a "function": a logical id or function name of the template (or, to launch, several).` };
  }
  if (resolved.request === 'attach' && names.length > 1) return { kind: 'error', message: `"${resolved.name}": attach takes one function.` };
  if (!resolved.template) {
    const inFolder = folderPath ? templates.filter((t) => t.folderPath === folderPath) : [];
    const candidates = [inFolder, templates].find((list) => list.some((t) => names.every((n) => hasFunction(t, n)))) ?? [];
    const declaring = candidates.filter((t) => names.every((n) => hasFunction(t, n)));
    if (declaring.length === 1) resolved.template = declaring[0].templateFile;
    else if (declaring.length > 1) {
      return {
        kind: 'error',
        message: `"${resolved.name}": ${names.join(', ')} is in several templates (${declaring.map((t) => t.label).join(', ')}); set "template".`,
      };
    } else if (templates.length === 0) return { kind: 'error', message: `"${resolved.name}" needs a "template": no SAM template is open in the workspace.` };
    else return { kind: 'error', message: unknownFunction(resolved.name, names, templates) };
  }
  return { kind: 'config', config: resolved };
}

function unknownFunction(name: string, names: string[], templates: TemplateFunctions[]): string {
  const known = [...new Set(templates.flatMap((t) => t.functions.map((fn) => fn.logicalId)))];
  return `"${name}": no function ${names.join(', ')} in ${templates.map((t) => t.label).join(', ')} (it has ${known.join(', ') || 'no function'}).`;
}

/**
 * After variables are substituted: the template path is made absolute (relative to the folder) and
 * must exist; when an engine runs that template, its functions must include the named ones (an
 * `attach` needs that engine). `exists` is injected for tests.
 */
export function checkConfiguration(
  config: LambdaDebugConfiguration,
  templates: TemplateFunctions[],
  folderPath: string | undefined,
  exists: (file: string) => boolean,
): Resolution {
  if (typeof config.template !== 'string' || config.template === '') {
    return { kind: 'error', message: `"${config.name}" needs a "template" (the SAM template's path).` };
  }
  const template = path.resolve(folderPath ?? process.cwd(), config.template);
  if (!exists(template)) return { kind: 'error', message: `"${config.name}": the template ${template} does not exist.` };
  const names = functionNames(config.function) ?? [];
  const engine = templates.find((t) => path.resolve(t.templateFile) === template);
  if (engine) {
    const missing = names.filter((n) => !hasFunction(engine, n));
    if (missing.length > 0) return { kind: 'error', message: unknownFunction(config.name, missing, [engine]) };
  } else if (config.request === 'attach') {
    return {
      kind: 'error',
      message: `"${config.name}": attach needs the template's engine running in Lambda Workbench, and ${template} is not open (open its folder, or add it to lambdaWorkbench.templatePaths).`,
    };
  }
  return { kind: 'config', config: { ...config, template } };
}

/** What `lambdaWorkbench.debugFunction` takes programmatically: `{ template, function, qualifier?, event? }`. */
export interface DebugFunctionArgs {
  template?: string;
  function: string;
  qualifier?: string;
  event?: unknown;
}

export function debugFunctionArgs(value: unknown): DebugFunctionArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.function !== 'string' || v.function === '') return undefined;
  const args: DebugFunctionArgs = { function: v.function };
  if (typeof v.template === 'string') args.template = v.template;
  if (typeof v.qualifier === 'string') args.qualifier = v.qualifier;
  if (v.event !== undefined) args.event = v.event;
  return args;
}

/** A remembered payload (JSON text) as a launch `event`: objects and arrays inline, anything else `{}`. */
export function eventFromPayload(payload: string | undefined): unknown {
  if (payload === undefined) return {};
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/**
 * The custom `invoke` request of "Invoke Again": known keys of a programmatic argument (the toolbar
 * and palette pass nothing of ours, or a UI context object), the session's own event by default.
 */
export function invokeAgainArgs(value: unknown, sessionEvent: unknown): InvokeArguments {
  const v = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const args: InvokeArguments = { event: (v.event !== undefined ? v.event : sessionEvent) as InvokeArguments['event'] };
  if (args.event === undefined) delete args.event;
  if (typeof v.qualifier === 'string') args.qualifier = v.qualifier;
  if (v.invocationType === 'Event' || v.invocationType === 'RequestResponse') args.invocationType = v.invocationType;
  if (typeof v.function === 'string') args.function = v.function;
  return args;
}
