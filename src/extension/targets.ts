import type { Engine } from './workbenchHost';

// What a command acts on, as tree items hand it over (a command run from the palette gets
// nothing and asks). Tree nodes carry these fields, so a context-menu command receives its node.

/** A function, or one of its versions or aliases. */
export interface FunctionTarget {
  engine: Engine;
  functionName: string;
  qualifier?: string;
}

export function isFunctionTarget(value: unknown): value is FunctionTarget {
  return typeof value === 'object' && value !== null && 'engine' in value && typeof (value as FunctionTarget).functionName === 'string';
}

/** A sample event type (`service`/`type` of the generate-event catalog) or a saved event file. */
export interface EventTarget {
  engine?: Engine;
  sample?: { service: string; type: string };
  savedFile?: string;
}

export function isEventTarget(value: unknown): value is EventTarget {
  return typeof value === 'object' && value !== null && ('sample' in value || 'savedFile' in value);
}

/** A queue, stream or event source mapping of an engine. */
export interface SourceTarget {
  engine: Engine;
  queue?: string;
  stream?: string;
  mappingUuid?: string;
}
