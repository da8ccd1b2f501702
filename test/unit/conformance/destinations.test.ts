import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
  type PutFunctionEventInvokeConfigCommandInput,
} from '@aws-sdk/client-lambda';
import type { Workbench, WorkbenchSettings } from '../../../src/core/workbench';
import type { ReceivedMessage } from '../../../src/core/sources/types';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { waitFor } from '../helpers/wait';
import { recording, Replay, type Outcome } from './replay';
import { PYTHON_RETURN_EVENT_AND_CONTEXT } from './handlers';

// Asynchronous invocation's destination and dead-letter records as AWS sends them: LocalStack's
// TestLambdaDestinationSqs and TestLambdaDLQ (test_lambda_destinations.py), replayed against our
// Lambda API, the records read back from the template's embedded SQS queue and compared with AWS's
// recorded messages (recorded/README.md). CreateFunction is not served: the functions are template
// functions (python3.12, handler.handler) beside an AWS::SQS::Queue. Lambda's retry delays (60 s,
// 120 s) and the recorded event ages are shortened locally through the engine's settings
// (asyncRetryDelaysSeconds, asyncMaximumEventAgeSeconds), in the same proportions. Code runs from
// the project's directory, not /var/task: stack traces are compared with that directory named
// /var/task. TestLambdaDestinationEventbridge is not replayed: its EventBridge rule, which invokes
// a second function, is not delivered locally (EventBridge destinations are recorded only).

const RECORDED = 'test_lambda_destinations.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda_destinations.py';
const uid = () => randomBytes(4).toString('hex');

// Handlers with the behaviour of LocalStack's functions, the raising line where theirs is (AWS's
// recorded stack traces name it). The integration handler: logs, raises on `raise_error`, else
// answers the event and its context.
const INTEGRATION = [
  'import json',
  'import logging',
  '',
  'logging.basicConfig(level=logging.INFO)',
  'LOGGER = logging.getLogger(__name__)',
  'LOGGER.setLevel(logging.INFO)',
  '',
  '',
  'def handler(event, context):',
  '    print("Lambda log message - print function", flush=True)',
  '    LOGGER.info("Lambda log message - logging module")',
  ...Array.from({ length: 42 }, () => ''),
  '    if "raise_error" in event:',
  '        raise Exception("Test exception (this is intentional)")',
  ...PYTHON_RETURN_EVENT_AND_CONTEXT,
  '',
].join('\n');
/** Logs the event and its request id, then fails. */
const ECHO_FAIL = [
  'import json',
  '',
  '',
  'def handler(event, context):',
  '    print(json.dumps({"event": event, "aws_request_id": context.aws_request_id}))',
  '',
  '    raise Exception("intentional failure")',
  '',
].join('\n');

/** One template function beside one embedded SQS queue, behind our Lambda API, with asynchronous workers. */
class Project {
  dir = '';
  functionName = `test-${uid()}`;
  queueName = `test-${uid()}`;
  private workbench: Workbench | undefined;
  private api: TestApi | undefined;

  async open(source: string, props: string, settings: Partial<WorkbenchSettings> = {}): Promise<LambdaClient> {
    const template =
      samTemplate({ Fn: { handler: 'handler.handler', runtime: 'python3.12', props: `FunctionName: ${this.functionName}\nTimeout: 30\n${props}` } }) +
      samResources({ Queue: { type: 'AWS::SQS::Queue', props: `QueueName: ${this.queueName}` } });
    this.dir = writeProject({ 'template.yaml': template, 'src/handler.py': source });
    return this.start(settings);
  }

  /** The engine reopened with other settings (the state directory stays). */
  async reopen(settings: Partial<WorkbenchSettings>): Promise<LambdaClient> {
    await this.stop();
    return this.start(settings);
  }

  get queueArn(): string {
    return this.workbench!.eventSources.sources.findQueueDefinition(this.queueName)!.arn;
  }

  /** ReceiveMessage (one message) on the embedded queue; sqsMessage() gives it SQS's shape. */
  async receive(options: { visibilityTimeoutSeconds?: number; waitTimeSeconds?: number } = {}): Promise<ReceivedMessage[]> {
    const queue = this.workbench!.eventSources.sources.queue(this.queueArn)!;
    return queue.receive({ maxMessages: 1, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds, waitTimeSeconds: options.waitTimeSeconds });
  }

  async deleteMessage(receiptHandle: string): Promise<void> {
    await this.workbench!.eventSources.sources.queue(this.queueArn)!.delete([receiptHandle]);
  }

  /** Waits for a message on the queue. */
  waitForMessage(options: { visibilityTimeoutSeconds?: number } = {}, timeoutMs = 30000): Promise<ReceivedMessage> {
    return waitFor(async () => (await this.receive({ ...options, waitTimeSeconds: 1 }))[0], timeoutMs, `a message on ${this.queueName}`);
  }

