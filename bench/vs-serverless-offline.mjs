// Benchmark: `lambda-workbench serve` against serverless-offline (v14 on serverless v3, its Lambda
// invoke endpoint, `--lambdaPort`), both serving the same Node echo function, measured in one run
// with the sides alternating so that machine noise hits both alike.
//
//   cold   first invoke after the server started (each side restarted --restarts times); for
//          serverless-offline that is: the function's first worker thread is created and loads the
//          handler (its default runner, worker threads in its own process), plus the first use of
//          its request path; for us: a new execution environment (Runtime API server, a `node`
//          process, runtime + function init) plus the first use of ours.
//          Also on a running server: the first invoke of a function not invoked before (Cold1…20 /
//          cold1…20), and the floor of bench/cold-warm.mjs (a bare `node` child doing the same
//          Runtime API exchange with a bare HTTP server), which our cold start is held to.
//   warm   p50 / p99 of back-to-back invokes through @aws-sdk/client-lambda and through a raw
//          node:http client (keep-alive), blocks of 50 alternating between the sides.
//   load   requests/s with 8 and 32 concurrent raw callers (each response checked to be its own
//          echo); Lambda semantics on our side mean one environment (process) per concurrent call.
//   memory RSS of each side's whole process tree from /proc: idle after the warm phase, and the peak
//          (sampled every 200 ms through the load phase); PSS alongside, which counts shared pages once.
//   bounds a bare node:http echo server (one process, no Lambda at all) measured with the same clients
//          in the warm, load and memory phases, and a bare round trip between two node processes: what
//          any server answering over HTTP from Node costs here, which the targets are read against.
//
// Usage: node bench/vs-serverless-offline.mjs [--restarts 5 --cold 20 --warm 2000 --seconds 2 --rounds 3]
// The first run installs serverless@3 + serverless-offline@14 in bench/serverless-offline/ (npm).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  EVENT,
  buildIfStale,
  fmt,
  freePort,
  machine,
  mb,
  now,
  numberOption,
  processTree,
  quantile,
  root,
  startBareExchange,
  treeCpu,
  treeMemory,
  waitForOutput,
  writeFloorRuntime,
} from './lib.mjs';

const RESTARTS = numberOption('restarts', 5);
const COLD_FUNCTIONS = Math.min(20, numberOption('cold', 20)); // serverless.yml defines cold1…cold20
const WARM_SAMPLES = numberOption('warm', 2000);
const LOAD_MS = numberOption('seconds', 2) * 1000;
const ROUNDS = numberOption('rounds', 3);
const CONCURRENCIES = [8, 32];

const PEER_DIR = path.join(root, 'bench', 'serverless-offline');
const SLS = path.join(PEER_DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');
const CLI = path.join(root, 'dist', 'cli.js');
const HANDLER = fs.readFileSync(path.join(PEER_DIR, 'handler.js'), 'utf8');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-vs-sls-'));
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

// --- setup ----------------------------------------------------------------------------------

function setup() {
  const installed = path.join(PEER_DIR, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(SLS) || !fs.existsSync(installed) || fs.statSync(path.join(PEER_DIR, 'package.json')).mtimeMs > fs.statSync(installed).mtimeMs) {
    console.error('Installing serverless@3 + serverless-offline@14 in bench/serverless-offline/ (first run)…');
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEER_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    if (npm.status !== 0) throw new Error('npm install failed in bench/serverless-offline/');
  }
  buildIfStale('cli.js');
}

/** Our project: the same handler file as serverless-offline's, as Echo and Cold1…Cold20. */
function writeOurProject() {
  const dir = path.join(tmp, 'project');
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'handler.js'), HANDLER);
  let template = 'Transform: AWS::Serverless-2016-10-31\nResources:\n';
  for (const name of ['Echo', ...Array.from({ length: 20 }, (_, i) => `Cold${i + 1}`)]) {
    template += `  ${name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src\n      Handler: handler.handler\n      MemorySize: 128\n`;
  }
  fs.writeFileSync(path.join(dir, 'template.yaml'), template);
  return dir;
}

