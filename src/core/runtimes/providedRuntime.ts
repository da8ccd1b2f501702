import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { isExecutableFile } from '../util/executables';
import type { LaunchOptions, RuntimeAdapter, RuntimeLaunch } from './types';

// Custom runtimes (provided, provided.al2, provided.al2023): the function's own `bootstrap`
// executable, from the code directory or else from a layer (/opt/bootstrap on AWS).

export class ProvidedRuntime implements RuntimeAdapter {
  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const candidates = [path.join(fn.codeUri, 'bootstrap')];
    if (options.optDir) candidates.push(path.join(options.optDir, 'bootstrap'));
    const bootstrap = candidates.find(isExecutableFile);
    if (!bootstrap) {
      const found = candidates.find((c) => fs.existsSync(c));
      throw new Error(
        found ? `Couldn't start the runtime: ${found} is not executable (chmod +x it)` : `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`,
      );
    }
    const flavour = fn.runtime === 'provided' ? 'provided' : fn.runtime.replace('.', ':');
    return {
      command: bootstrap,
      args: [],
      runtimeDir: path.dirname(bootstrap),
      // No AWS_EXECUTION_ENV for custom runtimes, as on AWS.
      env: {},
      runtimeVersion: `${flavour}.local`,
      runtimeVersionArn: `local:${fn.runtime}:${bootstrap}`,
    };
  }
}
