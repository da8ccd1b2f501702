import type { Command } from 'commander';
import { formatDiagnostic } from '../../core/config';
import { openWorkbench, READ_ONLY_ENGINE, type CommonOptions } from '../templateOption';

export function registerList(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('list')
      .description('List the functions of the template with their runtime, handler, memory and timeout')
      .option('--json', 'print JSON instead of a table'),
  ).action(async (options: CommonOptions & { json?: boolean }) => {
    // A one-shot command leaves queued asynchronous events to `serve` (or the extension).
    const workbench = await openWorkbench(options, READ_ONLY_ENGINE);
    try {
      const functions = workbench.functions();
      if (options.json) {
        process.stdout.write(
          JSON.stringify(
            functions.map((f) => ({
              logicalId: f.logicalId,
              functionName: f.functionName,
              runtime: f.runtime,
              handler: f.handler,
              memorySize: f.memorySize,
              timeout: f.timeout,
              codeUri: f.codeUri,
            })),
            null,
            2,
          ) + '\n',
        );
      } else {
        const rows = [['FUNCTION', 'RUNTIME', 'HANDLER', 'MEMORY', 'TIMEOUT']].concat(
          functions.map((f) => [
            f.logicalId === f.functionName ? f.logicalId : `${f.logicalId} (${f.functionName})`,
            f.runtime,
            f.handler,
            `${f.memorySize} MB`,
            `${f.timeout} s`,
          ]),
        );
        const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
        for (const row of rows) {
          process.stdout.write(
            row
              .map((cell, i) => cell.padEnd(widths[i]))
              .join('  ')
              .trimEnd() + '\n',
          );
        }
      }
      for (const d of workbench.template.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    } finally {
      await workbench.close();
    }
  });
}
