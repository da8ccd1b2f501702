import { isoSeconds, option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Alexa requests as a skill's Lambda function receives them: the Alexa Skills Kit's request
// envelope (`alexa-skills-kit <type>`) and the Smart Home API v2 directives (`alexa-smart-home`).
// Types, option names and defaults are `sam local generate-event`'s.

export const ALEXA_SKILLS_KIT_OPTIONS: readonly OptionSpec[] = [
  option('session-id', 'string', '123456789012', 'session id (after amzn1.echo-api.session.)'),
  option('user-id', 'string', 'testUser', 'user id (after amzn1.ask.account.)'),
  option('application-id', 'string', '987654321', 'skill id (after amzn1.ask.skill.)'),
  option('request-id', 'string', '1234', 'request id (after amzn1.echo-api.request.)'),
  option('locale', 'string', 'en-US', 'request locale'),
];

export const ALEXA_SMART_HOME_OPTIONS: readonly OptionSpec[] = [
  option('access-token', 'string', '1', "the user's access token (payload.accessToken)"),
  option('appliance-id', 'string', 'unique-id-for-non-dimmable-bulb-specific-to-user1', 'appliance id (control requests)'),
];

interface AlexaSlot {
  name: string;
  value: string;
}

type AlexaRequest =
  | { kind: 'LaunchRequest' }
  | { kind: 'SessionEndedRequest'; reason: string }
  | { kind: 'IntentRequest'; intent: string; slots: Record<string, AlexaSlot>; attributes?: Record<string, unknown> };

function skillEvent(ctx: EventContext, request: AlexaRequest): unknown {
  const application = { applicationId: `amzn1.ask.skill.${ctx.string('application-id')}` };
  const user = { userId: `amzn1.ask.account.${ctx.string('user-id')}` };
  const base = {
    type: request.kind,
    requestId: `amzn1.echo-api.request.${ctx.string('request-id')}`,
    timestamp: isoSeconds(ctx.now),
    locale: ctx.string('locale'),
  };
  const system = { application, user, device: { supportedInterfaces: { AudioPlayer: {} } } };
  return {
    version: '1.0',
    session: {
      new: request.kind === 'LaunchRequest',
      sessionId: `amzn1.echo-api.session.${ctx.string('session-id')}`,
      application,
      attributes: request.kind === 'IntentRequest' ? (request.attributes ?? {}) : {},
      user,
    },
    // A session's end comes with no player state; every other request carries it.
    context: request.kind === 'SessionEndedRequest' ? { System: system } : { AudioPlayer: { playerActivity: 'IDLE' }, System: system },
    request:
      request.kind === 'IntentRequest'
        ? { ...base, intent: { name: request.intent, slots: request.slots } }
        : request.kind === 'SessionEndedRequest'
          ? { ...base, reason: request.reason }
          : base,
  };
}

function skill(request: AlexaRequest) {
  return (values: EventOptionValues = {}) => skillEvent(resolveOptions(ALEXA_SKILLS_KIT_OPTIONS, values), request);
}

const TRIVIA_QUESTION = "Question 1. What was Rudolph's father's name? 1. Blixen. 2. Comet. 3. Donner. 4. Dasher. ";

/** `alexa-skills-kit start-session`: the skill is opened (LaunchRequest, a new session). */
export const alexaStartSessionEvent = skill({ kind: 'LaunchRequest' });
/** `alexa-skills-kit end-session`: the user ended the session. */
export const alexaEndSessionEvent = skill({ kind: 'SessionEndedRequest', reason: 'USER_INITIATED' });
/** `alexa-skills-kit intent-answer`: a trivia game's answer, with the game state in the session. */
export const alexaIntentAnswerEvent = skill({
  kind: 'IntentRequest',
  intent: 'AnswerIntent',
  slots: { Item: { name: 'Answer', value: '1' } },
  attributes: {
    score: 0,
    currentQuestionIndex: 0,
    speechOutput: TRIVIA_QUESTION,
    correctAnswerText: 'Donner',
    repromptText: TRIVIA_QUESTION,
    questions: [16, 20, 29, 2, 19],
    STATE: '_TRIVIAMODE',
    correctAnswerIndex: 3,
  },
});
/** `alexa-skills-kit intent-getnewfact`: an intent without slots. */
export const alexaIntentGetNewFactEvent = skill({ kind: 'IntentRequest', intent: 'GetNewFactIntent', slots: {} });
/** `alexa-skills-kit intent-mycoloris`: an intent with a Color slot. */
export const alexaIntentMyColorIsEvent = skill({ kind: 'IntentRequest', intent: 'MyColorIsIntent', slots: { Color: { name: 'Color', value: 'blue' } } });
/** `alexa-skills-kit intent-recipe`: an intent with an Item slot. */
export const alexaIntentRecipeEvent = skill({ kind: 'IntentRequest', intent: 'RecipeIntent', slots: { Item: { name: 'Item', value: 'snowball' } } });

function smartHome(namespace: string, name: string, withAppliance: boolean) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(ALEXA_SMART_HOME_OPTIONS, values);
    const payload = withAppliance
      ? { accessToken: ctx.string('access-token'), appliance: { additionalApplianceDetails: {}, applianceId: ctx.string('appliance-id') } }
      : { accessToken: ctx.string('access-token') };
    return { header: { messageId: ctx.random.uuid().toUpperCase(), name, namespace, payloadVersion: '2' }, payload };
  };
}

/** `alexa-smart-home smart-home-control-turn-off-request` */
export const alexaSmartHomeTurnOffEvent = smartHome('Alexa.ConnectedHome.Control', 'TurnOffRequest', true);
/** `alexa-smart-home smart-home-control-turn-on-request` */
export const alexaSmartHomeTurnOnEvent = smartHome('Alexa.ConnectedHome.Control', 'TurnOnRequest', true);
/** `alexa-smart-home smart-home-discovery-request` */
export const alexaSmartHomeDiscoveryEvent = smartHome('Alexa.ConnectedHome.Discovery', 'DiscoverAppliancesRequest', false);
