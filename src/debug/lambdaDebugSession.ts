import * as path from 'node:path';
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DEFAULT_REGION, formatLogLine, readRunningServe, stateDirOf, type TelemetryEvent, Workbench } from '../core';
import { childConfiguration, type ChildConfiguration } from './childConfiguration';
import { LocalDebugTarget, type DebugFunction, type DebugTarget } from './debugTarget';
import {
  configuredFunctions,
  declaredOverrides,
  resolveEvent,
  samInputsOf,
  type InvokeArguments,
  type LambdaAttachArguments,
  type LambdaLaunchArguments,
} from './launchArguments';
import type { SamRunInputs } from '../core/config';

export type { ChildConfiguration } from './childConfiguration';
export { resolveEvent, type InvokeArguments, type LambdaAttachArguments, type LambdaLaunchArguments } from './launchArguments';

import { RemoteDebugTarget } from './remoteDebugTarget';

// The `lambda` debug adapter (issue 8). It puts the debugged functions of an engine in debug mode
// (their runtimes wait for a debugger before any user code) and, for every environment that
// starts, asks the client (DAP `startDebugging`) for a child session attached to it: VS Code's
// JavaScript debugger, a debugpy client, rdbg or VS Code's Java debugger (childConfiguration.ts).
// The engine (debugTarget.ts) is the host's running one when there is one (the extension host); to
// attach, else a `serve` running on the template; to launch, else the adapter's own. No `vscode`
// import: it runs inline or standalone.

export interface LambdaDebugSessionOptions {
  /** The running engine of a template (absolute path), if the host has one: used, and left open. */
  workbenchFor?: (template: string) => Workbench | undefined | Promise<Workbench | undefined>;
}

/** What the session's functions were started with: launch, or attach to a running engine. */
type SessionArguments = (LambdaLaunchArguments & { request: 'launch' }) | (LambdaAttachArguments & { request: 'attach' });

