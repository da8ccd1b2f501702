import { EventOptionError, option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// Amazon Connect's contact flow invocation (`connect contact-flow-event`) and Cognito Sync's
// trigger (`cognito sync-trigger`). SAM's options (contact-id, phone-number) and defaults.

export const CONNECT_CONTACT_FLOW_OPTIONS: readonly OptionSpec[] = [
  option('contact-id', 'string', '5ca32fbd-8f92-46af-92a5-6b0f970f0efe', 'contact id'),
  option('phone-number', 'string', '+11234567890', "the customer's phone number"),
  option('parameters', 'json', '{}', "the Lambda block's parameters, JSON object of strings"),
];

export const COGNITO_SYNC_TRIGGER_OPTIONS: readonly OptionSpec[] = [
  option('dataset', 'string', 'datasetName', 'dataset name'),
  option(
    'records',
    'json',
    '{"SampleKey1":["oldValue1","newValue1"],"SampleKey2":["oldValue2","newValue2"]}',
    'changed records, JSON: {"key": ["old", "new"]}',
  ),
];

/** `connect contact-flow-event`: a voice contact reaching an Invoke AWS Lambda function block. */
export function connectContactFlowEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(CONNECT_CONTACT_FLOW_OPTIONS, values);
  const contactId = ctx.string('contact-id');
  const phone = ctx.string('phone-number');
  return {
    Name: 'ContactFlowEvent' as const,
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE' as const,
        ContactId: contactId,
        CustomerEndpoint: { Address: phone, Type: 'TELEPHONE_NUMBER' as const },
        InitialContactId: contactId,
        InitiationMethod: 'API' as const,
        InstanceARN: ctx.arn('connect', `instance/${ctx.random.uuid()}`),
        MediaStreams: {
          Customer: {
            Audio: {
              StartFragmentNumber: ctx.random.digits(47),
              StartTimestamp: String(ctx.now),
              StreamARN: ctx.arn('kinesisvideo', `stream/connect-contact-${ctx.random.uuid()}/${ctx.now}`),
            },
          },
        },
        PreviousContactId: contactId,
        Queue: null,
        SystemEndpoint: { Address: phone, Type: 'TELEPHONE_NUMBER' as const },
      },
      Parameters: ctx.stringMap('parameters') ?? {},
    },
  };
}

/** `cognito sync-trigger`: a Cognito Sync dataset's records changed. */
export function cognitoSyncTriggerEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(COGNITO_SYNC_TRIGGER_OPTIONS, values);
  const records = ctx.json('records') ?? {};
  if (typeof records !== 'object' || records === null || Array.isArray(records)) throw new EventOptionError('--records: expected a JSON object');
  const datasetRecords: Record<string, { oldValue: string; newValue: string; op: string }> = {};
  for (const [key, change] of Object.entries(records)) {
    const [oldValue, newValue] = Array.isArray(change) ? change.map(String) : ['', String(change)];
    datasetRecords[key] = { oldValue: oldValue ?? '', newValue: newValue ?? '', op: 'replace' };
  }
  return {
    version: 2,
    eventType: 'SyncTrigger',
    region: ctx.region,
    identityPoolId: `${ctx.region}:${ctx.random.uuid()}`,
    identityId: `${ctx.region}:${ctx.random.uuid()}`,
    datasetName: ctx.string('dataset'),
    datasetRecords,
  };
}
