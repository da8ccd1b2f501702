import type { InitializationType, PhaseStatus, TelemetryEvent } from '../telemetry/events';
import { StreamFollower } from './streamFollower';
import { formatLogLine } from '../telemetry/logFormat';

// The timeline's data, built from the engine's event stream: one row per execution environment
// with its segments over time — INIT's sub-phases (extension / runtime / function init),
// invocations (with their outcome, cold / warm / provisioned, and Lambda's REPORT line), idle
// gaps and SHUTDOWN — plus per-function markers (throttles, hot reloads, dropped asynchronous
// events). Bounded: environments that ended, and segments that ended, more than `windowMs` ago are
// dropped, and so are the oldest ended environments beyond `maxEnvironments`.
// Pure: no timers, no vscode. Every change bumps a revision, so a view can ask for what changed.

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
const SPAN_KINDS: Record<string, InitSegmentKind> = { extensionInit: 'extensionInit', runtimeInit: 'runtimeInit', functionInit: 'functionInit' };
/** `workbench.environment` details `init:<sub-phase>` (InitSubPhase) → segment kinds. */
const SUB_PHASE_KINDS: Record<string, InitSegmentKind> = { extensions: 'extensionInit', runtime: 'runtimeInit', function: 'functionInit' };
const LAST_LINES = 3;
const LINE_CHARS = 240;
const REMOVALS_KEPT = 2000;

export function isInitKind(kind: SegmentKind): kind is InitSegmentKind {
  return INIT_KINDS.has(kind);
}

export class TimelineModel extends StreamFollower {
  readonly windowMs: number;
  private readonly maxEnvironments: number;
  private readonly maxSegments: number;
  private readonly maxMarkers: number;
  private readonly envs = new Map<string, TimelineEnvironment>();
  private markerList: TimelineMarker[] = [];
  private readonly removals: Array<{ id: string; rev: number }> = [];
  /** Changes older than this revision cannot be answered incrementally any more. */
  private forgottenBefore = 0;
  private markerSeq = 0;
  private sincePrune = 0;

  constructor(options: TimelineModelOptions = {}) {
    super();
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.maxEnvironments = options.maxEnvironments ?? 200;
    this.maxSegments = options.maxSegmentsPerEnvironment ?? 1000;
    this.maxMarkers = options.maxMarkers ?? 1000;
  }

  protected onEvent(event: TelemetryEvent): void {
    this.apply(event);
  }

  environment(id: string): TimelineEnvironment | undefined {
    return this.envs.get(id);
  }

  apply(event: TelemetryEvent): void {
    const time = this.timeOf(event);
    if (time === undefined) return;
    switch (event.type) {
      case 'platform.initStart':
        this.onInitStart(event as TelemetryEvent<'platform.initStart'>, time);
        break;
      case 'platform.initReport':
        this.onInitReport(event as TelemetryEvent<'platform.initReport'>);
        break;
      case 'workbench.environment':
        this.onEnvironment(event as TelemetryEvent<'workbench.environment'>, time);
        break;
      case 'platform.start':
        this.onStart(event as TelemetryEvent<'platform.start'>, time);
        break;
      case 'platform.runtimeDone':
        this.onRuntimeDone(event as TelemetryEvent<'platform.runtimeDone'>, time);
        break;
      case 'platform.report':
        this.onReport(event as TelemetryEvent<'platform.report'>, time);
        break;
      case 'function':
        this.onFunctionLine(event as TelemetryEvent<'function'>);
        break;
      case 'workbench.throttle': {
        const r = (event as TelemetryEvent<'workbench.throttle'>).record;
        if (event.functionName) this.mark('throttle', event, time, `Throttled (${r.reason}): ${r.message}`);
        break;
      }
      case 'workbench.reload': {
        const r = (event as TelemetryEvent<'workbench.reload'>).record;
        const paths = r.paths.slice(0, 3).join(', ') + (r.paths.length > 3 ? ` and ${r.paths.length - 3} more` : '');
        this.mark('reload', { ...event, functionName: event.functionName ?? r.functionName }, time, `Hot reload (${r.reason})${paths ? `: ${paths}` : ''}`);
        break;
      }
      case 'workbench.async': {
        const r = (event as TelemetryEvent<'workbench.async'>).record;
        if (r.stage === 'dropped') {
          this.mark(
            'asyncDropped',
            event,
            time,
            `Asynchronous event ${r.requestId} dropped (${r.condition ?? 'RetriesExhausted'}${r.errorType ? `, ${r.errorType}` : ''}) after ${r.approximateInvokeCount} attempt(s)`,
          );
        }
        break;
      }
      case 'workbench.warning':
        if (event.functionName) this.mark('warning', event, time, (event as TelemetryEvent<'workbench.warning'>).record.message);
        break;
      default:
        break;
    }
    // Keeps memory bounded even when nobody asks for snapshots.
    if (++this.sincePrune >= 500) this.prune(this.latest);
  }

