// Shared by the benchmarks: options, a throwaway echo project, the bare Runtime API exchange that
// serves as the physical floor, and the statistics.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs scripts/build.mjs unless `output` (under dist/) is newer than every file in src/. */
export function buildIfStale(output) {
  const file = path.join(root, 'dist', output);
  if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= newestMtime(path.join(root, 'src'))) return;
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('node scripts/build.mjs failed');
}

/** The built engine (`node scripts/build.mjs` first). */
export function loadEngine() {
  return createRequire(import.meta.url)(path.join(root, 'dist', 'core.js'));
}

/** `--name value` from the command line, as a number. */
export function numberOption(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export const EVENT = Buffer.from(JSON.stringify({ hello: 'world', n: 42 }));

/** A temporary SAM project with one `Echo` function; `files` are relative to its root. */
export function echoProject(runtime, handler, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: ${runtime}
      CodeUri: src
      Handler: ${handler}
`,
  );
  return dir;
}

/**
 * The floor: a bare HTTP server and one runtime child doing the Runtime API exchange, nothing
 * else. `invoke()` hands EVENT to the parked /next and resolves with the posted response.
 */
export async function startBareExchange(command, args, env, cwd) {
  let parked;
  let onResponse;
  let onParked;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      parked = res;
      onParked?.();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(202, { 'Content-Length': 15 }).end('{"status":"OK"}');
      onResponse(Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 0;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const child = spawn(command, args, {
    env: { ...env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${server.address().port}`, PATH: process.env.PATH },
    cwd,
    stdio: 'ignore',
  });
  let n = 0;
  const invoke = () =>
    new Promise((resolve) => {
      onResponse = resolve;
      const deliver = () => {
        const res = parked;
        parked = undefined;
        res.writeHead(200, { 'Lambda-Runtime-Aws-Request-Id': `r${++n}`, 'Content-Type': 'application/json', 'Content-Length': EVENT.length }).end(EVENT);
      };
      if (parked) deliver();
      else {
        onParked = () => {
          onParked = undefined;
          deliver();
        };
      }
    });
  const stop = async () => {
    child.kill('SIGKILL');
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { invoke, stop };
}

export const now = () => performance.now();

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One cold start of the engine's `Echo` (checked to echo EVENT), in ms; its environments shut down after. */
export async function coldSample(workbench) {
  const t = now();
  const result = await workbench.invoke('Echo', EVENT);
  const ms = now() - t;
  if (!result.coldStart) throw new Error('expected a cold start');
  if (JSON.stringify(JSON.parse(result.payload.toString())) !== EVENT.toString()) throw new Error(`unexpected answer ${result.payload}`);
  await result.logs;
  await workbench.shutdownEnvironments();
  return ms;
}

/**
 * Warm invocations of the engine's `Echo` and of a bare floor exchange, back to back, in alternating
 * blocks of 50 after 200 of each to settle; `{ engine, floor }` sample lists in ms.
 */
export async function warmSamples(workbench, floor, samples) {
  const warm = { engine: [], floor: [] };
  for (let i = 0; i < 200; i++) {
    await workbench.invoke('Echo', EVENT);
    await floor.invoke();
  }
  for (let block = 0; block < samples / 50; block++) {
    for (let i = 0; i < 50; i++) {
      const t = now();
      await floor.invoke();
      warm.floor.push(now() - t);
    }
    for (let i = 0; i < 50; i++) {
      const t = now();
      const r = await workbench.invoke('Echo', EVENT);
      warm.engine.push(now() - t);
      if (r.coldStart) throw new Error('unexpected cold start in the warm loop');
    }
  }
  return warm;
}

export const fmt = (ms) => (Math.abs(ms) < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`;

/**
 * The Node floor runtime as a file in `dir`: a bare `node` child doing the
 * Runtime API exchange (GET /next → require the handler → call it → POST /response) with Node's
 * `http`, nothing else. Run it with startBareExchange and `HANDLER_FILE` set.
 */
export function writeFloorRuntime(dir) {
  const file = path.join(dir, 'floor-runtime.cjs');
  fs.writeFileSync(
    file,
    `
const http = require('http');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const handler = require(process.env.HANDLER_FILE).handler;
function loop() {
  http.get({ host, port, path: '/2018-06-01/runtime/invocation/next', agent }, (res) => {
    const chunks = []; res.on('data', (c) => chunks.push(c));
    res.on('end', async () => {
      const id = res.headers['lambda-runtime-aws-request-id'];
      const body = Buffer.from(JSON.stringify(await handler(JSON.parse(Buffer.concat(chunks)))));
      const req = http.request({ host, port, method: 'POST', path: '/2018-06-01/runtime/invocation/' + id + '/response', agent, headers: { 'Content-Length': body.length } }, (r) => { r.resume(); r.on('end', loop); });
      req.end(body);
    });
  });
}
loop();
`,
  );
  return file;
}

/** The pids of a process and all its descendants (by parent pid, from /proc; zombies left out). */
export function processTree(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(entry);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [];
  const walk = (pid) => {
    tree.push(Number(pid));
    for (const child of children.get(pid) ?? []) walk(child);
  };
  if (fs.existsSync(`/proc/${rootPid}`)) walk(String(rootPid));
  return tree;
}

/** `Name:   123 kB` of a /proc file, in bytes (0 when unreadable). */
function procKb(file, name) {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Memory of a whole process tree, in bytes: RSS summed over its processes (shared pages, e.g. the
 * node binary, count once per process) and, with `pss`, the proportional set size (shared pages
 * split between the processes sharing them: what the tree really costs the machine).
 */
export function treeMemory(rootPid, { pss = false } = {}) {
  const pids = processTree(rootPid);
  let rss = 0;
  let proportional = 0;
  for (const pid of pids) {
    rss += procKb(`/proc/${pid}/status`, 'VmRSS');
    if (pss) proportional += procKb(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { processes: pids.length, rss, ...(pss ? { pss: proportional } : {}) };
}

/** A TCP port free on 127.0.0.1 right now (for servers that cannot be told to pick one). */
export async function freePort() {
  const server = (await import('node:net')).createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until a file (a process's redirected output) matches `regex`; rejects if `child` exits first. */
export function waitForOutput(file, regex, timeoutMs, child) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const match = regex.exec(text);
      if (match) return resolve(match);
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        return reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${regex}:\n${text}`));
      }
      if (Date.now() - started > timeoutMs) return reject(new Error(`no ${regex} within ${timeoutMs} ms:\n${text}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * CPU time (ms, user + system, from /proc) of a process tree, split into the root process (all its
 * threads) and its descendants.
 */
export function treeCpu(rootPid) {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const cpu = (pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime
    } catch {
      return 0;
    }
  };
  const [root, ...descendants] = processTree(rootPid);
  return { root: root === undefined ? 0 : cpu(root), descendants: descendants.reduce((sum, pid) => sum + cpu(pid), 0) };
}
