// Benchmark: the engine's cold (and warm) invoke latency for a Ruby function, against a floor
// measured in the same run.
//
//   cold: first invoke of a Ruby echo function through the engine (new environment: Runtime API
//         server, process spawn, our bootstrap, function init, the invocation)
//     vs  the floor: a bare HTTP server and a bare `ruby` child on the SAME Ruby doing the same
//         Runtime API exchange (require the handler → GET /next → call it → POST /response) over a
//         raw socket with json, nothing else.
//     and the same floor started with --disable-gems, as our runtime is (it loads rubygems when a
//         require needs it): the floor of what any Ruby runtime could do on this machine;
//     and, for scale, the interpreter's own start (`ruby -e 0`, spawn to exit, rubygems included).
//   warm: back-to-back invokes on a warm environment vs the floor's warm exchange.
//
// Samples are interleaved so machine noise hits all sides alike. Needs `node scripts/build.mjs`
// and the Ruby bootstrap next to the bundle (dist/runtimes/ruby/bootstrap.rb).
// Usage: node bench/ruby-cold.mjs [--cold 20 --warm 2000]
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT, echoProject, fmt, loadEngine, machine, now, numberOption, quantile, root, startBareExchange, warmSamples, coldSample } from './lib.mjs';

const bootstrap = path.join(root, 'dist', 'runtimes', 'ruby', 'bootstrap.rb');
if (!fs.existsSync(bootstrap)) {
  console.error(`${bootstrap} is missing: build with node scripts/build.mjs (it must ship src/core/runtimes/ruby).`);
  process.exit(2);
}
const { Workbench, FAKE_CREDENTIALS } = loadEngine();
const COLD_SAMPLES = numberOption('cold', 20);
const WARM_SAMPLES = numberOption('warm', 2000);

// --- the Ruby: `ruby` on PATH, resolved to its real binary, used by both sides ---------------
const [RUBY, VERSION] = execFileSync('ruby', ['-e', 'puts RbConfig.ruby, RUBY_VERSION'], { encoding: 'utf8' }).trim().split('\n');
const ruby = fs.realpathSync(RUBY);

// A Lambda runtime name (Debian's 3.1 is none): the engine warns once and runs it on this Ruby.
const dir = echoProject('ruby3.3', 'echo.handler', { 'src/echo.rb': 'def handler(event:, context:) = event\n' });

// --- the floor: a bare Runtime API exchange on the same Ruby ---------------------------------
const FLOOR_RUNTIME = path.join(dir, 'floor_runtime.rb');
fs.writeFileSync(
  FLOOR_RUNTIME,
  `
require 'json'
require 'socket'
require 'echo'
host, _, port = ENV['AWS_LAMBDA_RUNTIME_API'].rpartition(':')
sock = TCPSocket.new(host, Integer(port))
sock.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1)
NEXT = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
def read(sock)
  sock.gets
  headers = {}
  while (line = sock.gets) && line != "\\r\\n"
    key, value = line.split(':', 2)
    headers[key.strip.downcase] = value.strip
  end
  [headers, sock.read(headers['content-length'].to_i)]
end
sock.write(NEXT)
loop do
  headers, body = read(sock)
  out = JSON.generate(handler(event: JSON.parse(body), context: nil))
  sock.write("POST /2018-06-01/runtime/invocation/#{headers['lambda-runtime-aws-request-id']}/response HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: #{out.bytesize}\\r\\n\\r\\n#{out}")
  read(sock)
  sock.write(NEXT)
end
`,
);

const startFloor = (flags = []) => startBareExchange(ruby, [...flags, '-I', path.join(dir, 'src'), FLOOR_RUNTIME], {}, path.join(dir, 'src'));

/** Spawn to exit of `ruby -e 0`: what the interpreter alone costs. */
function interpreterStart() {
  return new Promise((resolve) => {
    const t = now();
    spawn(ruby, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env.PATH } }).on('exit', () => resolve(now() - t));
  });
}

const signed = (ms) => (ms < 0 ? `−${fmt(-ms)}` : `+${fmt(ms)}`);

