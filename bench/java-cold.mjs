// Benchmark: the engine's cold (and warm) invoke latency for a Java function, with and without
// class-data sharing (a per-function AppCDS archive, javaClassDataSharing.ts), against a floor
// measured in the same run.
//
//   cold: first invoke of a Java echo handler (RequestHandler<Map, Map>, compiled against
//         test/fixtures/java/core) through the engine: a new environment (Runtime API server, the
//         JVM's spawn with Lambda's options, our runtime, function init, the invocation), from invoke
//         to response; and the INIT duration the engine reports (platform.initReport);
//         - with class-data sharing: the function's archive mapped (made by an earlier cold start);
//         - without (javaClassDataSharing: false): the JDK's default archive only;
//     vs  the floor: a bare HTTP server and a bare `java` child on the SAME JDK with the same JVM
//         options doing the same Runtime API exchange (load and instantiate the handler class from
//         the task root and its lib/ jar with a URLClassLoader of its own, as a runtime does → GET
//         /next → call it → POST /response) over a raw socket with HTTP/1.1 by hand, no JSON (it
//         posts the event's bytes back): what any Java runtime costs;
//     and the floor with an AppCDS archive of its own: what class-data sharing can give at best.
//   also: cold starts that create the archive (-XX:ArchiveClassesAtExit, a third engine whose
//         archives are removed before each), their shutdown, and how often the JVM finished
//         writing the archive within the engine's 500 ms shutdown grace.
//   warm: back-to-back invokes on a warm environment vs the floor's warm exchange.
//
// Samples are interleaved so machine noise hits all sides alike. Needs a JDK (java, javac, jar)
// and the build's dist/ (built here when stale) with dist/runtimes/java/runtime.jar.
// Usage: node bench/java-cold.mjs [--cold 20 --warm 2000]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT, buildIfStale, echoProject, fmt, loadEngine, machine, now, numberOption, quantile, root, startBareExchange, warmSamples } from './lib.mjs';

buildIfStale('core.js');
const runtimeJar = path.join(root, 'dist', 'runtimes', 'java', 'runtime.jar');
if (!fs.existsSync(runtimeJar)) {
  console.error(`${runtimeJar} is missing: build with node scripts/build.mjs on a machine with a JDK (javac, jar).`);
  process.exit(2);
}
const engine = loadEngine();
const { Workbench, FAKE_CREDENTIALS } = engine;
const { jvmMemoryOptions, resolveLocalJava } = engine.__module('runtimes/javaRuntime');
const { isCompleteArchive } = engine.__module('runtimes/javaClassDataSharing');
const COLD_SAMPLES = numberOption('cold', 20);
const WARM_SAMPLES = numberOption('warm', 2000);

// --- the JDK: the engine's choice (JAVA_HOME, else java on PATH), used by every side -------------
const java = await resolveLocalJava();
const jdkBin = path.dirname(java.path);
const tool = (name) => (fs.existsSync(path.join(jdkBin, name)) ? path.join(jdkBin, name) : name);

