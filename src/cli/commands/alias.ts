import type { Command } from 'commander';
import type { AliasConfiguration } from '../../core';
import { UsageError, type CommonOptions } from '../templateOption';
import { runVersionsCommand } from '../versionsHost';

interface AliasOptions extends CommonOptions {
  version?: string;
  weight?: string;
  description?: string;
  delete?: boolean;
  json?: boolean;
}

export function registerAlias(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('alias')
      .description('Create or update an alias of a function (CreateAlias / UpdateAlias), or delete it')
      .argument('<function>', 'logical id or function name')
      .argument('<name>', 'alias name (letters, digits, - and _; not all digits)')
      .option('--version <N>', 'the version the alias points to (a published number, or $LATEST)')
      .option('--weight <V=w>', 'weighted routing: send a fraction w (0–1) of invocations to version V, e.g. 2=0.1')
      .option('-d, --description <text>', 'description of the alias (kept when updating without it)')
      .option('--delete', 'delete the alias')
      .option('--json', 'print the alias as GetAlias returns it')
      .addHelpText(
        'after',
        [
          '',
          'The alias becomes exactly what is given: updating without --weight removes the routing.',
          'A running `lambda-workbench serve` uses the alias from its next invocation.',
        ].join('\n'),
      ),
  ).action(async (name: string, aliasName: string, options: AliasOptions) =>
    runVersionsCommand(options, async (context) => {
      if (options.delete) {
        if (options.version !== undefined || options.weight !== undefined) throw new UsageError('--delete takes no --version or --weight');
      } else if (options.version === undefined) {
        throw new UsageError('alias needs --version <N> (or --delete)');
      }
      const weights = options.weight === undefined ? undefined : parseWeight(options.weight);
      const fn = context.require(name);
      const cp = context.controlPlane;
      const exists = context.versions.store.getAlias(fn.functionName, aliasName) !== undefined;
      if (options.delete) {
        // GetAlias validates the name and reports a missing alias as Lambda's GetAlias does.
        await cp.getAlias(fn.functionName, aliasName);
        await cp.deleteAlias(fn.functionName, aliasName);
        process.stdout.write(`Deleted alias ${name}:${aliasName}\n`);
        return;
      }
      const input = { FunctionVersion: options.version, Description: options.description, RoutingConfig: { AdditionalVersionWeights: weights ?? {} } };
      const alias = exists ? await cp.updateAlias(fn.functionName, aliasName, input) : await cp.createAlias(fn.functionName, { Name: aliasName, ...input });
      if (options.json) process.stdout.write(JSON.stringify(alias, null, 2) + '\n');
      else process.stdout.write(`${exists ? 'Updated' : 'Created'} alias ${name}:${aliasName} → ${describeRouting(alias)}\n`);
    }),
  );
}

/** `2=0.1` → { '2': 0.1 } (the shape is checked here, the rules by the control plane). */
function parseWeight(value: string): Record<string, number> {
  const match = /^([^=]+)=(.+)$/.exec(value);
  const weight = match ? Number(match[2]) : NaN;
  if (!match || !Number.isFinite(weight)) throw new UsageError(`--weight expects VERSION=WEIGHT (e.g. 2=0.1), got "${value}"`);
  return { [match[1].trim()]: weight };
}

/** `2`, or `2 + 3 at 10%`. */
export function describeRouting(alias: Pick<AliasConfiguration, 'FunctionVersion' | 'RoutingConfig'>): string {
  const extra = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).map(([v, w]) => ` + ${v} at ${formatPercent(w)}`);
  return `${alias.FunctionVersion}${extra.join('')}`;
}

function formatPercent(weight: number): string {
  return `${Number((weight * 100).toFixed(2))}%`;
}
