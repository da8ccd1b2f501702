import type { Command } from 'commander';
import { formatTerminalLine } from '../../core';
import { openWorkbench, READ_ONLY_ENGINE, UsageError, type CommonOptions } from '../templateOption';

// `lambda-workbench build [Function…]`: what `sam build` would build, into the state directory
// (`.lambda-workbench/build/<LogicalId>`), as invoke / serve / the extension build it before they
// run a stale function. Exit 1 when a build failed (its errors with file:line:column on stderr).

interface BuildCommandOptions extends CommonOptions {
  force?: boolean;
}

export function registerBuild(program: Command, withCommon: (command: Command) => Command): void {
  withCommon(
    program
      .command('build')
      .description('Build functions as sam build does (Metadata.BuildMethod esbuild, makefile, go1.x; npm and pip dependencies) into the state directory')
      .argument('[functions...]', 'functions to build, by logical id or name (default: every function)')
      .option('--force', 'rebuild even when the artefact is up to date'),
  ).action(async (functions: string[], options: BuildCommandOptions) => {
    // Builds happen below, on demand, not while the engine opens.
    const workbench = await openWorkbench(options, { ...READ_ONLY_ENGINE, build: false });
    try {
      const unknown = functions.filter((name) => !workbench.getFunction(name));
      if (unknown.length > 0) {
        const known =
          workbench
            .functions()
            .map((fn) => fn.logicalId)
            .join(', ') || 'none';
        throw new UsageError(`Not a function of the template: ${unknown.join(', ')} (functions: ${known})`);
      }
      const unsubscribe = workbench.telemetry.subscribe((event) => {
        if (event.type !== 'workbench.build') return;
        const line = formatTerminalLine(event) ?? `BUILD ${event.functionName}: up to date`;
        process.stderr.write(`${line}\n`);
      });
      const results = await workbench.builds.build(functions.length > 0 ? functions : undefined, { force: options.force === true });
      unsubscribe();
      if (results.length === 0) process.stderr.write('Nothing to build: no function has a BuildMethod or dependencies to install\n');
      const failed = results.filter((result) => result.status === 'failed');
      process.exitCode = failed.length > 0 ? 1 : 0;
    } finally {
      await workbench.close();
    }
  });
}
