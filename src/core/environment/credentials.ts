// AWS credentials handed to functions: the user's own (so handlers can call real AWS) when the
// credential chain has them, otherwise obviously fake ones. They are never logged.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms after which they must be resolved again. */
  expiresAt?: number;
  source: 'environment' | 'profile' | 'fake';
}

export const FAKE_CREDENTIALS: AwsCredentials = {
  accessKeyId: 'ASIALAMBDAWORKBENCHFAKE',
  secretAccessKey: 'lambda-workbench-fake-secret-access-key-not-valid',
  sessionToken: 'lambda-workbench-fake-session-token',
  source: 'fake',
};

export type CredentialResolver = () => Promise<AwsCredentials>;

/**
 * The environment and shared-config parts of the SDK's default chain (env vars, then the
 * profile of AWS_PROFILE in ~/.aws, SSO and credential_process included). Instance metadata
 * is left out on purpose: on a laptop it only adds seconds of timeouts to the first cold start.
 * A profile given explicitly (`--profile`) is the only source, as in the AWS CLI.
 */
export function userCredentialChain(timeoutMs = 3000, profile?: string): CredentialResolver {
  return async () => {
    const { fromEnv, fromIni } = await import('@aws-sdk/credential-providers');
    const attempts: Array<
      [AwsCredentials['source'], () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>]
    > = profile
      ? [['profile', fromIni({ profile })]]
      : [
          ['environment', fromEnv()],
          ['profile', fromIni()],
        ];
    for (const [source, provider] of attempts) {
      try {
        const creds = await withTimeout(provider(), timeoutMs);
        return {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
          expiresAt: creds.expiration?.getTime(),
          source,
        };
      } catch {
        // try the next source
      }
    }
    return FAKE_CREDENTIALS;
  };
}

/** Resolves once and again only when expiring; concurrent callers share one resolution. */
export class CredentialCache {
  private pending: Promise<AwsCredentials> | undefined;

  constructor(private readonly resolve: CredentialResolver) {}

  get(): Promise<AwsCredentials> {
    if (this.pending) {
      return this.pending.then((creds) => {
        if (creds.expiresAt !== undefined && creds.expiresAt - Date.now() < 60_000) {
          this.pending = undefined;
          return this.get();
        }
        return creds;
      });
    }
    this.pending = this.resolve().catch(() => FAKE_CREDENTIALS);
    return this.pending;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
