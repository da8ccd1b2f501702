import type { SourceEndpoint, SourceEndpoints } from '../core';

// The `lambdaWorkbench.sourceEndpoints` setting as the engine's `sourceEndpoints`: queue or stream
// (logical id, name or ARN) → { url, region, profile, remoteName }. VS Code checks the JSON schema
// only in the settings editor, so what a hand-edited settings.json holds is checked here too: an
// entry that is not usable is left out (that source stays embedded) and said in a problem line.

const KEYS = ['url', 'region', 'profile', 'remoteName'] as const;

export interface SourceEndpointsSetting {
  endpoints: SourceEndpoints;
  /** One line per entry left out or key ignored, for the output channel. */
  problems: string[];
}

export function sourceEndpointsFromSetting(value: unknown): SourceEndpointsSetting {
  const endpoints: SourceEndpoints = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { endpoints, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('lambdaWorkbench.sourceEndpoints must be an object: { "<queue or stream>": { "url": "http://…" } }; ignored.');
    return { endpoints, problems };
  }
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const where = `lambdaWorkbench.sourceEndpoints["${name}"]`;
    if (name.trim() === '') {
      problems.push(`${where}: an empty queue or stream name; ignored.`);
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} must be an object such as { "url": "http://127.0.0.1:9324" }; ${name} stays embedded.`);
      continue;
    }
    const endpoint: SourceEndpoint = {};
    let usable = true;
    for (const [key, raw] of Object.entries(entry as Record<string, unknown>)) {
      if (!(KEYS as readonly string[]).includes(key)) {
        problems.push(`${where}: unknown key "${key}" (url, region, profile, remoteName); ignored.`);
        continue;
      }
      if (typeof raw !== 'string' || raw.trim() === '') {
        problems.push(`${where}.${key} must be a non-empty string; ${name} stays embedded.`);
        usable = false;
        continue;
      }
      if (key === 'url' && !isHttpUrl(raw)) {
        problems.push(`${where}.url must be an http:// or https:// URL, got "${raw}"; ${name} stays embedded.`);
        usable = false;
        continue;
      }
      endpoint[key as (typeof KEYS)[number]] = raw.trim();
    }
    if (usable) endpoints[name] = endpoint;
  }
  return { endpoints, problems };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
