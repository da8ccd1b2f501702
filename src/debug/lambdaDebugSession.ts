import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { generateSampleEvent } from '../core/events/catalog';
import type { ExecutionEnvironment } from '../core/environment/environment';
import type { TelemetryEvent } from '../core/telemetry/events';
import { formatLogLine } from '../core/telemetry/logFormat';
import { Workbench, type WorkbenchSettings } from '../core/workbench';

// The `lambda` debug adapter (issue 8): opens an engine on the template, puts the debugged functions in
// debug mode (their runtimes wait for a debugger before any user code), and for every environment that
// starts asks the client (DAP `startDebugging`) to attach VS Code's JavaScript debugger to its
// inspector as a child session. No `vscode` import: it runs inline in the extension host or standalone.

export interface LambdaLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The SAM / CloudFormation template. */
  template: string;
  /** Logical id or function name, or several. */
  function: string | string[];
  qualifier?: string;
  /** A JSON file, a sample (`service/type`, as `invoke --sample`), or an inline JSON value. */
  event?: string | Record<string, unknown> | unknown[];
  invocationType?: 'RequestResponse' | 'Event';
  /** Stop at the first line of the handler module (the child attaches without `continueOnAttach`). */
  stopOnInit?: boolean;
  /** Environment variable overrides for the debugged functions ($LATEST). */
  env?: Record<string, string>;
  /** Handed to the child JavaScript debugger (bundled handlers). */
  outFiles?: string[];
  sourceMaps?: boolean;
  /** Engine settings (state directory, node path…). */
  settings?: Partial<WorkbenchSettings>;
}

/** The arguments of the custom `invoke` request (invoke again while the session runs). */
export interface InvokeArguments {
  event?: LambdaLaunchArguments['event'];
  qualifier?: string;
  invocationType?: 'RequestResponse' | 'Event';
  /** One of the session's functions (default: the first). */
  function?: string;
}

export interface ChildConfiguration {
  type: string;
  request: 'attach';
  name: string;
  port: number;
  address: string;
  continueOnAttach: boolean;
  sourceMaps: boolean;
  outFiles?: string[];
  __lambdaEnvironmentId: string;
  [key: string]: unknown;
}

/** Resolves a launch configuration's `event` to the payload text. */
export function resolveEvent(event: LambdaLaunchArguments['event'], baseDir: string): string {
  if (event === undefined || event === null) return '{}';
  if (typeof event !== 'string') return JSON.stringify(event);
  const trimmed = event.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    JSON.parse(trimmed); // fail early on malformed inline JSON
    return trimmed;
  }
  const file = path.resolve(baseDir, trimmed);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return fs.readFileSync(file, 'utf8');
  const sample = /^([\w-]+)[/ ]([\w-]+)$/.exec(trimmed);
  if (sample) return JSON.stringify(generateSampleEvent(sample[1], sample[2]));
  throw new Error(`The event "${event}" is neither a file, a sample (service/type) nor JSON`);
}

