import { strict as assert } from 'node:assert';
import type {
  ALBEvent,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
  AppSyncResolverEvent,
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
  CloudFrontRequestEvent,
  CloudFrontResponseEvent,
  CodeCommitTriggerEvent,
  CodePipelineEvent,
  ConnectContactFlowEvent,
  FirehoseTransformationEvent,
  LexEvent,
  LexV2Event,
  S3BatchEvent,
  S3Event,
  SESEvent,
} from 'aws-lambda';
import {
  albRequestEvent,
  apigatewayRequestAuthorizerEvent,
  apigatewayTokenAuthorizerEvent,
  appsyncResolverEvent,
  cloudformationCreateRequestEvent,
  cloudformationDeleteRequestEvent,
  cloudformationUpdateRequestEvent,
  cloudFrontAccessRequestInResponseEvent,
  cloudFrontModifyQueryStringEvent,
  cloudFrontModifyResponseHeaderEvent,
  codecommitRepositoryEvent,
  codepipelineJobEvent,
  connectContactFlowEvent,
  generateSampleEvent,
  kinesisFirehoseCloudwatchLogsEvent,
  kinesisFirehoseEvent,
  kinesisFirehoseStreamsAsSourceEvent,
  lexBookCarEvent,
  lexV2BankingBotEvent,
  lexV2BookHotelEvent,
  s3BatchInvocationEvent,
  sesEmailReceivingEvent,
} from '../../../src/core/events';

// The SAM types' generators assigned to their @types/aws-lambda types, as awsTypes.test.ts does for
// the first ones: `npx tsc --noEmit -p .` fails when a generator's shape drifts from what handlers
// typed with @types/aws-lambda expect. Differences are adjusted here with the reason.

// A REQUEST authorizer's requestContext has no authorizer (it is the authorizer); @types requires the key.
type RequestAuthorizerEvent = Omit<APIGatewayRequestAuthorizerEvent, 'requestContext'> & {
  requestContext: Omit<APIGatewayRequestAuthorizerEvent['requestContext'], 'authorizer'>;
};

// Fulfillment code hooks get no proposedNextState (Lex V2 developer guide, input event format); @types requires it.
type LexV2AnyHookEvent = Omit<LexV2Event, 'proposedNextState'> & { proposedNextState?: LexV2Event['proposedNextState'] };

// An origin response trigger of a cache behaviour that only changes headers: @types has no record type without the request.
type EdgeResponseWithoutRequest = { Records: { cf: Omit<CloudFrontResponseEvent['Records'][number]['cf'], 'request'> }[] };
export function typedSamTypes() {
  const alb: ALBEvent = albRequestEvent();
  const token: APIGatewayTokenAuthorizerEvent = apigatewayTokenAuthorizerEvent();
  const request: RequestAuthorizerEvent = apigatewayRequestAuthorizerEvent();
  const appsync: AppSyncResolverEvent<Record<string, unknown>> = appsyncResolverEvent();
  const cfnCreate: CloudFormationCustomResourceCreateEvent = cloudformationCreateRequestEvent();
  const cfnUpdate: CloudFormationCustomResourceUpdateEvent = cloudformationUpdateRequestEvent();
  const cfnDelete: CloudFormationCustomResourceDeleteEvent = cloudformationDeleteRequestEvent();
  const edgeRequest: CloudFrontRequestEvent = cloudFrontModifyQueryStringEvent();
  const edgeResponse: CloudFrontResponseEvent = cloudFrontAccessRequestInResponseEvent();
  const edgeResponseOnly: EdgeResponseWithoutRequest = cloudFrontModifyResponseHeaderEvent();
  const codecommit: CodeCommitTriggerEvent = codecommitRepositoryEvent();
  const codepipeline: CodePipelineEvent = codepipelineJobEvent();
  const connect: ConnectContactFlowEvent = connectContactFlowEvent();
  const firehose: FirehoseTransformationEvent = kinesisFirehoseEvent();
  const firehoseFromStream: FirehoseTransformationEvent = kinesisFirehoseStreamsAsSourceEvent();
  const firehoseLogs: FirehoseTransformationEvent = kinesisFirehoseCloudwatchLogsEvent();
  const lex: LexEvent = lexBookCarEvent();
  const lexV2: LexV2AnyHookEvent = lexV2BankingBotEvent();
  const lexV2Dialog: LexV2AnyHookEvent = lexV2BookHotelEvent();
  const s3Batch: S3BatchEvent = s3BatchInvocationEvent();
  const ses: SESEvent = sesEmailReceivingEvent();
  return {
    alb,
    token,
    request,
    appsync,
    cfnCreate,
    cfnUpdate,
    cfnDelete,
    edgeRequest,
    edgeResponse,
    edgeResponseOnly,
    codecommit,
    codepipeline,
    connect,
    firehose,
    firehoseFromStream,
    firehoseLogs,
    lex,
    lexV2,
    lexV2Dialog,
    s3Batch,
    ses,
  };
}

describe('sample events: the SAM types against @types/aws-lambda', () => {
  it("each generator's output is assignable to its @types/aws-lambda type (checked by tsc; here it runs)", () => {
    for (const [name, value] of Object.entries(typedSamTypes())) assert.ok(value !== undefined, `${name} produced nothing`);
    // rekognition s3-request is the S3 put notification.
    const rekognition = generateSampleEvent('rekognition', 's3-request') as S3Event;
    assert.equal(rekognition.Records[0].eventName, 'ObjectCreated:Put');
  });
});
