import type { FunctionDefinition } from '../config/types';
import type { RuntimeAdapter } from '../runtimes/types';
import type { InitializationType, PhaseStatus } from '../telemetry/events';
import type { TelemetryStream } from '../telemetry/stream';
import type { CredentialCache } from './credentials';

// The vocabulary of an execution environment, shared by the environment, the scheduler and the
// invocation layer.

export type EnvironmentState = 'Initializing' | 'Idle' | 'Invoking' | 'ShuttingDown' | 'Terminated';
export type InitSubPhase = 'extensions' | 'runtime' | 'function';

export interface EnvironmentOptions {
  fn: FunctionDefinition;
  version: string;
  region: string;
  runtime: RuntimeAdapter;
  credentials: CredentialCache;
  telemetry: TelemetryStream;
  initializationType: InitializationType;
  /** Lambda's on-demand init limit (10 s); not applied while waiting for a debugger. */
  initTimeoutMs: number;
  /** SIGTERM → SIGKILL grace on shutdown. */
  shutdownGraceMs: number;
  /** Start the runtime waiting for a debugger before any user code runs. */
  debug: boolean;
  /** Debug mode: pause at the first line of the handler module. */
  stopOnInit?: boolean;
  tmpRoot: string;
  /** The version's materialised layers (our /opt), built on first use; undefined without layers. */
  optDir: () => Promise<string | undefined>;
}

export interface InvokeRequest {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  traceId: string;
  /** Decoded client-context JSON. */
  clientContext?: string;
  cognitoIdentity?: string;
  /** The caller takes a streamed response as it arrives (see InvocationOutcome.stream). */
  acceptStream?: boolean;
}

/**
 * A response the function streams, handed to a caller that accepts streams as soon as the runtime
 * starts it: the bytes as they arrive, then how the invocation ended.
 */
export interface StreamedResponse {
  /** The runtime's Content-Type (AWS's Node runtime: application/octet-stream by default). */
  contentType?: string;
  /** The body's chunks in order; the iteration ends when the response is over (complete or not). */
  body: AsyncIterable<Buffer>;
  /** The reader will not read on (its client hung up): the chunks are dropped, the function runs on. */
  discard(): void;
  /**
   * Settles when the response is over, as a buffered caller would have got it: success with an
   * empty payload (the bytes went out on `body`), or the error (a failure midway, the timeout, a
   * crash, the streaming limit) with its `errorType` and error body.
   */
  finished: Promise<InvocationOutcome>;
}

/** What the caller gets as soon as the runtime answered. */
export interface InvocationOutcome {
  payload: Buffer;
  contentType?: string;
  /** `Unhandled` when the function or the runtime failed (X-Amz-Function-Error). */
  functionError?: 'Unhandled';
  errorType?: string;
  status: PhaseStatus;
  /**
   * Set when the platform, not the handler, ended the invocation with an error (runtime exit,
   * failed INIT, oversized response): REPORT names it, as Lambda's does.
   */
  platformErrorType?: string;
  durationMs: number;
  /** Settles once END and REPORT have been emitted for the invocation. */
  reported: Promise<void>;
  /**
   * Only for a request with `acceptStream` whose function streams: the response as it arrives
   * (this outcome is given when the stream starts; `payload` is empty, `durationMs` the time to
   * the start; the end is `stream.finished`).
   */
  stream?: StreamedResponse;
}

export interface InitOutcome {
  ok: boolean;
  durationMs: number;
  /** On failure: the error payload returned to the invocation that triggered init. */
  error?: { payload: Buffer; errorType: string; status: PhaseStatus; exitReason?: string };
}

/**
 * What the scheduler needs of an execution environment (ExecutionEnvironment is one; a test's fake
 * is another): its state and lifecycle (see lifecycle.ts), and INIT, INVOKE and SHUTDOWN.
 */
export interface SchedulableEnvironment {
  readonly id: string;
  readonly state: EnvironmentState;
  readonly initializationType: InitializationType;
  /** Invoking, but the runtime has answered: Idle again once REPORT is out. */
  readonly isFinishing: boolean;
  /** Called after every change of state; returns the unsubscribe. */
  onStateChange(listener: (env: this) => void): () => void;
  init(collector?: LogCollector): Promise<InitOutcome>;
  /** Only when Idle. */
  invoke(request: InvokeRequest, collector?: LogCollector): Promise<InvocationOutcome>;
  reportFailedInit(request: InvokeRequest, init: InitOutcome, collector?: LogCollector): InvocationOutcome;
  shutdown(): Promise<void>;
}

/** Lines written while a collector is attached (the invocation's own log, for Tail and the CLI). */
export type LogCollector = (line: string) => void;