  /** Everything, oldest environments first within each function:version (copies). */
  snapshot(): TimelineSnapshot {
    return structuredClone({ revision: this.rev, environments: this.sortedEnvironments(), markers: this.markerList });
  }

  /** What changed since `since` (a revision this model returned); references, not copies. */
  changesSince(since: number): TimelineChanges {
    if (since < this.forgottenBefore) {
      return { revision: this.rev, full: true, environments: this.sortedEnvironments(), removed: [], markers: [...this.markerList] };
    }
    return {
      revision: this.rev,
      full: false,
      environments: this.sortedEnvironments().filter((e) => e.rev > since),
      removed: this.removals.filter((r) => r.rev > since).map((r) => r.id),
      markers: this.markerList.filter((m) => m.rev > since),
    };
  }

  counts(): TimelineCounts {
    const c: TimelineCounts = {
      environments: 0,
      live: 0,
      provisionedEnvironments: 0,
      segments: 0,
      invocations: 0,
      cold: 0,
      warm: 0,
      provisioned: 0,
      errors: 0,
      running: 0,
      initSegments: 0,
      markers: this.markerList.length,
      throttles: 0,
    };
    for (const env of this.envs.values()) {
      c.environments++;
      if (env.endedAt === undefined) c.live++;
      if (env.initializationType === 'provisioned-concurrency') c.provisionedEnvironments++;
      for (const s of env.segments) {
        c.segments++;
        if (isInitKind(s.kind)) c.initSegments++;
        if (s.kind !== 'invoke') continue;
        c.invocations++;
        if (s.startKind) c[s.startKind]++;
        if (s.outcome === 'running') c.running++;
        else if (s.outcome !== 'success') c.errors++;
      }
    }
    for (const m of this.markerList) if (m.kind === 'throttle') c.throttles++;
    return c;
  }

  /**
   * Drops what ended before `now - windowMs` (environments, segments, markers) and the oldest
   * ended environments beyond the limit.
   */
  prune(now: number): void {
    this.sincePrune = 0;
    const cut = now - this.windowMs;
    for (const env of [...this.envs.values()]) {
      if (env.endedAt !== undefined && env.endedAt < cut) {
        this.remove(env.id);
        continue;
      }
      let drop = 0;
      while (drop < env.segments.length - 1 && env.segments[drop].end !== undefined && env.segments[drop].end! < cut) drop++;
      if (drop > 0) {
        env.segments.splice(0, drop);
        this.touch(env);
      }
    }
    if (this.envs.size > this.maxEnvironments) {
      const ended = [...this.envs.values()].filter((e) => e.endedAt !== undefined).sort((a, b) => a.endedAt! - b.endedAt!);
      for (const env of ended.slice(0, this.envs.size - this.maxEnvironments)) this.remove(env.id);
    }
    const markers = this.markerList.filter((m) => m.time >= cut);
    if (markers.length !== this.markerList.length) this.markerList = markers;
  }

  clear(): void {
    for (const id of [...this.envs.keys()]) this.remove(id);
    this.markerList = [];
    this.rev++;
    this.forgottenBefore = this.rev;
  }

  // ------------------------------------------------------------------------------------------

  private sortedEnvironments(): TimelineEnvironment[] {
    return [...this.envs.values()].sort(
      (a, b) => a.functionName.localeCompare(b.functionName) || a.version.localeCompare(b.version) || a.firstSeen - b.firstSeen,
    );
  }

  private onInitStart(event: TelemetryEvent<'platform.initStart'>, time: number): void {
    const env = this.env(event, time, event.record.initializationType);
    if (!env) return;
    env.initializationType = event.record.initializationType;
    env.state = 'Initializing';
    this.closeOpen(env, time);
    this.push(env, { kind: 'init', start: time, outcome: 'running' });
  }

