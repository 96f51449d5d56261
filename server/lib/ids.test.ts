import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { base32Of40Bits, newId, newSecretToken } from './ids.js';

describe('newId', () => {
  it('makes prefixed base32 ids of 80 bits that do not repeat, also across pool refills', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('msg'));
    for (const id of ids) expect(id).toMatch(/^msg_[a-z2-7]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes ids exactly as standard lowercase base32 does', () => {
    for (const bytes of [Buffer.alloc(5), Buffer.alloc(5, 0xff), Buffer.from([0x80, 0, 0, 0, 1]), ...Array.from({ length: 500 }, () => randomBytes(5))]) {
      expect(base32Of40Bits(bytes, 0)).toBe(encodeBase32LowerCaseNoPadding(bytes));
    }
    const ten = randomBytes(12);
    expect(base32Of40Bits(ten, 2) + base32Of40Bits(ten, 7)).toBe(encodeBase32LowerCaseNoPadding(ten.subarray(2, 12)));
  });

  it('makes secret tokens of 160 bits', () => {
    expect(newSecretToken()).toMatch(/^[a-z2-7]{32}$/);
    expect(newSecretToken()).not.toBe(newSecretToken());
  });
});
