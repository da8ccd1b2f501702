import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import CDP from 'chrome-remote-interface';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProject, writeBreakpointProject } from '../helpers/project';

// The hooks the debugger builds on: a runtime that waits for a debugger before any user code,
// its inspector published as soon as it listens, and timeouts suspended while it is paused.

describe('debugger hooks', function () {
  this.timeout(30000);
  let workbench: Workbench;
  let dir: string;

  before(async () => {
    dir = writeBreakpointProject();
    workbench = await openProject(dir);
    workbench.setDebug('App', true);
  });
  after(() => workbench.close());

  it('stops on a breakpoint in module-scope code before init runs, then in the handler, with the timeout suspended', async () => {
    const invocation = workbench.invoke('App', '{}', { collectLogs: true });
    // The environment appears as soon as the cold start begins; its inspector URL follows.
    let env = workbench.liveEnvironments()[0];
    for (let i = 0; !env && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      env = workbench.liveEnvironments()[0];
    }
    assert.ok(env, 'an environment is starting');
    const url = await env.waitForInspector();
    assert.match(url!, /^ws:\/\/127\.0\.0\.1:\d+\//);
    env.suspendTimeouts(true);

    const port = Number(new URL(url!).port);
    const client = await CDP({ host: '127.0.0.1', port });
    const file = path.join(dir, 'src', 'app.js');
    const paused: Array<{ line: number; url: string }> = [];
    const scripts = new Map<string, string>();
    client.Debugger.scriptParsed((s) => scripts.set(s.scriptId, s.url));
    let holdMs = 0;
    client.Debugger.paused((p) => {
      const frame = p.callFrames[0];
      paused.push({ line: frame.location.lineNumber, url: scripts.get(frame.location.scriptId) ?? frame.url });
      setTimeout(() => void client.Debugger.resume().catch(() => undefined), holdMs);
    });
    await client.Debugger.enable({});
    // CDP lines 0 and 3: module scope (INIT) and the handler's body (see writeBreakpointProject).
    await client.Debugger.setBreakpointByUrl({ url: `file://${file}`, lineNumber: 0 });
    await client.Debugger.setBreakpointByUrl({ url: `file://${file}`, lineNumber: 3 });
    await client.Runtime.runIfWaitingForDebugger();

    const result = await invocation;
    assert.deepEqual(json(result.payload), { initValue: 'set during init', calls: 1 });
    const hits = paused.filter((p) => p.url.endsWith('app.js'));
    assert.deepEqual(
      hits.map((p) => p.line),
      [0, 3],
      'init breakpoint first, then the handler breakpoint',
    );

    // A warm invocation stops again in the handler only; a pause longer than the 1 s timeout
    // does not kill it while timeouts are suspended.
    paused.length = 0;
    holdMs = 1500;
    const suspended: string[] = [];
    const stop = workbench.telemetry.subscribe((e) => e.type === 'workbench.timeoutSuspended' && suspended.push(e.requestId!));
    const warmResult = await workbench.invoke('App', '{}', { collectLogs: true });
    stop();
    assert.deepEqual(suspended, [warmResult.requestId], 'the timeout fired while paused and was suspended');
    assert.ok((await warmResult.logs).some((l) => l.endsWith('timeout suspended while debugging')));
    assert.equal(warmResult.coldStart, false);
    assert.equal(warmResult.functionError, undefined, String(warmResult.payload));
    assert.deepEqual(json(warmResult.payload), { initValue: 'set during init', calls: 2 });
    assert.deepEqual(
      paused.filter((p) => p.url.endsWith('app.js')).map((p) => p.line),
      [3],
    );
    await client.close();
  });
});
