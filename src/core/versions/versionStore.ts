import { createHash, randomUUID } from 'node:crypto';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DeadLetterQueue, FunctionDefinition } from '../config/types';
import { WorkbenchError } from '../errors';
import { BlobStore, manifestSha256, type Manifest } from './codeSnapshot';
import { stateLayout } from '../vocabulary/stateDirectory';

// Published versions, aliases and API-set function settings, kept as small JSON files in the state
// directory (not in the LevelDB store: a `lambda-workbench publish` must work while `serve` holds
// that store's lock, and a running engine sees what another process wrote on its next read).
//
//   <state>/blobs/<aa>/<sha256>                      file contents, read-only, shared
//   <state>/functions/<fn>/versions/<N>.json          one published version (immutable)
//   <state>/functions/<fn>/versions/<N>/code|layers/  its code and layers, materialised from blobs
//   <state>/functions/<fn>/aliases/<name>.json        one alias
//   <state>/functions/<fn>/settings.json              reserved / provisioned concurrency, event invoke configs

/** What a version freezes of a function's configuration (code and layers are snapshots beside it). */
export interface VersionConfig {
  logicalId: string;
  resourceType: FunctionDefinition['resourceType'];
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  /** Only when true (an older record's hash stays what it was). */
  emptyEnvironmentDeclared?: boolean;
  architectures: string[];
  description?: string;
  deadLetterQueue?: DeadLetterQueue;
}

export interface LayerSnapshot {
  logicalId?: string;
  arn?: string;
  /** Absent for layers known only by ARN (not available locally, then or now). */
  manifest?: Manifest;
  codeSha256?: string;
  codeSize?: number;
}

export interface VersionRecord {
  functionName: string;
  version: string;
  /** The PublishVersion description. */
  description: string;
  lastModified: string;
  revisionId: string;
  codeSha256: string;
  codeSize: number;
  code: Manifest;
  layers: LayerSnapshot[];
  config: VersionConfig;
  /** sha256 over code, layers and configuration: what "unchanged" means, and the integrity check. */
  snapshotSha256: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  /** Additional version → weight (at most one entry). */
  additionalVersionWeights?: Record<string, number>;
  revisionId: string;
}

export interface EventInvokeConfigRecord {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  destinationConfig?: { onSuccess?: { destination: string }; onFailure?: { destination: string } };
  lastModified: string;
}

/** Settings made through the control-plane API; they override the template's. */
export interface FunctionSettings {
  /** A number: reserved; null: no reservation (DeleteFunctionConcurrency); absent: the template's. */
  reservedConcurrentExecutions?: number | null;
  /** Qualifier (version or alias) → provisioned environments. */
  provisionedConcurrency?: Record<string, { count: number; lastModified: string }>;
  /** Qualifier ('$LATEST', version or alias) → event invoke config; null: the template's deleted. */
  eventInvokeConfigs?: Record<string, EventInvokeConfigRecord | null>;
}

