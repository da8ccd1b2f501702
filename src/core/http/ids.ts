import { createHash, randomBytes } from 'node:crypto';

// The ids API Gateway and Lambda's front ends make up: request ids and stable resource ids.

/** An API Gateway-style extended request id (`LV7fzho-PHcEJPw=`). */
export function apiGatewayId(): string {
  return randomBytes(10).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, '');
}

/** A stable lower-case alphanumeric id (URL ids, API ids) derived from a key. */
export function stableId(key: string, length: number): string {
  const digest = createHash('sha256').update(key).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i % digest.length]! % alphabet.length];
  return out;
}
