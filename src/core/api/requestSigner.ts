import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../environment/credentials';

// The client side of `serve --verify-signatures`: our own tools (the CLI's queue and stream
// commands, the debug adapter) sign their requests to a running serve with SigV4 as the AWS SDK
// does (service `lambda`, the payload hash signed), with the user's credentials.

export async function signedHeaders(
  credentials: Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
  region: string,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    region,
    service: 'lambda',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => (query[key] = value));
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { ...headers, host: url.host },
    body,
  });
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) result[name] = String(value);
  return result;
}
