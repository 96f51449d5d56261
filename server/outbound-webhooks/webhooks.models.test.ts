import { describe, expect, it } from 'vitest';
import { EVENT_PREFIXES, eventBody, GIVE_UP_AFTER_MS, isEventPattern, nextAttemptAt, patternsMatch, retryDelayMs, webhookUrlProblem } from './webhooks.models.js';
import { signParleyPayload, verifyParleySignature } from './webhooks.signature.js';

describe('webhook models', () => {
  it('accepts event types, known groups and *', () => {
    expect(EVENT_PREFIXES).toEqual(['message', 'conversation', 'contact', 'deal', 'task', 'campaign']);
    for (const ok of ['*', 'deal.*', 'message.received', 'contact.tag_added']) expect(isEventPattern(ok), ok).toBe(true);
    for (const bad of ['', 'deal', 'deal.', 'deals.*', 'deal.**', '*.created', 'message.Received', 'ping']) expect(isEventPattern(bad), bad).toBe(false);
    expect(patternsMatch(['deal.*'], 'deal.created')).toBe(true);
    expect(patternsMatch(['deal.*'], 'dealer.created')).toBe(false);
    expect(patternsMatch(['message.sent', 'task.*'], 'message.received')).toBe(false);
    expect(patternsMatch(['*'], 'campaign.finished')).toBe(true);
  });

  it('takes https anywhere and http only to this machine', () => {
    expect(webhookUrlProblem('https://example.com/hook?x=1')).toBeNull();
    expect(webhookUrlProblem('http://localhost:8080/h')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1/h')).toBeNull();
    expect(webhookUrlProblem('http://[::1]:9/h')).toBeNull();
    expect(webhookUrlProblem('http://localhost.evil.com/h')).toMatch(/https/);
    expect(webhookUrlProblem('http://10.0.0.1/h')).toMatch(/https/);
    expect(webhookUrlProblem('file:///etc/passwd')).toMatch(/https/);
    expect(webhookUrlProblem('/relative')).toMatch(/absolute/);
  });

  it('retries on the schedule and gives up at 24 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(retryDelayMs)).toEqual([30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 14_400_000, 14_400_000]);
    const created = 1_000_000;
    expect(nextAttemptAt(created, 1, created)).toBe(created + 30_000);
    expect(nextAttemptAt(created, 12, created + GIVE_UP_AFTER_MS - 60_000)).toBe(created + GIVE_UP_AFTER_MS);
    expect(nextAttemptAt(created, 13, created + GIVE_UP_AFTER_MS)).toBeNull();
  });

  it('builds the body around the stored event data', () => {
    const body = eventBody({ id: 7, type: 'deal.created', at: Date.UTC(2026, 0, 2, 3, 4, 5), data: '{"id":"d1","amount":"10.00"}' });
    expect(body).toBe('{"id":"evt_7","type":"deal.created","createdAt":"2026-01-02T03:04:05.000Z","data":{"id":"d1","amount":"10.00"}}');
    expect(JSON.parse(body).data).toEqual({ id: 'd1', amount: '10.00' });
  });

  it('signs Stripe-style and verifies with a tolerance', () => {
    const header = signParleyPayload('s3cret', '{"a":1}', 1_700_000_000);
    // HMAC-SHA256('s3cret', '1700000000.{"a":1}'), computed independently.
    expect(header).toBe('t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940');
    expect(verifyParleySignature('s3cret', header, '{"a":1}', 1_700_000_300)).toBe(true);
    expect(verifyParleySignature('s3cret', header, '{"a":1}', 1_700_000_301)).toBe(false);
    expect(verifyParleySignature('s3cret', header, '{"a":1}', 1_700_000_010, 5)).toBe(false);
    expect(verifyParleySignature('s3cret', `${header},v1=00`, '{"a":1}', 1_700_000_000)).toBe(true);
    expect(verifyParleySignature('s3cret', header.replace('v1=', 'v0='), '{"a":1}', 1_700_000_000)).toBe(false);
    expect(verifyParleySignature('s3cret', 't=abc,v1=00', '{"a":1}', 1_700_000_000)).toBe(false);
  });
});
