import * as os from 'node:os';
import * as path from 'node:path';
import type { EnvironmentOverrides } from '../config/samOverrides';
import type { CredentialResolver } from '../environment/credentials';
import type { AsyncSettings } from '../invoke/asyncInvoker';
import type { JwksSetting } from '../http/authorizers/jwks';
import type { SourceEndpoints } from '../sources/declarations';
import { DEFAULT_REGION } from '../vocabulary/functionNames';

// The engine's settings and their defaults: the library's defaults, which the CLI uses; the
// extension reads its own from VS Code's configuration (package.json declares those defaults).

export interface WorkbenchSettings {
  region: string;
  /** node binary for nodejs* functions (default: `node` on PATH). */
  nodePath?: string;
  /** Cap Node's heap from MemorySize as Lambda does (default true; off: ~8 ms faster cold starts). */
  nodeHeapLimit?: boolean;
  /** Python interpreter for python3.* functions (default: `python3.X`, else `python3`, on PATH). */
  pythonPath?: string;
  /** Ruby for ruby3.* functions (default: `rubyX.Y`, else `ruby`, on PATH). */
  rubyPath?: string;
  /** `java` for java11 / java17 / java21 functions (default: JAVA_HOME/bin/java, else `java` on PATH). */
  javaPath?: string;
  /** Class-data sharing per Java function: an archive made by its first cold start, mapped by later ones (default true). */
  javaClassDataSharing?: boolean;
  /** Idle environments are shut down after this long (default 10 minutes). */
  keepAliveSeconds: number;
  /** Lambda's on-demand INIT limit (default 10 s). */
  initTimeoutSeconds: number;
  /** Engine-wide concurrency (default 1000). */
  accountConcurrency: number;
  /** SIGTERM → SIGKILL grace when an environment shuts down. */
  shutdownGraceMs: number;
  /** Parent of the per-environment TMPDIRs. */
  tmpRoot: string;
  /** Where the engine keeps its state (materialised layers…); default `.lambda-workbench` next to the template. */
  stateDir?: string;
  /** Credentials handed to functions (default: the user's chain, else fake ones). */
  credentials?: CredentialResolver;
  parameterOverrides?: Record<string, string>;
  /**
   * SAM's `--env-vars` (`{"Parameters": {...}, "<LogicalId or FunctionName>": {...}}`): values for the
   * variables the template declares, in every environment the engine starts (all versions).
   */
  environmentOverrides?: EnvironmentOverrides;
  /**
   * The shell's variables, which replace the template's values of the variables it declares (under
   * `environmentOverrides`), as `sam local` does. The CLI passes its own environment; the extension
   * does not (VS Code's environment is not the shell the user configured).
   */
  shellEnvironment?: Readonly<Record<string, string | undefined>>;
  /**
   * At open, do what a deployment of the template would: AutoPublishAlias publishes changed
   * functions and moves its alias, AWS::Lambda::Version / Alias resources are published and
   * created (default true; false for tools that only read or edit the state).
   */
  applyTemplateVersions?: boolean;
  /** Start provisioned environments at open (default true; false for tools that run nothing). */
  provision?: boolean;
  /** Provisioned concurrency of $LATEST per function name or logical id (a local convenience: Lambda provisions versions and aliases only). */
  provisionedConcurrency?: Record<string, number>;
  /** Asynchronous invocation: delay before each retry after a function error (default [1, 2]; Lambda: 60, 120). */
  asyncRetryDelaysSeconds?: number[];
  /** Overrides every function's MaximumEventAgeInSeconds (local testing; the template's minimum is 60). */
  asyncMaximumEventAgeSeconds?: number;
  /** At most this many asynchronous attempts of one function in flight (default 10; see asyncPolicy.ts). */
  asyncConcurrency?: number;
  /** Process queued asynchronous events (default true; false for tools that only read the store). */
  asyncWorkers?: boolean;
  /** On close, attempts in flight get this long to finish and be recorded; later ones stay queued (default 2000). */
  asyncCloseGraceMs?: number;
  /** Run the event source mappings' pollers (default true; false for tools that run nothing). */
  eventSourceMappings?: boolean;
  /** Queues and streams on real endpoints instead of embedded: logical id, name or ARN → endpoint. */
  sourceEndpoints?: SourceEndpoints;
  /** Build functions as `sam build` would (BuildMethod esbuild, dependencies…) at open and on hot reload (default true). */
  build?: boolean;
  /** Watch the template, code and layer directories and retire $LATEST environments on changes (default true). */
  hotReload?: boolean;
  /**
   * The keys JWT and Cognito authorizers verify tokens with (nothing is fetched): issuer → its JWKS,
   * inline or a file (relative to the template's directory). A token of an issuer without one is refused.
   */
  jwks?: JwksSetting;
}

export const DEFAULT_SETTINGS: WorkbenchSettings = {
  region: DEFAULT_REGION,
  keepAliveSeconds: 600,
  initTimeoutSeconds: 10,
  accountConcurrency: 1000,
  shutdownGraceMs: 500,
  tmpRoot: path.join(os.tmpdir(), 'lambda-workbench'),
};

/** What asynchronous invocation takes of the settings, with its defaults. */
export function asyncSettingsOf(settings: WorkbenchSettings): AsyncSettings {
  return {
    region: settings.region,
    accountConcurrency: settings.accountConcurrency,
    retryDelaysSeconds: settings.asyncRetryDelaysSeconds ?? [1, 2],
    maximumEventAgeSeconds: settings.asyncMaximumEventAgeSeconds,
    maxConcurrencyPerFunction: settings.asyncConcurrency ?? 10,
    workers: settings.asyncWorkers ?? true,
  };
}
