import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSampleEvent } from '../../../src/core/events';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';
import { JAR, JAVAC, JAVA_FIXTURES, buildCoreJar, compileJava, createJar, javaFiles } from '../helpers/java';

// The aws-lambda-java-events classes through our Java runtime, as AWS's serializer binds them
// (aws-lambda-java-serialization's LambdaEventSerializers: the mixins' names, SNS's UpperCamelCase,
// DateModule's epoch seconds, DateTimeModule's Joda DateTime, S3EventSerializer's constructors).
// The events are our own generators' (`sam local generate-event`'s shapes); the handlers, compiled
// with javac against test-only copies of the events classes (test/fixtures/java/events/lib) and a
// joda-time stand-in, answer with what they read.

/** A function's code as SAM's Maven build lays it out: the handlers' classes, the libraries as jars in lib/. */
function buildFunction(codeDir: string): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-events-'));
  const lib = path.join(codeDir, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  const coreClasses = path.join(work, 'core');
  const eventsClasses = path.join(work, 'events');
  buildCoreJar(coreClasses, path.join(lib, 'aws-lambda-java-core.jar'));
  compileJava(eventsClasses, javaFiles(path.join(JAVA_FIXTURES, 'events', 'lib')));
  createJar(path.join(lib, 'aws-lambda-java-events.jar'), eventsClasses, ['com']);
  createJar(path.join(lib, 'joda-time.jar'), eventsClasses, ['org']);
  compileJava(codeDir, javaFiles(path.join(JAVA_FIXTURES, 'events', 'handlers')), ['-cp', path.join(lib, '*')]);
  fs.rmSync(work, { recursive: true, force: true });
}

const java = (handler: string) => ({ handler, runtime: 'java17', codeUri: 'fn' });

/** Epoch milliseconds as DateModule computes them from epoch seconds (a double times 1000, truncated). */
const millisOfSeconds = (seconds: number): number => Math.trunc(seconds * 1000);

type Json = any;