  private onInitReport(event: TelemetryEvent<'platform.initReport'>): void {
    const env = event.environmentId ? this.envs.get(event.environmentId) : undefined;
    if (!env) return;
    const r = event.record;
    // The provisional sub-phase segments are replaced by the measured spans.
    const initSegments = env.segments.filter((s) => isInitKind(s.kind));
    const from = initSegments[0]?.start ?? Date.parse(event.time) - r.metrics.durationMs;
    env.segments = env.segments.filter((s) => !isInitKind(s.kind));
    const text =
      `INIT_REPORT Init Duration: ${r.metrics.durationMs.toFixed(2)} ms\tPhase: ${r.phase}\tStatus: ${r.status}` +
      (r.errorType ? `\tError Type: ${r.errorType}` : '');
    const spans = r.spans.filter((s) => SPAN_KINDS[s.name] && !Number.isNaN(Date.parse(s.start)));
    const segments: TimelineSegment[] =
      spans.length > 0
        ? spans.map((s) => ({
            kind: SPAN_KINDS[s.name],
            start: Date.parse(s.start),
            end: Date.parse(s.start) + s.durationMs,
            durationMs: s.durationMs,
            outcome: 'success' as SegmentOutcome,
            text,
          }))
        : [{ kind: 'init', start: from, end: from + r.metrics.durationMs, durationMs: r.metrics.durationMs, text }];
    const last = segments[segments.length - 1];
    last.outcome = r.status;
    if (r.errorType) last.errorType = r.errorType;
    env.segments.push(...segments);
    env.segments.sort((a, b) => a.start - b.start);
    env.initDurationMs = r.metrics.durationMs;
    env.initStatus = r.status;
    this.touch(env);
  }

  private onEnvironment(event: TelemetryEvent<'workbench.environment'>, time: number): void {
    const env = this.env(event, time);
    if (!env) return;
    const { state, detail } = event.record;
    if (detail?.startsWith('init:')) {
      const kind = SUB_PHASE_KINDS[detail.slice(5)] ?? 'init';
      const open = this.open(env);
      if (open && isInitKind(open.kind)) {
        if (open.kind === 'init' || open.start === time) open.kind = kind;
        else {
          open.end = time;
          open.outcome = 'success';
          this.push(env, { kind, start: time, outcome: 'running' });
        }
      } else if (!open) {
        this.push(env, { kind, start: time, outcome: 'running' });
      }
      this.touch(env);
      return;
    }
    if (detail !== undefined) env.detail = detail;
    if (state === env.state && detail === undefined) return;
    const previous = env.state;
    env.state = state;
    switch (state) {
      case 'Idle':
        if (previous !== 'Idle') {
          this.closeOpen(env, time);
          this.push(env, { kind: 'idle', start: time });
        }
        break;
      case 'Invoking': {
        const open = this.open(env);
        if (open?.kind === 'idle') open.end = time;
        break;
      }
      case 'ShuttingDown':
        if (previous !== 'ShuttingDown') {
          this.closeOpen(env, time, true);
          this.push(env, { kind: 'shutdown', start: time, text: detail ?? env.detail });
        }
        break;
      case 'Terminated':
        for (const s of env.segments) {
          if (s.end !== undefined) continue;
          s.end = time;
          if (s.outcome === 'running') s.outcome = 'failure';
        }
        env.endedAt = time;
        break;
      default:
        break;
    }
    this.touch(env);
  }

  private onStart(event: TelemetryEvent<'platform.start'>, time: number): void {
    const env = this.env(event, time);
    if (!env) return;
    const open = this.open(env);
    if (open?.kind === 'idle') open.end = time;
    const startKind: StartKind = env.initializationType === 'provisioned-concurrency' ? 'provisioned' : env.invocations === 0 ? 'cold' : 'warm';
    env.invocations++;
    if (env.state === 'Idle') env.state = 'Invoking';
    this.push(env, { kind: 'invoke', start: time, outcome: 'running', requestId: event.record.requestId, startKind });
  }

  private onRuntimeDone(event: TelemetryEvent<'platform.runtimeDone'>, time: number): void {
    const env = event.environmentId ? this.envs.get(event.environmentId) : undefined;
    const segment = env && this.invocation(env, event.record.requestId);
    if (!env || !segment) return;
    segment.responseAt = time;
    if (event.record.errorType) segment.errorType = event.record.errorType;
    this.touch(env);
  }