// --- the two servers ---------------------------------------------------------------------------

let starts = 0;

async function startOurs(project) {
  const log = path.join(tmp, `ours-${++starts}.log`);
  const fd = fs.openSync(log, 'w');
  const t = now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '-t', project], {
    cwd: project,
    env: {
      PATH: process.env.PATH,
      HOME: tmp,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  live.add(child);
  const [, url] = await waitForOutput(log, /Lambda API listening on (http:\/\/\S+)/, 20000, child);
  return { name: 'lambda-workbench serve', child, url, log, readyMs: now() - t, fn: 'Echo', coldFn: (i) => `Cold${i}` };
}

async function startTheirs() {
  const log = path.join(tmp, `theirs-${++starts}.log`);
  const fd = fs.openSync(log, 'w');
  const [lambdaPort, httpPort, websocketPort, albPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const t = now();
  const child = spawn(
    process.execPath,
    [
      SLS,
      'offline',
      '--host',
      '127.0.0.1',
      '--lambdaPort',
      String(lambdaPort),
      '--httpPort',
      String(httpPort),
      '--websocketPort',
      String(websocketPort),
      '--albPort',
      String(albPort),
      '--noSponsor',
    ],
    {
      cwd: PEER_DIR,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      stdio: ['ignore', fd, fd],
    },
  );
  fs.closeSync(fd);
  live.add(child);
  const [, url] = await waitForOutput(log, /\[http for lambda\] listening on (http:\/\/\S+)/, 60000, child);
  return {
    name: 'serverless-offline',
    child,
    url: url.replace('localhost', '127.0.0.1'),
    log,
    readyMs: now() - t,
    fn: 'lwb-bench-dev-echo',
    coldFn: (i) => `lwb-bench-dev-cold${i}`,
  };
}

/** The bound: a bare node:http echo server in its own process, no Lambda, nothing else. */
const BARE_ECHO = `require('http').createServer((req, res) => { const c = []; req.on('data', (d) => c.push(d)); req.on('end', () => { const b = Buffer.concat(c);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': b.length }); res.end(b); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

async function startBareEcho() {
  const log = path.join(tmp, `bare-${++starts}.log`);
  const fd = fs.openSync(log, 'w');
  const t = now();
  const child = spawn(process.execPath, ['-e', BARE_ECHO], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  live.add(child);
  const [, url] = await waitForOutput(log, /listening on (http:\/\/\S+)/, 20000, child);
  return { name: 'bare echo server', child, url, log, readyMs: now() - t, fn: 'Echo' };
}

/** Round trip (ms, p50) of a small message between this process and a bare node child over loopback TCP. */
async function processRoundTrip(samples = 5000) {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const child = spawn(
    process.execPath,
    ['-e', `const s = require('net').connect(${server.address().port}, '127.0.0.1'); s.setNoDelay(true); s.on('data', (d) => s.write(d));`],
    { stdio: 'ignore' },
  );
  live.add(child);
  const socket = await new Promise((resolve) => server.once('connection', resolve));
  socket.setNoDelay(true);
  const message = Buffer.alloc(256, 'x');
  const times = [];
  await new Promise((resolve) => {
    let t = now();
    socket.on('data', () => {
      times.push(now() - t);
      if (times.length === samples) return resolve();
      t = now();
      socket.write(message);
    });
    socket.write(message);
  });
  socket.destroy();
  child.kill('SIGKILL');
  live.delete(child);
  server.close();
  return quantile(times.slice(samples / 5), 0.5);
}

async function stop(side) {
  const exited = new Promise((resolve) => (side.child.exitCode !== null || side.child.signalCode !== null ? resolve() : side.child.once('exit', resolve)));
  const tree = processTree(side.child.pid);
  side.child.kill('SIGTERM');
  const timer = setTimeout(() => side.child.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
  live.delete(side.child);
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
  return side.child.exitCode;
}

// --- clients -----------------------------------------------------------------------------------

/** A raw node:http client of one side's Invoke endpoint (keep-alive, `sockets` connections). */
function rawClient(side, fn, sockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(side.url);
  const pathname = `/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`;
  const invoke = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: hostname, port, path: pathname, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { invoke, close: () => agent.destroy() };
}

function sdkClient(side) {
  return new LambdaClient({ endpoint: side.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

async function rawInvokeChecked(client, body = EVENT, side = '') {
  const r = await client.invoke(body);
  check(r.status === 200 && r.body.equals(body), `${side}: unexpected response ${r.status} ${r.body}`);
}

async function sdkInvokeChecked(sdk, fn, side) {
  const out = await sdk.send(new InvokeCommand({ FunctionName: fn, Payload: EVENT }));
  check(
    out.StatusCode === 200 && !out.FunctionError && Buffer.from(out.Payload).equals(EVENT),
    `${side}: unexpected SDK response ${out.StatusCode} ${Buffer.from(out.Payload ?? [])}`,
  );
}

/** The first invoke of `fn` on a server, through a fresh raw connection (as a first caller has). */
async function coldInvoke(side, fn) {
  const client = rawClient(side, fn, 1);
  const t = now();
  await rawInvokeChecked(client, EVENT, side.name);
  const ms = now() - t;
  client.close();
  return ms;
}

/** `concurrency` raw callers back to back for `ms`: requests/s, and each response must be its own echo. */
async function load(side, concurrency, ms) {
  const client = rawClient(side, side.fn, concurrency);
  let done = 0;
  let wrong = 0;
  const end = now() + ms;
  const caller = async (c) => {
    for (let i = 0; now() < end; i++) {
      const body = Buffer.from(JSON.stringify({ caller: c, i, hello: 'world' }));
      const r = await client.invoke(body);
      if (r.status !== 200 || !r.body.equals(body)) wrong++;
      done++;
    }
  };
  const cpuBefore = { ...treeCpu(side.child.pid), client: process.cpuUsage() };
  const t = now();
  await Promise.all(Array.from({ length: concurrency }, (_, c) => caller(c)));
  const elapsed = now() - t;
  const cpuAfter = treeCpu(side.child.pid);
  const clientCpu = process.cpuUsage(cpuBefore.client);
  client.close();
  // CPU µs per request: the server's main process, its child processes (our environments), the caller.
  const perRequest = (ms) => +((ms * 1000) / done).toFixed(1);
  const cpuUs = {
    server: perRequest(cpuAfter.root - cpuBefore.root),
    children: perRequest(cpuAfter.descendants - cpuBefore.descendants),
    client: perRequest((clientCpu.user + clientCpu.system) / 1000),
  };
  return { rps: (done / elapsed) * 1000, done, wrong, cpuUs };
}

// --- the run -----------------------------------------------------------------------------------

async function main() {
  setup();
  const project = writeOurProject();
  const floorRuntime = writeFloorRuntime(tmp);
  const startFloor = () => startBareExchange(process.execPath, [floorRuntime], { HANDLER_FILE: path.join(project, 'src', 'handler.js') }, tmp);
  const starters = { ours: () => startOurs(project), theirs: () => startTheirs() };
  const r = {
    ours: { coldAfterStart: [], readyMs: [], coldRunning: [], sdk: [], raw: [], load: {}, memory: {} },
    theirs: { coldAfterStart: [], readyMs: [], coldRunning: [], sdk: [], raw: [], load: {}, memory: {} },
    bare: { sdk: [], raw: [], load: {}, memory: {} },
    floor: [],
  };

  // Warm the bench process's own code paths (HTTP client, SDK, the floor) outside the samples.
  const floorWarmup = await startFloor();
  await floorWarmup.invoke();
  await floorWarmup.stop();

  // COLD after start: restart each side, alternating which goes first; the last pair stays up.
  const sides = {};
  for (let i = 0; i < RESTARTS; i++) {
    for (const key of i % 2 ? ['theirs', 'ours'] : ['ours', 'theirs']) {
      if (sides[key]) await stop(sides[key]);
      const side = await starters[key]();
      sides[key] = side;
      r[key].readyMs.push(side.readyMs);
      r[key].coldAfterStart.push(await coldInvoke(side, side.fn));
    }
  }
  const { ours, theirs } = sides;
  const both = [
    ['ours', ours],
    ['theirs', theirs],
  ];
  process.stderr.write(`cold after start done (${RESTARTS} each)\n`);
  const bare = await startBareEcho();
  const all = [...both, ['bare', bare]];
  r.roundTrip = await processRoundTrip();

  // WARM: the SDK and the raw client, blocks of 50 alternating between the sides.
  for (const [, side] of all) {
    side.sdk = sdkClient(side);
    side.raw = rawClient(side, side.fn, 1);
    for (let i = 0; i < 200; i++) {
      await sdkInvokeChecked(side.sdk, side.fn, side.name);
      await rawInvokeChecked(side.raw, EVENT, side.name);
    }
  }
  for (let block = 0; block < WARM_SAMPLES / 50; block++) {
    const order = block % 2 ? [...all].reverse() : all;
    for (const client of ['sdk', 'raw']) {
      for (const [key, side] of order) {
        for (let i = 0; i < 50; i++) {
          const t = now();
          if (client === 'sdk') await sdkInvokeChecked(side.sdk, side.fn, side.name);
          else await rawInvokeChecked(side.raw, EVENT, side.name);
          r[key][client].push(now() - t);
        }
      }
    }
  }
  for (const [, side] of all) {
    side.sdk.destroy();
    side.raw.close();
  }
  process.stderr.write(`warm done (${WARM_SAMPLES} each per client)\n`);

  // MEMORY, idle after the warm phase (one environment / one worker thread for Echo).
  await new Promise((res) => setTimeout(res, 1000));
  for (const [key, side] of all) r[key].memory.idle = treeMemory(side.child.pid, { pss: true });

  // COLD on a running server: the first invoke of a function not used before, against the floor.
  for (let i = 1; i <= COLD_FUNCTIONS; i++) {
    const steps = [
      async () => {
        const t = now();
        const floor = await startFloor();
        await floor.invoke();
        r.floor.push(now() - t);
        await floor.stop();
      },
      async () => r.ours.coldRunning.push(await coldInvoke(ours, ours.coldFn(i))),
      async () => r.theirs.coldRunning.push(await coldInvoke(theirs, theirs.coldFn(i))),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]();
  }
  process.stderr.write(`cold on a running server done (${COLD_FUNCTIONS} each)\n`);

  // LOAD: requests/s at each concurrency, rounds alternating; RSS sampled for the peak.
  const peak = { ours: r.ours.memory.idle.rss, theirs: r.theirs.memory.idle.rss, bare: r.bare.memory.idle.rss };
  const sampler = setInterval(() => {
    for (const [key, side] of all) peak[key] = Math.max(peak[key], treeMemory(side.child.pid).rss);
  }, 200);
  for (const concurrency of CONCURRENCIES) {
    // Unmeasured warm-up: brings up the environments (worker threads) this concurrency needs.
    for (const [, side] of all) await load(side, concurrency, 2000);
    for (const [key] of all) r[key].load[concurrency] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, side] of round % 2 ? [...all].reverse() : all) r[key].load[concurrency].push(await load(side, concurrency, LOAD_MS));
    }
  }
  clearInterval(sampler);
  for (const [key, side] of all) {
    r[key].memory.peakRss = Math.max(peak[key], treeMemory(side.child.pid).rss);
    r[key].memory.afterLoad = treeMemory(side.child.pid, { pss: true });
  }
  process.stderr.write('load done\n');

  const exitCodes = { ours: await stop(ours), theirs: await stop(theirs) };
  await stop(bare);

  // --- report --------------------------------------------------------------------------------
  const p50 = (values) => quantile(values, 0.5);
  const p99 = (values) => quantile(values, 0.99);
  const rps = (key, c) => p50(r[key].load[c].map((x) => x.rps));
  const wrong = (key, c) => r[key].load[c].reduce((n, x) => n + x.wrong, 0);
  const floor = p50(r.floor);
  const rows = [];
  const row = (metric, ours, theirs, ratio, target, met, bound = '') => rows.push({ metric, ours, theirs, ratio, target, met, bound });
  const ratio = (a, b) => `${(a / b).toFixed(3)}×`;
  // `c`: the bare echo server's value, shown with its own ratio to theirs (what no HTTP server in Node beats here).
  const latency = (label, a, b, target, c) =>
    row(
      label,
      fmt(a),
      fmt(b),
      ratio(a, b),
      target ? `≤ ${target}×` : '',
      target ? (a / b <= target ? 'yes' : 'NO') : '',
      c === undefined ? '' : `${fmt(c)} (${ratio(c, b)})`,
    );

  latency(`cold: first invoke after start (p50 of ${RESTARTS})`, p50(r.ours.coldAfterStart), p50(r.theirs.coldAfterStart));
  latency(`cold: new function on a running server (p50 of ${COLD_FUNCTIONS})`, p50(r.ours.coldRunning), p50(r.theirs.coldRunning));
  row(
    'cold: ours vs the floor (running server / after start)',
    `${fmt(p50(r.ours.coldRunning))} / ${fmt(p50(r.ours.coldAfterStart))}`,
    `floor ${fmt(floor)}`,
    `${ratio(p50(r.ours.coldRunning), floor)} / ${ratio(p50(r.ours.coldAfterStart), floor)}`,
    '≤ 1.1× floor',
    p50(r.ours.coldRunning) / floor <= 1.1 ? 'yes' : 'NO',
  );
  latency('warm p50, AWS SDK', p50(r.ours.sdk), p50(r.theirs.sdk), 0.5, p50(r.bare.sdk));
  latency('warm p99, AWS SDK', p99(r.ours.sdk), p99(r.theirs.sdk), undefined, p99(r.bare.sdk));
  latency('warm p50, raw node:http', p50(r.ours.raw), p50(r.theirs.raw), 0.5, p50(r.bare.raw));
  latency('warm p99, raw node:http', p99(r.ours.raw), p99(r.theirs.raw), undefined, p99(r.bare.raw));
  row('bare round trip between two node processes (p50)', '', '', '', '', '', fmt(r.roundTrip));
  for (const c of CONCURRENCIES) {
    const [a, b, bound] = [rps('ours', c), rps('theirs', c), rps('bare', c)];
    row(
      `throughput, ${c} concurrent callers (req/s, p50 of ${ROUNDS})`,
      a.toFixed(0),
      b.toFixed(0),
      ratio(a, b),
      '≥ 2×',
      a / b >= 2 ? 'yes' : 'NO',
      `${bound.toFixed(0)} (${ratio(bound, b)})`,
    );
  }
  const memory = (label, a, b, target, c) =>
    row(label, mb(a), mb(b), ratio(a, b), target ? `≤ ${target}×` : '', target ? (a / b <= target ? 'yes' : 'NO') : '', `${mb(c)} (${ratio(c, b)})`);
  memory(
    `memory idle after warm, RSS (${r.ours.memory.idle.processes} / ${r.theirs.memory.idle.processes} processes)`,
    r.ours.memory.idle.rss,
    r.theirs.memory.idle.rss,
    0.25,
    r.bare.memory.idle.rss,
  );
  memory('memory idle after warm, PSS', r.ours.memory.idle.pss, r.theirs.memory.idle.pss, undefined, r.bare.memory.idle.pss);
  memory('memory peak RSS (load at 32)', r.ours.memory.peakRss, r.theirs.memory.peakRss, 0.25, r.bare.memory.peakRss);
  memory(
    `memory after load, PSS (${r.ours.memory.afterLoad.processes} / ${r.theirs.memory.afterLoad.processes} processes)`,
    r.ours.memory.afterLoad.pss,
    r.theirs.memory.afterLoad.pss,
    undefined,
    r.bare.memory.afterLoad.pss,
  );
  latency('start-up to listening (p50, info)', p50(r.ours.readyMs), p50(r.theirs.readyMs));

  const columns = ['metric', 'ours', 'theirs', 'ratio', 'target', 'met', 'bound'];
  const widths = columns.map((k) => Math.max(k.length, ...rows.map((x) => String(x[k]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  console.log(`lambda-workbench serve (ours) vs serverless-offline 14 on serverless 3 (theirs): ${machine()}`);
  console.log(line(['metric', 'ours', 'theirs', 'ratio', 'target', 'met', 'bound: bare echo server (÷ theirs)']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const x of rows) console.log(line(columns.map((k) => x[k])));
  const cpu = (key, c) => {
    const runs = r[key].load[c];
    const avg = (k) => (runs.reduce((n, x) => n + x.cpuUs[k], 0) / runs.length).toFixed(0);
    return `server ${avg('server')} + children ${avg('children')} + caller ${avg('client')}`;
  };
  console.log('CPU µs per request under load (from /proc; the machine has ' + os.cpus().length + ' cores):');
  for (const c of CONCURRENCIES) console.log(`  ${c} callers: ours ${cpu('ours', c)}; theirs ${cpu('theirs', c)}; bare echo ${cpu('bare', c)}`);
  // Our cold starts on the running server, from our own REPORT lines: INIT, then the first invoke.
  const reports = [
    ...fs.readFileSync(ours.log, 'utf8').matchAll(/^\[Cold\d+ env-[0-9a-f]+\] REPORT .*\tDuration: ([\d.]+) ms\t.*\tInit Duration: ([\d.]+) ms$/gm),
  ];
  if (reports.length > 0) {
    const init = p50(reports.map((m) => Number(m[2])));
    const duration = p50(reports.map((m) => Number(m[1])));
    const total = p50(r.ours.coldRunning);
    console.log(
      `ours, cold on a running server (p50): ${fmt(total)} = INIT ${fmt(init)} (REPORT Init Duration) + first invoke ${fmt(duration)} (REPORT Duration) + ${fmt(total - init - duration)} else (HTTP, scheduling); floor ${fmt(floor)}`,
    );
  }
  const wrongTotal = CONCURRENCIES.map((c) => `${c}: ours ${wrong('ours', c)}, theirs ${wrong('theirs', c)}`).join('; ');
  console.log(`wrong or failed responses under load — ${wrongTotal}; exit codes on SIGTERM: ours ${exitCodes.ours}, theirs ${exitCodes.theirs}`);
  const versions = JSON.parse(fs.readFileSync(path.join(PEER_DIR, 'node_modules', 'serverless-offline', 'package.json'), 'utf8')).version;
  console.log(
    JSON.stringify(
      {
        machine: machine(),
        serverlessOffline: versions,
        serverless: JSON.parse(fs.readFileSync(path.join(PEER_DIR, 'node_modules', 'serverless', 'package.json'), 'utf8')).version,
        samples: { restarts: RESTARTS, coldFunctions: COLD_FUNCTIONS, warm: WARM_SAMPLES, loadMs: LOAD_MS, rounds: ROUNDS },
        coldAfterStartMs: { ours: r.ours.coldAfterStart.map((x) => +x.toFixed(2)), theirs: r.theirs.coldAfterStart.map((x) => +x.toFixed(2)) },
        coldRunningMs: {
          ours: r.ours.coldRunning.map((x) => +x.toFixed(2)),
          theirs: r.theirs.coldRunning.map((x) => +x.toFixed(2)),
          floor: r.floor.map((x) => +x.toFixed(2)),
        },
        load: Object.fromEntries(
          CONCURRENCIES.map((c) => [
            c,
            {
              ours: r.ours.load[c].map(({ rps, wrong, cpuUs }) => ({ rps: Math.round(rps), wrong, cpuUs })),
              theirs: r.theirs.load[c].map(({ rps, wrong, cpuUs }) => ({ rps: Math.round(rps), wrong, cpuUs })),
            },
          ]),
        ),
        memory: { ours: r.ours.memory, theirs: r.theirs.memory, bare: r.bare.memory },
        bareEcho: { rawP50Ms: +p50(r.bare.raw).toFixed(3), sdkP50Ms: +p50(r.bare.sdk).toFixed(3), processRoundTripMs: +r.roundTrip.toFixed(3) },
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
