// Benchmark: how long after an edit the template language server publishes diagnostics, on a
// large template, against baselines measured in the same run.
//
//   latency: didChange (a one-character edit) sent → publishDiagnostics of that version received,
//            through the real server (`node dist/languageServer.js --stdio`, JSON-RPC over stdio),
//            debounce included
//     vs  the `yaml` package's parseDocument of the same text (the floor of any YAML-based
//         analysis), and the engine's own reader (loadTemplateText) alone, both in this process.
//
// Samples are interleaved (one edit, then one of each baseline on the new text). Target: < 100 ms.
// Usage: npm run bench:language [-- --resources 500 --edits 30 --warmup 5]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, fmt, machine, now, numberOption, quantile, root } from './lib.mjs';

const require = createRequire(import.meta.url);
const RESOURCES = numberOption('resources', 500);
const EDITS = numberOption('edits', 30);
const WARMUP = numberOption('warmup', 5);
const TARGET_MS = 100;

/** 40% functions (SQS or DynamoDB events, env vars with !Ref / !GetAtt / !Sub), 40% queues, 20% tables. */
function template(resources) {
  const functions = Math.floor(resources * 0.4);
  const tables = Math.max(1, resources - 2 * functions);
  let y = `AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nParameters:\n  Stage:\n    Type: String\n    Default: dev\nGlobals:\n  Function:\n    Timeout: 10\n    Runtime: nodejs20.x\nResources:\n`;
  for (let i = 0; i < functions; i++) y += `  Queue${i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n`;
  for (let i = 0; i < tables; i++) {
    y += `  Table${i}:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n      StreamSpecification:\n        StreamViewType: NEW_AND_OLD_IMAGES\n`;
  }
  for (let i = 0; i < functions; i++) {
    const event =
      i % 4 === 3
        ? `        Changes:\n          Type: DynamoDB\n          Properties:\n            Stream: !GetAtt Table${i % tables}.StreamArn\n            StartingPosition: LATEST\n            BatchSize: 100\n`
        : `        Work:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Queue${i}.Arn\n            BatchSize: 10\n`;
    y += `  Fn${i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: app.handler\n      MemorySize: 256\n      Environment:\n        Variables:\n          QUEUE_URL: !Ref Queue${i}\n          QUEUE_ARN: !GetAtt Queue${i}.Arn\n          TABLE: !Ref Table${i % tables}\n          NAME: !Sub '\${AWS::StackName}-\${Stage}-fn${i}'\n      Events:\n${event}`;
  }
  return y;
}

async function main() {
  buildIfStale('languageServer.js');
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
  const { parseDocument } = require('yaml');
  const { loadTemplateText } = require(path.join(root, 'dist', 'core.js'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-bench-lsp-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'app.js'), 'exports.handler = async (event) => event;\n');
  const file = path.join(dir, 'template.yaml');
  let text = template(RESOURCES);
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;

  const child = spawn(process.execPath, [path.join(root, 'dist', 'languageServer.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    const w = waiting.get(p.version);
    if (w) w(p);
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));

  const openStart = now();
  const opened = published(1);
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const first = await opened;
  const openMs = now() - openStart;
  if (first.diagnostics.length !== 0) throw new Error(`expected a clean template, got ${JSON.stringify(first.diagnostics.slice(0, 3))}`);

  // Each edit types one character into a function's MemorySize (256 → 2560 → 256…); every fifth
  // makes it invalid (25600) and the next one valid again, so the diagnostics are checked to follow.
  const latency = [];
  const parse = [];
  const reader = [];
  let version = 1;
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const fn = (i * 37) % Math.floor(RESOURCES * 0.4);
    const at = text.indexOf('MemorySize: ', text.indexOf(`  Fn${fn}:\n`)) + 'MemorySize: '.length;
    const end = text.indexOf('\n', at);
    const value = text.slice(at, end);
    const next = value === '256' ? (i % 5 === 4 ? '25600' : '2560') : '256';
    const lineNo = text.slice(0, at).split('\n').length - 1;
    const character = at - (text.lastIndexOf('\n', at - 1) + 1);
    text = text.slice(0, at) + next + text.slice(end);
    version++;
    const arrived = published(version);
    const t0 = now();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: lineNo, character }, end: { line: lineNo, character: character + value.length } }, text: next }],
    });
    const p = await arrived;
    const ms = now() - t0;
    const invalid = (text.match(/MemorySize: 25600\n/g) ?? []).length;
    if (p.diagnostics.length !== invalid) throw new Error(`version ${version}: ${p.diagnostics.length} diagnostics, expected ${invalid}`);
    const t1 = now();
    parseDocument(text);
    const t2 = now();
    loadTemplateText(file, text);
    const t3 = now();
    if (i >= WARMUP) {
      latency.push(ms);
      parse.push(t2 - t1);
      reader.push(t3 - t2);
    }
    await new Promise((r) => setTimeout(r, 30)); // idle between keystrokes
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  child.kill();
  fs.rmSync(dir, { recursive: true, force: true });

  const stats = (xs) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) });
  const l = stats(latency);
  const y = stats(parse);
  const r = stats(reader);
  const row = (name, s) => `| ${name.padEnd(44)} | ${fmt(s.p50).padStart(9)} | ${fmt(s.p95).padStart(9)} | ${fmt(s.max).padStart(9)} |`;
  console.log(
    `${machine()}; ${RESOURCES} resources (${(text.length / 1024).toFixed(0)} KB, ${text.split('\n').length} lines), ${EDITS} edits after ${WARMUP} unmeasured`,
  );
  console.log(`| ${''.padEnd(44)} | ${'p50'.padStart(9)} | ${'p95'.padStart(9)} | ${'max'.padStart(9)} |`);
  console.log(`|${'-'.repeat(46)}|${'-'.repeat(11)}|${'-'.repeat(11)}|${'-'.repeat(11)}|`);
  console.log(row('edit → publishDiagnostics (server, stdio)', l));
  console.log(row('baseline: yaml parseDocument', y));
  console.log(row('baseline: engine reader (loadTemplateText)', r));
  console.log(
    `latency / parseDocument: p50 ${(l.p50 / y.p50).toFixed(2)}×, p95 ${(l.p95 / y.p95).toFixed(2)}×; latency / engine reader: p50 ${(l.p50 / r.p50).toFixed(2)}×`,
  );
  console.log(`open → first diagnostics: ${fmt(openMs)}; target: edit → diagnostics p95 < ${TARGET_MS} ms: ${l.p95 < TARGET_MS ? 'met' : 'missed'}`);
  const round = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [`${k}Ms`, +v.toFixed(2)]));
  console.log(
    JSON.stringify(
      {
        machine: machine(),
        resources: RESOURCES,
        edits: EDITS,
        latency: round(l),
        parseDocument: round(y),
        engineReader: round(r),
        openMs: +openMs.toFixed(1),
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
