import { createHash } from 'node:crypto';
import { verifySignatureV4, type SigningCredentials } from '../util/signatureV4';
import { LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import type { HttpRequestInfo } from './events';
import { FORBIDDEN_MESSAGE as FORBIDDEN, type HttpResponse } from './responses';

// AWS_IAM function URLs: a request must be SigV4-signed for service `lambda` (as the AWS SDK,
// awscurl or Postman sign it), verified (util/signatureV4.ts) against the credentials the front end
// was given — serve's: --access-key-id / --secret-access-key, else the environment or the profile,
// as `--verify-signatures` takes them. No IAM policy is evaluated: any request these credentials
// sign is allowed. Lambda's answers otherwise, all 403:
// - no signature: `{"Message":"Forbidden. For troubleshooting …"}`, `x-amzn-ErrorType:
//   AccessDeniedException` (what Lambda answers a caller it does not allow);
// - a bad one: `{"message":"<SigV4 error>"}` with its type (InvalidSignatureException,
//   UnrecognizedClientException, IncompleteSignatureException);
// - locally, a signed request with no credentials to check it against: the Forbidden body saying
//   how to configure them.
// The caller in `requestContext.authorizer.iam`: the access key that signed, the local account, and
// ids and an ARN derived from the key (no call to STS): an IAM user for long-term keys, an assumed
// role for temporary `ASIA…` keys.

export type IamAuthorization = { authorizer: { iam: Record<string, unknown> } } | { refusal: HttpResponse };

export async function authorizeIam(info: HttpRequestInfo, credentials: SigningCredentials | undefined): Promise<IamAuthorization> {
  if (!hasAuthorization(info.rawHeaders)) return { refusal: refusal('AccessDeniedException', { Message: FORBIDDEN }) };
  if (!credentials) {
    return {
      refusal: refusal('AccessDeniedException', {
        Message:
          'Forbidden. lambda-workbench has no credentials to verify AWS_IAM signatures against: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or serve --profile, then restart serve.',
      }),
    };
  }
  const check = await verifySignatureV4(info, credentials, { service: 'lambda', now: info.time.getTime() });
  if (!check.ok) {
    if (check.type === 'MissingAuthenticationTokenException') return { refusal: refusal('AccessDeniedException', { Message: FORBIDDEN }) };
    return { refusal: refusal(check.type, { message: check.message }) };
  }
  return { authorizer: { iam: callerOf(check.accessKeyId) } };
}

/** What Lambda reports of a caller; ours is derived from the access key (the same key, the same caller). */
export function callerOf(accessKey: string): Record<string, unknown> {
  const id = stableId(accessKey);
  const temporary = accessKey.startsWith('ASIA');
  const callerId = temporary ? `AROA${id}:lambda-workbench` : `AIDA${id}`;
  return {
    accessKey,
    accountId: LOCAL_ACCOUNT_ID,
    callerId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: temporary ? `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/local/lambda-workbench` : `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local`,
    userId: callerId,
  };
}

function hasAuthorization(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'authorization') return true;
  return false;
}

function refusal(type: string, body: Record<string, string>): HttpResponse {
  return {
    status: 403,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', type],
    ],
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** 17 upper-case letters and digits, as IAM's unique ids have after their prefix. */
function stableId(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 17; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}
