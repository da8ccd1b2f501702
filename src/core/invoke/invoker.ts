import { randomUUID } from 'node:crypto';
import type { FunctionDefinition, FunctionLookup } from '../config/types';
import type { LogCollector } from '../environment/environment';
import { WorkbenchError } from '../errors';
import type { Scheduler } from '../scheduler/scheduler';
import type { FunctionVersions } from '../versions/functionVersions';
import { checkFunctionRegion, functionArn, functionNotFound, parseFunctionRef } from '../vocabulary/functionNames';
import { newTraceId } from './tracing';

// Synchronous invocation (RequestResponse): resolve the function and qualifier (the version to
// run: $LATEST, a published version, or an alias's pick), validate the payload as Lambda's front
// end does, and hand the request to the scheduler.

/** Lambda's synchronous payload limit (request and response). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface InvokeOptions {
  qualifier?: string;
  /** Client context as JSON text (the Invoke API's base64 header, decoded). */
  clientContext?: string;
  cognitoIdentity?: string;
  /** X-Ray header to propagate; a new trace id otherwise. */
  traceId?: string;
  /** Collect the invocation's log lines (START … REPORT, with INIT lines on a cold start). */
  collectLogs?: boolean;
  /**
   * The caller takes a streamed response as it arrives (InvokeWithResponseStream, RESPONSE_STREAM
   * function URLs): a function that streams answers with `stream`, up to the streaming limit.
   */
  acceptStream?: boolean;
  /**
   * The invocation's request id (what the function sees as its request id), when the caller put it
   * in the event already (an API front end's `requestContext.requestId`); a new UUID otherwise.
   */
  requestId?: string;
}

/** A streamed response (InvocationResult.stream): the bytes as they arrive, then how it ended. */
export interface ResponseBodyStream {
  contentType?: string;
  body: AsyncIterable<Buffer>;
  /** The reader will not read on (its client hung up); the function runs on. */
  discard(): void;
  /** How the response ended: `functionError`, `errorType` and the error body in `payload` when it failed. */
  finished: Promise<Pick<InvocationResult, 'payload' | 'contentType' | 'functionError' | 'errorType' | 'durationMs'>>;
}

export interface InvocationResult {
  requestId: string;
  functionName: string;
  executedVersion: string;
  payload: Buffer;
  contentType?: string;
  functionError?: 'Unhandled';
  errorType?: string;
  coldStart: boolean;
  environmentId: string;
  durationMs: number;
  initDurationMs?: number;
  /** Settles after REPORT; with `collectLogs`, resolves to the invocation's log lines. */
  logs: Promise<string[]>;
  /**
   * With `acceptStream`, for a function that streams its response: the body as it arrives (this
   * result comes when the stream starts; `payload` is empty, `durationMs` is the time to the start).
   */
  stream?: ResponseBodyStream;
}

export class Invoker {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly catalog: FunctionLookup,
    private readonly versions: FunctionVersions,
  ) {}

  /**
   * Resolves and validates an invocation as Lambda's front end does, without running it: the
   * function, the form of the qualifier, the payload's size and JSON. Whether the qualifier
   * exists is the versions' to say (`check`).
   */
  resolve(
    functionName: string,
    payload: Buffer | string,
    qualifierOption?: string,
    maxBytes = MAX_SYNC_PAYLOAD_BYTES,
  ): { fn: FunctionDefinition; qualifier?: string; bytes: Buffer } {
    const ref = parseFunctionRef(functionName, qualifierOption);
    checkFunctionRegion(ref, this.catalog.region);
    if (ref.qualifier && qualifierOption && ref.qualifier !== qualifierOption) {
      throw new WorkbenchError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    const qualifier = qualifierOption || ref.qualifier;
    const fn = this.catalog.getFunction(ref.name);
    // Invoke names the version it would have run: $LATEST when none was asked for.
    if (!fn) throw functionNotFound(this.catalog.region, ref.name, qualifier ?? '$LATEST');
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (bytes.length > maxBytes) {
      throw new WorkbenchError(
        'RequestEntityTooLargeException',
        maxBytes === MAX_SYNC_PAYLOAD_BYTES
          ? `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`
          : `${bytes.length} byte payload is too large for the Event invocation type (limit ${maxBytes} bytes)`,
      );
    }
    validateJson(bytes);
    return { fn, qualifier, bytes };
  }

  /** Everything an invocation is checked for before it runs (a DryRun), including that the qualifier exists. */
  async check(
    functionName: string,
    payload: Buffer | string,
    qualifierOption?: string,
    maxBytes = MAX_SYNC_PAYLOAD_BYTES,
  ): Promise<{ fn: FunctionDefinition; qualifier?: string; bytes: Buffer }> {
    const resolved = this.resolve(functionName, payload, qualifierOption, maxBytes);
    if (resolved.qualifier !== undefined && !(await this.versions.exists(resolved.fn, resolved.qualifier))) {
      throw functionNotFound(this.catalog.region, resolved.fn.functionName, resolved.qualifier);
    }
    return resolved;
  }

  async invoke(functionName: string, payload: Buffer | string, options: InvokeOptions = {}): Promise<InvocationResult> {
    const { fn, qualifier, bytes } = this.resolve(functionName, payload, options.qualifier);
    const { version, definition } = await this.versions.resolve(fn, qualifier);
    const requestId = options.requestId ?? randomUUID();
    const lines: string[] = [];
    const collector: LogCollector | undefined = options.collectLogs ? (line) => lines.push(line) : undefined;
    const scheduled = await this.scheduler.run(
      definition,
      version,
      {
        requestId,
        payload: bytes.length === 0 ? EMPTY_EVENT : bytes,
        invokedFunctionArn: functionArn(this.catalog.region, fn.functionName, qualifier),
        traceId: options.traceId ?? newTraceId(),
        clientContext: options.clientContext,
        cognitoIdentity: options.cognitoIdentity,
        acceptStream: options.acceptStream,
      },
      collector,
    );
    const { outcome } = scheduled;
    const streamed = outcome.stream;
    const result: InvocationResult = {
      requestId,
      functionName: fn.functionName,
      executedVersion: version,
      payload: outcome.payload,
      contentType: outcome.contentType,
      functionError: outcome.functionError,
      errorType: outcome.errorType,
      coldStart: scheduled.coldStart,
      environmentId: scheduled.environmentId,
      durationMs: outcome.durationMs,
      initDurationMs: scheduled.initDurationMs,
      logs: outcome.reported.then(() => lines),
    };
    if (streamed) {
      result.stream = {
        contentType: streamed.contentType,
        body: streamed.body,
        discard: streamed.discard,
        finished: streamed.finished.then((end) => ({
          payload: end.payload,
          contentType: end.contentType,
          functionError: end.functionError,
          errorType: end.errorType,
          durationMs: end.durationMs,
        })),
      };
    }
    return result;
  }
}

/** An empty Invoke body reaches the handler as an empty object, as with the console and CLI. */
const EMPTY_EVENT = Buffer.from('{}');

function validateJson(bytes: Buffer): void {
  if (bytes.length === 0) return;
  try {
    JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new WorkbenchError(
      'InvalidRequestContentException',
      `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
    );
  }
}
