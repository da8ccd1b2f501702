import { WorkbenchError } from '../errors';

// The ground vocabulary of Lambda's names, read and written here only: function names as the Lambda
// API accepts them (name, name:qualifier, full or partial ARN), function ARNs, the local account id,
// the default region and the region an ARN names.

/** The account id of every ARN the engine makes (Lambda's own placeholder for "this account"). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The region when neither the settings, the CLI nor the environment name one (as the AWS CLI's default). */
export const DEFAULT_REGION = 'us-east-1';

// The API's FunctionName pattern (GetFunction's and Invoke's model), and the text AWS's message quotes.
const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:((?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?$/;
const FUNCTION_REF_TEXT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
/** The Qualifier parameter's pattern (a whole match of either alternative) and its longest length. */
const QUALIFIER = /^(?:\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_$-]+)$/;
const QUALIFIER_TEXT = '\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+';
const MAX_QUALIFIER_LENGTH = 128;

/** Looser than the API's pattern: any region and account, for names the engine did not receive from a client. */
const ANY_FUNCTION_ARN = /(?:^|:)function:([^:]+)(?::([^:]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

/**
 * Parses a FunctionName (and the Qualifier parameter, when the operation has one) as Lambda's API
 * does: every constraint they fail in one ValidationException, worded as AWS's model validation. A
 * name longer than a function's 64 characters passes, as in AWS: no function has it (not found).
 */
export function parseFunctionRef(input: string, qualifier?: string): FunctionRef {
  const errors: string[] = [];
  if (qualifier !== undefined) {
    if (qualifier.length > MAX_QUALIFIER_LENGTH) {
      errors.push(constraintFailed(qualifier, 'qualifier', `Member must have length less than or equal to ${MAX_QUALIFIER_LENGTH}`));
    } else if (!QUALIFIER.test(qualifier)) {
      errors.push(constraintFailed(qualifier, 'qualifier', `Member must satisfy regular expression pattern: ${QUALIFIER_TEXT}`));
    }
  }
  const match = FUNCTION_REF.exec(input);
  if (!match) errors.push(constraintFailed(input, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_REF_TEXT}`));
  if (!match || errors.length > 0) {
    throw new WorkbenchError('ValidationException', `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`);
  }
  return { region: match[1], accountId: match[2], name: match[3]!, qualifier: match[4] };
}

/** Lambda's `Function not found: <ARN with the qualifier asked for>` (404). */
export function functionNotFound(region: string, functionName: string, qualifier?: string): WorkbenchError {
  return new WorkbenchError('ResourceNotFoundException', `Function not found: ${functionArn(region, functionName, qualifier)}`);
}

/** A function ARN of another region is not reachable from this one (ResourceNotFoundException, AWS's message). */
export function checkFunctionRegion(ref: FunctionRef, region: string): void {
  if (ref.region !== undefined && ref.region !== region) {
    throw new WorkbenchError('ResourceNotFoundException', `Functions from '${ref.region}' are not reachable in this region ('${region}')`);
  }
}

function constraintFailed(value: string, field: string, constraint: string): string {
  return `Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
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
