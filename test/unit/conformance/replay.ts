import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';

// Replays request sequences against our Lambda API and compares each answer with the one AWS gave,
// as recorded in LocalStack's snapshots (recorded/README.md: source and licence). A recorded answer is
// either an error (status, error code, message, `Type`) or a success (status, and the body's keys and
// values). Values in the recordings carry LocalStack's placeholders (`<function-name:1>`, `<uuid:2>`,
// `<region>`, `date`, …): a placeholder matches any value, the same numbered placeholder must match
// the same value throughout a test, and two numbered placeholders of one kind must match different
// values — so a RevisionId that should have changed, and did not, is a mismatch. An unnumbered one
// (`<code-size>`, `<location>`) is LocalStack's replacement of any value of a key: it binds nothing.

const RECORDED_DIR = path.join(__dirname, 'recorded');
/** The account LocalStack's snapshots are normalised to. */
const RECORDED_ACCOUNT = '111111111111';
const PLACEHOLDER = /<([a-z0-9_-]+)(?::(\d+))?>/g;

export type Recorded = Record<string, unknown>;

/** The recorded answers of one test (`tests/aws/services/lambda_/<file>.py::<Class>::<test>`). */
export function recording(file: string, testId: string): Record<string, Recorded> {
  const all = JSON.parse(fs.readFileSync(path.join(RECORDED_DIR, file), 'utf8')) as Record<string, { 'recorded-content': Record<string, Recorded> }>;
  const entry = all[testId];
  if (!entry) throw new Error(`${file} has no recording of ${testId}`);
  const recorded = entry['recorded-content'];
  testIds.set(recorded, testId);
  return recorded;
}

/** The LocalStack test each recording came from (for the tally). */
const testIds = new WeakMap<object, string>();
/** Recorded answers compared (and so matched: a difference fails the test) per LocalStack test class. */
const tally = new Map<string, number>();

// After the whole run: how many of AWS's recorded answers were compared and matched, per family.
if (typeof after === 'function') {
  after(() => {
    if (tally.size === 0) return;
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    const families = [...tally].map(([family, n]) => `${family} ${n}`).join(', ');
    console.log(`      conformance: ${total} answers recorded against AWS compared and matched (${families})`);
  });
}

/** What our API answered, in the recordings' terms. */
export type Outcome =
  { status: number; body: Record<string, unknown> } | { status: number; error: { code: string; message: string; type?: string; reason?: string } };

/** An AWS SDK v3 call's outcome: its output without $metadata, or its service error. */
export async function sdkOutcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    const output = (await call()) as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
    const { $metadata, ...body } = output;
    return { status: $metadata?.httpStatusCode ?? 0, body: JSON.parse(JSON.stringify(body)) as Record<string, unknown> };
  } catch (e) {
    const error = e as Error & { $metadata?: { httpStatusCode?: number }; Type?: string; Reason?: string };
    if (!error.$metadata?.httpStatusCode) throw e;
    return { status: error.$metadata.httpStatusCode, error: { code: error.name, message: error.message, type: error.Type, reason: error.Reason } };
  }
}

export interface ReplayOptions {
  /** Arrays sorted by a key before comparing, as the test's SortingTransformer sorts them (`Aliases` by `Name`). */
  sortBy?: Record<string, string>;
  /** Paths (`Payload.stackTrace`) whose values are not compared, only their presence: as LocalStack's skip_snapshot_verify, for values that name the host (file paths). */
  skip?: string[];
}

/** One recorded test replayed: bindings of its placeholders, and the comparisons made. */
export class Replay {
  private readonly bindings = new Map<string, string>();
  readonly compared: string[] = [];

  private readonly family: string;

  constructor(
    private readonly recorded: Record<string, Recorded>,
    private readonly options: ReplayOptions = {},
  ) {
    this.family = testIds.get(recorded)?.split('::')[1] ?? 'unknown';
  }

  /** Compares an outcome with the recorded answer `key`; throws (an assertion) on the first difference. */
  expect(key: string, outcome: Outcome): void {
    const recorded = this.recorded[key];
    assert.ok(recorded, `no recorded answer '${key}'`);
    const { ResponseMetadata: meta, ...rest } = recorded as { ResponseMetadata?: { HTTPStatusCode: number } } & Record<string, unknown>;
    const differences: string[] = [];
    // A paginator's full result (boto3's build_full_result) was recorded without ResponseMetadata.
    if (meta && outcome.status !== meta.HTTPStatusCode) differences.push(`status ${outcome.status}, AWS ${meta.HTTPStatusCode}`);
    if ('Error' in rest) {
      const expected = rest.Error as { Code: string; Message: string };
      if (!('error' in outcome)) differences.push(`succeeded, AWS answered ${expected.Code}: ${expected.Message}`);
      else {
        this.match(expected.Code, outcome.error.code, 'Error.Code', differences);
        this.match(expected.Message, outcome.error.message, 'Error.Message', differences);
        if (typeof rest.Type === 'string') this.match(rest.Type, outcome.error.type, 'Type', differences);
        // a throttle's Reason (TooManyRequestsException)
        if (typeof rest.Reason === 'string') this.match(rest.Reason, outcome.error.reason, 'Reason', differences);
      }
    } else if ('error' in outcome) {
      differences.push(`${outcome.error.code}: ${outcome.error.message}, AWS succeeded`);
    } else {
      this.match(rest, outcome.body, '', differences);
    }
    if (differences.length > 0) assert.fail(`'${key}' differs from AWS's answer:\n  ${differences.join('\n  ')}`);
    this.compared.push(key);
    tally.set(this.family, (tally.get(this.family) ?? 0) + 1);
  }

