import type { BusinessHours, Weekday } from './business-hours.api';

/* Business hours in the form: a draft per weekday (open or closed, one or more ranges) and holidays. */

export const WEEKDAYS: readonly { id: Weekday; label: string }[] = [
  { id: 'mon', label: 'Monday' },
  { id: 'tue', label: 'Tuesday' },
  { id: 'wed', label: 'Wednesday' },
  { id: 'thu', label: 'Thursday' },
  { id: 'fri', label: 'Friday' },
  { id: 'sat', label: 'Saturday' },
  { id: 'sun', label: 'Sunday' },
];

export interface RangeDraft {
  from: string;
  /** "00:00" as a closing time means midnight (a time input cannot show 24:00). */
  to: string;
}
export interface DayDraft {
  open: boolean;
  ranges: RangeDraft[];
}
export interface HoursDraft {
  timezone: string;
  days: Record<Weekday, DayDraft>;
  holidays: string[];
}

export const DEFAULT_RANGE: RangeDraft = { from: '09:00', to: '17:00' };

/** The browser's own time zone (UTC when it does not say). */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** What a workspace without hours starts from: Monday to Friday 09:00–17:00 in the browser's zone. */
export function defaultDraft(zone = browserZone()): HoursDraft {
  const days = Object.fromEntries(WEEKDAYS.map((d) => [d.id, { open: d.id !== 'sat' && d.id !== 'sun', ranges: [{ ...DEFAULT_RANGE }] }])) as Record<Weekday, DayDraft>;
  return { timezone: zone, days, holidays: [] };
}

/** Stored hours as a draft ("24:00" shows as the midnight "00:00"). */
export function draftFromHours(h: BusinessHours): HoursDraft {
  const days = Object.fromEntries(
    WEEKDAYS.map((d) => {
      const ranges = (h.week[d.id] ?? []).map(([from, to]) => ({ from, to: to === '24:00' ? '00:00' : to }));
      return [d.id, ranges.length ? { open: true, ranges } : { open: false, ranges: [{ ...DEFAULT_RANGE }] }];
    }),
  ) as Record<Weekday, DayDraft>;
  return { timezone: h.timezone, days, holidays: [...h.holidays] };
}

const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
const isTime = (v: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
const closing = (to: string) => (to === '00:00' ? 1440 : minutes(to));

/** The range "+ Add hours" proposes: from where the last one closes, for up to three hours (not past midnight). */
export function nextRange(ranges: readonly RangeDraft[]): RangeDraft {
  const last = ranges[ranges.length - 1];
  if (!last) return { ...DEFAULT_RANGE };
  if (!isTime(last.to) || last.to === '00:00') return { from: '', to: '' };
  const from = minutes(last.to);
  const to = Math.min(from + 180, 1440);
  const hm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return { from: hm(from), to: hm(to) };
}

/** What keeps the draft from being saved, one line each (the server checks the same and names the field). */
export function hoursProblems(d: HoursDraft): string[] {
  const problems: string[] = [];
  if (!isTimeZone(d.timezone)) problems.push(`Time zone: “${d.timezone}” is not a time zone.`);
  for (const day of WEEKDAYS) {
    const draft = d.days[day.id];
    if (!draft.open) continue;
    if (draft.ranges.length === 0) problems.push(`${day.label}: give opening hours, or mark the day closed.`);
    const valid = draft.ranges.filter((r) => isTime(r.from) && isTime(r.to));
    if (valid.length < draft.ranges.length) problems.push(`${day.label}: give both an opening and a closing time.`);
    for (const r of valid) if (minutes(r.from) >= closing(r.to)) problems.push(`${day.label}: ${r.from}–${r.to} closes before it opens.`);
    const sorted = valid.filter((r) => minutes(r.from) < closing(r.to)).sort((a, b) => minutes(a.from) - minutes(b.from));
    for (let i = 1; i < sorted.length; i++) {
      if (minutes(sorted[i]!.from) < closing(sorted[i - 1]!.to)) problems.push(`${day.label}: ${sorted[i]!.from}–${sorted[i]!.to} overlaps ${sorted[i - 1]!.from}–${sorted[i - 1]!.to}.`);
    }
  }
  return problems;
}

/** The request body: open days with their ranges in order (midnight as "24:00"), closed days left out. */
export function hoursFromDraft(d: HoursDraft): BusinessHours {
  const week: BusinessHours['week'] = {};
  for (const day of WEEKDAYS) {
    const draft = d.days[day.id];
    if (!draft.open || draft.ranges.length === 0) continue;
    week[day.id] = [...draft.ranges].sort((a, b) => minutes(a.from) - minutes(b.from)).map((r) => [r.from, r.to === '00:00' ? '24:00' : r.to]);
  }
  return { timezone: d.timezone, week, holidays: [...d.holidays] };
}

/** Holidays with one more date, sorted, each once (an invalid date changes nothing). */
export function addHoliday(list: readonly string[], date: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return [...list];
  return [...new Set([...list, date])].sort();
}

/** A holiday as people read it ("Fri, 25 Dec 2026" in the browser's language). */
export const holidayLabel = (date: string) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Whether a zone name is one the browser knows. */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let zones: string[] | null = null;
/** Zones for the select: the browser's IANA list, with UTC and the current one added when missing. */
export function zoneOptions(current: string): string[] {
  zones ??= (() => {
    try {
      return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    } catch {
      return [];
    }
  })();
  return [...new Set([...zones, 'UTC', current])].filter(Boolean).sort();
}

const DAY_INDEX: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** Whether `at` is within the hours, read in their zone (holidays closed all day) — the server's rule, for "Open now". */
export function isOpenAt(h: BusinessHours, at: Date): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: h.timezone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  if (h.holidays.includes(`${parts.year}-${parts.month}-${parts.day}`)) return false;
  const day = DAY_INDEX[parts.weekday ?? ''];
  const now = Number(parts.hour) * 60 + Number(parts.minute);
  return !!day && (h.week[day] ?? []).some(([from, to]) => now >= minutes(from) && now < minutes(to));
}
