/** An error of the HTTP layer itself (unknown route, bad signature), with AWS's status and type. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
