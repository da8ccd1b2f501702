import type * as http from 'node:http';
import type { ExtensionsApi, RegisteredExtension } from './extensionsApi';

// The Telemetry API (2022-07-01): an extension subscribes with PUT /2022-07-01/telemetry and the
// platform POSTs batches of `{time, type, record}` to its HTTP listener. This module validates the
// subscription as AWS does; delivery is telemetry/subscriber.ts.

export type TelemetryCategory = 'platform' | 'function' | 'extension';

export interface TelemetrySubscriptionSpec {
  types: TelemetryCategory[];
  buffering: { maxItems: number; maxBytes: number; timeoutMs: number };
  /** The listener, on loopback (AWS's `sandbox.localdomain` means the machine itself here). */
  destination: URL;
}

export type SubscribeListener = (extension: RegisteredExtension, spec: TelemetrySubscriptionSpec) => void;

const LIMITS = {
  maxItems: { min: 1000, max: 10000, default: 10000 },
  maxBytes: { min: 262144, max: 1048576, default: 262144 },
  timeoutMs: { min: 25, max: 30000, default: 1000 },
} as const;
const LOOPBACK_HOSTS = new Set(['sandbox.localdomain', 'sandbox', '127.0.0.1', 'localhost', '[::1]']);
/** Port 9001 is the Runtime API's on AWS and may not be used by listeners. */
const RESERVED_PORT = '9001';

/** Handles `PUT /2022-07-01/telemetry` (and the older `PUT /2020-08-15/logs`, same shape). */
export function routeTelemetry(
  extensions: ExtensionsApi,
  subscribe: SubscribeListener,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
): void {
  const reply = (status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const invalid = (message: string) => reply(400, JSON.stringify({ errorMessage: message, errorType: 'ValidationError' }));
  if (req.method !== 'PUT') return reply(404, JSON.stringify({ errorMessage: 'Not Found', errorType: 'NotFound' }));
  const found = extensions.lookup(req);
  if ('reply' in found) return reply(found.reply[0], found.reply[1]);
  let request: { schemaVersion?: string; types?: unknown; buffering?: Record<string, unknown>; destination?: { protocol?: string; URI?: string } };
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('The request body is not valid JSON');
  }
  const types = request.types;
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => t !== 'platform' && t !== 'function' && t !== 'extension')) {
    return invalid(`types must be a non-empty list of platform, function, extension; got ${JSON.stringify(types)}`);
  }
  const buffering = { maxItems: 0, maxBytes: 0, timeoutMs: 0 };
  for (const key of Object.keys(LIMITS) as Array<keyof typeof LIMITS>) {
    const value = request.buffering?.[key] ?? LIMITS[key].default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < LIMITS[key].min || value > LIMITS[key].max) {
      return invalid(`buffering.${key} must be an integer between ${LIMITS[key].min} and ${LIMITS[key].max}; got ${JSON.stringify(value)}`);
    }
    buffering[key] = value;
  }
  const protocol = request.destination?.protocol;
  if (protocol !== 'HTTP') return invalid(`destination.protocol must be HTTP; got ${JSON.stringify(protocol)}`);
  let destination: URL;
  try {
    destination = new URL(request.destination?.URI ?? '');
  } catch {
    return invalid(`destination.URI is not a URL: ${JSON.stringify(request.destination?.URI)}`);
  }
  if (destination.protocol !== 'http:' || !LOOPBACK_HOSTS.has(destination.hostname)) {
    return invalid(`destination.URI must be http://sandbox.localdomain:<port>/… (the local machine); got ${destination.href}`);
  }
  if (destination.port === RESERVED_PORT) return invalid('Port 9001 is reserved for the Runtime API');
  destination.hostname = '127.0.0.1';
  subscribe(found.extension, { types: types as TelemetryCategory[], buffering, destination });
  reply(200, '"OK"');
}
