import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  apigatewayHttpApiProxyEvent,
  cloudwatchLogsEvent,
  dynamodbUpdateEvent,
  eventbridgeEvent,
  functionUrlRequestEvent,
  kinesisGetRecordsEvent,
  s3DeleteEvent,
  s3PutEvent,
  scheduledEvent,
  snsNotificationEvent,
  sqsReceiveMessageEvent,
} from '../../../src/core/events';
import {
  isAnything,
  isAttributeValue,
  isSnsMessageAttribute,
  isSqsMessageAttribute,
  isString,
  readReference,
  referenceEventsDir,
  shapeDiff,
  type ShapeOptions,
} from './shape';

// Every generator against the AWS-published samples in shared/reference-events (see its README for
// where each comes from): same keys, same value types, recursively. The generator is given the
// options that describe the sample's situation (a versioned bucket, message attributes, an IAM
// function URL…). Differences from a sample are listed per case with the reason. Skipped where the
// samples are absent (CI machines do not have them).

const dir = referenceEventsDir();

const HTTP_MAPS: ShapeOptions['maps'] = {
  headers: isString,
  queryStringParameters: isString,
  pathParameters: isString,
  stageVariables: isString,
  'requestContext.authorizer.jwt.claims': isString,
};

const DYNAMODB_MAPS: ShapeOptions['maps'] = {
  'Records[].dynamodb.Keys': isAttributeValue,
  'Records[].dynamodb.NewImage': isAttributeValue,
  'Records[].dynamodb.OldImage': isAttributeValue,
};

interface Case {
  sample: string;
  generate: () => unknown;
  options?: ShapeOptions;
}

const CASES: Record<string, Case[]> = {
  's3 put': [
    { sample: 'aws-sam-cli/s3-put.json', generate: () => s3PutEvent() },
    // A versioned bucket: the object has a versionId.
    {
      sample: 'aws-lambda-go/s3-event.json',
      generate: () => s3PutEvent({ bucket: 'sourcebucket', key: 'Happy Face.jpg', 'version-id': '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd' }),
    },
  ],
  's3 delete': [
    // ObjectRemoved events carry no size and no eTag (S3 event notification docs); the rest is a put's.
    { sample: 'aws-sam-cli/s3-put.json', generate: () => s3DeleteEvent(), options: { missing: ['Records[].s3.object.size', 'Records[].s3.object.eTag'] } },
  ],
  'sqs receive-message': [
    {
      sample: 'aws-sam-cli/sqs-receive-message.json',
      generate: () => sqsReceiveMessageEvent(),
      options: { maps: { 'Records[].messageAttributes': isSqsMessageAttribute } },
    },
    // With message attributes: md5OfMessageAttributes appears.
    {
      sample: 'aws-lambda-go/sqs-event.json',
      generate: () =>
        sqsReceiveMessageEvent({
          'message-attributes': { Attribute1: 'AttributeValue1', Attribute2: 123, Attribute3: { dataType: 'Binary', binaryValue: 'MTEwMA==' } },
        }),
      options: { maps: { 'Records[].messageAttributes': isSqsMessageAttribute } },
    },
    // FIFO queues add SequenceNumber, MessageGroupId and MessageDeduplicationId (SQS developer guide).
    {
      sample: 'aws-sam-cli/sqs-receive-message.json',
      generate: () => sqsReceiveMessageEvent({ fifo: true, records: 3 }),
      options: {
        maps: { 'Records[].messageAttributes': isSqsMessageAttribute },
        extra: ['Records[].attributes.SequenceNumber', 'Records[].attributes.MessageGroupId', 'Records[].attributes.MessageDeduplicationId'],
      },
    },
  ],
  'kinesis get-records': [
    { sample: 'aws-sam-cli/kinesis-get-records.json', generate: () => kinesisGetRecordsEvent() },
    {
      sample: 'aws-lambda-go/kinesis-event.json',
      generate: () => kinesisGetRecordsEvent({ records: 2, 'partition-key': 's1', data: 'Hello World', stream: 'simple-stream' }),
    },
  ],
  'dynamodb update': [
    { sample: 'aws-sam-cli/dynamodb-update.json', generate: () => dynamodbUpdateEvent(), options: { maps: DYNAMODB_MAPS } },
    {
      sample: 'aws-lambda-go/dynamodb-event.json',
      generate: () =>
        dynamodbUpdateEvent({
          'event-names': 'INSERT,INSERT',
          item: { key: 'binary', val: 'data', List: ['Cookies', 3.14159], Map: { Name: 'Joe', Age: 35 }, Null: null, Boolean: true },
          'key-attributes': 'key,val',
        }),
      // The sample's first record has the userIdentity that DynamoDB puts only on Time to Live
      // deletions (REMOVE records; --ttl), not on INSERTs.
      options: { maps: DYNAMODB_MAPS, missing: ['Records[].userIdentity'] },
    },
  ],
  'dynamodb update --ttl': [
    {
      sample: 'aws-lambda-go/dynamodb-event.json',
      generate: () => dynamodbUpdateEvent({ 'event-names': 'REMOVE', ttl: true }),
      options: { maps: DYNAMODB_MAPS, missing: ['Records[].dynamodb.NewImage'], extra: ['Records[].dynamodb.OldImage'] },
    },
  ],
  'sns notification': [
    {
      sample: 'aws-sam-cli/sns-notification.json',
      generate: () => snsNotificationEvent(),
      options: { maps: { 'Records[].Sns.MessageAttributes': isSnsMessageAttribute } },
    },
    {
      sample: 'aws-lambda-go/sns-event.json',
      generate: () => snsNotificationEvent({ 'message-attributes': { Test: 'TestString', TestBinary: { Type: 'Binary', Value: 'VGVzdEJpbmFyeQ==' } } }),
      options: { maps: { 'Records[].Sns.MessageAttributes': isSnsMessageAttribute } },
    },
  ],
  'apigateway http-api-proxy': [
    // Everything SAM's template has: query string, cookies, mutual TLS, a JWT authorizer, a route with
    // a path parameter, stage variables, a base64 body.
    {
      sample: 'aws-sam-cli/apigateway-http-api-proxy.json',
      generate: () =>
        apigatewayHttpApiProxyEvent({
          'query-string': 'parameter1=value1&parameter1=value2&parameter2=value',
          cookies: 'cookie1,cookie2',
          'client-cert': true,
          authorizer: 'jwt',
          scopes: 'scope1,scope2',
          'route-key': 'POST /path/to/{parameter1}',
          'stage-variables': { stageVariable1: 'value1' },
          base64: true,
        }),
      options: { maps: HTTP_MAPS },
    },
    // A GET without query, cookies, body or authorizer, over mutual TLS.
    {
      sample: 'aws-lambda-go/apigw-v2-request-no-authorizer.json',
      generate: () => apigatewayHttpApiProxyEvent({ method: 'GET', path: '/', body: '', 'client-cert': true }),
      options: { maps: HTTP_MAPS },
    },
  ],
  'lambda function-url': [
    {
      sample: 'aws-lambda-go/lambda-urls-request.json',
      generate: () =>
        functionUrlRequestEvent({
          'auth-type': 'AWS_IAM',
          path: '/my/path',
          'query-string': 'parameter1=value1&parameter1=value2&parameter2=value',
          cookies: 'cookie1,cookie2',
        }),
      // The sample lacks routeKey / requestContext.routeKey / stage, and the iam authorizer's
      // cognitoIdentity and principalOrgId, which the function URL payload in the Lambda developer
      // guide ("Invoking Lambda function URLs", request payload) has.
      options: {
        maps: HTTP_MAPS,
        extra: [
          'routeKey',
          'requestContext.routeKey',
          'requestContext.stage',
          'requestContext.authorizer.iam.cognitoIdentity',
          'requestContext.authorizer.iam.principalOrgId',
        ],
      },
    },
  ],
  'cloudwatch scheduled-event': [
    { sample: 'aws-lambda-developer-guide/eventbridge-scheduled-event.json', generate: () => scheduledEvent(), options: { maps: { detail: isAnything } } },
    // SAM's template has no "version" (real events have "version": "0"; see the samples' README).
    { sample: 'aws-sam-cli/cloudwatch-scheduled-event.json', generate: () => scheduledEvent(), options: { maps: { detail: isAnything }, extra: ['version'] } },
  ],
  'eventbridge event': [
    {
      sample: 'aws-lambda-developer-guide/eventbridge-scheduled-event.json',
      generate: () => eventbridgeEvent({ resources: 'arn:aws:events:us-east-1:000000000000:rule/orders' }),
      options: { maps: { detail: isAnything } },
    },
  ],
  'cloudwatch logs': [{ sample: 'aws-lambda-go/cloudwatch-logs-event.json', generate: () => cloudwatchLogsEvent() }],
};

