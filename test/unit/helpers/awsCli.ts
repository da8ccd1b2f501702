import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

// The real AWS CLI v2 (Debian's `awscli`) as tests run it: always /usr/bin/aws (an `aws` elsewhere
// on PATH may be a CLI v1), a clean, file-less configuration, no retries, JSON output parsed.

export const AWS = '/usr/bin/aws';

/** Fails (no skip: the test command installs it, so its absence is a broken setup) unless /usr/bin/aws is the AWS CLI v2. */
export function assertAwsCliV2(): void {
  if (!fs.existsSync(AWS)) {
    throw new Error(`${AWS} is missing: the AWS CLI v2 tests need Debian's awscli (npm test / scripts/test.sh installs it: apt-get install awscli)`);
  }
  const version = spawnSync(AWS, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: os.tmpdir() } });
  assert.match(`${version.stdout}${version.stderr}`, /^aws-cli\/2\./, `${AWS} is not the AWS CLI v2: ${version.stdout}${version.stderr}`);
}

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
  return new Promise((resolve) =>
    child.on('close', (status) => {
      let json: any;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ status, stdout, stderr, json });
    }),
  );
}

/** `aws lambda <args>` against a local endpoint (us-east-1, JSON output, raw JSON payloads). */
export function runLambda(args: string[], endpoint: string, cwd: string, credentials?: { id: string; secret: string }): Promise<AwsRun> {
  return runAws(
    ['lambda', ...args, '--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json', '--cli-binary-format', 'raw-in-base64-out'],
    cwd,
    credentials,
  );
}
