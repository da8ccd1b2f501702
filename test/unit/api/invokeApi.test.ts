import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { InvokeCommand, type LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';

// The Invoke API through the real AWS SDK for JavaScript v3: status codes, headers, error types.

const FILES = {
  'src/app.js': `
    exports.handler = async (event, context) => {
      console.log('handling', JSON.stringify(event));
      if (event.fail) { const e = new Error('it failed: ' + event.fail); e.name = 'BusinessError'; throw e; }
      if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
      return { event, requestId: context.awsRequestId, arn: context.invokedFunctionArn, clientContext: context.clientContext ?? null };
    };
  `,
};

describe('Invoke API through @aws-sdk/client-lambda', function () {
  this.timeout(30000);
  let workbench: Workbench;
  let api: TestApi;
  let endpoint: string;
  let client: LambdaClient;
  const text = (bytes?: Uint8Array) => Buffer.from(bytes ?? []).toString('utf8');

  before(async () => {
    workbench = await openProject(
      writeProject({
        'template.yaml': samTemplate({ Echo: { handler: 'app.handler' }, Single: { handler: 'app.handler', props: 'ReservedConcurrentExecutions: 1' } }),
        ...FILES,
      }),
    );
    api = await startLambdaApi(workbench);
    ({ endpoint, client } = api);
  });
  after(async () => {
    await api.close();
    await workbench.close();
  });

  const invoke = (input: Partial<InvokeCommandInput>) => client.send(new InvokeCommand({ FunctionName: 'Echo', ...input }));

  it("RequestResponse: 200, the payload, X-Amz-Executed-Version, and x-amzn-RequestId = the invocation's RequestId", async () => {
    const out = await invoke({ Payload: Buffer.from('{"hello":"sdk"}') });
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.equal(out.FunctionError, undefined);
    const body = JSON.parse(text(out.Payload));
    assert.deepEqual(body.event, { hello: 'sdk' });
    assert.equal(out.$metadata.requestId, body.requestId);
    assert.equal(body.arn, 'arn:aws:lambda:us-east-1:000000000000:function:Echo');
  });

  it('accepts the function as name:qualifier, ?Qualifier=, full and partial ARNs', async () => {
    for (const input of [
      { FunctionName: 'Echo:$LATEST' },
      { FunctionName: 'Echo', Qualifier: '$LATEST' },
      { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Echo' },
      { FunctionName: '000000000000:function:Echo' },
    ]) {
      const out = await invoke({ ...input, Payload: Buffer.from('{}') });
      assert.equal(out.StatusCode, 200, JSON.stringify(input));
    }
    const qualified = JSON.parse(text((await invoke({ FunctionName: 'Echo', Qualifier: '$LATEST', Payload: Buffer.from('{}') })).Payload));
    assert.equal(qualified.arn, 'arn:aws:lambda:us-east-1:000000000000:function:Echo:$LATEST');
  });

  it("LogType Tail: X-Amz-Log-Result is base64 of the invocation's log, START … REPORT", async () => {
    const out = await invoke({ Payload: Buffer.from('{"tail":true}'), LogType: 'Tail' });
    const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    const id = out.$metadata.requestId!;
    assert.match(log, new RegExp(`START RequestId: ${id} Version: \\$LATEST`));
    assert.match(log, /\tINFO\thandling {"tail":true}/);
    assert.match(log, new RegExp(`END RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms`));
    assert.ok(Buffer.from(out.LogResult!, 'base64').length <= 4096);
  });

  it('delivers ClientContext (base64 JSON) to the runtime', async () => {
    const context = { client: { installation_id: 'i-1' }, custom: { tenant: 'acme' }, env: { locale: 'en' } };
    const out = await invoke({ Payload: Buffer.from('{}'), ClientContext: Buffer.from(JSON.stringify(context)).toString('base64') });
    assert.deepEqual(JSON.parse(text(out.Payload)).clientContext, context);
  });

  it('a function error: 200 with X-Amz-Function-Error: Unhandled and the error JSON', async () => {
    const out = await invoke({ Payload: Buffer.from('{"fail":"card declined"}') });
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const error = JSON.parse(text(out.Payload));
    assert.equal(error.errorType, 'BusinessError');
    assert.equal(error.errorMessage, 'it failed: card declined');
  });

  it('DryRun: 204 for a valid request, the usual errors otherwise', async () => {
    const out = await invoke({ InvocationType: 'DryRun', Payload: Buffer.from('{}') });
    assert.equal(out.StatusCode, 204);
    await assert.rejects(invoke({ FunctionName: 'Nope', InvocationType: 'DryRun' }), { name: 'ResourceNotFoundException' });
  });

  it("unknown function or qualifier → ResourceNotFoundException (404) with AWS's message", async () => {
    await assert.rejects(
      invoke({ FunctionName: 'Nope' }),
      (e: any) =>
        e.name === 'ResourceNotFoundException' &&
        e.$metadata.httpStatusCode === 404 &&
        e.message === 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope:$LATEST', // Invoke names $LATEST, as AWS does
    );
    await assert.rejects(invoke({ Qualifier: 'prod' }), (e: any) => e.name === 'ResourceNotFoundException' && /function:Echo:prod$/.test(e.message));
  });

  it('a body that is not JSON → InvalidRequestContentException (400)', async () => {
    await assert.rejects(
      invoke({ Payload: Buffer.from('{not json') }),
      (e: any) =>
        e.name === 'InvalidRequestContentException' && e.$metadata.httpStatusCode === 400 && /^Could not parse request body into json/.test(e.message),
    );
  });

  it('over 6 MB → RequestEntityTooLargeException (413)', async () => {
    const big = Buffer.from(JSON.stringify({ data: 'x'.repeat(6 * 1024 * 1024) }));
    await assert.rejects(
      invoke({ Payload: big }),
      (e: any) =>
        e.name === 'RequestEntityTooLargeException' && e.$metadata.httpStatusCode === 413 && /Request must be smaller than 6291456 bytes/.test(e.message),
    );
  });

  it('throttled → TooManyRequestsException (429) with Reason and Retry-After', async () => {
    const results = await Promise.allSettled([
      invoke({ FunctionName: 'Single', Payload: Buffer.from('{"sleepMs":400}') }),
      invoke({ FunctionName: 'Single', Payload: Buffer.from('{"sleepMs":400}') }),
    ]);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.ok(rejected, 'one of two concurrent calls is throttled');
    const e = rejected.reason;
    assert.equal(e.name, 'TooManyRequestsException');
    assert.equal(e.$metadata.httpStatusCode, 429);
    assert.equal(e.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal(e.retryAfterSeconds, '1');
  });

  it('an unknown route or invocation type gets AWS-style errors, and the server binds to loopback', async () => {
    const raw = await new Promise<{ status: number; type: string }>((resolve) => {
      http
        .request(`${endpoint}/2015-03-31/functions/Echo/invocations`, { method: 'POST', headers: { 'X-Amz-Invocation-Type': 'Sometimes' } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, type: String(res.headers['x-amzn-errortype']) });
        })
        .end('{}');
    });
    assert.deepEqual(raw, { status: 400, type: 'InvalidParameterValueException' });
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
