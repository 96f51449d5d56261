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
