import * as path from 'node:path';
import type { WorkbenchSettings } from '../core';

// The `lambdaWorkbench.jwks` setting as the engine's `jwks`: a token issuer (`iss`) → the JWKS its
// JWT or Cognito authorizers verify tokens with, inline (`{"keys": [...]}`) or a file, relative to
// the workspace folder (made absolute here: the engine would take it relative to the template).
// VS Code checks the schema only in the settings editor, so a hand-edited value is checked here: an
// unusable entry is left out (its issuer's tokens are then refused) and said in a problem line.

export type JwksSetting = NonNullable<WorkbenchSettings['jwks']>;

export function jwksFromSetting(value: unknown, folder: string): { jwks: JwksSetting; problems: string[] } {
  const jwks: JwksSetting = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { jwks, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('lambdaWorkbench.jwks must be an object: { "<issuer>": "<jwks.json>" or { "keys": [...] } }; ignored.');
    return { jwks, problems };
  }
  for (const [issuer, entry] of Object.entries(value as Record<string, unknown>)) {
    const where = `lambdaWorkbench.jwks["${issuer}"]`;
    if (issuer.trim() === '') {
      problems.push(`${where}: an empty issuer; ignored.`);
    } else if (typeof entry === 'string' && entry.trim() !== '') {
      jwks[issuer] = entry.trim().startsWith('{') ? entry : path.resolve(folder, entry);
    } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Array.isArray((entry as { keys?: unknown }).keys)) {
      jwks[issuer] = entry as JwksSetting[string];
    } else {
      problems.push(`${where} must be a JWKS file's path or a JWKS ({ "keys": [...] }); tokens of ${issuer} are refused.`);
    }
  }
  return { jwks, problems };
}
