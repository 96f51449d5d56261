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
