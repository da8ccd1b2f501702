import type { TimelineEnvironment, TimelineMarker, TimelineSegment } from '../../../core';
import type { RenderedCounts } from '../protocol';
import { svg } from './dom';

// The timeline drawing: one SVG, rebuilt on every frame (a few thousand elements at most).
// Rows are grouped by engine, then function:version; each environment is a row whose segments
// are INIT's sub-phases, invocations (coloured by outcome, a stripe on top for cold and
// provisioned starts), idle lines and a hatched SHUTDOWN. Markers (throttles, reloads, dropped
// asynchronous events) sit on the group's header. Hit areas are kept for the tooltip.

export interface EngineData {
  id: string;
  label: string;
  environments: TimelineEnvironment[];
  markers: TimelineMarker[];
}

export type Hit =
  | { type: 'segment'; x1: number; x2: number; y1: number; y2: number; env: TimelineEnvironment; segment: TimelineSegment; engine: EngineData }
  | { type: 'marker'; x1: number; x2: number; y1: number; y2: number; marker: TimelineMarker; engine: EngineData }
  | { type: 'row'; x1: number; x2: number; y1: number; y2: number; env: TimelineEnvironment; engine: EngineData };

/** What one render drew: the counts the panel reports back (protocol.ts), less what the page adds. */
export type TimelineRenderCounts = Omit<RenderedCounts, 'engines' | 'charts' | 'metricsKey' | 'windowMs'>;

const AXIS_H = 24;
const ENGINE_H = 20;
const GROUP_H = 30;
/** Markers sit in the header's lower lane, under the stats line. */
const MARKER_Y = 22;
const ROW_H = 18;
const GROUP_GAP = 6;
const MIN_SEGMENT_PX = 2;

const INIT_NAMES: Record<string, string> = {
  init: 'Init',
  extensionInit: 'Extension init',
  runtimeInit: 'Runtime init',
  functionInit: 'Function init',
};

interface Group {
  functionName: string;
  version: string;
  environments: TimelineEnvironment[];
  markers: TimelineMarker[];
}

export class TimelineView {
  readonly element: SVGSVGElement;
  /** Where the time axis is (SVG x of its left edge, and its width), as of the last render. */
  plot = { left: 0, width: 1 };
  private hits: Hit[] = [];
  private hovered: Hit | undefined;

  constructor() {
    this.element = svg('svg', { role: 'img', 'aria-label': 'Execution environments over time' });
  }

