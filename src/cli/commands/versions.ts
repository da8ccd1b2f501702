import type { Command } from 'commander';
import type { CommonOptions } from '../templateOption';
import { runVersionsCommand } from '../versionsHost';
import { describeRouting } from './alias';

interface VersionsOptions extends CommonOptions {
  json?: boolean;
}

/** Pages are read to the end (the control plane pages like Lambda, 50 at a time by default). */
async function all<T>(page: (marker?: string) => Promise<{ items: T[]; nextMarker?: string }>): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const next = await page(marker);
    items.push(...next.items);
    marker = next.nextMarker;
  } while (marker);
  return items;
}

export function registerVersions(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('versions')
      .description('List the versions ($LATEST first) and aliases of a function')
      .argument('<function>', 'logical id or function name')
      .option('--json', 'print {Versions, Aliases} as ListVersionsByFunction and ListAliases return them'),
  ).action(async (name: string, options: VersionsOptions) =>
    runVersionsCommand(options, async (context) => {
      const fn = context.require(name);
      const cp = context.controlPlane;
      const versions = await all((marker) => cp.listVersionsByFunction(fn.functionName, { marker }));
      const aliases = await all((marker) => cp.listAliases(fn.functionName, { marker }));
      if (options.json) {
        process.stdout.write(JSON.stringify({ Versions: versions, Aliases: aliases }, null, 2) + '\n');
        return;
      }
      table([
        ['VERSION', 'CODE SHA256', 'LAST MODIFIED', 'DESCRIPTION'],
        ...versions.map((v) => [v.Version, `${String(v.CodeSha256).slice(0, 12)}…`, String(v.LastModified), String(v.Description ?? '')]),
      ]);
      process.stdout.write('\n');
      if (aliases.length === 0) {
        process.stdout.write(`${name} has no aliases (create one with: lambda-workbench alias ${name} <name> --version <N>)\n`);
        return;
      }
      table([['ALIAS', 'VERSION', 'DESCRIPTION'], ...aliases.map((a) => [a.Name, describeRouting(a), a.Description])]);
    }),
  );
}

function table(rows: string[][]): void {
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
