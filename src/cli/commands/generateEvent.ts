import type { Command } from 'commander';
import {
  allOptions,
  CATALOG,
  COMMON_OPTIONS,
  EventOptionError,
  lookupSampleEvent,
  type OptionSpec,
  type SampleEventType,
  SavedEventError,
  saveEvent,
} from '../../core/events';
import { UsageError } from '../templateOption';
import { relativePath, resolveEventsDir, templateFile, templateFunction } from './events';

// `lambda-workbench generate-event <service> <type> [--option value…]`: a sample event in AWS's shape
// on stdout (2-space JSON), or saved in the events folder with --save. Service, type and option names
// follow `sam local generate-event` where SAM CLI has them. The options depend on the type, so this
// command parses its own arguments.

/** Options of the command itself, next to the event's. */
const OWN_OPTIONS: (OptionSpec & { label: string })[] = [
  {
    name: 'save',
    label: '--save <name>',
    kind: 'string',
    help: 'save the event as events/<name>.json (events/<Function>/<name>.json with --function) instead of printing it',
  },
  {
    name: 'function',
    label: '--function <Function>',
    kind: 'string',
    help: 'with --save: the function whose folder keeps the event (logical id or function name)',
  },
  { name: 'force', label: '--force', kind: 'flag', help: 'with --save: replace an existing event of that name' },
  { name: 'template', label: '-t, --template <file>', kind: 'string', help: 'SAM / CloudFormation template (default: template.yaml in the current directory)' },
  { name: 'events-dir', label: '--events-dir <dir>', kind: 'string', help: 'the events folder (default: events/ next to the template)' },
];

/** Every option name that takes no value, whatever the type (so options may come before service and type). */
const FLAGS = new Set([
  'force',
  'help',
  ...Object.values(CATALOG).flatMap((types) => Object.values(types).flatMap((t) => t.options.filter((o) => o.kind === 'flag').map((o) => o.name))),
]);

interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  help: boolean;
}