  /** Draws the window [now - windowMs, now]; returns what was drawn. */
  render(engines: EngineData[], now: number, windowMs: number, width: number): TimelineRenderCounts {
    const counts: TimelineRenderCounts = {
      groups: 0,
      environments: 0,
      segments: 0,
      invocations: 0,
      cold: 0,
      warm: 0,
      provisioned: 0,
      errors: 0,
      running: 0,
      initSegments: 0,
      markers: 0,
    };
    const from = now - windowMs;
    const labelW = Math.round(Math.min(240, Math.max(150, width * 0.26)));
    const plotW = Math.max(50, width - labelW - 8);
    const x = (t: number) => labelW + ((t - from) / windowMs) * plotW;
    this.plot = { left: labelW, width: plotW };
    const hits: Hit[] = [];
    const background = svg('g');
    const rows = svg('g');
    const plot = svg('g', { 'clip-path': 'url(#lw-plot)' });
    const overlay = svg('g');
    let y = AXIS_H;
    const showEngines = engines.length > 1;

    for (const engine of engines) {
      const groups = groupsOf(engine, from, now);
      if (groups.length === 0) continue;
      if (showEngines) {
        rows.append(svg('text', { class: 'engine-label', x: 0, y: y + 14 }, engine.label));
        y += ENGINE_H;
      }
      for (const group of groups) {
        counts.groups++;
        const groupTop = y;
        background.append(svg('rect', { class: 'group-bg', x: 0, y, width: labelW + plotW, height: GROUP_H }));
        const stats = groupStats(group, from, now);
        rows.append(svg('text', { class: 'group-label', x: 4, y: y + 19 }, `${group.functionName}${group.version ? `:${group.version}` : ''}`));
        rows.append(svg('text', { class: 'group-stats', x: labelW + 4, y: y + 11 }, stats));
        y += GROUP_H;
        group.environments.forEach((env, index) => {
          counts.environments++;
          const provisioned = env.initializationType === 'provisioned-concurrency';
          background.append(
            svg('rect', { class: `row-bg ${provisioned ? 'provisioned' : index % 2 ? 'odd' : 'even'}`, x: 0, y, width: labelW + plotW, height: ROW_H }),
          );
          this.rowLabel(rows, env, y, labelW);
          hits.push({ type: 'row', x1: 0, x2: labelW, y1: y, y2: y + ROW_H, env, engine });
          for (const segment of ordered(env.segments)) {
            const end = segment.end ?? now;
            if (end < from || segment.start > now) continue;
            const x1 = Math.max(x(segment.start), labelW - 2);
            const x2 = Math.max(Math.min(x(end), labelW + plotW + 2), x1 + MIN_SEGMENT_PX);
            counts.segments++;
            const drawn = this.segment(plot, segment, x1, x2, y, x);
            hits.push({ type: 'segment', x1: drawn.x1, x2: drawn.x2, y1: y, y2: y + ROW_H, env, segment, engine });
            if (segment.kind === 'invoke') {
              counts.invocations++;
              if (segment.startKind) counts[segment.startKind]++;
              if (segment.outcome === 'running') counts.running++;
              else if (segment.outcome !== 'success') counts.errors++;
            } else if (segment.kind !== 'idle' && segment.kind !== 'shutdown') counts.initSegments++;
          }
          y += ROW_H;
        });
        // Markers on the header, with a faint line across the group's rows.
        for (const marker of group.markers) {
          if (marker.time < from || marker.time > now) continue;
          counts.markers++;
          const mx = x(marker.time);
          if (group.environments.length > 0) {
            overlay.append(svg('line', { class: `marker-line ${marker.kind}`, x1: mx, x2: mx, y1: groupTop + GROUP_H, y2: y }));
          }
          overlay.append(markerShape(marker, mx, groupTop + MARKER_Y));
          hits.push({ type: 'marker', x1: mx - 5, x2: mx + 5, y1: groupTop + MARKER_Y - 7, y2: groupTop + GROUP_H, marker, engine });
        }
        y += GROUP_GAP;
      }
    }

    const height = Math.max(y, AXIS_H + 10);
    const defs = svg('defs');
    const clip = svg('clipPath', { id: 'lw-plot' });
    clip.append(svg('rect', { x: labelW, y: 0, width: plotW + 1, height }));
    const hatch = svg('pattern', { id: 'lw-hatch', patternUnits: 'userSpaceOnUse', width: 5, height: 5, patternTransform: 'rotate(45)' });
    hatch.append(svg('line', { class: 'hatch-line', x1: 0, y1: 0, x2: 0, y2: 5 }));
    defs.append(clip, hatch);
    const axis = this.axis(from, now, windowMs, labelW, plotW, height);
    this.element.replaceChildren(defs, background, axis, rows, plot, overlay);
    this.element.setAttribute('viewBox', `0 0 ${labelW + plotW + 8} ${height}`);
    this.element.setAttribute('width', String(labelW + plotW + 8));
    this.element.setAttribute('height', String(height));
    this.hits = hits;
    if (this.hovered) this.hovered = this.refind(this.hovered);
    this.drawHover();
    return counts;
  }

  /** What is under a point (SVG coordinates), markers and invocations first. */
  hitAt(px: number, py: number): Hit | undefined {
    let best: Hit | undefined;
    for (const hit of this.hits) {
      if (py < hit.y1 || py > hit.y2 || px < hit.x1 - 2 || px > hit.x2 + 2) continue;
      if (!best || priority(hit) >= priority(best)) best = hit;
    }
    this.hovered = best;
    this.drawHover();
    return best;
  }

  clearHover(): void {
    this.hovered = undefined;
    this.drawHover();
  }

  private drawHover(): void {
    this.element.querySelector('.hover-outline')?.remove();
    const h = this.hovered;
    if (!h || h.type === 'row') return;
    this.element.append(svg('rect', { class: 'hover-outline', x: h.x1 - 1, y: h.y1 + 1, width: Math.max(2, h.x2 - h.x1 + 2), height: h.y2 - h.y1 - 2 }));
  }

  /** The same item after a redraw (the model may have replaced its objects). */
  private refind(hit: Hit): Hit | undefined {
    if (hit.type === 'marker') return this.hits.find((h) => h.type === 'marker' && h.marker.seq === hit.marker.seq && h.engine.id === hit.engine.id);
    if (hit.type === 'row') return this.hits.find((h) => h.type === 'row' && h.env.id === hit.env.id);
    return this.hits.find(
      (h) => h.type === 'segment' && h.env.id === hit.env.id && h.segment.start === hit.segment.start && h.segment.kind === hit.segment.kind,
    );
  }

