import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { MetricsRecorder } from '../../../src/core/metrics/metricsRecorder';
import { TimelineModel } from '../../../src/core/metrics/timelineModel';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { timelineHtml } from '../../../src/extension/timeline/html';
import type { HostMessage, RenderedCounts, WebviewMessage } from '../../../src/extension/timeline/protocol';
import { environmentLife, merged, throttle } from './events';

// The Timeline webview in a real browser (headless Chromium through playwright-core), with the
// panel's own page and Content-Security-Policy: it must render the rows and the uPlot charts,
// report what it drew, show a REPORT on hover, and trigger no CSP violation. Skipped locally where
// there is no Chromium (scripts/test.sh installs Debian's); on CI (CI=true) its absence fails.

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function loadPlaywright(): typeof import('playwright-core') | undefined {
  try {
    return require('playwright-core');
  } catch {
    return undefined;
  }
}

/** Synthetic events moved to end `endsAgoMs` before now. */
function recent(events: TelemetryEvent[], endsAgoMs: number): TelemetryEvent[] {
  const last = Math.max(...events.map((e) => Date.parse(e.time)));
  const shift = Date.now() - endsAgoMs - last;
  return events.map((e) => {
    const moved = { ...e, time: new Date(Date.parse(e.time) + shift).toISOString() };
    if (e.type === 'platform.initReport' || e.type === 'platform.initRuntimeDone') {
      const record = e.record as { spans: Array<{ start: string }> };
      moved.record = { ...record, spans: record.spans.map((s) => ({ ...s, start: new Date(Date.parse(s.start) + shift).toISOString() })) } as never;
    }
    return moved;
  });
}

