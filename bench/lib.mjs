// Shared by the benchmarks: options, a throwaway echo project, the bare Runtime API exchange that
// serves as the physical floor, and the statistics.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

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
  fs.writeFileSync(path.join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: ${runtime}
      CodeUri: src
      Handler: ${handler}
`);
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
  const invoke = () => new Promise((resolve) => {
    onResponse = resolve;
    const deliver = () => {
      const res = parked;
      parked = undefined;
      res.writeHead(200, { 'Lambda-Runtime-Aws-Request-Id': `r${++n}`, 'Content-Type': 'application/json', 'Content-Length': EVENT.length }).end(EVENT);
    };
    if (parked) deliver();
    else onParked = () => {
      onParked = undefined;
      deliver();
    };
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

export const fmt = (ms) => (Math.abs(ms) < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`;