export class LambdaDebugSession extends DebugSession {
  private workbench: Workbench | undefined;
  private args: LambdaLaunchArguments | undefined;
  /** Function names (not logical ids) of the debugged functions. */
  private readonly debugged = new Set<string>();
  /** Environments a child session was requested for. */
  private readonly children = new Map<string, ExecutionEnvironment>();
  private closing: Promise<void> | undefined;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LambdaLaunchArguments): Promise<void> {
    try {
      await this.launch(args);
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, 1001, (error as Error).message);
      return;
    }
    if (args.event !== undefined) void this.invoke({ event: args.event, qualifier: args.qualifier, invocationType: args.invocationType });
  }

  private async launch(args: LambdaLaunchArguments): Promise<void> {
    if (!args.template) throw new Error('The launch configuration needs a "template"');
    const names = Array.isArray(args.function) ? args.function : args.function ? [args.function] : [];
    if (names.length === 0) throw new Error('The launch configuration needs a "function" (logical id or name, or several)');
    this.args = args;
    const template = path.resolve(args.template);
    this.workbench = await Workbench.open({
      template,
      // Provisioned environments would start before debug mode is set: none in a debug session.
      settings: { ...args.settings, hotReload: false, provision: false },
      onTelemetry: (event) => this.onTelemetry(event),
    });
    for (const name of names) {
      const fn = this.workbench.getFunction(name);
      if (!fn) throw new Error(`Function not found in ${path.basename(template)}: ${name}`);
      this.workbench.setDebug(name, true);
      this.debugged.add(fn.functionName);
      if (args.env) this.applyEnv(fn.functionName, args.env);
    }
    this.output(`Debugging ${[...this.debugged].join(', ')} (${path.basename(template)})\n`, 'console');
  }

  /**
   * Environment overrides: the engine has no per-session hook yet, so the template's $LATEST
   * definition is changed in place (hot reload is off in a debug session; published versions keep
   * their frozen variables).
   */
  private applyEnv(functionName: string, env: Record<string, string>): void {
    const fn = this.workbench!.template.functions.find((f) => f.functionName === functionName);
    if (fn) Object.assign(fn.environment, env);
  }

  private onTelemetry(event: TelemetryEvent): void {
    if (!event.functionName || !this.debugged.has(event.functionName)) {
      if (event.type === 'workbench.warning') this.output(`${formatLogLine(event)}\n`, 'console');
      return;
    }
    if (event.type === 'workbench.environment') {
      const record = event.record as TelemetryEvent<'workbench.environment'>['record'];
      if (record.inspectorUrl && event.environmentId && !this.children.has(event.environmentId)) this.attachChild(event.environmentId, record.inspectorUrl);
      if ((record.state === 'Terminated') && event.environmentId) this.children.delete(event.environmentId);
    }
    const line = formatLogLine(event);
    if (line !== undefined) this.output(`${line}\n`, event.type === 'function' || event.type === 'extension' ? 'stdout' : 'console');
  }

  /** Asks the client to start a child session attached to the environment's inspector. */
  private attachChild(environmentId: string, inspectorUrl: string): void {
    const env = this.workbench?.liveEnvironments().find((e) => e.id === environmentId);
    if (!env) return;
    this.children.set(environmentId, env);
    const port = Number(new URL(inspectorUrl).port);
    const args = this.args!;
    const configuration: ChildConfiguration = {
      type: 'pwa-node',
      request: 'attach',
      name: `${env.fn.logicalId ?? env.fn.functionName} ${environmentId}`,
      port,
      address: '127.0.0.1',
      continueOnAttach: !args.stopOnInit,
      sourceMaps: args.sourceMaps ?? true,
      outFiles: args.outFiles ?? [path.join(path.resolve(path.dirname(args.template), env.fn.codeUri), '**/*.js'), '!**/node_modules/**'],
      __lambdaEnvironmentId: environmentId,
    };
    // A paused invocation must not be killed by the function's timeout while a debugger holds it.
    env.suspendTimeouts(true);
    this.output(`${configuration.name}: debugger waiting on ${inspectorUrl}; timeout suspended while debugging\n`, 'console');
    const request: DebugProtocol.StartDebuggingRequestArguments = { configuration, request: 'attach' };
    this.sendRequest('startDebugging', request, 30000, (response) => {
      if (!response.success) {
        this.output(`${configuration.name}: the client did not start a child session (${response.message ?? 'no reason given'})\n`, 'stderr');
        env.suspendTimeouts(false);
      }
    });
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    if (command !== 'invoke') {
      super.customRequest(command, response, args);
      return;
    }
    try {
      response.body = await this.invoke((args ?? {}) as InvokeArguments);
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, 1002, (error as Error).message);
    }
  }

  /** One invocation; its response or error goes to the debug console. */
  private async invoke(request: InvokeArguments): Promise<{ requestId: string; payload?: string; functionError?: string }> {
    const workbench = this.workbench;
    const args = this.args;
    if (!workbench || !args) throw new Error('The session is not launched');
    const names = Array.isArray(args.function) ? args.function : [args.function];
    const functionName = request.function ?? names[0];
    const qualifier = request.qualifier ?? args.qualifier;
    try {
      const payload = resolveEvent(request.event, path.dirname(path.resolve(args.template)));
      if ((request.invocationType ?? args.invocationType) === 'Event') {
        const { requestId } = await workbench.invokeAsync(functionName, payload, { qualifier });
        this.output(`Queued asynchronous invocation ${requestId} of ${functionName}\n`, 'console');
        return { requestId };
      }
      const result = await workbench.invoke(functionName, payload, { qualifier });
      const text = result.payload.toString('utf8');
      await result.logs.catch(() => undefined);
      if (result.functionError) this.output(`${functionName} ${result.requestId} failed (${result.errorType ?? result.functionError}): ${text}\n`, 'stderr');
      else this.output(`${functionName} ${result.requestId} response: ${text}\n`, 'console');
      return { requestId: result.requestId, payload: text, functionError: result.functionError };
    } catch (error) {
      const e = error as Error & { errorType?: string };
      this.output(`${functionName}: ${e.errorType ?? e.name}: ${e.message}\n`, 'stderr');
      throw error;
    }
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.close();
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.close();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** SHUTDOWN for the debugged environments, then the engine closes. */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      const workbench = this.workbench;
      if (!workbench) return;
      try {
        for (const name of this.debugged) await workbench.shutdownEnvironments(name);
      } finally {
        this.children.clear();
        await workbench.close();
      }
    })();
    return this.closing;
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr'): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}
