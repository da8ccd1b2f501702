// @ts-check
'use strict';
// Lambda Workbench's Node.js runtime: the program an execution environment spawns for nodejs*
// functions. It speaks the Runtime API (2018-06-01) over HTTP exactly as AWS's runtime does —
// init, then a /next → handler → /response|/error loop — and mirrors AWS's Node runtime in
// handler loading, `context`, log format and error shapes. Shipped as a plain file (not bundled
// into the host) and kept dependency-free and small: it is on every cold start.

const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const api = process.env.AWS_LAMBDA_RUNTIME_API || '';
const [apiHost, apiPort] = api.split(':');
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
const handlerString = process.env._HANDLER || '';
// Debug mode's stopOnInit: pause at the first line of the handler module (see pauseOnFirstLine).
const stopOnInit = process.env._LAMBDA_WORKBENCH_STOP_ON_INIT === '1';
delete process.env._LAMBDA_WORKBENCH_STOP_ON_INIT;
const BASE = '/2018-06-01/runtime';
const NO_REQUEST = 'undefined'; // what AWS prints as request id for log lines written during init

// ---------------------------------------------------------------------------------------------
// Logging: one record per console call, `<ISO time>\t<requestId>\t<LEVEL>\t<message>`. Records go
// to the telemetry log fd when the platform provides one (framed, so a multi-line message stays
// one record, as in CloudWatch), otherwise to stdout.

let currentRequestId = NO_REQUEST;
const logFd = process.env._LAMBDA_TELEMETRY_LOG_FD ? Number(process.env._LAMBDA_TELEMETRY_LOG_FD) : undefined;
delete process.env._LAMBDA_TELEMETRY_LOG_FD;
const FRAME_TYPE_TEXT = 0xa55a0003;

/** @param {string} text */
function writeRecord(text) {
  if (logFd === undefined) {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    return;
  }
  const message = Buffer.from(text, 'utf8');
  const header = Buffer.allocUnsafe(16);
  header.writeUInt32BE(FRAME_TYPE_TEXT, 0);
  header.writeUInt32BE(message.length, 4);
  header.writeBigUInt64BE(BigInt(Date.now()) * 1000n, 8);
  try {
    fs.writeSync(logFd, Buffer.concat([header, message]));
  } catch {
    process.stdout.write(text + '\n');
  }
}

/** @param {string} level */
function logger(level) {
  return (/** @type {unknown[]} */ ...args) => writeRecord(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}`);
}

console.log = logger('INFO');
console.info = logger('INFO');
console.warn = logger('WARN');
console.error = logger('ERROR');
console.debug = logger('DEBUG');
console.trace = (/** @type {unknown[]} */ ...args) => {
  const err = { name: 'Trace', message: util.format(...args) };
  Error.captureStackTrace(err, console.trace);
  writeRecord(`${new Date().toISOString()}\t${currentRequestId}\tTRACE\t${/** @type {any} */ (err).stack}`);
};

// ---------------------------------------------------------------------------------------------
// Errors in AWS's Node runtime shape: {errorType, errorMessage, trace}.

class RuntimeError extends Error {
  /** @param {string} name @param {string} message @param {unknown} [cause] */
  constructor(name, message, cause) {
    super(message);
    this.name = name;
    if (cause instanceof Error && cause.stack) this.stack = `${name}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  }
}

