import { describe, expect, it } from 'vitest';
import { addHoliday, defaultDraft, draftFromHours, hoursFromDraft, hoursProblems, isOpenAt, nextRange, zoneOptions } from './business-hours.models';

describe('business hours form', () => {
  it('starts from Monday to Friday 09:00–17:00 and turns into the request body (closed days left out)', () => {
    expect(hoursFromDraft(defaultDraft('Europe/Lisbon'))).toEqual({
      timezone: 'Europe/Lisbon',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
      holidays: [],
    });
  });

  it('reads midnight as a closing time 00:00 and writes it back as 24:00; ranges come out in order', () => {
    const draft = draftFromHours({ timezone: 'UTC', week: { sat: [['18:00', '24:00'], ['10:00', '14:00']] }, holidays: ['2026-12-25'] });
    expect(draft.days.sat).toEqual({ open: true, ranges: [{ from: '18:00', to: '00:00' }, { from: '10:00', to: '14:00' }] });
    expect(draft.days.mon.open).toBe(false);
    expect(hoursProblems(draft)).toEqual([]);
    expect(hoursFromDraft(draft)).toEqual({ timezone: 'UTC', week: { sat: [['10:00', '14:00'], ['18:00', '24:00']] }, holidays: ['2026-12-25'] });
  });

  it('says what keeps the hours from being saved', () => {
    const d = defaultDraft('UTC');
    d.days.mon.ranges = [{ from: '13:00', to: '18:00' }, { from: '09:00', to: '13:30' }];
    d.days.tue.ranges = [{ from: '17:00', to: '09:00' }];
    d.days.wed.ranges = [{ from: '09:00', to: '' }];
    d.days.thu.ranges = [];
    d.days.sat = { open: false, ranges: [{ from: '', to: '' }] }; // closed: its ranges do not matter
    expect(hoursProblems({ ...d, timezone: 'Mars/Olympus' })).toEqual([
      'Time zone: “Mars/Olympus” is not a time zone.',
      'Monday: 13:00–18:00 overlaps 09:00–13:30.',
      'Tuesday: 17:00–09:00 closes before it opens.',
      'Wednesday: give both an opening and a closing time.',
      'Thursday: give opening hours, or mark the day closed.',
    ]);
  });

  it('adds holidays sorted, once each, and ignores what is not a date', () => {
    expect(addHoliday(['2026-12-25'], '2026-01-01')).toEqual(['2026-01-01', '2026-12-25']);
    expect(addHoliday(['2026-12-25'], '2026-12-25')).toEqual(['2026-12-25']);
    expect(addHoliday(['2026-12-25'], '')).toEqual(['2026-12-25']);
  });

  it('proposes the next range after the last one, never past midnight', () => {
    expect(nextRange([])).toEqual({ from: '09:00', to: '17:00' });
    expect(nextRange([{ from: '09:00', to: '12:00' }])).toEqual({ from: '12:00', to: '15:00' });
    expect(nextRange([{ from: '09:00', to: '22:30' }])).toEqual({ from: '22:30', to: '00:00' });
    expect(nextRange([{ from: '09:00', to: '00:00' }])).toEqual({ from: '', to: '' });
  });

  it('offers the stored zone even when the browser does not list it', () => {
    expect(zoneOptions('Etc/GMT+3')).toContain('Etc/GMT+3');
    expect(zoneOptions('UTC')).toContain('UTC');
  });

  it('"Open now" in the hours’ zone, as the server decides it (holidays closed all day)', () => {
    const lisbon = { timezone: 'Europe/Lisbon', week: { mon: [['09:00', '18:00']] as [string, string][] }, holidays: ['2026-12-28'] };
    const saoPaulo = { ...lisbon, timezone: 'America/Sao_Paulo' };
    const monday = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 23, h, m));
    expect(isOpenAt(lisbon, monday(9))).toBe(true);
    expect(isOpenAt(lisbon, monday(8, 59))).toBe(false);
    expect(isOpenAt(lisbon, monday(18))).toBe(false);
    expect(isOpenAt(saoPaulo, monday(11))).toBe(false);
    expect(isOpenAt(saoPaulo, monday(12))).toBe(true);
    expect(isOpenAt(lisbon, new Date(Date.UTC(2026, 11, 28, 10)))).toBe(false);
    expect(isOpenAt({ timezone: 'UTC', week: { mon: [['20:00', '24:00']] }, holidays: [] }, monday(23, 59))).toBe(true);
  });
});
