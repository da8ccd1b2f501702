import type { InitializationType, PhaseStatus } from '../telemetry/events';

// The shapes of the timeline's data — environments as rows of segments over time, per-function
// markers, and what a view gets back (snapshots, changes, counts) — plus which segment kinds
// belong to INIT.

export type InitSegmentKind = 'init' | 'extensionInit' | 'runtimeInit' | 'functionInit';
export type SegmentKind = InitSegmentKind | 'invoke' | 'idle' | 'shutdown';
export type SegmentOutcome = 'running' | PhaseStatus;
/** How an invocation started: on an environment it just initialised on demand, an already warm one, or a provisioned one. */
export type StartKind = 'cold' | 'warm' | 'provisioned';

export interface TimelineSegment {
  kind: SegmentKind;
  /** Epoch ms. */
  start: number;
  /** Undefined while it is going on. */
  end?: number;
  /** INIT and invocations: `running` until they end. */
  outcome?: SegmentOutcome;
  requestId?: string;
  startKind?: StartKind;
  /** Invocations: when the runtime answered (END / REPORT may come later, after extensions). */
  responseAt?: number;
  errorType?: string;
  durationMs?: number;
  /** Invocations: Lambda's REPORT line; INIT: its INIT_REPORT line; shutdown: why. */
  text?: string;
  /** Invocations: how many log records the function wrote, and the last few of them. */
  logLines?: number;
  lastLines?: string[];
}

export interface TimelineEnvironment {
  id: string;
  functionName: string;
  version: string;
  initializationType: InitializationType;
  /** Epoch ms of the environment's first event (its INIT_START). */
  firstSeen: number;
  endedAt?: number;
  /** The environment's state (Initializing, Idle, Invoking, ShuttingDown, Terminated). */
  state: string;
  /** The last thing said about it (debugger waiting, runtime exited between invocations…). */
  detail?: string;
  invocations: number;
  errors: number;
  initDurationMs?: number;
  initStatus?: PhaseStatus;
  segments: TimelineSegment[];
  /** The model revision of its last change. */
  rev: number;
}

export type MarkerKind = 'throttle' | 'reload' | 'asyncDropped' | 'warning';

export interface TimelineMarker {
  seq: number;
  time: number;
  kind: MarkerKind;
  functionName: string;
  version?: string;
  text: string;
  rev: number;
}

export interface TimelineSnapshot {
  revision: number;
  environments: TimelineEnvironment[];
  markers: TimelineMarker[];
}

export interface TimelineChanges {
  revision: number;
  /** True when `since` is too old to be answered with changes: `environments` and `markers` are everything. */
  full: boolean;
  environments: TimelineEnvironment[];
  removed: string[];
  markers: TimelineMarker[];
}

export interface TimelineCounts {
  environments: number;
  live: number;
  provisionedEnvironments: number;
  segments: number;
  invocations: number;
  cold: number;
  warm: number;
  provisioned: number;
  errors: number;
  running: number;
  initSegments: number;
  markers: number;
  throttles: number;
}

export interface TimelineModelOptions {
  /** How long ended environments and segments are kept (default 15 minutes). */
  windowMs?: number;
  /** At most this many environments; the oldest ended ones go first (default 200). */
  maxEnvironments?: number;
  /** At most this many segments per environment; the oldest go first (default 1000). */
  maxSegmentsPerEnvironment?: number;
  /** At most this many markers (default 1000). */
  maxMarkers?: number;
}

const INIT_KINDS = new Set<SegmentKind>(['init', 'extensionInit', 'runtimeInit', 'functionInit']);

export function isInitKind(kind: SegmentKind): kind is InitSegmentKind {
  return INIT_KINDS.has(kind);
}
