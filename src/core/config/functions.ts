// AWS::Serverless::Function and AWS::Lambda::Function → FunctionDefinition, with every
// property validated against Lambda's rules. Functions with problems are still returned
// (with defaults or empty strings) so tools can list them next to their diagnostics.
import type { BuildDefinition, EventSourceDefinition, FunctionDefinition, LayerDefinition, SourcePosition } from './types';
import { readDeadLetterConfig, readDeadLetterQueue, readEventInvokeConfig } from './asyncInvoke';
import { readBuildMetadata } from './buildMetadata';
import { isImageFunction, readImageFunction } from './imageFunctions';
import { inlineCodeDir, readInlineCode, type InlineCode } from './inlineCode';
import { describe } from './intrinsics';
import { layerReferences } from './layers';
import type { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { architectures, checkFunctionName, checkRuntime, environment, integer, localCodeLocation, optionalString, requiredString } from './validation';

export const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

export interface FunctionContext {
  templateDir: string;
  /** Where inline code (InlineCode, Code.ZipFile) is written. */
  stateDir: string;
  /** A resource's `Metadata`, read like its properties; undefined when it has none. */
  metadata(logicalId: string): PropertyReader | undefined;
  /** Every layer resource of the template → its definition (undefined when not local). */
  layers: Map<string, LayerDefinition | undefined>;
  position(offset: number): SourcePosition;
}

export function readFunction(entry: ResourceEntry, r: PropertyReader, ctx: FunctionContext): FunctionDefinition {
  const sam = entry.type === 'AWS::Serverless::Function';
  const metadata = ctx.metadata(entry.logicalId);

  const name = optionalString(r, 'FunctionName');
  if (name !== undefined) checkFunctionName(r, name);
  let handler: string | undefined;
  let runtime: string | undefined;
  let codeUri: string | undefined;
  let build: BuildDefinition | undefined;
  let inline: InlineCode | undefined;
  let unsupported: string | undefined;
  if (isImageFunction(r, sam)) {
    const image = readImageFunction(r, metadata, ctx.templateDir, sam);
    ({ handler, runtime, codeUri, build, unsupported } = image);
  } else {
    handler = requiredString(r, 'Handler', " (e.g. 'app.handler': file app, exported function handler)");
    runtime = requiredString(r, 'Runtime');
    if (runtime !== undefined) checkRuntime(r, runtime);
    const code = sam ? samCode(r, ctx, entry.logicalId, runtime) : lambdaCode(r, ctx, entry.logicalId, runtime);
    ({ codeUri, inline } = code);
    unsupported = inline?.unsupported;
    build = readBuildMetadata(metadata, codeUri);
  }

  const fn: FunctionDefinition = {
    logicalId: entry.logicalId,
    functionName: name || entry.logicalId,
    resourceType: sam ? 'AWS::Serverless::Function' : 'AWS::Lambda::Function',
    handler: handler ?? '',
    runtime: runtime ?? '',
    codeUri: codeUri ?? '',
    // Errors: out of range, the engine would run the default instead of what is written.
    memorySize: integer(r, ['MemorySize'], { min: 128, max: 10240, unit: 'MB' }) ?? 128,
    timeout: integer(r, ['Timeout'], { min: 1, max: 900, unit: 'seconds' }) ?? 3,
    environment: environment(r),
    layers: layerReferences(r, ctx.layers, runtime),
    architectures: architectures(r),
    events: sam ? readEvents(r, ctx) : [],
    position: ctx.position(entry.keyStart),
  };
  const variables = r.get('Environment', 'Variables');
  if (variables !== undefined && variables !== null && Object.keys(fn.environment).length === 0) fn.emptyEnvironmentDeclared = true;
  if (build) fn.build = build;
  if (inline) fn.inlineCode = { fileName: inline.fileName, source: inline.source };
  if (unsupported !== undefined) fn.unsupported = unsupported;
  const description = optionalString(r, 'Description');
  if (description !== undefined) fn.description = description;
  // Role: shown as Lambda shows it when it reads as a role ARN (literal, or a role resource's Arn as the
  // reader resolves !GetAtt); anything else (SAM's generated role) leaves the engine's local name.
  const role = r.get('Role');
  if (typeof role === 'string' && /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/\S+$/.test(role)) fn.role = role;
  const reserved = integer(r, ['ReservedConcurrentExecutions'], { min: 0 });
  if (reserved !== undefined) fn.reservedConcurrentExecutions = reserved;

  if (sam) {
    const alias = optionalString(r, 'AutoPublishAlias');
    if (alias !== undefined) fn.autoPublishAlias = alias;
    const provisioned = integer(r, ['ProvisionedConcurrencyConfig', 'ProvisionedConcurrentExecutions'], { min: 1 });
    if (provisioned !== undefined) {
      fn.provisionedConcurrency = provisioned;
      // SAM attaches provisioned concurrency to the published alias; without one it rejects the template.
      if (alias === undefined) r.error('missing-property', ['ProvisionedConcurrencyConfig'], 'ProvisionedConcurrencyConfig requires AutoPublishAlias');
      // As Lambda's PutProvisionedConcurrencyConfig (the deployment fails); the account's bound depends on the engine's settings, which clamp.
      if (reserved !== undefined && provisioned > reserved) {
        r.error(
          'invalid-value',
          ['ProvisionedConcurrencyConfig', 'ProvisionedConcurrentExecutions'],
          `Requested Provisioned Concurrency (${provisioned}) should not be greater than the reservedConcurrentExecution for function (${reserved})`,
        );
      }
    }
    if (r.written('DeploymentPreference')) {
      r.warning(
        'not-simulated',
        ['DeploymentPreference'],
        'DeploymentPreference traffic shifting is not simulated locally: the AutoPublishAlias moves to each new version at once',
      );
    }
    const invoke = readEventInvokeConfig(r, ['EventInvokeConfig']);
    if (invoke) fn.eventInvokeConfig = invoke;
    const dlq = readDeadLetterQueue(r);
    if (dlq) fn.deadLetterQueue = dlq;
  } else {
    const dlq = readDeadLetterConfig(r);
    if (dlq) fn.deadLetterQueue = dlq;
  }
  return fn;
}

/** The function's code directory (and its inline code, when the template holds the source). */
interface Code {
  codeUri?: string;
  inline?: InlineCode;
}

/**
 * SAM: `InlineCode`, or `CodeUri` (a local directory or .zip / .jar archive; SAM's default is the template's directory, so
 * handlers like `src/handlers/app.handler` resolve under it). Errors: a CodeUri written without a
 * usable value, or not local.
 */
function samCode(r: PropertyReader, ctx: FunctionContext, logicalId: string, runtime: string | undefined): Code {
  if (r.written('InlineCode')) return inlineCode(r, ['InlineCode'], ctx, logicalId, runtime);
  if (!r.written('CodeUri')) return { codeUri: ctx.templateDir };
  if (r.get('CodeUri') === undefined || r.get('CodeUri') === null) {
    r.error('missing-property', ['CodeUri'], "CodeUri has no value that can be used locally (the directory with the function's code)");
    return {};
  }
  return { codeUri: localCodeLocation(r, 'CodeUri', ctx.templateDir) };
}

/** AWS::Lambda::Function: `Code` as a local path (pre-`package`), `{ ZipFile }` or `{ S3Bucket, S3Key }`. */
function lambdaCode(r: PropertyReader, ctx: FunctionContext, logicalId: string, runtime: string | undefined): Code {
  const code = r.get('Code');
  if (code === undefined || code === null) {
    const why = r.written('Code') ? 'Code has no value that can be used locally' : 'Missing required property Code';
    r.error('missing-property', ['Code'], `${why} (a local directory or .zip / .jar archive)`);
    return {};
  }
  if (typeof code === 'object' && !Array.isArray(code) && 'ZipFile' in code) return inlineCode(r, ['Code', 'ZipFile'], ctx, logicalId, runtime);
  return { codeUri: localCodeLocation(r, 'Code', ctx.templateDir) };
}

function inlineCode(r: PropertyReader, keys: string[], ctx: FunctionContext, logicalId: string, runtime: string | undefined): Code {
  const inline = readInlineCode(r, keys, runtime);
  return inline ? { codeUri: inlineCodeDir(ctx.stateDir, logicalId), inline } : {};
}

/** SAM `Events`: each entry kept with its resolved Properties; interpreting them is the engine's job. */
function readEvents(r: PropertyReader, ctx: FunctionContext): EventSourceDefinition[] {
  const events = r.get('Events');
  if (events === undefined || events === null) return [];
  if (typeof events !== 'object' || Array.isArray(events)) {
    r.error('invalid-type', ['Events'], `Events must be a mapping of event names to { Type, Properties }, got ${describe(events)}`);
    return [];
  }
  const out: EventSourceDefinition[] = [];
  for (const [name, ev] of Object.entries(events as Record<string, unknown>)) {
    if (typeof ev !== 'object' || ev === null || Array.isArray(ev)) {
      r.error('invalid-type', ['Events', name], `Event '${name}' must be a mapping with Type and Properties, got ${describe(ev)}`);
      continue;
    }
    const o = ev as Record<string, unknown>;
    if (typeof o.Type !== 'string' || o.Type === '') {
      r.error('missing-property', ['Events', name, 'Type'], `Event '${name}' has no Type (e.g. SQS, Kinesis, DynamoDB, Schedule, Api)`);
      continue;
    }
    const props = o.Properties;
    if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props))) {
      r.error('invalid-type', ['Events', name, 'Properties'], `Event '${name}' Properties must be a mapping, got ${describe(props)}`);
      continue;
    }
    out.push({
      name,
      type: o.Type,
      properties: (props as Record<string, unknown> | undefined) ?? {},
      position: ctx.position(r.keyAt(['Events', name]).span.start),
    });
  }
  return out;
}
