import type { BuildRecord, TelemetryEvent } from './events';

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
      // AWS's recorded REPORT lines of ordinary ends close with a tab after the last metric (as
      // CloudWatch Logs holds them); no recording shows a Status line's end, so it is left as it was.
      return r.status === 'timeout' || r.errorType ? line : `${line}\t`;
    }
    case 'function':
    case 'extension':
      return (event.record as string).replace(/\n$/, '');
    case 'workbench.warning':
      return `WARNING ${(event.record as TelemetryEvent<'workbench.warning'>['record']).message}`;
    case 'workbench.timeoutSuspended':
      return `${event.requestId ?? ''} timeout suspended while debugging`.trim();
    case 'workbench.build':
      return buildLine(event.record as BuildRecord);
    default:
      return undefined;
  }
}

/** A build's progress as the CLI and the output channel show it; an artefact already up to date says nothing. */
function buildLine(build: BuildRecord): string | undefined {
  const prefix = `BUILD ${build.functionName}:`;
  switch (build.status) {
    case 'started':
      return `${prefix} ${build.builder}`;
    case 'progress':
      return `${prefix} ${build.message ?? ''}`;
    case 'built':
      return [`${prefix} built in ${Math.round(build.durationMs ?? 0)} ms`, ...(build.warnings ?? []).map((warning) => `${prefix} warning: ${warning}`)].join(
        '\n',
      );
    case 'failed':
      return `${prefix} FAILED ${build.message ?? ''}`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Function output on a terminal (the CLI's stderr, the extension's output channel). A function can
// print anything: escape sequences that clear the screen or retitle the terminal, carriage returns
// that overwrite a line, lines that read like the platform's own. The Tail log and the telemetry
// stream keep the raw text, as Lambda does; only what is shown to a person is escaped here.

// C0 controls except tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Lines the platform (or the workbench) writes itself; function output never starts a line with one. */
const PLATFORM_LINE =
  /^(?:START|END|REPORT|INIT_START|INIT_REPORT|INIT_RUNTIME_DONE|RESTORE_START|RESTORE_REPORT|EXTENSION|TELEMETRY|LOGS|WARNING|BUILD|Reloaded)\b|^\(workbench\)/;

/** The indentation that marks a line as the continuation of a function's log record. */
const CONTINUATION = '  ';

/**
 * Function or extension output as it may be written to a terminal: control characters other than
 * tab become visible `\u001b`-style escapes, the record's own lines after the first are indented,
 * and a first line that reads like a platform line is indented too — so function output can neither
 * drive the terminal nor forge a START/END/REPORT line.
 */
export function terminalSafeText(text: string): string {
  const lines = escapeControls(text).split('\n');
  return lines.map((line, i) => (i > 0 || PLATFORM_LINE.test(line) ? CONTINUATION + line : line)).join('\n');
}

/** formatLogLine for a terminal: function and extension records made safe with terminalSafeText. */
export function formatTerminalLine(event: TelemetryEvent): string | undefined {
  const line = formatLogLine(event);
  if (line === undefined) return undefined;
  if (event.type === 'function' || event.type === 'extension') return terminalSafeText(line);
  // Platform lines carry names and messages that came from the template or a request: no controls.
  return escapeControls(line);
}

function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
