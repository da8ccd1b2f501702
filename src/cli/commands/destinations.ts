import type { Command } from 'commander';
import { type DestinationMessage, isWorkbenchError } from '../../core';
import { openWorkbench, READ_ONLY_ENGINE, UsageError, type CommonOptions } from '../templateOption';

interface DestinationsCommandOptions extends CommonOptions {
  json?: boolean;
}

export function registerDestinations(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('destinations')
      .description('Show what the OnSuccess / OnFailure destinations and the dead-letter queue of a function received from its asynchronous invocations')
      .argument('<function>', 'logical id or function name')
      .option('--json', 'one JSON document per message (JSON lines) instead of a readable list')
      .addHelpText(
        'after',
        [
          '',
          'Records come from the state directory (.lambda-workbench/store next to the template). OnSuccess and',
          "OnFailure destinations receive Lambda's invocation record; a dead-letter queue receives the original",
          'event with the RequestID, ErrorCode and ErrorMessage attributes. Queued events are not processed by',
          'this command; it cannot read the store while another engine (e.g. serve) has it open.',
        ].join('\n'),
      ),
  ).action(async (functionName: string, options: DestinationsCommandOptions) => {
    const workbench = await openWorkbench(options, READ_ONLY_ENGINE);
    try {
      if (!workbench.getFunction(functionName)) {
        const known =
          workbench
            .functions()
            .map((f) => f.logicalId)
            .join(', ') || 'none';
        throw new UsageError(`Function ${functionName} is not in the template (functions: ${known})`);
      }
      let messages: DestinationMessage[];
      try {
        messages = await workbench.destinationRecords(functionName);
      } catch (error) {
        if (!isWorkbenchError(error)) throw error;
        process.stderr.write(`${error.code}: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      if (options.json) {
        for (const m of messages) process.stdout.write(JSON.stringify(m) + '\n');
      } else {
        printReadable(functionName, messages);
      }
    } finally {
      await workbench.close();
    }
  });
}

function printReadable(functionName: string, messages: DestinationMessage[]): void {
  if (messages.length === 0) {
    process.stdout.write(`No destination of ${functionName} has received anything yet.\n`);
    return;
  }
  const groups = new Map<string, DestinationMessage[]>();
  for (const m of messages) {
    const key = `${m.role} → ${m.destination} (${m.type})`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const [heading, list] of groups) {
    process.stdout.write(`${heading}: ${list.length} message(s)\n`);
    for (const m of list) {
      process.stdout.write(`  ${m.time}  request ${m.requestId}${m.invocationRequestId ? ` → invocation ${m.invocationRequestId}` : ''}\n`);
      if (m.attributes) {
        const attributes = Object.entries(m.attributes).map(([name, v]) => `${name}=${'StringValue' in v ? v.StringValue : v.Value}`);
        process.stdout.write(`    attributes: ${attributes.join(', ')}\n`);
      }
      process.stdout.write(`    ${m.body}\n`);
    }
  }
}
