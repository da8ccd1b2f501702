import type { FunctionDefinition } from '../config/types';

/** How to start a runtime for a function: the program and what it adds to the environment. */
export interface RuntimeLaunch {
  command: string;
  args: string[];
  /** LAMBDA_RUNTIME_DIR: where the runtime's own files live. */
  runtimeDir: string;
  /** Runtime-specific variables (AWS_EXECUTION_ENV, NODE_PATH…), on top of Lambda's common ones. */
  env: Record<string, string>;
  /** As printed in INIT_START (`nodejs:20.v13` on AWS). */
  runtimeVersion: string;
  runtimeVersionArn: string;
}

export interface LaunchOptions {
  /** Start with the runtime waiting for a debugger before any user code runs. */
  debug?: boolean;
  /** Debug mode: pause at the first line of the handler module (once a debugger is attached). */
  stopOnInit?: boolean;
  /** The materialised layers of the function version: our stand-in for /opt. */
  optDir?: string;
}

export interface RuntimeAdapter {
  launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch>;
}