describe('Java runtime: aws-lambda-java-events classes (generated events, real javac/java)', function () {
  this.timeout(60000);
  let workbench: Workbench;

  before(async function () {
    if (!JAVAC || !JAR) this.skip(); // no JDK on this machine: nothing to compile
    const dir = writeProject({
      'template.yaml': samTemplate({
        SqsRead: java('eventhandlers.Sqs::read'),
        SqsPartial: java('eventhandlers.Sqs::partial'),
        SqsEcho: java('eventhandlers.Sqs::echo'),
        Sns: java('eventhandlers.Sns'),
        SnsEcho: java('eventhandlers.Sns::echo'),
        RestApi: java('eventhandlers.RestApi'),
        HttpApi: java('eventhandlers.HttpApi'),
        ScheduledRead: java('eventhandlers.Scheduled::read'),
        ScheduledEcho: java('eventhandlers.Scheduled::echo'),
        KinesisRead: java('eventhandlers.Kinesis::read'),
        KinesisEcho: java('eventhandlers.Kinesis::echo'),
        DynamoRead: java('eventhandlers.Dynamo::read'),
        DynamoEcho: java('eventhandlers.Dynamo::echo'),
        S3Read: java('eventhandlers.S3::read'),
        S3Echo: java('eventhandlers.S3::echo'),
      }),
    });
    buildFunction(path.join(dir, 'fn'));
    workbench = await openProject(dir);
  });
  after(() => workbench?.close());

  async function invoke(name: string, event: unknown): Promise<Json> {
    const result = await workbench.invoke(name, JSON.stringify(event));
    assert.equal(result.functionError, undefined, `${name}: ${String(result.payload)}`);
    return json(result.payload);
  }

  it('SQSEvent: "Records", "eventSourceARN", attributes, message attributes with a binary value (ByteBuffer)', async () => {
    const event: Json = generateSampleEvent('sqs', 'receive-message', {
      records: 2,
      body: 'hello java',
      'message-attributes': { Greeting: 'hi', Count: 3, Blob: { dataType: 'Binary', binaryValue: Buffer.from('bytes!').toString('base64') } },
    });
    const m = event.Records[0];
    assert.deepEqual(await invoke('SqsRead', event), {
      records: 2,
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: 'hello java',
      md5OfBody: m.md5OfBody,
      md5OfMessageAttributes: m.md5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceArn: m.eventSourceARN,
      awsRegion: m.awsRegion,
      sentTimestamp: m.attributes.SentTimestamp,
      receiveCount: '1',
      messageAttributes: { Greeting: 'String:hi lists 0/0', Count: 'Number:3 lists 0/0', Blob: 'Binary:bytes bytes! lists 0/0' },
    });
    assert.match(m.eventSourceARN, /^arn:aws:sqs:/);
  });

  it('SQSEvent written back as AWS writes it: "Records", "eventSourceARN", a binary attribute as base64', async () => {
    const event: Json = generateSampleEvent('sqs', 'receive-message', {
      'message-attributes': { Greeting: 'hi', Blob: { dataType: 'Binary', binaryValue: Buffer.from('bytes!').toString('base64') } },
    });
    assert.deepEqual(await invoke('SqsEcho', event), event);
  });

  it('SQSBatchResponse: partial batch failures written as Lambda reads them ({"batchItemFailures":[{"itemIdentifier"}]})', async () => {
    const event: Json = generateSampleEvent('sqs', 'receive-message', { records: 3 });
    event.Records[1].body = 'please fail';
    const result = await workbench.invoke('SqsPartial', JSON.stringify(event));
    assert.equal(String(result.payload), JSON.stringify({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] }));
  });

  it('SNSEvent: UpperCamelCase names, "Sns" into setSns / getSNS, Timestamp as a Joda DateTime, message attributes', async () => {
    const event: Json = generateSampleEvent('sns', 'notification', { subject: 'the subject', message: 'the message' });
    const r = event.Records[0];
    const read = await invoke('Sns', event);
    assert.deepEqual(read, {
      eventSource: 'aws:sns',
      eventVersion: r.EventVersion,
      eventSubscriptionArn: r.EventSubscriptionArn,
      type: 'Notification',
      messageId: r.Sns.MessageId,
      topicArn: r.Sns.TopicArn,
      subject: 'the subject',
      message: 'the message',
      timestampMillis: Date.parse(r.Sns.Timestamp),
      timestamp: r.Sns.Timestamp,
      signatureVersion: r.Sns.SignatureVersion,
      signingCertUrl: r.Sns.SigningCertUrl,
      unsubscribeUrl: r.Sns.UnsubscribeUrl,
      messageAttributes: Object.fromEntries(Object.entries(r.Sns.MessageAttributes as Record<string, Json>).map(([k, v]) => [k, `${v.Type}:${v.Value}`])),
    });
    assert.ok(Object.keys(read.messageAttributes).length > 0);
  });

  it('SNSEvent written back as AWS writes it: "Sns", UpperCamelCase names, the Joda Timestamp printed with milliseconds', async () => {
    const event: Json = generateSampleEvent('sns', 'notification');
    assert.deepEqual(await invoke('SnsEcho', event), event);
    const noSubject: Json = generateSampleEvent('sns', 'notification', { subject: '' });
    assert.equal(noSubject.Records[0].Sns.Subject, null);
    const echoed = await invoke('SnsEcho', noSubject);
    assert.ok(!('Subject' in echoed.Records[0].Sns), 'null properties are left out (NON_NULL)');
  });

  it('APIGatewayProxyRequestEvent in, APIGatewayProxyResponseEvent out (statusCode, headers, multiValueHeaders, isBase64Encoded)', async () => {
    const event: Json = generateSampleEvent('apigateway', 'aws-proxy', { method: 'PUT', querystringparameters: { foo: ['a', 'b'], x: '1' } });
    const c = event.requestContext;
    const response = await invoke('RestApi', event);
    assert.deepEqual(Object.keys(response), ['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
    assert.equal(response.statusCode, 201);
    assert.deepEqual(response.headers, { 'Content-Type': 'text/plain' });
    assert.deepEqual(response.multiValueHeaders, { 'Set-Cookie': ['a=1', 'b=2'] });
    assert.equal(response.isBase64Encoded, false);
    const javaMap = (m: Record<string, unknown> | null) =>
      m === null
        ? 'null'
        : `{${Object.entries(m)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
            .join(', ')}}`;
    assert.deepEqual(String(response.body).split('\n'), [
      'PUT',
      event.path,
      event.resource,
      event.headers.Host,
      `[${event.multiValueHeaders.Accept.join(', ')}]`,
      javaMap(event.queryStringParameters),
      javaMap(event.multiValueQueryStringParameters),
      javaMap(event.pathParameters),
      'null',
      c.stage,
      c.requestId,
      String(c.requestTimeEpoch),
      c.identity.sourceIp,
      c.identity.userAgent,
      'null',
      c.resourcePath,
      c.apiId,
      c.domainName,
      c.protocol,
      'false',
      event.body,
    ]);
  });

  it('APIGatewayV2HTTPEvent in (isBase64Encoded, cookies, the JWT authorizer), APIGatewayV2HTTPResponse out with "isBase64Encoded"', async () => {
    const event: Json = generateSampleEvent('apigateway', 'http-api-proxy', {
      cookies: 'a=1,b=2',
      'query-string': 'a=1&a=2&b=3',
      authorizer: 'jwt',
      scopes: 's1,s2',
      base64: true,
    });
    const c = event.requestContext;
    const response = await invoke('HttpApi', event);
    assert.deepEqual(response, {
      statusCode: 202,
      headers: { 'content-type': 'text/plain' },
      cookies: ['session=abc'],
      body: response.body,
      isBase64Encoded: false,
    });
    assert.deepEqual(String(response.body).split('\n'), [
      '2.0',
      '$default',
      event.rawPath,
      'a=1&a=2&b=3',
      '[a=1, b=2]',
      'application/octet-stream',
      '{a=1,2, b=3}',
      'true',
      Buffer.from(event.body, 'base64').toString('utf8'),
      c.http.method,
      c.http.sourceIp,
      c.http.userAgent,
      c.requestId,
      String(c.timeEpoch),
      c.stage,
      c.apiId,
      '[s1, s2]',
      c.authorizer.jwt.claims.aud,
    ]);
  });

  it('ScheduledEvent: "detail-type" and a Joda time read, and written back as AWS writes the event', async () => {
    const event: Json = generateSampleEvent('eventbridge', 'scheduled-event');
    assert.deepEqual(await invoke('ScheduledRead', event), {
      id: event.id,
      detailType: 'Scheduled Event',
      source: 'aws.events',
      account: event.account,
      region: event.region,
      timeMillis: Date.parse(event.time),
      resources: event.resources,
      detail: {},
    });
    const echoed = await invoke('ScheduledEcho', event);
    // DateTimeModule writes ISODateTimeFormat.dateTime(): milliseconds always, "Z" for UTC
    assert.deepEqual(echoed, { ...event, time: new Date(Date.parse(event.time)).toISOString() });
    assert.ok('detail-type' in echoed);
  });

  it('KinesisEvent: data as a base64 ByteBuffer, approximateArrivalTimestamp as epoch seconds; written back the same way', async () => {
    const event: Json = generateSampleEvent('kinesis', 'get-records', { records: 2, data: 'kinesis data ✓' });
    const read = await invoke('KinesisRead', event);
    assert.deepEqual(
      read,
      (event.Records as Json[]).map((r) => ({
        data: 'kinesis data ✓',
        arrivalMillis: millisOfSeconds(r.kinesis.approximateArrivalTimestamp),
        partitionKey: r.kinesis.partitionKey,
        sequenceNumber: r.kinesis.sequenceNumber,
        kinesisSchemaVersion: '1.0',
        eventID: r.eventID,
        eventName: 'aws:kinesis:record',
        eventSourceARN: r.eventSourceARN,
        invokeIdentityArn: r.invokeIdentityArn,
        awsRegion: r.awsRegion,
      })),
    );
    const echoed = await invoke('KinesisEcho', event);
    assert.equal(echoed.Records.length, 2);
    const k = echoed.Records[0].kinesis;
    assert.equal(k.data, event.Records[0].kinesis.data);
    // DateModule writes a double of seconds: the millisecond it kept, as seconds
    assert.equal(k.approximateArrivalTimestamp, millisOfSeconds(event.Records[0].kinesis.approximateArrivalTimestamp) / 1000);
    assert.equal(echoed.Records[0].eventSourceARN, event.Records[0].eventSourceARN);
  });

  it('DynamodbEvent: capitalised StreamRecord names, every AttributeValue type (S N B SS NS BS M L NULL BOOL), ApproximateCreationDateTime; written back the same way', async () => {
    const event: Json = generateSampleEvent('dynamodb', 'update', {
      item: { Id: 101, Message: 'new', Flag: true, Nothing: null, Nested: { a: 1, b: 'x' }, List: ['x', 2] },
    });
    // Binary and set types, which the generator's plain-JSON items cannot express, added as DynamoDB Streams delivers them
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    Object.assign(event.Records[0].dynamodb.NewImage, {
      Blob: { B: b64('blob') },
      Tags: { SS: ['t1', 't2'] },
      Scores: { NS: ['1', '2.5'] },
      Blobs: { BS: [b64('x'), b64('y')] },
    });
    const read = await invoke('DynamoRead', event);
    assert.deepEqual(
      read.map((r: Json) => [r.eventName, r.eventSourceARN, r.createdMillis, r.sequenceNumber, r.sizeBytes, r.streamViewType, r.keys]),
      (event.Records as Json[]).map((r) => [
        r.eventName,
        r.eventSourceARN,
        r.dynamodb.ApproximateCreationDateTime * 1000,
        r.dynamodb.SequenceNumber,
        r.dynamodb.SizeBytes,
        'NEW_AND_OLD_IMAGES',
        { Id: 'N:101' },
      ]),
    );
    assert.deepEqual(read[0].newImage, {
      Id: 'N:101',
      Message: 'S:new',
      Flag: 'BOOL:true',
      Nothing: 'NULL:true',
      Nested: 'M:{a=N:1, b=S:x}',
      List: 'L:[S:x, N:2]',
      Blob: 'B:blob',
      Tags: 'SS:[t1, t2]',
      Scores: 'NS:[1, 2.5]',
      Blobs: 'BS:[x, y]',
    });
    assert.equal(read[0].oldImage, null);
    assert.equal(read[1].oldImage.Message, 'S:new');
    const echoed = await invoke('DynamoEcho', event);
    const first = echoed.Records[0];
    assert.equal(first.eventSourceARN, event.Records[0].eventSourceARN);
    assert.deepEqual(first.dynamodb.NewImage, event.Records[0].dynamodb.NewImage);
    assert.deepEqual(first.dynamodb.Keys, { Id: { N: '101' } });
    assert.equal(first.dynamodb.ApproximateCreationDateTime, event.Records[0].dynamodb.ApproximateCreationDateTime);
    assert.equal(first.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(first.dynamodb.SizeBytes, event.Records[0].dynamodb.SizeBytes);
  });

  it('S3Event: built through the entities’ constructors (eTag, sequencer, URL-encoded key, Joda eventTime); written back as S3EventSerializer writes it', async () => {
    const event: Json = generateSampleEvent('s3', 'put', { bucket: 'my-bucket', key: 'photos/Happy Face+1.jpg', size: 2048 });
    const r = event.Records[0];
    const o = r.s3.object;
    assert.equal(o.key, 'photos/Happy+Face%2B1.jpg');
    assert.deepEqual(await invoke('S3Read', event), {
      records: 1,
      eventName: 'ObjectCreated:Put',
      eventSource: 'aws:s3',
      eventVersion: r.eventVersion,
      awsRegion: r.awsRegion,
      eventTimeMillis: Date.parse(r.eventTime),
      principalId: r.userIdentity.principalId,
      sourceIPAddress: r.requestParameters.sourceIPAddress,
      xAmzRequestId: r.responseElements['x-amz-request-id'],
      xAmzId2: r.responseElements['x-amz-id-2'],
      s3SchemaVersion: '1.0',
      configurationId: r.s3.configurationId,
      bucket: 'my-bucket',
      bucketArn: 'arn:aws:s3:::my-bucket',
      owner: r.s3.bucket.ownerIdentity.principalId,
      key: o.key,
      urlDecodedKey: 'photos/Happy Face+1.jpg',
      size: 2048,
      eTag: o.eTag,
      versionId: '', // org.json's optString of a missing versionId
      sequencer: o.sequencer,
    });
    const echoed = await invoke('S3Echo', event);
    assert.deepEqual(echoed, {
      Records: [
        {
          ...r,
          eventTime: new Date(Date.parse(r.eventTime)).toISOString(),
          s3: { ...r.s3, object: { ...o, versionId: '', urlDecodedKey: 'photos/Happy Face+1.jpg' } },
        },
      ],
    });
  });

  it('an S3 event without eventTime fails as on AWS (Joda cannot parse "")', async () => {
    const event: Json = generateSampleEvent('s3', 'put');
    delete event.Records[0].eventTime;
    const result = await workbench.invoke('S3Read', JSON.stringify(event));
    assert.equal(result.functionError, 'Unhandled');
    const error = json(result.payload);
    assert.equal(error.errorType, 'java.lang.RuntimeException');
    assert.equal(error.errorMessage, 'An error occurred during JSON parsing');
  });
});
