import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

// SigV4 verification of an incoming request, shared by the two servers that check it: the Lambda
// API (`serve --verify-signatures`) and AWS_IAM function URLs. The request is signed again with the
// configured credentials (by @smithy/signature-v4, the SDK's own signer) at the request's own date,
// over exactly the headers it says it signed, and the signatures must match. Each server turns a
// failure into its own answer; the types and messages here are AWS's.
//
// - The payload hash signed is always that of the body received: `x-amz-content-sha256:
//   UNSIGNED-PAYLOAD` (or any other hash) would let a signed request be replayed with another body
//   (Lambda does not accept unsigned payloads either).
// - The path and query are canonicalised from the raw request line (never re-parsed by `URL`,
//   which would escape characters a client signed unescaped); repeated query keys are all signed.
// - The credential scope's service must be the server's; its region is not checked (locally the
//   region a client signs for is its own configuration's, not the server's).
// - Only header signatures (`Authorization: AWS4-HMAC-SHA256 …`): presigned query-string
//   signatures (`X-Amz-Signature=`) are not accepted.

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: requests must carry this `x-amz-security-token`. */
  sessionToken?: string;
}

export interface RequestToVerify {
  method: string;
  /** Path and query string as received (`/a/b?x=1`). */
  url: string;
  /** Header names and values in order, as Node's `rawHeaders`. */
  rawHeaders: readonly string[];
  body: Buffer;
}

/** AWS's error types for a request that fails SigV4. */
export type SignatureFailureType =
  'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';

export type SignatureCheck = { ok: true; accessKeyId: string } | { ok: false; type: SignatureFailureType; message: string };

export interface VerifyOptions {
  /** The service the credential scope must name (`lambda` for the Lambda API and function URLs). */
  service: string;
  /** The server's clock (epoch ms); tests move it. */
  now?: number;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
/** AWS accepts requests signed up to 5 minutes away from its clock (Lambda's `Signature expired … - 5 min.`). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export async function verifySignatureV4(request: RequestToVerify, credentials: SigningCredentials, options: VerifyOptions): Promise<SignatureCheck> {
  const headers = headerMap(request.rawHeaders);
  const authorization = headers.get('authorization');
  if (authorization === undefined) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTHORIZATION.exec(authorization);
  if (!match) {
    return fail('IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`);
  }
  const [, accessKeyId, , region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
  const amzDate = headers.get('x-amz-date');
  if (amzDate === undefined) {
    return fail('IncompleteSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  }
  if (service !== options.service) return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'.`);
  if (accessKeyId !== credentials.accessKeyId) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (credentials.sessionToken !== undefined && headers.get('x-amz-security-token') !== credentials.sessionToken) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const date = parseAmzDate(amzDate);
  if (!date) return fail('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate.slice(0, 32)}'.`);
  const skew = skewFailure(date, amzDate, options.now ?? Date.now());
  if (skew) return fail('InvalidSignatureException', skew);
  const declared = headers.get('x-amz-content-sha256');
  if (declared !== undefined) {
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (declared.toLowerCase() !== actual) {
      return fail(
        'InvalidSignatureException',
        `The request payload must be signed: x-amz-content-sha256 must be the SHA-256 of the body (${declared.slice(0, 64) === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD is not accepted' : 'it does not match the body received'}).`,
      );
    }
  }
  const names = signedHeaders.split(';');
  const signed: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== undefined) signed[name] = value;
  }
  const { path, query } = splitRequestUrl(request.url);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    // Sign exactly the headers the client signed: botocore signs only host and x-amz-date.
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: (signed.host ?? 'localhost').split(':')[0]!, path, query, headers: signed, body: request.body },
    // Exactly the headers the client says it signed (the signer would leave some out by default).
    { signingDate: date, signableHeaders: new Set(names) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization ?? ''))?.[1] ?? '';
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, accessKeyId };
}

function fail(type: SignatureFailureType, message: string): SignatureCheck {
  return { ok: false, type, message };
}

/** Lower-case header names; a repeated header's values comma-joined, as SigV4 canonicalises them. */
function headerMap(rawHeaders: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const previous = map.get(name);
    map.set(name, previous === undefined ? rawHeaders[i + 1]! : `${previous},${rawHeaders[i + 1]!}`);
  }
  return map;
}

/** The path as sent and the query's keys and values percent-decoded (the signer encodes them again); repeats kept. */
function splitRequestUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)) || '/';
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const part of url.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decode(part.slice(eq + 1));
      const previous = query[key];
      query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    }
  }
  return { path, query };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `20261122T101112Z` */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** AWS's messages for a request dated more than 5 minutes away from the server's clock. */
function skewFailure(date: Date, amzDate: string, now: number): string | undefined {
  const basic = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
  if (date.getTime() < now - MAX_CLOCK_SKEW_MS) {
    return `Signature expired: ${amzDate} is now earlier than ${basic(now - MAX_CLOCK_SKEW_MS)} (${basic(now)} - 5 min.)`;
  }
  if (date.getTime() > now + MAX_CLOCK_SKEW_MS) {
    return `Signature not yet current: ${amzDate} is still later than ${basic(now + MAX_CLOCK_SKEW_MS)} (${basic(now)} + 5 min.)`;
  }
  return undefined;
}
