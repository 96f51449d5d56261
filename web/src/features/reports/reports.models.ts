import { formatDuration } from '../inbox/inbox.models';

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The last `days` local calendar days up to today, with the viewer's UTC offset (minutes east). */
export function reportRange(days: number, now: Date): { from: string; to: string; offset: number } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return { from: ymd(start), to: ymd(now), offset: -now.getTimezoneOffset() };
}

/** A median in minutes, readably: "45 s", "4.5 min", "3h 5m", "2d 4h"; "—" when there is none. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 60) return `${Math.round(minutes * 10) / 10} min`;
  return formatDuration(minutes * 60_000);
}

/** Messages in and out over the whole range. */
export function volumeTotals(volume: readonly { inbound: number; outbound: number }[]): { inbound: number; outbound: number } {
  return volume.reduce((t, v) => ({ inbound: t.inbound + v.inbound, outbound: t.outbound + v.outbound }), { inbound: 0, outbound: 0 });
}

/** A decimal amount in its currency ("€1,250.00"); the bare number when the currency is unknown. */
export function formatAmount(amount: string, currency: string | null): string {
  const n = Number(amount);
  if (!currency) return n.toLocaleString();
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toLocaleString()} ${currency}`;
  }
}

/** A day's local midnight in Unix seconds (the x values of the chart). */
export function dayToSeconds(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime() / 1000;
}

/** How an ad is named in the table: its headline, else its id. */
export const adLabel = (a: { headline: string | null; sourceId: string }) => a.headline?.trim() || `Ad ${a.sourceId}`;

/** A link taken from a webhook (an ad's URL) only when it is http(s): never a javascript: or data: URL. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
