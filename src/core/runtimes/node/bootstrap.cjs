// @ts-check
'use strict';
// Lambda Workbench's Node.js runtime: the program an execution environment spawns for nodejs*
// functions. It speaks the Runtime API (2018-06-01) over HTTP exactly as AWS's runtime does —
// init, then a /next → handler → /response|/error loop — and mirrors AWS's Node runtime in
// handler loading, `context`, log format and error shapes. Shipped as a plain file (not bundled
// into the host) and kept dependency-free and small: it is on every cold start.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const api = process.env.AWS_LAMBDA_RUNTIME_API || '';
const [apiHost, apiPort] = api.split(':');
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
const handlerString = process.env._HANDLER || '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
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
  return (/** @type {unknown[]} */ ...args) =>
    writeRecord(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}`);
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
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' };
  }
}

// ---------------------------------------------------------------------------------------------
// Runtime API client.

/**
 * @param {'GET'|'POST'} method @param {string} urlPath @param {Buffer|undefined} body
 * @param {Record<string,string>} [headers]
 * @returns {Promise<{status:number, headers: import('node:http').IncomingHttpHeaders, body: Buffer}>}
 */
function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, method, path: BASE + urlPath, agent, headers }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode || 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) {
      req.setHeader('Content-Length', body.length);
      req.end(body);
    } else req.end();
  });
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
    if (d === path.dirname(d) || d === path.dirname(taskRoot)) return 'commonjs';
  }
}

/** @param {unknown} error */
function isModuleNotFound(error) {
  const code = /** @type {any} */ (error)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
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
      mod = await import(require('node:url').pathToFileURL(file).href);
    } else {
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
  return fn;
}

// ---------------------------------------------------------------------------------------------
// The invoke loop.

const env = process.env;

/** @param {import('node:http').IncomingHttpHeaders} h */
function header(h, /** @type {string} */ name) {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
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

/** @param {import('node:http').IncomingHttpHeaders} h @param {(r: unknown)=>void} succeed @param {(e: unknown)=>void} fail */
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

/** @param {Function} handler @param {any} event @param {import('node:http').IncomingHttpHeaders} h */
function runHandler(handler, event, h) {
  return new Promise((resolve) => {
    let settled = false;
    /** @type {any} */
    let context;
    const finish = (/** @type {boolean} */ ok, /** @type {unknown} */ value, /** @type {boolean} */ viaCallback) => {
      if (settled) return;
      settled = true;
      // A callback-style handler's result waits for the event loop to drain, unless it asked not to.
      if (viaCallback && context.callbackWaitsForEmptyEventLoop) {
        process.once('beforeExit', () => resolve({ ok, value }));
      } else resolve({ ok, value });
    };
    context = makeContext(h, (r) => finish(true, r, false), (e) => finish(false, e, false));
    const callback = (/** @type {unknown} */ err, /** @type {unknown} */ result) =>
      err !== undefined && err !== null ? finish(false, err, true) : finish(true, result, true);
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then((/** @type {unknown} */ r) => finish(true, r, false), (/** @type {unknown} */ e) => finish(false, e, false));
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
  let nextHeaders = firstNextHeaders;
  for (;;) {
    let next;
    try {
      next = await request('GET', '/invocation/next', undefined, nextHeaders);
      nextHeaders = {};
    } catch (error) {
      return platformGone(error);
    }
    if (next.status !== 200) return platformGone(new Error(`/next answered ${next.status}`));
    const requestId = String(header(next.headers, 'lambda-runtime-aws-request-id'));
    currentRequestId = requestId;
    inFlight = requestId;
    const trace = header(next.headers, 'lambda-runtime-trace-id');
    if (trace) env._X_AMZN_TRACE_ID = trace;
    else delete env._X_AMZN_TRACE_ID;
    let event;
    try {
      event = next.body.length === 0 ? {} : JSON.parse(next.body.toString('utf8'));
    } catch (error) {
      await postError(requestId, error);
      continue;
    }
    const outcome = /** @type {{ok: boolean, value: unknown}} */ (await runHandler(handler, event, next.headers));
    try {
      if (outcome.ok) await postResponse(requestId, outcome.value);
      else await postError(requestId, outcome.value);
    } catch (error) {
      return platformGone(error);
    }
  }
}

// Errors that escape the handler end the runtime, as in AWS: report them for the current
// invocation (if any), then exit so the platform resets the environment.
process.on('uncaughtException', (error) => {
  const response = toErrorResponse(error);
  console.error('Uncaught Exception \t' + JSON.stringify(response));
  const exit = () => process.exit(129);
  if (inFlight) postJson(`/invocation/${inFlight}/error`, response).then(exit, exit);
  else exit();
});
process.on('unhandledRejection', (reason) => {
  const error = new RuntimeError('Runtime.UnhandledPromiseRejection', reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason), reason);
  const response = toErrorResponse(error);
  console.error('Unhandled Promise Rejection \t' + JSON.stringify(response));
  const exit = () => process.exit(128);
  if (inFlight) postJson(`/invocation/${inFlight}/error`, response).then(exit, exit);
  else exit();
});

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
