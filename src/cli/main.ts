import { Command, CommanderError } from 'commander';
import { registerBuild } from './commands/build';
import { registerInvoke } from './commands/invoke';
import { registerDestinations } from './commands/destinations';
import { registerList } from './commands/list';
import { registerServe } from './commands/serve';
import { registerStartApi } from './commands/startApi';
import { registerAlias } from './commands/alias';
import { registerPublish } from './commands/publish';
import { registerVersions } from './commands/versions';
import { registerSources } from './commands/sources';
import { registerEvents } from './commands/events';
import { registerGenerateEvent } from './commands/generateEvent';
import { UsageError } from './templateOption';

// lambda-workbench: the command-line twin of the extension, on the same engine.

const VERSION = '0.1.0';

// The AWS SDK (credential providers, real queue / stream endpoints) warns on every run under Node
// < 22 about its own future support policy: noise for a CLI user, whose functions it does not affect.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value);
}

/** Options every command that reads a template takes. */
function withCommon(command: Command): Command {
  return command
    .option('-t, --template <file>', 'SAM / CloudFormation template (default: template.yaml in the current directory)')
    .option('--region <region>', 'region for ARNs and AWS_REGION', undefined)
    .option('--node-path <path>', 'node binary for nodejs* functions (default: node on PATH)')
    .option(
      '--no-java-class-data-sharing',
      "Java functions start without their class-data sharing archive (made by a function's first cold start, mapped by later ones)",
    )
    .option(
      '--parameter-overrides <overrides>',
      'template parameter values, as SAM takes them: "Key=Value Key2=Value2" or "ParameterKey=Key,ParameterValue=Value" (repeatable)',
      collect,
    )
    .option('--config-file <file>', 'SAM configuration file (default: samconfig.toml / .yaml / .yml in the current directory, else next to the template)')
    .option('--config-env <env>', 'environment of the SAM configuration file (default: default)')
    .option(
      '--source-endpoint <Name=url>',
      'a queue or stream of the template (logical id, name or ARN) on a real endpoint instead of embedded, e.g. Jobs=http://127.0.0.1:9324 (repeatable; region: --region; credentials: your AWS chain)',
      collect,
    );
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('lambda-workbench')
    .description("Run AWS Lambda functions natively with Lambda's execution-environment lifecycle — no Docker.")
    .version(VERSION)
    // Program options only before the command: `alias … --version N` is the alias command's option.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError();
  registerInvoke(program, withCommon);
  registerList(program, withCommon);
  registerDestinations(program, withCommon);
  registerServe(program, withCommon);
  registerStartApi(program, withCommon);
  registerPublish(program, withCommon);
  registerAlias(program, withCommon);
  registerVersions(program, withCommon);
  registerSources(program, withCommon);
  registerGenerateEvent(program);
  registerBuild(program, withCommon);
  registerEvents(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`lambda-workbench: internal error: ${(error as Error).stack ?? error}\n`);
    return 3;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
