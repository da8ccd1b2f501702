import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { HttpFrontEnd, type IntegrationTimeout, type RouteConflict } from '../../core';
import { SAM_CONFIG_SECTIONS, type ApiRouteDefinition, type SamConfigValues } from '../../core/config';
import { checkBindAddress } from '../bindAddress';
import { streamEngineLog } from '../engineLog';
import { untilStopped } from '../untilStopped';
import { collectJwks, JWKS_FLAGS, JWKS_HELP, parseJwksOption } from '../jwksOption';
import { openWorkbench, printTemplateWarnings, UsageError, type CommonOptions } from '../templateOption';

// `lambda-workbench start-api`: `sam local start-api` — every REST (`Api`) and HTTP API (`HttpApi`)
// route of the template on one port (3000), with API Gateway's precedence across both, and the
// files of the static directory (`public`, beside the template) at `/`. Its options are SAM's;
// samconfig's `local_start_api` section gives what the command line does not.

interface StartApiOptions extends CommonOptions {
  port: string;
  host: string;
  allowRemote?: boolean;
  staticDir: string;
  warmContainers?: string;
  /** `--jwks issuer=file`, repeatable (jwksOption.ts). */
  jwks?: string[];
}

const WARM_CONTAINER_MODES = ['EAGER', 'LAZY'];

export function registerStartApi(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('start-api')
      .description("Serve the template's REST and HTTP API routes on one port, as `sam local start-api`; logs on stderr")
      .option('-p, --port <port>', 'port (0 picks a free one)', '3000')
      .option('--host <host>', 'address to bind', '127.0.0.1')
      .option('--allow-remote', 'allow binding to an address other than loopback (anyone who can reach it can run your functions)')
      .option('-n, --env-vars <file>', 'SAM environment variables file: {"Parameters": {...}} for every function, {"<LogicalId>": {...}} for one')
      .option('-s, --static-dir <dir>', "files served at / before the routes, relative to the template's directory (when it exists)", 'public')
      .option('--warm-containers <mode>', "SAM's EAGER or LAZY: accepted; environments here stay warm between requests either way")
      .option(JWKS_FLAGS, JWKS_HELP, collectJwks)
      .addHelpText('after', '\nExample:\n  lambda-workbench start-api\n  curl http://127.0.0.1:3000/hello'),
  ).action(async (options: StartApiOptions, command: Command) => {
    const given = (name: string) => command.getOptionValueSource(name) !== 'default';
    let port = 0;
    let host = options.host;
    let staticDir = options.staticDir;
    const fromConfig = (config: SamConfigValues | undefined) => {
      // An option on the command line wins over samconfig's, which wins over the default.
      port = portNumber(given('port') || config?.port === undefined ? options.port : String(config.port));
      if (!given('host') && config?.host) host = config.host;
      if (!given('staticDir') && config?.staticDir) staticDir = config.staticDir;
      const warm = options.warmContainers ?? config?.warmContainers;
      if (warm !== undefined && !WARM_CONTAINER_MODES.includes(warm.toUpperCase())) {
        throw new UsageError(`--warm-containers must be EAGER or LAZY, got "${warm}"`);
      }
      checkBindAddress(host, options.allowRemote, 'the local API');
    };
    const workbench = await openWorkbench(options, { jwks: parseJwksOption(options.jwks) }, SAM_CONFIG_SECTIONS.startApi, fromConfig);
    printTemplateWarnings(workbench);
    const routes = workbench.template.httpFrontEnds?.routes ?? [];
    if (routes.length === 0) {
      await workbench.close();
      throw new UsageError('Template does not have any APIs connected to Lambda functions (Api or HttpApi events)');
    }
    streamEngineLog(workbench);
    // SAM resolves the static directory against the template's directory and mounts it only when it exists.
    const staticPath = path.resolve(path.dirname(workbench.template.file), staticDir);
    const servesStatic = fs.statSync(staticPath, { throwIfNoEntry: false })?.isDirectory() ?? false;
    const frontEnd = new HttpFrontEnd(workbench, {
      host,
      apiPort: port,
      functionUrls: false,
      staticDir: servesStatic ? staticPath : undefined,
      onIntegrationTimeout: (timeout) => process.stderr.write(`WARNING ${integrationTimeoutWarning(timeout)}\n`),
    });
    let endpoint;
    try {
      [endpoint] = await frontEnd.start();
    } catch (error) {
      await frontEnd.close();
      await workbench.close();
      throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
    for (const route of endpoint!.routes ?? []) process.stdout.write(`${mountLine(route, endpoint!.url)}\n`);
    if (servesStatic) process.stdout.write(`Mounting static files from ${staticPath} at /\n`);
    for (const conflict of endpoint!.conflicts ?? []) process.stderr.write(`WARNING ${routeConflictWarning(conflict)}\n`);
    process.stdout.write(`Local API listening on ${endpoint!.url}\n`);
    await untilStopped();
    await frontEnd.close();
    await workbench.close();
  });
}

function portNumber(value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${value}"`);
  return port;
}

/** `Mounting Items at http://127.0.0.1:3000/items/{id} [GET] (HTTP API)`, as SAM lists its routes. */
function mountLine(route: ApiRouteDefinition, url: string): string {
  const target = route.qualifier ? `${route.functionName}:${route.qualifier}` : route.functionName;
  if (route.path === '$default') return `Mounting ${target} at ${url}/ $default [ANY] (HTTP API: every request no other route takes)`;
  const kind = route.api === 'rest' ? 'REST API' : route.payloadFormatVersion === '1.0' ? 'HTTP API, payload 1.0' : 'HTTP API';
  return `Mounting ${target} at ${url}${route.path} [${route.method}] (${kind})`;
}

/** `GET /slow: Slow did not answer within API Gateway's integration timeout (29000 ms): 504 sent; RequestId … runs on to its own timeout`. */
export function integrationTimeoutWarning(t: IntegrationTimeout): string {
  return `${t.method} ${t.path}: ${t.functionName} did not answer within API Gateway's integration timeout (${t.timeoutMs} ms): ${t.status} sent; RequestId ${t.requestId} runs on to its own timeout`;
}

/** The warning for a route that a REST and an HTTP API both claim on one port, saying which answers. */
export function routeConflictWarning({ routeKey, winner, shadowed }: RouteConflict): string {
  const api = (r: ApiRouteDefinition) => `the ${r.api === 'rest' ? 'REST API' : 'HTTP API'} (${r.functionName}, event ${r.eventName}, line ${r.position.line})`;
  return `${routeKey} is claimed by ${api(winner)} and by ${api(shadowed)}; on one port the first declared answers: ${winner.functionName} (${winner.api === 'rest' ? 'REST API' : 'HTTP API'}).`;
}