async function main() {
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 100, rubyPath: ruby },
  });
  const spans = { runtimeInit: [], functionInit: [] };
  workbench.telemetry.subscribe((e) => {
    if (e.type !== 'platform.initReport') return;
    for (const s of e.record.spans ?? []) spans[s.name]?.push(s.durationMs);
  });
  // Warm the caches (Ruby resolution, credentials, the host's JIT, the OS page cache) outside the samples.
  for (let i = 0; i < 3; i++) {
    const r = await workbench.invoke('Echo', EVENT);
    if (r.functionError) throw new Error(`the echo function failed: ${r.payload}`);
    await r.logs;
    await workbench.shutdownEnvironments();
    for (const flags of [[], ['--disable-gems']]) {
      const f = await startFloor(flags);
      await f.invoke();
      await f.stop();
    }
    await interpreterStart();
  }
  spans.runtimeInit.length = 0;
  spans.functionInit.length = 0;

  // COLD
  const cold = { engine: [], floor: [], floorNoGems: [], interpreter: [] };
  for (let i = 0; i < COLD_SAMPLES; i++) {
    cold.interpreter.push(await interpreterStart());

    let t = now();
    const floor = await startFloor();
    const floorAnswer = await floor.invoke();
    cold.floor.push(now() - t);
    await floor.stop();
    if (floorAnswer.toString() !== EVENT.toString()) throw new Error(`unexpected floor answer ${floorAnswer}`);

    t = now();
    const bare = await startFloor(['--disable-gems']);
    await bare.invoke();
    cold.floorNoGems.push(now() - t);
    await bare.stop();

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
    floorNoGems: quantile(cold.floorNoGems, 0.5),
    interpreter: quantile(cold.interpreter, 0.5),
    engineBest: Math.min(...cold.engine),
    floorBest: Math.min(...cold.floor),
    runtimeInit: quantile(spans.runtimeInit, 0.5),
    functionInit: quantile(spans.functionInit, 0.5),
  };
  const w = { engine: quantile(warm.engine, 0.5), engine99: quantile(warm.engine, 0.99), floor: quantile(warm.floor, 0.5) };
  const report = {
    machine: machine(),
    ruby: `${ruby} (${VERSION})`,
    cold: {
      samples: COLD_SAMPLES,
      engineP50Ms: +c.engine.toFixed(2),
      engineMinMs: +c.engineBest.toFixed(2),
      floorP50Ms: +c.floor.toFixed(2),
      floorMinMs: +c.floorBest.toFixed(2),
      floorWithoutRubygemsP50Ms: +c.floorNoGems.toFixed(2),
      ratioToFloorWithoutRubygems: +(c.engine / c.floorNoGems).toFixed(3),
      interpreterStartP50Ms: +c.interpreter.toFixed(2),
      ratio: +(c.engine / c.floor).toFixed(3),
      engineOverFloorMs: +(c.engine - c.floor).toFixed(2),
      initSpansP50Ms: { runtimeInit: +c.runtimeInit.toFixed(2), functionInit: +c.functionInit.toFixed(2) },
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
    `cold first invoke   engine ${fmt(c.engine)} (best ${fmt(c.engineBest)}) vs floor ${fmt(c.floor)} (best ${fmt(c.floorBest)}) → ${report.cold.ratio}× the floor, ${signed(c.engine - c.floor)}`,
  );
  console.log(
    `                    floor started with --disable-gems ${fmt(c.floorNoGems)} → ${report.cold.ratioToFloorWithoutRubygems}×, ${signed(c.engine - c.floorNoGems)}`,
  );
  console.log(
    `                    interpreter alone (ruby -e 0) ${fmt(c.interpreter)}; INIT spans runtimeInit ${fmt(c.runtimeInit)}, functionInit ${fmt(c.functionInit)}`,
  );
  console.log(`warm, back to back  engine ${fmt(w.engine)} (p99 ${fmt(w.engine99)}) vs bare exchange ${fmt(w.floor)} → ${report.warm.ratio}×`);
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
