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

export function isWorkbenchError(error: unknown): error is WorkbenchError {
  return error instanceof WorkbenchError;
}
