import { EventStreamCodec } from '@smithy/eventstream-codec';

// InvokeWithResponseStream's answer in AWS's event-stream encoding (application/vnd.amazon.eventstream):
// binary messages, each with its prelude, headers and CRCs, framed by the Smithy codec the AWS SDKs
// decode with. Lambda sends two events: PayloadChunk (the bytes, the blob member `Payload` as the
// message body) and InvokeComplete (a JSON body with ErrorCode, ErrorDetails, LogResult).

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

function event(eventType: string, contentType: string, body: Uint8Array): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':message-type': { type: 'string', value: 'event' },
      ':content-type': { type: 'string', value: contentType },
    },
    body,
  });
}

/** A PayloadChunk event carrying `payload`. */
export function payloadChunk(payload: Uint8Array): Uint8Array {
  return event('PayloadChunk', 'application/octet-stream', payload);
}

export interface InvokeComplete {
  ErrorCode?: string;
  ErrorDetails?: string;
  /** Base64 of the last 4 KB of the log (LogType Tail). */
  LogResult?: string;
}

/** The InvokeComplete event that ends the stream. */
export function invokeComplete(complete: InvokeComplete): Uint8Array {
  return event('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete), 'utf8'));
}
