// Benchmark: response streaming through a function URL. One function, two URLs: InvokeMode
// RESPONSE_STREAM on $LATEST and BUFFERED on its alias `live` (the same code, published at open).
// For each, the time to the first byte of the body (TTFB) and to its last byte (TTLB), seen by a
// node:http client with a kept-alive connection, samples interleaved so machine noise hits both:
//
//   paced: the function writes --parts JSON items --gap ms apart (work that produces a response
//          piece by piece): streaming should bring TTFB down to the first piece, TTLB unchanged;
//   bulk:  the function writes --bulk-kib KiB in 16 KiB writes at once: what streaming costs when
//          there is nothing to wait for (per-chunk framing through the Runtime API and the URL).
//
// Usage: node bench/streaming.mjs [--samples 30 --parts 10 --gap 20 --bulk-kib 1024]
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIfStale, fmt, loadEngine, machine, now, numberOption, quantile } from './lib.mjs';

buildIfStale('core.js');
const { Workbench, HttpFrontEnd, FAKE_CREDENTIALS } = loadEngine();
const SAMPLES = numberOption('samples', 30);
const PARTS = numberOption('parts', 10);
const GAP_MS = numberOption('gap', 20);
const BULK_KIB = numberOption('bulk-kib', 1024);

const HANDLER = `
exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.setContentType('application/json');
  const q = event.queryStringParameters ?? {};
  if (q.mode === 'bulk') {
    const piece = JSON.stringify('x'.repeat(16 * 1024 - 3)) + ',';
    stream.write('[');
    for (let i = 0; i < Number(q.kib) / 16; i++) if (!stream.write(piece)) await new Promise((r) => stream.once('drain', r));
    return stream.end('0]');
  }
  stream.write('[');
  for (let i = 0; i < Number(q.parts); i++) {
    await new Promise((r) => setTimeout(r, Number(q.gap)));
    stream.write((i ? ',' : '') + JSON.stringify({ part: i, at: Date.now(), pad: 'p'.repeat(1000) }));
  }
  stream.end(']');
});
`;

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Report:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: report.handler
      MemorySize: 512
      Timeout: 30
      AutoPublishAlias: live
  StreamingUrl:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !Ref Report, AuthType: NONE, InvokeMode: RESPONSE_STREAM}
  BufferedUrl:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !Ref Report, Qualifier: live, AuthType: NONE, InvokeMode: BUFFERED}
`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** GET `url`: ms to the first body byte and to the end, and the body's size. */
function timedGet(url) {
  return new Promise((resolve, reject) => {
    const start = now();
    http
      .get(url, { agent }, (res) => {
        let first = 0;
        let bytes = 0;
        res.on('data', (chunk) => {
          if (!first) first = now();
          bytes += chunk.length;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}`));
          resolve({ ttfb: first - start, ttlb: now() - start, bytes });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'report.js'), HANDLER);
  fs.writeFileSync(path.join(dir, 'template.yaml'), TEMPLATE);
  const workbench = await Workbench.open({
    template: path.join(dir, 'template.yaml'),
    settings: { credentials: async () => FAKE_CREDENTIALS, hotReload: false },
  });
  const frontEnd = new HttpFrontEnd(workbench);
  const endpoints = await frontEnd.start();
  const streamingUrl = endpoints.find((e) => e.invokeMode === 'RESPONSE_STREAM').url;
  const bufferedUrl = endpoints.find((e) => e.invokeMode === 'BUFFERED').url;

  const scenarios = {
    paced: `?parts=${PARTS}&gap=${GAP_MS}`,
    bulk: `?mode=bulk&kib=${BULK_KIB}`,
  };
  const results = {};
  for (const [name, query] of Object.entries(scenarios)) {
    // Warm both environments (and the JIT) outside the samples; both must return the same bytes.
    for (let i = 0; i < 5; i++) {
      const [s, b] = [await timedGet(streamingUrl + query), await timedGet(bufferedUrl + query)];
      if (name === 'bulk' && s.bytes !== b.bytes) throw new Error(`the two URLs disagree: ${s.bytes} vs ${b.bytes} bytes`);
    }
    const samples = { streaming: [], buffered: [] };
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate which goes first.
      const order = i % 2 ? ['buffered', 'streaming'] : ['streaming', 'buffered'];
      for (const side of order) samples[side].push(await timedGet((side === 'streaming' ? streamingUrl : bufferedUrl) + query));
    }
    const p50 = (side, key) =>
      quantile(
        samples[side].map((s) => s[key]),
        0.5,
      );
    results[name] = {
      bytes: samples.streaming[0].bytes,
      streaming: { ttfbP50Ms: +p50('streaming', 'ttfb').toFixed(2), ttlbP50Ms: +p50('streaming', 'ttlb').toFixed(2) },
      buffered: { ttfbP50Ms: +p50('buffered', 'ttfb').toFixed(2), ttlbP50Ms: +p50('buffered', 'ttlb').toFixed(2) },
    };
    const r = results[name];
    r.ttfbRatio = +(r.streaming.ttfbP50Ms / r.buffered.ttfbP50Ms).toFixed(3);
    r.ttlbRatio = +(r.streaming.ttlbP50Ms / r.buffered.ttlbP50Ms).toFixed(3);
  }
  agent.destroy();
  await frontEnd.close();
  await workbench.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const line = (label, r) =>
    `${label.padEnd(34)} streaming TTFB ${fmt(r.streaming.ttfbP50Ms)} / TTLB ${fmt(r.streaming.ttlbP50Ms)}   ` +
    `buffered TTFB ${fmt(r.buffered.ttfbP50Ms)} / TTLB ${fmt(r.buffered.ttlbP50Ms)}   → TTFB ${r.ttfbRatio}×, TTLB ${r.ttlbRatio}×`;
  console.log(line(`paced (${PARTS} parts, ${GAP_MS} ms apart), p50`, results.paced));
  console.log(line(`bulk (${(results.bulk.bytes / 1024).toFixed(0)} KiB at once), p50`, results.bulk));
  console.log(JSON.stringify({ machine: machine(), samples: SAMPLES, ...results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
