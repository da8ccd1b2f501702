import type { TelemetryEvent } from '../telemetry/events';
import { formatLogLine } from '../telemetry/logFormat';
import { TimelineStore } from './timelineStore';
import { isInitKind, type InitSegmentKind, type SegmentOutcome, type StartKind, type TimelineEnvironment, type TimelineSegment } from './timelineTypes';

export {
  isInitKind,
  type InitSegmentKind,
  type MarkerKind,
  type SegmentKind,
  type SegmentOutcome,
  type StartKind,
  type TimelineChanges,
  type TimelineCounts,
  type TimelineEnvironment,
  type TimelineMarker,
  type TimelineModelOptions,
  type TimelineSegment,
  type TimelineSnapshot,
} from './timelineTypes';

// The timeline built from the engine's event stream: one row per execution environment with its
// segments over time — INIT's sub-phases (extension / runtime / function init), invocations (with
// their outcome, cold / warm / provisioned, and Lambda's REPORT line), idle gaps and SHUTDOWN —
// plus per-function markers (throttles, hot reloads, dropped asynchronous events). This class
// decides which event opens, ends or annotates which segment; keeping it bounded and answering
// "what changed since" is the storage it extends.
// Pure: no timers, no vscode. Every change bumps a revision, so a view can ask for what changed.

const SPAN_KINDS: Record<string, InitSegmentKind> = { extensionInit: 'extensionInit', runtimeInit: 'runtimeInit', functionInit: 'functionInit' };
/** `workbench.environment` details `init:<sub-phase>` (InitSubPhase) → segment kinds. */
const SUB_PHASE_KINDS: Record<string, InitSegmentKind> = { extensions: 'extensionInit', runtime: 'runtimeInit', function: 'functionInit' };
const LAST_LINES = 3;
const LINE_CHARS = 240;

export class TimelineModel extends TimelineStore {
  protected onEvent(event: TelemetryEvent): void {
    this.apply(event);
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
        if (event.functionName) this.addMarker('throttle', event, time, `Throttled (${r.reason}): ${r.message}`);
        break;
      }
      case 'workbench.reload': {
        const r = (event as TelemetryEvent<'workbench.reload'>).record;
        const paths = r.paths.slice(0, 3).join(', ') + (r.paths.length > 3 ? ` and ${r.paths.length - 3} more` : '');
        this.addMarker(
          'reload',
          { ...event, functionName: event.functionName ?? r.functionName },
          time,
          `Hot reload (${r.reason})${paths ? `: ${paths}` : ''}`,
        );
        break;
      }
      case 'workbench.async': {
        const r = (event as TelemetryEvent<'workbench.async'>).record;
        if (r.stage === 'dropped') {
          this.addMarker(
            'asyncDropped',
            event,
            time,
            `Asynchronous event ${r.requestId} dropped (${r.condition ?? 'RetriesExhausted'}${r.errorType ? `, ${r.errorType}` : ''}) after ${r.approximateInvokeCount} attempt(s)`,
          );
        }
        break;
      }
      case 'workbench.warning':
        if (event.functionName) this.addMarker('warning', event, time, (event as TelemetryEvent<'workbench.warning'>).record.message);
        break;
      default:
        break;
    }
    this.pruneNowAndThen();
  }

  // ------------------------------------------------------------------------------------------

  private onInitStart(event: TelemetryEvent<'platform.initStart'>, time: number): void {
    const env = this.ensureEnvironment(event, time, event.record.initializationType);
    if (!env) return;
    env.initializationType = event.record.initializationType;
    env.state = 'Initializing';
    closeOpenSegments(env, time);
    this.pushSegment(env, { kind: 'init', start: time, outcome: 'running' });
  }

  private onInitReport(event: TelemetryEvent<'platform.initReport'>): void {
    const env = this.knownEnvironment(event);
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
    const env = this.ensureEnvironment(event, time);
    if (!env) return;
    const { state, detail } = event.record;
    if (detail?.startsWith('init:')) {
      const kind = SUB_PHASE_KINDS[detail.slice(5)] ?? 'init';
      const open = openSegment(env);
      if (open && isInitKind(open.kind)) {
        if (open.kind === 'init' || open.start === time) open.kind = kind;
        else {
          open.end = time;
          open.outcome = 'success';
          this.pushSegment(env, { kind, start: time, outcome: 'running' });
        }
      } else if (!open) {
        this.pushSegment(env, { kind, start: time, outcome: 'running' });
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
          closeOpenSegments(env, time);
          this.pushSegment(env, { kind: 'idle', start: time });
        }
        break;
      case 'Invoking': {
        const open = openSegment(env);
        if (open?.kind === 'idle') open.end = time;
        break;
      }
      case 'ShuttingDown':
        if (previous !== 'ShuttingDown') {
          closeOpenSegments(env, time, true);
          this.pushSegment(env, { kind: 'shutdown', start: time, text: detail ?? env.detail });
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
    const env = this.ensureEnvironment(event, time);
    if (!env) return;
    const open = openSegment(env);
    if (open?.kind === 'idle') open.end = time;
    const startKind: StartKind = env.initializationType === 'provisioned-concurrency' ? 'provisioned' : env.invocations === 0 ? 'cold' : 'warm';
    env.invocations++;
    if (env.state === 'Idle') env.state = 'Invoking';
    this.pushSegment(env, { kind: 'invoke', start: time, outcome: 'running', requestId: event.record.requestId, startKind });
  }

  private onRuntimeDone(event: TelemetryEvent<'platform.runtimeDone'>, time: number): void {
    const env = this.knownEnvironment(event);
    const segment = env && findInvocation(env, event.record.requestId);
    if (!env || !segment) return;
    segment.responseAt = time;
    if (event.record.errorType) segment.errorType = event.record.errorType;
    this.touch(env);
  }

  private onReport(event: TelemetryEvent<'platform.report'>, time: number): void {
    const env = this.knownEnvironment(event);
    if (!env) return;
    let segment = findInvocation(env, event.record.requestId);
    if (!segment) {
      // Its START was before this model was attached.
      segment = { kind: 'invoke', start: time - event.record.metrics.durationMs, requestId: event.record.requestId, startKind: 'warm' };
      this.pushSegment(env, segment);
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
    const env = this.knownEnvironment(event);
    const segment = env && event.requestId ? findInvocation(env, event.requestId) : undefined;
    if (!env || !segment) return;
    segment.logLines = (segment.logLines ?? 0) + 1;
    const line = event.record.replace(/\n$/, '');
    const lines = segment.lastLines ?? (segment.lastLines = []);
    lines.push(line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);
    if (lines.length > LAST_LINES) lines.shift();
    this.touch(env);
  }
}

/** The segment going on (the last one without an end), if any. */
function openSegment(env: TimelineEnvironment): TimelineSegment | undefined {
  for (let i = env.segments.length - 1; i >= 0; i--) if (env.segments[i].end === undefined) return env.segments[i];
  return undefined;
}

/** Ends what is going on (invocations only when `all`: they end with their REPORT). */
function closeOpenSegments(env: TimelineEnvironment, time: number, all = false): void {
  for (const s of env.segments) {
    if (s.end !== undefined || (s.kind === 'invoke' && !all)) continue;
    s.end = time;
    if (s.outcome === 'running') s.outcome = isInitKind(s.kind) ? 'success' : 'failure';
  }
}

function findInvocation(env: TimelineEnvironment, requestId: string): TimelineSegment | undefined {
  for (let i = env.segments.length - 1; i >= 0; i--) {
    const s = env.segments[i];
    if (s.kind === 'invoke' && s.requestId === requestId) return s;
  }
  return undefined;
}
