import { strict as assert } from 'node:assert';
import type {
  APIGatewayEventRequestContext,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  CloudWatchLogsDecodedData,
  CloudWatchLogsEvent,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  KinesisStreamEvent,
  LambdaFunctionURLEvent,
  S3Event,
  S3EventRecord,
  ScheduledEvent,
  SNSEventRecord,
  SNSMessage,
  SQSEvent,
} from 'aws-lambda';
import {
  apigatewayAwsProxyEvent,
  apigatewayHttpApiProxyEvent,
  cloudwatchLogsEvent,
  cloudwatchLogsPayload,
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

// Each generator's output assigned to the matching @types/aws-lambda type: `npx tsc --noEmit -p .`
// (which includes test/) fails if a generator's declared shape drifts from what handlers written
// against @types/aws-lambda expect. Where @types/aws-lambda and AWS's documented events differ, the
// target type is adjusted here, with the reason.

// S3 ObjectRemoved events carry no size or eTag (S3 event message structure docs); @types has one record type for all.
type S3RemovedEvent = {
  Records: (Omit<S3EventRecord, 's3'> & { s3: Omit<S3EventRecord['s3'], 'object'> & { object: Omit<S3EventRecord['s3']['object'], 'size' | 'eTag'> } })[];
};

// SNS gives "Subject": null to messages published without one; @types has `Subject?: string`.
type SnsEventWithNullSubject = { Records: (Omit<SNSEventRecord, 'Sns'> & { Sns: Omit<SNSMessage, 'Subject'> & { Subject: string | null } })[] };

// REST APIs send no requestContext.authorizer when the method has no authorizer; @types requires the key.
type RestEventWithoutAuthorizer = Omit<APIGatewayProxyEvent, 'requestContext'> & { requestContext: Omit<APIGatewayEventRequestContext, 'authorizer'> };

// Function URLs with AWS_IAM: principalOrgId is null for callers outside an organisation (Lambda
// developer guide, function URL request payload); @types has `principalOrgId: string`.
type IamContext = APIGatewayProxyEventV2WithIAMAuthorizer['requestContext']['authorizer']['iam'];
type UrlIamEvent = Omit<APIGatewayProxyEventV2WithIAMAuthorizer, 'requestContext'> & {
  requestContext: Omit<APIGatewayProxyEventV2WithIAMAuthorizer['requestContext'], 'authorizer'> & {
    authorizer: { iam: Omit<IamContext, 'principalOrgId'> & { principalOrgId: string | null } };
  };
};

export function typedSamples() {
  const s3Put: S3Event = s3PutEvent();
  const s3Delete: S3RemovedEvent = s3DeleteEvent();
  const sqs: SQSEvent = sqsReceiveMessageEvent();
  const sqsFifo: SQSEvent = sqsReceiveMessageEvent({ fifo: true });
  const kinesis: KinesisStreamEvent = kinesisGetRecordsEvent();
  const dynamodb: DynamoDBStreamEvent = dynamodbUpdateEvent();
  const sns: SnsEventWithNullSubject = snsNotificationEvent();
  // Every SNS field but the nullable Subject is @types' own.
  const snsOtherwise: Omit<SNSMessage, 'Subject'> = snsNotificationEvent().Records[0].Sns;
  const rest: RestEventWithoutAuthorizer = apigatewayAwsProxyEvent();
  const httpApi: APIGatewayProxyEventV2 = apigatewayHttpApiProxyEvent();
  const jwt = apigatewayHttpApiProxyEvent({ authorizer: 'jwt' });
  const jwtAuthorizer: APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'] | undefined =
    jwt.requestContext.authorizer && 'jwt' in jwt.requestContext.authorizer ? jwt.requestContext.authorizer : undefined;
  const functionUrl: LambdaFunctionURLEvent = functionUrlRequestEvent();
  const urlIam = functionUrlRequestEvent({ 'auth-type': 'AWS_IAM' });
  const urlIamAuthorizer: UrlIamEvent['requestContext']['authorizer'] | undefined =
    urlIam.requestContext.authorizer && 'iam' in urlIam.requestContext.authorizer ? urlIam.requestContext.authorizer : undefined;
  const scheduled: ScheduledEvent = scheduledEvent();
  const custom: EventBridgeEvent<string, unknown> = eventbridgeEvent();
  const logs: CloudWatchLogsEvent = cloudwatchLogsEvent();
  const logsData: CloudWatchLogsDecodedData = cloudwatchLogsPayload();
  return {
    s3Put,
    s3Delete,
    sqs,
    sqsFifo,
    kinesis,
    dynamodb,
    sns,
    snsOtherwise,
    rest,
    httpApi,
    jwtAuthorizer,
    functionUrl,
    urlIamAuthorizer,
    scheduled,
    custom,
    logs,
    logsData,
  };
}

describe('sample events: @types/aws-lambda', () => {
  it("every generator's output is assignable to its @types/aws-lambda type (checked by tsc; here it runs)", () => {
    const samples = typedSamples();
    for (const [name, value] of Object.entries(samples)) assert.ok(value !== undefined, `${name} produced nothing`);
    assert.ok(samples.jwtAuthorizer && samples.urlIamAuthorizer);
  });
});
