import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { InvocationResult } from '../invoke/invoker';
import { writeWhenReady } from '../util/writeStream';
import { EVENT_STREAM_CONTENT_TYPE, invokeComplete, payloadChunk, type InvokeComplete } from './eventStream';
import { readInvokeRequest, tailOf } from './invokeRequest';
import type { LambdaService } from './lambdaApi';

// InvokeWithResponseStream: POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations
// (Qualifier, X-Amz-Invocation-Type RequestResponse | DryRun, X-Amz-Log-Type, X-Amz-Client-Context).
// Errors found before the function runs are the API's errors, as for Invoke. Then the answer is
// 200 with an event stream: a PayloadChunk event for each chunk the function streams, as it arrives
// (a function that does not stream: its whole payload in one), then InvokeComplete, whose ErrorCode
// (the error type) and ErrorDetails (the error body the runtime reported) say the function failed —
// midway, in its trailers, or by timeout, crash or the streaming limit — and whose LogResult is the
// log's tail for LogType Tail.

export async function invokeWithResponseStream(
  service: LambdaService,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  functionName: string,
  query: URLSearchParams,
  body: Buffer,
): Promise<void> {
  const { invocationType, tail, qualifier, options } = readInvokeRequest(req, query, ['RequestResponse', 'DryRun']);
  if (invocationType === 'DryRun') {
    await service.checkInvocation(functionName, body, qualifier);
    res.writeHead(204, { 'x-amzn-RequestId': randomUUID(), 'Content-Length': 0 });
    return void res.end();
  }
  const result = await service.invoke(functionName, body, { ...options, collectLogs: tail, acceptStream: true });
  res.writeHead(200, {
    'x-amzn-RequestId': result.requestId,
    'X-Amz-Executed-Version': result.executedVersion,
    'Content-Type': EVENT_STREAM_CONTENT_TYPE,
  });
  // The status goes out now: a streaming function's first bytes may be a while.
  res.flushHeaders();
  const end = await sendPayload(res, result);
  const complete: InvokeComplete = {};
  if (end.functionError) {
    complete.ErrorCode = end.errorType ?? end.functionError;
    complete.ErrorDetails = end.payload.toString('utf8');
  }
  if (tail) complete.LogResult = tailOf(await result.logs);
  if (!res.destroyed) res.end(invokeComplete(complete));
}

/** The payload as PayloadChunk events; resolves with how the invocation ended. */
async function sendPayload(res: http.ServerResponse, result: InvocationResult): Promise<Pick<InvocationResult, 'payload' | 'functionError' | 'errorType'>> {
  const stream = result.stream;
  if (!stream) {
    if (!result.functionError && result.payload.length > 0) await writeWhenReady(res, payloadChunk(result.payload));
    return result;
  }
  for await (const chunk of stream.body) {
    if (!(await writeWhenReady(res, payloadChunk(chunk)))) {
      // The client hung up: the function runs on (as in Lambda), its bytes are dropped.
      stream.discard();
      break;
    }
  }
  return stream.finished;
}
