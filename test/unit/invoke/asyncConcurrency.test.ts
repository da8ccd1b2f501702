import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkbenchError } from '../../../src/core/errors';
import type { InvocationResult } from '../../../src/core/invoke/invoker';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import type { Workbench } from '../../../src/core/workbench';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { HANDLERS, props, readCalls, waitFor } from './asyncHelpers';

// Asynchronous work shares the scheduler, environments and concurrency limits with synchronous
// calls: it never exceeds the function's reserved concurrency, leaves a slot for synchronous
// callers, and loses nothing when throttled. Also: what the Event front end rejects.

describe('asynchronous invocation: concurrency and validation', function () {
  this.timeout(30000);
  let dir: string;
  let workbench: Workbench;
  const telemetry: TelemetryEvent[] = [];

  before(async () => {
    dir = writeProject({ 'src/app.js': HANDLERS });
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      samTemplate({
        One: { handler: 'app.slow', props: props(dir, 'ReservedConcurrentExecutions: 1') },
        Three: { handler: 'app.slow', props: props(dir, 'ReservedConcurrentExecutions: 3') },
        Ok: { handler: 'app.ok', props: props(dir) },
      }),
    );
    workbench = await openProject(dir);
    workbench.telemetry.subscribe((e) => telemetry.push(e));
  });
  after(() => workbench.close());

  const done = (ids: string[]) => readCalls(dir).filter((e) => e.stage === 'done' && ids.includes(e.id));

  /** A synchronous caller that retries throttles, as the SDKs do. */
  async function invokeRetryingThrottles(name: string, payload: string): Promise<{ result: InvocationResult; throttles: number }> {
    for (let throttles = 0; ; throttles++) {
      try {
        return { result: await workbench.invoke(name, payload), throttles };
      } catch (error) {
        if (!(error instanceof WorkbenchError) || error.code !== 'TooManyRequestsException' || throttles > 200) throw error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  it('reserved concurrency 1: async events take turns with synchronous calls; all are processed, none lost', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await workbench.invokeAsync('One', JSON.stringify({ i, ms: 300 }))).requestId);
    let maxEnvironments = 0;
    const watch = setInterval(() => {
      maxEnvironments = Math.max(maxEnvironments, workbench.environments().filter((e) => e.functionName === 'One' && e.state !== 'Terminated').length);
    }, 10);
    try {
      // Synchronous calls are served while asynchronous events are still waiting.
      for (let n = 0; n < 2; n++) {
        const { result } = await invokeRetryingThrottles('One', '{"ms":10,"sync":true}');
        assert.equal(result.functionError, undefined);
        const status = workbench.asyncStatus().find((s) => s.functionName === 'One')!;
        assert.ok(status.queued > 0, `served before the asynchronous queue drained (call ${n + 1})`);
      }
      await waitFor(() => done(ids).length >= 5, 20000, 'all five events');
    } finally {
      clearInterval(watch);
    }
    assert.deepEqual(new Set(done(ids).map((e) => e.event.i)), new Set([0, 1, 2, 3, 4]));
    assert.equal(maxEnvironments, 1, 'never more than the reserved concurrency');
    await waitFor(() => workbench.asyncStatus().find((s) => s.functionName === 'One')!.queued === 0);
  });

  it('reserved concurrency 3: at most 2 asynchronous attempts in flight, the third slot serves synchronous calls at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await workbench.invokeAsync('Three', JSON.stringify({ i, ms: 400 }))).requestId);
    await waitFor(() => done(ids).length >= 1 || workbench.asyncStatus().find((s) => s.functionName === 'Three')!.inFlight === 2);
    const sync = await workbench.invoke('Three', '{"ms":10}'); // no throttle: the headroom is there
    assert.equal(sync.functionError, undefined);
    await waitFor(() => done(ids).length >= 6, 20000, 'all six events');
    // Overlap of the asynchronous invocations, from the platform's own START / END records.
    let inFlight = 0;
    let max = 0;
    for (const e of telemetry) {
      const requestId = (e.record as { requestId?: string }).requestId;
      if (!requestId || !ids.includes(requestId)) continue;
      if (e.type === 'platform.start') max = Math.max(max, ++inFlight);
      if (e.type === 'platform.runtimeDone') inFlight--;
    }
    assert.equal(max, 2);
    assert.ok(!telemetry.some((e) => e.type === 'workbench.throttle' && e.functionName === 'Three'), 'no throttles needed');
  });

  it("rejects what Lambda's Event front end rejects, storing nothing", async () => {
    const before = workbench.asyncStatus().reduce((n, s) => n + s.queued, 0);
    await assert.rejects(
      workbench.invokeAsync('Ok', Buffer.alloc(1048577, 0x20)),
      (e: WorkbenchError) =>
        e.code === 'RequestEntityTooLargeException' &&
        e.statusCode === 413 &&
        e.message === '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    );
    await assert.rejects(
      workbench.invokeAsync('Nope', '{}'),
      (e: WorkbenchError) =>
        e.code === 'ResourceNotFoundException' && e.message === 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope:$LATEST',
    );
    await assert.rejects(
      workbench.invokeAsync('Ok', '{}', { qualifier: 'prod' }),
      (e: WorkbenchError) => e.code === 'ResourceNotFoundException' && e.message.endsWith('function:Ok:prod'),
    );
    await assert.rejects(
      workbench.invokeAsync('Ok', '{not json'),
      (e: WorkbenchError) => e.code === 'InvalidRequestContentException' && /^Could not parse request body into json/.test(e.message),
    );
    await assert.rejects(workbench.invokeAsync('bad name!', '{}'), (e: WorkbenchError) => e.code === 'ValidationException');
    assert.equal(
      workbench.asyncStatus().reduce((n, s) => n + s.queued, 0),
      before,
    );
  });

  it('accepts exactly 1 MB, and qualified names and ARNs', async () => {
    const big = `"${'a'.repeat(1048576 - 2)}"`;
    assert.equal(Buffer.byteLength(big), 1048576);
    const ids = [
      (await workbench.invokeAsync('Ok', big)).requestId,
      (await workbench.invokeAsync('Ok:$LATEST', '{"q":1}')).requestId,
      (await workbench.invokeAsync('arn:aws:lambda:us-east-1:000000000000:function:Ok', '{"q":2}', { qualifier: '$LATEST' })).requestId,
    ];
    const seen = () => readCalls(dir).filter((c) => ids.includes(c.id));
    await waitFor(() => seen().length >= 3);
    assert.equal(seen().find((c) => c.id === ids[0])!.event.length, 1048574);
  });
});
