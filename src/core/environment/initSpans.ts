import type { Span } from '../telemetry/events';

export type { Span };

export interface InitTimes {
  /** INIT began (extensions start first when there are any). */
  startedAt: number;
  /** With extensions: the runtime was started (after every extension registered). */
  runtimeStartedAt?: number;
  /** The runtime began loading the function (the boundary our bootstraps report). */
  functionInitStartedAt?: number;
  endAt: number;
}

/**
 * INIT split into its sub-phases, as performance.now() times: extension init (only with
 * extensions), runtime init, function init. A sub-phase whose boundary is unknown or out of
 * order is folded into the one before it.
 */
export function initSpans(times: InitTimes): Span[] {
  const toIso = (t: number) => new Date(performance.timeOrigin + t).toISOString();
  const spans: Span[] = [];
  let from = times.startedAt;
  const cut = (name: string, to: number | undefined) => {
    if (to === undefined || to < from || to > times.endAt) return;
    spans.push({ name, start: toIso(from), durationMs: to - from });
    from = to;
  };
  cut('extensionInit', times.runtimeStartedAt);
  const hasBoundary = times.functionInitStartedAt !== undefined && times.functionInitStartedAt >= from && times.functionInitStartedAt <= times.endAt;
  if (hasBoundary) cut('runtimeInit', times.functionInitStartedAt);
  spans.push({ name: hasBoundary ? 'functionInit' : 'runtimeInit', start: toIso(from), durationMs: times.endAt - from });
  return spans;
}
