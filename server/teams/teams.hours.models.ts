import { z } from 'zod';
import type { BusinessHours } from '../rules/rules.models.js';

/* Pure rules of business hours: what a valid week looks like, and the stored (normalised) form. */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The settings key of the workspace's hours, or of a team's own hours. */
export const businessHoursKey = (teamId: string | null) => (teamId ? `businessHours:${teamId}` : 'businessHours');

/** Minutes since midnight of an `HH:MM` already validated ("24:00" is 1440: open until the end of the day). */
export const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

const zoneName = (v: string): string | null => {
  try {
    // Throws a RangeError for anything that is not an IANA zone (or UTC); resolves "europe/lisbon" to its canonical name.
    return new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
};

const realDate = (v: string) => {
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
};

const time = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM from 00:00 to 24:00');
const range = z.tuple([time, time]).refine(([from, to]) => minutesOf(from) < minutesOf(to), 'must start before it ends (from < to)');
/** One day's opening ranges; adjacent ranges (09:00–12:00, 12:00–17:00) are fine, overlapping ones are not. */
const day = z
  .array(range)
  .max(12, 'at most 12 ranges a day')
  .superRefine((ranges, ctx) => {
    const order = ranges.map((r, i) => ({ r, i })).sort((a, b) => minutesOf(a.r[0]) - minutesOf(b.r[0]));
    for (let k = 1; k < order.length; k++) {
      const prev = order[k - 1]!;
      const next = order[k]!;
      if (minutesOf(next.r[0]) < minutesOf(prev.r[1])) {
        ctx.addIssue({ code: 'custom', path: [next.i], message: `${next.r[0]}–${next.r[1]} overlaps ${prev.r[0]}–${prev.r[1]}` });
        return;
      }
    }
  });

const holiday = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(realDate, 'is not a real date');

/**
 * `PUT` body of business hours. Days left out (or with no ranges) are closed; holidays are closed all day.
 * The result is normalised: canonical zone name, ranges in order, holidays sorted without duplicates.
 */
export const businessHoursBody = z
  .strictObject({
    timezone: z
      .string({ error: 'is required (an IANA time zone such as Europe/Lisbon)' })
      .max(64)
      .refine((v) => zoneName(v) !== null, 'is not an IANA time zone (such as Europe/Lisbon or America/Sao_Paulo)'),
    week: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, day.optional()])) as Record<Weekday, z.ZodOptional<typeof day>>, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown day ${issue.keys.join(', ')} (use ${WEEKDAYS.join(', ')})` : 'must be an object of weekdays'),
    }),
    holidays: z.array(holiday).max(400, 'at most 400 holidays').default([]),
  })
  .transform((b): BusinessHours => normalizeBusinessHours(b as BusinessHours));

/** Canonical form to store and show: every weekday present (closed = []), ranges sorted, holidays sorted and unique. */
export function normalizeBusinessHours(h: BusinessHours): BusinessHours & { week: Record<Weekday, [string, string][]>; holidays: string[] } {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [...(h.week[d] ?? [])].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0])).map(([f, t]) => [f, t] as [string, string])])) as Record<Weekday, [string, string][]>;
  return { timezone: zoneName(h.timezone) ?? h.timezone, week, holidays: [...new Set(h.holidays ?? [])].sort() };
}
