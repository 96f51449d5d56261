import { describe, expect, it } from 'vitest';
import { agoText, badgeText } from './notifications.models';

describe('notification bell', () => {
  it('shows the unread count, capped, and nothing at zero', () => {
    expect([badgeText(0), badgeText(3), badgeText(99), badgeText(150)]).toEqual(['', '3', '99', '99+']);
  });

  it('says how long ago', () => {
    const now = Date.UTC(2026, 10, 23, 12);
    const ago = (ms: number) => agoText(new Date(now - ms).toISOString(), now);
    expect([ago(10_000), ago(5 * 60_000), ago(3 * 3_600_000), ago(3 * 86_400_000)]).toEqual(['just now', '5 min ago', '3 h ago', '3 days ago']);
  });
});
