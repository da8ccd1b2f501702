import * as path from 'node:path';

// The `lambda-workbench` task type (package.json `contributes.taskDefinitions`): what a tasks.json
// entry or a provided task says → the arguments of the CLI's `serve`. No `vscode` here, so it is
// unit-tested (test/unit/extension/serveTaskDefinition.test.ts); serveTaskProvider.ts turns it into
// a vscode.Task.

export const TASK_TYPE = 'lambda-workbench';
/** The problem matcher contributed in package.json (`contributes.problemMatchers`), as tasks name it. */
export const PROBLEM_MATCHER = '$lambda-workbench-serve';
/** Shown as the source of provided tasks: their label is `lambda-workbench: serve`. */
export const TASK_SOURCE = 'lambda-workbench';

export interface ServeTaskDefinition {
  type: typeof TASK_TYPE;
  /** The CLI command; `serve` is the only one. */
  command: 'serve';
  /** The template, relative to the workspace folder (default: template.yaml / .yml / .json at its root). */
  template?: string;
  /** The Lambda API's port (the CLI's default: 3001; 0 picks a free one). */
  port?: number;
  /** Region for ARNs and AWS_REGION. */
  region?: string;
  /** More arguments for `lambda-workbench serve`, e.g. ["--http-api-port", "8080"]. */
  args?: string[];
}

/** What the extension's settings add when the definition does not say (lambdaWorkbench.region, lambdaWorkbench.nodePath). */
export interface ServeDefaults {
  region?: string;
  nodePath?: string;
}

/** Why a definition cannot run (empty when it can). */
export function serveDefinitionProblems(definition: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (definition.type !== TASK_TYPE) problems.push(`"type" must be "${TASK_TYPE}"`);
  if (definition.command !== 'serve') problems.push(`"command" must be "serve", got ${JSON.stringify(definition.command)}`);
  if (definition.template !== undefined && (typeof definition.template !== 'string' || definition.template.trim() === '')) {
    problems.push('"template" must be a path (relative to the workspace folder)');
  }
  const port = definition.port;
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535)) {
    problems.push(`"port" must be a port number (0–65535), got ${JSON.stringify(port)}`);
  }
  if (definition.region !== undefined && (typeof definition.region !== 'string' || definition.region.trim() === '')) {
    problems.push('"region" must be a region name');
  }
  if (definition.args !== undefined && !(Array.isArray(definition.args) && definition.args.every((a) => typeof a === 'string'))) {
    problems.push('"args" must be an array of strings');
  }
  return problems;
}

/**
 * The CLI's arguments: `[cli, 'serve', '-t', template, '--port', port, '--region', region,
 * '--node-path', node, ...args]`, each only when given (the definition's region before the
 * settings'; `args` last, so they can override what comes before).
 */
export function serveArgs(cliPath: string, definition: ServeTaskDefinition, defaults: ServeDefaults = {}): string[] {
  const problems = serveDefinitionProblems(definition as unknown as Record<string, unknown>);
  if (problems.length > 0) throw new Error(`Invalid ${TASK_TYPE} task: ${problems.join('; ')}`);
  const argv = [cliPath, 'serve'];
  if (definition.template !== undefined) argv.push('-t', definition.template);
  if (definition.port !== undefined) argv.push('--port', String(definition.port));
  const region = definition.region ?? (defaults.region || undefined);
  if (region) argv.push('--region', region);
  if (defaults.nodePath) argv.push('--node-path', defaults.nodePath);
  argv.push(...(definition.args ?? []));
  return argv;
}

/** The template as a definition names it: relative to the folder with `/` (portable in tasks.json), absolute when outside it. */
export function templateForDefinition(folderPath: string, templateFile: string): string {
  const relative = path.relative(folderPath, templateFile);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return templateFile;
  return relative.split(path.sep).join('/');
}

/** The definition of the task provided for a template the extension has open. */
export function providedServeDefinition(folderPath: string, templateFile: string): ServeTaskDefinition {
  return { type: TASK_TYPE, command: 'serve', template: templateForDefinition(folderPath, templateFile) };
}

/** The provided task's name: `serve` for the folder's own template.yaml / .yml / .json, else `serve <template>`. */
export function serveTaskName(definition: Pick<ServeTaskDefinition, 'template'>): string {
  const template = definition.template;
  return template === undefined || /^template\.(ya?ml|json)$/.test(template) ? 'serve' : `serve ${template}`;
}
