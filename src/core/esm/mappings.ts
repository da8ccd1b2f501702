import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { WorkbenchError } from '../errors';
import { functionArn, LOCAL_ACCOUNT_ID } from '../vocabulary/functionNames';
import { validateMapping, type MappingInput } from '../config/mappingDefinitions';
import type { EventSourceMapping } from '../config/mappingDefinitions';

// The engine's event source mappings: the template's (recomputed whenever it is read) and the ones
// created through the API, with the API's changes to either kept as small JSON files in the state
// directory (`esm/<uuid>.json`; a deleted template mapping leaves a tombstone), so they survive a
// restart as they would on AWS. CreateEventSourceMapping … DeleteEventSourceMapping in AWS's shapes.

export interface MappingsHost {
  region(): string;
  /** Throws ResourceNotFoundException when the function (or qualifier) does not exist. */
  checkFunction(functionName: string, qualifier?: string): Promise<void>;
  /** True when the ARN names a queue or stream the engine can poll. */
  sourceExists(arn: string): boolean;
}

type Stored = { mapping: EventSourceMapping } | { uuid: string; deleted: true };

export class EventSourceMappings {
  private template: EventSourceMapping[] = [];
  private readonly stored = new Map<string, Stored>();
  private loaded = false;

  constructor(
    private readonly dir: string,
    private readonly host: MappingsHost,
    private readonly changed: () => void,
  ) {}

