import { describe, expect, it } from 'vitest';
import { slaClock } from './sla.models.js';

const MIN = 60_000;
const base = { status: 'open', openedAt: 1_000 * MIN, createdAt: 0, firstResponseAt: null, resolvedAt: null, waitingSince: 1_000 * MIN };
const targets = { firstResponseMinutes: 15, resolutionMinutes: 240 };

describe('SLA clocks', () => {
  it.each([
    ['waiting, inside the target', base, 1_014 * MIN, { firstResponseBreached: false, resolutionBreached: false }],
    ['waiting, exactly at the due time', base, 1_015 * MIN, { firstResponseBreached: false, resolutionBreached: false }],
    ['waiting, one ms past the due time', base, 1_015 * MIN + 1, { firstResponseBreached: true, resolutionBreached: false }],
    ['answered in time, later resolution breach', { ...base, firstResponseAt: 1_010 * MIN, waitingSince: null }, 1_241 * MIN, { firstResponseBreached: false, resolutionBreached: true }],
    ['answered late stays breached', { ...base, firstResponseAt: 1_020 * MIN, waitingSince: null }, 1_021 * MIN, { firstResponseBreached: true, resolutionBreached: false }],
    ['resolved in time never breaches later', { ...base, status: 'resolved', firstResponseAt: 1_001 * MIN, resolvedAt: 1_100 * MIN, waitingSince: null }, 9_999 * MIN, { firstResponseBreached: false, resolutionBreached: false }],
    ['business-initiated, customer silent: no first-response clock', { ...base, waitingSince: null }, 1_100 * MIN, { firstResponseBreached: false, firstResponseDueAt: null }],
  ] as const)('%s', (_name, conv, now, expected) => {
    expect(slaClock(conv, targets, now)).toMatchObject(expected);
  });

  it('has no clocks without targets', () => {
    expect(slaClock(base, { firstResponseMinutes: null, resolutionMinutes: null }, 99_999 * MIN)).toEqual({ firstResponseDueAt: null, firstResponseBreached: false, resolutionDueAt: null, resolutionBreached: false });
  });
});