  /** The code directory as Lambda names it in stack traces (`/var/task`). */
  normalise(text: string): string {
    return text.split(path.join(this.dir, 'src')).join('/var/task');
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async start(settings: Partial<WorkbenchSettings>): Promise<LambdaClient> {
    this.workbench = await openProject(this.dir, { hotReload: false, ...settings });
    this.api = await startLambdaApi(this.workbench);
    return this.api.client;
  }

  private async stop(): Promise<void> {
    await this.api?.close();
    await this.workbench?.close();
    this.api = undefined;
    this.workbench = undefined;
  }
}

/** A received message in ReceiveMessage's shape (boto3's keys), its JSON body parsed as LocalStack's snapshot parses it. */
function sqsMessage(project: Project, m: ReceivedMessage, attributeNames: boolean, messageAttributeNames: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (attributeNames) out.Attributes = m.attributes;
  out.Body = JSON.parse(project.normalise(m.body)) as unknown;
  out.MD5OfBody = m.md5OfBody;
  if (messageAttributeNames && m.md5OfMessageAttributes) out.MD5OfMessageAttributes = m.md5OfMessageAttributes;
  if (messageAttributeNames && Object.keys(m.messageAttributes).length > 0) out.MessageAttributes = m.messageAttributes;
  out.MessageId = m.messageId;
  out.ReceiptHandle = m.receiptHandle;
  return out;
}

function receiveOutcome(project: Project, messages: ReceivedMessage[], attributeNames: boolean, messageAttributeNames: boolean): Outcome {
  return { status: 200, body: { Messages: messages.map((m) => sqsMessage(project, m, attributeNames, messageAttributeNames)) } };
}

describe('conformance: asynchronous destinations and dead-letter queues (TestLambdaDestinationSqs, TestLambdaDLQ, the SQS dead-letter queue test, recorded against AWS)', function () {
  this.timeout(90000);
  let project: Project;
  beforeEach(() => {
    project = new Project();
  });
  afterEach(() => project.close());

  const putConfig = (lambda: LambdaClient, input: Omit<PutFunctionEventInvokeConfigCommandInput, 'FunctionName'>) =>
    lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: project.functionName, ...input }));
  const invokeEvent = (lambda: LambdaClient, payload: string) =>
    lambda.send(new InvokeCommand({ FunctionName: project.functionName, InvocationType: 'Event', Payload: Buffer.from(payload) }));

  for (const [param, payload] of [
    ['payload0', '{}'],
    ['payload1', '{"raise_error": 1}'],
  ] as const) {
    it(`TestLambdaDestinationSqs::test_assess_lambda_destination_invocation[${param}]`, async () => {
      const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation[${param}]`));
      const lambda = await project.open(INTEGRATION, '');
      const destination = { Destination: project.queueArn };
      await replay.call('put_function_event_invoke_config', () =>
        putConfig(lambda, { MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: destination, OnFailure: destination } }),
      );
      await invokeEvent(lambda, payload);
      const message = await project.waitForMessage();
      replay.expect('receive_message_result', receiveOutcome(project, [message], false, true));
      assert.equal(replay.compared.length, 2);
    });
  }

  it('TestLambdaDestinationSqs::test_lambda_destination_default_retries', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaDestinationSqs::test_lambda_destination_default_retries`));
    // Lambda retries after 60 s and 120 s; here after 1 s and 2 s.
    const lambda = await project.open(INTEGRATION, '', { asyncRetryDelaysSeconds: [1, 2] });
    const destination = { Destination: project.queueArn };
    await replay.call('put_function_event_invoke_config', () => putConfig(lambda, { DestinationConfig: { OnSuccess: destination, OnFailure: destination } }));
    await invokeEvent(lambda, '{"raise_error": 1}');
    const message = await project.waitForMessage();
    replay.expect('receive_message_result', receiveOutcome(project, [message], false, true));
    assert.equal(replay.compared.length, 2);
  });

  it('TestLambdaDestinationSqs::test_retries', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaDestinationSqs::test_retries`));
    const lambda = await project.open(ECHO_FAIL, '', { asyncRetryDelaysSeconds: [1, 2] });
    await putConfig(lambda, { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: project.queueArn } } });
    const messageId = `retry-msg-${uid()}`;
    const invoked = await invokeEvent(lambda, JSON.stringify({ message: messageId }));
    assert.equal(invoked.StatusCode, 202);
    // Received once with visibility 0, then again: the second receive is the recorded one.
    await project.waitForMessage({ visibilityTimeoutSeconds: 0 });
    const [message] = await project.receive({ visibilityTimeoutSeconds: 1 });
    assert.ok(message, 'the message is visible again');
    const outcome = receiveOutcome(project, [message], true, false);
    replay.expect('queue_destination_payload', JSON.parse(JSON.stringify(outcome).split(messageId).join('<test-msg-id>')) as Outcome);
    assert.equal(replay.compared.length, 1);
  });

  it('TestLambdaDestinationSqs::test_maxeventage', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaDestinationSqs::test_maxeventage`));
    // Lambda's first retry comes after 60 s, so an event of 60 s is not retried and one of 90 s once;
    // here 2 s and 4 s between attempts, event ages of 2 s and 4 s (a first attempt may take up to
    // 2 s and still be retried once: a cold start on a loaded machine).
    const lambda = await project.open(ECHO_FAIL, '', { asyncRetryDelaysSeconds: [2, 4], asyncMaximumEventAgeSeconds: 2 });
    await putConfig(lambda, { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: project.queueArn } } });
    const messageId = `retry-msg-${uid()}`;
    const pick = async () => {
      const message = await project.waitForMessage({ visibilityTimeoutSeconds: 3 });
      await project.deleteMessage(message.receiptHandle);
      const body = sqsMessage(project, message, true, false);
      return JSON.parse(JSON.stringify(body).split(messageId).join('<test-msg-id>')) as Record<string, unknown>;
    };
    await invokeEvent(lambda, JSON.stringify({ message: messageId }));
    const first = await pick();
    replay.expectValue('no_retry_failure_message', first);
    const firstRequestId = (first.Body as { requestContext: { requestId: string } }).requestContext.requestId;

    await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: project.functionName, MaximumEventAgeInSeconds: 90, MaximumRetryAttempts: 2 }),
    );
    const again = await project.reopen({ asyncRetryDelaysSeconds: [2, 4], asyncMaximumEventAgeSeconds: 4 });
    await invokeEvent(again, JSON.stringify({ message: messageId }));
    const retried = await pick();
    // AWS's SenderId differs between Lambda's two deliveries (<sender-id:1>, <sender-id:2>); an embedded
    // queue's SenderId is always the account id (README, Differences from AWS). The second message is
    // compared in a replay of its own, and that its request id is a new one is asserted here.
    assert.notEqual((retried.Body as { requestContext: { requestId: string } }).requestContext.requestId, firstRequestId);
    new Replay(recording(RECORDED, `${TEST}::TestLambdaDestinationSqs::test_maxeventage`)).expectValue('single_retry_failure_message', retried);
    assert.equal(replay.compared.length, 1);
  });

  it('TestLambdaDLQ::test_dead_letter_queue', async () => {
    const replay = new Replay(recording(RECORDED, `${TEST}::TestLambdaDLQ::test_dead_letter_queue`));
    const lambda = await project.open(INTEGRATION, 'DeadLetterQueue:\n  Type: SQS\n  TargetArn: !GetAtt Queue.Arn', { asyncRetryDelaysSeconds: [1, 2] });
    await invokeEvent(lambda, '{"raise_error": 1}');
    const message = await project.waitForMessage();
    replay.expect('receive_result', receiveOutcome(project, [message], false, true));

    // create_lambda_with_dlq (CreateFunction) and delete_dlq (UpdateFunctionConfiguration) are not served.
    const invoked = await replay.call('invoke_result', async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: project.functionName, Payload: Buffer.from('{"raise_error": 1}'), LogType: 'Tail' }));
      return { ...out, Payload: JSON.parse(project.normalise(Buffer.from(out.Payload!).toString('utf8'))) as unknown };
    });
    assert.ok('body' in invoked);
    const logs = Buffer.from(String(invoked.body.LogResult), 'base64').toString('utf8');
    // LocalStack's snapshot replaces timestamps with `date`.
    const lines = project
      .normalise(logs)
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('REPORT'))
      .map((line) => line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'date'));
    replay.expectValue('log_result', { result: lines });
    assert.equal(replay.compared.length, 3);
  });

  it('test_lambda_integration_sqs.py::test_sqs_queue_as_lambda_dead_letter_queue', async () => {
    const replay = new Replay(
      recording(
        'event_source_mapping/test_lambda_integration_sqs.snapshot.json',
        `tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_sqs.py::test_sqs_queue_as_lambda_dead_letter_queue`,
      ),
    );
    const lambda = await project.open(INTEGRATION, 'DeadLetterQueue:\n  Type: SQS\n  TargetArn: !GetAtt Queue.Arn');
    // CreateFunction's DeadLetterConfig (not served): the function's configuration has the same one
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: project.functionName }));
    replay.expectValue('lambda-response-dlq-config', configuration.DeadLetterConfig);
    await putConfig(lambda, { MaximumRetryAttempts: 0 });
    await invokeEvent(lambda, '{"raise_error": 1}');
    const message = await project.waitForMessage({ visibilityTimeoutSeconds: 0 });
    replay.expect('messages', receiveOutcome(project, [message], false, true));
    assert.equal(replay.compared.length, 2);
  });
});
