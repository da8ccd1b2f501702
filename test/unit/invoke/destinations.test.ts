import { strict as assert } from 'node:assert';
import { bodyOf, openAsyncProject, readCalls, waitFor, waitForRecords, type AsyncProject } from './asyncHelpers';

// Asynchronous invocation end to end: success and failure records in AWS's exact shape, retries
// with their delays, dead-letter messages, Lambda and EventBridge destinations.

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

describe('asynchronous invocation: retries and destinations', function () {
  this.timeout(30000);
  let project: AsyncProject;

  before(async () => {
    const onSuccessSqs = 'EventInvokeConfig:\n  DestinationConfig:\n    OnSuccess:\n      Type: SQS\n      Destination: !GetAtt SuccessQueue.Arn';
    const failureConfig = (retries: number) =>
      `EventInvokeConfig:\n  MaximumRetryAttempts: ${retries}\n  DestinationConfig:\n    OnFailure:\n      Type: SNS\n      Destination: !Ref FailureTopic\n` +
      'DeadLetterQueue:\n  Type: SQS\n  TargetArn: !GetAtt Dlq.Arn';
    project = await openAsyncProject(
      {
        Ok: { handler: 'app.ok', props: onSuccessSqs },
        Fails: { handler: 'app.fail', props: failureConfig(2) },
        FailsOnce: { handler: 'app.fail', props: failureConfig(0) },
        Chained: {
          handler: 'app.ok',
          props: 'EventInvokeConfig:\n  DestinationConfig:\n    OnSuccess:\n      Type: Lambda\n      Destination: !GetAtt Target.Arn',
        },
        ToBus: {
          handler: 'app.fail',
          props:
            'EventInvokeConfig:\n  MaximumRetryAttempts: 0\n  DestinationConfig:\n    OnFailure:\n      Type: EventBridge\n      Destination: arn:aws:events:us-east-1:000000000000:event-bus/results',
        },
        Target: { handler: 'app.ok', props: onSuccessSqs },
        NoConfig: { handler: 'app.ok' },
      },
      { asyncRetryDelaysSeconds: [0.3, 0.6] },
    );
  });
  after(() => project.workbench.close());

  const calls = () => readCalls(project.dir);

  it("resolves with a request id, runs the event once and sends AWS's Success record to OnSuccess", async () => {
    const { requestId } = await project.workbench.invokeAsync('Ok', '{"order":42}');
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    const [message] = await waitForRecords(project.workbench, 'Ok', 1);
    assert.equal(message.role, 'OnSuccess');
    assert.equal(message.type, 'sqs');
    assert.equal(message.destination, 'arn:aws:sqs:us-east-1:000000000000:success-queue');
    assert.equal(message.requestId, requestId);
    assert.equal(message.attributes, undefined);
    const record = bodyOf(message);
    assert.deepEqual(Object.keys(record), ['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    assert.deepEqual(Object.keys(record.requestContext), ['requestId', 'functionArn', 'condition', 'approximateInvokeCount']);
    assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(record, {
      version: '1.0',
      timestamp: record.timestamp,
      requestContext: { requestId, functionArn: `${ARN}:Ok:$LATEST`, condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { order: 42 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { ok: true, echo: { order: 42 } },
    });
    // The handler saw the same request id as the caller got, exactly once.
    assert.deepEqual(
      calls()
        .filter((c) => c.id === requestId)
        .map((c) => c.event),
      [{ order: 42 }],
    );
    const stages = project.events.filter((e) => e.requestId === requestId).map((e) => e.stage);
    assert.deepEqual(stages, ['enqueued', 'attempt', 'success', 'delivered']);
  });

  it('retries a function error twice with the configured delays, then OnFailure gets RetriesExhausted and the DLQ the event', async () => {
    const { requestId } = await project.workbench.invokeAsync('Fails', '{"n":1}');
    const messages = await waitForRecords(project.workbench, 'Fails', 2);
    const attempts = calls().filter((c) => c.id === requestId);
    assert.equal(attempts.length, 3, 'one invocation and two retries');
    assert.ok(attempts[1].at - attempts[0].at >= 290, `first retry after ~0.3 s, got ${attempts[1].at - attempts[0].at} ms`);
    assert.ok(attempts[2].at - attempts[1].at >= 590, `second retry after ~0.6 s, got ${attempts[2].at - attempts[1].at} ms`);
    const retries = project.events.filter((e) => e.requestId === requestId && e.stage === 'retry');
    assert.deepEqual(
      retries.map((r) => [r.delayMs, r.approximateInvokeCount, r.errorType]),
      [
        [300, 1, 'TypeError'],
        [600, 2, 'TypeError'],
      ],
    );

    const failure = messages.find((m) => m.role === 'OnFailure')!;
    assert.equal(failure.type, 'sns');
    assert.equal(failure.destination, 'arn:aws:sns:us-east-1:000000000000:failure-topic');
    const record = bodyOf(failure);
    assert.deepEqual(Object.keys(record.responseContext), ['statusCode', 'executedVersion', 'functionError']);
    assert.deepEqual(record.requestContext, { requestId, functionArn: `${ARN}:Fails:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    assert.deepEqual(record.requestPayload, { n: 1 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.responsePayload.errorType, 'TypeError');
    assert.equal(record.responsePayload.errorMessage, 'boom {"n":1}');

    const dlq = messages.find((m) => m.role === 'DeadLetterQueue')!;
    assert.equal(dlq.destination, 'arn:aws:sqs:us-east-1:000000000000:dead-letters');
    assert.equal(dlq.body, '{"n":1}', 'the dead-letter queue gets the original event');
    assert.deepEqual(dlq.attributes, {
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'boom {"n":1}' },
    });
    const dropped = project.events.find((e) => e.requestId === requestId && e.stage === 'dropped')!;
    assert.equal(dropped.condition, 'RetriesExhausted');
    assert.equal(dropped.approximateInvokeCount, 3);
  });

  it('MaximumRetryAttempts 0: one invocation, then the failure destinations', async () => {
    const { requestId } = await project.workbench.invokeAsync('FailsOnce', '{"n":2}');
    const messages = await waitForRecords(project.workbench, 'FailsOnce', 2);
    await new Promise((r) => setTimeout(r, 700)); // a retry would have happened by now
    assert.equal(calls().filter((c) => c.id === requestId).length, 1);
    assert.equal(bodyOf(messages.find((m) => m.role === 'OnFailure')!).requestContext.approximateInvokeCount, 1);
    assert.equal(bodyOf(messages.find((m) => m.role === 'OnFailure')!).requestContext.condition, 'RetriesExhausted');
    assert.equal(messages.find((m) => m.role === 'DeadLetterQueue')!.body, '{"n":2}');
  });

  it('a Lambda destination of the template is invoked asynchronously with the record', async () => {
    const { requestId } = await project.workbench.invokeAsync('Chained', '{"step":1}');
    const [sent] = await waitForRecords(project.workbench, 'Chained', 1);
    assert.equal(sent.type, 'lambda');
    assert.equal(sent.destination, `${ARN}:Target`);
    assert.ok(sent.invocationRequestId);
    // Target ran with the record as its event, and reported to its own OnSuccess destination.
    const [targetRecord] = await waitForRecords(project.workbench, 'Target', 1);
    const outer = bodyOf(targetRecord);
    assert.equal(outer.requestContext.requestId, sent.invocationRequestId);
    assert.equal(outer.requestPayload.requestContext.requestId, requestId);
    assert.equal(outer.requestPayload.requestContext.functionArn, `${ARN}:Chained:$LATEST`);
    assert.deepEqual(outer.requestPayload.responsePayload, { ok: true, echo: { step: 1 } });
    assert.deepEqual(calls().find((c) => c.id === sent.invocationRequestId)!.event, JSON.parse(sent.body));
  });

  it('an EventBridge destination gets the record as the detail of a Lambda event', async () => {
    const { requestId } = await project.workbench.invokeAsync('ToBus', '{"step":2}');
    const [event] = await waitForRecords(project.workbench, 'ToBus', 1);
    assert.equal(event.type, 'events');
    assert.equal(event.role, 'OnFailure');
    assert.equal(event.destination, 'arn:aws:events:us-east-1:000000000000:event-bus/results');
    const body = bodyOf(event);
    assert.deepEqual(Object.keys(body), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    assert.equal(body['detail-type'], 'Lambda Function Invocation Result - Failure');
    assert.equal(body.source, 'lambda');
    assert.equal(body.account, '000000000000');
    assert.match(body.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(body.resources, [`${ARN}:ToBus:$LATEST`]);
    assert.equal(body.detail.requestContext.requestId, requestId);
    assert.equal(body.detail.requestContext.condition, 'RetriesExhausted');
    assert.equal(body.detail.requestContext.approximateInvokeCount, 1);
  });

  it('without destinations the event just runs; destinationRecords is empty and unknown functions are rejected', async () => {
    const { requestId } = await project.workbench.invokeAsync('NoConfig', '');
    await waitFor(() => calls().some((c) => c.id === requestId));
    assert.deepEqual(calls().find((c) => c.id === requestId)!.event, {}, 'an empty payload arrives as {}');
    assert.deepEqual(await project.workbench.destinationRecords('NoConfig'), []);
    await assert.rejects(project.workbench.destinationRecords('Nope'), { name: 'ResourceNotFoundException' });
  });
});