// --- the function: bench.Echo at the task root, aws-lambda-java-core's interfaces in lib/ --------
const dir = echoProject(`java${java.major}`, 'bench.Echo', {
  'handler/bench/Echo.java': `package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

public class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return event;
    }
}
`,
  'floor/Floor.java': FLOOR_SOURCE(),
});
const javaFiles = (d) =>
  fs
    .readdirSync(d, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.java'))
    .map((f) => path.join(d, f));
const src = path.join(dir, 'src');
const coreJar = path.join(src, 'lib', 'aws-lambda-java-core.jar');
fs.mkdirSync(path.dirname(coreJar), { recursive: true });
execFileSync(tool('javac'), ['--release', '11', '-d', path.join(dir, 'core-classes'), ...javaFiles(path.join(root, 'test', 'fixtures', 'java', 'core'))]);
execFileSync(tool('jar'), ['--create', '--file', coreJar, '-C', path.join(dir, 'core-classes'), '.']);
execFileSync(tool('javac'), ['--release', '11', '-cp', coreJar, '-d', src, path.join(dir, 'handler', 'bench', 'Echo.java')]);
execFileSync(tool('javac'), ['--release', '11', '-d', path.join(dir, 'floor-classes'), path.join(dir, 'floor', 'Floor.java')]);
// The floor's class path is a jar (AppCDS cannot archive from a directory on -cp).
const floorJar = path.join(dir, 'floor.jar');
execFileSync(tool('jar'), ['--create', '--file', floorJar, '-C', path.join(dir, 'floor-classes'), '.']);

// --- the floor: the same JVM options as the engine's (Lambda's limits for 128 MB, C1 only) ---------
const floorOptions = [
  ...jvmMemoryOptions(128),
  '-Xshare:auto',
  ...(java.major >= 17 ? ['-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1'] : []),
  '-Djava.net.preferIPv4Stack=true',
];
const floorArchive = path.join(dir, 'floor.jsa');
const startFloor = (cds = []) =>
  startBareExchange(java.path, [...floorOptions, ...cds, '-Xlog:cds*=off', '-cp', floorJar, 'Floor'], { _HANDLER: 'bench.Echo' }, src);

function FLOOR_SOURCE() {
  return `import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.File;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The floor: load the handler from the task root (the working directory) and its lib/ jar with a
 * class loader of its own, as a Lambda runtime does, then GET /next → call it → POST /response,
 * HTTP/1.1 by hand, no JSON.
 */
public final class Floor {
    public static void main(String[] args) throws Exception {
        File root = new File(System.getProperty("user.dir"));
        URL[] path = { root.toURI().toURL(), new File(root, "lib/aws-lambda-java-core.jar").toURI().toURL() };
        Class<?> type = Class.forName(System.getenv("_HANDLER"), true, new URLClassLoader(path, ClassLoader.getSystemClassLoader()));
        Object handler = type.getDeclaredConstructor().newInstance();
        Method handle = null;
        for (Method m : type.getMethods()) if (m.getName().equals("handleRequest") && !m.isBridge()) handle = m;
        String[] api = System.getenv("AWS_LAMBDA_RUNTIME_API").split(":");
        Socket socket = new Socket(api[0], Integer.parseInt(api[1]));
        socket.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        byte[] next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".getBytes(StandardCharsets.US_ASCII);
        out.write(next);
        for (;;) {
            Map<String, String> headers = new HashMap<>();
            byte[] event = read(in, headers);
            handle.invoke(handler, new HashMap<>(), null);
            String head = "POST /2018-06-01/runtime/invocation/" + headers.get("lambda-runtime-aws-request-id")
                    + "/response HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: " + event.length + "\\r\\n\\r\\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(event);
            read(in, new HashMap<>());
            out.write(next);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\\n'; ) {
            if (b < 0) throw new IOException("closed");
            if (b != '\\r') buffer.write(b);
        }
        return buffer.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] read(InputStream in, Map<String, String> headers) throws IOException {
        line(in);
        for (String l; !(l = line(in)).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
        }
        return in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
    }
}
`;
}

// --- the engine: one with class-data sharing (the default), one without, each its own state ------
async function open(name, settings) {
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    // The engine's default shutdown grace: the archive is written within it.
    settings: { credentials: async () => FAKE_CREDENTIALS, shutdownGraceMs: 500, hotReload: false, stateDir: path.join(dir, `.state-${name}`), ...settings },
  });
  const inits = [];
  workbench.telemetry.subscribe((e) => {
    if (e.type === 'platform.initReport') inits.push(e.record.metrics.durationMs);
  });
  return { workbench, inits, cdsDir: path.join(dir, `.state-${name}`, 'java-cds') };
}

/** One cold start: invoke → response, then the environment's shutdown (where a first start's JVM writes the archive). */
async function cold(side) {
  const t = now();
  const result = await side.workbench.invoke('Echo', EVENT);
  const ms = now() - t;
  if (!result.coldStart) throw new Error('expected a cold start');
  if (JSON.stringify(JSON.parse(result.payload.toString())) !== EVENT.toString()) throw new Error(`unexpected answer ${result.payload}`);
  await result.logs;
  const s = now();
  await side.workbench.shutdownEnvironments();
  return { ms, shutdownMs: now() - s };
}

async function floorCold(cds) {
  const t = now();
  const floor = await startFloor(cds);
  const answer = await floor.invoke();
  const ms = now() - t;
  await floor.stop();
  if (answer.toString() !== EVENT.toString()) throw new Error(`unexpected floor answer ${answer}`);
  return ms;
}

