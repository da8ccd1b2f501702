import { ExtensionsApi, type ExtensionEvent, type ExtensionsListener, type RegisteredExtension, type ShutdownReason } from '../runtime-api/extensionsApi';
import type { SubscribeListener, TelemetrySubscriptionSpec } from '../runtime-api/telemetryApi';
import type { TelemetryStream } from '../telemetry/stream';
import { TelemetrySubscriber } from '../telemetry/subscriber';
import { ExtensionHost, findExtensions } from './extensionHost';

// Everything about extensions within one execution environment: the Extensions API state, the
// external extension processes, and the Telemetry API subscriptions they make. The environment
// asks it questions (are all extensions ready?) and hears back when one is ready or fails.

/** Lambda's SHUTDOWN budget when external extensions run (the runtime's share included). */
export const EXTENSION_SHUTDOWN_MS = 2000;

export interface EnvironmentExtensionsEvents {
  /** An extension waits on /event/next (INIT or the invoke phase may be complete). */
  ready(): void;
  /** An extension failed: `Extension.InitError`, `Extension.ExitError` or `Extension.Crash`. */
  failed(errorType: string, message: string): void;
  /** A line an extension wrote. */
  output(text: string, time?: Date): void;
}

export class EnvironmentExtensions implements ExtensionsListener {
  readonly api: ExtensionsApi;
  private host: ExtensionHost | undefined;
  private readonly subscribers: TelemetrySubscriber[] = [];
  private registrationWaiter: { count: number; resolve: (ok: boolean) => void } | undefined;
  private stopped = false;

  constructor(
    identity: () => { functionName: string; functionVersion: string; handler: string },
    private readonly environmentId: string,
    private readonly telemetry: TelemetryStream,
    private readonly events: EnvironmentExtensionsEvents,
  ) {
    this.api = new ExtensionsApi(identity, this);
  }

  /** The server's hooks for the Telemetry API. */
  readonly subscribe: SubscribeListener = (extension, spec) => this.addSubscriber(extension, spec);

  /** Whether external extensions run (their INIT sub-phase, their SHUTDOWN budget). */
  get hasExternal(): boolean {
    return this.host !== undefined;
  }

  /** Every registered extension waits on /event/next. */
  get allReady(): boolean {
    return this.api.allReady;
  }

  /**
   * The extension init sub-phase: starts the external extensions of `optDir` (if any) and resolves
   * true once each has registered, false if INIT ended meanwhile (`endInit`).
   */
  async start(optDir: string | undefined, env: Record<string, string>, onStarting: () => void): Promise<boolean> {
    const executables = await findExtensions(optDir);
    if (executables.length === 0 || !optDir) return true;
    onStarting();
    const registered = new Promise<boolean>((resolve) => (this.registrationWaiter = { count: executables.length, resolve }));
    this.host = new ExtensionHost({
      output: (_name, text, time) => this.events.output(text, time),
      exit: (name, reason) => {
        if (!this.stopped) this.events.failed('Extension.Crash', `Extension ${name} exited with error: ${reason}`);
      },
    });
    this.host.start(executables, env, optDir);
    return registered;
  }

  /** INIT ended (either way): stop waiting for registrations and refuse new ones. */
  endInit(): void {
    this.registrationWaiter?.resolve(false);
    this.registrationWaiter = undefined;
    this.api.registrationOpen = false;
  }

  dispatch(event: ExtensionEvent): void {
    if (this.api.extensions.size > 0) this.api.dispatch(event);
  }

  peakMemoryMb(): number {
    return this.host?.peakMemoryMb() ?? 0;
  }

  /** SHUTDOWN: subscribers get what is buffered, then extensions registered for it get the event. */
  async notifyShutdown(reason: ShutdownReason, budgetMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all(this.subscribers.map((s) => s.flush()));
    this.dispatch({ eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs: Date.now() + budgetMs });
  }

  /** Settles when every external extension has exited, or after `budgetMs`. */
  waitForExit(budgetMs: number): Promise<void> {
    return this.host ? this.host.waitForExit(budgetMs) : Promise.resolve();
  }

  get anyRunning(): boolean {
    return this.host?.anyRunning ?? false;
  }

  /** Kills what still runs and closes the subscriptions (after a final flush). */
  async close(): Promise<void> {
    this.stopped = true;
    this.host?.signal('SIGKILL');
    await Promise.all(this.subscribers.map((s) => s.close()));
  }

  // ExtensionsListener ------------------------------------------------------------------------

  onExtensionRegistered(): void {
    const waiter = this.registrationWaiter;
    if (waiter && this.api.extensions.size >= waiter.count) {
      this.registrationWaiter = undefined;
      waiter.resolve(true);
    }
  }

  onExtensionReady(): void {
    this.events.ready();
  }

  onExtensionError(extension: RegisteredExtension, kind: 'init' | 'exit', errorType: string): void {
    if (kind === 'init') this.events.failed('Extension.InitError', `Extension ${extension.name} reported an init error: ${errorType}`);
    else this.events.failed('Extension.ExitError', `Extension ${extension.name} reported an exit error: ${errorType}`);
  }

  private addSubscriber(extension: RegisteredExtension, spec: TelemetrySubscriptionSpec): void {
    this.subscribers.push(new TelemetrySubscriber(this.telemetry, this.environmentId, spec, extension.name));
  }
}
