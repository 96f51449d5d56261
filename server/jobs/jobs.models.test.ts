import { describe, expect, it } from 'vitest';
import { backoffDelay, describeError } from './jobs.models.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt between half and the full step', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(30_000);
  });

  it('spreads retries of a burst (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(16_000), expect(d).toBeLessThanOrEqual(32_000);
  });
});

describe('describeError', () => {
  it('keeps the name and message, and bounds the length', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('x'.repeat(5_000))).length).toBeLessThanOrEqual(2_001);
  });
});
