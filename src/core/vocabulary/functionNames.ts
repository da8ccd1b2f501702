import { WorkbenchError } from '../errors';

// The ground vocabulary of Lambda's names, read and written here only: function names as the Lambda
// API accepts them (name, name:qualifier, full or partial ARN), function ARNs, the local account id,
// the default region and the region an ARN names.

/** The account id of every ARN the engine makes (Lambda's own placeholder for "this account"). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The region when neither the settings, the CLI nor the environment name one (as the AWS CLI's default). */
export const DEFAULT_REGION = 'us-east-1';

const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Looser than the API's pattern: any region and account, for names the engine did not receive from a client. */
const ANY_FUNCTION_ARN = /(?:^|:)function:([^:]+)(?::([^:]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

/** Parses a FunctionName as Lambda's API does; throws InvalidParameterValueException for a malformed one. */
export function parseFunctionRef(input: string): FunctionRef {
  const match = FUNCTION_REF.exec(input);
  if (!match || match[3]!.length > 64) {
    throw new WorkbenchError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  return { region: match[1], accountId: match[2], name: match[3]!, qualifier: match[4] };
}

/**
 * The function and qualifier a reference names, never throwing, for names the engine did not receive
 * from a client (a template's `FunctionName`, an ARN the engine made, a command's argument): the API's
 * forms, any `…function:name[:qualifier]` ARN (built with a region the API's pattern does not know),
 * `name[:qualifier]`; anything else is taken as a name. An explicit `qualifier` wins only when the
 * reference carries none (a conflict is left for the engine to refuse as Lambda does).
 */
export function functionRefOf(input: string, qualifier?: string): { name: string; qualifier?: string } {
  const api = FUNCTION_REF.exec(input);
  const loose = api ? undefined : (ANY_FUNCTION_ARN.exec(input) ?? /^([^:]+):([^:]+)$/.exec(input));
  const name = api ? api[3]! : (loose?.[1] ?? input);
  const q = qualifier || (api ? api[4] : loose?.[2]);
  return q ? { name, qualifier: q } : { name };
}

export function functionArn(region: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** The region of any service's ARN (`arn:aws:kinesis:<region>:…`), else the fallback. */
export function regionOfArn(arn: string, fallback: string = DEFAULT_REGION): string {
  return /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1] || fallback;
}
