import * as fs from 'node:fs';
import type { FunctionDefinition } from '../config/types';

// What AWS's managed runtimes inherit from the way they are started. The Node.js, Python and Ruby
// runtimes are started by a shell script (/var/runtime/bootstrap), which leaves PWD (the task root,
// their working directory) and SHLVL ("0") in the function's environment; Java's and custom
// runtimes are started directly and have neither (AWS's recorded environments, test_lambda_common).

/** PWD and SHLVL as a runtime started through AWS's shell bootstrap sees them. */
export function startedByShell(fn: FunctionDefinition): Record<string, string> {
  return { PWD: fn.codeUri, SHLVL: '0' };
}

/** The system's CA bundle (Debian, Amazon Linux / RHEL, macOS), or undefined. */
export function systemCaBundle(): string | undefined {
  return ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'].find((file) => fs.existsSync(file));
}
