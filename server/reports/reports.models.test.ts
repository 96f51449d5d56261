import { describe, expect, it } from 'vitest';
import { cycleMedians, daysBetween, median } from './reports.models.js';

describe('report maths', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
  it('lists every day of a range, across a month end', () => {
    expect(daysBetween('2026-01-30', '2026-02-02')).toEqual(['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02']);
    expect(daysBetween('2026-02-02', '2026-02-01')).toEqual([]);
  });
  it('groups cycles by key; unanswered cycles count for resolution only', () => {
    const m = 60_000;
    const rows = [
      { key: 'u1', openedAt: 0, firstResponseAt: 2 * m, resolvedAt: 30 * m },
      { key: 'u1', openedAt: 0, firstResponseAt: 4 * m, resolvedAt: 90 * m },
      { key: 'u1', openedAt: 0, firstResponseAt: null, resolvedAt: 10 * m },
      { key: null, openedAt: 0, firstResponseAt: 90_000, resolvedAt: 60 * m },
    ];
    expect(cycleMedians(rows)).toEqual([
      { key: 'u1', resolved: 3, firstResponseMedianMinutes: 3, resolutionMedianMinutes: 30 },
      { key: null, resolved: 1, firstResponseMedianMinutes: 1.5, resolutionMedianMinutes: 60 },
    ]);
  });
});
