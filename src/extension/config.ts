import * as vscode from 'vscode';

// The extension's settings (`lambdaWorkbench.*`), typed. Their defaults live in one place:
// package.json's `contributes.configuration`, which VS Code returns for a key nobody set — so no
// getter here has a fallback of its own. (The engine's DEFAULT_SETTINGS are the CLI's defaults;
// the extension hands the engine every value it reads here.)

export const SECTION = 'lambdaWorkbench';

/** Whether a configuration change touches our settings (`key`: one of them). */
export function affectsSettings(event: vscode.ConfigurationChangeEvent, key?: string): boolean {
  return event.affectsConfiguration(key ? `${SECTION}.${key}` : SECTION);
}

/** The settings that apply to `scope` (a workspace folder's URI: folder settings win). */
export function settingsFor(scope?: vscode.Uri): Settings {
  return new Settings(vscode.workspace.getConfiguration(SECTION, scope));
}

export class Settings {
  constructor(private readonly configuration: vscode.WorkspaceConfiguration) {}

  get region(): string {
    return this.value<string>('region');
  }

  /** The region when a user or workspace set it (then it wins over samconfig's); undefined for the default. */
  get regionSetByUser(): string | undefined {
    const set = this.configuration.inspect<string>('region');
    return set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
  }

  /** `node` to run Node.js functions with; undefined: the one on PATH. */
  get nodePath(): string | undefined {
    return this.text('nodePath');
  }

  /** `python3` to run Python functions with; undefined: the one on PATH. */
  get pythonPath(): string | undefined {
    return this.text('pythonPath');
  }

  /** `ruby` to run Ruby functions (and bundler) with; undefined: the one on PATH. */
  get rubyPath(): string | undefined {
    return this.text('rubyPath');
  }

  /** `java` to run Java functions with; undefined: JAVA_HOME's, else the one on PATH. */
  get javaPath(): string | undefined {
    return this.text('javaPath');
  }

  get keepAliveSeconds(): number {
    return this.value<number>('keepAliveSeconds');
  }

  get initTimeoutSeconds(): number {
    return this.value<number>('initTimeoutSeconds');
  }

  get accountConcurrency(): number {
    return this.value<number>('accountConcurrency');
  }

  get javaClassDataSharing(): boolean {
    return this.value<boolean>('javaClassDataSharing');
  }

  get nodeHeapLimit(): boolean {
    return this.value<boolean>('nodeHeapLimit');
  }

  get provisionedConcurrency(): Record<string, number> {
    return this.value<Record<string, number>>('provisionedConcurrency');
  }

  get hotReload(): boolean {
    return this.value<boolean>('hotReload');
  }

  /** Where the engine keeps its state, as written (relative to the folder); undefined: the engine's default. */
  get stateDirectory(): string | undefined {
    return this.text('stateDirectory');
  }

  /** Lambda's retry delays of asynchronous invocations are multiplied by this. */
  get asyncRetryDelayScale(): number {
    return this.value<number>('asyncRetryDelayScale');
  }

  /** As the user wrote it: sourceEndpointsSetting.ts checks it. */
  get sourceEndpoints(): unknown {
    return this.value<unknown>('sourceEndpoints');
  }

  /** As the user wrote it: jwksSetting.ts checks it. */
  get jwks(): unknown {
    return this.value<unknown>('jwks');
  }

  /** Template paths or globs; empty: templates.ts' discovery. */
  get templatePaths(): string[] {
    return this.value<string[]>('templatePaths');
  }

  /** The local API's port (0: any free port). */
  get apiPort(): number {
    return this.value<number>('apiPort');
  }

  /** The port of the template's REST and HTTP API routes beside the local API (0: any free port). */
  get apiGatewayPort(): number {
    return this.value<number>('apiGatewayPort');
  }

  get apiAutoStart(): boolean {
    return this.value<boolean>('apiAutoStart');
  }

  /** A SAM env-vars file as written (relative to the folder); undefined: samconfig's `env_vars`, else none. */
  get envVars(): string | undefined {
    return this.text('envVars');
  }

  /** Template parameter values; empty: samconfig's `parameter_overrides`, else the template's defaults. */
  get parameterOverrides(): Record<string, string> {
    return this.value<Record<string, string>>('parameterOverrides');
  }

  /** package.json declares a default for each key read here, so VS Code never answers undefined. */
  private value<T>(key: string): T {
    return this.configuration.get<T>(key) as T;
  }

  /** A text setting, empty meaning "not set". */
  private text(key: string): string | undefined {
    return this.value<string>(key) || undefined;
  }
}
