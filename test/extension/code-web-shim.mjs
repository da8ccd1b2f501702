#!/usr/bin/env node
// A stand-in for the VS Code desktop executable, for machines that cannot download VS Code.
// It accepts the arguments @vscode/test-electron's runTests() passes to VS Code
// (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=, [folder]),
// runs the tests in a REAL VS Code (code-server's bundled VS Code server + its Node extension host),
// with headless Debian Chromium (driven by playwright-core) as the workbench, and exits with the
// test run's exit code (the workbench reports it through window.codeAutomationExit(code)).
//
// Adapted from a recipe proved on this kind of machine: code-server 4.100.3 from npm (VS Code 1.100.3,
// the last one on Node 20), installed by scripts/install-code-server.sh.
//
// Env: CODE_SERVER_ENTRY (path to code-server/out/node/entry.js; required)
//      CHROMIUM_PATH (default /usr/bin/chromium), EXT_TEST_TIMEOUT_MS (default 300000)
//      EXT_TEST_SCREENSHOT_DIR (optional): screenshots of the workbench are taken on the tests' request
//        and saved there. A test writes a file name (`sidebar.png`) to $EXT_TEST_SCREENSHOT_REQUEST
//        (set by this shim in the extension host's environment) and waits for `<request>.done`.
//      EXT_TEST_SCREENSHOT (optional, the recipe's single-shot form): the PNG path for a request that
//        names no file.
//      EXT_TEST_VERBOSE=1 (server log + browser console to stderr)
//      EXT_TEST_WORKSPACE_TRUST=untrusted: workspace trust on and the folder not trusted (Restricted
//        Mode); by default trust is off, as in the development host.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { format } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (...a) => console.log(`[shim ${elapsed()}]`, ...a);

// ---- parse the VS Code CLI arguments we care about; ignore the rest (--no-sandbox, --disable-gpu, ...)
const opts = { dev: [], tests: undefined, userDataDir: undefined, extensionsDir: undefined, folder: undefined };
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (m && m[1] === 'extensionDevelopmentPath') opts.dev.push(resolve(m[2]));
  else if (m && m[1] === 'extensionTestsPath') opts.tests = resolve(m[2]);
  else if (m && m[1] === 'user-data-dir') opts.userDataDir = resolve(m[2]);
  else if (m && m[1] === 'extensions-dir') opts.extensionsDir = resolve(m[2]);
  else if (!a.startsWith('-')) opts.folder = resolve(a);
}
if (!opts.dev.length || !opts.tests) {
  console.error('shim: need --extensionDevelopmentPath= and --extensionTestsPath=');
  process.exit(2);
}
const entry = process.env.CODE_SERVER_ENTRY;
if (!entry || !existsSync(entry)) {
  console.error(`shim: CODE_SERVER_ENTRY not found: ${entry}`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'ext-test-'));
const userDataDir = opts.userDataDir ?? join(work, 'user-data');
const extensionsDir = opts.extensionsDir ?? join(work, 'extensions');
const folder = opts.folder ?? join(work, 'workspace');
for (const d of [userDataDir, extensionsDir, folder, join(userDataDir, 'User')]) mkdirSync(d, { recursive: true });
const untrusted = process.env.EXT_TEST_WORKSPACE_TRUST === 'untrusted';
writeFileSync(
  join(userDataDir, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': untrusted,
      'workbench.tips.enabled': false,
      ...(untrusted
        ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never', 'security.workspace.trust.untrustedFiles': 'open' }
        : {}),
      'remote.autoForwardPorts': false,
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    null,
    2,
  ),
);
writeFileSync(join(work, 'config.yaml'), 'auth: none\n');
const shotDir = process.env.EXT_TEST_SCREENSHOT_DIR ? resolve(process.env.EXT_TEST_SCREENSHOT_DIR) : undefined;
const shotRequest = shotDir || process.env.EXT_TEST_SCREENSHOT ? join(work, 'screenshot.request') : undefined;
if (shotDir) mkdirSync(shotDir, { recursive: true });
/** Where a request's screenshot goes: the file it names (a base name) in EXT_TEST_SCREENSHOT_DIR, else EXT_TEST_SCREENSHOT. */
function shotPath(request) {
  const name = basename(request.trim());
  if (shotDir) return join(shotDir, /^[\w.-]+\.png$/.test(name) ? name : 'workbench.png');
  return resolve(process.env.EXT_TEST_SCREENSHOT);
}

