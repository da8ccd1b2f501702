// Errors the engine reports to callers, named after the Lambda API's exceptions so the HTTP API,
// the CLI and the UI can show them as AWS would.

export type WorkbenchErrorCode =
  | 'ResourceNotFoundException'
  | 'InvalidRequestContentException'
  | 'InvalidParameterValueException'
  | 'ValidationException'
  | 'RequestEntityTooLargeException'
  | 'TooManyRequestsException'
  | 'ResourceConflictException'
  | 'PreconditionFailedException'
  | 'ProvisionedConcurrencyConfigNotFoundException'
  | 'ServiceException';

const STATUS: Record<WorkbenchErrorCode, number> = {
  ResourceNotFoundException: 404,
  InvalidRequestContentException: 400,
  InvalidParameterValueException: 400,
  ValidationException: 400,
  RequestEntityTooLargeException: 413,
  TooManyRequestsException: 429,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  ProvisionedConcurrencyConfigNotFoundException: 404,
  ServiceException: 500,
};

export class WorkbenchError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: WorkbenchErrorCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = code;
    this.statusCode = STATUS[code];
  }
}

/**
 * A request that breaks the API model's constraints, as AWS's front end answers it before Lambda's own
 * rules run: `ValidationException`, `1 validation error detected: Value '<value as Java renders it>' at
 * '<member path>' failed to satisfy constraint: <the constraint>`.
 */
export function modelValidationError(value: string, field: string, constraint: string): WorkbenchError {
  return new WorkbenchError('ValidationException', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

/** A number as Java's Double.toString renders it (AWS's validation messages show request values so): 2 → 2.0, 1e-4 → 1.0E-4. */
export function javaDouble(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(n);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export function isWorkbenchError(error: unknown): error is WorkbenchError {
  return error instanceof WorkbenchError;
}
