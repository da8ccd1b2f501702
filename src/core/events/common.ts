import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';

// What every sample-event generator shares: its options (declared with defaults and help, given as
// strings as a command line gives them), a random source that a seed makes repeatable, the clock,
// and the identifiers AWS puts in events (ARNs, ids, timestamps in the formats each service uses).

/** A wrong option name or value: the message is one line, fit for a command line. */
export class EventOptionError extends Error {}

export type OptionKind = 'string' | 'integer' | 'json' | 'flag' | 'list';

export interface OptionSpec {
  /** As on the command line, without the dashes (`bucket`, `partition-key`). */
  name: string;
  kind: OptionKind;
  /** The default as text; undefined means "absent" (the event leaves the field out). */
  default?: string;
  help: string;
  /** Allowed values, for options that choose between a few. */
  choices?: readonly string[];
}

/** Option values as given by a caller: command-line text, or plain values from code. */
export type EventOptionValues = Record<string, string | number | boolean | object | undefined>;

/** Options every generator takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'region', kind: 'string', default: DEFAULT_REGION, help: 'region of the ARNs, awsRegion and host names' },
  { name: 'account-id', kind: 'string', default: LOCAL_ACCOUNT_ID, help: 'account id of the ARNs' },
  { name: 'partition', kind: 'string', default: 'aws', help: 'ARN partition (aws, aws-cn, aws-us-gov)' },
  { name: 'seed', kind: 'string', help: 'seed of the random ids, for repeatable output (with --time)' },
  { name: 'time', kind: 'string', help: 'time of the event (ISO 8601 or epoch milliseconds; default: now)' },
];

export function option(name: string, kind: OptionKind, defaultValue: string | undefined, help: string, choices?: readonly string[]): OptionSpec {
  return { name, kind, default: defaultValue, help, ...(choices ? { choices } : {}) };
}

/** Random values: crypto-seeded, or repeatable from `--seed` (xmur3 + sfc32). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed?: string) {
    const text = seed ?? randomBytes(16).toString('hex');
    let h = 1779033703 ^ text.length;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = () => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.uint32() % (max - min + 1));
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.uint32() & 0xff;
    return out;
  }

  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.uint32() % alphabet.length];
    return out;
  }

  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }

  digits(n: number): string {
    return this.chars('0123456789', n);
  }

  /** Upper-case letters and digits, as in IAM unique ids and S3 canonical ids. */
  upper(n: number): string {
    return this.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', n);
  }

  lower(n: number): string {
    return this.chars('abcdefghijklmnopqrstuvwxyz0123456789', n);
  }

  base64(nBytes: number): string {
    return this.bytes(nBytes).toString('base64');
  }

  /** A version 4 UUID. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** The resolved options of one generation, with typed accessors, and its random source and clock. */
export class EventContext {
  readonly random: Random;
  /** Epoch milliseconds of the event. */
  readonly now: number;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;

