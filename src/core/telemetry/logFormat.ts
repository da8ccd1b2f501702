import type { TelemetryEvent } from './events';

// Lambda's platform log lines, exactly as CloudWatch shows them, derived from the event stream.

function ms(value: number): string {
  return value.toFixed(2);
}

/** The log line Lambda writes for a telemetry event, or undefined when it writes none. */
export function formatLogLine(event: TelemetryEvent): string | undefined {
  switch (event.type) {
    case 'platform.initStart': {
      const r = event.record as TelemetryEvent<'platform.initStart'>['record'];
      return `INIT_START Runtime Version: ${r.runtimeVersion}\tRuntime Version ARN: ${r.runtimeVersionArn}`;
    }
    case 'platform.initReport': {
      const r = event.record as TelemetryEvent<'platform.initReport'>['record'];
      // Lambda prints INIT_REPORT only when init did not succeed in the init phase
      // (and for provisioned concurrency); successful on-demand inits show in REPORT.
      if (r.status === 'success' && r.initializationType === 'on-demand') return undefined;
      let line = `INIT_REPORT Init Duration: ${ms(r.metrics.durationMs)} ms\tPhase: ${r.phase}\tStatus: ${r.status}`;
      if (r.errorType) line += `\tError Type: ${r.errorType}`;
      return line;
    }
    case 'platform.start': {
      const r = event.record as TelemetryEvent<'platform.start'>['record'];
      return `START RequestId: ${r.requestId} Version: ${r.version}`;
    }
    case 'platform.runtimeDone': {
      const r = event.record as TelemetryEvent<'platform.runtimeDone'>['record'];
      return `END RequestId: ${r.requestId}`;
    }
    case 'platform.report': {
      const r = event.record as TelemetryEvent<'platform.report'>['record'];
      const m = r.metrics;
      let line =
        `REPORT RequestId: ${r.requestId}\tDuration: ${ms(m.durationMs)} ms\tBilled Duration: ${m.billedDurationMs} ms` +
        `\tMemory Size: ${m.memorySizeMB} MB\tMax Memory Used: ${m.maxMemoryUsedMB} MB`;
      if (m.initDurationMs !== undefined) line += `\tInit Duration: ${ms(m.initDurationMs)} ms`;
      // Like Lambda, platform-side endings (timeout, runtime crash, failed init) are spelled out;
      // a handler that threw is an ordinary end of an invocation and adds nothing.
      if (r.status === 'timeout' || r.errorType) line += `\tStatus: ${r.status}`;
      if (r.errorType) line += `\tError Type: ${r.errorType}`;
      return line;
    }
    case 'function':
    case 'extension':
      return (event.record as string).replace(/\n$/, '');
    case 'workbench.warning':
      return `WARNING ${(event.record as TelemetryEvent<'workbench.warning'>['record']).message}`;
    case 'workbench.timeoutSuspended':
      return `${event.requestId ?? ''} timeout suspended while debugging`.trim();
    default:
      return undefined;
  }
}
