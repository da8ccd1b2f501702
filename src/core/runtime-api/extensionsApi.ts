import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';

// The Extensions API (2020-01-01) on the environment's Runtime API port: registration, the
// event long-poll, and init/exit error reports, with AWS's status codes and error bodies
// (reference/runtime-api.md §2).

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';
export type ShutdownReason = 'SPINDOWN' | 'TIMEOUT' | 'FAILURE';

export type ExtensionEvent =
  | { eventType: 'INVOKE'; deadlineMs: number; requestId: string; invokedFunctionArn: string; tracing?: { type: 'X-Amzn-Trace-Id'; value: string } }
  | { eventType: 'SHUTDOWN'; shutdownReason: ShutdownReason; deadlineMs: number };

export interface RegisteredExtension {
  id: string;
  name: string;
  events: Set<ExtensionEventType>;
  /** Parked on /event/next, i.e. done with whatever it was doing. */
  ready: boolean;
  parked?: http.ServerResponse;
  queue: ExtensionEvent[];
}

export interface ExtensionsListener {
  onExtensionRegistered(extension: RegisteredExtension): void;
  /** The extension called /event/next and waits: ready for the next event. */
  onExtensionReady(extension: RegisteredExtension): void;
  onExtensionError(extension: RegisteredExtension, kind: 'init' | 'exit', errorType: string, body: Buffer): void;
}

const MAX_EXTENSIONS = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Reply = [status: number, body: string, headers?: Record<string, string>];

function error(status: number, errorType: string, errorMessage: string): Reply {
  return [status, JSON.stringify({ errorMessage, errorType })];
}

export class ExtensionsApi {
  readonly extensions = new Map<string, RegisteredExtension>();
  /** Registration closes when INIT ends. */
  registrationOpen = true;
  private readonly failed = new Set<string>();

  constructor(
    private readonly identity: () => { functionName: string; functionVersion: string; handler: string },
    private readonly listener: ExtensionsListener,
  ) {}

  /** True when every registered extension waits on /event/next. */
  get allReady(): boolean {
    for (const ext of this.extensions.values()) if (!ext.ready) return false;
    return true;
  }

  /** Hands an event to every extension registered for its type (queued if it is busy). */
  dispatch(event: ExtensionEvent): void {
    for (const ext of this.extensions.values()) {
      if (!ext.events.has(event.eventType)) continue;
      ext.ready = false;
      if (ext.parked && !ext.parked.destroyed) this.deliver(ext, event);
      else ext.queue.push(event);
    }
  }

  /** Handles `/2020-01-01/extension/…`; the body has been read. */
  route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const path = (req.url ?? '').slice('/2020-01-01/extension/'.length);
    if (path === 'register' && req.method === 'POST') return this.reply(res, this.register(req, body));
    const ext = this.lookup(req);
    if ('reply' in ext) return this.reply(res, ext.reply);
    if (path === 'event/next' && req.method === 'GET') return this.next(ext.extension, res);
    if ((path === 'init/error' || path === 'exit/error') && req.method === 'POST') {
      const errorType = headerOf(req, 'lambda-extension-function-error-type');
      if (!errorType) return this.reply(res, error(400, 'Extension.MissingHeader', 'Missing Lambda-Extension-Function-Error-Type header'));
      this.failed.add(ext.extension.id);
      this.reply(res, [202, '{"status":"OK"}']);
      return this.listener.onExtensionError(ext.extension, path === 'init/error' ? 'init' : 'exit', errorType, body);
    }
    this.reply(res, error(404, 'NotFound', 'Not Found'));
  }

  private register(req: http.IncomingMessage, body: Buffer): Reply {
    const name = headerOf(req, 'lambda-extension-name');
    if (!name) return error(403, 'Extension.InvalidExtensionName', 'Empty extension name');
    if (!this.registrationOpen) return error(403, 'Extension.RegistrationClosed', 'Extension registration closed already');
    if (this.extensions.size >= MAX_EXTENSIONS) return error(403, 'Extension.TooManyExtensions', `Too many extensions registered (maximum ${MAX_EXTENSIONS})`);
    if ([...this.extensions.values()].some((e) => e.name === name)) return error(403, 'Extension.AlreadyRegistered', `Extension ${name} is already registered`);
    let events: unknown;
    try {
      const parsed = JSON.parse(body.toString('utf8') || '{}');
      if (parsed.configurationKeys !== undefined) return error(403, 'InvalidRequestFormat', 'configurationKeys is not supported');
      events = parsed.events ?? [];
    } catch {
      return error(403, 'InvalidRequestFormat', 'The request body is not valid JSON');
    }
    if (!Array.isArray(events) || events.some((e) => e !== 'INVOKE' && e !== 'SHUTDOWN')) {
      return error(403, 'Extension.InvalidEventType', `Invalid event type in ${JSON.stringify(events)}; allowed: INVOKE, SHUTDOWN`);
    }
    const extension: RegisteredExtension = { id: randomUUID(), name, events: new Set(events as ExtensionEventType[]), ready: false, queue: [] };
    this.extensions.set(extension.id, extension);
    this.listener.onExtensionRegistered(extension);
    const { functionName, functionVersion, handler } = this.identity();
    return [200, JSON.stringify({ functionName, functionVersion, handler }), { 'Lambda-Extension-Identifier': extension.id }];
  }

  /** The extension behind `Lambda-Extension-Identifier`, or the error AWS answers. */
  lookup(req: http.IncomingMessage): { extension: RegisteredExtension } | { reply: Reply } {
    const id = headerOf(req, 'lambda-extension-identifier');
    if (!id) return { reply: error(403, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header') };
    if (!UUID.test(id)) return { reply: error(403, 'Extension.InvalidExtensionIdentifier', 'Invalid Lambda-Extension-Identifier') };
    const extension = this.extensions.get(id);
    if (!extension) return { reply: error(403, 'Extension.UnknownExtensionIdentifier', 'Unknown extension identifier') };
    if (this.failed.has(id)) return { reply: error(403, 'Extension.InvalidStateTransition', 'The extension reported an error and may make no further calls') };
    return { extension };
  }

  private next(ext: RegisteredExtension, res: http.ServerResponse): void {
    ext.parked = res;
    const queued = ext.queue.shift();
    if (queued) return this.deliver(ext, queued);
    ext.ready = true;
    this.listener.onExtensionReady(ext);
  }

  private deliver(ext: RegisteredExtension, event: ExtensionEvent): void {
    const res = ext.parked!;
    ext.parked = undefined;
    ext.ready = false;
    this.reply(res, [200, JSON.stringify(event), { 'Lambda-Extension-Event-Identifier': randomUUID() }]);
  }

  private reply(res: http.ServerResponse, [status, body, headers]: Reply): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  /** Answers every parked long-poll so the server can close. */
  close(): void {
    for (const ext of this.extensions.values()) ext.parked?.destroy();
  }
}

function headerOf(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
