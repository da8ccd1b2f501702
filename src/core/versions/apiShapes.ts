import { createHash } from 'node:crypto';
import type { DestinationConfig, FunctionDefinition } from '../config/types';
import { modelValidationError, WorkbenchError } from '../errors';
import { functionArn, LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import type { AliasRecord, EventInvokeConfigRecord } from './versionStore';

// The shapes Lambda's control plane answers with — function, version and alias configurations,
// event invoke configs, RevisionIds, pages of a list — built from the engine's definitions and
// records. Pure: the control plane decides what to answer, this says how it looks.

export type FunctionConfiguration = Record<string, unknown> & { FunctionName: string; FunctionArn: string; Version: string };
export type AliasConfiguration = {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
};
export interface Page<T> {
  items: T[];
  nextMarker?: string;
}

export function functionConfigurationShape(
  region: string,
  config: FunctionDefinition,
  fn: FunctionDefinition,
  v: {
    version: string;
    arnQualifier?: string;
    codeSha256: string;
    codeSize: number;
    layerSizes: number[];
    lastModified: string;
    revisionId: string;
    /** A change is being applied ($LATEST during hot reload). */
    updating?: boolean;
  },
): FunctionConfiguration {
  const result: FunctionConfiguration = {
    FunctionName: fn.functionName,
    FunctionArn: functionArn(region, fn.functionName, v.arnQualifier),
    Runtime: config.runtime,
    Role: fn.role ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${fn.functionName}-role`,
    Handler: config.handler,
    CodeSize: v.codeSize,
    Description: config.description ?? '',
    Timeout: config.timeout,
    MemorySize: config.memorySize,
    LastModified: v.lastModified,
    CodeSha256: v.codeSha256,
    Version: v.version,
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: v.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: config.architectures,
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.functionName}` },
    RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(region, config.runtime) },
  };
  if (v.updating) {
    // Lambda's words while an update is applied (recorded: UpdateFunctionCode's and UpdateFunctionConfiguration's answers).
    result.LastUpdateStatus = 'InProgress';
    result.LastUpdateStatusReason = 'The function is being created.';
    result.LastUpdateStatusReasonCode = 'Creating';
  }
  if (Object.keys(config.environment).length > 0 || config.emptyEnvironmentDeclared) result.Environment = { Variables: config.environment };
  if (config.layers.length > 0) {
    result.Layers = config.layers.map((layer, i) => ({
      Arn: layer.arn ?? `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:layer:${layer.logicalId}:1`,
      CodeSize: v.layerSizes[i] ?? 0,
    }));
  }
  if (config.deadLetterQueue) result.DeadLetterConfig = { TargetArn: config.deadLetterQueue.targetArn };
  return result;
}

/**
 * A configuration as ListFunctions and ListVersionsByFunction list it: without the fields AWS documents as GetFunction's only
 * (State, LastUpdateStatus and their reasons, RuntimeVersionConfig).
 */
export function listedConfiguration(configuration: FunctionConfiguration): FunctionConfiguration {
  const listed: FunctionConfiguration = { ...configuration };
  for (const key of [
    'State',
    'StateReason',
    'StateReasonCode',
    'LastUpdateStatus',
    'LastUpdateStatusReason',
    'LastUpdateStatusReasonCode',
    'RuntimeVersionConfig',
  ]) {
    delete listed[key];
  }
  return listed;
}

/**
 * The managed runtime version a function runs, as Lambda names it (`arn:aws:lambda:<region>::runtime:<64
 * hex digits>`): ours is one per runtime identifier, locally run on whatever interpreter is installed.
 */
export function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(`lambda-workbench:${runtime}`).digest('hex')}`;
}

export function aliasConfigurationShape(aliasArn: string, alias: AliasRecord): AliasConfiguration {
  const result: AliasConfiguration = {
    AliasArn: aliasArn,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RevisionId: alias.revisionId,
  };
  if (alias.additionalVersionWeights) result.RoutingConfig = { AdditionalVersionWeights: alias.additionalVersionWeights };
  return result;
}

export function eventInvokeConfigShape(
  region: string,
  fn: FunctionDefinition,
  qualifier: string,
  record:
    EventInvokeConfigRecord | { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number; destinationConfig?: DestinationConfig; lastModified: string },
): Record<string, unknown> {
  const destinations = record.destinationConfig;
  // As Lambda answers: only the limits that were set (unset ones take Lambda's defaults).
  const result: Record<string, unknown> = {
    // The SDK reads LastModified as epoch seconds.
    LastModified: Math.floor(Date.parse(record.lastModified) / 1000),
    FunctionArn: functionArn(region, fn.functionName, qualifier),
  };
  if (record.maximumRetryAttempts !== undefined) result.MaximumRetryAttempts = record.maximumRetryAttempts;
  if (record.maximumEventAgeInSeconds !== undefined) result.MaximumEventAgeInSeconds = record.maximumEventAgeInSeconds;
  result.DestinationConfig = {
    OnSuccess: destinations?.onSuccess ? { Destination: destinations.onSuccess.destination } : {},
    OnFailure: destinations?.onFailure ? { Destination: destinations.onFailure.destination } : {},
  };
  return result;
}

/** A stable RevisionId (UUID-shaped) for $LATEST, derived from what it contains. */
export function revisionOf(snapshotSha256: string): string {
  const hex = createHash('sha256').update(snapshotSha256).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Marker = the index of the next item (opaque to callers); MaxItems 1–10,000, default 50. */
export function paginate<T>(all: T[], marker: string | undefined, maxItems: number | undefined): Page<T> {
  const max = maxItems ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 10000) throw modelValidationError(String(maxItems), 'maxItems', 'Member must have value between 1 and 10000');
  let start = 0;
  if (marker !== undefined) {
    start = Number.parseInt(Buffer.from(marker, 'base64').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new WorkbenchError('InvalidParameterValueException', 'Invalid Marker');
  }
  const items = all.slice(start, start + max);
  const next = start + items.length;
  return next < all.length ? { items, nextMarker: Buffer.from(String(next)).toString('base64') } : { items };
}
