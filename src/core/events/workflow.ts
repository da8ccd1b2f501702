import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// Payloads that orchestrators pass to a function: Step Functions' error output (`stepfunctions
// error`), the AWS Batch request shapes SAM offers (`batch get-job`, `batch submit-job`) and an
// AppSync direct Lambda resolver's context (`appsync resolver`). SAM's option names and defaults.

export const STEPFUNCTIONS_ERROR_OPTIONS: readonly OptionSpec[] = [
  option('error', 'string', 'ErrorName', 'error name'),
  option('cause', 'string', 'This is the cause of the error.', 'error cause'),
];

export const BATCH_GET_JOB_OPTIONS: readonly OptionSpec[] = [
  option('job-name', 'string', 'hello_world', 'job name'),
  option('job-queue', 'string', 'default', 'job queue'),
  option('job-definition', 'string', 'hello_world', 'job definition'),
];

export const BATCH_SUBMIT_JOB_OPTIONS: readonly OptionSpec[] = [option('job-id', 'string', undefined, 'job id (default: generated)')];

export const APPSYNC_RESOLVER_OPTIONS: readonly OptionSpec[] = [
  option('field-name', 'string', 'createSomething', 'the field resolved (info.fieldName)'),
  option('parent-type', 'string', 'Mutation', 'its parent type (info.parentTypeName)'),
  option('arguments', 'json', '{"id":"my identifier"}', 'field arguments, JSON object'),
  option('selection', 'list', 'id,field1,field2', 'selected fields, comma-separated'),
  option('username', 'string', 'jdoe', 'Cognito user name of the caller'),
  option('source-ip', 'string', '198.51.100.7', 'client IP address'),
];

/** `stepfunctions error`: a state's error, as a Catch passes it on. */
export function stepfunctionsErrorEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(STEPFUNCTIONS_ERROR_OPTIONS, values);
  return { Error: ctx.string('error'), Cause: ctx.string('cause') };
}

/** `batch get-job`: SAM's name; the event holds a job's name, queue and definition. */
export function batchGetJobEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(BATCH_GET_JOB_OPTIONS, values);
  return { jobName: ctx.string('job-name'), jobQueue: ctx.string('job-queue'), jobDefinition: ctx.string('job-definition') };
}

/** `batch submit-job`: SAM's name; the event holds a job id. */
export function batchSubmitJobEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(BATCH_SUBMIT_JOB_OPTIONS, values);
  return { jobId: ctx.optionalString('job-id') ?? ctx.random.uuid() };
}

/** `appsync resolver`: a direct Lambda resolver's context, called by a Cognito user pool user. */
export function appsyncResolverEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(APPSYNC_RESOLVER_OPTIONS, values);
  const args = ctx.json('arguments');
  if (!args || typeof args !== 'object' || Array.isArray(args)) throw new EventOptionError('--arguments: expected a JSON object');
  const fieldArguments = args as Record<string, unknown>;
  const sub = ctx.random.uuid();
  const issuer = `https://cognito-idp.${ctx.region}.amazonaws.com/${ctx.region}_${ctx.random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 9)}`;
  const seconds = Math.floor(ctx.now / 1000);
  const username = ctx.string('username');
  const apiHost = `${ctx.random.lower(26)}.appsync-api.${ctx.region}.amazonaws.com`;
  const selection = ctx.list('selection');
  return {
    arguments: fieldArguments,
    identity: {
      claims: {
        sub,
        email_verified: true,
        iss: issuer,
        phone_number_verified: false,
        'cognito:username': username,
        aud: ctx.random.lower(26),
        event_id: ctx.random.uuid(),
        token_use: 'id',
        auth_time: seconds,
        phone_number: '+15555550100',
        exp: seconds + 3600,
        iat: seconds,
        email: `${username}@example.com`,
      },
      defaultAuthStrategy: 'ALLOW',
      groups: null,
      issuer,
      sourceIp: [ctx.string('source-ip')],
      sub,
      username,
    },
    source: null,
    request: {
      headers: {
        'x-forwarded-for': `${ctx.string('source-ip')}, 130.176.0.1`,
        'cloudfront-viewer-country': 'US',
        'cloudfront-is-tablet-viewer': 'false',
        via: `2.0 ${ctx.random.hex(32)}.cloudfront.net (CloudFront)`,
        'cloudfront-forwarded-proto': 'https',
        origin: `https://${ctx.region}.console.aws.amazon.com`,
        'content-length': '217',
        'accept-language': 'en-US,en;q=0.9',
        host: apiHost,
        'x-forwarded-proto': 'https',
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/85.0.4183.83 Safari/537.36',
        accept: '*/*',
        'cloudfront-is-mobile-viewer': 'false',
        'cloudfront-is-smarttv-viewer': 'false',
        'accept-encoding': 'gzip, deflate, br',
        referer: `https://${ctx.region}.console.aws.amazon.com/appsync/home?region=${ctx.region}`,
        'content-type': 'application/json',
        'sec-fetch-mode': 'cors',
        'x-amz-cf-id': ctx.random.base64(30).replace(/[+/=]/g, '_'),
        'x-amzn-trace-id': `Root=1-${seconds.toString(16)}-${ctx.random.hex(20)}`,
        authorization: `eyJ${ctx.random.base64(60).replace(/[+/=]/g, '')}...`,
        'sec-fetch-dest': 'empty',
        'x-amz-user-agent': 'AWS-Console-AppSync/',
        'cloudfront-is-desktop-viewer': 'true',
        'sec-fetch-site': 'cross-site',
        'x-forwarded-port': '443',
      },
      // No custom domain: AppSync sends null.
      domainName: null,
    },
    prev: null,
    info: {
      selectionSetList: selection,
      selectionSetGraphQL: `{\n${selection.map((f) => `  ${f}`).join('\n')}\n}`,
      parentTypeName: ctx.string('parent-type'),
      fieldName: ctx.string('field-name'),
      variables: {},
    },
    stash: {},
  };
}