  private rowLabel(parent: SVGGElement, env: TimelineEnvironment, y: number, labelW: number): void {
    const ended = env.endedAt !== undefined;
    parent.append(svg('text', { class: `row-label${ended ? ' ended' : ''}`, x: 12, y: y + 13 }, env.id));
    const provisioned = env.initializationType === 'provisioned-concurrency';
    const badge = provisioned
      ? 'PC'
      : ended
        ? 'ended'
        : env.state === 'Initializing'
          ? 'init'
          : env.state === 'Invoking'
            ? 'busy'
            : env.state === 'ShuttingDown'
              ? 'stop'
              : 'idle';
    const bw = badge.length * 6 + 8;
    const bx = labelW - bw - 6;
    parent.append(
      svg('rect', { class: `badge-bg ${provisioned ? 'provisioned' : ended ? 'ended' : 'on-demand'}`, x: bx, y: y + 3, width: bw, height: ROW_H - 6, rx: 3 }),
    );
    parent.append(svg('text', { class: 'badge', x: bx + 4, y: y + 12 }, badge));
  }

  private segment(parent: SVGGElement, segment: TimelineSegment, x1: number, x2: number, y: number, x: (t: number) => number): { x1: number; x2: number } {
    const w = x2 - x1;
    switch (segment.kind) {
      case 'idle':
        parent.append(svg('rect', { class: 'seg idle', x: x1, y: y + ROW_H / 2 - 1, width: w, height: 2 }));
        break;
      case 'shutdown':
        parent.append(svg('rect', { class: 'seg shutdown', x: x1, y: y + 4, width: w, height: ROW_H - 8 }));
        break;
      case 'invoke': {
        parent.append(svg('rect', { class: `seg invoke ${segment.outcome ?? 'running'}`, x: x1, y: y + 2, width: w, height: ROW_H - 4 }));
        if (segment.startKind === 'cold' || segment.startKind === 'provisioned') {
          parent.append(svg('rect', { class: `start-${segment.startKind}`, x: x1, y: y + 2, width: w, height: 3 }));
        }
        // The runtime answered before the invoke phase ended (extensions were still busy).
        if (segment.responseAt !== undefined && segment.end !== undefined) {
          const rx = x(segment.responseAt);
          if (rx > x1 + 2 && rx < x2 - 2) parent.append(svg('line', { class: 'response-tick', x1: rx, x2: rx, y1: y + 3, y2: y + ROW_H - 3 }));
        }
        break;
      }
      default: {
        const failed = segment.outcome !== undefined && segment.outcome !== 'success' && segment.outcome !== 'running';
        const running = segment.outcome === 'running' ? ' running' : '';
        parent.append(svg('rect', { class: `seg ${segment.kind}${failed ? ' init-failed' : ''}${running}`, x: x1, y: y + 2, width: w, height: ROW_H - 4 }));
      }
    }
    return { x1, x2 };
  }

  private axis(from: number, now: number, windowMs: number, labelW: number, plotW: number, height: number): SVGGElement {
    const g = svg('g');
    const step = tickStep(windowMs, plotW);
    const first = Math.ceil(from / step) * step;
    for (let t = first; t <= now; t += step) {
      const tx = labelW + ((t - from) / windowMs) * plotW;
      g.append(svg('line', { class: 'grid', x1: tx, x2: tx, y1: AXIS_H - 4, y2: height }));
      // A label that would run past the right edge is left out (its grid line stays).
      if (tx > labelW + plotW - (step < 1000 ? 70 : 48)) continue;
      const secondsAgo = Math.round((now - t) / 1000);
      g.append(svg('text', { class: 'axis-label', x: tx + 2, y: 12 }, clock(t, step)));
      if (secondsAgo > 0 && plotW / (windowMs / step || 1) > 70) g.append(svg('text', { class: 'axis-label', x: tx + 2, y: 22 }, `−${formatAgo(secondsAgo)}`));
    }
    g.append(svg('line', { class: 'now-line', x1: labelW + plotW, x2: labelW + plotW, y1: 0, y2: height }));
    g.append(svg('text', { class: 'axis-label', x: 4, y: 12 }, 'environment'));
    return g;
  }
}

