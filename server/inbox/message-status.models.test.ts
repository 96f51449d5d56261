import { describe, expect, it } from 'vitest';
import type { MessageStatus } from '../../db/schema/inbox.js';
import { nextStatus } from './message-status.models.js';

function replay(events: string[], start: MessageStatus = 'sent'): MessageStatus {
  return events.reduce<MessageStatus>((s, e) => nextStatus(s, e) ?? s, start);
}

describe('status lattice', () => {
  it.each([
    [['sent', 'delivered', 'read'], 'read'],
    [['read', 'sent', 'delivered'], 'read'],
    [['delivered', 'delivered', 'sent'], 'delivered'],
    [['read'], 'read'], // delivered may never come
    [['read', 'played'], 'played'],
    [['failed'], 'failed'],
    [['sent', 'failed', 'sent'], 'failed'],
    [['failed', 'delivered'], 'delivered'],
    [['delivered', 'failed'], 'delivered'],
    [['deleted'], 'sent'],
  ])('%j ends %s', (events, expected) => {
    expect(replay(events)).toBe(expected);
  });

  it('ends the same whatever the arrival order', () => {
    const events = ['sent', 'delivered', 'read'];
    const orders = [events, [...events].reverse(), ['delivered', 'read', 'sent'], ['read', 'delivered', 'sent']];
    expect(new Set(orders.map((o) => replay(o, 'sending')))).toEqual(new Set(['read']));
  });

  it('lets a queued message fail or be sent', () => {
    expect(nextStatus('queued', 'failed')).toBe('failed');
    expect(nextStatus('sending', 'sent')).toBe('sent');
    expect(nextStatus('read', 'read')).toBeNull();
  });
});
