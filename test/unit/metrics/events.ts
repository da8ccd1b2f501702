import type { PlatformRecords, TelemetryEvent, TelemetryType } from '../../../src/core/telemetry/events';

// Synthetic telemetry for the metrics tests: events at chosen times (ms after T0).

export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

export interface Origin {
  functionName?: string;
  functionVersion?: string;
  environmentId?: string;
  requestId?: string;
}

export function ev<T extends TelemetryType>(at: number, type: T, record: PlatformRecords[T], origin: Origin = {}): TelemetryEvent {
  return { time: new Date(T0 + at).toISOString(), type, record, ...origin } as TelemetryEvent;
}

/** A throttled request (429 "Rate Exceeded.") for the reason Lambda gives. */
export function throttle(at: number, reason: string, origin: Origin): TelemetryEvent {
  return ev(at, 'workbench.throttle', { reason, message: 'Rate Exceeded.' }, origin);
}

const report = (requestId: string, durationMs: number, status: 'success' | 'error' | 'timeout' | 'failure' = 'success', initDurationMs?: number) => ({
  requestId,
  status,
  metrics: { durationMs, billedDurationMs: Math.ceil(durationMs), memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs },
});

/**
 * One environment's life as the engine tells it: INIT (runtime then function, `initMs` long) at
 * `at`, then each invocation `[start, durationMs, status]`, then SHUTDOWN at `shutdownAt`.
 */
export function environmentLife(options: {
  env: string;
  fn?: string;
  version?: string;
  at: number;
  initMs?: number;
  provisioned?: boolean;
  invocations?: Array<[number, number, ('success' | 'error' | 'timeout')?]>;
  shutdownAt?: number;
  extensions?: boolean;
}): TelemetryEvent[] {
  const fn = options.fn ?? 'Fn';
  const version = options.version ?? '$LATEST';
  const o = { functionName: fn, functionVersion: version, environmentId: options.env };
  const initializationType = options.provisioned ? 'provisioned-concurrency' : 'on-demand';
  const initMs = options.initMs ?? 100;
  const at = options.at;
  const events: TelemetryEvent[] = [
    ev(
      at,
      'platform.initStart',
      { initializationType, phase: 'init', runtimeVersion: 'nodejs:20', runtimeVersionArn: 'arn', functionName: fn, functionVersion: version },
      o,
    ),
  ];
  const spans = [];
  let from = at;
  if (options.extensions) {
    events.push(ev(at, 'workbench.environment', { state: 'Initializing', detail: 'init:extensions' }, o));
    spans.push({ name: 'extensionInit', start: new Date(T0 + at).toISOString(), durationMs: initMs * 0.2 });
    from = at + initMs * 0.2;
  }
  events.push(ev(from, 'workbench.environment', { state: 'Initializing', detail: 'init:runtime' }, o));
  spans.push({ name: 'runtimeInit', start: new Date(T0 + from).toISOString(), durationMs: at + initMs * 0.5 - from });
  spans.push({ name: 'functionInit', start: new Date(T0 + at + initMs * 0.5).toISOString(), durationMs: initMs * 0.5 });
  events.push(ev(at + initMs, 'platform.initRuntimeDone', { initializationType, phase: 'init', status: 'success', spans }, o));
  events.push(ev(at + initMs, 'platform.initReport', { initializationType, phase: 'init', status: 'success', metrics: { durationMs: initMs }, spans }, o));
  events.push(ev(at + initMs, 'workbench.environment', { state: 'Idle' }, o));
  (options.invocations ?? []).forEach(([start, durationMs, status = 'success'], i) => {
    const requestId = `${options.env}-r${i}`;
    const r = { ...o, requestId };
    const init = i === 0 && !options.provisioned ? initMs : undefined;
    events.push(ev(start, 'workbench.environment', { state: 'Invoking' }, o));
    events.push(ev(start, 'platform.start', { requestId, version }, r));
    events.push(ev(start + durationMs / 2, 'function', `log line ${i}\n`, r));
    events.push(
      ev(
        start + durationMs,
        'platform.runtimeDone',
        { requestId, status, errorType: status === 'error' ? 'Error' : undefined, metrics: { durationMs, producedBytes: 2 }, spans: [] },
        r,
      ),
    );
    events.push(ev(start + durationMs, 'platform.report', report(requestId, durationMs, status, init), r));
    if (status === 'timeout') {
      events.push(ev(start + durationMs, 'workbench.environment', { state: 'ShuttingDown' }, o));
      events.push(ev(start + durationMs + 5, 'workbench.environment', { state: 'Terminated' }, o));
    } else {
      events.push(ev(start + durationMs, 'workbench.environment', { state: 'Idle' }, o));
    }
  });
  if (options.shutdownAt !== undefined) {
    events.push(ev(options.shutdownAt, 'workbench.environment', { state: 'ShuttingDown' }, o));
    events.push(ev(options.shutdownAt + 20, 'workbench.environment', { state: 'Terminated' }, o));
  }
  return events;
}

/** Events of several sources merged in time order (stable). */
export function merged(...lists: TelemetryEvent[][]): TelemetryEvent[] {
  return lists
    .flat()
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.time) - Date.parse(b.e.time) || a.i - b.i)
    .map(({ e }) => e);
}