  constructor(
    private readonly specs: readonly OptionSpec[],
    private readonly values: Record<string, string | undefined>,
  ) {
    this.random = new Random(values.seed);
    this.now = values.time === undefined ? Date.now() : parseTime(values.time);
    this.region = this.string('region');
    this.accountId = this.string('account-id');
    this.partition = this.string('partition');
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(this.region)) throw new EventOptionError(`--region: not a region name: "${this.region}"`);
    if (!/^\d{12}$/.test(this.accountId)) throw new EventOptionError(`--account-id: expected 12 digits, got "${this.accountId}"`);
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string): string {
    const value = this.raw(name);
    if (value === undefined) throw new EventOptionError(`--${name} is required`);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  integer(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.string(name);
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new EventOptionError(`--${name}: expected an integer from ${min} to ${max}, got "${text}"`);
    }
    return n;
  }

  flag(name: string): boolean {
    const value = this.raw(name);
    if (value === undefined) return false;
    if (/^(true|yes|1|)$/i.test(value)) return true;
    if (/^(false|no|0)$/i.test(value)) return false;
    throw new EventOptionError(`--${name}: expected true or false, got "${value}"`);
  }

  /** A comma-separated list (empty items dropped). */
  list(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  json(name: string): unknown {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new EventOptionError(`--${name}: not valid JSON (${(error as Error).message})`);
    }
  }

  /** A JSON object whose values are strings (numbers and booleans are turned into strings). */
  stringMap(name: string): Record<string, string> | undefined {
    const value = this.json(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new EventOptionError(`--${name}: expected a JSON object`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'object' && v !== null) throw new EventOptionError(`--${name}: the value of "${k}" must be a string`);
      out[k] = String(v);
    }
    return out;
  }

  choice<T extends string>(name: string): T {
    const value = this.string(name);
    const spec = this.specs.find((s) => s.name === name);
    const match = spec?.choices?.find((c) => c.toLowerCase() === value.toLowerCase());
    if (spec?.choices && !match) throw new EventOptionError(`--${name}: expected one of ${spec.choices.join(', ')}, got "${value}"`);
    return (match ?? value) as T;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` (region and account may be empty). */
  arn(service: string, resource: string, options: { region?: string; accountId?: string } = {}): string {
    return `arn:${this.partition}:${service}:${options.region ?? this.region}:${options.accountId ?? this.accountId}:${resource}`;
  }

  /** ISO 8601 with milliseconds, as S3, SNS and CloudTrail write it. */
  isoTime(offsetMs = 0): string {
    return new Date(this.now + offsetMs).toISOString();
  }

  private raw(name: string): string | undefined {
    if (!this.specs.some((s) => s.name === name)) throw new Error(`internal: option --${name} is not declared`);
    return this.values[name];
  }
}

function parseTime(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new EventOptionError(`--time: expected ISO 8601 or epoch milliseconds, got "${text}"`);
  return ms;
}

/**
 * Merges given values over the defaults of `specs` (common options included) and checks names and
 * kinds. Values from code may be plain numbers, booleans or objects; they become their text form.
 */
export function resolveOptions(specs: readonly OptionSpec[], given: EventOptionValues = {}): EventContext {
  const all = [...COMMON_OPTIONS, ...specs];
  const values: Record<string, string | undefined> = {};
  for (const spec of all) values[spec.name] = spec.default;
  for (const [name, value] of Object.entries(given)) {
    const spec = all.find((s) => s.name === name);
    if (!spec) throw new EventOptionError(`Unknown option --${name} (options: ${all.map((s) => `--${s.name}`).join(', ')})`);
    if (value === undefined) continue;
    if (spec.kind === 'flag' && typeof value === 'boolean') values[name] = value ? 'true' : 'false';
    else if (typeof value === 'object') values[name] = JSON.stringify(value);
    else values[name] = String(value);
  }
  return new EventContext(all, values);
}

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** API Gateway's and Function URLs' request time: `12/Mar/2020:19:03:58 +0000`. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** A decimal string of exactly `length` digits starting with `prefix`, as a BigInt for arithmetic. */
export function decimalOf(random: Random, prefix: string, length: number): bigint {
  return BigInt(prefix + random.digits(length - prefix.length));
}

/** An X-Ray trace id: `Root=1-<8 hex epoch seconds>-<24 hex>`. */
export function traceId(ctx: EventContext): string {
  return `Root=1-${Math.floor(ctx.now / 1000)
    .toString(16)
    .padStart(8, '0')}-${ctx.random.hex(24)}`;
}

/** A query string's parameters, every value of each (`a=1&a=2` → `{ a: ['1', '2'] }`), decoded. */
export function parseQueryString(query: string): Record<string, string[]> {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  const multi: Record<string, string[]> = {};
  for (const part of query.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    (multi[key] ??= []).push(eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  return multi;
}

/** ISO 8601 to the second (`2016-10-27T21:06:28Z`), as EventBridge, Alexa and Lex write times. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
