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
