import * as fs from 'node:fs';
import type { InvocationResult, ResponseBodyStream } from '../../../src/core/invoke/invoker';

// Reading a streamed invocation result (InvocationResult.stream) chunk by chunk, with the time
// each chunk arrived, and the handler side of "wait for a signal" (a file the test creates).

export interface StreamRead {
  chunks: Buffer[];
  /** performance.now() when each chunk arrived. */
  times: number[];
  text: string;
  end: Awaited<ResponseBodyStream['finished']>;
}

/** Reads the whole stream; `onChunk` runs as each chunk arrives (before the next is read). */
export async function readStream(result: InvocationResult, onChunk?: (chunk: Buffer, index: number) => void | Promise<void>): Promise<StreamRead> {
  const stream = result.stream;
  if (!stream) throw new Error(`expected a streamed response, got a buffered one: ${result.payload.toString('utf8').slice(0, 200)}`);
  const chunks: Buffer[] = [];
  const times: number[] = [];
  for await (const chunk of stream.body) {
    times.push(performance.now());
    chunks.push(chunk);
    await onChunk?.(chunk, chunks.length - 1);
  }
  return { chunks, times, text: Buffer.concat(chunks).toString('utf8'), end: await stream.finished };
}

/**
 * Handler-side JavaScript: `await signalled(file)` resolves once `file` exists (the test's signal);
 * it gives up after 20 s so a failing test cannot leave a runtime waiting.
 */
export const SIGNAL_HELPER = `
const signalled = (file) => new Promise((resolve, reject) => {
  const until = Date.now() + 20000;
  const timer = setInterval(() => {
    if (require('fs').existsSync(file)) { clearInterval(timer); resolve(); }
    else if (Date.now() > until) { clearInterval(timer); reject(new Error('no signal')); }
  }, 5);
});
`;

/** The test's side: sends the signal. */
export function signal(file: string): void {
  fs.writeFileSync(file, '');
}