/** @param {unknown} error */
function toErrorResponse(error) {
  try {
    if (error instanceof Error || util.types.isNativeError(error)) {
      const e = /** @type {Error} */ (error);
      return { errorType: e.name, errorMessage: e.message, trace: String(e.stack || '').split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Runtime API client: HTTP/1.1 over one kept-alive socket, with pipelining. After an invocation
// the response POST and the next GET /next leave in one write, so the runtime is back on /next
// without waiting for the 202 — one loopback round trip less per warm invocation than Node's
// http client allows. The server is always ours and always sends Content-Length.

/** @typedef {{status:number, headers: Record<string,string>, body: Buffer}} ApiResponse */

class RuntimeApiClient {
  /** @param {string} host @param {number} port */
  constructor(host, port) {
    this.host = host;
    /** @type {Array<{resolve:(r: ApiResponse)=>void, reject:(e: Error)=>void}>} */
    this.waiting = [];
    this.buffer = Buffer.alloc(0);
    this.socket = net.connect(port, host);
    // Without Nagle's delay: every event and response is a small write.
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    const fail = (/** @type {Error|undefined} */ error) => {
      const e = error || new Error('connection closed');
      for (const w of this.waiting.splice(0)) w.reject(e);
      this.closed = e;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(undefined));
    this.socket.unref();
    /** @type {Error|undefined} */
    this.closed = undefined;
  }

  /**
   * Sends a request now (behind any outstanding ones) and resolves with its response. Without a
   * body and with `Transfer-Encoding: chunked` among the headers, only the head goes out: the
   * caller writes the chunks (a streamed response, see ResponseStream).
   * @param {string} method @param {string} urlPath @param {Buffer|undefined} body @param {Record<string,string>} [headers]
   * @returns {Promise<ApiResponse>}
   */
  request(method, urlPath, body, headers = {}) {
    if (this.closed) return Promise.reject(this.closed);
    let head = `${method} ${BASE}${urlPath} HTTP/1.1\r\nHost: ${this.host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (body) head += `Content-Length: ${body.length}\r\n`;
    head += '\r\n';
    if (body) {
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(body);
      this.socket.uncork();
    } else this.socket.write(head, 'latin1');
    // Keep the process alive only while the platform owes us an answer: an idle socket must not
    // hold the event loop open (callbackWaitsForEmptyEventLoop relies on it draining).
    if (this.waiting.length === 0) this.socket.ref();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** @param {Buffer} chunk */
  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
      /** @type {Record<string,string>} */
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] || 0);
      if (this.buffer.length < end + 4 + length) return;
      const body = Buffer.from(this.buffer.subarray(end + 4, end + 4 + length));
      this.buffer = this.buffer.subarray(end + 4 + length);
      const status = Number(lines[0].split(' ')[1]);
      // Header values arrive as latin1 bytes; the JSON ones (client context, identity) may be UTF-8.
      for (const k of Object.keys(headers)) {
        if (/[\x80-\xff]/.test(headers[k])) headers[k] = Buffer.from(headers[k], 'latin1').toString('utf8');
      }
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) this.socket.unref();
      waiter?.resolve({ status, headers, body });
    }
  }
}

const client = new RuntimeApiClient(apiHost, Number(apiPort));

/**
 * @param {'GET'|'POST'} method @param {string} urlPath @param {Buffer|undefined} body
 * @param {Record<string,string>} [headers]
 */
function request(method, urlPath, body, headers) {
  return client.request(method, urlPath, body, headers);
}

/** @param {string} urlPath @param {unknown} payload @param {Record<string,string>} [headers] */
function postJson(urlPath, payload, headers = {}) {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  return request('POST', urlPath, body, { 'Content-Type': 'application/json', ...headers });
}

/** The platform is gone or broken: nothing sensible is left to do. */
function platformGone(/** @type {unknown} */ error) {
  process.stderr.write(`Failed to get next invocation. No Response from endpoint: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Handler loading, as AWS's runtime does it: `dir/module.export.path`, .js/.mjs/.cjs, CommonJS
// or ES module by extension and the nearest package.json "type".

/** @param {string} dir */
function packageType(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
      return pkg.type === 'module' ? 'module' : 'commonjs';
    } catch {
      // no (readable) package.json here: keep walking up
    }
    // The deployment package ends at the task root: a package.json above it would not be deployed.
    if (d === path.resolve(taskRoot) || d === path.dirname(d)) return 'commonjs';
  }
}

/** @param {unknown} error */
function isModuleNotFound(error) {
  const code = /** @type {any} */ (error)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/**
 * Makes the handler module (CommonJS) start with a `debugger;` statement on its first line, so an
 * attached debugger pauses there before any of the module's code runs. Lines keep their numbers
 * (only line 1's columns move), so breakpoints and source maps still bind.
 * @param {string} file
 */
function pauseOnFirstLine(file) {
  const Module = require('node:module');
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (/** @type {string} */ content, /** @type {string} */ filename) {
    if (filename === file) {
      Module.prototype._compile = compile;
      // After a shebang line, which must stay first.
      const at = content.startsWith('#!') ? content.indexOf('\n') + 1 : 0;
      content = `${content.slice(0, at)}debugger;${content.slice(at)}`;
    }
    return compile.call(this, content, filename);
  };
}

async function loadHandler() {
  const slash = handlerString.lastIndexOf('/');
  const dot = handlerString.indexOf('.', slash + 1);
  if (dot < 0 || dot === handlerString.length - 1) {
    throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  }
  const moduleName = handlerString.slice(0, dot);
  const exportPath = handlerString.slice(dot + 1);
  const base = path.resolve(taskRoot, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  /** @type {any} */
  let mod;
  try {
    if (!file) {
      // Like AWS: fall back to a package resolvable from the task root, else ImportModuleError.
      mod = require(require.resolve(moduleName, { paths: [taskRoot] }));
    } else if (file.endsWith('.mjs') || (file.endsWith('.js') && packageType(path.dirname(file)) === 'module')) {
      // An ES module's source cannot be hooked here: pause just before it is imported (Step Into enters it).
      // eslint-disable-next-line no-debugger
      if (stopOnInit) debugger;
      mod = await import(require('node:url').pathToFileURL(file).href);
    } else {
      if (stopOnInit) pauseOnFirstLine(file);
      mod = require(file);
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error);
    if (isModuleNotFound(error)) {
      const message = file ? String(error) : `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`;
      throw new RuntimeError('Runtime.ImportModuleError', message, error);
    }
    throw error;
  }
  let fn = mod;
  for (const key of exportPath.split('.')) fn = fn == null ? undefined : fn[key];
  if (typeof fn !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  isStreamingHandler(fn); // a malformed streaming mark fails INIT, as in AWS
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Response streaming, as AWS's Node runtime provides it: the global `awslambda` (unless
// AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set) with `streamifyResponse(handler, options)` and
// `HttpResponseStream.from(stream, metadata)`. A streamified handler gets a writable stream; its
// bytes go to the Runtime API as they are written, in one chunked POST /response with
// `Lambda-Runtime-Function-Response-Mode: streaming`; a failure after the start travels in the
// trailers `Lambda-Runtime-Function-Error-Type` / `Lambda-Runtime-Function-Error-Body` (base64).
// The stream's class is defined on first use: non-streaming functions never load it.

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** Implements the http-integration-response content type: the JSON metadata, 8 NUL bytes, then the body. */
class HttpResponseStream {
  /** @param {any} underlyingStream @param {unknown} prelude */
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    // As in AWS's runtime, the prelude goes out before the first write() (not before an end(chunk)).
    underlyingStream._onBeforeFirstWrite = (/** @type {(chunk: unknown) => void} */ write) => {
      write(metadata);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

const noGlobal = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
if (noGlobal !== '1' && noGlobal !== 'true') {
  /** @type {any} */ (globalThis).awslambda = {
    streamifyResponse(/** @type {any} */ handler, /** @type {any} */ options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
      return handler;
    },
    HttpResponseStream,
  };
}

/** @param {any} handler */
function isStreamingHandler(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return false;
  if (mode === STREAM_RESPONSE) return true;
  throw new RuntimeError('Runtime.MalformedStreamingHandler', 'Only response streaming is supported.');
}

/** @param {string} text A value fit for an HTTP header (trailer) line. */
function headerSafe(text) {
  return text.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

/** @type {any} */
let ResponseStreamClass;

function responseStreamClass() {
  if (ResponseStreamClass) return ResponseStreamClass;
  const { Writable } = require('node:stream');
  ResponseStreamClass = class ResponseStream extends Writable {
    /** @param {string} requestId @param {number|undefined} highWaterMark */
    constructor(requestId, highWaterMark) {
      super(highWaterMark === undefined ? {} : { highWaterMark });
      this.requestId = requestId;
      this.contentType = 'application/octet-stream';
      this.writeCalled = false;
      /** @type {Promise<ApiResponse>|undefined} the platform's answer to the POST, once it started */
      this.posted = undefined;
      /** @type {{errorType: unknown, errorMessage?: unknown}|undefined} sent as trailers at the end */
      this.failure = undefined;
      /** @type {((write: (chunk: unknown) => void) => void)|undefined} set by HttpResponseStream.from */
      this._onBeforeFirstWrite = undefined;
    }

    /** @param {string} contentType */
    setContentType(contentType) {
      if (this.writeCalled) throw new RuntimeError('Runtime.InvalidStreamingOperation', 'Cannot set content-type, too late.');
      this.contentType = contentType;
    }

    /** @param {any} chunk @param {any} [encoding] @param {any} [callback] */
    write(chunk, encoding, callback) {
      if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) chunk = JSON.stringify(chunk);
      if (!this.writeCalled && typeof this._onBeforeFirstWrite === 'function') this._onBeforeFirstWrite((c) => super.write(c));
      this.writeCalled = true;
      return super.write(chunk, encoding, callback);
    }

    /** The request's head goes out with the first chunk (or the end), as Node's http client does. */
    start() {
      this.posted = request('POST', `/invocation/${this.requestId}/response`, undefined, {
        'Content-Type': this.contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      });
      // The platform gone mid-stream surfaces on the next /next.
      this.posted.catch(() => undefined);
    }

    /** @param {Buffer} chunk @param {string} _encoding @param {(error?: Error|null) => void} callback */
    _write(chunk, _encoding, callback) {
      const socket = client.socket;
      if (client.closed) return callback();
      socket.cork();
      if (!this.posted) this.start();
      // An empty chunk would end a chunked body: nothing to send.
      let drained = true;
      if (chunk.length > 0) {
        socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        drained = socket.write('\r\n', 'latin1');
      }
      socket.uncork();
      if (drained) callback();
      else socket.once('drain', () => callback());
    }

    /** @param {(error?: Error|null) => void} callback */
    _final(callback) {
      if (client.closed) return callback();
      client.socket.cork();
      if (!this.posted) this.start();
      let tail = '0\r\n';
      if (this.failure) {
        const body = Buffer.from(JSON.stringify(this.failure), 'utf8').toString('base64');
        tail += `Lambda-Runtime-Function-Error-Type: ${headerSafe(String(this.failure.errorType))}\r\nLambda-Runtime-Function-Error-Body: ${body}\r\n`;
      }
      client.socket.write(`${tail}\r\n`, 'latin1');
      client.socket.uncork();
      callback();
    }

    /** Ends the response with the error in its trailers (a no-op once it has ended). @param {unknown} error */
    fail(error) {
      if (this.writableEnded) return;
      this.failure = toErrorResponse(error);
      console.error('Invoke Error \t' + JSON.stringify(this.failure));
      this.end();
    }
  };
  return ResponseStreamClass;
}

/** @param {any} stream Resolves once the stream has ended and its last bytes are on the socket. */
function streamFinished(stream) {
  if (stream.writableFinished) return Promise.resolve();
  return new Promise((resolve) => stream.once('finish', resolve));
}

const noop = () => undefined;

/** @type {any} the streamed response in progress (for uncaught errors) */
let activeStream;

/**
 * Runs a streamified handler: `handler(event, responseStream, context)`, which must return a
 * promise. As in AWS's runtime, the response is over when the handler has settled and the stream
 * has ended — a stream ended later (an un-awaited pipeline) is waited for, and one that nothing ends
 * holds the invocation until its timeout (the open request keeps the process alive, as AWS's does);
 * a rejection or a synchronous handler fails the response through its trailers.
 * @param {any} handler @param {any} event @param {Record<string,string>} h @param {string} requestId
 */
async function runStreamingHandler(handler, event, h, requestId) {
  const stream = new (responseStreamClass())(requestId, handler[HANDLER_HIGHWATERMARK]);
  activeStream = stream;
  client.socket.ref();
  // A streaming handler's context has no succeed / fail / done, as in AWS's runtime.
  /** @type {any} */
  const context = makeContext(h, noop, noop);
  delete context.succeed;
  delete context.fail;
  delete context.done;
  try {
    const returned = handler(event, stream, context);
    if (!returned || typeof returned.then !== 'function') stream.fail('Streaming does not support non-async handlers.');
    else if ((await returned) !== undefined) console.warn('Streaming handlers ignore return values.');
  } catch (error) {
    stream.fail(error);
  }
  await streamFinished(stream);
  activeStream = undefined;
  return context;
}

// ---------------------------------------------------------------------------------------------
// The invoke loop.

const env = process.env;

/** @param {Record<string,string>} h @param {string} name */
function header(h, name) {
  return h[name];
}

/** @param {string|undefined} json */
function parseJsonHeader(json) {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** @param {Record<string,string>} h @param {(r: unknown)=>void} succeed @param {(e: unknown)=>void} fail */
function makeContext(h, succeed, fail) {
  const deadline = Number(header(h, 'lambda-runtime-deadline-ms'));
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: header(h, 'lambda-runtime-invoked-function-arn'),
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: header(h, 'lambda-runtime-aws-request-id'),
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJsonHeader(header(h, 'lambda-runtime-client-context')),
    identity: parseJsonHeader(header(h, 'lambda-runtime-cognito-identity')),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    succeed,
    fail,
    done: (/** @type {unknown} */ err, /** @type {unknown} */ result) => (err ? fail(err) : succeed(result)),
  };
}

/** @type {string|undefined} */
let inFlight; // request id whose result has not been posted yet

/** @param {string} requestId @param {unknown} result */
async function postResponse(requestId, result) {
  inFlight = undefined;
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    return postError(requestId, error);
  }
  await request('POST', `/invocation/${requestId}/response`, Buffer.from(body, 'utf8'), { 'Content-Type': 'application/json' });
}

/** @param {string} requestId @param {unknown} error */
async function postError(requestId, error) {
  inFlight = undefined;
  const response = toErrorResponse(error);
  console.error('Invoke Error \t' + JSON.stringify(response));
  await postJson(`/invocation/${requestId}/error`, response, { 'Lambda-Runtime-Function-Error-Type': String(response.errorType) });
}

const NODEJS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

/** @param {Function} handler @param {any} event @param {Record<string,string>} h */
function runHandler(handler, event, h) {
  return new Promise((resolve) => {
    let settled = false;
    /** @type {any} */
    let context;
    // The event loop emptied before the handler answered (a promise that never settles, a
    // callback never called): as AWS's Node runtime client (aws-lambda-ric 3.x, the nodejs18.x–
    // 22.x runtimes; its _setDefaultExitListener), an `async function` handler fails with
    // Runtime.NodeJsExit and any other handler succeeds with null — instead of the process exiting.
    const emptyLoop = () => {
      if (handler.constructor && handler.constructor.name === 'AsyncFunction') {
        const error = new Error(NODEJS_EXIT_MESSAGE);
        error.name = 'Runtime.NodeJsExit';
        finish(false, error, false);
      } else finish(true, null, false);
    };
    process.once('beforeExit', emptyLoop);
    const finish = (/** @type {boolean} */ ok, /** @type {unknown} */ value, /** @type {boolean} */ viaCallback) => {
      if (settled) return;
      settled = true;
      process.removeListener('beforeExit', emptyLoop);
      // A callback-style handler's result waits for the event loop to drain, unless it asked not to.
      if (viaCallback && context.callbackWaitsForEmptyEventLoop) {
        process.once('beforeExit', () => resolve({ ok, value }));
      } else resolve({ ok, value });
    };
    context = makeContext(
      h,
      (r) => finish(true, r, false),
      (e) => finish(false, e, false),
    );
    const callback = (/** @type {unknown} */ err, /** @type {unknown} */ result) =>
      err !== undefined && err !== null ? finish(false, err, true) : finish(true, result, true);
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then(
          (/** @type {unknown} */ r) => finish(true, r, false),
          (/** @type {unknown} */ e) => finish(false, e, false),
        );
      } else if (handler.length < 3) {
        // A synchronous non-callback handler returned its result directly.
        finish(true, returned, false);
      }
    } catch (error) {
      finish(false, error, false);
    }
  });
}

/** @param {Function} handler @param {Record<string,string>} firstNextHeaders */
async function invokeLoop(handler, firstNextHeaders) {
  const streaming = isStreamingHandler(handler);
  let pendingNext = request('GET', '/invocation/next', undefined, firstNextHeaders);
  for (;;) {
    /** @type {ApiResponse} */
    let next;
    try {
      next = await pendingNext;
    } catch (error) {
      return platformGone(error);
    }
    if (next.status !== 200) return platformGone(new Error(`/next answered ${next.status}`));
    const requestId = String(header(next.headers, 'lambda-runtime-aws-request-id'));
    currentRequestId = requestId;
    const trace = header(next.headers, 'lambda-runtime-trace-id');
    if (trace) env._X_AMZN_TRACE_ID = trace;
    else delete env._X_AMZN_TRACE_ID;
    if (streaming) {
      pendingNext = await streamInvocation(handler, next, requestId);
      continue;
    }
    inFlight = requestId;
    /** @type {{ok: boolean, value: unknown}} */
    let outcome;
    try {
      const event = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
      outcome = /** @type {{ok: boolean, value: unknown}} */ (await runHandler(handler, event, next.headers));
    } catch (error) {
      outcome = { ok: false, value: error };
    }
    // The result and the next /next leave together (pipelined, in this order, one write).
    client.socket.cork();
    const posted = outcome.ok ? postResponse(requestId, outcome.value) : postError(requestId, outcome.value);
    pendingNext = request('GET', '/invocation/next', undefined);
    client.socket.uncork();
    try {
      await posted;
    } catch (error) {
      return platformGone(error);
    }
  }
}

/**
 * One invocation of a streamified handler; resolves with the request for the next event, sent once
 * the response has ended (and, unless the context says otherwise, the event loop is empty, as AWS's
 * runtime waits for it before its next /next).
 * @param {Function} handler @param {ApiResponse} next @param {string} requestId
 * @returns {Promise<Promise<ApiResponse>>}
 */
async function streamInvocation(handler, next, requestId) {
  /** @type {any} */
  let event;
  try {
    event = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
  } catch (error) {
    inFlight = requestId;
    await postError(requestId, error).catch(platformGone);
    return request('GET', '/invocation/next', undefined);
  }
  const context = await runStreamingHandler(handler, event, next.headers, requestId);
  if (context.callbackWaitsForEmptyEventLoop) await new Promise((resolve) => process.once('beforeExit', resolve));
  return request('GET', '/invocation/next', undefined);
}

// Errors that escape the handler end the runtime, as in AWS: report them for the current
// invocation (if any), then exit so the platform resets the environment.
process.on('uncaughtException', (error) => {
  const response = toErrorResponse(error);
  console.error('Uncaught Exception \t' + JSON.stringify(response));
  const exit = () => process.exit(129);
  if (activeStream && !activeStream.writableEnded) failStreamThen(error, exit);
  else if (inFlight) postJson(`/invocation/${inFlight}/error`, response).then(exit, exit);
  else exit();
});
process.on('unhandledRejection', (reason) => {
  const error = new RuntimeError('Runtime.UnhandledPromiseRejection', reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason), reason);
  const response = toErrorResponse(error);
  console.error('Unhandled Promise Rejection \t' + JSON.stringify(response));
  const exit = () => process.exit(128);
  if (activeStream && !activeStream.writableEnded) failStreamThen(error, exit);
  else if (inFlight) postJson(`/invocation/${inFlight}/error`, response).then(exit, exit);
  else exit();
});

/** A streamed response in progress ends with the error in its trailers, then `then` runs. @param {unknown} error @param {() => void} then */
function failStreamThen(error, then) {
  const stream = activeStream;
  stream.fail(error);
  streamFinished(stream).then(() => (stream.posted ?? Promise.resolve()).then(then, then));
}

async function main() {
  // Tells the platform where runtime init ends and function init begins (our own header; AWS's
  // platform sees the same boundary from inside the sandbox).
  const initBoundary = { 'Lambda-Workbench-Function-Init-Start': String(performance.timeOrigin + performance.now()) };
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const response = toErrorResponse(error);
    console.error('Uncaught Exception \t' + JSON.stringify(response));
    try {
      await postJson('/init/error', response, { 'Lambda-Runtime-Function-Error-Type': String(response.errorType), ...initBoundary });
    } finally {
      process.exit(1);
    }
    return;
  }
  await invokeLoop(handler, initBoundary);
}

main();
