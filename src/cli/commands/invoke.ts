import * as fs from 'node:fs';
import type { Command } from 'commander';
import { formatTerminalLine, functionRefOf, type InvocationResult, isWorkbenchError, type TelemetryEvent, type Workbench } from '../../core';
import { parseJsonWithPosition, SAM_CONFIG_SECTIONS } from '../../core/config';
import { openWorkbench, printTemplateWarnings, UsageError, type CommonOptions } from '../templateOption';
import { presetEvent, savedEventFor } from './events';

interface InvokeCommandOptions extends CommonOptions {
  phases?: boolean;
  event?: string;
  eventJson?: string;
  sample?: string;
  eventName?: string;
  eventsDir?: string;
  qualifier?: string;
  repeat: string;
  concurrency: string;
}

export function registerInvoke(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('invoke')
      .description('Invoke a function: the response on stdout (one JSON document per invocation), the logs on stderr')
      .argument('[function]', "logical id or function name (name:qualifier and ARNs accepted); default: the template's only function")
      .option('-e, --event <file>', 'event file, or - for standard input')
      .option('-n, --env-vars <file>', 'SAM environment variables file: {"Parameters": {...}} for every function, {"<LogicalId>": {...}} for one')
      .option('--event-json <json>', 'event as inline JSON')
      .option('--sample <service/type>', 'a generated sample event with default options, e.g. s3/put (see generate-event)')
      .option('--event-name <name>', 'a saved event: events/<Function>/<name>.json, else events/<name>.json (see events)')
      .option('--events-dir <dir>', 'the events folder for --event-name (default: events/ next to the template)')
      .option('-q, --qualifier <qualifier>', 'version or alias ($LATEST by default)')
      .option('--repeat <n>', 'number of invocations', '1')
      .option('--concurrency <c>', 'invocations in flight at once', '1')
      .option('--phases', 'after each INIT, print how long its sub-phases took (extension, runtime, function init)')
      .addHelpText('after', '\nExit status: 0 success, 1 a function error (its error JSON on stdout), 2 usage or template errors.'),
  ).action(async (functionArgument: string | undefined, options: InvokeCommandOptions) => {
    const repeat = positiveInteger(options.repeat, '--repeat');
    const concurrency = positiveInteger(options.concurrency, '--concurrency');
    const payload = options.sample !== undefined || options.eventName !== undefined ? presetEvent(options) : readEvent(options);
    // A one-shot command leaves queued asynchronous events to `serve` (or the extension), and
    // watches nothing: it ends before an edit could matter.
    const workbench = await openWorkbench(options, { asyncWorkers: false, hotReload: false, eventSourceMappings: false }, SAM_CONFIG_SECTIONS.invoke);
    printTemplateWarnings(workbench);
    const stopLogs = printLogs(workbench, repeat > 1 || concurrency > 1, options.phases === true);
    const onSignal = () => void workbench.close().then(() => process.exit(130));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const functionName = functionArgument ?? onlyFunction(workbench);
      if (!functionName.startsWith('arn:') && !workbench.getFunction(functionRefOf(functionName).name)) {
        const known =
          workbench
            .functions()
            .map((f) => f.logicalId)
            .join(', ') || 'none';
        throw new UsageError(`Function ${functionName} is not in the template (functions: ${known})`);
      }
      const event = payload ?? savedEventFor(options, workbench, functionName);
      const failures = await runAll(workbench, functionName, event, options.qualifier, repeat, concurrency);
      process.exitCode = failures > 0 ? 1 : 0;
    } finally {
      await workbench.close();
      stopLogs();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

/** No function named: the template's only one, as `sam local invoke` does; with several, SAM's message. */
function onlyFunction(workbench: Workbench): string {
  const functions = workbench.functions();
  if (functions.length === 1) return functions[0]!.logicalId;
  throw new UsageError(
    'You must provide a function logical ID when there are more than one functions in your template. ' +
      `Possible options in your template: [${functions.map((f) => `'${f.logicalId}'`).join(', ')}]`,
  );
}

/** Invokes `repeat` times with `concurrency` in flight; returns how many failed. */
async function runAll(
  workbench: Workbench,
  name: string,
  payload: Buffer,
  qualifier: string | undefined,
  repeat: number,
  concurrency: number,
): Promise<number> {
  let started = 0;
  let failures = 0;
  let cold = 0;
  const environments = new Set<string>();
  const worker = async () => {
    while (started < repeat) {
      started++;
      let result: InvocationResult;
      try {
        result = await workbench.invoke(name, payload, { qualifier });
      } catch (error) {
        if (!isWorkbenchError(error) || error.code !== 'TooManyRequestsException') throw error;
        failures++;
        process.stdout.write(JSON.stringify({ errorType: error.code, errorMessage: error.message, Reason: error.reason }) + '\n');
        continue;
      }
      await result.logs;
      environments.add(result.environmentId);
      if (result.coldStart) cold++;
      if (result.functionError) failures++;
      process.stdout.write(result.payload.toString('utf8').replace(/\n$/, '') + '\n');
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, repeat) }, worker));
  } catch (error) {
    if (isWorkbenchError(error)) throw new UsageError(`${error.code}: ${error.message}`);
    throw error;
  }
  if (repeat > 1) {
    process.stderr.write(`${repeat} invocations: ${cold} cold start(s), ${repeat - cold} warm; ${environments.size} environment(s); ${failures} failed\n`);
  }
  return failures;
}

/** Lambda's log lines on stderr, prefixed with the environment when several may interleave. */
function printLogs(workbench: Workbench, prefixWithEnvironment: boolean, phases: boolean): () => void {
  return workbench.telemetry.subscribe((event) => {
    const prefix = prefixWithEnvironment && event.environmentId ? `[${event.environmentId}] ` : '';
    if (phases && event.type === 'platform.initReport') {
      const { spans, metrics } = event.record as TelemetryEvent<'platform.initReport'>['record'];
      const parts = spans.map((s) => `${s.name.replace(/Init$/, '')} ${s.durationMs.toFixed(2)} ms`);
      process.stderr.write(`${prefix}(workbench) INIT ${metrics.durationMs.toFixed(2)} ms = ${parts.join(' + ')}\n`);
    }
    const line = formatTerminalLine(event);
    if (line !== undefined) process.stderr.write(prefix + line + '\n');
  });
}

function readEvent(options: InvokeCommandOptions): Buffer {
  if (options.event && options.eventJson) throw new UsageError('Give either --event or --event-json, not both');
  let text = '{}';
  let source = '--event-json';
  if (options.eventJson !== undefined) text = options.eventJson;
  else if (options.event === '-') {
    text = fs.readFileSync(0, 'utf8');
    source = '<stdin>';
  } else if (options.event) {
    if (!fs.existsSync(options.event)) throw new UsageError(`Event file not found: ${options.event}`);
    text = fs.readFileSync(options.event, 'utf8');
    source = options.event;
  }
  const parsed = parseJsonWithPosition(text);
  if ('problem' in parsed) {
    const { line, column, message } = parsed.problem;
    throw new UsageError(`${source}:${line}:${column}: The event is not valid JSON: ${message}`);
  }
  return Buffer.from(text, 'utf8');
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}
