import { albRequestEvent, ALB_REQUEST_OPTIONS } from './alb';
import {
  alexaEndSessionEvent,
  alexaIntentAnswerEvent,
  alexaIntentGetNewFactEvent,
  alexaIntentMyColorIsEvent,
  alexaIntentRecipeEvent,
  alexaSmartHomeDiscoveryEvent,
  alexaSmartHomeTurnOffEvent,
  alexaSmartHomeTurnOnEvent,
  alexaStartSessionEvent,
  ALEXA_SKILLS_KIT_OPTIONS,
  ALEXA_SMART_HOME_OPTIONS,
} from './alexa';
import {
  apigatewayRequestAuthorizerEvent,
  apigatewayTokenAuthorizerEvent,
  APIGATEWAY_AUTHORIZER_OPTIONS,
  APIGATEWAY_REQUEST_AUTHORIZER_OPTIONS,
} from './apigatewayAuthorizers';
import { configItemChangeEvent, configOversizedItemChangeEvent, configPeriodicRuleEvent, CONFIG_RULE_OPTIONS } from './awsConfig';
import {
  cloudFrontAbTestEvent,
  cloudFrontAccessRequestInResponseEvent,
  cloudFrontHttpRedirectEvent,
  cloudFrontModifyQueryStringEvent,
  cloudFrontModifyResponseHeaderEvent,
  cloudFrontMultipleRemoteCallsEvent,
  cloudFrontNormalizeQueryStringEvent,
  cloudFrontRedirectOnViewerCountryEvent,
  cloudFrontRedirectUnauthenticatedEvent,
  cloudFrontResponseGenerationEvent,
  cloudFrontServeObjectOnViewerDeviceEvent,
  cloudFrontSimpleRemoteCallEvent,
  CLOUDFRONT_FORECAST_OPTIONS,
  CLOUDFRONT_REQUEST_OPTIONS,
  CLOUDFRONT_RESPONSE_OPTIONS,
} from './cloudfront';
import {
  cognitoCreateAuthChallengeEvent,
  cognitoCustomMessageEvent,
  cognitoDefineAuthChallengeEvent,
  cognitoPostAuthenticationEvent,
  cognitoPostConfirmationEvent,
  cognitoPreAuthenticationEvent,
  cognitoPreSignUpEvent,
  cognitoPreTokenGenerationEvent,
  cognitoUserMigrationEvent,
  cognitoVerifyAuthChallengeEvent,
  COGNITO_CREATE_AUTH_CHALLENGE_OPTIONS,
  COGNITO_CUSTOM_MESSAGE_OPTIONS,
  COGNITO_DEFINE_AUTH_CHALLENGE_OPTIONS,
  COGNITO_POST_AUTHENTICATION_OPTIONS,
  COGNITO_POST_CONFIRMATION_OPTIONS,
  COGNITO_PRE_AUTHENTICATION_OPTIONS,
  COGNITO_PRE_SIGN_UP_OPTIONS,
  COGNITO_PRE_TOKEN_GENERATION_OPTIONS,
  COGNITO_USER_MIGRATION_OPTIONS,
  COGNITO_VERIFY_AUTH_CHALLENGE_OPTIONS,
} from './cognitoUserPool';
import { cognitoSyncTriggerEvent, COGNITO_SYNC_TRIGGER_OPTIONS, connectContactFlowEvent, CONNECT_CONTACT_FLOW_OPTIONS } from './contactCenter';
import {
  cloudformationCreateRequestEvent,
  cloudformationDeleteRequestEvent,
  cloudformationUpdateRequestEvent,
  CLOUDFORMATION_REQUEST_OPTIONS,
  codecommitRepositoryEvent,
  CODECOMMIT_REPOSITORY_OPTIONS,
  codepipelineJobEvent,
  CODEPIPELINE_JOB_OPTIONS,
} from './developerTools';
import {
  kinesisFirehoseApacheLogEvent,
  kinesisFirehoseCloudwatchLogsEvent,
  kinesisFirehoseEvent,
  kinesisFirehoseStreamsAsSourceEvent,
  kinesisFirehoseSyslogEvent,
  KINESIS_FIREHOSE_APACHELOG_OPTIONS,
  KINESIS_FIREHOSE_CLOUDWATCH_LOGS_OPTIONS,
  KINESIS_FIREHOSE_OPTIONS,
  KINESIS_FIREHOSE_STREAMS_AS_SOURCE_OPTIONS,
  KINESIS_FIREHOSE_SYSLOG_OPTIONS,
} from './firehose';
import {
  kinesisAnalyticsCompressedEvent,
  kinesisAnalyticsDynamodbEvent,
  kinesisAnalyticsEvent,
  kinesisAnalyticsKplEvent,
  KINESIS_ANALYTICS_COMPRESSED_OPTIONS,
  KINESIS_ANALYTICS_DYNAMODB_OPTIONS,
  KINESIS_ANALYTICS_KPL_OPTIONS,
  KINESIS_ANALYTICS_OPTIONS,
} from './kinesisAnalytics';
import {
  lexBookCarEvent,
  lexBookHotelEvent,
  lexMakeAppointmentEvent,
  lexOrderFlowersEvent,
  lexV2BankingBotEvent,
  lexV2BookCarEvent,
  lexV2BookHotelEvent,
  LEX_V1_OPTIONS,
  LEX_V2_OPTIONS,
} from './lex';
import { sesEmailReceivingEvent, SES_EMAIL_RECEIVING_OPTIONS, workmailEmailEvent, WORKMAIL_EMAIL_OPTIONS } from './mail';
import { s3BatchInvocationEvent, S3_BATCH_INVOCATION_OPTIONS } from './s3Batch';
import {
  sagemakerAnnotationConsolidationEvent,
  sagemakerPreHumanEvent,
  SAGEMAKER_ANNOTATION_CONSOLIDATION_OPTIONS,
  SAGEMAKER_PRE_HUMAN_OPTIONS,
} from './sagemaker';
import {
  appsyncResolverEvent,
  APPSYNC_RESOLVER_OPTIONS,
  batchGetJobEvent,
  batchSubmitJobEvent,
  BATCH_GET_JOB_OPTIONS,
  BATCH_SUBMIT_JOB_OPTIONS,
  stepfunctionsErrorEvent,
  STEPFUNCTIONS_ERROR_OPTIONS,
} from './workflow';
import { apigatewayAwsProxyEvent, apigatewayHttpApiProxyEvent, APIGATEWAY_AWS_PROXY_OPTIONS, APIGATEWAY_HTTP_API_PROXY_OPTIONS } from './apigateway';
import { cloudwatchLogsEvent, CLOUDWATCH_LOGS_OPTIONS } from './cloudwatchLogs';
import { COMMON_OPTIONS, EventOptionError, type EventOptionValues, type OptionSpec } from './common';
import { dynamodbUpdateEvent, DYNAMODB_UPDATE_OPTIONS } from './dynamodb';
import { eventbridgeEvent, EVENTBRIDGE_EVENT_OPTIONS, scheduledEvent, SCHEDULED_EVENT_OPTIONS } from './eventbridge';
import { functionUrlRequestEvent, FUNCTION_URL_REQUEST_OPTIONS } from './functionUrl';
import { kinesisGetRecordsEvent, KINESIS_GET_RECORDS_OPTIONS } from './kinesis';
import { s3DeleteEvent, s3PutEvent, S3_DELETE_OPTIONS, S3_PUT_OPTIONS } from './s3';
import { snsNotificationEvent, SNS_NOTIFICATION_OPTIONS } from './sns';
import { sqsReceiveMessageEvent, SQS_RECEIVE_MESSAGE_OPTIONS } from './sqs';

