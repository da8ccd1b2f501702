import { option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Cognito user pool Lambda triggers (`cognito <trigger>`; SAM CLI has none of them, the names are
// ours): the common envelope (version, region, userPoolId, userName, callerContext, triggerSource)
// with each trigger's request, and its response as Cognito hands it to the function to fill in.
// The shapes follow the Cognito developer guide's trigger pages and @types/aws-lambda's trigger types.

const COMMON: OptionSpec[] = [
  option('user-pool-id', 'string', undefined, 'user pool id (default: <region>_ and 9 generated characters)'),
  option('user-name', 'string', 'example-user', 'the user name'),
  option('email', 'string', 'user@example.com', "the user's email attribute"),
  option('client-id', 'string', undefined, 'app client id (default: generated, 26 characters)'),
  option('client-metadata', 'json', undefined, 'clientMetadata passed by the app, JSON object of strings (absent by default)'),
];

function triggerOptions(sources: readonly string[], extra: OptionSpec[] = []): readonly OptionSpec[] {
  return [option('trigger-source', 'string', sources[0], 'which flow fired the trigger', sources), ...COMMON, ...extra];
}

export const COGNITO_PRE_SIGN_UP_OPTIONS = triggerOptions(['PreSignUp_SignUp', 'PreSignUp_ExternalProvider', 'PreSignUp_AdminCreateUser']);
export const COGNITO_POST_CONFIRMATION_OPTIONS = triggerOptions(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword']);
export const COGNITO_PRE_AUTHENTICATION_OPTIONS = triggerOptions(['PreAuthentication_Authentication']);
export const COGNITO_POST_AUTHENTICATION_OPTIONS = triggerOptions(
  ['PostAuthentication_Authentication'],
  [option('new-device-used', 'flag', undefined, 'the user signed in from a new device')],
);
export const COGNITO_PRE_TOKEN_GENERATION_OPTIONS = triggerOptions(
  [
    'TokenGeneration_HostedAuth',
    'TokenGeneration_Authentication',
    'TokenGeneration_NewPasswordChallenge',
    'TokenGeneration_AuthenticateDevice',
    'TokenGeneration_RefreshTokens',
  ],
  [option('groups', 'list', undefined, "the user's groups, comma-separated")],
);
export const COGNITO_CUSTOM_MESSAGE_OPTIONS = triggerOptions([
  'CustomMessage_SignUp',
  'CustomMessage_AdminCreateUser',
  'CustomMessage_ResendCode',
  'CustomMessage_ForgotPassword',
  'CustomMessage_UpdateUserAttribute',
  'CustomMessage_VerifyUserAttribute',
  'CustomMessage_Authentication',
]);
export const COGNITO_DEFINE_AUTH_CHALLENGE_OPTIONS = triggerOptions(['DefineAuthChallenge_Authentication']);
export const COGNITO_CREATE_AUTH_CHALLENGE_OPTIONS = triggerOptions(['CreateAuthChallenge_Authentication']);
export const COGNITO_VERIFY_AUTH_CHALLENGE_OPTIONS = triggerOptions(
  ['VerifyAuthChallengeResponse_Authentication'],
  [
    option('answer', 'string', '42', "the user's answer (challengeAnswer)"),
    option('expected-answer', 'string', '42', 'the private challenge parameter "answer"'),
  ],
);
export const COGNITO_USER_MIGRATION_OPTIONS = triggerOptions(
  ['UserMigration_Authentication', 'UserMigration_ForgotPassword'],
  [option('password', 'string', 'example-Passw0rd', 'the password the user typed (Authentication flow)')],
);

function envelope<TSource extends string>(ctx: EventContext) {
  const metadata = ctx.stringMap('client-metadata');
  return {
    head: {
      version: '1',
      region: ctx.region,
      userPoolId:
        ctx.optionalString('user-pool-id') ?? `${ctx.region}_${ctx.random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 9)}`,
      userName: ctx.string('user-name'),
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: ctx.optionalString('client-id') ?? ctx.random.lower(26) },
      triggerSource: ctx.choice<TSource>('trigger-source'),
    },
    userAttributes: {
      sub: ctx.random.uuid(),
      'cognito:user_status': 'CONFIRMED',
      email_verified: 'true',
      email: ctx.string('email'),
    } as Record<string, string>,
    clientMetadata: metadata ? { clientMetadata: metadata } : {},
  };
}

/** `cognito pre-sign-up` */
export function cognitoPreSignUpEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_PRE_SIGN_UP_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'PreSignUp_SignUp' | 'PreSignUp_ExternalProvider' | 'PreSignUp_AdminCreateUser'>(ctx);
  // Before sign-up the user has no sub or status yet.
  const { email } = userAttributes;
  return {
    ...head,
    request: { userAttributes: { email }, validationData: {}, ...clientMetadata },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

/** `cognito post-confirmation` */
export function cognitoPostConfirmationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_POST_CONFIRMATION_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword'>(ctx);
  return { ...head, request: { userAttributes, ...clientMetadata }, response: {} };
}

/** `cognito pre-authentication` */
export function cognitoPreAuthenticationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_PRE_AUTHENTICATION_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'PreAuthentication_Authentication'>(ctx);
  return { ...head, request: { userAttributes, validationData: {}, userNotFound: false, ...clientMetadata }, response: {} };
}

/** `cognito post-authentication` */
export function cognitoPostAuthenticationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_POST_AUTHENTICATION_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'PostAuthentication_Authentication'>(ctx);
  return { ...head, request: { userAttributes, newDeviceUsed: ctx.flag('new-device-used'), ...clientMetadata }, response: {} };
}

