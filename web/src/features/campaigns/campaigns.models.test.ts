import { describe, expect, it } from 'vitest';
import type { Slot, Template } from '../templates/templates.api';
import type { Campaign } from './campaigns.api';
import {
  audienceDraft,
  audienceFromDraft,
  campaignActions,
  campaignDraft,
  campaignInput,
  campaignStatusBadge,
  formatRate,
  headline,
  lastStep,
  recipientBadge,
  reportCounters,
  isoToLocalInput,
  localInputToIso,
  rateOf,
  reasonLabel,
  recipientsCsvHref,
  startGate,
  templatesByName,
  timelineData,
  validateCampaign,
  waitingText,
} from './campaigns.models';

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'cmp_1', name: 'Spring', status: 'draft', channelId: 'ch_1', templateId: 'tpl_1', templateName: 'spring_promo', language: 'en', variantLanguages: ['pt_BR'],
  mapping: { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' } }, headerMediaId: 'med_1' },
  audience: { tags: ['vip'], tagMatch: 'all', requireOptIn: true, excludeContactIds: ['ct_1'] }, ratePerSecond: 20, attributionDays: 5,
  scheduledAt: null, startedAt: null, pausedAt: null, finishedAt: null, testSentAt: null, contentChangedAt: null, waitingUntil: null, waitingReason: null,
  createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z',
  counts: { recipients: 200, pending: 0, skipped: 10, queued: 190, sent: 180, delivered: 171, read: 90, failed: 10 },
  ...over,
});
const slots: Slot[] = [
  { id: 'header.1', component: 'header', kind: 'image', name: '1' },
  { id: 'body.1', component: 'body', kind: 'text', name: '1' },
];