  private onReport(event: TelemetryEvent<'platform.report'>, time: number): void {
    const env = event.environmentId ? this.envs.get(event.environmentId) : undefined;
    if (!env) return;
    let segment = this.invocation(env, event.record.requestId);
    if (!segment) {
      // Its START was before this model was attached.
      segment = { kind: 'invoke', start: time - event.record.metrics.durationMs, requestId: event.record.requestId, startKind: 'warm' };
      this.push(env, segment);
    }
    const r = event.record;
    segment.end = Math.max(time, segment.start);
    segment.outcome = r.status;
    segment.durationMs = r.metrics.durationMs;
    if (r.errorType) segment.errorType = r.errorType;
    if (r.metrics.initDurationMs !== undefined && env.initializationType === 'on-demand') segment.startKind = 'cold';
    segment.text = formatLogLine(event);
    if (r.status !== 'success') env.errors++;
    this.touch(env);
  }

  private onFunctionLine(event: TelemetryEvent<'function'>): void {
    const env = event.environmentId ? this.envs.get(event.environmentId) : undefined;
    const segment = env && event.requestId ? this.invocation(env, event.requestId) : undefined;
    if (!env || !segment) return;
    segment.logLines = (segment.logLines ?? 0) + 1;
    const line = event.record.replace(/\n$/, '');
    const lines = segment.lastLines ?? (segment.lastLines = []);
    lines.push(line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);
    if (lines.length > LAST_LINES) lines.shift();
    this.touch(env);
  }

  private mark(kind: MarkerKind, event: TelemetryEvent, time: number, text: string): void {
    if (!event.functionName) return;
    this.rev++;
    this.markerList.push({ seq: ++this.markerSeq, time, kind, functionName: event.functionName, version: event.functionVersion, text, rev: this.rev });
    if (this.markerList.length > this.maxMarkers) this.markerList.splice(0, this.markerList.length - this.maxMarkers);
  }

  /** The environment of an event, created when first seen. */
  private env(event: TelemetryEvent, time: number, initializationType: InitializationType = 'on-demand'): TimelineEnvironment | undefined {
    const id = event.environmentId;
    if (!id) return undefined;
    let env = this.envs.get(id);
    if (!env) {
      const functionName = event.functionName;
      const version = event.functionVersion;
      if (!functionName || !version) return undefined;
      env = { id, functionName, version, initializationType, firstSeen: time, state: 'Initializing', invocations: 0, errors: 0, segments: [], rev: 0 };
      this.envs.set(id, env);
      this.touch(env);
    }
    return env;
  }

  /** The segment going on (the last one without an end), if any. */
  private open(env: TimelineEnvironment): TimelineSegment | undefined {
    for (let i = env.segments.length - 1; i >= 0; i--) if (env.segments[i].end === undefined) return env.segments[i];
    return undefined;
  }

  /** Ends what is going on (invocations only when `all`: they end with their REPORT). */
  private closeOpen(env: TimelineEnvironment, time: number, all = false): void {
    for (const s of env.segments) {
      if (s.end !== undefined || (s.kind === 'invoke' && !all)) continue;
      s.end = time;
      if (s.outcome === 'running') s.outcome = isInitKind(s.kind) ? 'success' : 'failure';
    }
  }

  private invocation(env: TimelineEnvironment, requestId: string): TimelineSegment | undefined {
    for (let i = env.segments.length - 1; i >= 0; i--) {
      const s = env.segments[i];
      if (s.kind === 'invoke' && s.requestId === requestId) return s;
    }
    return undefined;
  }

  private push(env: TimelineEnvironment, segment: TimelineSegment): void {
    env.segments.push(segment);
    if (env.segments.length > this.maxSegments) env.segments.splice(0, env.segments.length - this.maxSegments);
    this.touch(env);
  }

  private touch(env: TimelineEnvironment): void {
    env.rev = ++this.rev;
  }

  private remove(id: string): void {
    if (!this.envs.delete(id)) return;
    this.rev++;
    this.removals.push({ id, rev: this.rev });
    if (this.removals.length > REMOVALS_KEPT) {
      const dropped = this.removals.splice(0, this.removals.length - REMOVALS_KEPT);
      this.forgottenBefore = dropped[dropped.length - 1].rev;
    }
  }
}