/** Groups of the engine with something in the window: environments, or markers alone. */
function groupsOf(engine: EngineData, from: number, now: number): Group[] {
  const groups = new Map<string, Group>();
  const get = (functionName: string, version: string) => {
    const key = `${functionName}\u0000${version}`;
    let group = groups.get(key);
    if (!group) {
      group = { functionName, version, environments: [], markers: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const env of engine.environments) {
    if ((env.endedAt !== undefined && env.endedAt < from) || env.firstSeen > now) continue;
    get(env.functionName, env.version).environments.push(env);
  }
  for (const marker of engine.markers) {
    if (marker.time < from || marker.time > now) continue;
    const existing = [...groups.values()].filter((g) => g.functionName === marker.functionName);
    const group = existing.find((g) => g.version === marker.version) ?? existing[0] ?? get(marker.functionName, marker.version ?? '');
    group.markers.push(marker);
  }
  const list = [...groups.values()];
  for (const g of list) g.environments.sort((a, b) => a.firstSeen - b.firstSeen);
  return list.sort(
    (a, b) => a.functionName.localeCompare(b.functionName) || versionRank(a.version) - versionRank(b.version) || a.version.localeCompare(b.version),
  );
}

function groupStats(group: Group, from: number, now: number): string {
  let cold = 0;
  let warm = 0;
  let provisioned = 0;
  let errors = 0;
  for (const env of group.environments) {
    for (const s of env.segments) {
      if (s.kind !== 'invoke' || (s.end ?? now) < from) continue;
      if (s.startKind === 'cold') cold++;
      else if (s.startKind === 'provisioned') provisioned++;
      else warm++;
      if (s.outcome !== 'success' && s.outcome !== 'running') errors++;
    }
  }
  const throttles = group.markers.filter((m) => m.kind === 'throttle').length;
  const parts = [`${group.environments.length} env`, `${cold + warm + provisioned} invocations`];
  const kinds = [cold && `${cold} cold`, warm && `${warm} warm`, provisioned && `${provisioned} provisioned`].filter(Boolean);
  if (kinds.length > 0) parts[1] += ` (${kinds.join(', ')})`;
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (throttles) parts.push(`${throttles} throttle${throttles === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** Idle and shutdown first, then INIT, then invocations on top. */
function ordered(segments: TimelineSegment[]): TimelineSegment[] {
  const rank = (s: TimelineSegment) => (s.kind === 'idle' ? 0 : s.kind === 'shutdown' ? 1 : s.kind === 'invoke' ? 3 : 2);
  return [...segments].sort((a, b) => rank(a) - rank(b) || a.start - b.start);
}

function priority(hit: Hit): number {
  if (hit.type === 'marker') return 5;
  if (hit.type === 'row') return 0;
  return hit.segment.kind === 'invoke' ? 4 : hit.segment.kind === 'idle' ? 1 : hit.segment.kind === 'shutdown' ? 2 : 3;
}

function markerShape(marker: TimelineMarker, x: number, cy: number): SVGElement {
  const cls = `marker ${marker.kind}`;
  switch (marker.kind) {
    case 'throttle':
      return svg('path', { class: cls, d: `M${x - 5},${cy - 5} L${x + 5},${cy - 5} L${x},${cy + 4} Z` });
    case 'reload':
      return svg('circle', { class: cls, cx: x, cy, r: 4 });
    case 'asyncDropped':
      return svg('path', { class: cls, d: `M${x},${cy - 5} L${x + 5},${cy} L${x},${cy + 5} L${x - 5},${cy} Z` });
    default:
      return svg('path', { class: cls, d: `M${x - 5},${cy + 4} L${x + 5},${cy + 4} L${x},${cy - 5} Z` });
  }
}

function tickStep(windowMs: number, plotW: number): number {
  const steps = [500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
  const wanted = Math.max(2, Math.floor(plotW / 90));
  return steps.find((s) => windowMs / s <= wanted) ?? steps[steps.length - 1];
}

function clock(t: number, step: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return step < 1000 ? `${base}.${String(d.getMilliseconds()).padStart(3, '0')}` : base;
}

function formatAgo(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
}

function versionRank(version: string): number {
  if (version === '$LATEST') return -1;
  return /^\d+$/.test(version) ? Number(version) : Number.MAX_SAFE_INTEGER;
}

export const initName = (kind: string): string => INIT_NAMES[kind] ?? kind;
