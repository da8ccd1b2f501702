import { option, resolveOptions, type EventContext, type EventOptionValues, type OptionSpec } from './common';

// Amazon Lex code hook events: V1 (`lex <type>`, the blueprint bots' intents with their slots filled)
// and V2 (`lex-v2 <type>`: interpretations, session state, transcriptions). SAM's types; SAM has no
// options for them, these are ours.

export const LEX_V1_OPTIONS: readonly OptionSpec[] = [
  option('user-id', 'string', 'John', 'user id'),
  option('invocation-source', 'string', 'DialogCodeHook', 'which code hook', ['DialogCodeHook', 'FulfillmentCodeHook']),
  option('output-dialog-mode', 'string', 'Text', 'output dialog mode', ['Text', 'Voice']),
];

export const LEX_V2_OPTIONS: readonly OptionSpec[] = [
  option('session-id', 'string', undefined, 'session id (default: generated, 15 digits)'),
  option('locale', 'string', 'en_US', 'bot locale id'),
  option('alias-id', 'string', 'TSTALIASID', 'bot alias id'),
];

// Lex V1 sends slot values as strings (SAM's templates have numbers for DriverAge and Nights).
type SlotValue = string;

function lexV1(bot: string, intent: string, transcript: string, slots: (ctx: EventContext) => Record<string, SlotValue>) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(LEX_V1_OPTIONS, values);
    const filled = slots(ctx);
    // Lex also sends what the user said, request attributes and each slot's resolution (SAM's templates leave them out).
    const slotDetails = Object.fromEntries(
      Object.entries(filled).map(([name, v]) => [name, { resolutions: [{ value: v }] as [{ value: string }], originalValue: v }]),
    );
    return {
      messageVersion: '1.0' as const,
      invocationSource: ctx.choice<'DialogCodeHook' | 'FulfillmentCodeHook'>('invocation-source'),
      userId: ctx.string('user-id'),
      inputTranscript: transcript,
      sessionAttributes: {},
      requestAttributes: null,
      bot: { name: bot, alias: '$LATEST', version: '$LATEST' },
      outputDialogMode: ctx.choice<'Text' | 'Voice'>('output-dialog-mode'),
      currentIntent: { name: intent, slots: filled, slotDetails, confirmationStatus: 'None' as const },
    };
  };
}

/** A date a week after the event, as Lex resolves AMAZON.DATE slots. */
const nextWeek = (ctx: EventContext) => new Date(ctx.now + 7 * 86400_000).toISOString().slice(0, 10);

/** `lex book-car` */
export const lexBookCarEvent = lexV1('BookTrip', 'BookCar', 'book a car in Chicago', (ctx) => ({
  PickUpCity: 'Chicago',
  PickUpDate: nextWeek(ctx),
  ReturnDate: nextWeek(ctx),
  CarType: 'economy',
  DriverAge: '21',
}));
/** `lex book-hotel` */
export const lexBookHotelEvent = lexV1('BookTrip', 'BookHotel', 'book a hotel in Chicago', (ctx) => ({
  Location: 'Chicago',
  CheckInDate: nextWeek(ctx),
  Nights: '4',
  RoomType: 'queen',
}));
/** `lex make-appointment` */
export const lexMakeAppointmentEvent = lexV1('MakeAppointment', 'MakeAppointment', 'I would like a whitening', (ctx) => ({
  AppointmentType: 'whitening',
  Date: nextWeek(ctx),
  Time: '10:00',
}));
/** `lex order-flowers` */
export const lexOrderFlowersEvent = lexV1('OrderFlowers', 'OrderFlowers', 'I would like to order lilies', (ctx) => ({
  FlowerType: 'lilies',
  PickupDate: nextWeek(ctx),
  PickupTime: '10:00',
}));

interface LexV2Slot {
  shape: 'Scalar';
  value: { originalValue: string; resolvedValues: string[]; interpretedValue?: string };
}

type LexV2Slots = Record<string, LexV2Slot | null>;

type LexV2IntentState = 'InProgress' | 'ReadyForFulfillment';

interface LexV2Intent {
  name: string;
  slots: LexV2Slots;
  state: LexV2IntentState;
  /** Absent for FallbackIntent, as Lex leaves its confidence out. */
  confidence?: number;
}

const emptySlots = (names: string[]): LexV2Slots => Object.fromEntries(names.map((n) => [n, null]));
const CAR_SLOTS = ['ReturnDate', 'PickUpDate', 'DriverAge', 'CarType', 'PickUpCity'];
const HOTEL_SLOTS = ['RoomType', 'CheckInDate', 'Nights', 'Location'];

