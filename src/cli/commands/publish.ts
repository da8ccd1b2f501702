import type { Command } from 'commander';
import { checkDescription } from '../../core/config';
import type { CommonOptions } from '../templateOption';
import { runVersionsCommand } from '../versionsHost';

interface PublishOptions extends CommonOptions {
  description?: string;
  json?: boolean;
}

export function registerPublish(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('publish')
      .description('Publish $LATEST of a function as a new version (PublishVersion): its code, layers and configuration, frozen')
      .argument('<function>', 'logical id or function name')
      .option('-d, --description <text>', 'description of the version (up to 256 characters)')
      .option('--json', 'print the version as PublishVersion returns it')
      .addHelpText(
        'after',
        [
          '',
          'Nothing changed since the latest version: that version is kept (and printed), as Lambda does.',
          'Versions live in the state directory (.lambda-workbench/functions/<function>/versions next to the',
          'template); a running `lambda-workbench serve` can invoke them at once.',
        ].join('\n'),
      ),
  ).action(async (name: string, options: PublishOptions) =>
    runVersionsCommand(options, async (context) => {
      const fn = context.require(name);
      checkDescription(options.description);
      const { record, created } = await context.versions.publish(fn, { description: options.description });
      if (options.json) {
        process.stdout.write(JSON.stringify(await context.controlPlane.getFunctionConfiguration(fn.functionName, record.version), null, 2) + '\n');
      } else {
        process.stdout.write(created ? `Published ${name} version ${record.version}\n` : `${name} is unchanged since version ${record.version}\n`);
      }
    }),
  );
}
