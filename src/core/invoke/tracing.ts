import { randomBytes } from 'node:crypto';

/** A new X-Ray trace header, `Root=1-<epoch hex>-<96-bit id>;Parent=<64-bit id>;Sampled=0`. */
export function newTraceId(now = Date.now()): string {
  const bytes = randomBytes(20);
  const epoch = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${bytes.toString('hex', 0, 12)};Parent=${bytes.toString('hex', 12, 20)};Sampled=0`;
}
