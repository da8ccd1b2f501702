import type { InitializationType, TelemetryEvent } from '../telemetry/events';
import { StreamFollower } from './streamFollower';
import {
  isInitKind,
  type MarkerKind,
  type TimelineChanges,
  type TimelineCounts,
  type TimelineEnvironment,
  type TimelineMarker,
  type TimelineModelOptions,
  type TimelineSegment,
  type TimelineSnapshot,
} from './timelineTypes';

// The timeline's bounded storage and its revision bookkeeping: the environments by id and the
// markers, the limits they are held to (environments and segments that ended more than `windowMs`
// ago are dropped, and so are the oldest ended environments beyond `maxEnvironments`), and the
// revisions that let a view ask for what changed since it last looked. Which event changes which
// segment is not decided here: the subclass that reads the event stream does that.

const REMOVALS_KEPT = 2000;
/** Keeps memory bounded even when nobody asks for snapshots. */
const PRUNE_EVERY_EVENTS = 500;

export abstract class TimelineStore extends StreamFollower {
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

  environment(id: string): TimelineEnvironment | undefined {
    return this.envs.get(id);
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

  /** Counts one applied event and prunes at the latest event time every so many. */
  protected pruneNowAndThen(): void {
    if (++this.sincePrune >= PRUNE_EVERY_EVENTS) this.prune(this.latest);
  }

  /** The environment of an event, created when first seen (it needs a function name and version). */
  protected ensureEnvironment(event: TelemetryEvent, time: number, initializationType: InitializationType = 'on-demand'): TimelineEnvironment | undefined {
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

  /** The environment of an event if it is already known (never created). */
  protected knownEnvironment(event: TelemetryEvent): TimelineEnvironment | undefined {
    return event.environmentId ? this.envs.get(event.environmentId) : undefined;
  }

  /** Appends a segment, dropping the environment's oldest beyond the limit. */
  protected pushSegment(env: TimelineEnvironment, segment: TimelineSegment): void {
    env.segments.push(segment);
    if (env.segments.length > this.maxSegments) env.segments.splice(0, env.segments.length - this.maxSegments);
    this.touch(env);
  }

  /** Adds a marker for the event's function (none without one), dropping the oldest beyond the limit. */
  protected addMarker(kind: MarkerKind, event: TelemetryEvent, time: number, text: string): void {
    if (!event.functionName) return;
    this.rev++;
    this.markerList.push({ seq: ++this.markerSeq, time, kind, functionName: event.functionName, version: event.functionVersion, text, rev: this.rev });
    if (this.markerList.length > this.maxMarkers) this.markerList.splice(0, this.markerList.length - this.maxMarkers);
  }

  /** Records that the environment changed: it will be in the next `changesSince`. */
  protected touch(env: TimelineEnvironment): void {
    env.rev = ++this.rev;
  }

  private sortedEnvironments(): TimelineEnvironment[] {
    return [...this.envs.values()].sort(
      (a, b) => a.functionName.localeCompare(b.functionName) || a.version.localeCompare(b.version) || a.firstSeen - b.firstSeen,
    );
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
