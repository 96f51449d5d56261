import { randomBytes, randomFillSync } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

// Ids are made on every write path (a message, a rule run, a job): one call into the CSPRNG per 400 ids
// instead of one per id, which cost more than the insert it names.
const pool = Buffer.alloc(4000);
let offset = pool.length;

/** A prefixed random id such as `usr_k3j…`: 80 random bits, URL-safe. */
export function newId(prefix: string): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += 10;
  return `${prefix}_${base32Of40Bits(pool, at)}${base32Of40Bits(pool, at + 5)}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * Five bytes as eight lowercase base32 characters (RFC 4648, most significant bits first) — what
 * `encodeBase32LowerCaseNoPadding` gives for them, without building an array per id (a tenth of the cost).
 */
export function base32Of40Bits(b: Uint8Array, at: number): string {
  const hi = b[at]!;
  const lo = ((b[at + 1]! << 24) | (b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!) >>> 0;
  const A = ALPHABET;
  return (
    A[hi >> 3]! + A[((hi & 7) << 2) | (lo >>> 30)]! + A[(lo >>> 25) & 31]! + A[(lo >>> 20) & 31]! + A[(lo >>> 15) & 31]! + A[(lo >>> 10) & 31]! + A[(lo >>> 5) & 31]! + A[lo & 31]!
  );
}

/** A secret token with 160 random bits, lowercase base32 (the Lucia recipe's format). */
export function newSecretToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}
