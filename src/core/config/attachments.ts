// Stand-alone resources that configure a function defined elsewhere in the template:
// AWS::Lambda::EventSourceMapping (an event source) and AWS::Lambda::EventInvokeConfig
// (async retries/destinations). They are attached to the function they name.
import type { FunctionDefinition, SourcePosition } from './types';
import { readEventInvokeConfig } from './asyncInvoke';
import type { PropertyReader } from './props';
import type { ResourceEntry } from './resourceRefs';
import { requiredString } from './validation';
import { functionRefOf } from '../vocabulary/functionNames';

function targetFunction(entry: ResourceEntry, r: PropertyReader, functions: Map<string, FunctionDefinition>): FunctionDefinition | undefined {
  const ref = requiredString(r, 'FunctionName', ' (the function to attach to: !Ref MyFunction)');
  if (ref === undefined) return undefined;
  const fn = functions.get(functionRefOf(ref).name);
  if (!fn) {
    const known = [...functions.keys()].join(', ') || 'none';
    const message = `${entry.type} '${entry.logicalId}' targets function '${ref}', which is not defined in this template (functions: ${known})`;
    r.warning('unknown-function', ['FunctionName'], message);
  }
  return fn;
}

export function attachEventSourceMapping(entry: ResourceEntry, r: PropertyReader, functions: Map<string, FunctionDefinition>, position: SourcePosition): void {
  const fn = targetFunction(entry, r, functions);
  if (!fn) return;
  fn.events.push({ name: entry.logicalId, type: 'EventSourceMapping', properties: r.values, position });
}

export function attachEventInvokeConfig(entry: ResourceEntry, r: PropertyReader, functions: Map<string, FunctionDefinition>): void {
  requiredString(r, 'Qualifier', " (the version or alias, e.g. '$LATEST')");
  const fn = targetFunction(entry, r, functions);
  const cfg = readEventInvokeConfig(r, []);
  if (!fn || !cfg) return;
  if (fn.eventInvokeConfig) {
    r.warning('duplicate-config', ['FunctionName'], `Function '${fn.logicalId}' already has an EventInvokeConfig; '${entry.logicalId}' replaces it`);
  }
  fn.eventInvokeConfig = cfg;
}
