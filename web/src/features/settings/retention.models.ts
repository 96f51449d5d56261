import type { RetentionSettings } from './retention.api';

/** A days field: empty → null (keep forever); otherwise a whole number from 1 to 3650, or the problem. */
export function parseDays(text: string, what: string): { value: number | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { value: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > 3650) return { error: `${what}: enter whole days from 1 to 3650, or leave it empty to keep forever.` };
  return { value: n };
}

/** "Last run 3 Mar: 1,200 webhook bodies deleted, 40 media removed (38 files)." */
export function describeRun(run: RetentionSettings['lastRun'], locale?: string): string {
  if (!run) return 'Not run yet: it runs every night.';
  const n = (x: number) => x.toLocaleString(locale);
  const parts = [`${n(run.webhookEventsDeleted)} webhook bodies deleted`, `${n(run.mediaPurged)} media removed (${n(run.filesDeleted)} files)`];
  return `Last run ${new Date(run.at).toLocaleString(locale)}: ${parts.join(', ')}${run.interrupted ? ' — stopped by a restart, the next run goes on' : ''}.`;
}
