import { describe, expect, it } from 'vitest';
import { coveredByWildcard, deliveryLabel, deliveryOutcome, deliveryTone, eventLabel, eventsSummary, groupEventTypes, normalizePatterns, togglePattern, validateWebhookForm } from './webhooks.models';

const TYPES = ['message.received', 'message.sent', 'deal.created', 'deal.stage_changed', 'widget.spun'];

describe('webhooks models', () => {
  it('groups event types by prefix, keeping the order', () => {
    const groups = groupEventTypes([...TYPES, 'nodot']);
    expect(groups.map((g) => [g.prefix, g.label, g.pattern])).toEqual([
      ['message', 'Messages', 'message.*'],
      ['deal', 'Deals', 'deal.*'],
      ['widget', 'Widget', 'widget.*'],
    ]);
    expect(groups[1]!.types).toEqual([
      { type: 'deal.created', label: 'created' },
      { type: 'deal.stage_changed', label: 'stage changed' },
    ]);
    expect(eventLabel('contact.tag_added')).toBe('tag added');
  });

  it('toggles boxes into the smallest list of patterns', () => {
    let p = togglePattern([], 'deal.created', true);
    p = togglePattern(p, 'message.sent', true);
    expect(p).toEqual(['deal.created', 'message.sent']);
    p = togglePattern(p, 'deal.*', true);
    expect(p).toEqual(['message.sent', 'deal.*']);
    expect(coveredByWildcard(p, 'deal.stage_changed')).toBe(true);
    expect(coveredByWildcard(p, 'message.received')).toBe(false);
    p = togglePattern(p, 'deal.*', false);
    expect(p).toEqual(['message.sent']);
    expect(togglePattern(p, '*', true)).toEqual(['*']);
    expect(coveredByWildcard(['*'], 'message.received')).toBe(true);
    expect(togglePattern(['*'], '*', false)).toEqual([]);
    expect(normalizePatterns(['a.x', 'a.x', 'b.*', 'b.y'])).toEqual(['a.x', 'b.*']);
  });

  it('summarises what a webhook listens to', () => {
    expect(eventsSummary(['*'])).toBe('All events');
    expect(eventsSummary(['deal.*', 'message.received'])).toBe('all deals, message.received');
  });

  it('validates the form like the server', () => {
    expect(validateWebhookForm({ url: 'https://example.com/hook', events: ['*'] })).toBeNull();
    expect(validateWebhookForm({ url: ' http://localhost:3000/h ', events: ['deal.*'] })).toBeNull();
    expect(validateWebhookForm({ url: 'http://127.0.0.1/h', events: ['deal.created'] })).toBeNull();
    expect(validateWebhookForm({ url: '', events: [] })).toEqual({ url: 'Enter the URL that receives the events.', events: 'Choose at least one event.' });
    expect(validateWebhookForm({ url: 'example.com/hook', events: ['*'] })?.url).toMatch(/full URL/);
    expect(validateWebhookForm({ url: 'http://example.com/hook', events: ['*'] })?.url).toMatch(/https/);
    expect(validateWebhookForm({ url: 'ftp://example.com/', events: ['*'] })?.url).toMatch(/https/);
    expect(validateWebhookForm({ url: 'https://u:p@example.com/', events: ['*'] })?.url).toMatch(/password/);
    expect(validateWebhookForm({ url: 'https://example.com/', events: [] })).toEqual({ events: 'Choose at least one event.' });
  });

  it('describes deliveries', () => {
    expect([deliveryTone({ state: 'delivered', attempts: 1 }), deliveryLabel({ state: 'delivered', attempts: 1 })]).toEqual(['ok', 'Delivered']);
    expect([deliveryTone({ state: 'pending', attempts: 2 }), deliveryLabel({ state: 'pending', attempts: 2 })]).toEqual(['warn', 'Retrying']);
    expect([deliveryTone({ state: 'pending', attempts: 0 }), deliveryLabel({ state: 'pending', attempts: 0 })]).toEqual(['info', 'Queued']);
    expect([deliveryTone({ state: 'failed', attempts: 0 }), deliveryLabel({ state: 'failed', attempts: 0 })]).toEqual(['bad', 'Failed']);
    expect(deliveryOutcome({ lastStatus: 500, lastError: 'HTTP 500 Internal Server Error', attempts: 1 })).toBe('HTTP 500');
    expect(deliveryOutcome({ lastStatus: null, lastError: 'timed out after 10 s', attempts: 1 })).toBe('timed out after 10 s');
    expect(deliveryOutcome({ lastStatus: null, lastError: null, attempts: 0 })).toBe('Not sent yet');
    expect(deliveryOutcome({ lastStatus: 200, lastError: null, attempts: 1 })).toBe('HTTP 200');
  });
});
