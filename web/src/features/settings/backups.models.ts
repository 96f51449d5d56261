import type { Backup } from './backups.api';

/** 1.4 GB, 12 MB, 640 KB. */
export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/** "Nightly · 1,200 messages, 80 contacts · 12 MB", for one line of the list. */
export function describeBackup(b: Backup, locale?: string): string {
  const kind = b.kind === 'scheduled' ? 'Nightly' : b.kind === 'manual' ? 'Taken by hand' : b.kind === 'upgrade' ? 'Before an upgrade' : 'Copied in';
  const n = (v: number | undefined) => (v ?? 0).toLocaleString(locale);
  const holds = b.counts ? ` · ${n(b.counts.messages)} messages, ${n(b.counts.contacts)} contacts` : '';
  return `${kind}${holds} · ${formatSize(b.size)}`;
}

/** The "keep" field: whole numbers from 1 to 365. */
export function parseKeep(text: string): { value: number } | { error: string } {
  const v = Number(text.trim());
  return Number.isInteger(v) && v >= 1 && v <= 365 ? { value: v } : { error: 'Keep: enter a whole number of nightly backups from 1 to 365.' };
}

/** "at 03:17" for a daily cron pattern (`17 3 * * *`), else the pattern itself. */
export function describeSchedule(cron: string): string {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  return m ? `at ${m[2]!.padStart(2, '0')}:${m[1]!.padStart(2, '0')}` : `on the schedule “${cron}”`;
}
