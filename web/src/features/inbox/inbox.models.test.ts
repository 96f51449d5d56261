import { describe, expect, it } from 'vitest';
import { preview, statusTicks, windowLeft } from './inbox.models';

describe('inbox models', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('counts the service window down and closes it', () => {
    expect(windowLeft(new Date(now + (23 * 60 + 14) * 60_000).toISOString(), now)).toBe('23h 14m left');
    expect(windowLeft(new Date(now + 12 * 60_000 + 5_000).toISOString(), now)).toBe('12m left');
    expect(windowLeft(new Date(now + 20_000).toISOString(), now)).toBe('1m left');
    expect(windowLeft(new Date(now - 1).toISOString(), now)).toBeNull();
    expect(windowLeft(null, now)).toBeNull();
  });
  it('maps statuses to ticks', () => {
    expect(statusTicks('sent').text).toBe('✓');
    expect(statusTicks('delivered')).toMatchObject({ text: '✓✓', read: false });
    expect(statusTicks('read')).toMatchObject({ text: '✓✓', read: true });
    expect(statusTicks('failed').label).toBe('Failed');
  });
  it('previews the last message', () => {
    expect(preview({ type: 'text', text: 'hi', direction: 'outbound' })).toBe('You: hi');
    expect(preview({ type: 'location', text: null, direction: 'inbound' })).toBe('📍 Location');
    expect(preview(null)).toBe('No messages yet');
  });
});

describe('timeline and templates', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('interleaves notes with messages by time and separates days', async () => {
    const { timeline } = await import('./inbox.models');
    const items = timeline(
      [
        { id: 'm2', timestamp: new Date(now - 60_000).toISOString() },
        { id: 'm1', timestamp: new Date(now - 86_400_000 - 60_000).toISOString() },
      ],
      [{ id: 'n1', createdAt: new Date(now - 30_000).toISOString() }],
      now,
    );
    expect(items.map((i) => (i.kind === 'day' ? i.label : i.item.id))).toEqual(['Yesterday', 'm1', 'Today', 'm2', 'n1']);
  });
  it('renders template placeholders from values', async () => {
    const { renderTemplateBody, formatSize } = await import('./inbox.models');
    expect(renderTemplateBody('Order {{1}} is {{2}}.', ['1', '2'], ['#1042', 'on its way'])).toBe('Order #1042 is on its way.');
    expect(renderTemplateBody('Order {{1}} is {{2}}.', ['1', '2'], ['#1042'])).toBe('Order #1042 is {{2}}.');
    expect(formatSize(2_500_000)).toBe('2.4 MB');
    expect(formatSize(300)).toBe('1 KB');
  });
});

describe('SLA badges', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const sla = (s: Partial<{ firstResponseDueAt: string | null; firstResponseBreached: boolean; resolutionDueAt: string | null; resolutionBreached: boolean }>) => ({
    firstResponseDueAt: null,
    firstResponseBreached: false,
    resolutionDueAt: null,
    resolutionBreached: false,
    ...s,
  });
  it('formats countdowns', async () => {
    const { formatDuration } = await import('./inbox.models');
    expect(formatDuration(20_000)).toBe('<1m');
    expect(formatDuration(-5_000)).toBe('<1m');
    expect(formatDuration(12 * 60_000 + 59_000)).toBe('12m');
    expect(formatDuration(185 * 60_000)).toBe('3h 5m');
    expect(formatDuration(120 * 60_000)).toBe('2h');
    expect(formatDuration((52 * 60 + 30) * 60_000)).toBe('2d 4h');
    expect(formatDuration(48 * 3_600_000)).toBe('2d');
  });
  it('counts down to the first reply, then to resolution, and says when a clock has passed', async () => {
    const { slaBadge } = await import('./inbox.models');
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(12), resolutionDueAt: at(600) }) }, now)).toEqual({ label: 'Reply in 12m', breached: false, soon: true });
    expect(slaBadge({ status: 'open', firstResponseAt: at(-5), sla: sla({ firstResponseDueAt: at(12), resolutionDueAt: at(185) }) }, now)).toEqual({ label: 'Resolve in 3h 5m', breached: false, soon: false });
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(30), firstResponseBreached: false, resolutionBreached: true }) }, now)?.label).toBe('SLA breached');
    // Ran out since the list was fetched.
    expect(slaBadge({ status: 'pending', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(-1) }) }, now)).toMatchObject({ label: 'SLA breached', breached: true });
  });
  it('shows nothing without targets or once resolved', async () => {
    const { slaBadge } = await import('./inbox.models');
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: null }, now)).toBeNull();
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({}) }, now)).toBeNull();
    expect(slaBadge({ status: 'resolved', firstResponseAt: null, sla: sla({ resolutionBreached: true }) }, now)).toBeNull();
  });
});
