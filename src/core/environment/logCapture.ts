import type { Readable } from 'node:stream';

// What a runtime writes: plain lines on stdout / stderr, and framed records on the telemetry log
// fd (AWS's framing: type u32 BE 0xa55a00xx, length u32 BE, timestamp u64 BE µs, message), which
// keeps a multi-line message one record, as CloudWatch shows it.

export type LogSink = (text: string, time?: Date) => void;

/** Calls `sink` once per line of a text stream (the last partial line is flushed at the end). */
export function captureLines(stream: Readable, sink: LogSink): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      sink(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (pending) sink(pending);
    pending = '';
  });
  stream.on('error', () => undefined);
}

const FRAME_MAGIC = 0xa55a0000;
const HEADER_BYTES = 16;

/**
 * Parses telemetry-fd frames. Anything that is not a frame (a runtime writing raw bytes to the
 * fd) is passed through as text rather than dropped.
 */
export function captureFrames(stream: Readable, sink: LogSink): void {
  let buffer: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    while (buffer.length >= HEADER_BYTES) {
      const type = buffer.readUInt32BE(0);
      if ((type & 0xffff0000) >>> 0 !== FRAME_MAGIC) {
        sink(buffer.toString('utf8').replace(/\n$/, ''));
        buffer = Buffer.alloc(0);
        return;
      }
      const length = buffer.readUInt32BE(4);
      if (buffer.length < HEADER_BYTES + length) return;
      const micros = buffer.readBigUInt64BE(8);
      const text = buffer.toString('utf8', HEADER_BYTES, HEADER_BYTES + length);
      buffer = buffer.subarray(HEADER_BYTES + length);
      sink(text.replace(/\n$/, ''), new Date(Number(micros / 1000n)));
    }
  });
  stream.on('error', () => undefined);
}