// The registry of sample events: service → type → generator, with the names of
// `sam local generate-event` where SAM CLI has the event (and its option names where it has them).

export interface SampleEventType {
  description: string;
  /** The type's own options; COMMON_OPTIONS apply to every type too. */
  options: readonly OptionSpec[];
  generate(options?: EventOptionValues): unknown;
}

/** A catalog entry. */
function type(description: string, options: readonly OptionSpec[], generate: (options?: EventOptionValues) => unknown): SampleEventType {
  return { description, options, generate };
}

// Services alphabetically, except apigateway first and sqs last: the order listings and messages
// had before SAM's other services came (the CLI tests pin it).
export const CATALOG: Readonly<Record<string, Readonly<Record<string, SampleEventType>>>> = {
  apigateway: {
    'aws-proxy': type('API Gateway REST API request, Lambda proxy integration (payload 1.0)', APIGATEWAY_AWS_PROXY_OPTIONS, apigatewayAwsProxyEvent),
    'http-api-proxy': type('API Gateway HTTP API request (payload 2.0)', APIGATEWAY_HTTP_API_PROXY_OPTIONS, apigatewayHttpApiProxyEvent),
    authorizer: type('API Gateway REST API TOKEN authorizer input', APIGATEWAY_AUTHORIZER_OPTIONS, apigatewayTokenAuthorizerEvent),
    'request-authorizer': type('API Gateway REST API REQUEST authorizer input', APIGATEWAY_REQUEST_AUTHORIZER_OPTIONS, apigatewayRequestAuthorizerEvent),
  },
  alb: {
    request: type('Application Load Balancer request to a Lambda target', ALB_REQUEST_OPTIONS, albRequestEvent),
  },
  'alexa-skills-kit': {
    'end-session': type('Alexa skill request: the session ended (SessionEndedRequest)', ALEXA_SKILLS_KIT_OPTIONS, alexaEndSessionEvent),
    'intent-answer': type('Alexa skill request: AnswerIntent of a trivia game, with session attributes', ALEXA_SKILLS_KIT_OPTIONS, alexaIntentAnswerEvent),
    'intent-getnewfact': type('Alexa skill request: GetNewFactIntent (no slots)', ALEXA_SKILLS_KIT_OPTIONS, alexaIntentGetNewFactEvent),
    'intent-mycoloris': type('Alexa skill request: MyColorIsIntent (a Color slot)', ALEXA_SKILLS_KIT_OPTIONS, alexaIntentMyColorIsEvent),
    'intent-recipe': type('Alexa skill request: RecipeIntent (an Item slot)', ALEXA_SKILLS_KIT_OPTIONS, alexaIntentRecipeEvent),
    'start-session': type('Alexa skill request: the skill is launched (LaunchRequest)', ALEXA_SKILLS_KIT_OPTIONS, alexaStartSessionEvent),
  },
  'alexa-smart-home': {
    'smart-home-control-turn-off-request': type('Alexa Smart Home v2 TurnOffRequest directive', ALEXA_SMART_HOME_OPTIONS, alexaSmartHomeTurnOffEvent),
    'smart-home-control-turn-on-request': type('Alexa Smart Home v2 TurnOnRequest directive', ALEXA_SMART_HOME_OPTIONS, alexaSmartHomeTurnOnEvent),
    'smart-home-discovery-request': type('Alexa Smart Home v2 DiscoverAppliancesRequest', ALEXA_SMART_HOME_OPTIONS, alexaSmartHomeDiscoveryEvent),
  },
  appsync: {
    resolver: type('AppSync direct Lambda resolver context (Cognito user pool caller)', APPSYNC_RESOLVER_OPTIONS, appsyncResolverEvent),
  },
  batch: {
    'get-job': type("SAM's batch get-job payload (job name, queue, definition)", BATCH_GET_JOB_OPTIONS, batchGetJobEvent),
    'submit-job': type("SAM's batch submit-job payload (a job id)", BATCH_SUBMIT_JOB_OPTIONS, batchSubmitJobEvent),
  },
  cloudformation: {
    'create-request': type('CloudFormation custom resource Create request', CLOUDFORMATION_REQUEST_OPTIONS, cloudformationCreateRequestEvent),
    'update-request': type('CloudFormation custom resource Update request (not in SAM)', CLOUDFORMATION_REQUEST_OPTIONS, cloudformationUpdateRequestEvent),
    'delete-request': type('CloudFormation custom resource Delete request (not in SAM)', CLOUDFORMATION_REQUEST_OPTIONS, cloudformationDeleteRequestEvent),
  },
  cloudfront: {
    'ab-test': type('Lambda@Edge viewer request with an experiment cookie', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontAbTestEvent),
    'access-request-in-response': type('Lambda@Edge origin response, with its request', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontAccessRequestInResponseEvent),
    'http-redirect': type('Lambda@Edge viewer request to redirect', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontHttpRedirectEvent),
    'modify-querystring': type('Lambda@Edge viewer request with a query string', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontModifyQueryStringEvent),
    'modify-response-header': type('Lambda@Edge origin response (no request)', CLOUDFRONT_RESPONSE_OPTIONS, cloudFrontModifyResponseHeaderEvent),
    'multiple-remote-calls-aggregate-response': type(
      'Lambda@Edge viewer request naming cities to aggregate',
      CLOUDFRONT_FORECAST_OPTIONS,
      cloudFrontMultipleRemoteCallsEvent,
    ),
    'normalize-querystring-to-improve-cache-hit': type(
      'Lambda@Edge viewer request with a query string to normalize',
      CLOUDFRONT_REQUEST_OPTIONS,
      cloudFrontNormalizeQueryStringEvent,
    ),
    'redirect-on-viewer-country': type(
      'Lambda@Edge request with CloudFront-Viewer-Country',
      CLOUDFRONT_REQUEST_OPTIONS,
      cloudFrontRedirectOnViewerCountryEvent,
    ),
    'redirect-unauthenticated-users': type('Lambda@Edge request without credentials', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontRedirectUnauthenticatedEvent),
    'response-generation': type('Lambda@Edge viewer request answered by the function', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontResponseGenerationEvent),
    'serve-object-on-viewer-device': type(
      'Lambda@Edge request with the device-type headers',
      CLOUDFRONT_REQUEST_OPTIONS,
      cloudFrontServeObjectOnViewerDeviceEvent,
    ),
    'simple-remote-call': type('Lambda@Edge viewer request', CLOUDFRONT_REQUEST_OPTIONS, cloudFrontSimpleRemoteCallEvent),
  },
  cloudwatch: {
    'scheduled-event': type('EventBridge (CloudWatch Events) schedule rule event', SCHEDULED_EVENT_OPTIONS, scheduledEvent),
    logs: type('CloudWatch Logs subscription filter delivery (gzip + base64)', CLOUDWATCH_LOGS_OPTIONS, cloudwatchLogsEvent),
  },
  codecommit: {
    repository: type('CodeCommit repository trigger (a pushed reference)', CODECOMMIT_REPOSITORY_OPTIONS, codecommitRepositoryEvent),
  },
  codepipeline: {
    job: type('CodePipeline Lambda invoke action job (S3 artifacts)', CODEPIPELINE_JOB_OPTIONS, codepipelineJobEvent),
  },
  cognito: {
    'sync-trigger': type('Cognito Sync trigger (dataset records changed)', COGNITO_SYNC_TRIGGER_OPTIONS, cognitoSyncTriggerEvent),
    // User pool triggers: not in SAM CLI; the names are ours.
    'pre-sign-up': type('Cognito user pool trigger: pre sign-up (not in SAM)', COGNITO_PRE_SIGN_UP_OPTIONS, cognitoPreSignUpEvent),
    'post-confirmation': type('Cognito user pool trigger: post confirmation (not in SAM)', COGNITO_POST_CONFIRMATION_OPTIONS, cognitoPostConfirmationEvent),
    'pre-authentication': type('Cognito user pool trigger: pre authentication (not in SAM)', COGNITO_PRE_AUTHENTICATION_OPTIONS, cognitoPreAuthenticationEvent),
    'post-authentication': type(
      'Cognito user pool trigger: post authentication (not in SAM)',
      COGNITO_POST_AUTHENTICATION_OPTIONS,
      cognitoPostAuthenticationEvent,
    ),
    'pre-token-generation': type(
      'Cognito user pool trigger: pre token generation, v1 (not in SAM)',
      COGNITO_PRE_TOKEN_GENERATION_OPTIONS,
      cognitoPreTokenGenerationEvent,
    ),
    'custom-message': type('Cognito user pool trigger: custom message (not in SAM)', COGNITO_CUSTOM_MESSAGE_OPTIONS, cognitoCustomMessageEvent),
    'define-auth-challenge': type(
      'Cognito user pool trigger: define auth challenge (not in SAM)',
      COGNITO_DEFINE_AUTH_CHALLENGE_OPTIONS,
      cognitoDefineAuthChallengeEvent,
    ),
    'create-auth-challenge': type(
      'Cognito user pool trigger: create auth challenge (not in SAM)',
      COGNITO_CREATE_AUTH_CHALLENGE_OPTIONS,
      cognitoCreateAuthChallengeEvent,
    ),
    'verify-auth-challenge-response': type(
      'Cognito user pool trigger: verify auth challenge response (not in SAM)',
      COGNITO_VERIFY_AUTH_CHALLENGE_OPTIONS,
      cognitoVerifyAuthChallengeEvent,
    ),
    'user-migration': type('Cognito user pool trigger: user migration (not in SAM)', COGNITO_USER_MIGRATION_OPTIONS, cognitoUserMigrationEvent),
  },
  config: {
    'item-change-notification': type('AWS Config rule: configuration item changed', CONFIG_RULE_OPTIONS, configItemChangeEvent),
    'oversized-item-change-notification': type('AWS Config rule: oversized configuration item changed', CONFIG_RULE_OPTIONS, configOversizedItemChangeEvent),
    'periodic-rule': type('AWS Config rule: periodic evaluation', CONFIG_RULE_OPTIONS, configPeriodicRuleEvent),
  },
  connect: {
    'contact-flow-event': type('Amazon Connect contact flow invocation (voice contact)', CONNECT_CONTACT_FLOW_OPTIONS, connectContactFlowEvent),
  },
  dynamodb: {
    update: type('DynamoDB Streams records (INSERT, MODIFY, REMOVE; NEW_AND_OLD_IMAGES)', DYNAMODB_UPDATE_OPTIONS, dynamodbUpdateEvent),
  },
  eventbridge: {
    event: type('EventBridge event matched by a rule (custom source, detail-type and detail)', EVENTBRIDGE_EVENT_OPTIONS, eventbridgeEvent),
    'scheduled-event': type('EventBridge schedule rule event (as cloudwatch scheduled-event)', SCHEDULED_EVENT_OPTIONS, scheduledEvent),
  },
  kinesis: {
    'get-records': type('Kinesis Data Streams records (base64 data)', KINESIS_GET_RECORDS_OPTIONS, kinesisGetRecordsEvent),
    'kinesis-firehose': type('Kinesis Data Firehose data transformation records', KINESIS_FIREHOSE_OPTIONS, kinesisFirehoseEvent),
    analytics: type('Kinesis Data Analytics preprocessing records', KINESIS_ANALYTICS_OPTIONS, kinesisAnalyticsEvent),
    'analytics-compressed': type('Kinesis Data Analytics records, gzip-compressed JSON', KINESIS_ANALYTICS_COMPRESSED_OPTIONS, kinesisAnalyticsCompressedEvent),
    'analytics-dynamodb': type('Kinesis Data Analytics output row (to DynamoDB)', KINESIS_ANALYTICS_DYNAMODB_OPTIONS, kinesisAnalyticsDynamodbEvent),
    'analytics-kpl': type('Kinesis Data Analytics KPL-aggregated records', KINESIS_ANALYTICS_KPL_OPTIONS, kinesisAnalyticsKplEvent),
    apachelog: type('Kinesis Data Firehose records of Apache log lines', KINESIS_FIREHOSE_APACHELOG_OPTIONS, kinesisFirehoseApacheLogEvent),
    'cloudwatch-logs-processor': type(
      'Kinesis Data Firehose records of CloudWatch Logs (gzip)',
      KINESIS_FIREHOSE_CLOUDWATCH_LOGS_OPTIONS,
      kinesisFirehoseCloudwatchLogsEvent,
    ),
    'streams-as-source': type(
      'Kinesis Data Firehose records read from a Kinesis stream',
      KINESIS_FIREHOSE_STREAMS_AS_SOURCE_OPTIONS,
      kinesisFirehoseStreamsAsSourceEvent,
    ),
    syslog: type('Kinesis Data Firehose records of syslog lines', KINESIS_FIREHOSE_SYSLOG_OPTIONS, kinesisFirehoseSyslogEvent),
  },
  lambda: {
    'function-url': type('Lambda function URL request (payload 2.0)', FUNCTION_URL_REQUEST_OPTIONS, functionUrlRequestEvent),
  },
  lex: {
    'book-car': type('Lex V1 code hook: BookTrip bot, BookCar intent', LEX_V1_OPTIONS, lexBookCarEvent),
    'book-hotel': type('Lex V1 code hook: BookTrip bot, BookHotel intent', LEX_V1_OPTIONS, lexBookHotelEvent),
    'make-appointment': type('Lex V1 code hook: MakeAppointment bot', LEX_V1_OPTIONS, lexMakeAppointmentEvent),
    'order-flowers': type('Lex V1 code hook: OrderFlowers bot', LEX_V1_OPTIONS, lexOrderFlowersEvent),
  },
  'lex-v2': {
    'banking-bot': type('Lex V2 fulfillment code hook: BankingBot, CheckBalance', LEX_V2_OPTIONS, lexV2BankingBotEvent),
    'book-car': type('Lex V2 dialog code hook: BookTrip bot, BookCar', LEX_V2_OPTIONS, lexV2BookCarEvent),
    'book-hotel': type('Lex V2 dialog code hook: BookTrip bot, BookHotel', LEX_V2_OPTIONS, lexV2BookHotelEvent),
  },
  rekognition: {
    's3-request': type('S3 ObjectCreated:Put notification of an image to analyse', S3_PUT_OPTIONS, s3PutEvent),
  },
  s3: {
    put: type('S3 ObjectCreated:Put notification', S3_PUT_OPTIONS, s3PutEvent),
    delete: type('S3 ObjectRemoved:Delete notification', S3_DELETE_OPTIONS, s3DeleteEvent),
    'batch-invocation': type('S3 Batch Operations Invoke AWS Lambda task (schema 1.0)', S3_BATCH_INVOCATION_OPTIONS, s3BatchInvocationEvent),
  },
  sagemaker: {
    'ground-truth-pre-human': type('SageMaker Ground Truth pre-annotation function input', SAGEMAKER_PRE_HUMAN_OPTIONS, sagemakerPreHumanEvent),
    'ground-truth-annotation-consolidation': type(
      'SageMaker Ground Truth annotation consolidation input',
      SAGEMAKER_ANNOTATION_CONSOLIDATION_OPTIONS,
      sagemakerAnnotationConsolidationEvent,
    ),
  },
  ses: {
    'email-receiving': type('SES email receiving, Lambda receipt rule action', SES_EMAIL_RECEIVING_OPTIONS, sesEmailReceivingEvent),
  },
  sns: {
    notification: type('SNS topic notification', SNS_NOTIFICATION_OPTIONS, snsNotificationEvent),
  },
  stepfunctions: {
    error: type('Step Functions state error (Error, Cause), as a Catch passes it', STEPFUNCTIONS_ERROR_OPTIONS, stepfunctionsErrorEvent),
  },
  workmail: {
    email: type('WorkMail message flow rule event', WORKMAIL_EMAIL_OPTIONS, workmailEmailEvent),
  },
  sqs: {
    'receive-message': type('SQS batch (standard or FIFO queue)', SQS_RECEIVE_MESSAGE_OPTIONS, sqsReceiveMessageEvent),
  },
};

export function services(): string[] {
  return Object.keys(CATALOG);
}

/** The type, or an EventOptionError naming what exists. */
export function lookupSampleEvent(service: string, type: string | undefined): SampleEventType {
  const types = CATALOG[service];
  if (!types) throw new EventOptionError(`Unknown service "${service}" (services: ${services().join(', ')})`);
  if (type === undefined) throw new EventOptionError(`Give an event type for ${service} (${Object.keys(types).join(', ')})`);
  const entry = types[type];
  if (!entry) throw new EventOptionError(`Unknown ${service} event type "${type}" (types: ${Object.keys(types).join(', ')})`);
  return entry;
}

/** Every option a type takes: its own, then the common ones. */
export function allOptions(entry: SampleEventType): OptionSpec[] {
  return [...entry.options, ...COMMON_OPTIONS];
}

/** `service/type` (as `invoke --sample` takes it) or `service type`, generated with default options. */
export function generateSampleEvent(service: string, type: string, options: EventOptionValues = {}): unknown {
  return lookupSampleEvent(service, type).generate(options);
}
