import { strict as assert } from 'node:assert';
import { bodyOf, openAsyncProject, readCalls, waitFor, waitForRecords, type AsyncProject } from './asyncHelpers';

// MaximumEventAgeInSeconds: events that wait too long (for a retry, or throttled) end as
// EventAgeExceeded; throttles are requeued with exponential back-off meanwhile. The age is
// shortened with the asyncMaximumEventAgeSeconds setting (the template's minimum is 60 s).

const FAILURE =
  'EventInvokeConfig:\n  DestinationConfig:\n    OnFailure:\n      Type: SNS\n      Destination: !Ref FailureTopic\nDeadLetterQueue:\n  Type: SQS\n  TargetArn: !GetAtt Dlq.Arn';

describe('asynchronous invocation: event age and throttles', function () {
  this.timeout(30000);
  let project: AsyncProject;

  before(async () => {
    project = await openAsyncProject(
      {
        Fails: { handler: 'app.fail', props: FAILURE },
        Busy: { handler: 'app.ok', props: `ReservedConcurrentExecutions: 1\n${FAILURE}` },
        Disabled: { handler: 'app.ok', props: `ReservedConcurrentExecutions: 0\n${FAILURE}` },
      },
      { asyncRetryDelaysSeconds: [3], asyncMaximumEventAgeSeconds: 1 },
    );
  });
  after(() => project.workbench.close());

  const calls = () => readCalls(project.dir);

  it('an event whose retry would come after its maximum age ends as EventAgeExceeded, with the last error', async () => {
    const started = Date.now();
    const { requestId } = await project.workbench.invokeAsync('Fails', '{"late":true}');
    const messages = await waitForRecords(project.workbench, 'Fails', 2);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 950 && elapsed < 2900, `dropped when the age ran out (~1 s), not at the retry (3 s): ${elapsed} ms`);
    assert.equal(calls().filter((c) => c.id === requestId).length, 1);
    const record = bodyOf(messages.find((m) => m.role === 'OnFailure')!);
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Fails:$LATEST',
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.responsePayload.errorType, 'TypeError');
    const dlq = messages.find((m) => m.role === 'DeadLetterQueue')!;
    assert.equal(dlq.body, '{"late":true}');
    assert.deepEqual(dlq.attributes!.ErrorCode, { DataType: 'Number', StringValue: '200' });
    assert.equal(project.events.find((e) => e.requestId === requestId && e.stage === 'dropped')!.condition, 'EventAgeExceeded');
  });

  it('a throttled event is requeued with exponential back-off until its age runs out (never invoked: no response)', async () => {
    // A synchronous call holds Busy's only slot for longer than the event may wait.
    const blocker = project.workbench.invoke('Busy', '{"ms":2500}');
    await waitFor(() => project.workbench.environments().some((e) => e.functionName === 'Busy'));
    const { requestId } = await project.workbench.invokeAsync('Busy', '{"throttled":true}');
    const messages = await waitForRecords(project.workbench, 'Busy', 2);
    assert.equal((await blocker).functionError, undefined);

    const requeued = project.events.filter((e) => e.requestId === requestId && e.stage === 'requeued');
    assert.ok(requeued.length >= 3, `several throttled attempts, got ${requeued.length}`);
    requeued.forEach((r, i) => {
      const ceiling = Math.min(5000, 100 * 2 ** i);
      assert.ok(r.delayMs! >= ceiling / 2 && r.delayMs! <= ceiling, `back-off ${i + 1} within [${ceiling / 2}, ${ceiling}]: ${r.delayMs}`);
      assert.equal(r.errorType, 'TooManyRequestsException');
      assert.equal(r.reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(r.approximateInvokeCount, 0, 'a throttle is not an invocation');
    });
    assert.ok(!calls().some((c) => c.id === requestId), 'the function never ran');

    const record = bodyOf(messages.find((m) => m.role === 'OnFailure')!);
    assert.deepEqual(Object.keys(record), ['version', 'timestamp', 'requestContext', 'requestPayload']);
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Busy:$LATEST',
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 0,
    });
    const dlq = messages.find((m) => m.role === 'DeadLetterQueue')!;
    assert.deepEqual(dlq.attributes, {
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '429' },
      ErrorMessage: { DataType: 'String', StringValue: 'Rate Exceeded.' },
    });
  });

  it('a function with reserved concurrency 0 sends its events to the failure destinations without retries', async () => {
    const { requestId } = await project.workbench.invokeAsync('Disabled', '{"off":true}');
    const started = Date.now();
    const messages = await waitForRecords(project.workbench, 'Disabled', 2);
    assert.ok(Date.now() - started < 900, 'at once, not after the event age');
    const record = bodyOf(messages.find((m) => m.role === 'OnFailure')!);
    assert.equal(record.requestContext.requestId, requestId);
    assert.equal(record.requestContext.approximateInvokeCount, 0);
    assert.equal(messages.find((m) => m.role === 'DeadLetterQueue')!.body, '{"off":true}');
    assert.ok(!calls().some((c) => c.id === requestId));
  });
});
