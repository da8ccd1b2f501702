import * as path from 'node:path';
import { formatTerminalLine, type TelemetryEvent, type Workbench } from '../core';

// The log of a long-running command (serve, start-api) on stderr: START / END / REPORT, function
// output and reloads, each line prefixed with its function and environment.

/** Writes the engine's log lines to stderr from now on. */
export function streamEngineLog(workbench: Workbench): void {
  // Log lines are written once per turn of the event loop, not one write per line: under load
  // a write per START/END/REPORT line is a measurable share of the host's CPU.
  let pending = '';
  workbench.telemetry.subscribe((event) => {
    const line =
      event.type === 'workbench.reload'
        ? reloadLine(event as TelemetryEvent<'workbench.reload'>, path.dirname(workbench.template.file))
        : formatTerminalLine(event);
    if (line === undefined) return;
    if (pending === '') {
      setImmediate(() => {
        process.stderr.write(pending);
        pending = '';
      });
    }
    pending += `${event.environmentId ? `[${event.functionName} ${event.environmentId}] ` : ''}${line}\n`;
  });
}

/** `Reloaded Echo ($LATEST): code changed (src/app.js)`, paths relative to the template's directory. */
function reloadLine(event: TelemetryEvent<'workbench.reload'>, projectDir: string): string {
  const { functionName, reason, paths } = event.record;
  const shown = paths.slice(0, 3).map((p) => path.relative(projectDir, p) || p);
  if (paths.length > shown.length) shown.push(`${paths.length - shown.length} more`);
  return `Reloaded ${functionName} (${event.functionVersion ?? '$LATEST'}): ${reason} changed (${shown.join(', ')})`;
}
