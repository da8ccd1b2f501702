import { randomUUID } from 'node:crypto';

/**
 * A new X-Ray trace header, `Root=1-<epoch hex>-<96-bit id>;Parent=<64-bit id>;Sampled=0`.
 * Random hex comes from randomUUID, which draws from a pre-filled entropy pool (randomBytes
 * would make a system call on every invocation).
 */
export function newTraceId(now = Date.now()): string {
  const a = randomUUID().replace(/-/g, '');
  const b = randomUUID().replace(/-/g, '');
  const epoch = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${a.slice(0, 8)}${a.slice(13, 16)}${a.slice(17, 30)};Parent=${b.slice(0, 12)}${b.slice(17, 21)};Sampled=0`;
}