/** The hash over everything a version freezes; equal hashes mean "publishing would change nothing". */
export function snapshotSha256(codeSha256: string, layers: LayerSnapshot[], config: VersionConfig): string {
  const canonical = JSON.stringify({ code: codeSha256, layers: layers.map((l) => l.codeSha256 ?? l.arn ?? ''), config: sortKeys(config) });
  return createHash('sha256').update(canonical).digest('base64');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export class VersionStore {
  readonly blobs: BlobStore;
  /** Versions are immutable: once read and checked, a record is kept. */
  private readonly versions = new Map<string, VersionRecord>();
  /** Materialised directories checked against their manifests in this process. */
  private readonly verified = new Map<string, Promise<{ codeDir: string; layerDirs: Array<string | undefined> }>>();
  private readonly aliasCache = new Map<string, { mtimeMs: number; record: AliasRecord }>();

  constructor(readonly root: string) {
    this.blobs = new BlobStore(stateLayout(root).blobs);
  }

  private functionDir(fn: string): string {
    return path.join(stateLayout(this.root).functions, fn);
  }

  private versionFile(fn: string, version: string): string {
    return path.join(this.functionDir(fn), 'versions', `${version}.json`);
  }

  // --- versions ---------------------------------------------------------------------------------

  /** Published version numbers of a function, ascending. */
  async versionNumbers(fn: string): Promise<number[]> {
    const names = await fs.readdir(path.join(this.functionDir(fn), 'versions')).catch(() => [] as string[]);
    return names
      .map((n) => /^(\d+)\.json$/.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  async listVersions(fn: string): Promise<VersionRecord[]> {
    const records: VersionRecord[] = [];
    for (const n of await this.versionNumbers(fn)) {
      const record = await this.getVersion(fn, String(n));
      if (record) records.push(record);
    }
    return records;
  }

  /** A published version; throws a clear error if its record was altered since it was published. */
  async getVersion(fn: string, version: string): Promise<VersionRecord | undefined> {
    const key = `${fn}\0${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    let text: string;
    try {
      text = await fs.readFile(this.versionFile(fn, version), 'utf8');
    } catch {
      return undefined;
    }
    let record: VersionRecord;
    try {
      record = JSON.parse(text) as VersionRecord;
    } catch {
      throw corrupt(fn, version, 'its record is not valid JSON');
    }
    if (manifestSha256(record.code ?? {}) !== record.codeSha256) throw corrupt(fn, version, 'its code manifest does not match its CodeSha256');
    for (const layer of record.layers ?? []) {
      if (layer.manifest && manifestSha256(layer.manifest) !== layer.codeSha256) {
        throw corrupt(fn, version, `the manifest of layer ${layer.logicalId ?? layer.arn} does not match its hash`);
      }
    }
    if (snapshotSha256(record.codeSha256, record.layers, record.config) !== record.snapshotSha256) {
      throw corrupt(fn, version, 'its configuration was changed after it was published');
    }
    this.versions.set(key, record);
    return record;
  }

  /**
   * Stores a new version with the next number. Numbers are taken by creating `<N>.json`
   * exclusively, so two processes publishing at once get different numbers.
   */
  async addVersion(draft: Omit<VersionRecord, 'version' | 'revisionId' | 'lastModified'>): Promise<VersionRecord> {
    const dir = path.join(this.functionDir(draft.functionName), 'versions');
    await fs.mkdir(dir, { recursive: true });
    const numbers = await this.versionNumbers(draft.functionName);
    let next = (numbers.at(-1) ?? 0) + 1;
    for (;;) {
      const record: VersionRecord = { ...draft, version: String(next), revisionId: randomUUID(), lastModified: lambdaTimestamp() };
      const tmp = path.join(dir, `.${next}.${process.pid}.${randomUUID()}.tmp`);
      await fs.writeFile(tmp, JSON.stringify(record, null, 2), { mode: 0o444 });
      try {
        await fs.link(tmp, this.versionFile(draft.functionName, record.version));
        this.versions.set(`${draft.functionName}\0${record.version}`, record);
        return record;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        next++;
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
  }

  /**
   * The version's code directory and layer directories, materialised on first use and checked
   * against the published manifests once per process; a mismatch refuses the version.
   */
  materialized(record: VersionRecord): Promise<{ codeDir: string; layerDirs: Array<string | undefined> }> {
    const key = `${record.functionName}\0${record.version}`;
    let result = this.verified.get(key);
    if (!result) {
      result = this.materializeAndVerify(record);
      result.catch(() => this.verified.delete(key));
      this.verified.set(key, result);
    }
    return result;
  }

  private async materializeAndVerify(record: VersionRecord): Promise<{ codeDir: string; layerDirs: Array<string | undefined> }> {
    const base = path.join(this.functionDir(record.functionName), 'versions', record.version);
    const codeDir = path.join(base, 'code');
    const check = async (manifest: Manifest, dir: string, what: string): Promise<void> => {
      if (
        !(await fs.access(dir).then(
          () => true,
          () => false,
        ))
      ) {
        await this.blobs.materialize(manifest, dir);
      }
      const problems = await this.blobs.verify(manifest, dir);
      if (problems.length > 0) {
        const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
        throw corrupt(record.functionName, record.version, `${what} no longer matches what was published: ${shown}`);
      }
    };
    await check(record.code, codeDir, 'its code');
    const layerDirs: Array<string | undefined> = [];
    for (const [i, layer] of record.layers.entries()) {
      if (!layer.manifest) {
        layerDirs.push(undefined);
        continue;
      }
      const dir = path.join(base, 'layers', String(i));
      await check(layer.manifest, dir, `layer ${layer.logicalId ?? i}`);
      layerDirs.push(dir);
    }
    return { codeDir, layerDirs };
  }

  // --- aliases ----------------------------------------------------------------------------------

  private aliasFile(fn: string, name: string): string {
    return path.join(this.functionDir(fn), 'aliases', `${name}.json`);
  }

  /** The alias as last written (by this or another process: a stat per call keeps it current). */
  getAlias(fn: string, name: string): AliasRecord | undefined {
    const file = this.aliasFile(fn, name);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      this.aliasCache.delete(file);
      return undefined;
    }
    const cached = this.aliasCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.record;
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as AliasRecord;
      this.aliasCache.set(file, { mtimeMs, record });
      return record;
    } catch {
      return undefined; // being replaced right now, or damaged: as if absent
    }
  }

  async listAliases(fn: string): Promise<AliasRecord[]> {
    const names = await fs.readdir(path.join(this.functionDir(fn), 'aliases')).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .map((n) => this.getAlias(fn, n.slice(0, -'.json'.length)))
      .filter((a): a is AliasRecord => a !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async putAlias(fn: string, record: AliasRecord): Promise<void> {
    await writeAtomically(this.aliasFile(fn, record.name), JSON.stringify(record, null, 2));
  }

  async deleteAlias(fn: string, name: string): Promise<void> {
    await fs.rm(this.aliasFile(fn, name), { force: true });
    this.aliasCache.delete(this.aliasFile(fn, name));
  }

  // --- API-set settings -------------------------------------------------------------------------

  async getSettings(fn: string): Promise<FunctionSettings> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.functionDir(fn), 'settings.json'), 'utf8')) as FunctionSettings;
    } catch {
      return {};
    }
  }

  async updateSettings(fn: string, change: (settings: FunctionSettings) => void): Promise<FunctionSettings> {
    const settings = await this.getSettings(fn);
    change(settings);
    await writeAtomically(path.join(this.functionDir(fn), 'settings.json'), JSON.stringify(settings, null, 2));
    return settings;
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, file);
}

function corrupt(fn: string, version: string, why: string): WorkbenchError {
  return new WorkbenchError(
    'ServiceException',
    `Version ${version} of ${fn} cannot be used: ${why}. Published versions are immutable; publish a new version instead of editing the state directory.`,
  );
}

/** Lambda's LastModified format: 2019-09-24T18:20:35.054+0000. */
export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