function parseArgs(args: string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], options: new Map(), help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg === '-t') {
      if (i + 1 >= args.length) throw new UsageError('-t needs a value');
      parsed.options.set('template', args[++i]);
    } else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) parsed.options.set(name, arg.slice(eq + 1));
      else if (FLAGS.has(name)) parsed.options.set(name, 'true');
      else {
        if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`);
        parsed.options.set(name, args[++i]);
      }
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`Unknown option ${arg}`);
    else parsed.positionals.push(arg);
  }
  return parsed;
}

function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function servicesHelp(): string {
  const rows = Object.entries(CATALOG).flatMap(([service, types]) => Object.entries(types).map(([type, t]) => [service, type, t.description]));
  return [
    'Usage: lambda-workbench generate-event <service> <type> [--option value…] [--save <name> [--function F] [--force]]',
    '',
    "Prints a sample event in AWS's shape (2-space JSON). Names follow `sam local generate-event`.",
    '',
    'Events:',
    table(rows).trimEnd(),
    '',
    'Options of every event:',
    table(COMMON_OPTIONS.map((o) => [`--${o.name}${o.kind === 'flag' ? '' : ' <value>'}`, optionHelp(o)])).trimEnd(),
    '',
    'Saving:',
    table(OWN_OPTIONS.map((o) => [o.label, o.help])).trimEnd(),
    '',
    "See an event's options with `lambda-workbench generate-event <service> <type> --help`;",
    'invoke with one directly: `lambda-workbench invoke <Function> --sample <service>/<type>`.',
    '',
  ].join('\n');
}

function optionHelp(o: OptionSpec): string {
  const choices = o.choices ? ` (${o.choices.join(' | ')})` : '';
  const def = o.kind === 'flag' ? '' : o.default === undefined ? '' : ` [default: ${o.default === '' ? '""' : o.default}]`;
  return `${o.help}${choices}${def}`;
}

function typeHelp(service: string, type: string, entry: SampleEventType): string {
  return [
    `Usage: lambda-workbench generate-event ${service} ${type} [--option value…]`,
    '',
    entry.description,
    '',
    'Options:',
    table(allOptions(entry).map((o) => [`--${o.name}${o.kind === 'flag' ? '' : ' <value>'}`, optionHelp(o)])).trimEnd(),
    '',
    'Saving:',
    table(OWN_OPTIONS.map((o) => [o.label, o.help])).trimEnd(),
    '',
  ].join('\n');
}

function serviceHelp(service: string): string {
  const rows = Object.entries(CATALOG[service]).map(([type, t]) => [type, t.description]);
  return [`Usage: lambda-workbench generate-event ${service} <type> [--option value…]`, '', 'Types:', table(rows).trimEnd(), ''].join('\n');
}

export function registerGenerateEvent(program: Command): void {
  program
    .command('generate-event')
    .description("Print a sample event of an AWS service (S3, SQS, Kinesis, DynamoDB, SNS, API Gateway, function URL, EventBridge…) in AWS's shape, or save it")
    .usage('<service> <type> [--option value…] [--save <name> [--function F]]')
    .argument('[args...]', "service, type and the type's options (`generate-event --help` lists them)")
    .allowUnknownOption()
    .helpOption(false)
    .passThroughOptions()
    .addHelpText('after', '\nRun `lambda-workbench generate-event --help` for the services, types and options.')
    .action(async (args: string[]) => runGenerateEvent(args));
}

async function runGenerateEvent(args: string[]): Promise<void> {
  const parsed = parseArgs(args);
  const [service, type, ...extra] = parsed.positionals;
  if (service === undefined) {
    process.stdout.write(servicesHelp());
    return;
  }
  if (!CATALOG[service]) throw new UsageError(`Unknown service "${service}" (services: ${Object.keys(CATALOG).join(', ')})`);
  if (type === undefined) {
    process.stdout.write(serviceHelp(service));
    return;
  }
  if (!CATALOG[service][type]) throw new UsageError(`Unknown ${service} event type "${type}" (types: ${Object.keys(CATALOG[service]).join(', ')})`);
  const entry = lookupSampleEvent(service, type);
  if (parsed.help) {
    process.stdout.write(typeHelp(service, type, entry));
    return;
  }
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}" (options are given as --name value)`);

  const own = new Map<string, string>();
  const values: Record<string, string> = {};
  const known = allOptions(entry);
  for (const [name, value] of parsed.options) {
    if (OWN_OPTIONS.some((o) => o.name === name)) own.set(name, value);
    else if (known.some((o) => o.name === name)) values[name] = value;
    else throw new UsageError(`Unknown option --${name} for ${service} ${type} (options: ${known.map((o) => `--${o.name}`).join(', ')})`);
  }
  if ((own.has('function') || own.has('force')) && !own.has('save')) throw new UsageError('--function and --force go with --save <name>');

  let event: unknown;
  try {
    event = entry.generate(values);
  } catch (error) {
    if (error instanceof EventOptionError) throw new UsageError(`${service} ${type}: ${error.message}`);
    throw error;
  }

  const saveName = own.get('save');
  if (saveName === undefined) {
    process.stdout.write(JSON.stringify(event, null, 2) + '\n');
    return;
  }
  const dirOptions = { template: own.get('template'), eventsDir: own.get('events-dir') };
  let folder = own.get('function');
  if (folder !== undefined) {
    const template = templateFile(dirOptions.template);
    // In a project, the folder is the function's logical id (whichever name was given).
    if (template) folder = (await templateFunction(template, folder)).logicalId;
  }
  try {
    const saved = saveEvent(resolveEventsDir(dirOptions), saveName, event, { function: folder, overwrite: own.get('force') === 'true' });
    process.stdout.write(`Saved ${service} ${type} as ${relativePath(saved.file)}\n`);
  } catch (error) {
    if (error instanceof SavedEventError) throw new UsageError(error.message);
    throw error;
  }
}
