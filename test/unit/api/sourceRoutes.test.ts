import { strict as assert } from 'node:assert';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import type { Workbench } from '../../../src/core/workbench';
import { httpRequest } from '../helpers/http';
import { JOBS_QUEUE_AND_CLICKS_STREAM, openProject, samTemplate, writeProject } from '../helpers/project';

// The `/_workbench/` queue and stream routes (send-message, put-record): a client's mistake is a
// 4xx with the error type the SQS / Kinesis APIs give it, never a 500.

const TEMPLATE = `${samTemplate({ Reader: { handler: 'app.handler' } })}${JOBS_QUEUE_AND_CLICKS_STREAM}`;

describe('/_workbench/ queue and stream routes: client errors', function () {
  this.timeout(30000);
  let workbench: Workbench;
  let api: TestApi;
  let url: string;

  before(async () => {
    workbench = await openProject(writeProject({ 'template.yaml': TEMPLATE, 'src/app.js': 'exports.handler = async (e) => e;' }), {
      hotReload: false,
      eventSourceMappings: false,
    });
    api = await startLambdaApi(workbench);
    url = api.endpoint;
  });
  after(async () => {
    await api.close();
    await workbench.close();
  });

  const expectError = async (method: string, path: string, body: string | undefined, status: number, type: string, message?: RegExp) => {
    const res = await httpRequest(method, `${url}${path}`, body, body === undefined ? {} : { 'content-type': 'application/json' });
    assert.equal(res.status, status, `${method} ${path}: ${res.body}`);
    assert.equal(res.headers['x-amzn-errortype'], type, res.body);
    const parsed = JSON.parse(res.body);
    assert.equal(typeof parsed.message, 'string');
    if (message) assert.match(parsed.message, message);
    assert.doesNotMatch(res.body, /\n\s+at /);
  };

  it('malformed percent-escapes in the queue or stream name → 400 InvalidParameterValueException', async () => {
    await expectError('POST', '/_workbench/queues/%ZZ/messages', JSON.stringify({ Body: 'x' }), 400, 'InvalidParameterValueException', /%ZZ/);
    await expectError('DELETE', '/_workbench/queues/%E0%A4%A/messages', undefined, 400, 'InvalidParameterValueException');
    await expectError('POST', '/_workbench/streams/%ZZ/records', JSON.stringify({ Data: 'eA==', PartitionKey: 'k' }), 400, 'InvalidParameterValueException');
  });

  it('a PartitionKey over 256 characters, Data over 1 MB, a Change sent to a Kinesis stream → 400 ValidationException, as Kinesis answers', async () => {
    await expectError(
      'POST',
      '/_workbench/streams/Clicks/records',
      JSON.stringify({ Data: 'eA==', PartitionKey: 'k'.repeat(257) }),
      400,
      'ValidationException',
      /partitionKey.*between 1 and 256/,
    );
    await expectError(
      'POST',
      '/_workbench/streams/Clicks/records',
      JSON.stringify({ Data: Buffer.alloc(1024 * 1024 + 1).toString('base64'), PartitionKey: 'k' }),
      400,
      'ValidationException',
      /less than or equal to 1048576/,
    );
    await expectError(
      'POST',
      '/_workbench/streams/Clicks/records',
      JSON.stringify({ Change: { eventName: 'INSERT', Keys: { id: { S: '1' } } } }),
      400,
      'ValidationException',
      /Kinesis stream/,
    );
    await expectError('POST', '/_workbench/streams/Clicks/records', JSON.stringify({ Change: 'INSERT' }), 400, 'ValidationException');
    await expectError('POST', '/_workbench/streams/Clicks/records', JSON.stringify({ Data: 5, PartitionKey: 'k' }), 400, 'ValidationException');
    // Within the limits, it is written.
    const ok = await httpRequest('POST', `${url}/_workbench/streams/Clicks/records`, JSON.stringify({ Data: 'eA==', PartitionKey: 'k'.repeat(256) }), {
      'content-type': 'application/json',
    });
    assert.equal(ok.status, 200, ok.body);
    assert.match(JSON.parse(ok.body).SequenceNumber, /^\d+$/);
  });

  it('unknown queue or stream → 404 ResourceNotFoundException', async () => {
    await expectError('POST', '/_workbench/queues/Nope/messages', JSON.stringify({ Body: 'x' }), 404, 'ResourceNotFoundException');
    await expectError('POST', '/_workbench/streams/Nope/records', JSON.stringify({ Data: 'eA==', PartitionKey: 'k' }), 404, 'ResourceNotFoundException');
  });
});