function scalar(original: string, resolved: string, interpreted = true): LexV2Slot {
  return { shape: 'Scalar', value: { originalValue: original, resolvedValues: [resolved], ...(interpreted ? { interpretedValue: resolved } : {}) } };
}

interface LexV2Turn {
  bot: string;
  transcript: string;
  source: 'DialogCodeHook' | 'FulfillmentCodeHook';
  /** The first is the matched intent. */
  interpretations: LexV2Intent[];
  /** The slot Lex proposes to elicit next (dialog hooks). */
  elicit?: string;
  resolvedSlots: LexV2Slots;
  withActiveContexts?: boolean;
}

function lexV2(turn: LexV2Turn) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(LEX_V2_OPTIONS, values);
    const intentOf = (i: LexV2Intent) => ({ slots: i.slots, confirmationState: 'None' as const, name: i.name, state: i.state });
    const matched = turn.interpretations[0];
    return {
      sessionId: ctx.optionalString('session-id') ?? ctx.random.digits(15),
      inputTranscript: turn.transcript,
      interpretations: turn.interpretations.map((i) => ({ intent: intentOf(i), ...(i.confidence !== undefined ? { nluConfidence: i.confidence } : {}) })),
      ...(turn.elicit ? { proposedNextState: { intent: intentOf(matched), dialogAction: { slotToElicit: turn.elicit, type: 'ElicitSlot' as const } } } : {}),
      responseContentType: 'text/plain; charset=utf-8',
      sessionState: {
        ...(turn.withActiveContexts ? { sessionAttributes: {}, activeContexts: [] } : {}),
        intent: intentOf(matched),
        originatingRequestId: ctx.random.uuid(),
      },
      messageVersion: '1.0',
      invocationSource: turn.source,
      transcriptions: [
        { transcription: turn.transcript, transcriptionConfidence: 1, resolvedSlots: turn.resolvedSlots, resolvedContext: { intent: matched.name } },
      ],
      inputMode: 'Text' as const,
      bot: {
        aliasName: 'TestBotAlias',
        aliasId: ctx.string('alias-id'),
        name: turn.bot,
        version: 'DRAFT',
        localeId: ctx.string('locale'),
        id: ctx.random.upper(10),
      },
    };
  };
}

const bookCar = (confidence?: number): LexV2Intent => ({ name: 'BookCar', slots: emptySlots(CAR_SLOTS), state: 'InProgress', confidence });
const bookHotel = (confidence?: number): LexV2Intent => ({ name: 'BookHotel', slots: emptySlots(HOTEL_SLOTS), state: 'InProgress', confidence });
const fallback = (state: LexV2IntentState): LexV2Intent => ({ name: 'FallbackIntent', slots: {}, state });

/** `lex-v2 book-car`: the first turn; Lex asks for the pick-up city. */
export const lexV2BookCarEvent = lexV2({
  bot: 'BookTrip',
  transcript: 'Book a car',
  source: 'DialogCodeHook',
  interpretations: [bookCar(1), bookHotel(0.51), fallback('InProgress')],
  elicit: 'PickUpCity',
  resolvedSlots: {},
});
/** `lex-v2 book-hotel`: the first turn; Lex asks for the location. */
export const lexV2BookHotelEvent = lexV2({
  bot: 'BookTrip',
  transcript: 'Book a hotel',
  source: 'DialogCodeHook',
  interpretations: [bookHotel(1), fallback('InProgress'), bookCar(0.42)],
  elicit: 'Location',
  resolvedSlots: {},
});
/** `lex-v2 banking-bot`: CheckBalance ready for fulfillment, with its slots resolved. */
export const lexV2BankingBotEvent = lexV2({
  bot: 'BankingBot',
  transcript: '01/01/1990',
  source: 'FulfillmentCodeHook',
  interpretations: [
    {
      name: 'CheckBalance',
      slots: { dateofBirth: scalar('01/01/1990', '1990-01-01'), accountType: scalar('savings', 'Savings') },
      state: 'ReadyForFulfillment',
      confidence: 1,
    },
    fallback('ReadyForFulfillment'),
    { name: 'Welcome', slots: {}, state: 'ReadyForFulfillment', confidence: 0.23 },
  ],
  resolvedSlots: { dateofBirth: scalar('01/01/1990', '1990-01-01', false) },
  withActiveContexts: true,
});