/** `cognito pre-token-generation` (version 1 event) */
export function cognitoPreTokenGenerationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_PRE_TOKEN_GENERATION_OPTIONS, values);
  type Source =
    | 'TokenGeneration_HostedAuth'
    | 'TokenGeneration_Authentication'
    | 'TokenGeneration_NewPasswordChallenge'
    | 'TokenGeneration_AuthenticateDevice'
    | 'TokenGeneration_RefreshTokens';
  const { head, userAttributes, clientMetadata } = envelope<Source>(ctx);
  return {
    ...head,
    request: { userAttributes, groupConfiguration: { groupsToOverride: ctx.list('groups'), iamRolesToOverride: [], preferredRole: null }, ...clientMetadata },
    // Cognito passes null; the function returns the overrides.
    response: { claimsOverrideDetails: null },
  };
}

/** `cognito custom-message` */
export function cognitoCustomMessageEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_CUSTOM_MESSAGE_OPTIONS, values);
  type Source =
    | 'CustomMessage_SignUp'
    | 'CustomMessage_AdminCreateUser'
    | 'CustomMessage_ResendCode'
    | 'CustomMessage_ForgotPassword'
    | 'CustomMessage_UpdateUserAttribute'
    | 'CustomMessage_VerifyUserAttribute'
    | 'CustomMessage_Authentication';
  const { head, userAttributes, clientMetadata } = envelope<Source>(ctx);
  return {
    ...head,
    request: {
      userAttributes,
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      // Only AdminCreateUser's invitation names the user.
      usernameParameter: head.triggerSource === 'CustomMessage_AdminCreateUser' ? '{username}' : null,
      ...clientMetadata,
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  };
}

/** The challenges so far of a custom authentication flow: SRP, then the password. */
function srpSession() {
  return [
    { challengeName: 'SRP_A' as const, challengeResult: true },
    { challengeName: 'PASSWORD_VERIFIER' as const, challengeResult: true },
  ];
}

/** `cognito define-auth-challenge` */
export function cognitoDefineAuthChallengeEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_DEFINE_AUTH_CHALLENGE_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'DefineAuthChallenge_Authentication'>(ctx);
  return {
    ...head,
    request: { userAttributes, session: srpSession(), userNotFound: false, ...clientMetadata },
    response: { failAuthentication: false, issueTokens: false },
  };
}

/** `cognito create-auth-challenge` */
export function cognitoCreateAuthChallengeEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_CREATE_AUTH_CHALLENGE_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'CreateAuthChallenge_Authentication'>(ctx);
  return {
    ...head,
    request: { userAttributes, challengeName: 'CUSTOM_CHALLENGE', session: srpSession(), userNotFound: false, ...clientMetadata },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
  };
}

/** `cognito verify-auth-challenge-response` */
export function cognitoVerifyAuthChallengeEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_VERIFY_AUTH_CHALLENGE_OPTIONS, values);
  const { head, userAttributes, clientMetadata } = envelope<'VerifyAuthChallengeResponse_Authentication'>(ctx);
  return {
    ...head,
    request: {
      userAttributes,
      privateChallengeParameters: { answer: ctx.string('expected-answer') },
      challengeAnswer: ctx.string('answer'),
      userNotFound: false,
      ...clientMetadata,
    },
    response: { answerCorrect: false },
  };
}

/** `cognito user-migration`: the user is not in the pool yet; the function looks them up elsewhere. */
export function cognitoUserMigrationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_USER_MIGRATION_OPTIONS, values);
  const { head, clientMetadata } = envelope<'UserMigration_Authentication' | 'UserMigration_ForgotPassword'>(ctx);
  // The forgot-password flow has no password.
  const password = head.triggerSource === 'UserMigration_Authentication' ? ctx.string('password') : '';
  return {
    ...head,
    request: { password, validationData: {}, ...clientMetadata },
    response: { userAttributes: {}, desiredDeliveryMediums: [] as ('SMS' | 'EMAIL')[] },
  };
}
