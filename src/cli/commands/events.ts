import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { findTemplate, type FunctionDefinition, loadTemplate } from '../../core/config';
import { EventOptionError, findSavedEvent, listSavedEvents, lookupSampleEvent, readSavedEvent, SavedEventError } from '../../core/events';
import { functionRefOf, type Workbench } from '../../core';
import { UsageError } from '../templateOption';

// Saved events: `lambda-workbench events [Function]` lists them; `invoke --event-name` replays one and
// `invoke --sample service/type` invokes with a generated one (helpers below, used by invoke).

export interface EventsDirOptions {
  template?: string;
  eventsDir?: string;
}

/**
 * The events folder: --events-dir, else `events/` next to the template (-t, or the current
 * directory's template), else `events/` in the current directory when there is no template.
 */
export function resolveEventsDir(options: EventsDirOptions): string {
  if (options.eventsDir) return path.resolve(options.eventsDir);
  return path.join(path.dirname(templateFile(options.template) ?? path.join(process.cwd(), 'template.yaml')), 'events');
}

/** The template file for -t (a file or a directory), or the current directory's; undefined if there is none and -t was not given. */
export function templateFile(option: string | undefined): string | undefined {
  if (!option) return findTemplate(process.cwd());
  const full = path.resolve(option);
  if (!fs.existsSync(full)) throw new UsageError(`Template not found: ${option}`);
  if (fs.statSync(full).isDirectory()) {
    const found = findTemplate(full);
    if (!found) throw new UsageError(`No template.yaml, template.yml or template.json in ${option}`);
    return found;
  }
  return full;
}

/** The template's function by logical id or function name; UsageError naming the functions when unknown. */
export async function templateFunction(template: string, name: string): Promise<FunctionDefinition> {
  const model = await loadTemplate(template);
  const fn = model.functions.find((f) => f.logicalId === name || f.functionName === name);
  if (!fn) throw new UsageError(`Function ${name} is not in the template (functions: ${model.functions.map((f) => f.logicalId).join(', ') || 'none'})`);
  return fn;
}

export function relativePath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('List the saved events (events/*.json, shared, and events/<Function>/*.json) of the project')
    .argument('[function]', "only the shared events and this function's (logical id or function name)")
    .option('-t, --template <file>', 'SAM / CloudFormation template (default: template.yaml in the current directory)')
    .option('--events-dir <dir>', 'the events folder (default: events/ next to the template)')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      [
        '',
        'Save one with `lambda-workbench generate-event <service> <type> --save <name> [--function F]`,',
        "replay one with `lambda-workbench invoke <Function> --event-name <name>` (the function's own folder first).",
      ].join('\n'),
    )
    .action(async (functionName: string | undefined, options: EventsDirOptions & { json?: boolean }) => {
      const dir = resolveEventsDir(options);
      let names: string[] | undefined;
      if (functionName !== undefined) {
        const template = templateFile(options.template);
        names = [functionName];
        if (template) {
          const fn = await templateFunction(template, functionName);
          names = [fn.logicalId, fn.functionName];
        }
      }
      const events = listSavedEvents(dir, names);
      if (options.json) {
        process.stdout.write(
          JSON.stringify(
            events.map((e) => ({ name: e.name, function: e.function ?? null, file: e.file })),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      if (events.length === 0) {
        process.stderr.write(`No saved events in ${relativePath(dir)}${functionName ? ` for ${functionName}` : ''}\n`);
        return;
      }
      const rows = [['NAME', 'FUNCTION', 'FILE'], ...events.map((e) => [e.name, e.function ?? '(shared)', relativePath(e.file)])];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      for (const row of rows) {
        process.stdout.write(
          row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join('  ')
            .trimEnd() + '\n',
        );
      }
    });
}

// --- for invoke ---

export interface InvokeEventOptions extends EventsDirOptions {
  event?: string;
  eventJson?: string;
  sample?: string;
  eventName?: string;
}

/**
 * `--sample service/type`: the generated event. `--event-name`: undefined (it needs the function,
 * see savedEventFor). Checks that only one way of giving the event is used.
 */
export function presetEvent(options: InvokeEventOptions): Buffer | undefined {
  const given = [
    ['--event', options.event],
    ['--event-json', options.eventJson],
    ['--sample', options.sample],
    ['--event-name', options.eventName],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  if (given.length > 1) throw new UsageError(`Give only one of --event, --event-json, --sample and --event-name (got ${given.join(' and ')})`);
  if (options.sample === undefined) return undefined;
  const [service, type, ...rest] = options.sample.split(/[/:]/);
  if (!service || !type || rest.length > 0) throw new UsageError(`--sample expects <service>/<type>, e.g. s3/put, got "${options.sample}"`);
  try {
    return Buffer.from(JSON.stringify(lookupSampleEvent(service, type).generate({})), 'utf8');
  } catch (error) {
    if (error instanceof EventOptionError) throw new UsageError(`--sample: ${error.message}`);
    throw error;
  }
}

/** `--event-name`: the function's own saved event (events/<Function>/<name>.json), else the shared one. */
export function savedEventFor(options: InvokeEventOptions, workbench: Workbench, functionRef: string): Buffer {
  const name = options.eventName!;
  const base = functionRefOf(functionRef).name;
  const fn = workbench.getFunction(base);
  const names = fn ? [fn.logicalId, fn.functionName] : [base];
  const dir = options.eventsDir ? path.resolve(options.eventsDir) : path.join(path.dirname(workbench.template.file), 'events');
  try {
    const saved = findSavedEvent(dir, name, names);
    if (!saved) {
      const known = [...new Set(listSavedEvents(dir, names).map((e) => e.name))];
      throw new UsageError(`No saved event "${name}" for ${names[0]} in ${relativePath(dir)} (saved: ${known.join(', ') || 'none'})`);
    }
    return Buffer.from(readSavedEvent(saved), 'utf8');
  } catch (error) {
    if (error instanceof SavedEventError) throw new UsageError(error.message);
    throw error;
  }
}