describe('the Timeline webview in Chromium', function () {
  this.timeout(60_000);
  const playwright = loadPlaywright();
  let server: http.Server;
  let origin: string;
  let outDir: string;
  let browser: import('playwright-core').Browser | undefined;

  before(async function () {
    if (!playwright || !fs.existsSync(CHROMIUM)) {
      const missing = !playwright ? 'playwright-core' : `Chromium (${CHROMIUM})`;
      if (process.env.CI === 'true') throw new Error(`${missing} is missing: on CI the Timeline webview tests must run (scripts/test.sh installs chromium)`);
      return this.skip();
    }
    // The same entry and options as scripts/build.mjs, into a scratch directory.
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-webview-'));
    await esbuild.build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      logLevel: 'warning',
      absWorkingDir: ROOT,
      entryPoints: ['src/extension/timeline/webview/main.ts'],
      outfile: path.join(outDir, 'timeline.js'),
    });
    server = http.createServer((req, res) => {
      const name = path.basename(req.url ?? '/');
      if (name === 'timeline.js' || name === 'timeline.css') {
        res.setHeader('Content-Type', name.endsWith('.js') ? 'text/javascript' : 'text/css');
        return res.end(fs.readFileSync(path.join(outDir, name)));
      }
      res.setHeader('Content-Type', 'text/html');
      res.end(timelineHtml({ cspSource: origin, scriptUri: `${origin}/timeline.js`, styleUri: `${origin}/timeline.css` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await playwright.chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  // Code for the page is passed as strings: functions from this tsx-compiled file would carry
  // tsx's `__name(…)` helper, and the project's TypeScript settings have no DOM types.
  function newPage(options?: Parameters<import('playwright-core').Browser['newPage']>[0]): Promise<import('playwright-core').Page> {
    return browser!.newPage(options);
  }

  after(async () => {
    await browser?.close();
    server?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('renders environments, segments, markers and the 12 charts; hovering an invocation shows its REPORT', async () => {
    const page = await newPage({ viewport: { width: 1200, height: 1100 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // What the webview posts (acquireVsCodeApi stands in for VS Code's) and any CSP violation.
    await page.addInitScript({
      content: `
      window.posted = [];
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
      let state;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => (state = s) });
    `,
    });
    await page.goto(origin);
    const posted = () => page.evaluate('window.posted') as Promise<WebviewMessage[]>;
    const send = (message: HostMessage) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
    await waitUntil(async () => (await posted()).some((m) => m.type === 'ready'));

    const events = recent(
      merged(
        environmentLife({
          env: 'env-cold0001',
          fn: 'Orders',
          at: 0,
          initMs: 300,
          extensions: true,
          invocations: [
            [500, 400],
            [1500, 200, 'error'],
            [2500, 300],
          ],
        }),
        environmentLife({
          env: 'env-prov0001',
          fn: 'Orders',
          at: 0,
          initMs: 400,
          provisioned: true,
          invocations: [
            [1000, 600],
            [3000, 250],
          ],
        }),
        environmentLife({ env: 'env-slow0001', fn: 'Slow', at: 200, initMs: 150, invocations: [[1000, 2000, 'timeout']] }),
        [throttle(3500, 'ReservedFunctionConcurrentInvocationLimitExceeded', { functionName: 'Orders', functionVersion: '$LATEST' })],
      ),
      2000,
    );
    const model = new TimelineModel();
    const recorder = new MetricsRecorder();
    for (const e of events) {
      model.apply(e);
      recorder.record(e);
    }
    const changes = model.changesSince(-1);
    await send({ type: 'engines', engines: [{ id: 'e1', label: 'sam-app' }] });
    await send({
      type: 'timeline',
      engine: 'e1',
      full: true,
      revision: changes.revision,
      environments: changes.environments,
      removed: [],
      markers: changes.markers,
      historyMs: model.windowMs,
    });
    const now = Date.now();
    await send({
      type: 'metrics',
      keys: recorder.keys().map((k) => ({ ...k, engine: 'e1' })),
      selection: { engine: 'e1', functionName: 'Orders', version: '*' },
      data: recorder.chartData('Orders', undefined, { from: now - 60_000, to: now }),
      summary: recorder.summary('Orders', undefined, { windowMs: 60_000, now }),
    });

    let counts: RenderedCounts | undefined;
    await waitUntil(async () => {
      counts = (await posted())
        .filter((m): m is Extract<WebviewMessage, { type: 'rendered' }> => m.type === 'rendered')
        .map((m) => m.counts)
        .pop();
      return counts?.charts === 12 && counts.environments === 3;
    });
    assert.equal(counts!.groups, 2);
    assert.equal(counts!.invocations, 6);
    assert.equal(counts!.cold, 2);
    assert.equal(counts!.warm, 2);
    assert.equal(counts!.provisioned, 2);
    assert.equal(counts!.errors, 2);
    assert.equal(counts!.markers, 1);
    assert.equal(counts!.metricsKey, 'e1|Orders:*');
    assert.equal(await page.locator('.seg.extensionInit').count(), 1);
    assert.equal(await page.locator('.seg.invoke.timeout').count(), 1);
    assert.equal(await page.locator('.start-provisioned').count(), 2);
    assert.equal(await page.locator('.uplot canvas').count(), 12);
    assert.match(await page.locator('.summary').innerText(), /5\s*Invocations/);

    // Paused, the drawing holds still (live, it is redrawn four times a second).
    await page.getByRole('button', { name: /Live/ }).click();
    await page.getByRole('button', { name: /Paused/ }).waitFor();
    // Hover the error invocation: its REPORT line, the request id, the log's last lines.
    const box = (await page.locator('.seg.invoke.error').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('.tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = await tooltip.innerText();
    assert.match(text, /Invocation · warm start · error \(Error\)/);
    assert.match(text, /REPORT RequestId: env-cold0001-r1/);
    assert.match(text, /Duration: 200\.00 ms/);
    assert.match(text, /log line 1/);
    if (process.env.LWB_SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.LWB_SCREENSHOT_DIR, 'timeline-hover.png') });

    // The window buttons change what is drawn and what the host is asked for; the wheel zooms.
    await page.getByRole('button', { name: '15 min' }).click();
    await waitUntil(async () => (await posted()).some((m) => m.type === 'select' && m.windowMs === 900_000));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -100);
    await waitUntil(async () => (await posted()).some((m) => m.type === 'select' && m.windowMs === 720_000));
    if (process.env.LWB_SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.LWB_SCREENSHOT_DIR, 'timeline-webview.png'), fullPage: true });

    assert.deepEqual(await page.evaluate('window.violations'), [], 'no Content-Security-Policy violation');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(
      (await posted()).filter((m) => m.type === 'error'),
      [],
    );
    await page.close();
  });

  it('the CSP blocks inline scripts and styles the webview does not use', async () => {
    const page = await newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });' });
    await page.goto(origin);
    // An inline handler and an inline <style> injected now are refused.
    const ran = await page.evaluate(`(async () => {
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.inlineRan = true');
      img.src = 'data:,x';
      document.body.append(img);
      const style = document.createElement('style');
      style.textContent = 'body { background: rgb(1, 2, 3) !important; }';
      document.head.append(style);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return Boolean(window.inlineRan) || getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)';
    })()`);
    assert.equal(ran, false);
    assert.ok(violations.length >= 1, 'the browser reported the refused inline code');
    await page.close();
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
