import type * as http from 'node:http';
import type { ResponseBodyStream } from '../invoke/invoker';
import { writeWhenReady } from '../util/writeStream';
import { frontEndErrors, fromStreamingPrelude, HTTP_INTEGRATION_CONTENT_TYPE, STREAM_DEFAULT_CONTENT_TYPE, type HttpResponse } from './responses';

// A RESPONSE_STREAM function URL's answer while the function streams it: the status and headers
// as soon as they are known — from the HttpResponseStream.from prelude (JSON, then 8 NUL bytes), or
// 200 with the runtime's content type at the first byte — then each chunk as it arrives, in HTTP/1.1
// chunked transfer encoding. A function that fails before anything was sent gets the URL's 502;
// after that, the connection is cut without the final chunk, so the client sees a truncated body,
// as with Lambda's URLs. A prelude that is not JSON, or a body that ends before its 8 NUL bytes
// (`end(body)` without a `write`, which AWS's runtime sends without the prelude), is a 502.

export interface StreamedHttpResponse {
  stream: ResponseBodyStream;
  /** The front end's own headers on the response (CORS, request id), added to the function's. */
  decorate: (head: HttpResponse) => HttpResponse;
}

const DELIMITER = Buffer.alloc(8);

/** Sends the stream to `res`; `headOnly` for HEAD requests (the body is read and dropped). */
export async function sendStreamedResponse(res: http.ServerResponse, streamed: StreamedHttpResponse, headOnly: boolean, traceRoot: string): Promise<void> {
  const { stream } = streamed;
  const withPrelude = stream.contentType?.split(';')[0]?.trim().toLowerCase() === HTTP_INTEGRATION_CONTENT_TYPE;
  let prelude: Buffer | undefined = withPrelude ? Buffer.alloc(0) : undefined;
  let started = false;
  let failed = false;
  const start = (head: HttpResponse): boolean => {
    started = true;
    return writeHead(res, streamed.decorate(head), traceRoot);
  };
  const badGateway = () => {
    failed = true;
    stream.discard();
    if (!started) sendWhole(res, streamed.decorate(frontEndErrors.badGateway('url')), traceRoot, headOnly);
  };
  for await (const chunk of stream.body) {
    if (failed) continue;
    let body = chunk;
    if (!started) {
      if (prelude) {
        prelude = Buffer.concat([prelude, chunk]);
        const at = prelude.indexOf(DELIMITER);
        if (at < 0) continue;
        const head = fromStreamingPrelude(prelude.subarray(0, at));
        if (!head) {
          badGateway();
          continue;
        }
        body = prelude.subarray(at + DELIMITER.length);
        prelude = undefined;
        if (!start(head)) {
          badGateway();
          continue;
        }
      } else if (!start(plainHead(stream.contentType))) {
        badGateway();
        continue;
      }
    }
    if (body.length > 0 && !headOnly && !(await writeWhenReady(res, body))) {
      // The client hung up: the function runs on (as in Lambda), its bytes are dropped.
      failed = true;
      stream.discard();
    }
  }
  const end = await stream.finished;
  if (failed || res.destroyed) return;
  if (end.functionError) {
    if (!started) return badGateway();
    return void res.destroy();
  }
  if (!started) {
    // Nothing was streamed: an empty 200, unless bytes came without their prelude's delimiter.
    if (prelude && prelude.length > 0) return badGateway();
    if (!start(plainHead(withPrelude ? STREAM_DEFAULT_CONTENT_TYPE : stream.contentType))) return badGateway();
  }
  res.end();
}

function plainHead(contentType: string | undefined): HttpResponse {
  return { status: 200, headers: [['content-type', contentType ?? STREAM_DEFAULT_CONTENT_TYPE]], body: Buffer.alloc(0) };
}

/** Hop-by-hop and framing headers are the server's to set, not the function's. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function headerList(response: HttpResponse, traceRoot: string): string[] {
  const headers: string[] = [];
  for (const [name, value] of response.headers) if (!FRAMING.has(name.toLowerCase())) headers.push(name, value);
  headers.push('X-Amzn-Trace-Id', traceRoot);
  return headers;
}

/** The head of a chunked response, sent at once; false when a header the function gave is not valid HTTP. */
function writeHead(res: http.ServerResponse, head: HttpResponse, traceRoot: string): boolean {
  try {
    res.writeHead(head.status, headerList(head, traceRoot));
  } catch {
    return false;
  }
  res.flushHeaders();
  return true;
}

function sendWhole(res: http.ServerResponse, response: HttpResponse, traceRoot: string, headOnly: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.status, [...headerList(response, traceRoot), 'Content-Length', String(response.body.length)]);
  res.end(headOnly ? undefined : response.body);
}
