import { describe, expect, it } from 'vitest';
import { describeBackup, describeSchedule, formatSize, parseKeep } from './backups.models';

const backup = { name: 'parley-2026-12-01T031700Z.db', size: 12_400_000, createdAt: '2026-12-01T03:17:00.000Z', kind: 'scheduled' as const, appVersion: '0.1.0', counts: { messages: 1200, contacts: 80 }, media: { files: 3, bytes: 9000 }, downloadUrl: '/x' };

describe('backups section', () => {
  it('describes a backup in one line, and a file without a description', () => {
    expect(formatSize(640_000)).toBe('640 KB');
    expect(formatSize(1_400_000_000)).toBe('1.4 GB');
    expect(describeBackup(backup, 'en-US')).toBe('Nightly · 1,200 messages, 80 contacts · 12 MB');
    expect(describeBackup({ ...backup, kind: null, counts: null }, 'en-US')).toBe('Copied in · 12 MB');
  });

  it('reads a daily cron pattern as a time of day', () => {
    expect(describeSchedule('17 3 * * *')).toBe('at 03:17');
    expect(describeSchedule('0 */6 * * *')).toBe('on the schedule “0 */6 * * *”');
  });

  it('keeps 1 to 365 nightly backups', () => {
    expect(parseKeep(' 7 ')).toEqual({ value: 7 });
    for (const bad of ['0', '366', '2.5', '', 'x']) expect(parseKeep(bad)).toEqual({ error: expect.stringMatching(/^Keep:/) });
  });
});
