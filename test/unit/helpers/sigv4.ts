import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

// A request signed as a user's code signs it for an AWS_IAM function URL: @smithy/signature-v4 (the
// AWS SDK's own signer), service `lambda`, the headers the caller gives plus host and x-amz-date.

export interface SignOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  service?: string;
  /** The request's date (a clock that is off). */
  signingDate?: Date;
}

/** The headers to send with `url`: the given ones, host, x-amz-date and Authorization (and x-amz-security-token). */
export async function signedRequestHeaders(url: string, options: SignOptions): Promise<Record<string, string>> {
  const target = new URL(url);
  const query: Record<string, string | string[]> = {};
  target.searchParams.forEach((value, key) => {
    const previous = query[key];
    query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  });
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'lambda',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    {
      method: options.method ?? 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query,
      headers: { ...options.headers, host: target.host },
      body: options.body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name, String(value)]));
}
