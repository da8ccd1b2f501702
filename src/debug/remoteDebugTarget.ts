import * as http from 'node:http';
import { DEBUG_TOKEN_HEADER, signedHeaders, type TelemetryEvent, userCredentialChain } from '../core';
import type { DebugFunction, DebugInvocation, DebugTarget } from './debugTarget';

// A running `serve` (or the extension's local API) as a debug target: its debug routes
// (core/api/debugRoutes.ts) and its Invoke API, over loopback HTTP, with the serve's debug token
// from serve.json (environment overrides need it). To a `serve --verify-signatures` they are
// SigV4-signed with the user's credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE).

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class RemoteDebugTarget implements DebugTarget {
  private readonly streams = new Set<http.ClientRequest>();

  constructor(
    readonly url: string,
    private readonly token?: string,
    private readonly signRegion?: string,
  ) {}

  async enable(name: string, overrides: { environment?: Record<string, string>; stopOnInit?: boolean }): Promise<{ fn: DebugFunction; retired: number }> {
    const reply = await this.call('PUT', `/_workbench/debug/functions/${encodeURIComponent(name)}`, {
      Enabled: true,
      Environment: overrides.environment,
      StopOnInit: overrides.stopOnInit,
    });
    const body = this.json(reply) as { FunctionName: string; LogicalId?: string; CodeUri: string; Retired: number };
    return { fn: { functionName: body.FunctionName, logicalId: body.LogicalId, codeUri: body.CodeUri }, retired: body.Retired };
  }

  async disable(functionName: string): Promise<void> {
    this.json(await this.call('PUT', `/_workbench/debug/functions/${encodeURIComponent(functionName)}`, { Enabled: false }));
  }

  /** Follows the serve's event stream (JSON lines) until unsubscribed. */
  subscribe(functionNames: ReadonlySet<string>, listener: (event: TelemetryEvent) => void): Promise<() => void> {
    const target = new URL(`/_workbench/debug/events?functions=${encodeURIComponent([...functionNames].join(','))}`, this.url);
    return this.headers('GET', target, Buffer.alloc(0), {}).then(
      (headers) =>
        new Promise((resolve, reject) => {
          const request = http.get(target, { headers }, (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              return reject(new Error(`${this.url} refused the debug event stream (HTTP ${res.statusCode})`));
            }
            let pending = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              pending += chunk;
              for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
                const line = pending.slice(0, newline);
                pending = pending.slice(newline + 1);
                if (line) listener(JSON.parse(line) as TelemetryEvent);
              }
            });
            resolve(() => {
              this.streams.delete(request);
              request.destroy();
            });
          });
          this.streams.add(request);
          request.on('error', (error) => reject(new Error(`Cannot reach the running serve at ${this.url}: ${error.message}`)));
        }),
    );
  }

  async suspendTimeouts(environmentId: string, suspended: boolean): Promise<boolean> {
    const reply = await this.call('POST', `/_workbench/debug/environments/${encodeURIComponent(environmentId)}/timeouts`, { Suspended: suspended });
    return reply.status === 204;
  }

  async invoke(functionName: string, payload: string, qualifier?: string): Promise<DebugInvocation> {
    const reply = await this.call('POST', invokePath(functionName, qualifier), payload);
    if (reply.status !== 200) this.json(reply);
    const text = reply.body.toString('utf8');
    const functionError = header(reply, 'x-amz-function-error');
    let errorType: string | undefined;
    if (functionError) {
      try {
        errorType = (JSON.parse(text) as { errorType?: string }).errorType;
      } catch {
        // not a JSON error document
      }
    }
    return { requestId: header(reply, 'x-amzn-requestid') ?? '', payload: text, functionError, errorType };
  }

  async invokeAsync(functionName: string, payload: string, qualifier?: string): Promise<{ requestId: string }> {
    const reply = await this.call('POST', invokePath(functionName, qualifier), payload, { 'X-Amz-Invocation-Type': 'Event' });
    if (reply.status !== 202) this.json(reply);
    return { requestId: header(reply, 'x-amzn-requestid') ?? '' };
  }

  async close(): Promise<void> {
    for (const request of this.streams) request.destroy();
    this.streams.clear();
  }

  /** The request's headers with the debug token, signed when the serve verifies signatures. */
  private async headers(method: string, target: URL, payload: Buffer, headers: Record<string, string>): Promise<Record<string, string>> {
    const all = { ...(this.token ? { [DEBUG_TOKEN_HEADER]: this.token } : {}), ...headers };
    if (!this.signRegion) return all;
    const credentials = await userCredentialChain()();
    if (credentials.source === 'fake') {
      throw new Error(
        `The serve at ${this.url} verifies signatures (--verify-signatures): no credentials to sign with in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile (AWS_PROFILE)`,
      );
    }
    return signedHeaders(credentials, this.signRegion, method, target, all, payload);
  }

  private async call(method: string, pathname: string, body: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const target = new URL(pathname, this.url);
    const headers = await this.headers(method, target, payload, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length), ...extra });
    return new Promise((resolve, reject) => {
      const request = http.request(target, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      request.on('error', (error) => reject(new Error(`Cannot reach the running serve at ${this.url}: ${error.message}`)));
      request.end(payload);
    });
  }

  /** The JSON body of a successful reply; the API's error (type and message) otherwise. */
  private json(reply: Reply): unknown {
    const text = reply.body.toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // below
    }
    if (reply.status >= 200 && reply.status < 300) return body;
    const type = header(reply, 'x-amzn-errortype') ?? `HTTP ${reply.status}`;
    throw Object.assign(new Error(String(body.message ?? body.Message ?? text)), { errorType: type.split(':')[0] });
  }
}

function invokePath(functionName: string, qualifier: string | undefined): string {
  return `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : ''}`;
}

function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
