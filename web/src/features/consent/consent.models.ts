/** Pure helpers for marketing consent: the current state in words and the history lines. */
import type { Consent, ConsentEvent } from './consent.api';

const SOURCES: Record<string, string> = {
  form: 'a form',
  import: 'an import',
  keyword: 'a keyword message',
  meta_preference: 'WhatsApp’s marketing preference',
  delivery_error: 'a delivery error',
  manual: 'recorded by hand',
};
/** Where a consent change came from, in words ("keyword" → "a keyword message"). */
export const sourceLabel = (source: string | null | undefined) => (source ? (SOURCES[source] ?? source.replace(/_/g, ' ')) : 'unknown');

export type ConsentState = 'opted_in' | 'opted_out' | 'unknown';

/** The contact's current consent: opted out, opted in (the latest event says so), or not recorded; with its source and time. */
export function consentState(c: Consent): { state: ConsentState; label: string; source: string | null; at: string | null } {
  const latest = c.history[0] ?? null;
  if (c.optedOut) return { state: 'opted_out', label: 'Opted out', source: latest?.source ?? c.source, at: latest?.status === 'opted_out' ? latest.at : null };
  if (latest?.status === 'opted_in') return { state: 'opted_in', label: 'Opted in', source: latest.source, at: latest.at };
  return { state: 'unknown', label: 'Not recorded', source: null, at: null };
}

/** One history line: "Opted out · a keyword message · “STOP”" (the actor's name when a person recorded it). */
export function historyLine(e: ConsentEvent, names: ReadonlyMap<string, string> = new Map()): string {
  const who = e.actorId ? (names.get(e.actorId) ?? 'a teammate') : null;
  const detail = e.detail?.trim() ? `“${e.detail.trim()}”` : null;
  return [e.status === 'opted_out' ? 'Opted out' : 'Opted in', sourceLabel(e.source), who && `by ${who}`, detail].filter(Boolean).join(' · ');
}
