import * as path from 'node:path';
import type { Command } from 'commander';
import { LambdaApiServer } from '../../core/api/lambdaApi';
import type { TelemetryEvent } from '../../core/telemetry/events';
import { formatLogLine } from '../../core/telemetry/logFormat';
import { openWorkbench, UsageError, type CommonOptions } from '../templateOption';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
  allowRemote?: boolean;
  verifySignatures?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('serve')
      .description('Serve the local Lambda API (Invoke) for the AWS SDK and CLI on loopback; logs on stderr')
      .option('--port <port>', 'port (0 picks a free one)', '3001')
      .option('--host <host>', 'address to bind', '127.0.0.1')
      .option('--allow-remote', 'allow binding to an address other than loopback (anyone who can reach it can run your functions)')
      .option('--verify-signatures', 'reject requests not SigV4-signed with the given credentials (InvalidSignatureException)')
      .option('--access-key-id <id>', 'access key id the requests must be signed with (with --verify-signatures)', process.env.AWS_ACCESS_KEY_ID)
      .option('--secret-access-key <secret>', 'secret key the requests must be signed with (default: $AWS_SECRET_ACCESS_KEY)')
      .addHelpText('after', '\nExample:\n  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name HelloCjs out.json'),
  ).action(async (options: ServeOptions) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${options.port}"`);
    if (!LOOPBACK.has(options.host)) {
      if (!options.allowRemote) throw new UsageError(`Refusing to bind to ${options.host}: the API runs your functions for anyone who can reach it. Pass --allow-remote to do it anyway.`);
      process.stderr.write(`WARNING: the Lambda API is bound to ${options.host}, not loopback: anyone who can reach this address can invoke your functions.\n`);
    }
    const secretAccessKey = options.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY;
    if (options.verifySignatures && (!options.accessKeyId || !secretAccessKey)) {
      throw new UsageError('--verify-signatures needs --access-key-id and --secret-access-key (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
    }
    const workbench = await openWorkbench(options);
    // Log lines are written once per turn of the event loop, not one write per line: under load
    // a write per START/END/REPORT line is a measurable share of the host's CPU.
    let pending = '';
    workbench.telemetry.subscribe((event) => {
      const line = event.type === 'workbench.reload' ? reloadLine(event as TelemetryEvent<'workbench.reload'>, path.dirname(workbench.template.file)) : formatLogLine(event);
      if (line === undefined) return;
      if (pending === '') setImmediate(() => {
        process.stderr.write(pending);
        pending = '';
      });
      pending += `${event.environmentId ? `[${event.functionName} ${event.environmentId}] ` : ''}${line}\n`;
    });
    const api = new LambdaApiServer(workbench, {
      host: options.host,
      port,
      verifySignatures: options.verifySignatures ? { accessKeyId: options.accessKeyId!, secretAccessKey: secretAccessKey!, region: workbench.settings.region } : undefined,
    });
    let listening: { url: string };
    try {
      listening = await api.listen();
    } catch (error) {
      await workbench.close();
      throw new UsageError(`Cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
    }
    process.stdout.write(`Lambda API listening on ${listening.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stderr.write('Shutting down: every environment gets SHUTDOWN…\n');
    await api.close();
    await workbench.close();
  });
}

/** `Reloaded Echo ($LATEST): code changed (src/app.js)`, paths relative to the template's directory. */
function reloadLine(event: TelemetryEvent<'workbench.reload'>, projectDir: string): string {
  const { functionName, reason, paths } = event.record;
  const shown = paths.slice(0, 3).map((p) => path.relative(projectDir, p) || p);
  if (paths.length > shown.length) shown.push(`${paths.length - shown.length} more`);
  return `Reloaded ${functionName} (${event.functionVersion ?? '$LATEST'}): ${reason} changed (${shown.join(', ')})`;
}
