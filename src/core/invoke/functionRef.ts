import { WorkbenchError } from '../errors';

// Function names as the Lambda API accepts them: name, name:qualifier, full or partial ARN.

export const LOCAL_ACCOUNT_ID = '000000000000';

const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

/** Parses a FunctionName; throws InvalidParameterValueException for a malformed one. */
export function parseFunctionRef(input: string): FunctionRef {
  const match = FUNCTION_REF.exec(input);
  if (!match || match[3].length > 64) {
    throw new WorkbenchError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  return { region: match[1], accountId: match[2], name: match[3], qualifier: match[4] };
}

export function functionArn(region: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}
