/** "23h 14m left", "12m left", or null once the 24-hour window has closed. */
export function windowLeft(expiresAt: string | null, now: number): string | null {
  if (!expiresAt) return null;
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return null;
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${m}m left` : `${Math.max(1, m)}m left`;
}

/** WhatsApp-style ticks for an outbound status. */
export function statusTicks(status: string): { label: string; text: string; read: boolean } {
  switch (status) {
    case 'queued':
    case 'sending':
      return { label: 'Sending', text: '🕓', read: false };
    case 'sent':
      return { label: 'Sent', text: '✓', read: false };
    case 'delivered':
      return { label: 'Delivered', text: '✓✓', read: false };
    case 'read':
    case 'played':
      return { label: 'Read', text: '✓✓', read: true };
    case 'failed':
      return { label: 'Failed', text: '!', read: false };
    default:
      return { label: status, text: '', read: false };
  }
}

/** What a list row shows for the last message. */
export function preview(m: { type: string; text: string | null; direction: string } | null | undefined): string {
  if (!m) return 'No messages yet';
  const body = m.text ?? (m.type === 'location' ? '📍 Location' : m.type === 'image' ? '📷 Photo' : m.type === 'audio' ? '🎤 Audio' : m.type === 'document' ? '📄 Document' : `[${m.type}]`);
  return m.direction === 'outbound' ? `You: ${body}` : body;
}

/** "Today", "Yesterday" or a date, for day separators in a thread. */
export function dayLabel(iso: string, now: number): string {
  const day = (t: number) => new Date(t).toDateString();
  const t = Date.parse(iso);
  if (day(t) === day(now)) return 'Today';
  if (day(t) === day(now - 86_400_000)) return 'Yesterday';
  return new Date(t).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** Thread items (messages and internal notes) in time order, with a separator before each new day. */
export function timeline<M extends { timestamp: string }, N extends { createdAt: string }>(
  messages: readonly M[],
  notes: readonly N[],
  now: number,
): ({ kind: 'day'; label: string; key: string } | { kind: 'message'; item: M } | { kind: 'note'; item: N })[] {
  const items = [
    ...messages.map((m) => ({ kind: 'message' as const, item: m, at: Date.parse(m.timestamp) })),
    ...notes.map((n) => ({ kind: 'note' as const, item: n, at: Date.parse(n.createdAt) })),
  ].sort((a, b) => a.at - b.at);
  const out: ReturnType<typeof timeline<M, N>> = [];
  let last = '';
  for (const it of items) {
    const label = dayLabel(new Date(it.at).toISOString(), now);
    if (label !== last) out.push({ kind: 'day', label, key: `day-${label}` });
    last = label;
    out.push(it.kind === 'message' ? { kind: 'message', item: it.item } : { kind: 'note', item: it.item });
  }
  return out;
}

/** A template's body with `{{n}}` filled from `values` (empty ones stay visible as the placeholder). */
export function renderTemplateBody(text: string, params: string[], values: string[]): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => {
    const v = values[params.indexOf(name)];
    return v ? v : whole;
  });
}

export function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A span as a countdown: "<1m", "12m", "3h 5m", "2h", "2d 4h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  if (h < 24) return minutes % 60 ? `${h}h ${minutes % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

export interface SlaBadge {
  label: string;
  breached: boolean;
  /** Due within 15 minutes. */
  soon: boolean;
}

/**
 * What a conversation row shows for its SLA: "SLA breached" once a clock has passed, otherwise a
 * countdown to the next due time (the first reply while none was sent, then resolution). Nothing for
 * resolved conversations or when no target applies. `now` moves on between fetches, so a clock that
 * ran out since the last refresh shows as breached too.
 */
export function slaBadge(
  c: { status: string; firstResponseAt: string | null; sla: { firstResponseDueAt: string | null; firstResponseBreached: boolean; resolutionDueAt: string | null; resolutionBreached: boolean } | null },
  now: number,
): SlaBadge | null {
  const sla = c.sla;
  if (!sla || c.status === 'resolved') return null;
  const breached: SlaBadge = { label: 'SLA breached', breached: true, soon: false };
  if (sla.firstResponseBreached || sla.resolutionBreached) return breached;
  const reply = !c.firstResponseAt && sla.firstResponseDueAt ? Date.parse(sla.firstResponseDueAt) : null;
  const due = reply ?? (sla.resolutionDueAt ? Date.parse(sla.resolutionDueAt) : null);
  if (due === null) return null;
  const left = due - now;
  if (left <= 0) return breached;
  return { label: `${reply !== null ? 'Reply' : 'Resolve'} in ${formatDuration(left)}`, breached: false, soon: left <= 15 * 60_000 };
}
