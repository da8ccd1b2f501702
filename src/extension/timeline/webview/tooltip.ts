import type { TimelineEnvironment, TimelineSegment } from '../../../core';
import { formatClock, formatMs, h } from './dom';
import { initName, type Hit } from './timelineView';

// The hover card: an invocation's REPORT (and START kind, response time, last log lines), an INIT
// sub-phase with its INIT_REPORT, idle and shutdown spans, markers.

const START_NAMES = { cold: 'cold start', warm: 'warm start', provisioned: 'provisioned concurrency' } as const;
const MARKER_NAMES = { throttle: 'Throttled', reload: 'Hot reload', asyncDropped: 'Asynchronous event dropped', warning: 'Warning' } as const;

export class Tooltip {
  readonly element = h('div', { className: 'tooltip' });

  constructor() {
    this.element.hidden = true;
    this.element.setAttribute('role', 'tooltip');
  }

  show(hit: Hit, clientX: number, clientY: number, now: number): void {
    this.element.replaceChildren(...content(hit, now));
    this.element.hidden = false;
    // Placed next to the pointer, inside the viewport (CSSOM: allowed by the CSP).
    const { innerWidth, innerHeight } = window;
    const rect = this.element.getBoundingClientRect();
    let left = clientX + 14;
    let top = clientY + 14;
    if (left + rect.width > innerWidth - 4) left = Math.max(4, clientX - rect.width - 14);
    if (top + rect.height > innerHeight - 4) top = Math.max(4, clientY - rect.height - 14);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

function content(hit: Hit, now: number): HTMLElement[] {
  if (hit.type === 'marker') {
    const m = hit.marker;
    return [
      h('div', { className: 'title', text: `${MARKER_NAMES[m.kind]} · ${m.functionName}${m.version ? `:${m.version}` : ''}` }),
      h('div', { className: 'line', text: m.text }),
      h('div', { className: 'line muted', text: formatClock(m.time) }),
    ];
  }
  if (hit.type === 'row') return environmentLines(hit.env, now);
  const { segment: s, env } = hit;
  const end = s.end ?? now;
  const lines: HTMLElement[] = [];
  const span = `${formatClock(s.start)} → ${s.end === undefined ? 'now' : formatClock(s.end)}`;
  switch (s.kind) {
    case 'invoke': {
      const status = s.outcome === 'running' ? 'running' : (s.outcome ?? '');
      lines.push(
        h('div', { className: 'title', text: `Invocation · ${START_NAMES[s.startKind ?? 'warm']} · ${status}${s.errorType ? ` (${s.errorType})` : ''}` }),
      );
      if (s.requestId) lines.push(h('div', { className: 'line mono', text: `RequestId: ${s.requestId}` }));
      lines.push(
        h('div', { className: 'line muted', text: `${span}  (${formatMs(s.durationMs ?? end - s.start)}${s.outcome === 'running' ? ' so far' : ''})` }),
      );
      if (s.responseAt !== undefined && s.end !== undefined && s.end - s.responseAt > 1) {
        lines.push(
          h('div', {
            className: 'line muted',
            text: `Responded after ${formatMs(s.responseAt - s.start)}; extensions finished ${formatMs(s.end - s.responseAt)} later`,
          }),
        );
      }
      if (s.text) lines.push(h('div', { className: 'line mono report', text: s.text.trimEnd().split('\t').join('\n') }));
      if (s.lastLines && s.lastLines.length > 0) {
        lines.push(h('div', { className: 'line muted', text: `Log (${s.logLines} record${s.logLines === 1 ? '' : 's'}, last ${s.lastLines.length}):` }));
        for (const line of s.lastLines) lines.push(h('div', { className: 'line mono muted', text: line }));
      }
      break;
    }
    case 'idle':
      lines.push(h('div', { className: 'title', text: `Idle · ${formatMs(end - s.start)}` }));
      lines.push(h('div', { className: 'line muted', text: span }));
      break;
    case 'shutdown':
      lines.push(h('div', { className: 'title', text: `Shutdown · ${formatMs(end - s.start)}` }));
      lines.push(h('div', { className: 'line muted', text: span }));
      if (s.text) lines.push(h('div', { className: 'line', text: s.text }));
      break;
    default: {
      const status = s.outcome && s.outcome !== 'success' ? ` · ${s.outcome}${s.errorType ? ` (${s.errorType})` : ''}` : '';
      lines.push(h('div', { className: 'title', text: `${initName(s.kind)} · ${formatMs(s.durationMs ?? end - s.start)}${status}` }));
      lines.push(h('div', { className: 'line muted', text: span }));
      lines.push(...initBreakdown(env));
      if (s.text) lines.push(h('div', { className: 'line mono report', text: s.text.trimEnd().split('\t').join('\n') }));
    }
  }
  lines.push(...environmentLines(env, now, true));
  return lines;
}

/** INIT's sub-phases of the environment, one line each. */
function initBreakdown(env: TimelineEnvironment): HTMLElement[] {
  const phases = env.segments.filter((s: TimelineSegment) => s.kind !== 'invoke' && s.kind !== 'idle' && s.kind !== 'shutdown');
  if (phases.length < 2) return [];
  return phases.map((s) =>
    h('div', { className: 'line muted', text: `  ${initName(s.kind)}: ${s.end === undefined ? 'running' : formatMs(s.end - s.start)}` }),
  );
}

function environmentLines(env: TimelineEnvironment, now: number, compact = false): HTMLElement[] {
  const kind = env.initializationType === 'provisioned-concurrency' ? 'provisioned concurrency' : 'on-demand';
  const life = env.endedAt !== undefined ? `ended ${formatClock(env.endedAt, false)}` : `${env.state}, up ${formatMs(now - env.firstSeen)}`;
  const summary = `${env.id} · ${env.functionName}:${env.version} · ${kind} · ${env.invocations} invocation${env.invocations === 1 ? '' : 's'}${env.errors ? `, ${env.errors} failed` : ''} · ${life}`;
  if (compact) return [h('div', { className: 'line muted report', text: summary })];
  const lines = [h('div', { className: 'title', text: `${env.id} · ${env.functionName}:${env.version}` }), h('div', { className: 'line', text: summary })];
  if (env.initDurationMs !== undefined) {
    lines.push(h('div', { className: 'line muted', text: `Init: ${formatMs(env.initDurationMs)} (${env.initStatus ?? ''})` }));
  }
  if (env.detail) lines.push(h('div', { className: 'line muted', text: env.detail }));
  return lines;
}
