import { statSync } from 'node:fs';
import type { FunctionDefinition } from '../config/types';
import { modelValidationError, WorkbenchError } from '../errors';
import { checkFunctionRegion, functionArn, functionRefOf, parseFunctionRef } from '../vocabulary/functionNames';
import { eventInvokeConfigShape, paginate, type Page } from './apiShapes';
import type { FunctionCatalog } from './functionCatalog';
import type { FunctionVersions } from './functionVersions';
import type { EventInvokeConfigRecord, FunctionSettings } from './versionStore';

// The event invoke config operations (Put, Update, Get, Delete, ListFunctionEventInvokeConfigs) as
// Lambda answers them: a config per qualifier ($LATEST, a version, an alias); Put replaces it, Update
// changes the fields given; Get and Delete look only for the config (a missing function is a missing
// config), Put, Update and List first need the function. The template's config is $LATEST's until
// one is put or it is deleted (then a `null` in the settings says so).

export interface EventInvokeConfigInput {
  MaximumRetryAttempts?: unknown;
  MaximumEventAgeInSeconds?: unknown;
  DestinationConfig?: { OnSuccess?: { Destination?: unknown } | null; OnFailure?: { Destination?: unknown } | null } | null;
}

/** What the event invoke config operations need of the engine. */
export interface EventInvokeConfigHost {
  catalog: FunctionCatalog;
  versions: FunctionVersions;
  settingsChanged(functionName: string, settings: FunctionSettings): Promise<void>;
}

/** DestinationConfig's Destination, as Lambda's model constrains it. */
const DESTINATION_PATTERN =
  '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const DESTINATION = new RegExp(`^(?:${DESTINATION_PATTERN})$`, 's');
/** The services an asynchronous invocation can report to. */
const DESTINATION_SERVICES = new Set(['sqs', 'sns', 'lambda', 'events', 's3']);
const SIDES = [
  ['OnSuccess', 'onSuccess'],
  ['OnFailure', 'onFailure'],
] as const;

type Fields = Omit<EventInvokeConfigRecord, 'lastModified'>;

export class EventInvokeConfigs {
  constructor(private readonly host: EventInvokeConfigHost) {}

  async put(name: string, qualifierOption: string | undefined, input: EventInvokeConfigInput): Promise<Record<string, unknown>> {
    return this.write(name, qualifierOption, input, 'put');
  }

  async update(name: string, qualifierOption: string | undefined, input: EventInvokeConfigInput): Promise<Record<string, unknown>> {
    return this.write(name, qualifierOption, input, 'update');
  }

