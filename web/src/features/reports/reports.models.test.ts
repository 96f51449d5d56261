import { describe, expect, it } from 'vitest';
import { adLabel, dayToSeconds, formatAmount, formatMinutes, reportRange, safeHref, volumeTotals } from './reports.models';

describe('report models', () => {
  it('ranges over local calendar days ending today', () => {
    const now = new Date(2026, 2, 3, 10, 30);
    expect(reportRange(7, now)).toEqual({ from: '2026-02-25', to: '2026-03-03', offset: -now.getTimezoneOffset() });
    expect(reportRange(1, now)).toMatchObject({ from: '2026-03-03', to: '2026-03-03' });
  });
  it('formats medians', () => {
    expect(formatMinutes(null)).toBe('—');
    expect(formatMinutes(0.75)).toBe('45 s');
    expect(formatMinutes(4.5)).toBe('4.5 min');
    expect(formatMinutes(185)).toBe('3h 5m');
    expect(formatMinutes(3 * 1440)).toBe('3d');
  });
  it('adds up volume and formats amounts', () => {
    expect(volumeTotals([{ inbound: 2, outbound: 1 }, { inbound: 3, outbound: 0 }])).toEqual({ inbound: 5, outbound: 1 });
    expect(volumeTotals([])).toEqual({ inbound: 0, outbound: 0 });
    expect(formatAmount('1250.00', 'EUR')).toMatch(/1.?250/);
    expect(formatAmount('12', null)).toBe('12');
    expect(formatAmount('5', 'NOPE')).toMatch(/5/);
  });
  it('places days at local midnight', () => {
    expect(dayToSeconds('2026-03-03')).toBe(new Date(2026, 2, 3).getTime() / 1000);
  });
  it('names ads and only links to web addresses', () => {
    expect(adLabel({ headline: ' Spring sale ', sourceId: '123' })).toBe('Spring sale');
    expect(adLabel({ headline: null, sourceId: '123' })).toBe('Ad 123');
    expect(safeHref('https://fb.me/abc')).toBe('https://fb.me/abc');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});
