import * as path from 'node:path';
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExecutionEnvironment } from '../core/environment/environment';
import type { TelemetryEvent } from '../core/telemetry/events';
import { formatLogLine } from '../core/telemetry/logFormat';
import { Workbench } from '../core/workbench';
import { childConfiguration, type ChildConfiguration } from './childConfiguration';
import { configuredFunctions, resolveEvent, type InvokeArguments, type LambdaAttachArguments, type LambdaLaunchArguments } from './launchArguments';

export type { ChildConfiguration } from './childConfiguration';
export { resolveEvent, type InvokeArguments, type LambdaAttachArguments, type LambdaLaunchArguments } from './launchArguments';

// The `lambda` debug adapter (issue 8). It puts the debugged functions of an engine in debug mode
// (their runtimes wait for a debugger before any user code) and, for every environment that
// starts, asks the client (DAP `startDebugging`) for a child session attached to it: VS Code's
// JavaScript debugger, or a debugpy client. The engine is the host's running one when there is one
// (the extension host), else the adapter's own. No `vscode` import: it runs inline or standalone.

export interface LambdaDebugSessionOptions {
  /** The running engine of a template (absolute path), if the host has one: used, and left open. */
  workbenchFor?: (template: string) => Workbench | undefined | Promise<Workbench | undefined>;
}

/** What the session's functions were started with: launch, or attach to a running engine. */
type SessionArguments = (LambdaLaunchArguments & { request: 'launch' }) | (LambdaAttachArguments & { request: 'attach' });