describe('numbers', () => {
  it('formats rates', () => {
    expect(formatRate(0.456)).toBe('46%');
    expect(formatRate(0.045)).toBe('4.5%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(null)).toBe('—');
    expect(rateOf(1, 0)).toBeNull();
    expect(rateOf(1, 4)).toBe(0.25);
  });
  it('summarises a campaign for the list', () => {
    expect(headline(campaign())).toEqual([
      { label: 'Recipients', value: '200' },
      { label: 'Sent', value: '180' },
      { label: 'Delivered', value: '95%' },
      { label: 'Read', value: '50%' },
      { label: 'Failed', value: '10' },
    ]);
  });
  it('names statuses and reasons', () => {
    expect(campaignStatusBadge('sending')).toEqual({ label: 'Sending', tone: 'info' });
    expect(campaignStatusBadge('cancelled').tone).toBe('bad');
    expect(reasonLabel('no_opt_in')).toBe('No recorded opt-in');
    expect(reasonLabel('channel_disconnected')).toBe('The WhatsApp number is disconnected');
    expect(reasonLabel('some_new_reason')).toBe('Some new reason');
    expect(reasonLabel('(#131026) Message undeliverable')).toBe('(#131026) Message undeliverable');
    expect(reasonLabel(null)).toBe('Unknown');
  });
  it('says why and until when sending waits', () => {
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    const text = waitingText({ waitingReason: 'daily_limit', waitingUntil: '2026-03-01T12:05:00.000Z' }, now, 'en-GB');
    expect(text).toMatch(/^Daily messaging limit reached: sending resumes at .+ \(in 2h 5m\)\.$/);
    expect(waitingText({ waitingReason: 'template_paused', waitingUntil: null }, now)).toBe('Meta paused the template.');
    expect(waitingText({ waitingReason: null, waitingUntil: null }, now)).toBeNull();
  });
});

describe('audience form', () => {
  it('turns the form into the API shape, leaving out what is empty', () => {
    const d = audienceDraft(null);
    expect(audienceFromDraft(d)).toEqual({ requireOptIn: false });
    expect(
      audienceFromDraft({
        ...d,
        tags: ' vip, spring ,vip,',
        tagMatch: 'all',
        excludeTags: 'churned',
        customFields: [{ key: 'city', op: 'eq', value: ' Porto ' }, { key: 'size', op: 'set', value: 'ignored' }, { key: ' ', op: 'eq', value: 'x' }],
        stageIds: ['stg_1'],
        withinDays: '30',
        olderThanDays: '',
        requireOptIn: true,
        excludeContacts: [{ id: 'ct_9', label: 'Ana' }],
      }),
    ).toEqual({
      tags: ['vip', 'spring'],
      tagMatch: 'all',
      excludeTags: ['churned'],
      customFields: [{ key: 'city', op: 'eq', value: 'Porto' }, { key: 'size', op: 'set' }],
      stageIds: ['stg_1'],
      lastActivity: { withinDays: 30 },
      requireOptIn: true,
      excludeContactIds: ['ct_9'],
    });
  });
  it('reads a stored audience back into the form', () => {
    const a = { tags: ['vip'], tagMatch: 'all' as const, customFields: [{ key: 'size', op: 'unset' as const }], lastActivity: { olderThanDays: 90 }, excludeContactIds: ['ct_1', 'ct_2'] };
    const d = audienceDraft(a, new Map([['ct_1', 'Ana']]));
    expect(d).toMatchObject({ tags: 'vip', tagMatch: 'all', withinDays: '', olderThanDays: '90', excludeContacts: [{ id: 'ct_1', label: 'Ana' }, { id: 'ct_2', label: 'ct_2' }] });
    expect(audienceFromDraft(d)).toEqual({ ...a, requireOptIn: false });
  });
});

describe('campaign form', () => {
  it('round-trips a stored campaign', () => {
    const c = campaign();
    const input = campaignInput(campaignDraft(c), slots);
    expect(input).toEqual({
      name: 'Spring', channelId: 'ch_1', templateId: 'tpl_1', variantLanguages: ['pt_BR'],
      mapping: { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' } }, headerMediaId: 'med_1' },
      audience: { tags: ['vip'], tagMatch: 'all', requireOptIn: true, excludeContactIds: ['ct_1'] }, ratePerSecond: 20, attributionDays: 5,
    });
  });
  it('starts a new campaign at the channel rate', () => {
    expect(campaignDraft(null, { channelId: 'ch_2', ratePerSecond: 40 })).toMatchObject({ channelId: 'ch_2', ratePerSecond: '40', attributionDays: '7', scheduleAt: '' });
    expect(campaignDraft(null).ratePerSecond).toBe('80');
  });
  it('names what is wrong', () => {
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    const d = campaignDraft(null);
    expect(validateCampaign(d, now)).toEqual(['Give the campaign a name.', 'Choose a template.']);
    const bad = { ...d, name: 'x', templateId: 't', ratePerSecond: '0', attributionDays: '120', scheduleAt: isoToLocalInput('2026-03-01T09:00:00.000Z'), audience: { ...d.audience, withinDays: '1.5', customFields: [{ key: 'city', op: 'eq' as const, value: '' }] } };
    expect(validateCampaign(bad, now)).toEqual([
      'Sending rate: a whole number of messages per second, 1 to 1000.',
      'Attribution window: 1 to 90 days.',
      'Active within: a whole number of days.',
      'Custom field filter “city”: enter a value.',
      'Schedule: pick a time in the future.',
    ]);
    expect(validateCampaign({ ...d, name: 'x', templateId: 't', scheduleAt: isoToLocalInput('2026-03-02T09:00:00.000Z') }, now)).toEqual([]);
  });
  it('converts schedule times in local time', () => {
    const iso = localInputToIso('2026-07-14T09:30')!;
    expect(new Date(iso).getHours()).toBe(9);
    expect(isoToLocalInput(iso)).toBe('2026-07-14T09:30');
    expect(localInputToIso('')).toBeNull();
    expect(isoToLocalInput(null)).toBe('');
  });
});

describe('start gate and controls', () => {
  it('unlocks start only after a test following the last content change, with nothing unsaved', () => {
    expect(startGate(campaign(), false)).toEqual({ ok: false, hint: 'Send a test first: it shows exactly what customers will get.' });
    const tested = campaign({ testSentAt: '2026-03-01T11:00:00.000Z', contentChangedAt: '2026-03-01T10:30:00.000Z' });
    expect(startGate(tested, false)).toEqual({ ok: true, hint: null });
    expect(startGate(tested, true)).toEqual({ ok: false, hint: 'Save your changes first.' });
    expect(startGate({ ...tested, contentChangedAt: '2026-03-01T11:30:00.000Z' }, false).ok).toBe(false);
    expect(startGate({ ...tested, contentChangedAt: null }, false).ok).toBe(true);
    expect(startGate({ ...tested, status: 'sending' }, false)).toEqual({ ok: false, hint: null });
  });
  it('offers the controls of each status', () => {
    expect(campaignActions('draft')).toEqual(['save', 'test', 'start', 'delete']);
    expect(campaignActions('sending')).toEqual(['pause', 'cancel']);
    expect(campaignActions('paused')).toEqual(['resume', 'cancel']);
    expect(campaignActions('finished')).toEqual([]);
  });
});

describe('report helpers', () => {
  it('links the CSV, optionally filtered', () => {
    expect(recipientsCsvHref('cmp_1')).toBe('/api/v1/campaigns/cmp_1/recipients.csv');
    expect(recipientsCsvHref('cmp_1', 'failed')).toBe('/api/v1/campaigns/cmp_1/recipients.csv?status=failed');
  });
  it('lays out the timeline for the chart', () => {
    const t = { bucketMs: 60_000, points: [{ at: '2026-03-01T10:00:00.000Z', sent: 5, delivered: 4, read: 2, replied: 1 }] };
    expect(timelineData(t)).toEqual([[Date.parse('2026-03-01T10:00:00.000Z') / 1000], [5], [4], [2], [1]]);
  });
  it('groups approved templates by name with their languages', () => {
    const t = (name: string, language: string, status = 'APPROVED') => ({ id: `${name}-${language}`, name, language, status }) as Template;
    const byName = templatesByName([t('spring_promo', 'pt_BR'), t('hello', 'en'), t('spring_promo', 'en'), t('old', 'en', 'PAUSED')]);
    expect([...byName.keys()]).toEqual(['hello', 'spring_promo']);
    expect(byName.get('spring_promo')!.map((x) => x.language)).toEqual(['en', 'pt_BR']);
  });
});

describe('report counters and the log', () => {
  const report = {
    counts: { recipients: 110, skipped: 10, failed: 5, sent: 95, delivered: 90, read: 45, replied: 9, optedOut: 2, converted: 3 },
    rates: { delivered: 90 / 95, read: 45 / 95, replied: 9 / 95, converted: 3 / 95 },
    timeline: { bucketMs: 60_000, points: [] },
    failures: [],
    skipped: [],
    conversions: { deals: 3, value: [] },
  };
  it('lists counters with their rates', () => {
    const c = reportCounters(report);
    expect(c.map((x) => [x.label, x.value, x.rate])).toEqual([
      ['Recipients', 110, undefined],
      ['Sent', 95, '95%'],
      ['Delivered', 90, '95%'],
      ['Read', 45, '47%'],
      ['Failed', 5, '5%'],
      ['Replied', 9, '9.5%'],
      ['Opted out after', 2, '2.2%'],
      ['Converted', 3, '3.2%'],
    ]);
  });
  it('shows each recipient’s latest step', () => {
    const none = { sentAt: null, deliveredAt: null, readAt: null, failedAt: null, repliedAt: null };
    expect(lastStep(none)).toBeNull();
    expect(lastStep({ ...none, sentAt: '2026-03-01T10:00:00Z', deliveredAt: '2026-03-01T10:00:02Z', readAt: '2026-03-01T10:05:00Z' })).toEqual({ label: 'Read', at: '2026-03-01T10:05:00Z' });
    expect(lastStep({ ...none, sentAt: '2026-03-01T10:00:00Z', repliedAt: '2026-03-01T11:00:00Z', readAt: '2026-03-01T10:05:00Z' })!.label).toBe('Replied');
    expect(recipientBadge('failed')).toEqual({ label: 'Failed', tone: 'bad' });
    expect(recipientBadge('queued').tone).toBe('neutral');
  });
});