  /**
   * Compares a value with the recorded `key` as it is, for a recording the test transformed before
   * recording it (no status: e.g. an error's code and its messages extracted and sorted).
   */
  expectValue(key: string, value: unknown): void {
    const recorded = this.recorded[key];
    assert.ok(recorded, `no recorded answer '${key}'`);
    const differences: string[] = [];
    this.match(recorded, value, '', differences);
    if (differences.length > 0) assert.fail(`'${key}' differs from AWS's answer:\n  ${differences.join('\n  ')}`);
    this.compared.push(key);
    tally.set(this.family, (tally.get(this.family) ?? 0) + 1);
  }

  /** Runs an SDK call and compares its outcome with the recorded answer `key`; returns the outcome. */
  async call(key: string, call: () => Promise<unknown>): Promise<Outcome> {
    const outcome = await sdkOutcome(call);
    this.expect(key, outcome);
    return outcome;
  }

  private match(expected: unknown, actual: unknown, at: string, differences: string[]): void {
    if (this.options.skip?.includes(at)) {
      if (actual === undefined) differences.push(`${at}: missing`);
      return;
    }
    if (typeof expected === 'string') {
      if (actual === undefined || actual === null || typeof actual === 'object') {
        differences.push(`${at || '(body)'}: ${actual === undefined ? 'missing' : JSON.stringify(actual)}, AWS ${JSON.stringify(expected)}`);
      } else if (expected !== keyReplacement(at)) this.matchString(expected, String(actual), at, differences);
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) {
        differences.push(`${at}: ${JSON.stringify(actual)}, AWS ${JSON.stringify(expected)}`);
        return;
      }
      const key = this.options.sortBy?.[at.split('.').pop() ?? ''];
      const sorted = key ? [...actual].sort((a, b) => String(a?.[key]).localeCompare(String(b?.[key]))) : actual;
      expected.forEach((e, i) => this.match(e, sorted[i], `${at}[${i}]`, differences));
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
        differences.push(`${at || '(body)'}: ${JSON.stringify(actual)}, AWS an object`);
        return;
      }
      const exp = expected as Record<string, unknown>;
      const act = actual as Record<string, unknown>;
      for (const k of Object.keys(act)) if (!(k in exp)) differences.push(`${at ? `${at}.` : ''}${k}: ours only (${JSON.stringify(act[k])})`);
      for (const [k, v] of Object.entries(exp)) this.match(v, act[k], at ? `${at}.${k}` : k, differences);
      return;
    }
    if (expected !== actual) differences.push(`${at}: ${JSON.stringify(actual)}, AWS ${JSON.stringify(expected)}`);
  }

  private matchString(expected: string, actual: string, at: string, differences: string[]): void {
    // `date` and `datetime`: LocalStack's placeholders for timestamps (strings, and parsed datetimes)
    if (expected === 'date' || expected === 'datetime') {
      if (Number.isNaN(Date.parse(actual))) differences.push(`${at}: ${JSON.stringify(actual)} is not a date`);
      return;
    }
    // `timestamp`: LocalStack's placeholder for SQS's epoch-millisecond attributes (SentTimestamp, …)
    if (expected === 'timestamp') {
      if (!/^\d{10,}$/.test(actual)) differences.push(`${at}: ${JSON.stringify(actual)} is not an epoch timestamp`);
      return;
    }
    const pattern = expected.split(RECORDED_ACCOUNT).join(LOCAL_ACCOUNT_ID);
    const names: string[] = [];
    let source = '^';
    let last = 0;
    for (const m of pattern.matchAll(PLACEHOLDER)) {
      source += escape(pattern.slice(last, m.index)) + '(.+?)';
      names.push(m[0]);
      last = m.index! + m[0].length;
    }
    source += escape(pattern.slice(last)) + '$';
    const found = new RegExp(source, 's').exec(actual);
    if (!found) {
      differences.push(`${at}: ${JSON.stringify(actual)}, AWS ${JSON.stringify(expected)}`);
      return;
    }
    names.forEach((name, i) => {
      // An unnumbered placeholder stands for any value (LocalStack's key-value replacements:
      // `<code-size>`, `<location>`); a numbered one names one value throughout the test.
      if (!name.includes(':')) return;
      const value = found[i + 1];
      const bound = this.bindings.get(name);
      if (bound !== undefined && bound !== value) {
        differences.push(`${at}: ${name} is ${JSON.stringify(value)} here but ${JSON.stringify(bound)} before`);
        return;
      }
      const kind = name.replace(/:\d+>$/, '');
      if (bound === undefined && name.includes(':')) {
        for (const [other, otherValue] of this.bindings) {
          if (other !== name && other.startsWith(`${kind}:`) && otherValue === value) {
            differences.push(`${at}: ${JSON.stringify(value)} is ${other} again where AWS answered a new value (${name})`);
          }
        }
      }
      this.bindings.set(name, value);
    });
  }
}

/**
 * LocalStack's replacement of any value of a key, without a reference (`key_value("CodeSha256",
 * reference_replacement=False)` records `code-sha256`, `LogResult` records `log-result`): the
 * key's name in kebab case, for the key at `at`.
 */
function keyReplacement(at: string): string | undefined {
  const key = at
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  return key ? key.replace(/\B([A-Z])/g, '-$1').toLowerCase() : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
