import { WorkbenchError } from '../errors';

/** A request's JSON object body (empty → `{}`), or Lambda's InvalidRequestContentException. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WorkbenchError('InvalidRequestContentException', 'Could not parse request body into json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WorkbenchError('InvalidRequestContentException', 'Could not parse request body into json: the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