// ---- start code-server on a kernel-chosen loopback port, in its own process group
const serverEnv = {
  ...process.env, // extension host inherits this (extensionTestsEnv from runTests lands here)
  XDG_CONFIG_HOME: join(work, 'xdg-config'),
  XDG_DATA_HOME: join(work, 'xdg-data'),
  EXTENSIONS_GALLERY: '{}', // no marketplace (open-vsx) look-ups
  ...(shotRequest ? { EXT_TEST_SCREENSHOT_REQUEST: shotRequest } : {}),
};
const server = spawn(
  process.execPath,
  [
    entry,
    '--config',
    join(work, 'config.yaml'),
    '--auth',
    'none',
    '--bind-addr',
    '127.0.0.1:0',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    folder,
  ],
  { env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
let serverExited = false;
server.on('exit', () => {
  serverExited = true;
});
let serverLog = '';
const onServerData = (d) => {
  serverLog += d;
  if (process.env.EXT_TEST_VERBOSE) process.stderr.write(`[server] ${d}`);
};
server.stdout.on('data', onServerData);
server.stderr.on('data', onServerData);

async function stopServer() {
  if (serverExited) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  for (let i = 0; i < 50 && !serverExited; i++) await sleep(100);
  if (!serverExited) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await sleep(200);
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* whole group gone, as it should be */
  }
}

let exitCode = 1;
let browser;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    console.error(`shim: ${sig}, stopping`);
    if (browser) await browser.close().catch(() => {});
    await stopServer();
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  let baseUrl;
  for (let i = 0; i < 600 && !baseUrl; i++) {
    const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serverLog);
    if (m) baseUrl = m[1];
    else if (serverExited) throw new Error(`code-server exited early:\n${serverLog}`);
    else await sleep(100);
  }
  if (!baseUrl) throw new Error(`code-server did not start:\n${serverLog}`);
  log(`code-server listening on ${baseUrl}`);

  const host = new URL(baseUrl).host;
  const remote = (p) => `vscode-remote://${host}${p}`;
  // Same "payload" VS Code's own browser integration tests (test/integration/browser) use.
  const payload = [...opts.dev.map((p) => ['extensionDevelopmentPath', remote(p)]), ['extensionTestsPath', remote(opts.tests)], ['skipWelcome', 'true']];
  const url = `${baseUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route('**/*', (route) => {
    // loopback only
    const u = new URL(route.request().url());
    if (!u.protocol.startsWith('http') || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return route.continue();
    if (process.env.EXT_TEST_VERBOSE) console.error(`[browser] blocked ${u.href}`);
    return route.abort();
  });
  let result;
  const done = new Promise((r) => {
    result = r;
  });
  await page.exposeFunction('codeAutomationExit', (code) => result(Number(code)));
  // The workbench's harmless start-up chatter, left out of the test output unless EXT_TEST_VERBOSE.
  const noise =
    /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Creating a socket|Resolv(ing|ed) connection token|\[Service Worker\]|ChatSessionStore:)/;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // extension host console -> our stdout
    const line = format(...args);
    if (!process.env.EXT_TEST_VERBOSE && noise.test(line)) return;
    (type === 'error' ? console.error : console.log)(line);
  });
  page.on('pageerror', (e) => console.error(`[browser pageerror] ${e}`));
  if (process.env.EXT_TEST_VERBOSE) page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
  log('browser started, opening workbench');
  await page.goto(url);
  log('workbench page loaded; waiting for the extension host to run the tests');

  const deadline = Date.now() + Number(process.env.EXT_TEST_TIMEOUT_MS ?? 300_000);
  let code;
  while (code === undefined && Date.now() < deadline && !serverExited) {
    code = await Promise.race([done, sleep(250).then(() => undefined)]);
    if (shotRequest && existsSync(shotRequest) && !existsSync(shotRequest + '.done')) {
      const path = shotPath(readFileSync(shotRequest, 'utf8'));
      await page.screenshot({ path });
      writeFileSync(shotRequest + '.done', path);
      log(`screenshot saved: ${path}`);
    }
  }
  if (code === undefined) {
    console.error(serverExited ? 'shim: code-server exited during the test run' : 'shim: timed out waiting for the test run');
    if (!process.env.EXT_TEST_VERBOSE) console.error(serverLog.slice(-4000));
  } else {
    exitCode = code;
    log(`extension tests finished with exit code ${code}`);
  }
} catch (e) {
  console.error(`shim: ${e?.stack ?? e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
