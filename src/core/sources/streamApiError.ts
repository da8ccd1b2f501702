// The errors of the embedded streams carry the names the Kinesis / DynamoDB Streams APIs give them,
// so that the HTTP API and the pollers can answer (and retry) the way AWS's clients expect.

/** An error with the name the Kinesis / DynamoDB Streams API gives it (ExpiredIteratorException…). */
export class StreamApiError extends Error {
  constructor(name: 'ExpiredIteratorException' | 'InvalidArgumentException' | 'ResourceNotFoundException' | 'ValidationException', message: string) {
    super(message);
    this.name = name;
  }
}
