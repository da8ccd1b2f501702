import * as path from 'node:path';
import type { WorkbenchSettings } from '../core';
import { UsageError } from './templateOption';

// `--jwks <issuer=file>` (serve, start-api): the keys JWT and Cognito authorizers verify tokens with
// (the engine's `jwks` setting) — nothing is fetched. Repeatable, one issuer each; the file is taken
// relative to the current directory. The last `=` splits, as a path holds one less often than an issuer URL.

export type JwksSetting = NonNullable<WorkbenchSettings['jwks']>;

/** `--jwks`'s flags and help, for `.option(JWKS_FLAGS, JWKS_HELP, collectJwks)`. */
export const JWKS_FLAGS = '--jwks <issuer=file>';
export const JWKS_HELP =
  'JWKS file of a token issuer, for JWT and Cognito authorizers (e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC=jwks.json; repeatable; nothing is fetched: tokens of an issuer without one are refused)';
export const collectJwks = (value: string, previous: string[] = []): string[] => previous.concat(value);

/** `--jwks` values as the engine's setting (paths made absolute); undefined when none is given. */
export function parseJwksOption(values: string[] | undefined, cwd: string = process.cwd()): JwksSetting | undefined {
  if (!values || values.length === 0) return undefined;
  const jwks: JwksSetting = {};
  for (const value of values) {
    const eq = value.lastIndexOf('=');
    const issuer = eq < 0 ? '' : value.slice(0, eq).trim();
    const file = eq < 0 ? '' : value.slice(eq + 1).trim();
    if (issuer === '' || file === '') throw new UsageError(`--jwks expects issuer=file (the tokens' iss, then a JWKS file), got "${value}"`);
    if (jwks[issuer] !== undefined) throw new UsageError(`--jwks ${issuer} is given twice`);
    jwks[issuer] = path.resolve(cwd, file);
  }
  return jwks;
}
