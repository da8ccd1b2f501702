// The keys JWT and Cognito authorizers verify tokens with. API Gateway fetches them from the
// issuer's `jwks_uri`; locally nothing is fetched: the `jwks` setting maps an issuer to its JWKS,
// given inline (`{"keys": [...]}`, as an object or JSON text) or as a file (absolute, or relative to
// the template's directory; `--jwks` resolves it against the current directory). A file is read
// again when it changes. An issuer without keys is refused (401), never let through.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Issuer (`iss`) → its JWKS: inline, JSON text, or a file's path. */
export type JwksSetting = Record<string, string | JSONWebKeySet>;

export type KeysLookup = { keys: JWTVerifyGetKey } | { problem: string };

export class JwksStore {
  private readonly files = new Map<string, { stamp: string; lookup: KeysLookup }>();
  private readonly inline = new Map<string, { source: unknown; lookup: KeysLookup }>();

  constructor(
    private readonly setting: () => JwksSetting | undefined,
    /** Relative paths are resolved against it (the template's directory). */
    private readonly baseDir: () => string,
  ) {}

  /** The issuer's keys, or what is wrong (said in the 401's `www-authenticate`). */
  keysFor(issuer: string): KeysLookup {
    const setting = this.setting() ?? {};
    // `https://issuer/` and `https://issuer` name the same issuer in a setting.
    const alternative = issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`;
    const source = setting[issuer] ?? setting[alternative];
    if (source === undefined) {
      return { problem: `no JWKS is configured locally for the issuer ${issuer} (lambda-workbench --jwks ${issuer}=<jwks.json>, or the jwks setting)` };
    }
    if (typeof source === 'string' && !source.trim().startsWith('{')) return this.fromFile(path.resolve(this.baseDir(), source));
    const cached = this.inline.get(issuer);
    if (cached && cached.source === source) return cached.lookup;
    let lookup: KeysLookup;
    try {
      lookup = keySet(typeof source === 'string' ? JSON.parse(source) : source, `the JWKS configured for ${issuer}`);
    } catch (error) {
      lookup = { problem: `the JWKS configured for ${issuer} is not JSON: ${(error as Error).message}` };
    }
    this.inline.set(issuer, { source, lookup });
    return lookup;
  }

  private fromFile(file: string): KeysLookup {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      return { problem: `the JWKS file ${file} cannot be read` };
    }
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    const cached = this.files.get(file);
    if (cached && cached.stamp === stamp) return cached.lookup;
    let lookup: KeysLookup;
    try {
      lookup = keySet(JSON.parse(fs.readFileSync(file, 'utf8')), `the JWKS file ${file}`);
    } catch (error) {
      lookup = { problem: `the JWKS file ${file} is not JSON: ${(error as Error).message}` };
    }
    this.files.set(file, { stamp, lookup });
    return lookup;
  }
}

function keySet(value: unknown, what: string): KeysLookup {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return { problem: `${what} is not a JWKS ({"keys": [...]})` };
  try {
    return { keys: createLocalJWKSet(value as JSONWebKeySet) };
  } catch (error) {
    return { problem: `${what} is not a usable JWKS: ${(error as Error).message}` };
  }
}
