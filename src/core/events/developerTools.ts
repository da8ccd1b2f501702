import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// Developer-tool events: a CodeCommit trigger (`codecommit repository`), a CodePipeline job
// (`codepipeline job`) and a CloudFormation custom resource request (`cloudformation
// create-request`, and update / delete requests in the same shape). SAM's option names and defaults.

export const CODECOMMIT_REPOSITORY_OPTIONS: readonly OptionSpec[] = [
  option('repository', 'string', 'my-repo', 'repository name'),
  option('trigger', 'string', 'my-trigger', 'trigger name'),
  option('custom-data', 'string', 'this is custom data', "the trigger's custom data"),
  option('ref', 'string', 'refs/heads/main', 'the pushed reference'),
];

export const CODEPIPELINE_JOB_OPTIONS: readonly OptionSpec[] = [
  option('input-bucket', 'string', 'example-bucket', 'bucket of the input artifact'),
  option('input-key', 'string', 'test/key', 'object key of the input artifact'),
  option('output-bucket', 'string', 'example-bucket2', 'bucket of the output artifact'),
  option('output-key', 'string', 'test/key2', 'object key of the output artifact'),
  option('user-parameters', 'string', 'user-parameter-string', "the action's UserParameters"),
  option('function', 'string', 'my-function', "the action's FunctionName"),
];

export const CLOUDFORMATION_REQUEST_OPTIONS: readonly OptionSpec[] = [
  option('stack', 'string', 'MyStack', 'stack name'),
  option('logical-id', 'string', 'MyTestResource', 'logical id of the custom resource'),
  option('resource-type', 'string', 'Custom::TestResource', 'resource type'),
  option('properties', 'json', '{"List":["1","2","3"]}', 'ResourceProperties besides ServiceToken and StackName, JSON object'),
  option('service-token', 'string', undefined, "the handler's ARN (default: a function of the stack)"),
];

/** `codecommit repository`: a repository trigger's event (one pushed reference). */
export function codecommitRepositoryEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(CODECOMMIT_REPOSITORY_OPTIONS, values);
  const triggerId = ctx.random.uuid();
  return {
    Records: [
      {
        awsRegion: ctx.region,
        codecommit: { references: [{ commit: ctx.random.hex(40), ref: ctx.string('ref') }] },
        customData: ctx.string('custom-data'),
        eventId: ctx.random.uuid(),
        eventName: 'TriggerEventTest',
        eventPartNumber: 1,
        eventSource: 'aws:codecommit',
        eventSourceARN: ctx.arn('codecommit', ctx.string('repository')),
        // CodeCommit writes milliseconds and a +0000 offset.
        eventTime: ctx.isoTime().replace('Z', '+0000'),
        eventTotalParts: 1,
        eventTriggerConfigId: triggerId,
        eventTriggerName: ctx.string('trigger'),
        eventVersion: '1.0',
        userIdentityARN: ctx.arn('iam', 'root', { region: '' }),
      },
    ],
  };
}

/** `codepipeline job`: a Lambda invoke action's job, with S3 artifacts and their credentials. */
export function codepipelineJobEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(CODEPIPELINE_JOB_OPTIONS, values);
  const artifact = (name: string, revision: string | null, bucket: string, key: string) => ({
    revision,
    name,
    location: { type: 'S3' as const, s3Location: { objectKey: ctx.string(key), bucketName: ctx.string(bucket) } },
  });
  return {
    'CodePipeline.job': {
      data: {
        artifactCredentials: {
          secretAccessKey: ctx.random.base64(30),
          sessionToken: ctx.random.base64(96),
          accessKeyId: `ASIA${ctx.random.upper(16)}`,
        },
        actionConfiguration: { configuration: { FunctionName: ctx.string('function'), UserParameters: ctx.string('user-parameters') } },
        inputArtifacts: [artifact('input-artifact', ctx.random.hex(40), 'input-bucket', 'input-key')],
        outputArtifacts: [artifact('output-artifact', null, 'output-bucket', 'output-key')],
      },
      id: ctx.random.uuid(),
      accountId: ctx.accountId,
    },
  };
}

interface CloudFormationRequestBase {
  ServiceToken: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  ResourceType: string;
  LogicalResourceId: string;
  ResourceProperties: { ServiceToken: string; [name: string]: unknown };
}

/** What every request has; `physical` names the resource CloudFormation created (Update, Delete). */
function cloudformationBase(values: EventOptionValues): CloudFormationRequestBase & { physical: string } {
  const ctx = resolveOptions(CLOUDFORMATION_REQUEST_OPTIONS, values);
  const stack = ctx.string('stack');
  const extra = ctx.json('properties');
  if (extra !== undefined && (!extra || typeof extra !== 'object' || Array.isArray(extra))) throw new EventOptionError('--properties: expected a JSON object');
  const serviceToken = ctx.optionalString('service-token') ?? ctx.arn('lambda', `function:${stack}-CustomResourceHandler`);
  const requestId = ctx.random.uuid();
  const stackId = ctx.arn('cloudformation', `stack/${stack}/${ctx.random.uuid()}`);
  const logicalId = ctx.string('logical-id');
  return {
    // CloudFormation sends the handler's ARN at the top and in the properties (SAM's template has neither).
    ServiceToken: serviceToken,
    ResponseURL: `https://cloudformation-custom-resource-response-${ctx.region.replace(/-/g, '')}.s3.${ctx.region}.amazonaws.com/${encodeURIComponent(stackId)}%7C${logicalId}%7C${requestId}?X-Amz-Expires=7200`,
    StackId: stackId,
    RequestId: requestId,
    ResourceType: ctx.string('resource-type'),
    LogicalResourceId: logicalId,
    ResourceProperties: { ServiceToken: serviceToken, StackName: stack, ...(extra as object | undefined) },
    physical: `${stack}-${logicalId}-${ctx.random.upper(12)}`,
  };
}

/** `cloudformation create-request` */
export function cloudformationCreateRequestEvent(values: EventOptionValues = {}) {
  const { physical: _physical, ...base } = cloudformationBase(values);
  return { RequestType: 'Create' as const, ...base };
}

/** `cloudformation update-request` (not in SAM: the create request's shape, with the physical id and the old properties) */
export function cloudformationUpdateRequestEvent(values: EventOptionValues = {}) {
  const { physical, ...base } = cloudformationBase(values);
  return { RequestType: 'Update' as const, ...base, PhysicalResourceId: physical, OldResourceProperties: base.ResourceProperties };
}

/** `cloudformation delete-request` (not in SAM: the create request's shape, with the physical id) */
export function cloudformationDeleteRequestEvent(values: EventOptionValues = {}) {
  const { physical, ...base } = cloudformationBase(values);
  return { RequestType: 'Delete' as const, ...base, PhysicalResourceId: physical };
}
