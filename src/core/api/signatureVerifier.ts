import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from './apiError';

// Optional SigV4 verification of incoming requests: the request is signed again with the
// configured credentials (by @smithy/signature-v4, the SDK's own signer) at the request's own
// date, over the headers it says it signed, and the signatures must match. The payload hash in the
// signature is always that of the body received: a request that says `x-amz-content-sha256:
// UNSIGNED-PAYLOAD` (or any other hash) could otherwise be replayed with another body.

export interface ApiCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
/** AWS accepts requests signed up to 5 minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

export class SignatureVerifier {
  constructor(private readonly config: ApiCredentials & { region: string }) {}

  async verify(req: http.IncomingMessage, body: Buffer): Promise<void> {
    const authorization = req.headers.authorization;
    const amzDate = req.headers['x-amz-date'];
    if (!authorization || typeof amzDate !== 'string') {
      throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const match = AUTHORIZATION.exec(authorization);
    if (!match) {
      throw new ApiError(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`);
    }
    const [, accessKeyId, , region, service, signedHeaders, signature] = match;
    if (accessKeyId !== this.config.accessKeyId) {
      throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const date = parseAmzDate(amzDate);
    if (!date || Math.abs(Date.now() - date.getTime()) > MAX_SKEW_MS) {
      throw new ApiError(403, 'InvalidSignatureException', 'Signature expired: the request time is too far from the server time.');
    }
    const declared = req.headers['x-amz-content-sha256'];
    if (declared !== undefined) {
      const actual = createHash('sha256').update(body).digest('hex');
      if (String(declared).toLowerCase() !== actual) {
        throw new ApiError(
          403,
          'InvalidSignatureException',
          `The request payload must be signed: x-amz-content-sha256 must be the SHA-256 of the body (${String(declared).slice(0, 64) === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD is not accepted' : 'it does not match the body received'}).`,
        );
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(';')) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => (query[key] = value));
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey: this.config.secretAccessKey },
      region,
      service,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
      // Sign exactly the headers the client signed: botocore signs only host and x-amz-date.
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: req.method ?? 'GET',
        protocol: 'http:',
        hostname: String(req.headers.host ?? 'localhost').split(':')[0],
        path: url.pathname,
        query,
        headers,
        body,
      },
      // Exactly the headers the client says it signed (the signer would leave some out by default).
      { signingDate: date, signableHeaders: new Set(signedHeaders.split(';')) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
    if (expected !== signature) {
      throw new ApiError(
        403,
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
  }
}

/** `20261122T101112Z` */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}
