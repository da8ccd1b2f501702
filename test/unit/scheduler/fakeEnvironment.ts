import type { FunctionDefinition } from '../../../src/core/config/types';
import { EnvironmentLifecycle } from '../../../src/core/environment/lifecycle';
import type { EnvironmentState, InitOutcome, InvocationOutcome, InvokeRequest, SchedulableEnvironment } from '../../../src/core/environment/types';
import type { InitializationType } from '../../../src/core/telemetry/events';

// A fake execution environment for the scheduler's and the pool's tests: no process, no server. Its
// state moves through the real EnvironmentLifecycle table; the test decides when INIT ends, when an
// invocation is answered and when its REPORT is out.

export class FakeEnvironment implements SchedulableEnvironment {
  private static next = 0;
  readonly id = `fake-${++FakeEnvironment.next}`;
  readonly requests: InvokeRequest[] = [];
  shutdownCalls = 0;
  private readonly lifecycle = new EnvironmentLifecycle();
  private readonly listeners = new Set<(env: this) => void>();
  private initDone: ((outcome: InitOutcome) => void) | undefined;
  private answerInvocation: ((outcome: InvocationOutcome) => void) | undefined;
  private reportDone: (() => void) | undefined;

  constructor(
    readonly fn: FunctionDefinition,
    readonly version: string,
    readonly initializationType: InitializationType,
  ) {
    this.lifecycle.onTransition(() => {
      for (const listener of this.listeners) listener(this);
    });
  }

  get state(): EnvironmentState {
    return this.lifecycle.state;
  }

  get isFinishing(): boolean {
    return this.lifecycle.is('Invoking') && this.reportDone !== undefined;
  }

  /** An invocation was handed over and has not been answered yet. */
  get awaitingAnswer(): boolean {
    return this.answerInvocation !== undefined;
  }

  onStateChange(listener: (env: this) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  init(): Promise<InitOutcome> {
    return new Promise((resolve) => (this.initDone = resolve));
  }

  /** Ends INIT: Idle, or (failed) reset as the real environment is. */
  finishInit(ok = true): void {
    const resolve = this.initDone!;
    this.initDone = undefined;
    if (ok) {
      this.lifecycle.apply('initDone');
      resolve({ ok: true, durationMs: 5 });
    } else {
      resolve({
        ok: false,
        durationMs: 5,
        error: { payload: Buffer.from('{"errorType":"Runtime.ExitError"}'), errorType: 'Runtime.ExitError', status: 'error' },
      });
      void this.reset();
    }
  }

  invoke(request: InvokeRequest): Promise<InvocationOutcome> {
    if (!this.lifecycle.allows('invoke')) return Promise.reject(new Error(`${this.id} is ${this.state}, not Idle`));
    this.lifecycle.apply('invoke');
    this.requests.push(request);
    return new Promise((resolve) => (this.answerInvocation = resolve));
  }

  /** The runtime answers: the caller gets `payload`; the environment stays Invoking until finishReport(). */
  answer(payload = 'ok'): void {
    const resolve = this.answerInvocation!;
    this.answerInvocation = undefined;
    let reported!: () => void;
    const outcome: InvocationOutcome = { payload: Buffer.from(payload), status: 'success', durationMs: 1, reported: new Promise((r) => (reported = r)) };
    this.reportDone = reported;
    resolve(outcome);
  }

  /** END and REPORT are out: the environment is Idle again. */
  finishReport(): void {
    const reported = this.reportDone!;
    this.reportDone = undefined;
    this.lifecycle.apply('invocationDone');
    reported();
  }

  /** answer() then finishReport(), with the caller's await in between. */
  async complete(payload?: string): Promise<void> {
    this.answer(payload);
    await tick();
    this.finishReport();
  }

  reportFailedInit(request: InvokeRequest, init: InitOutcome): InvocationOutcome {
    return {
      payload: init.error!.payload,
      functionError: 'Unhandled',
      errorType: init.error!.errorType,
      status: 'error',
      durationMs: 0,
      reported: Promise.resolve(),
    };
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
    if (this.lifecycle.allows('shutdown')) this.lifecycle.apply('shutdown');
    await this.reset();
  }

  /** The environment ends now (a crash, a failed INIT). */
  async reset(): Promise<void> {
    if (this.lifecycle.is('Terminated')) return;
    this.lifecycle.apply('reset');
    await tick();
    if (this.lifecycle.is('ShuttingDown')) this.lifecycle.apply('terminated');
  }
}

/** The factory the Scheduler takes, recording what it created. */
export function fakeFactory(): { create: (fn: FunctionDefinition, version: string, type: InitializationType) => FakeEnvironment; created: FakeEnvironment[] } {
  const created: FakeEnvironment[] = [];
  return {
    created,
    create: (fn, version, type) => {
      const env = new FakeEnvironment(fn, version, type);
      created.push(env);
      return env;
    },
  };
}

/** The Scheduler's view of every function the engine knows (its 4th argument). */
export function catalog(functions: FunctionDefinition[]): { functions(): FunctionDefinition[] } {
  return { functions: () => functions };
}

export function fakeFunction(functionName: string, props: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    logicalId: functionName,
    functionName,
    resourceType: 'AWS::Serverless::Function',
    handler: 'app.handler',
    runtime: 'nodejs20.x',
    codeUri: '/nonexistent',
    memorySize: 128,
    timeout: 3,
    environment: {},
    layers: [],
    architectures: ['x86_64'],
    events: [],
    position: { file: 'template.yaml', line: 1, column: 1 },
    ...props,
  };
}

export function request(requestId = `req-${Math.random().toString(16).slice(2)}`): InvokeRequest {
  return { requestId, payload: Buffer.from('{}'), invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', traceId: 'Root=1-0-0' };
}

/** Lets promise callbacks and setImmediate callbacks run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The real setTimeout, even while a FakeClock is installed. */
const realSetTimeout = setTimeout;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Waits (in ticks) until `condition` holds. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A manual clock for the keep-alive: while installed, setTimeout and clearTimeout are its own and
 * time moves only by advance(), so reaping is tested exactly, without sleeping or flakiness.
 */
export class FakeClock {
  private now = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private saved: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } | undefined;

  install(): this {
    this.saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    const fakeSetTimeout = (callback: () => void, ms = 0): FakeTimer => {
      const id = ++this.nextId;
      this.timers.set(id, { at: this.now + ms, callback });
      return new FakeTimer(id);
    };
    const fakeClearTimeout = (timer: unknown): void => {
      if (timer instanceof FakeTimer) this.timers.delete(timer.id);
    };
    globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
    globalThis.clearTimeout = fakeClearTimeout as typeof clearTimeout;
    return this;
  }

  uninstall(): void {
    if (!this.saved) return;
    globalThis.setTimeout = this.saved.setTimeout;
    globalThis.clearTimeout = this.saved.clearTimeout;
    this.saved = undefined;
  }

  /** Moves time on by `ms`, running the timers that fall due, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
  }
}

class FakeTimer {
  constructor(readonly id: number) {}
  unref(): this {
    return this;
  }
  ref(): this {
    return this;
  }
}
