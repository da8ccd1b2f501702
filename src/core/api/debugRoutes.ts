import { parseJsonBody } from './requestBody';
import { timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { ApiError } from './apiError';
import { decodePathParameter } from './controlPlaneRoutes';
import { WorkbenchError } from '../errors';
import type { FunctionDefinition } from '../config/types';
import type { ExecutionEnvironment } from '../environment/environment';
import type { TelemetryStream } from '../telemetry/stream';

// Lambda Workbench's own routes (not an AWS API) that let a debug adapter attach to a running
// `serve`: put a function in debug mode, follow its events (the environments' debugger addresses,
// phase lines) as a stream of JSON lines, and lift one environment's timeouts while a debugger
// holds it. Under `/_workbench/debug/`, loopback like the rest of the API. Environment overrides
// (NODE_OPTIONS…) are code execution: they need the server's token (`X-Lambda-Workbench-Token`,
// which only our debug adapter reads from serve.json).

export const DEBUG_ROUTE_PREFIX = '/_workbench/debug/';
/** The header that carries the server's debug token (LambdaApiServer.debugToken). */
export const DEBUG_TOKEN_HEADER = 'x-lambda-workbench-token';

/** What the routes need of the engine (the Workbench provides it). */
export interface DebugHost {
  readonly telemetry: TelemetryStream;
  getFunction(name: string): FunctionDefinition | undefined;
  setDebug(functionName: string, enabled: boolean, overrides?: { environment?: Record<string, string>; stopOnInit?: boolean }): number;
  liveEnvironments(): ExecutionEnvironment[];
}

const FUNCTION = /^\/_workbench\/debug\/functions\/([^/]+)$/;
const EVENTS = /^\/_workbench\/debug\/events$/;
const TIMEOUTS = /^\/_workbench\/debug\/environments\/([^/]+)\/timeouts$/;

/** Handles a debug route; false when the path is not one. Errors are thrown for the API's error response. */
export async function handleDebugRoute(
  host: DebugHost,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  body: Buffer,
  token?: string,
): Promise<boolean> {
  let match: RegExpExecArray | null;
  if (req.method === 'PUT' && (match = FUNCTION.exec(url.pathname))) {
    const name = decodePathParameter(match[1]);
    const fn = host.getFunction(name);
    if (!fn) throw new WorkbenchError('ResourceNotFoundException', `Function not found: ${name}`);
    const input = parseJsonBody(body) as { Enabled?: unknown; Environment?: Record<string, string>; StopOnInit?: boolean };
    if (input.Environment !== undefined && input.Environment !== null && !hasToken(req, token)) {
      throw new ApiError(
        403,
        'AccessDeniedException',
        `Environment overrides need the serve's token (${DEBUG_TOKEN_HEADER} from .lambda-workbench/serve.json), which only Lambda Workbench's debug adapter sends`,
      );
    }
    if (typeof input.Enabled !== 'boolean') throw new WorkbenchError('InvalidParameterValueException', 'Enabled (true or false) is required');
    const retired = host.setDebug(fn.functionName, input.Enabled, { environment: input.Environment, stopOnInit: input.StopOnInit });
    if (!input.Enabled) {
      // SHUTDOWN for the environments that were started in debug mode.
      const debugging = host.liveEnvironments().filter((env) => env.fn.functionName === fn.functionName && env.debugMode);
      await Promise.all(debugging.map((env) => env.shutdown()));
    }
    json(res, 200, { FunctionName: fn.functionName, LogicalId: fn.logicalId, CodeUri: fn.codeUri, Retired: retired });
    return true;
  }
  if (req.method === 'GET' && EVENTS.test(url.pathname)) {
    const names = new Set(
      (url.searchParams.get('functions') ?? '')
        .split(',')
        .filter(Boolean)
        .map((name) => host.getFunction(name)?.functionName ?? name),
    );
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
    res.flushHeaders();
    const unsubscribe = host.telemetry.subscribe((event) => {
      if (event.functionName && names.has(event.functionName)) res.write(`${JSON.stringify(event)}\n`);
    });
    res.on('close', unsubscribe);
    return true;
  }
  if (req.method === 'POST' && (match = TIMEOUTS.exec(url.pathname))) {
    const id = decodePathParameter(match[1]);
    const env = host.liveEnvironments().find((e) => e.id === id);
    if (!env || env.state === 'Terminated') throw new WorkbenchError('ResourceNotFoundException', `No running environment ${id}`);
    const input = parseJsonBody(body) as { Suspended?: unknown };
    if (typeof input.Suspended !== 'boolean') throw new WorkbenchError('InvalidParameterValueException', 'Suspended (true or false) is required');
    env.suspendTimeouts(input.Suspended);
    res.writeHead(204).end();
    return true;
  }
  return false;
}

function hasToken(req: http.IncomingMessage, token: string | undefined): boolean {
  const sent = req.headers[DEBUG_TOKEN_HEADER];
  if (!token || typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': text.length }).end(text);
}
