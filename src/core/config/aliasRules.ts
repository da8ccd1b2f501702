import { javaDouble, modelValidationError, WorkbenchError } from '../errors';

// Lambda's rules for aliases, with its validation messages: the name, the version it points at
// (a published number or $LATEST — never another alias), and the routing configuration (one
// additional published version, weight 0.0–1.0, not with $LATEST, not the primary version).

const NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const FUNCTION_VERSION = /^(\$LATEST|[0-9]+)$/;
const VERSION_KEY = /^[0-9]+$/;

export interface AliasInput {
  name: string;
  functionVersion: string;
  description?: string;
  additionalVersionWeights?: Record<string, number>;
}

export function checkAliasName(name: string): void {
  if (!NAME.test(name) || name.length > 128) {
    throw modelValidationError(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
}

export function checkFunctionVersion(version: string): void {
  if (!FUNCTION_VERSION.test(version) || version.length > 1024) {
    throw modelValidationError(version, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
  }
}

export function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 256) {
    throw modelValidationError(description, 'description', 'Member must have length less than or equal to 256');
  }
}

/** Validates the shape of an alias (existence of the versions is checked by the caller). */
/** Lambda routes an alias to at most this many versions besides its own. */
export const MAX_ADDITIONAL_VERSIONS = 1;

/** A routing weight Lambda accepts: 0.0–1.0. */
export function isRoutingWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && Number.isFinite(weight) && weight >= 0 && weight <= 1;
}

export function checkAlias(input: AliasInput): void {
  // The API model's constraints first (ValidationException), then Lambda's own rules, as AWS checks them.
  checkAliasName(input.name);
  checkFunctionVersion(input.functionVersion);
  checkDescription(input.description);
  const weights = input.additionalVersionWeights;
  if (!weights) return;
  const entries = Object.entries(weights);
  // Java's rendering of the map, as AWS's messages show it: {2=0.5, 3=1.0}
  const shown = `{${entries.map(([k, v]) => `${k}=${typeof v === 'number' ? javaDouble(v) : String(v)}`).join(', ')}}`;
  for (const [version, weight] of entries) {
    if (!VERSION_KEY.test(version) || version.length > 1024) {
      throw modelValidationError(
        shown,
        'routingConfig.additionalVersionWeights',
        'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]',
      );
    }
    if (!isRoutingWeight(weight)) {
      throw modelValidationError(
        shown,
        'routingConfig.additionalVersionWeights',
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
      );
    }
  }
  if (entries.length > MAX_ADDITIONAL_VERSIONS) {
    throw new WorkbenchError('InvalidParameterValueException', `Number of items in AdditionalVersionWeights cannot be greater than ${MAX_ADDITIONAL_VERSIONS}`);
  }
  if (entries.length === 1) {
    if (input.functionVersion === '$LATEST') {
      throw new WorkbenchError('InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version');
    }
    const [additional] = entries[0];
    if (additional === input.functionVersion) {
      throw new WorkbenchError(
        'InvalidParameterValueException',
        `Invalid function version ${additional}. Function version ${additional} is already included in routing configuration.`,
      );
    }
  }
}

/** The version an invocation of the alias runs: the additional one with its weight's probability. */
export function pickVersion(functionVersion: string, weights: Record<string, number> | undefined, random = Math.random): string {
  if (!weights) return functionVersion;
  for (const [version, weight] of Object.entries(weights)) if (random() < weight) return version;
  return functionVersion;
}