  /** Reads what the API stored (once). */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      try {
        const value = JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8')) as Stored;
        this.stored.set('mapping' in value ? value.mapping.uuid : value.uuid, value);
      } catch {
        // a damaged file is ignored (the template's mappings still run)
      }
    }
  }

  /** The template's mappings (after every template read). */
  setTemplateMappings(mappings: EventSourceMapping[]): void {
    this.template = mappings;
    this.changed();
  }

  /** Every mapping in effect. */
  list(): EventSourceMapping[] {
    const result: EventSourceMapping[] = [];
    const seen = new Set<string>();
    for (const mapping of this.template) {
      seen.add(mapping.uuid);
      const stored = this.stored.get(mapping.uuid);
      if (stored && !('mapping' in stored)) continue;
      result.push(stored ? stored.mapping : mapping);
    }
    for (const [uuid, stored] of this.stored) if (!seen.has(uuid) && 'mapping' in stored && stored.mapping.origin === 'api') result.push(stored.mapping);
    return result;
  }

  get(uuid: string): EventSourceMapping {
    const mapping = this.list().find((m) => m.uuid === uuid);
    if (!mapping) {
      throw new WorkbenchError('ResourceNotFoundException', 'The resource you requested does not exist.');
    }
    return mapping;
  }

  async create(input: MappingInput): Promise<EventSourceMapping> {
    const mapping = validateMapping(input, { uuid: randomUUID(), origin: 'api' });
    await this.checkFunction(mapping);
    // AWS's answers (recorded) for a stream or queue that does not exist: for us, one the template
    // does not declare and no sourceEndpoints setting reaches.
    if (!this.host.sourceExists(mapping.eventSourceArn)) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        mapping.kind === 'sqs'
          ? 'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.'
          : `Stream not found: ${mapping.eventSourceArn}`,
      );
    }
    const existing = this.list().find(
      (m) => m.eventSourceArn === mapping.eventSourceArn && m.functionName === mapping.functionName && m.qualifier === mapping.qualifier,
    );
    if (existing) {
      const taken =
        mapping.kind === 'sqs'
          ? `An event source mapping with SQS arn (" ${mapping.eventSourceArn} ") and function (" ${mapping.functionName} ") already exists.`
          : `The event source arn (" ${mapping.eventSourceArn} ") and function (" ${mapping.functionName} ") provided mapping already exists.`;
      throw new WorkbenchError('ResourceConflictException', `${taken} Please update or delete the existing mapping with UUID ${existing.uuid}`);
    }
    await this.save({ mapping });
    return mapping;
  }

  async update(uuid: string, input: MappingInput): Promise<EventSourceMapping> {
    const previous = this.get(uuid);
    if (input.EventSourceArn !== undefined && input.EventSourceArn !== previous.eventSourceArn) {
      throw new WorkbenchError('InvalidParameterValueException', 'The EventSourceArn of a mapping cannot be changed; create a new mapping');
    }
    const mapping = validateMapping(input, { uuid, origin: previous.origin, declaredAs: previous.declaredAs }, previous);
    if (input.FunctionName !== undefined) await this.checkFunction(mapping);
    await this.save({ mapping });
    return mapping;
  }

  async delete(uuid: string): Promise<EventSourceMapping> {
    const mapping = this.get(uuid);
    if (mapping.origin === 'template') await this.save({ uuid, deleted: true });
    else {
      this.stored.delete(uuid);
      await fs.rm(path.join(this.dir, `${uuid}.json`), { force: true });
      this.changed();
    }
    return mapping;
  }

  /** A missing function is a bad parameter of the mapping (AWS's answer), a missing version or alias the lookup's own error. */
  private async checkFunction(mapping: EventSourceMapping): Promise<void> {
    try {
      await this.host.checkFunction(mapping.functionName);
    } catch (error) {
      if (error instanceof WorkbenchError && error.code === 'ResourceNotFoundException') {
        throw new WorkbenchError('InvalidParameterValueException', 'Function does not exist');
      }
      throw error;
    }
    if (mapping.qualifier) await this.host.checkFunction(mapping.functionName, mapping.qualifier);
  }

  private async save(value: Stored): Promise<void> {
    const uuid = 'mapping' in value ? value.mapping.uuid : value.uuid;
    await fs.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${uuid}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(value, null, 2));
    await fs.rename(tmp, file);
    this.stored.set(uuid, value);
    this.changed();
  }

  /** AWS's EventSourceMappingConfiguration. */
  configuration(mapping: EventSourceMapping, state?: string, lastProcessingResult?: string): Record<string, unknown> {
    // A stream mapping reports its last result from the start (AWS's CreateEventSourceMapping answer has it).
    if (lastProcessingResult === undefined && mapping.kind !== 'sqs') lastProcessingResult = 'No records processed';
    const region = this.host.region();
    const result: Record<string, unknown> = {
      UUID: mapping.uuid,
      EventSourceMappingArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:event-source-mapping:${mapping.uuid}`,
      BatchSize: mapping.batchSize,
      MaximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      EventSourceArn: mapping.eventSourceArn,
      FunctionArn: functionArn(region, mapping.functionName, mapping.qualifier),
      LastModified: mapping.lastModified / 1000,
      State: state ?? (mapping.enabled ? 'Enabled' : 'Disabled'),
      // AWS's words differ by source: SQS mappings say USER_INITIATED, stream mappings 'User action'.
      StateTransitionReason: mapping.kind === 'sqs' ? 'USER_INITIATED' : 'User action',
      FunctionResponseTypes: mapping.functionResponseTypes,
    };
    if (lastProcessingResult) result.LastProcessingResult = lastProcessingResult;
    if (mapping.filterCriteria) result.FilterCriteria = { Filters: mapping.filterCriteria.filters.map((f) => ({ Pattern: f.pattern })) };
    if (mapping.maximumConcurrency !== undefined) result.ScalingConfig = { MaximumConcurrency: mapping.maximumConcurrency };
    if (mapping.kind !== 'sqs') {
      result.StartingPosition = mapping.startingPosition;
      if (mapping.startingPositionTimestamp !== undefined) result.StartingPositionTimestamp = mapping.startingPositionTimestamp;
      result.ParallelizationFactor = mapping.parallelizationFactor;
      result.BisectBatchOnFunctionError = mapping.bisectBatchOnFunctionError;
      result.MaximumRetryAttempts = mapping.maximumRetryAttempts;
      result.MaximumRecordAgeInSeconds = mapping.maximumRecordAgeInSeconds;
      result.TumblingWindowInSeconds = mapping.tumblingWindowInSeconds ?? 0;
      result.DestinationConfig = { OnFailure: mapping.onFailureDestination ? { Destination: mapping.onFailureDestination } : {} };
    }
    return result;
  }
}