  async get(name: string, qualifierOption: string | undefined): Promise<Record<string, unknown>> {
    const { functionName, key } = qualified(name, qualifierOption, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(functionName);
    const config = fn && (await this.configOf(fn, key));
    if (!fn || !config) throw this.noConfig(functionName, key);
    return eventInvokeConfigShape(this.host.catalog.region, fn, key, config);
  }

  async delete(name: string, qualifierOption: string | undefined): Promise<void> {
    const { functionName, key } = qualified(name, qualifierOption, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(functionName);
    if (!fn || !(await this.configOf(fn, key))) throw this.noConfig(functionName, key);
    await this.store(fn, (configs) => {
      // The template's config stays deleted (null) until one is put.
      if (key === '$LATEST' && fn.eventInvokeConfig) configs[key] = null;
      else delete configs[key];
    });
  }

  async list(name: string, options: { marker?: string; maxItems?: number }): Promise<Page<Record<string, unknown>>> {
    const ref = parseFunctionRef(name);
    checkFunctionRegion(ref, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(ref.name);
    if (!fn) throw functionMissing();
    const stored = (await this.host.versions.store.getSettings(fn.functionName)).eventInvokeConfigs ?? {};
    const keys = [...new Set(['$LATEST', ...Object.keys(stored)])].sort(byQualifier);
    const all: Record<string, unknown>[] = [];
    for (const key of keys) {
      const config = await this.configOf(fn, key);
      if (config) all.push(eventInvokeConfigShape(this.host.catalog.region, fn, key, config));
    }
    return paginate(all, options.marker, options.maxItems);
  }

  private async write(
    name: string,
    qualifierOption: string | undefined,
    input: EventInvokeConfigInput,
    mode: 'put' | 'update',
  ): Promise<Record<string, unknown>> {
    const fields = readFields(input);
    if (Object.keys(fields).length === 0) {
      throw new WorkbenchError('InvalidParameterValueException', 'You must specify at least one of error handling or destination setting.');
    }
    const { functionName, key } = qualified(name, qualifierOption, this.host.catalog.region);
    const fn = this.host.catalog.getFunction(functionName);
    if (!fn || (key !== '$LATEST' && !(await this.host.versions.exists(fn, key)))) throw functionMissing();
    if (fields.destinationConfig) this.checkDestinations(fn, input.DestinationConfig!, fields.destinationConfig);
    let record: EventInvokeConfigRecord;
    if (mode === 'put') record = { ...fields, lastModified: now() };
    else {
      const existing = await this.configOf(fn, key);
      if (!existing) throw this.noConfig(fn.functionName, key);
      record = { ...existing, ...fields, lastModified: now() };
    }
    await this.store(fn, (configs) => {
      configs[key] = record;
    });
    return eventInvokeConfigShape(this.host.catalog.region, fn, key, record);
  }

  /** The config of a qualifier: the one put through the API, else (for $LATEST) the template's. */
  private async configOf(fn: FunctionDefinition, key: string): Promise<EventInvokeConfigRecord | undefined> {
    const stored = (await this.host.versions.store.getSettings(fn.functionName)).eventInvokeConfigs?.[key];
    if (stored !== undefined) return stored ?? undefined;
    const template = key === '$LATEST' ? fn.eventInvokeConfig : undefined;
    if (!template) return undefined;
    return {
      maximumRetryAttempts: template.maximumRetryAttempts,
      maximumEventAgeInSeconds: template.maximumEventAgeInSeconds,
      destinationConfig: template.destinationConfig,
      lastModified: new Date(statSync(this.host.catalog.template.file).mtimeMs).toISOString(),
    };
  }

  private async store(fn: FunctionDefinition, change: (configs: Record<string, EventInvokeConfigRecord | null>) => void): Promise<void> {
    const settings = await this.host.versions.store.updateSettings(fn.functionName, (s) => change((s.eventInvokeConfigs ??= {})));
    await this.host.settingsChanged(fn.functionName, settings);
  }

  /** Destinations Lambda can deliver to: a supported service, and a Lambda function that exists and is another. */
  private checkDestinations(
    fn: FunctionDefinition,
    given: NonNullable<EventInvokeConfigInput['DestinationConfig']>,
    config: NonNullable<Fields['destinationConfig']>,
  ): void {
    for (const [, field] of SIDES) {
      const destination = config[field]?.destination;
      if (!destination) continue;
      const service = /^arn:[^:]*:([^:]*):/.exec(destination)?.[1];
      if (!service || !DESTINATION_SERVICES.has(service)) {
        throw new WorkbenchError('InvalidParameterValueException', `The provided destination config ${javaDestinationConfig(given)} is invalid.`);
      }
      if (service !== 'lambda') continue;
      const target = functionRefOf(destination).name;
      if (target === fn.functionName) throw new WorkbenchError('InvalidParameterValueException', "You can't specify the function as a destination for itself.");
      if (!this.host.catalog.getFunction(target)) throw new WorkbenchError('InvalidParameterValueException', `The destination ARN ${destination} is invalid.`);
    }
  }

  private noConfig(functionName: string, key: string): WorkbenchError {
    return new WorkbenchError(
      'ResourceNotFoundException',
      `The function ${functionArn(this.host.catalog.region, functionName, key)} doesn't have an EventInvokeConfig`,
    );
  }
}

/** The function and the qualifier (default $LATEST) a request names; the name's and the parameter's must agree. */
function qualified(name: string, qualifierOption: string | undefined, region: string): { functionName: string; key: string } {
  const ref = parseFunctionRef(name);
  checkFunctionRegion(ref, region);
  if (ref.qualifier && qualifierOption && ref.qualifier !== qualifierOption) {
    throw new WorkbenchError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { functionName: ref.name, key: qualifierOption || ref.qualifier || '$LATEST' };
}

/** The fields of a Put or Update, checked as Lambda's model checks them. */
function readFields(input: EventInvokeConfigInput): Fields {
  const fields: Fields = {};
  const retries = input.MaximumRetryAttempts;
  if (retries !== undefined && retries !== null) {
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 2) {
      throw modelValidationError(
        String(retries),
        'maximumRetryAttempts',
        Number(retries) > 2 ? 'Member must have value less than or equal to 2' : 'Member must have value greater than or equal to 0',
      );
    }
    fields.maximumRetryAttempts = retries;
  }
  const age = input.MaximumEventAgeInSeconds;
  if (age !== undefined && age !== null) {
    if (typeof age !== 'number' || !Number.isInteger(age) || age < 60 || age > 21600) {
      throw modelValidationError(
        String(age),
        'maximumEventAgeInSeconds',
        Number(age) > 21600 ? 'Member must have value less than or equal to 21600' : 'Member must have value greater than or equal to 60',
      );
    }
    fields.maximumEventAgeInSeconds = age;
  }
  const given = input.DestinationConfig;
  if (given) {
    const config: NonNullable<Fields['destinationConfig']> = {};
    const invalid: string[] = [];
    for (const [key, field] of SIDES) {
      const destination = given[key]?.Destination;
      if (destination === undefined || destination === null) continue;
      const text = String(destination);
      if (!DESTINATION.test(text)) {
        invalid.push(
          `Value '${text}' at 'destinationConfig.${field}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DESTINATION_PATTERN}`,
        );
      } else if (text !== '') config[field] = { destination: text };
    }
    if (invalid.length > 0) {
      throw new WorkbenchError('ValidationException', `${invalid.length} validation error${invalid.length > 1 ? 's' : ''} detected: ${invalid.join('; ')}`);
    }
    fields.destinationConfig = config;
  }
  return fields;
}

/** The DestinationConfig as Lambda's (Java) service renders it in its messages. */
function javaDestinationConfig(given: NonNullable<EventInvokeConfigInput['DestinationConfig']>): string {
  const side = (name: string, value: { Destination?: unknown } | null | undefined) =>
    value ? `${name}(destination=${value.Destination === undefined || value.Destination === null ? 'null' : String(value.Destination)})` : 'null';
  return `DestinationConfig(onSuccess=${side('OnSuccess', given.OnSuccess)}, onFailure=${side('OnFailure', given.OnFailure)})`;
}

function functionMissing(): WorkbenchError {
  return new WorkbenchError('ResourceNotFoundException', "The function doesn't exist.");
}

/** $LATEST, then versions by number, then aliases by name. */
function byQualifier(a: string, b: string): number {
  const rank = (q: string) => (q === '$LATEST' ? 0 : /^\d+$/.test(q) ? 1 : 2);
  return rank(a) - rank(b) || (rank(a) === 1 ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
}

function now(): string {
  return new Date().toISOString();
}
