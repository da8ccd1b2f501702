import { strict as assert } from 'node:assert';
import type {
  CreateAuthChallengeTriggerEvent,
  CustomMessageTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PostAuthenticationTriggerEvent,
  PostConfirmationTriggerEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
  PreTokenGenerationTriggerEvent,
  UserMigrationTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';
import {
  allOptions,
  CATALOG,
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
  EventOptionError,
} from '../../../src/core/events';

// Cognito user pool triggers (not in SAM CLI): each generator's output assigned to its
// @types/aws-lambda type (tsc checks it), the common envelope, and the options.

// Cognito passes groupConfiguration.preferredRole and response.claimsOverrideDetails as null
// (developer guide, pre token generation event); @types has them as optional objects / strings.
type PreTokenGenerationAsSent = Omit<PreTokenGenerationTriggerEvent, 'request' | 'response'> & {
  request: Omit<PreTokenGenerationTriggerEvent['request'], 'groupConfiguration'> & {
    groupConfiguration: { groupsToOverride: string[]; iamRolesToOverride: string[]; preferredRole: string | null };
  };
  response: { claimsOverrideDetails: PreTokenGenerationTriggerEvent['response']['claimsOverrideDetails'] | null };
};

export function typedCognitoTriggers() {
  const preSignUp: PreSignUpTriggerEvent = cognitoPreSignUpEvent();
  const postConfirmation: PostConfirmationTriggerEvent = cognitoPostConfirmationEvent();
  const preAuthentication: PreAuthenticationTriggerEvent = cognitoPreAuthenticationEvent();
  const postAuthentication: PostAuthenticationTriggerEvent = cognitoPostAuthenticationEvent();
  const preTokenGeneration: PreTokenGenerationAsSent = cognitoPreTokenGenerationEvent();
  const customMessage: CustomMessageTriggerEvent = cognitoCustomMessageEvent();
  const defineAuthChallenge: DefineAuthChallengeTriggerEvent = cognitoDefineAuthChallengeEvent();
  const createAuthChallenge: CreateAuthChallengeTriggerEvent = cognitoCreateAuthChallengeEvent();
  const verifyAuthChallenge: VerifyAuthChallengeResponseTriggerEvent = cognitoVerifyAuthChallengeEvent();
  const userMigration: UserMigrationTriggerEvent = cognitoUserMigrationEvent();
  return {
    preSignUp,
    postConfirmation,
    preAuthentication,
    postAuthentication,
    preTokenGeneration,
    customMessage,
    defineAuthChallenge,
    createAuthChallenge,
    verifyAuthChallenge,
    userMigration,
  };
}

const TRIGGERS = [
  'pre-sign-up',
  'post-confirmation',
  'pre-authentication',
  'post-authentication',
  'pre-token-generation',
  'custom-message',
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge-response',
  'user-migration',
];

describe('sample events: Cognito user pool triggers', () => {
  it("are in the catalog under cognito, next to SAM's sync-trigger, each with its trigger sources as choices", () => {
    assert.deepEqual(Object.keys(CATALOG.cognito).sort(), ['sync-trigger', ...TRIGGERS].sort());
    for (const trigger of TRIGGERS) {
      const spec = allOptions(CATALOG.cognito[trigger]).find((o) => o.name === 'trigger-source');
      assert.ok(spec?.choices && spec.choices.length > 0, `${trigger} --trigger-source choices`);
      assert.equal(spec.default, spec.choices[0]);
    }
  });

  it("every trigger's event is assignable to its @types/aws-lambda type (checked by tsc) and has Cognito's envelope", () => {
    const fixed = { seed: 'cognito', time: '2024-01-02T03:04:05Z', region: 'eu-west-1' };
    for (const [name, event] of Object.entries(typedCognitoTriggers())) assert.ok(event, name);
    for (const trigger of TRIGGERS) {
      const event = CATALOG.cognito[trigger].generate(fixed) as Record<string, unknown> & { callerContext: Record<string, string> };
      assert.deepEqual(Object.keys(event), ['version', 'region', 'userPoolId', 'userName', 'callerContext', 'triggerSource', 'request', 'response'], trigger);
      assert.equal(event.version, '1');
      assert.equal(event.region, 'eu-west-1');
      assert.match(String(event.userPoolId), /^eu-west-1_[A-Za-z0-9]{9}$/);
      assert.match(event.callerContext.clientId, /^[a-z0-9]{26}$/);
      assert.deepEqual(CATALOG.cognito[trigger].generate(fixed), event, `${trigger}: repeatable with seed and time`);
    }
  });

  it('options: trigger source (checked against its choices), user, email, client metadata, flow-specific fields', () => {
    const signUp = cognitoPreSignUpEvent({
      'trigger-source': 'PreSignUp_AdminCreateUser',
      'user-name': 'alice',
      email: 'a@example.org',
      'client-metadata': { app: 'web' },
    });
    assert.equal(signUp.triggerSource, 'PreSignUp_AdminCreateUser');
    assert.equal(signUp.userName, 'alice');
    assert.deepEqual(signUp.request.userAttributes, { email: 'a@example.org' });
    assert.deepEqual(signUp.request.clientMetadata, { app: 'web' });
    assert.ok(!('clientMetadata' in cognitoPostConfirmationEvent().request), 'no client metadata unless given');
    assert.throws(() => cognitoPreSignUpEvent({ 'trigger-source': 'TokenGeneration_HostedAuth' }), EventOptionError);

    assert.equal(cognitoPostAuthenticationEvent({ 'new-device-used': true }).request.newDeviceUsed, true);
    assert.deepEqual(cognitoPreTokenGenerationEvent({ groups: 'admins,staff' }).request.groupConfiguration.groupsToOverride, ['admins', 'staff']);
    assert.equal(cognitoCustomMessageEvent().request.usernameParameter, null);
    assert.equal(cognitoCustomMessageEvent({ 'trigger-source': 'CustomMessage_AdminCreateUser' }).request.usernameParameter, '{username}');
    const verify = cognitoVerifyAuthChallengeEvent({ answer: '7', 'expected-answer': '8' });
    assert.equal(verify.request.challengeAnswer, '7');
    assert.deepEqual(verify.request.privateChallengeParameters, { answer: '8' });
    assert.equal(cognitoUserMigrationEvent({ password: 's3cret' }).request.password, 's3cret');
    assert.equal(cognitoUserMigrationEvent({ 'trigger-source': 'UserMigration_ForgotPassword' }).request.password, '');
  });
});
