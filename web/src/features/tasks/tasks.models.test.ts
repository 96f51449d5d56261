import { describe, expect, it } from 'vitest';
import { dueLabel, fromLocalInput, toLocalInput } from './tasks.models';

describe('task models', () => {
  it('round-trips local date-times through datetime-local values', () => {
    const local = new Date(2026, 10, 23, 9, 5); // local time, whatever the zone of the machine
    expect(toLocalInput(local.toISOString())).toBe('2026-11-23T09:05');
    expect(fromLocalInput('2026-11-23T09:05')).toBe(local.toISOString());
    expect(toLocalInput(null)).toBe('');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
  it('labels due times relative to now', () => {
    const now = new Date(2026, 10, 23, 12, 0).getTime();
    expect(dueLabel(null, now)).toEqual({ text: 'No due time', overdue: false });
    expect(dueLabel(new Date(now - 125 * 60_000).toISOString(), now)).toEqual({ text: 'Overdue by 2h 5m', overdue: true });
    expect(dueLabel(new Date(2026, 10, 23, 17, 30).toISOString(), now).text).toMatch(/^Today /);
    expect(dueLabel(new Date(2026, 10, 24, 9, 0).toISOString(), now).text).toMatch(/^Tomorrow /);
    expect(dueLabel(new Date(2026, 11, 2, 9, 0).toISOString(), now)).toMatchObject({ overdue: false });
  });
});