/** The floor's own archive: one run with -XX:ArchiveClassesAtExit, ended with SIGTERM (the JVM writes it as it exits). */
async function makeFloorArchive() {
  const { spawn } = await import('node:child_process');
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Lambda-Runtime-Aws-Request-Id': 'r1', 'Content-Length': EVENT.length }).end(EVENT);
      return;
    }
    req.resume().on('end', () => {
      res.writeHead(202, { 'Content-Length': 2 }).end('{}');
      child.kill('SIGTERM');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const child = spawn(java.path, [...floorOptions, `-XX:ArchiveClassesAtExit=${floorArchive}`, '-Xlog:cds*=off', '-cp', floorJar, 'Floor'], {
    env: { PATH: process.env.PATH, _HANDLER: 'bench.Echo', AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${server.address().port}` },
    cwd: src,
    stdio: 'ignore',
  });
  await new Promise((r) => child.on('exit', r));
  server.closeAllConnections();
  server.close();
  if (!fs.existsSync(floorArchive)) throw new Error('the floor JVM wrote no archive');
}

const p50 = (values) => quantile(values, 0.5);

async function main() {
  const withCds = await open('cds', {});
  const withoutCds = await open('nocds', { javaClassDataSharing: false });
  // A third engine whose archives are removed before each of its cold starts: every one creates it.
  const creator = await open('create', {});
  await makeFloorArchive();
  const floorCds = [`-XX:SharedArchiveFile=${floorArchive}`];

  // The cold start that creates the archive, then its shutdown (the JVM dumps as it exits).
  await cold(withCds);
  const archives = fs.readdirSync(path.join(withCds.cdsDir, 'Echo'));
  if (!archives.some((f) => f.endsWith('.part'))) throw new Error(`no archive written at shutdown: ${archives}`);

  // Warm the caches (java resolution, credentials, the host's JIT, the OS page cache) outside the samples.
  for (let i = 0; i < 3; i++) {
    await cold(withCds);
    await cold(withoutCds);
    await cold(creator);
    await floorCold();
    await floorCold(floorCds);
  }
  const archive = fs.readdirSync(path.join(withCds.cdsDir, 'Echo')).find((f) => f.endsWith('.jsa'));
  if (!archive) throw new Error('the archive was not promoted');
  withCds.inits.length = 0;
  withoutCds.inits.length = 0;
  creator.inits.length = 0;

  // COLD, interleaved.
  const samples = { floor: [], floorCds: [], engine: [], engineCds: [], shutdown: [], shutdownCds: [], creating: [], shutdownCreating: [] };
  let written = 0;
  for (let i = 0; i < COLD_SAMPLES; i++) {
    samples.floor.push(await floorCold());
    samples.floorCds.push(await floorCold(floorCds));
    const plain = await cold(withoutCds);
    samples.engine.push(plain.ms);
    samples.shutdown.push(plain.shutdownMs);
    const shared = await cold(withCds);
    samples.engineCds.push(shared.ms);
    samples.shutdownCds.push(shared.shutdownMs);
    fs.rmSync(creator.cdsDir, { recursive: true, force: true });
    const creating = await cold(creator);
    samples.creating.push(creating.ms);
    samples.shutdownCreating.push(creating.shutdownMs);
    // Did the JVM finish writing the archive within the shutdown grace?
    const parts = fs.readdirSync(path.join(creator.cdsDir, 'Echo')).filter((f) => f.endsWith('.part'));
    if (parts.some((f) => isCompleteArchive(path.join(creator.cdsDir, 'Echo', f)))) written++;
  }

  // WARM, back to back, in alternating blocks of 50 against the floor; the two engines take turns
  // (four rounds, the order swapped each round) so neither gets the host's warmer half.
  const floor = await startFloor();
  const warmCds = { engine: [], floor: [] };
  const warmPlain = { engine: [], floor: [] };
  for (let round = 0; round < 4; round++) {
    const first = round % 2 === 0 ? [withCds, warmCds] : [withoutCds, warmPlain];
    const second = round % 2 === 0 ? [withoutCds, warmPlain] : [withCds, warmCds];
    for (const [side, into] of [first, second]) {
      const got = await warmSamples(side.workbench, floor, WARM_SAMPLES / 4);
      into.engine.push(...got.engine);
      into.floor.push(...got.floor);
    }
  }
  await floor.stop();
  await withCds.workbench.close();
  await withoutCds.workbench.close();
  await creator.workbench.close();
  const archiveBytes = fs.statSync(path.join(withCds.cdsDir, 'Echo', archive)).size;
  fs.rmSync(dir, { recursive: true, force: true });

  const c = {
    floor: p50(samples.floor),
    floorCds: p50(samples.floorCds),
    engine: p50(samples.engine),
    engineCds: p50(samples.engineCds),
    init: p50(withoutCds.inits),
    initCds: p50(withCds.inits),
    creating: p50(samples.creating),
    initCreating: p50(creator.inits),
  };
  const ratio = (ms) => +(ms / c.floor).toFixed(3);
  const rows = [
    ['floor: bare java exchange', samples.floor, undefined],
    ['floor + its own AppCDS archive', samples.floorCds, undefined],
    ['engine, no class-data sharing', samples.engine, c.init],
    ['engine, class-data sharing', samples.engineCds, c.initCds],
    ['engine, a start that creates the archive', samples.creating, c.initCreating],
  ];
  const report = {
    machine: machine(),
    java: `${java.path} (${java.version})`,
    cold: {
      samples: COLD_SAMPLES,
      bestMs: Object.fromEntries(Object.entries(samples).map(([side, values]) => [side, +Math.min(...values).toFixed(2)])),
      floorP50Ms: +c.floor.toFixed(2),
      floorWithCdsP50Ms: +c.floorCds.toFixed(2),
      engineP50Ms: +c.engine.toFixed(2),
      engineWithCdsP50Ms: +c.engineCds.toFixed(2),
      ratio: ratio(c.engine),
      ratioWithCds: ratio(c.engineCds),
      cdsSavesMs: +(c.engine - c.engineCds).toFixed(2),
      initDurationP50Ms: { withoutCds: +c.init.toFixed(2), withCds: +c.initCds.toFixed(2) },
      creatingStartP50Ms: { invoke: +c.creating.toFixed(2), initDuration: +c.initCreating.toFixed(2) },
      archiveWrittenAtShutdown: `${written}/${COLD_SAMPLES}`,
      shutdownP50Ms: {
        withoutCds: +p50(samples.shutdown).toFixed(2),
        withCds: +p50(samples.shutdownCds).toFixed(2),
        creatingTheArchive: +p50(samples.shutdownCreating).toFixed(2),
      },
      archiveBytes,
    },
    warm: {
      samples: WARM_SAMPLES,
      engineWithCdsP50Ms: +p50(warmCds.engine).toFixed(4),
      engineWithoutCdsP50Ms: +p50(warmPlain.engine).toFixed(4),
      bareExchangeP50Ms: +p50([...warmCds.floor, ...warmPlain.floor]).toFixed(4),
      ratioWithCds: +(p50(warmCds.engine) / p50(warmCds.floor)).toFixed(3),
      ratioWithoutCds: +(p50(warmPlain.engine) / p50(warmPlain.floor)).toFixed(3),
    },
  };
  console.log(`cold first invoke (${COLD_SAMPLES} samples, invoke → response)       p50 ms   × floor   best ms   INIT reported (p50)`);
  for (const [name, values, init] of rows) {
    const ms = p50(values);
    const best = Math.min(...values).toFixed(1);
    console.log(
      `  ${name.padEnd(48)} ${ms.toFixed(1).padStart(7)}  ${ratio(ms).toFixed(2).padStart(6)}×  ${best.padStart(8)}   ${init === undefined ? '' : fmt(init)}`,
    );
  }
  console.log(
    `  shutdown of the environment: ${fmt(report.cold.shutdownP50Ms.withoutCds)} / ${fmt(report.cold.shutdownP50Ms.withCds)} (without / with CDS); creating the archive ${fmt(report.cold.shutdownP50Ms.creatingTheArchive)}, archive written in ${written}/${COLD_SAMPLES} of those; archive ${(archiveBytes / 1024 / 1024).toFixed(2)} MB`,
  );
  console.log(
    `warm, back to back  engine ${fmt(report.warm.engineWithCdsP50Ms)} with CDS (${report.warm.ratioWithCds}×), ${fmt(report.warm.engineWithoutCdsP50Ms)} without (${report.warm.ratioWithoutCds}×) vs bare exchange ${fmt(report.warm.bareExchangeP50Ms)}`,
  );
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
