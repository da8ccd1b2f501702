// npm run demo: runs the example SAM project through the CLI — a cold start followed by warm
// starts, an ES module, a bundled TypeScript function, an error and a timeout — printing each
// response (stdout) with Lambda's log lines (stderr).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'examples', 'sam-app');
const cli = join(root, 'dist', 'cli.js');
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const scenarios = [
  [
    "Cold start with the three INIT sub-phases (a layer's extension, the runtime, the function), then two warm starts in the same environment",
    ['invoke', 'HelloCjs', '-e', join(app, 'events/hello.json'), '--repeat', '3', '--phases'],
  ],
  ['Scale-out: 4 invocations, 2 in flight → 2 environments, each reused', ['invoke', 'HelloCjs', '--repeat', '4', '--concurrency', '2']],
  ['ES module with top-level await', ['invoke', 'GreetEsm', '--event-json', '{"name":"Grace"}']],
  ['TypeScript bundled with esbuild (function name from !Sub)', ['invoke', 'OrdersTs', '-e', join(app, 'events/order.json')]],
  ['Python (python3.11, our stdlib-only bootstrap on the local interpreter)', ['invoke', 'PyOrders', '-e', join(app, 'events/order.json')]],
  ['Ruby (ruby3.3, our stdlib-only runtime on the local ruby; a class-level handler)', ['invoke', 'RbInvoices', '-e', join(app, 'events/invoice.json')]],
  ['A custom runtime (provided.al2023) written in bash', ['invoke', 'ShellEcho', '--event-json', '{"name":"Ada"}']],
  ['A handler that throws (exit status 1, error JSON on stdout)', ['invoke', 'Faulty', '--event-json', '{"customer":"Bob"}']],
  ['A handler that outlives its 1 s timeout', ['invoke', 'Sleepy']],
  ['The functions of the template', ['list']],
];

let unexpected = 0;
for (const [title, args] of scenarios) {
  console.log(
    `\n${bold(`▶ ${title}`)}\n$ lambda-workbench ${args.map((a) => (a.startsWith(root) ? a.slice(root.length + 1) : a)).join(' ')} -t examples/sam-app`,
  );
  const run = spawnSync(process.execPath, [cli, ...args, '-t', app], { encoding: 'utf8' });
  const indent = (text, mark) => (text.trim() ? text.replace(/\n$/, '').replace(/^/gm, mark) + '\n' : '');
  process.stdout.write(indent(run.stderr, '  │ '));
  process.stdout.write(indent(run.stdout, '  → '));
  console.log(`  exit status ${run.status}`);
  const expectsFailure = args[1] === 'Faulty' || args[1] === 'Sleepy';
  if ((run.status !== 0) !== expectsFailure) unexpected++;
}
if (unexpected > 0) {
  console.error(`\n${unexpected} scenario(s) did not behave as expected`);
  process.exit(1);
}
