// The event source mappings a template declares (SAM SQS / Kinesis / DynamoDB `Events`,
// AWS::Lambda::EventSourceMapping), checked with the rules the engine shares (mappingDefinitions.ts:
// one source of truth for the engine, the API and the editor) and reported where they are written.
//
// Warnings, not errors: the engine skips a mapping Lambda would reject (with a warning of its own)
// and runs everything else, so such a template must keep opening.
import type { FunctionDefinition } from './types';
import { checkMappingInput, SAM_MAPPING_EVENTS, samEventMappingInput, withReason, type MappingInput, type MappingIssue } from './mappingDefinitions';
import type { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';

export function checkEventSourceMappings(functions: FunctionDefinition[], entries: Map<string, ResourceEntry>, readers: Map<string, PropertyReader>): void {
  for (const fn of functions) {
    const r = readers.get(fn.logicalId);
    if (!r || fn.resourceType !== 'AWS::Serverless::Function') continue;
    for (const event of fn.events) {
      const input = samEventMappingInput(event.type, event.properties);
      const sam = SAM_MAPPING_EVENTS[event.type];
      if (!input || !sam) continue;
      // The source is `Queue` / `Stream` in SAM, `EventSourceArn` in the mapping's rules.
      const rename = { EventSourceArn: sam.sourceProperty };
      report(r, ['Events', event.name, 'Properties'], checkMappingInput(input, sam.kind), rename);
    }
  }
  for (const [id, r] of readers) {
    if (entries.get(id)?.type !== 'AWS::Lambda::EventSourceMapping') continue;
    // FunctionName is checked against the template's functions by attachments.ts.
    report(r, [], checkMappingInput(r.values as MappingInput), {});
  }
}

function report(r: PropertyReader, base: string[], issues: MappingIssue[], rename: Record<string, string>): void {
  for (const { field, error } of issues) {
    const keys = [...base, ...field.map((k, i) => (i === 0 ? (rename[k] ?? k) : k))];
    const written = r.written(...keys);
    // A written value that did not resolve was reported where it failed (or is AWS::NoValue).
    if (written && r.get(...keys) === undefined) continue;
    r.warning(written ? 'invalid-value' : 'missing-property', keys, withReason(error));
  }
}
