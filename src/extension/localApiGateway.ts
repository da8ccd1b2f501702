import { HttpFrontEnd, type FrontEndEndpoint, type RouteConflict } from '../core';

// The template's API Gateway routes beside the extension's local Lambda API: "Lambda: Start Local
// API" also serves every REST (`Api`) and HTTP API (`HttpApi`) route on one port, as
// `lambda-workbench start-api` and `sam local start-api` do (the `lambdaWorkbench.apiGatewayPort`
// setting, 3000 by default). No `vscode` here: localApi.ts says what this returns in the output
// channel; unit-tested with a real engine and HTTP client.

/** What a front end needs of an engine (a Workbench). */
type Engine = ConstructorParameters<typeof HttpFrontEnd>[0];

export interface ServedApiGateway {
  /** `http://127.0.0.1:3000` */
  url: string;
  port: number;
  /** For the output channel: the address and each route, then a warning per route both APIs claim. */
  lines: string[];
  close(): Promise<void>;
}

/** Serves the engine's API routes on `port` on loopback; undefined when its template has none. `log`: lines said later (integration timeouts). */
export async function startApiGateway(engine: Engine, port: number, log?: (line: string) => void): Promise<ServedApiGateway | undefined> {
  if (!engine.template.httpFrontEnds?.routes.length) return undefined;
  const frontEnd = new HttpFrontEnd(engine, {
    host: '127.0.0.1',
    apiPort: port,
    functionUrls: false,
    onIntegrationTimeout: (t) =>
      log?.(
        `${t.method} ${t.path}: ${t.functionName} did not answer within API Gateway's integration timeout (${t.timeoutMs} ms): ${t.status} sent; RequestId ${t.requestId} runs on to its own timeout`,
      ),
  });
  let endpoint: FrontEndEndpoint | undefined;
  try {
    [endpoint] = await frontEnd.start();
  } catch (error) {
    await frontEnd.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${port} of the REST and HTTP API routes is in use (a start-api or sam local start-api?); set lambdaWorkbench.apiGatewayPort, 0 for any free port`
        : `cannot serve the REST and HTTP API routes on 127.0.0.1:${port}: ${(error as Error).message}`,
    );
  }
  const served = endpoint!;
  const lines = [
    `REST and HTTP API routes on ${served.url}:`,
    ...(served.routes ?? []).map((route) => {
      const target = route.qualifier ? `${route.functionName}:${route.qualifier}` : route.functionName;
      const key = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
      return `  ${key} → ${target} (${route.api === 'rest' ? 'REST API' : 'HTTP API'})`;
    }),
    ...(served.conflicts ?? []).map(conflictLine),
  ];
  return { url: served.url, port: served.port, lines, close: () => frontEnd.close() };
}

function conflictLine({ routeKey, winner, shadowed }: RouteConflict): string {
  const api = (kind: 'rest' | 'http') => (kind === 'rest' ? 'REST API' : 'HTTP API');
  return `  Warning: ${routeKey} is claimed by the ${api(winner.api)} (${winner.functionName}) and the ${api(shadowed.api)} (${shadowed.functionName}); the first declared answers: ${winner.functionName}.`;
}
