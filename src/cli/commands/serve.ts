import type { Command } from 'commander';
import { type FrontEndEndpoint, HttpFrontEnd, LambdaApiServer, type SigningCredentials, userCredentialChain, writeServeDiscovery } from '../../core';
import { SAM_CONFIG_SECTIONS } from '../../core/config';
import { checkBindAddress } from '../bindAddress';
import { streamEngineLog } from '../engineLog';
import { untilStopped } from '../untilStopped';
import { integrationTimeoutWarning, routeConflictWarning } from './startApi';
import { collectJwks, JWKS_FLAGS, JWKS_HELP, parseJwksOption } from '../jwksOption';
import { openWorkbench, printTemplateWarnings, UsageError, type CommonOptions } from '../templateOption';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
  allowRemote?: boolean;
  verifySignatures?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  profile?: string;
  httpApiPort?: string;
  restApiPort?: string;
  apiPort?: string;
  urlPort?: string[];
  /** `--jwks issuer=file`, repeatable (jwksOption.ts). */
  jwks?: string[];
}

export function registerServe(program: Command, withCommon: (c: Command) => Command): void {
  withCommon(
    program
      .command('serve')
      .description('Serve the local Lambda API (Invoke) for the AWS SDK and CLI on loopback; logs on stderr')
      .option('--port <port>', 'port (0 picks a free one)', '3001')
      .option('-n, --env-vars <file>', 'SAM environment variables file: {"Parameters": {...}} for every function, {"<LogicalId>": {...}} for one')
      .option('--host <host>', 'address to bind', '127.0.0.1')
      .option('--allow-remote', 'allow binding to an address other than loopback (anyone who can reach it can run your functions)')
      .option(
        '--verify-signatures',
        'reject requests not SigV4-signed with your credentials (InvalidSignatureException): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else --profile or AWS_PROFILE (AWS_IAM function URLs always verify them)',
      )
      .option(
        '--access-key-id <id>',
        'access key id the requests must be signed with (--verify-signatures, AWS_IAM function URLs)',
        process.env.AWS_ACCESS_KEY_ID,
      )
      .option(
        '--secret-access-key <secret>',
        'secret key the requests must be signed with (default: $AWS_SECRET_ACCESS_KEY; visible in process lists: prefer the variable or --profile)',
      )
      .option(
        '--profile <name>',
        'credentials profile whose keys the requests must be signed with (--verify-signatures, AWS_IAM function URLs; default: $AWS_PROFILE)',
      )
      .option('--http-api-port <port>', "port of the HttpApi events' HTTP API (default: a free one)")
      .option('--rest-api-port <port>', "port of the Api events' REST API (default: a free one)")
      .option('--api-port <port>', 'one port for the routes of both APIs, as start-api serves them (instead of --http-api-port and --rest-api-port)')
      .option(
        '--url-port <Function=port>',
        "port of a function URL (Function, Function:alias or the URL's logical id; repeatable; default: a free one)",
        (v: string, prev: string[] = []) => prev.concat(v),
      )
      .option(JWKS_FLAGS, JWKS_HELP, collectJwks)
      .addHelpText('after', '\nExample:\n  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name HelloCjs out.json'),
  ).action(async (options: ServeOptions) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${options.port}"`);
    checkBindAddress(options.host, options.allowRemote, 'the Lambda API');
    const verifyWith = options.verifySignatures ? await verificationCredentials(options) : undefined;
    const frontEndPorts = httpFrontEndPorts(options);
    const workbench = await openWorkbench(options, { jwks: parseJwksOption(options.jwks) }, SAM_CONFIG_SECTIONS.serve);
    printTemplateWarnings(workbench);
    // AWS_IAM function URLs verify SigV4 against the same credentials as --verify-signatures; none
    // found is not fatal: their signed requests are refused (403), as the URL's line says.
    const iamUrls = workbench.template.httpFrontEnds?.functionUrls.some((url) => url.authType === 'AWS_IAM');
    const iamCredentials = verifyWith ?? (iamUrls ? await signingCredentials(options) : undefined);
    streamEngineLog(workbench);
    const api = new LambdaApiServer(workbench, {
      host: options.host,
      port,
      debug: workbench,
      verifySignatures: verifyWith,
    });
    let listening: { url: string };
    try {
      listening = await api.listen();
    } catch (error) {
      await workbench.close();
      throw new UsageError(`Cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
    }
    // How `send-message`, `put-record`, `queues`, an attaching debugger… find this server (removed on
    // the way out). Written before the "listening" line, which tools (a task's problem matcher, a
    // script) take to mean the server is ready to be found.
    const discovery = writeServeDiscovery(workbench.stateDir, listening.url, {
      token: api.debugToken,
      verifySignatures: !!verifyWith,
      region: workbench.settings.region,
    });
    process.stdout.write(`Lambda API listening on ${listening.url}\n`);
    // Function URLs and Api / HttpApi events: HTTP front ends on ports of their own (core/http).
    const frontEnd = new HttpFrontEnd(workbench, {
      host: options.host,
      ...frontEndPorts,
      iamCredentials,
      onIntegrationTimeout: (timeout) => process.stderr.write(`WARNING ${integrationTimeoutWarning(timeout)}\n`),
    });
    if (HttpFrontEnd.wanted(workbench.template)) {
      try {
        for (const endpoint of await frontEnd.start()) {
          process.stdout.write(`${endpointLine(endpoint, !!iamCredentials)}\n`);
          for (const conflict of endpoint.conflicts ?? []) process.stderr.write(`WARNING ${routeConflictWarning(conflict)}\n`);
        }
      } catch (error) {
        discovery.remove();
        await api.close();
        await workbench.close();
        throw new UsageError(`Cannot start the HTTP front ends on ${options.host}: ${(error as Error).message}`);
      }
    }
    // Event source mappings poll from now on: say which, as the function URLs are listed above.
    for (const mapping of workbench.eventSources.mappings.list()) {
      const source = /:table\/([^/]+)/.exec(mapping.eventSourceArn)?.[1] ?? mapping.eventSourceArn.split(/[:/]/).at(-1);
      const target = `${mapping.functionName}${mapping.qualifier ? `:${mapping.qualifier}` : ''}`;
      process.stdout.write(
        `Event source mapping: ${source} (${mapping.kind === 'sqs' ? 'SQS' : mapping.kind === 'kinesis' ? 'Kinesis' : 'DynamoDB stream'}) → ${target}, batch size ${mapping.batchSize}${mapping.enabled ? '' : ' (disabled)'}\n`,
      );
    }
    await untilStopped();
    discovery.remove();
    await frontEnd.close();
    await api.close();
    await workbench.close();
  });
}

/**
 * The credentials requests must be signed with: --access-key-id with --secret-access-key or
 * AWS_SECRET_ACCESS_KEY (the id defaults to AWS_ACCESS_KEY_ID); else the profile of --profile or
 * AWS_PROFILE (~/.aws, SSO and credential_process included), so the secret need not be on the
 * command line, where every process list shows it.
 */
async function verificationCredentials(options: ServeOptions): Promise<SigningCredentials> {
  const found = await signingCredentials(options);
  if (!found) {
    throw new UsageError(
      `--verify-signatures needs --access-key-id and --secret-access-key, or credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile (--profile, AWS_PROFILE)${options.profile ? `: profile "${options.profile}" gave none` : ''}`,
    );
  }
  return found;
}

/** The credentials of verificationCredentials, or undefined when there are none. */
async function signingCredentials(options: ServeOptions): Promise<SigningCredentials | undefined> {
  const secretAccessKey = options.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY;
  if (!options.profile && options.accessKeyId && secretAccessKey) {
    // Temporary keys in the environment come with their session token.
    const sessionToken = options.accessKeyId === process.env.AWS_ACCESS_KEY_ID ? process.env.AWS_SESSION_TOKEN || undefined : undefined;
    return { accessKeyId: options.accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  const found = await userCredentialChain(5000, options.profile)();
  if (found.source === 'fake') return undefined;
  return { accessKeyId: found.accessKeyId, secretAccessKey: found.secretAccessKey, ...(found.sessionToken ? { sessionToken: found.sessionToken } : {}) };
}

function portOption(name: string, value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name} must be a port number, got "${value}"`);
  return port;
}

/** --http-api-port, --rest-api-port (or --api-port) and --url-port Function=port, checked. */
function httpFrontEndPorts(options: ServeOptions): { httpApiPort?: number; restApiPort?: number; apiPort?: number; functionUrlPorts: Record<string, number> } {
  const functionUrlPorts: Record<string, number> = {};
  for (const pair of options.urlPort ?? []) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--url-port expects Function=port, got "${pair}"`);
    functionUrlPorts[pair.slice(0, eq)] = portOption('--url-port', pair.slice(eq + 1));
  }
  if (options.apiPort !== undefined && (options.httpApiPort !== undefined || options.restApiPort !== undefined)) {
    throw new UsageError('--api-port serves both APIs on one port: give it alone, or --http-api-port and --rest-api-port');
  }
  return {
    apiPort: options.apiPort === undefined ? undefined : portOption('--api-port', options.apiPort),
    httpApiPort: options.httpApiPort === undefined ? undefined : portOption('--http-api-port', options.httpApiPort),
    restApiPort: options.restApiPort === undefined ? undefined : portOption('--rest-api-port', options.restApiPort),
    functionUrlPorts,
  };
}

/** `Function URL for Echo: http://127.0.0.1:PORT/`, `HTTP API: http://127.0.0.1:PORT (GET /items/{id} → Items, …)`. */
function endpointLine(endpoint: FrontEndEndpoint, iamVerified: boolean): string {
  if (endpoint.kind === 'url') {
    const notes: string[] = [];
    if (endpoint.authType === 'AWS_IAM') {
      notes.push(
        iamVerified
          ? 'AWS_IAM: SigV4 signatures verified against your credentials'
          : 'AWS_IAM: no credentials to verify SigV4 signatures against, every request is refused: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE',
      );
    }
    if (endpoint.invokeMode === 'RESPONSE_STREAM') notes.push('RESPONSE_STREAM');
    const name = endpoint.qualifier ? `${endpoint.functionName}:${endpoint.qualifier}` : endpoint.functionName;
    return `Function URL for ${name}: ${endpoint.url}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  }
  const routes = (endpoint.routes ?? []).map((r) => {
    const target = r.qualifier ? `${r.functionName}:${r.qualifier}` : r.functionName;
    const key = r.path === '$default' ? '$default' : `${r.method} ${r.path}`;
    const notes = [
      ...(endpoint.kind === 'api' ? [r.api === 'rest' ? 'REST' : 'HTTP API'] : []),
      ...(r.api === 'http' && r.payloadFormatVersion === '1.0' ? ['payload 1.0'] : []),
    ];
    return `${key} → ${target}${notes.length ? ` (${notes.join(', ')})` : ''}`;
  });
  const name = endpoint.kind === 'api' ? 'REST and HTTP API' : endpoint.kind === 'http' ? 'HTTP API' : 'REST API';
  return `${name}: ${endpoint.url} (${routes.join(', ')})`;
}
