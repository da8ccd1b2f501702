import type { Writable } from 'node:stream';

/**
 * Writes a chunk to an HTTP response (or any writable), waiting while its socket is full; resolves
 * false once the other end is gone, so a streaming writer stops instead of queueing for nobody.
 */
export function writeWhenReady(out: Writable, chunk: Uint8Array): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (out.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.off('drain', drained);
      out.off('close', closed);
      resolve(ok);
    };
    const drained = () => done(true);
    const closed = () => done(false);
    out.once('drain', drained);
    out.once('close', closed);
  });
}
