// Benchmark: the engine's cold (and warm) invoke latency for a Python function, against a floor
// measured in the same run.
//
//   cold: first invoke of a Python echo function through the engine (new environment: Runtime
//         API server, process spawn, our bootstrap, function init, the invocation)
//     vs  the floor: a bare HTTP server and a bare Python child on the SAME interpreter doing the
//         same Runtime API exchange (import the handler → GET /next → call it → POST /response)
//         over a raw socket, nothing else.
//     and, for scale, the interpreter's own start (`python -u -c pass`, spawn to exit).
//   warm: back-to-back invokes on a warm environment vs the floor's warm exchange.
//
// Samples are interleaved so machine noise hits all sides alike. Needs `node scripts/build.mjs`
// and the Python bootstrap next to the bundle (dist/runtimes/python/bootstrap.py).
// Usage: node bench/python-cold.mjs [--cold 20 --warm 2000]
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT, echoProject, fmt, loadEngine, machine, now, numberOption, quantile, root, startBareExchange, warmSamples, coldSample } from './lib.mjs';

const bootstrap = path.join(root, 'dist', 'runtimes', 'python', 'bootstrap.py');
if (!fs.existsSync(bootstrap)) {
  console.error(`${bootstrap} is missing: build with node scripts/build.mjs (it must ship src/core/runtimes/python).`);
  process.exit(2);
}
const { Workbench, FAKE_CREDENTIALS } = loadEngine();
const COLD_SAMPLES = numberOption('cold', 20);
const WARM_SAMPLES = numberOption('warm', 2000);

// --- the interpreter: python3 on PATH, resolved to its real binary, used by both sides ----------
const [PYTHON, MINOR] = execFileSync('python3', ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' })
  .trim()
  .split('\n');
const python = fs.realpathSync(PYTHON);

const dir = echoProject(`python${MINOR}`, 'echo.handler', { 'src/echo.py': 'def handler(event, context):\n    return event\n' });

// --- the floor: a bare Runtime API exchange on the same interpreter --------------------------
const FLOOR_RUNTIME = path.join(dir, 'floor_runtime.py');
fs.writeFileSync(
  FLOOR_RUNTIME,
  `
import json, os, socket
host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rpartition(":")
from echo import handler
sock = socket.create_connection((host, int(port)))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = sock.makefile("rb")
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
def read():
    f.readline()
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\\r\\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    return headers, f.read(int(headers.get("content-length", 0)))
sock.sendall(NEXT)
while True:
    headers, body = read()
    rid = headers["lambda-runtime-aws-request-id"].encode()
    out = json.dumps(handler(json.loads(body), None)).encode()
    sock.sendall(b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: %d\\r\\n\\r\\n" % (rid, len(out)) + out)
    read()
    sock.sendall(NEXT)
`,
);

const startFloor = () =>
  startBareExchange(python, ['-u', FLOOR_RUNTIME], { PYTHONPATH: path.join(dir, 'src'), PYTHONDONTWRITEBYTECODE: '1' }, path.join(dir, 'src'));

/** Spawn to exit of `python -u -c pass`: what the interpreter alone costs. */
function interpreterStart() {
  return new Promise((resolve) => {
    const t = now();
    spawn(python, ['-u', '-c', 'pass'], { stdio: 'ignore', env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' } }).on('exit', () =>
      resolve(now() - t),
    );
  });
}

const signed = (ms) => (ms < 0 ? `−${fmt(-ms)}` : `+${fmt(ms)}`);

async function main() {
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, pythonPath: python },
  });
  const spans = { runtimeInit: [], functionInit: [] };
  workbench.telemetry.subscribe((e) => {
    if (e.type !== 'platform.initReport') return;
    for (const s of e.record.spans ?? []) spans[s.name]?.push(s.durationMs);
  });
  // Warm the caches (interpreter resolution, credentials, the host's JIT, the OS page cache)
  // outside the samples.
  for (let i = 0; i < 3; i++) {
    const r = await workbench.invoke('Echo', EVENT);
    if (r.functionError) throw new Error(`the echo function failed: ${r.payload}`);
    await r.logs;
    await workbench.shutdownEnvironments();
    const f = await startFloor();
    await f.invoke();
    await f.stop();
    await interpreterStart();
  }
  spans.runtimeInit.length = 0;
  spans.functionInit.length = 0;

  // COLD
  const cold = { engine: [], floor: [], interpreter: [] };
  for (let i = 0; i < COLD_SAMPLES; i++) {
    cold.interpreter.push(await interpreterStart());

    const t = now();
    const floor = await startFloor();
    await floor.invoke();
    cold.floor.push(now() - t);
    await floor.stop();

    cold.engine.push(await coldSample(workbench));
  }

  // WARM, back to back, in alternating blocks of 50.
  const floor = await startFloor();
  const warm = await warmSamples(workbench, floor, WARM_SAMPLES);
  await floor.stop();
  await workbench.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const c = {
    engine: quantile(cold.engine, 0.5),
    floor: quantile(cold.floor, 0.5),
    interpreter: quantile(cold.interpreter, 0.5),
    engineBest: Math.min(...cold.engine),
    runtimeInit: quantile(spans.runtimeInit, 0.5),
    functionInit: quantile(spans.functionInit, 0.5),
  };
  const w = { engine: quantile(warm.engine, 0.5), engine99: quantile(warm.engine, 0.99), floor: quantile(warm.floor, 0.5) };
  const report = {
    machine: machine(),
    python: `${python} (python${MINOR})`,
    cold: {
      samples: COLD_SAMPLES,
      engineP50Ms: +c.engine.toFixed(2),
      engineMinMs: +c.engineBest.toFixed(2),
      floorP50Ms: +c.floor.toFixed(2),
      interpreterStartP50Ms: +c.interpreter.toFixed(2),
      ratio: +(c.engine / c.floor).toFixed(3),
      engineOverFloorMs: +(c.engine - c.floor).toFixed(2),
      initSpansP50Ms: { runtimeInit: +c.runtimeInit.toFixed(2), functionInit: +c.functionInit.toFixed(2) },
      targetMs: 70,
      withinTarget: c.engine <= 70,
    },
    warm: {
      samples: WARM_SAMPLES,
      engineP50Ms: +w.engine.toFixed(4),
      engineP99Ms: +w.engine99.toFixed(4),
      bareExchangeP50Ms: +w.floor.toFixed(4),
      ratio: +(w.engine / w.floor).toFixed(3),
    },
  };
  console.log(
    `cold first invoke   engine ${fmt(c.engine)} (best ${fmt(c.engineBest)}) vs floor ${fmt(c.floor)} → ${report.cold.ratio}× the floor, ${signed(c.engine - c.floor)} (target ≤ 70 ms absolute: ${report.cold.withinTarget ? 'met' : 'NOT met'})`,
  );
  console.log(
    `                    interpreter alone (python -u -c pass) ${fmt(c.interpreter)}; INIT spans runtimeInit ${fmt(c.runtimeInit)}, functionInit ${fmt(c.functionInit)}`,
  );
  console.log(`warm, back to back  engine ${fmt(w.engine)} (p99 ${fmt(w.engine99)}) vs bare exchange ${fmt(w.floor)} → ${report.warm.ratio}×`);
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
