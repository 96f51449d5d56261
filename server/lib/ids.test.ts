import { describe, expect, it } from 'vitest';
import { newId, newSecretToken } from './ids.js';

describe('newId', () => {
  it('makes prefixed base32 ids of 80 bits that do not repeat, also across pool refills', () => {
    const ids = Array.from({ length: 2_000 }, () => newId('msg'));
    for (const id of ids) expect(id).toMatch(/^msg_[a-z2-7]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes secret tokens of 160 bits', () => {
    expect(newSecretToken()).toMatch(/^[a-z2-7]{32}$/);
    expect(newSecretToken()).not.toBe(newSecretToken());
  });
});
