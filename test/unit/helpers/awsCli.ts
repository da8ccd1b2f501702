import { spawn } from 'node:child_process';

// The real AWS CLI v2 (Debian's `awscli`) as tests run it: always /usr/bin/aws (an `aws` elsewhere
// on PATH may be a CLI v1), a clean, file-less configuration, no retries, JSON output parsed.

export const AWS = '/usr/bin/aws';

export interface AwsRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The CLI's JSON output, when it printed one. */
  json: any;
}

export function awsEnv(home: string, credentials = { id: 'test', secret: 'test' }): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: credentials.id,
    AWS_SECRET_ACCESS_KEY: credentials.secret,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `aws <args>` in `cwd` (also its HOME). */
export function runAws(args: string[], cwd: string, credentials?: { id: string; secret: string }): Promise<AwsRun> {
  const child = spawn(AWS, args, { cwd, env: awsEnv(cwd, credentials) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (status) => {
    let json: any;
    try {
      json = stdout.trim() ? JSON.parse(stdout) : undefined;
    } catch {
      json = undefined;
    }
    resolve({ status, stdout, stderr, json });
  }));
}
