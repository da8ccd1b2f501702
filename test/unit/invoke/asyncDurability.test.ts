import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type WorkbenchError } from '../../../src/core/errors';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { HANDLERS, QUEUES, bodyOf, collectAsync, props, readCalls, waitFor, waitForRecords } from './asyncHelpers';

// An accepted event is never lost: it is on disk before invokeAsync resolves, survives a kill -9,
// and is processed (at least once) by the next engine opened on the same state directory.

const root = path.resolve(__dirname, '../../..');
const ON_SUCCESS = 'EventInvokeConfig:\n  DestinationConfig:\n    OnSuccess:\n      Type: SQS\n      Destination: !GetAtt SuccessQueue.Arn';

function project(): string {
  const dir = writeProject({ 'src/app.js': HANDLERS });
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    samTemplate({
      Slow: { handler: 'app.slow', props: props(dir, `ReservedConcurrentExecutions: 3\n${ON_SUCCESS}`) },
      Fails: {
        handler: 'app.fail',
        props: props(dir, 'EventInvokeConfig:\n  DestinationConfig:\n    OnFailure:\n      Type: SNS\n      Destination: !Ref FailureTopic'),
      },
    }) + QUEUES,
  );
  return dir;
}

describe('asynchronous invocation: durability', function () {
  this.timeout(60000);

  it('events accepted by a process killed with SIGKILL are all processed by the next engine (in-flight ones again: at least once)', async () => {
    const dir = project();
    const stateDir = path.join(dir, 'state');
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'fixtures', 'enqueue.ts'), path.join(dir, 'template.yaml'), stateDir, 'Slow', '6'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const ids = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const match = /^enqueued (.*)$/m.exec(out);
        if (match) resolve(JSON.parse(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before enqueuing: ${stderr}`)));
    });
    // Kill it with attempts in flight (the runtimes log 'start'), the hardest case.
    await waitFor(() => readCalls(dir).filter((c) => c.stage === 'start').length >= 2, 15000, 'attempts in flight');
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    assert.equal(ids.length, 6);

    const workbench = await openProject(dir, { stateDir });
    try {
      const records = await waitForRecords(workbench, 'Slow', 6, 30000);
      assert.deepEqual(new Set(records.map((r) => r.requestId)), new Set(ids), 'every accepted event reached OnSuccess');
      for (const r of records) assert.equal(bodyOf(r).requestContext.condition, 'Success');
      const calls = readCalls(dir);
      const startedBeforeKill = new Set(calls.filter((c) => c.stage === 'start' && c.at < killedAt).map((c) => c.id));
      for (const id of ids) {
        const done = calls.filter((c) => c.id === id && c.stage === 'done').length;
        const starts = calls.filter((c) => c.id === id && c.stage === 'start').length;
        assert.ok(done >= 1, `${id} completed`);
        // At least once: only what was in flight when the process died runs again.
        if (!startedBeforeKill.has(id)) assert.equal(starts, 1, `${id} was waiting in the queue: exactly once`);
        else assert.equal(starts, 2, `${id} was in flight at the kill: run again`);
      }
      assert.ok(startedBeforeKill.size >= 2);
      assert.equal(
        workbench.asyncStatus().reduce((n, s) => n + s.queued, 0),
        0,
      );
    } finally {
      await workbench.close();
    }
  });

  it('close() leaves an attempt that outlasts the grace queued; the next engine runs it again', async () => {
    const dir = project();
    let workbench = await openProject(dir, { asyncCloseGraceMs: 100 });
    const events = collectAsync(workbench);
    const { requestId } = await workbench.invokeAsync('Slow', '{"ms":1500}');
    await waitFor(() => readCalls(dir).some((c) => c.id === requestId && c.stage === 'start'));
    await workbench.close();
    assert.ok(!events.some((e) => e.requestId === requestId && e.stage === 'success'));

    workbench = await openProject(dir);
    try {
      const [record] = await waitForRecords(workbench, 'Slow', 1);
      assert.equal(record.requestId, requestId);
      assert.equal(readCalls(dir).filter((c) => c.id === requestId && c.stage === 'start').length, 2);
    } finally {
      await workbench.close();
    }
  });

  it('close() lets an attempt that ends within the grace finish and be recorded: nothing runs twice', async () => {
    const dir = project();
    let workbench = await openProject(dir, { asyncCloseGraceMs: 3000 });
    const { requestId } = await workbench.invokeAsync('Slow', '{"ms":500}');
    await waitFor(() => readCalls(dir).some((c) => c.id === requestId && c.stage === 'start'));
    await workbench.close();
    workbench = await openProject(dir);
    try {
      const [record] = await workbench.destinationRecords('Slow');
      assert.equal(record.requestId, requestId);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(readCalls(dir).filter((c) => c.id === requestId && c.stage === 'start').length, 1);
      assert.deepEqual(workbench.asyncStatus(), []);
    } finally {
      await workbench.close();
    }
  });

  it('retries continue across a restart with the stored approximateInvokeCount', async () => {
    const dir = project();
    let workbench = await openProject(dir, { asyncRetryDelaysSeconds: [1, 1] });
    const { requestId } = await workbench.invokeAsync('Fails', '{"restart":true}');
    await waitFor(() => readCalls(dir).some((c) => c.id === requestId));
    await new Promise((r) => setTimeout(r, 100)); // the retry is scheduled (and stored)
    await workbench.close();

    workbench = await openProject(dir, { asyncRetryDelaysSeconds: [1, 1] });
    try {
      const [record] = await waitForRecords(workbench, 'Fails', 1);
      assert.equal(bodyOf(record).requestContext.condition, 'RetriesExhausted');
      assert.equal(bodyOf(record).requestContext.approximateInvokeCount, 3);
      assert.equal(readCalls(dir).filter((c) => c.id === requestId).length, 3, 'one invocation before the restart, two after');
    } finally {
      await workbench.close();
    }
  });

  it('a second engine on the same state directory cannot take the store; synchronous calls still work there', async () => {
    const dir = project();
    const first = await openProject(dir);
    const second = await openProject(dir);
    try {
      await first.invokeAsync('Slow', '{"ms":1}');
      await assert.rejects(
        second.invokeAsync('Slow', '{}'),
        (e: WorkbenchError) => e.code === 'ServiceException' && /in use by another Lambda Workbench engine/.test(e.message),
      );
      assert.equal((await second.invoke('Slow', '{"ms":1}')).functionError, undefined);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