export class LambdaDebugSession extends DebugSession {
  private workbench: Workbench | undefined;
  /** The adapter opened the engine itself (and closes it at the end). */
  private ownsWorkbench = false;
  private unsubscribe: (() => void) | undefined;
  private args: SessionArguments | undefined;
  /** Function names (not logical ids) of the debugged functions. */
  private readonly debugged = new Set<string>();
  /** Environments a child session was requested for. */
  private readonly children = new Map<string, ExecutionEnvironment>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LambdaDebugSessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = { ...response.body, supportsConfigurationDoneRequest: true, supportsTerminateRequest: true };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LambdaLaunchArguments): Promise<void> {
    if (!(await this.begin(response, { ...args, request: 'launch' }))) return;
    if (args.event !== undefined) void this.invoke({ event: args.event, qualifier: args.qualifier, invocationType: args.invocationType }).catch(() => undefined);
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: LambdaAttachArguments): Promise<void> {
    await this.begin(response, { ...args, request: 'attach' });
  }

  private async begin(response: DebugProtocol.Response, args: SessionArguments): Promise<boolean> {
    try {
      await this.open(args);
      this.sendResponse(response);
      return true;
    } catch (error) {
      this.sendErrorResponse(response, 1001, (error as Error).message);
      await this.close().catch(() => undefined);
      return false;
    }
  }

  private async open(args: SessionArguments): Promise<void> {
    if (!args.template) throw new Error('The debug configuration needs a "template"');
    const names = configuredFunctions(args);
    this.args = args;
    const template = path.resolve(args.template);
    const running = await this.options.workbenchFor?.(template);
    if (running) {
      this.workbench = running;
      this.unsubscribe = running.telemetry.subscribe((event) => this.onTelemetry(event));
    } else if (args.request === 'attach') {
      throw new Error(`No running Lambda Workbench engine has ${template} open to attach to; use a "launch" configuration`);
    } else {
      this.workbench = await Workbench.open({
        template,
        // Provisioned environments would start before debug mode is set: none in the adapter's own engine.
        settings: { ...args.settings, hotReload: false, provision: false },
        onTelemetry: (event) => this.onTelemetry(event),
      });
      this.ownsWorkbench = true;
    }
    const overrides = { environment: args.request === 'launch' ? args.env : undefined, stopOnInit: args.stopOnInit };
    for (const name of names) {
      const fn = this.workbench.getFunction(name);
      if (!fn) throw new Error(`Function not found in ${path.basename(template)}: ${name}`);
      const retired = this.workbench.setDebug(name, true, overrides);
      this.debugged.add(fn.functionName);
      if (retired > 0) this.output(`${fn.logicalId ?? name}: ${retired} running environment(s) retired; the next ones start in debug mode\n`, 'console');
    }
    const verb = args.request === 'attach' ? 'Attached to' : 'Debugging';
    this.output(`${verb} ${[...this.debugged].join(', ')} (${path.basename(template)}): each new environment waits for the debugger\n`, 'console');
  }

  private onTelemetry(event: TelemetryEvent): void {
    if (!event.functionName || !this.debugged.has(event.functionName)) {
      if (event.type === 'workbench.warning' && this.ownsWorkbench) this.output(`${formatLogLine(event)}\n`, 'console');
      return;
    }
    if (event.type === 'workbench.environment' && event.environmentId) {
      const record = event.record as TelemetryEvent<'workbench.environment'>['record'];
      if (record.inspectorUrl && !this.children.has(event.environmentId)) this.attachChild(event.environmentId, record.inspectorUrl);
      if (record.state === 'Terminated' && this.children.delete(event.environmentId)) {
        // Its child session ends with the runtime's debugger connection; the others go on.
        this.output(`${event.environmentId}: environment ended${record.detail ? ` (${record.detail})` : ''}; its debugger detaches\n`, 'console');
      }
    }
    const line = formatLogLine(event);
    if (line !== undefined) this.output(`${line}\n`, event.type === 'function' || event.type === 'extension' ? 'stdout' : 'console');
  }

  /** Asks the client to start a child session attached to the environment's debugger. */
  private attachChild(environmentId: string, debuggerUrl: string): void {
    const env = this.workbench?.liveEnvironments().find((e) => e.id === environmentId);
    if (!env || !env.debugMode) return;
    this.children.set(environmentId, env);
    const args = this.args!;
    const configuration: ChildConfiguration = childConfiguration(environmentId, env.fn, debuggerUrl, {
      // stopOnInit pauses in the handler module itself (the runtime does it): no stop in our bootstrap.
      stopOnAttach: false,
      sourceMaps: args.sourceMaps,
      outFiles: args.outFiles,
    });
    // A paused invocation must not be killed by the function's timeout while a debugger holds it.
    env.suspendTimeouts(true);
    this.output(`${configuration.name}: debugger waiting on ${debuggerUrl}; timeout suspended while debugging\n`, 'console');
    const request: DebugProtocol.StartDebuggingRequestArguments = { configuration, request: 'attach' };
    this.sendRequest('startDebugging', request, 30000, (response) => {
      if (!response.success) {
        this.output(`${configuration.name}: the client did not start a child session (${response.message ?? 'no reason given'}); timeouts apply again\n`, 'stderr');
        env.suspendTimeouts(false);
      }
    });
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    try {
      if (command === 'invoke') response.body = await this.invoke((args ?? {}) as InvokeArguments);
      else if (command === 'childEnded') this.childEnded((args ?? {}) as { environmentId?: string });
      else return super.customRequest(command, response, args);
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, 1002, (error as Error).message);
    }
  }

  /** The client's child session of an environment ended (detached by the user): timeouts apply again. */
  private childEnded({ environmentId }: { environmentId?: string }): void {
    const env = environmentId ? this.children.get(environmentId) : undefined;
    if (!env || env.state === 'Terminated') return;
    env.suspendTimeouts(false);
    this.output(`${environmentId}: debugger detached; the function's timeout applies again\n`, 'console');
  }

  /** One invocation; its response or error goes to the debug console. */
  private async invoke(request: InvokeArguments): Promise<{ requestId: string; payload?: string; functionError?: string }> {
    const workbench = this.workbench;
    const args = this.args;
    if (!workbench || !args) throw new Error('The session is not started');
    const functionName = request.function ?? configuredFunctions(args)[0];
    const launch = args.request === 'launch' ? args : undefined;
    const qualifier = request.qualifier ?? launch?.qualifier;
    try {
      const payload = resolveEvent(request.event, path.dirname(path.resolve(args.template)));
      if ((request.invocationType ?? launch?.invocationType) === 'Event') {
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

  /**
   * SHUTDOWN for the environments started in debug mode (their child sessions end with them), the
   * functions back to normal mode, and the adapter's own engine closed.
   */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      const workbench = this.workbench;
      this.unsubscribe?.();
      if (!workbench) return;
      try {
        for (const name of this.debugged) workbench.setDebug(name, false);
        const debugging = workbench.liveEnvironments().filter((env) => this.debugged.has(env.fn.functionName) && env.debugMode);
        await Promise.all(debugging.map((env) => env.shutdown()));
      } finally {
        this.children.clear();
        if (this.ownsWorkbench) await workbench.close();
      }
    })();
    return this.closing;
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr'): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}
