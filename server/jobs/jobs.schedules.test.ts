import { describe, expect, it } from 'vitest';
import { openTestDb } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { enqueueScheduledRun, type Schedule } from './jobs.schedules.js';
import { createJobStore } from './jobs.store.js';

describe('scheduled runs', () => {
  const schedule: Schedule = { name: 'reports.daily', cron: '0 6 * * *', queue: 'reports.build', payload: { kind: 'daily' } };

  it('enqueue one job per scheduled time, however often the timer fires', () => {
    const store = createJobStore(openTestDb(), manualClock());
    const six = new Date('2026-11-23T06:00:00.000Z');
    expect(enqueueScheduledRun(store, schedule, six)).toBeTypeOf('number');
    expect(enqueueScheduledRun(store, schedule, new Date(six.getTime() + 400))).toBeNull(); // same second, e.g. after a restart
    expect(enqueueScheduledRun(store, schedule, new Date('2026-11-24T06:00:00.000Z'))).toBeTypeOf('number');
    const rows = store.list({ queue: 'reports.build', limit: 10 });
    expect(rows.map((r) => r.idempotencyKey).sort()).toEqual([
      'reports.daily@2026-11-23T06:00:00.000Z',
      'reports.daily@2026-11-24T06:00:00.000Z',
    ]);
    expect(JSON.parse(rows[0]!.payload)).toEqual({ kind: 'daily' });
  });
});
