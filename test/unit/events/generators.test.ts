import { strict as assert } from 'node:assert';
import { gunzipSync } from 'node:zlib';
import {
  allOptions,
  apigatewayAwsProxyEvent,
  apigatewayHttpApiProxyEvent,
  CATALOG,
  cloudwatchLogsEvent,
  dynamodbUpdateEvent,
  encodeS3Key,
  EventOptionError,
  eventbridgeEvent,
  functionUrlRequestEvent,
  generateSampleEvent,
  kinesisGetRecordsEvent,
  marshall,
  matchPathTemplate,
  md5OfMessageAttributes,
  s3DeleteEvent,
  s3PutEvent,
  scheduledEvent,
  snsNotificationEvent,
  sqsMessageAttributes,
  sqsReceiveMessageEvent,
} from '../../../src/core/events';

// The generators' values: AWS's formats (ARNs, ids, sequence numbers, digests, timestamps), the
// options, repeatability with --seed/--time, and errors.

const ARN = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

describe('sample events: generators', () => {
  it('every catalog type generates JSON with its defaults, and declares help and defaults for its options', () => {
    for (const [service, types] of Object.entries(CATALOG)) {
      for (const [type, entry] of Object.entries(types)) {
        const event = entry.generate();
        assert.equal(typeof event, 'object', `${service} ${type}`);
        assert.deepEqual(JSON.parse(JSON.stringify(event)), event, `${service} ${type} is plain JSON`);
        const names = allOptions(entry).map((o) => o.name);
        assert.equal(new Set(names).size, names.length, `${service} ${type}: option names are unique`);
        for (const o of allOptions(entry)) assert.ok(o.help.length > 0, `${service} ${type} --${o.name} has help`);
        assert.ok(names.includes('region'), 'every type takes --region');
      }
    }
    assert.deepEqual(generateSampleEvent('s3', 'put', { seed: 'a', time: 0 }), s3PutEvent({ seed: 'a', time: 0 }));
  });

  it('--seed with --time gives the same event; without a seed, ids differ', () => {
    for (const types of Object.values(CATALOG)) {
      for (const entry of Object.values(types)) {
        assert.deepEqual(entry.generate({ seed: 'x', time: '2026-03-04T05:06:07.890Z' }), entry.generate({ seed: 'x', time: '2026-03-04T05:06:07.890Z' }));
      }
    }
    assert.notEqual(sqsReceiveMessageEvent().Records[0].messageId, sqsReceiveMessageEvent().Records[0].messageId);
  });

  it('ARNs use the account 000000000000 and the --region, --account-id and --partition options', () => {
    const q = sqsReceiveMessageEvent({ region: 'eu-central-1' }).Records[0];
    assert.equal(q.eventSourceARN, 'arn:aws:sqs:eu-central-1:000000000000:MyQueue');
    assert.equal(q.awsRegion, 'eu-central-1');
    const k = kinesisGetRecordsEvent({ 'account-id': '123456789012', partition: 'aws-cn', region: 'cn-north-1' }).Records[0];
    assert.equal(k.eventSourceARN, 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/example-stream');
    assert.equal(k.invokeIdentityArn, 'arn:aws-cn:iam::123456789012:role/lambda-role');
    for (const arn of [dynamodbUpdateEvent().Records[0].eventSourceARN, snsNotificationEvent().Records[0].Sns.TopicArn, scheduledEvent().resources[0]]) {
      assert.match(arn, ARN);
    }
    assert.throws(() => s3PutEvent({ region: 'nowhere' }), EventOptionError);
    assert.throws(() => s3PutEvent({ 'account-id': '42' }), /--account-id: expected 12 digits/);
  });

  it('S3: ISO time with milliseconds, key encoded as S3 does, versionId only when given, no size or eTag on delete', () => {
    const put = s3PutEvent({ key: 'my photos/a+b=c.jpg', time: '2026-01-02T03:04:05.678Z' }).Records[0];
    assert.equal(put.eventTime, '2026-01-02T03:04:05.678Z');
    assert.equal(put.s3.object.key, 'my+photos/a%2Bb%3Dc.jpg');
    assert.match(put.s3.object.eTag, /^[0-9a-f]{32}$/);
    assert.match(put.s3.object.sequencer, /^[0-9A-F]{18}$/);
    assert.match(put.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
    assert.ok(!('versionId' in put.s3.object));
    assert.equal(s3PutEvent({ 'version-id': 'v1' }).Records[0].s3.object.versionId, 'v1');
    const del = s3DeleteEvent().Records[0];
    assert.equal(del.eventName, 'ObjectRemoved:Delete');
    assert.deepEqual(Object.keys(del.s3.object).sort(), ['key', 'sequencer']);
    assert.equal(decodeURIComponent(encodeS3Key('a b/ü?.txt').replace(/\+/g, ' ')), 'a b/ü?.txt');
    assert.throws(() => s3PutEvent({ bucket: 'Not_A_Bucket' }), /--bucket: not a valid bucket name/);
  });

  it("SQS: computed md5OfBody and md5OfMessageAttributes (SQS's algorithm), epoch-millisecond timestamps, FIFO attributes", () => {
    // Digests as SQS returns them for these attributes.
    assert.equal(
      md5OfMessageAttributes(sqsMessageAttributes({ timestamp: { dataType: 'Number', stringValue: '1493147359900' } })),
      '235c5c510d26fb653d073faed50ae77c',
    );
    assert.equal(md5OfMessageAttributes(sqsMessageAttributes({ SellerName: 'Example Store' })), 'cd28f3b68aeee4b2eac9c66f2f694b58');
    assert.equal(md5OfMessageAttributes(sqsMessageAttributes({ ordinal: 1, category: 'test' })), 'd21ae90c49061e927f57df5f5d72be1f');

    const plain = sqsReceiveMessageEvent({ body: 'Message Body', records: 4, time: 1_700_000_000_000 });
    assert.equal(plain.Records.length, 4);
    assert.equal(new Set(plain.Records.map((r) => r.messageId)).size, 4);
    for (const r of plain.Records) {
      assert.equal(r.md5OfBody, '77a3cf88eba293be44f5fd5c61835a43');
      assert.ok(!('md5OfMessageAttributes' in r), 'no attributes, no md5OfMessageAttributes');
      assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
      assert.ok(Math.abs(Number(r.attributes.SentTimestamp) - 1_700_000_000_000) < 5000, 'epoch milliseconds around the event time');
      assert.ok(Number(r.attributes.ApproximateFirstReceiveTimestamp) >= Number(r.attributes.SentTimestamp));
      assert.ok(!('MessageGroupId' in r.attributes));
      assert.match(r.receiptHandle, /^AQEB[A-Za-z0-9+/=]{100,}$/);
    }
    const withAttributes = sqsReceiveMessageEvent({ 'message-attributes': { kind: 'order', n: 3, blob: { dataType: 'Binary', binaryValue: 'AAE=' } } })
      .Records[0];
    assert.deepEqual(withAttributes.messageAttributes.kind, { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' });
    assert.deepEqual(withAttributes.messageAttributes.n, { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' });
    assert.equal(withAttributes.messageAttributes.blob.binaryValue, 'AAE=');
    assert.equal(withAttributes.md5OfMessageAttributes, md5OfMessageAttributes(withAttributes.messageAttributes));

    const fifo = sqsReceiveMessageEvent({ 'queue-name': 'orders.fifo', records: 3, 'message-group-id': 'customer-7' });
    const sequences = fifo.Records.map((r) => BigInt(r.attributes.SequenceNumber!));
    for (const r of fifo.Records) {
      assert.equal(r.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:orders.fifo');
      assert.equal(r.attributes.MessageGroupId, 'customer-7');
      assert.match(r.attributes.MessageDeduplicationId!, /^[0-9a-f]{64}$/);
      assert.match(r.attributes.SequenceNumber!, /^\d{20}$/);
    }
    assert.ok(sequences[0] < sequences[1] && sequences[1] < sequences[2], 'FIFO sequence numbers increase');
    assert.equal(new Set(fifo.Records.map((r) => r.attributes.MessageDeduplicationId)).size, 3);
    assert.equal(sqsReceiveMessageEvent({ fifo: true }).Records[0].eventSourceARN.endsWith(':MyQueue.fifo'), true);
    assert.throws(() => sqsReceiveMessageEvent({ records: 0 }), /--records: expected an integer from 1 to 10000/);
    assert.throws(() => sqsReceiveMessageEvent({ 'message-attributes': { bad: {} } }), EventOptionError);
  });

  it('Kinesis: base64 data, 56-digit increasing sequence numbers, eventID shard:sequence, arrival in epoch seconds', () => {
    const event = kinesisGetRecordsEvent({ records: 5, data: '{"n":1}', time: 1_700_000_000_123 });
    const sequences = event.Records.map((r) => r.kinesis.sequenceNumber);
    for (const [i, r] of event.Records.entries()) {
      assert.match(r.kinesis.sequenceNumber, /^49\d{54}$/);
      assert.equal(r.eventID, `shardId-000000000000:${r.kinesis.sequenceNumber}`);
      assert.equal(Buffer.from(r.kinesis.data, 'base64').toString('utf8'), '{"n":1}');
      assert.ok(Math.abs(r.kinesis.approximateArrivalTimestamp - 1_699_999_999.123) < 1, String(r.kinesis.approximateArrivalTimestamp));
      if (i > 0) assert.ok(BigInt(sequences[i]) > BigInt(sequences[i - 1]));
    }
    const given = '49545115243490985018280067714973144582180062593244200961';
    assert.equal(kinesisGetRecordsEvent({ sequence: given }).Records[0].kinesis.sequenceNumber, given);
    assert.throws(() => kinesisGetRecordsEvent({ sequence: 'abc' }), /--sequence/);
  });

  it('DynamoDB: typed attribute values, the images the view type carries, TTL deletions, increasing sequence numbers', () => {
    assert.deepEqual(marshall({ s: 'x', n: 1.5, b: true, z: null, l: [1, 'a'], m: { k: 'v' } }), {
      M: { s: { S: 'x' }, n: { N: '1.5' }, b: { BOOL: true }, z: { NULL: true }, l: { L: [{ N: '1' }, { S: 'a' }] }, m: { M: { k: { S: 'v' } } } },
    });
    const event = dynamodbUpdateEvent({
      item: { pk: 'user#1', sk: 1, name: 'Ada' },
      'updated-item': { pk: 'user#1', sk: 1, name: 'Grace' },
      'key-attributes': 'pk,sk',
    });
    const [insert, modify, remove] = event.Records;
    assert.deepEqual([insert.eventName, modify.eventName, remove.eventName], ['INSERT', 'MODIFY', 'REMOVE']);
    assert.deepEqual(insert.dynamodb.Keys, { pk: { S: 'user#1' }, sk: { N: '1' } });
    assert.deepEqual([!!insert.dynamodb.NewImage, !!insert.dynamodb.OldImage], [true, false]);
    assert.deepEqual(modify.dynamodb.OldImage!.name, { S: 'Ada' });
    assert.deepEqual(modify.dynamodb.NewImage!.name, { S: 'Grace' });
    assert.deepEqual([!!remove.dynamodb.NewImage, remove.dynamodb.OldImage!.name], [false, { S: 'Grace' }]);
    assert.ok(!('userIdentity' in remove));
    for (const r of event.Records) {
      assert.match(r.eventID, /^[0-9a-f]{32}$/);
      assert.match(r.dynamodb.SequenceNumber, /^\d{21,40}$/);
      assert.ok(Number.isInteger(r.dynamodb.ApproximateCreationDateTime));
      assert.ok(r.dynamodb.SizeBytes > 0);
      assert.match(r.eventSourceARN, /^arn:aws:dynamodb:us-east-1:000000000000:table\/ExampleTableWithStream\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    }
    assert.ok(BigInt(insert.dynamodb.SequenceNumber) < BigInt(modify.dynamodb.SequenceNumber));
    const keysOnly = dynamodbUpdateEvent({ 'stream-view-type': 'KEYS_ONLY' }).Records;
    assert.ok(keysOnly.every((r) => !r.dynamodb.NewImage && !r.dynamodb.OldImage && r.dynamodb.StreamViewType === 'KEYS_ONLY'));
    const ttl = dynamodbUpdateEvent({ 'event-names': 'REMOVE', ttl: true }).Records[0];
    assert.deepEqual(ttl.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    assert.throws(() => dynamodbUpdateEvent({ 'stream-view-type': 'ALL' }), /expected one of KEYS_ONLY/);
    assert.throws(() => dynamodbUpdateEvent({ 'key-attributes': 'missing' }), /--item has no attribute "missing"/);
  });

  it('SNS: subscription ARN, timestamps, attributes, a null Subject when published without one', () => {
    const sns = snsNotificationEvent({ topic: 'alerts', message: 'hi', 'message-attributes': { level: 'high', count: 2 } }).Records[0];
    assert.equal(sns.Sns.TopicArn, 'arn:aws:sns:us-east-1:000000000000:alerts');
    assert.match(sns.EventSubscriptionArn, /^arn:aws:sns:us-east-1:000000000000:alerts:[0-9a-f-]{36}$/);
    assert.match(sns.Sns.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(sns.Sns.MessageAttributes, { level: { Type: 'String', Value: 'high' }, count: { Type: 'Number', Value: '2' } });
    assert.ok(sns.Sns.UnsubscribeUrl.endsWith(`SubscriptionArn=${sns.EventSubscriptionArn}`));
    assert.equal(snsNotificationEvent({ subject: '' }).Records[0].Sns.Subject, null);
  });

  it('API Gateway REST (1.0): requestContext, path parameters from the resource, multi-value fields, nulls for what is absent', () => {
    const e = apigatewayAwsProxyEvent({
      method: 'get',
      resource: '/users/{id}/files/{path+}',
      path: '/users/42/files/a/b.txt',
      body: '',
      querystringparameters: { tag: ['x', 'y'], q: 'z' },
      stage: 'dev',
      time: '2020-03-12T19:03:58Z',
    });
    assert.equal(e.httpMethod, 'GET');
    assert.deepEqual(e.pathParameters, { id: '42', path: 'a/b.txt' });
    assert.deepEqual(e.queryStringParameters, { tag: 'y', q: 'z' });
    assert.deepEqual(e.multiValueQueryStringParameters, { tag: ['x', 'y'], q: ['z'] });
    assert.equal(e.body, null);
    assert.equal(e.stageVariables, null);
    assert.equal(e.requestContext.path, '/dev/users/42/files/a/b.txt');
    assert.equal(e.requestContext.requestTime, '12/Mar/2020:19:03:58 +0000');
    assert.equal(e.requestContext.requestTimeEpoch, Date.parse('2020-03-12T19:03:58Z'));
    assert.equal(e.requestContext.accountId, '000000000000');
    assert.equal(e.headers.Host, `${e.requestContext.apiId}.execute-api.us-east-1.amazonaws.com`);
    assert.deepEqual(e.multiValueHeaders.Host, [e.headers.Host]);
    assert.match(e.requestContext.requestId, /^[0-9a-f-]{36}$/);
    const defaults = apigatewayAwsProxyEvent();
    assert.deepEqual([defaults.pathParameters, defaults.body, defaults.isBase64Encoded], [{ proxy: 'path/to/resource' }, '{"test":"body"}', false]);
    const binary = apigatewayAwsProxyEvent({ base64: true, body: 'hello' });
    assert.deepEqual([binary.body, binary.isBase64Encoded], [Buffer.from('hello').toString('base64'), true]);
    assert.throws(() => apigatewayAwsProxyEvent({ resource: '/orders/{id}', path: '/users/1' }), /does not match --resource/);
    assert.deepEqual(matchPathTemplate('/a/{b}', '/a/c%20d'), { b: 'c d' });
    assert.equal(matchPathTemplate('/a/{b}', '/a'), undefined);
  });

  it('API Gateway HTTP API (2.0): absent fields left out, comma-joined query values, cookies, route parameters, authorizers', () => {
    const get = apigatewayHttpApiProxyEvent({ method: 'GET', body: '' });
    for (const key of ['body', 'cookies', 'queryStringParameters', 'pathParameters', 'stageVariables']) assert.ok(!(key in get), `no ${key}`);
    assert.ok(!('authorizer' in get.requestContext) && !('authentication' in get.requestContext));
    const e = apigatewayHttpApiProxyEvent({
      'route-key': 'POST /orders/{id}',
      path: '/orders/7',
      'query-string': 'a=1&a=2&b=x%20y',
      cookies: 's=1,t=2',
      stage: 'prod',
      authorizer: 'jwt',
      headers: { 'X-Custom': 'v' },
    });
    assert.equal(e.rawPath, '/prod/orders/7');
    assert.equal(e.requestContext.http.path, '/prod/orders/7');
    assert.deepEqual(e.pathParameters, { id: '7' });
    assert.deepEqual(e.queryStringParameters, { a: '1,2', b: 'x y' });
    assert.deepEqual(e.cookies, ['s=1', 't=2']);
    assert.equal(e.headers['x-custom'], 'v');
    assert.equal(e.headers['content-length'], String(Buffer.byteLength('{"test":"body"}')));
    assert.ok('jwt' in e.requestContext.authorizer!);
    assert.match(e.requestContext.time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.ok(Number.isInteger(e.requestContext.timeEpoch));
    assert.ok('iam' in apigatewayHttpApiProxyEvent({ authorizer: 'iam' }).requestContext.authorizer!);
    assert.match(
      apigatewayHttpApiProxyEvent({ 'client-cert': true }).requestContext.authentication!.clientCert.clientCertPem,
      /^-----BEGIN CERTIFICATE-----\n/,
    );
    assert.throws(() => apigatewayHttpApiProxyEvent({ 'route-key': 'GET /x' }), /does not match --method POST/);
    assert.throws(() => apigatewayHttpApiProxyEvent({ method: 'FETCH' }), /--method: expected one of/);
  });

  it('function URL: $default route and stage, lambda-url domain, anonymous unless AWS_IAM', () => {
    const e = functionUrlRequestEvent({ 'url-id': 'abcdefghijklmnopqrstuvwxyz012345', region: 'eu-west-1' });
    assert.deepEqual([e.routeKey, e.requestContext.routeKey, e.requestContext.stage], ['$default', '$default', '$default']);
    assert.equal(e.requestContext.domainName, 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws');
    assert.equal(e.requestContext.apiId, 'abcdefghijklmnopqrstuvwxyz012345');
    assert.equal(e.requestContext.accountId, 'anonymous');
    assert.ok(!('authorizer' in e.requestContext));
    const iam = functionUrlRequestEvent({ 'auth-type': 'AWS_IAM' });
    assert.equal(iam.requestContext.accountId, '000000000000');
    assert.ok('iam' in iam.requestContext.authorizer! && iam.requestContext.authorizer.iam.userArn === 'arn:aws:iam::000000000000:user/example-user');
  });

  it('EventBridge: version 0, ISO time to the second, custom source, detail-type and detail; schedule rule ARN', () => {
    const e = eventbridgeEvent({ source: 'my.app', 'detail-type': 'Thing Happened', detail: { a: [1] }, time: '2026-05-06T07:08:09.999Z' });
    assert.deepEqual([e.version, e.source, e['detail-type'], e.time, e.account], ['0', 'my.app', 'Thing Happened', '2026-05-06T07:08:09Z', '000000000000']);
    assert.deepEqual(e.detail, { a: [1] });
    assert.throws(() => eventbridgeEvent({ detail: '[1]' }), /--detail: expected a JSON object/);
    const s = scheduledEvent({ rule: 'nightly', region: 'us-west-2' });
    assert.deepEqual(s.resources, ['arn:aws:events:us-west-2:000000000000:rule/nightly']);
    assert.deepEqual([s['detail-type'], s.source, s.detail], ['Scheduled Event', 'aws.events', {}]);
  });

  it('CloudWatch Logs: awslogs.data is gzip + base64 of the subscription payload', () => {
    const data = JSON.parse(
      gunzipSync(Buffer.from(cloudwatchLogsEvent({ 'log-group': '/aws/lambda/x', messages: 'a,b,c' }).awslogs.data, 'base64')).toString('utf8'),
    );
    assert.equal(data.messageType, 'DATA_MESSAGE');
    assert.equal(data.owner, '000000000000');
    assert.equal(data.logGroup, '/aws/lambda/x');
    assert.deepEqual(
      data.logEvents.map((e: { message: string }) => e.message),
      ['a', 'b', 'c'],
    );
    for (const e of data.logEvents) assert.match(e.id, /^\d{56}$/);
  });

  it("unknown options are refused with the list of the type's options", () => {
    assert.throws(
      () => s3PutEvent({ colour: 'red' }),
      (e: Error) => e instanceof EventOptionError && /Unknown option --colour \(options: --region, .*--bucket/.test(e.message),
    );
  });
});
