import { describe, expect, it } from 'vitest';
import { describeRun, parseDays } from './retention.models';

describe('retention settings form', () => {
  it('reads empty as keep forever and refuses anything but whole days from 1 to 3650', () => {
    expect(parseDays('', 'Media')).toEqual({ value: null });
    expect(parseDays(' 90 ', 'Media')).toEqual({ value: 90 });
    for (const bad of ['0', '-3', '1.5', 'abc', '3651']) expect(parseDays(bad, 'Media')).toEqual({ error: expect.stringMatching(/^Media: enter whole days/) });
  });

  it('describes the last run, and a run cut short by a restart', () => {
    expect(describeRun(null)).toMatch(/Not run yet/);
    const run = { at: '2026-03-01T03:41:00.000Z', webhookEventsDeleted: 1200, mediaPurged: 40, filesDeleted: 38, filesKept: 0, interrupted: false };
    expect(describeRun(run, 'en-US')).toMatch(/1,200 webhook bodies deleted, 40 media removed \(38 files\)\.$/);
    expect(describeRun({ ...run, interrupted: true }, 'en-US')).toMatch(/stopped by a restart/);
  });
});
