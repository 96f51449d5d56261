import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A prefixed random id such as `usr_k3j…`: 80 random bits, URL-safe. */
export function newId(prefix: string): string {
  return `${prefix}_${encodeBase32LowerCaseNoPadding(randomBytes(10))}`;
}

/** A secret token with 160 random bits, lowercase base32 (the Lucia recipe's format). */
export function newSecretToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}
