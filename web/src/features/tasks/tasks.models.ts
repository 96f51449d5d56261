import { formatDuration } from '../inbox/inbox.models';

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a `datetime-local` input value, in the browser's time zone ('' for none). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) as ISO, or null when empty or unreadable. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value); // no zone in the string: read as local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** When a task is due, said the short way: "Overdue by 2h", "Today 14:00", "Tomorrow 09:00", a date. */
export function dueLabel(iso: string | null, now: number): { text: string; overdue: boolean } {
  if (!iso) return { text: 'No due time', overdue: false };
  const at = Date.parse(iso);
  if (at < now) return { text: `Overdue by ${formatDuration(now - at)}`, overdue: true };
  const time = new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const day = (t: number) => new Date(t).toDateString();
  if (day(at) === day(now)) return { text: `Today ${time}`, overdue: false };
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  if (day(at) === tomorrow.toDateString()) return { text: `Tomorrow ${time}`, overdue: false };
  return { text: new Date(at).toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }), overdue: false };
}
