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
  const bytes = pool.subarray(offset, (offset += 10));
  return `${prefix}_${encodeBase32LowerCaseNoPadding(bytes)}`;
}

/** A secret token with 160 random bits, lowercase base32 (the Lucia recipe's format). */
export function newSecretToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}