export class LambdaDebugSession extends DebugSession {
  private target: DebugTarget | undefined;
  private unsubscribe: (() => void) | undefined;
  private args: SessionArguments | undefined;
  /** The debugged functions, by function name (not logical id). */
  private readonly debugged = new Map<string, DebugFunction>();
  /** Environments a child session was requested for (the function name of each). */
  private readonly children = new Map<string, string>();
  private closing: Promise<void> | undefined;
  /** Whether the session opened its engine itself (not the host's, nor a serve's). */
  private ownEngine = false;

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
    if (args.event !== undefined) {
      void this.invoke({ event: args.event, qualifier: args.qualifier, invocationType: args.invocationType }).catch(() => undefined);
    }
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
    const sam = args.request === 'launch' ? samInputsOf(args, path.dirname(template)) : undefined;
    this.target = await this.targetFor(template, args, sam);
    // An engine already running (the extension's) has its own SAM inputs: the configuration's
    // envVars reach the debugged functions as debug-mode variables; its parameters cannot.
    const running = this.target instanceof LocalDebugTarget && !this.ownEngine ? this.target.workbench : undefined;
    if (running && args.request === 'launch' && args.parameterOverrides !== undefined) {
      this.output(
        'parameterOverrides: the running engine keeps its own (lambdaWorkbench.parameterOverrides, samconfig); they apply when the session opens its own engine\n',
        'console',
      );
    }
    const fileOverrides = args.request === 'launch' && args.envVars ? sam?.environmentOverrides : undefined;
    const overridesOf = (name: string) => ({
      environment: args.request === 'launch' ? { ...declaredOverrides(running?.getFunction(name), fileOverrides), ...args.env } : undefined,
      stopOnInit: args.stopOnInit,
    });
    // Following the events before debug mode is on, so that no environment's debugger is missed;
    // what arrives before the functions are known waits.
    const early: TelemetryEvent[] = [];
    this.unsubscribe = await this.target.subscribe(new Set(names), (event) =>
      this.debugged.size === names.length ? this.onTelemetry(event) : early.push(event),
    );
    const enabled: Array<{ fn: DebugFunction; retired: number }> = [];
    for (const name of names) enabled.push(await this.target.enable(name, overridesOf(name)));
    for (const { fn } of enabled) this.debugged.set(fn.functionName, fn);
    for (const event of early.splice(0)) this.onTelemetry(event);
    for (const { fn, retired } of enabled) {
      if (retired > 0) {
        this.output(`${fn.logicalId ?? fn.functionName}: ${retired} running environment(s) retired; the next ones start in debug mode\n`, 'console');
      }
    }
    const verb = args.request === 'attach' ? 'Attached to' : 'Debugging';
    this.output(`${verb} ${[...this.debugged.keys()].join(', ')} (${path.basename(template)}): each new environment waits for the debugger\n`, 'console');
  }

  /** The host's running engine; else, to attach, a `serve` running on the template; else the adapter's own engine. */
  private async targetFor(template: string, args: SessionArguments, sam: SamRunInputs | undefined): Promise<DebugTarget> {
    const running = await this.options.workbenchFor?.(template);
    if (running) return new LocalDebugTarget(running, false);
    if (args.request === 'attach') {
      const running = readRunningServe(stateDirOf(template, args.settings?.stateDir));
      const url = running?.url;
      if (!running || !url) {
        throw new Error(
          `Nothing runs ${template} to attach to: start \`lambda-workbench serve\` on it (or open it in VS Code), or use a "launch" configuration`,
        );
      }
      this.output(`Attaching through the serve at ${url}\n`, 'console');
      return new RemoteDebugTarget(url, running.token, running.verifySignatures ? (running.region ?? DEFAULT_REGION) : undefined);
    }
    const workbench = await Workbench.open({
      template,
      // Provisioned environments would start before debug mode is set: none in the adapter's own engine.
      settings: {
        ...args.settings,
        ...(sam?.parameterOverrides ? { parameterOverrides: sam.parameterOverrides } : {}),
        ...(sam?.environmentOverrides ? { environmentOverrides: sam.environmentOverrides } : {}),
        hotReload: false,
        provision: false,
      },
    });
    this.ownEngine = true;
    return new LocalDebugTarget(workbench, true);
  }

  private onTelemetry(event: TelemetryEvent): void {
    if (event.type === 'workbench.environment' && event.environmentId && event.functionName) {
      const record = event.record as TelemetryEvent<'workbench.environment'>['record'];
      if (record.inspectorUrl && !this.children.has(event.environmentId)) this.attachChild(event.environmentId, event.functionName, record.inspectorUrl);
      if (record.state === 'Terminated' && this.children.delete(event.environmentId)) {
        // Its child session ends with the runtime's debugger connection; the others go on.
        this.output(`${event.environmentId}: environment ended${record.detail ? ` (${record.detail})` : ''}; its debugger detaches\n`, 'console');
      }
    }
    const line = formatLogLine(event);
    if (line !== undefined) this.output(`${line}\n`, event.type === 'function' || event.type === 'extension' ? 'stdout' : 'console');
  }

  /** Asks the client to start a child session attached to the environment's debugger. */
  private attachChild(environmentId: string, functionName: string, debuggerUrl: string): void {
    const fn = this.debugged.get(functionName);
    const target = this.target;
    if (!fn || !target) return;
    this.children.set(environmentId, functionName);
    const args = this.args!;
    const configuration: ChildConfiguration = childConfiguration(environmentId, fn, debuggerUrl, {
      // stopOnInit pauses in the handler module itself (the runtime does it): no stop in our bootstrap.
      stopOnAttach: false,
      sourceMaps: args.sourceMaps,
      outFiles: args.outFiles,
    });
    // A paused invocation must not be killed by the function's timeout while a debugger holds it.
    void target.suspendTimeouts(environmentId, true).catch(() => false);
    this.output(`${configuration.name}: debugger waiting on ${debuggerUrl}; timeout suspended while debugging\n`, 'console');
    const request: DebugProtocol.StartDebuggingRequestArguments = { configuration, request: 'attach' };
    this.sendRequest('startDebugging', request, 30000, (response) => {
      if (!response.success) {
        this.output(
          `${configuration.name}: the client did not start a child session (${response.message ?? 'no reason given'}); timeouts apply again\n`,
          'stderr',
        );
        void target.suspendTimeouts(environmentId, false).catch(() => false);
      }
    });
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    try {
      if (command === 'invoke') response.body = await this.invoke((args ?? {}) as InvokeArguments);
      else if (command === 'childEnded') await this.childEnded((args ?? {}) as { environmentId?: string });
      else return super.customRequest(command, response, args);
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, 1002, (error as Error).message);
    }
  }

  /** The client's child session of an environment ended (detached by the user): timeouts apply again. */
  private async childEnded({ environmentId }: { environmentId?: string }): Promise<void> {
    if (!environmentId || !this.children.has(environmentId) || !this.target) return;
    if (await this.target.suspendTimeouts(environmentId, false).catch(() => false)) {
      this.output(`${environmentId}: debugger detached; the function's timeout applies again\n`, 'console');
    }
  }

  /** One invocation; its response or error goes to the debug console. */
  private async invoke(request: InvokeArguments): Promise<{ requestId: string; payload?: string; functionError?: string }> {
    const target = this.target;
    const args = this.args;
    if (!target || !args) throw new Error('The session is not started');
    const functionName = request.function ?? configuredFunctions(args)[0];
    const launch = args.request === 'launch' ? args : undefined;
    const qualifier = request.qualifier ?? launch?.qualifier;
    try {
      const payload = resolveEvent(request.event, path.dirname(path.resolve(args.template)));
      if ((request.invocationType ?? launch?.invocationType) === 'Event') {
        const { requestId } = await target.invokeAsync(functionName, payload, qualifier);
        this.output(`Queued asynchronous invocation ${requestId} of ${functionName}\n`, 'console');
        return { requestId };
      }
      const result = await target.invoke(functionName, payload, qualifier);
      if (result.functionError) {
        this.output(`${functionName} ${result.requestId} failed (${result.errorType ?? result.functionError}): ${result.payload}\n`, 'stderr');
      } else this.output(`${functionName} ${result.requestId} response: ${result.payload}\n`, 'console');
      return { requestId: result.requestId, payload: result.payload, functionError: result.functionError };
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
   * The functions back to normal mode with SHUTDOWN for the environments started in debug mode
   * (their child sessions end with them), and the adapter's own engine closed.
   */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      const target = this.target;
      this.unsubscribe?.();
      if (!target) return;
      try {
        await Promise.all([...this.debugged.keys()].map((name) => target.disable(name).catch(() => undefined)));
      } finally {
        this.children.clear();
        await target.close();
      }
    })();
    return this.closing;
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr'): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}
