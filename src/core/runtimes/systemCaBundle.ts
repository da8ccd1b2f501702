import * as fs from 'node:fs';

/** The system's CA bundle (Debian, Amazon Linux / RHEL, macOS), or undefined. */
export function systemCaBundle(): string | undefined {
  return ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'].find((file) => fs.existsSync(file));
}