describe('sample events: shapes of the AWS-published samples', function () {
  before(function () {
    if (!dir) this.skip();
  });

  for (const [name, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${name} has the keys and value types of ${c.sample}`, function () {
        // No skip for a missing sample: with the reference set present, that is a renamed file.
        const generated = JSON.parse(JSON.stringify(c.generate()));
        assert.deepEqual(shapeDiff(generated, readReference(dir!, c.sample), c.options), []);
      });
    }
  }

  it("cloudwatch logs: the decoded awslogs.data has the shape of the sample's", function () {
    const decode = (event: unknown) => JSON.parse(gunzipSync(Buffer.from((event as { awslogs: { data: string } }).awslogs.data, 'base64')).toString('utf8'));
    const sample = decode(readReference(dir!, 'aws-lambda-go/cloudwatch-logs-event.json'));
    assert.deepEqual(shapeDiff(decode(cloudwatchLogsEvent()), sample), []);
  });

  it("values the samples fix: SQS md5OfBody and Kinesis data for SAM's defaults", function () {
    const sqs = readReference(dir!, 'aws-sam-cli/sqs-receive-message.json') as { Records: { md5OfBody: string; body: string }[] };
    assert.equal(sqsReceiveMessageEvent().Records[0].md5OfBody, sqs.Records[0].md5OfBody);
    const kinesis = readReference(dir!, 'aws-sam-cli/kinesis-get-records.json') as { Records: { kinesis: { data: string } }[] };
    assert.equal(kinesisGetRecordsEvent().Records[0].kinesis.data, kinesis.Records[0].kinesis.data);
    const s3 = readReference(dir!, 'aws-sam-cli/s3-put.json') as { Records: { s3: { object: { key: string } } }[] };
    assert.equal(s3PutEvent().Records[0].s3.object.key, s3.Records[0].s3.object.key);
  });

  it('every sample file in the directory is covered by a case', function () {
    const covered = new Set(
      Object.values(CASES)
        .flat()
        .map((c) => c.sample),
    );
    const files = fs
      .readdirSync(dir!, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        fs
          .readdirSync(path.join(dir!, d.name))
          .filter((f) => f.endsWith('.json'))
          .map((f) => `${d.name}/${f}`),
      );
    assert.deepEqual(
      files.filter((f) => !covered.has(f)),
      [],
    );
  });
});
