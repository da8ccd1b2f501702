import type { Span } from '../telemetry/events';

export type { Span };

/**
 * INIT split into its sub-phases, as performance.now() times: runtime init from the spawn to the
 * moment the runtime starts loading the function (the boundary our bootstraps report), function
 * init from there to the first /next. Without a usable boundary it is one runtimeInit span.
 */
export function initSpans(spawnedAt: number, functionInitStartedAt: number | undefined, endAt: number): Span[] {
  const toIso = (t: number) => new Date(performance.timeOrigin + t).toISOString();
  const boundary = functionInitStartedAt;
  if (boundary === undefined || boundary < spawnedAt || boundary > endAt) {
    return [{ name: 'runtimeInit', start: toIso(spawnedAt), durationMs: endAt - spawnedAt }];
  }
  return [
    { name: 'runtimeInit', start: toIso(spawnedAt), durationMs: boundary - spawnedAt },
    { name: 'functionInit', start: toIso(boundary), durationMs: endAt - boundary },
  ];
}
