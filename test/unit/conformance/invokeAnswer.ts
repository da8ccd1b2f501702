import { InvokeCommand, type InvokeCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { sdkOutcome, type Outcome } from './replay';

// Invoke's answer as LocalStack's tests record it (boto3's output with the Payload read): the
// Payload parsed when it is a JSON object (the runtime tests: any JSON), else its text.

/** The Payload's text and, when it is JSON, its value. */
export function payloadOf(outcome: Outcome): { text: string; json?: unknown } {
  if (!('body' in outcome)) return { text: '' };
  const text = Buffer.from(Object.values((outcome.body.Payload ?? {}) as Record<string, number>)).toString('utf8');
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch {
    return { text };
  }
}

/** A text as LocalStack's snapshots record it: parsed when it is a JSON object. */
export function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outcome with its Payload as the recording holds it: parsed when `parse` says (`object`: only a
 * JSON object, as LocalStack's read_streams leaves other JSON as text).
 */
export function withRecordedPayload(outcome: Outcome, parse: 'object' | 'json' = 'object'): Outcome {
  if (!('body' in outcome)) return outcome;
  const { text, json } = payloadOf(outcome);
  const parsed = json !== undefined && (parse === 'json' || (json !== null && typeof json === 'object' && !Array.isArray(json)));
  return { status: outcome.status, body: { ...outcome.body, Payload: parsed ? json : text } };
}

/** The outcome of an Invoke call, its Payload as the recording holds it. */
export async function invokeOutcome(call: () => Promise<unknown>): Promise<Outcome> {
  return withRecordedPayload(await sdkOutcome(call));
}

/** Invokes and returns the outcome with its Payload as the recording holds it (see withRecordedPayload). */
export async function invokeAnswer(client: LambdaClient, input: InvokeCommandInput, parse: 'object' | 'json' = 'object'): Promise<Outcome> {
  return withRecordedPayload(await sdkOutcome(() => client.send(new InvokeCommand(input))), parse);
}
