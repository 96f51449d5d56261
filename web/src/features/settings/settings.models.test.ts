import { describe, expect, it } from 'vitest';
import { actionLabel, auditChanges, auditNames, auditValue, compactValue, consentForm, consentPatch, fieldKey, limitOption, optionLimit, parseMinutes, splitList } from './settings.models';

describe('settings models', () => {
  it('derives custom field keys from labels', () => {
    expect(fieldKey('Shoe size (EU)')).toBe('shoe_size_eu');
    expect(fieldKey('Préférence')).toBe('preference');
    expect(fieldKey('2nd phone')).toBe('nd_phone');
    expect(fieldKey('  ')).toBe('');
    expect(fieldKey('x'.repeat(50))).toHaveLength(40);
  });
  it('splits lists and reads minutes', () => {
    expect(splitList('refund, order ,, Shipping')).toEqual(['refund', 'order', 'Shipping']);
    expect(parseMinutes('')).toBeNull();
    expect(parseMinutes(' 30 ')).toBe(30);
  });
  it('labels actions and compacts values', () => {
    expect(actionLabel('team.members_set')).toBe('Team members set');
    expect(actionLabel('custom_field.created')).toBe('Custom field created');
    expect(compactValue(['a', 'b'])).toBe('a, b');
    expect(compactValue(null)).toBe('—');
    expect(compactValue({ x: 1 })).toBe('{"x":1}');
    expect(compactValue('y'.repeat(100))).toHaveLength(60);
  });
  it('lists what an audit entry changed', () => {
    expect(auditChanges(null, { name: 'Support', keywords: ['refund'] })).toEqual([
      { key: 'name', after: 'Support' },
      { key: 'keywords', after: 'refund' },
    ]);
    expect(auditChanges({ status: 'open', priority: 'normal', flagged: false }, { status: 'resolved', priority: 'normal' })).toEqual([
      { key: 'status', before: 'open', after: 'resolved' },
    ]);
    expect(auditChanges({ label: 'Size', type: 'text' }, null)).toEqual([
      { key: 'label', before: 'Size' },
      { key: 'type', before: 'text' },
    ]);
    expect(auditChanges(null, null)).toEqual([]);
    expect(auditChanges('a', 'b')).toEqual([{ key: '', before: 'a', after: 'b' }]);
  });
  it('shows times and people readably', () => {
    const names = new Map([['usr_1', 'Ana'], ['usr_2', 'Teo']]);
    const at = Date.UTC(2026, 10, 23, 9, 30);
    expect(auditValue(at, 'dueAt', names)).toBe(new Date(at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }));
    expect(auditValue(new Date(at).toISOString(), 'dueAt', names)).toBe(auditValue(at, 'dueAt', names));
    expect(auditValue(null, 'dueAt', names)).toBe('—');
    expect(auditValue('usr_1', 'assigneeId', names)).toBe('Ana');
    expect(auditValue(['usr_1', 'usr_2'], 'userIds', names)).toBe('Ana, Teo');
    expect(auditValue(42, 'amount', names)).toBe('42');
    expect(auditChanges(null, { assigneeId: 'usr_2' }, (v, k) => auditValue(v, k, names))).toEqual([{ key: 'assigneeId', after: 'Teo' }]);
  });
  it('names teams, pipelines, stages and rules in audit values', () => {
    const sales = { id: 'pl_1', name: 'Sales', stages: [{ id: 'stg_1', name: 'New' }, { id: 'stg_2', name: 'Won' }] };
    const one = auditNames({ users: [{ id: 'usr_1', name: 'Ana' }], teams: [{ id: 'team_1', name: 'Support' }], rules: [{ id: 'rule_1', name: 'Route refunds' }], pipelines: [sales] });
    const show = (before: unknown, after: unknown) => auditChanges(before, after, (v, k) => auditValue(v, k, one));
    expect(show({ teamId: 'team_1', assigneeId: null }, { teamId: null, assigneeId: 'usr_1' })).toEqual([
      { key: 'teamId', before: 'Support', after: '—' },
      { key: 'assigneeId', before: '—', after: 'Ana' },
    ]);
    expect(show({ pipelineId: 'pl_1', stageId: 'stg_1' }, { pipelineId: 'pl_1', stageId: 'stg_2' })).toEqual([{ key: 'stageId', before: 'New', after: 'Won' }]);
    expect(one.get('pl_1')).toBe('Sales');
    expect(one.get('rule_1')).toBe('Route refunds');
    // Several pipelines: a stage says whose it is, since "Won" alone is ambiguous.
    const two = auditNames({ pipelines: [sales, { id: 'pl_2', name: 'Repairs', stages: [{ id: 'stg_3', name: 'Won' }] }] });
    expect([two.get('stg_2'), two.get('stg_3')]).toEqual(['Sales › Won', 'Repairs › Won']);
    // Lists not loaded (yet, or failed): ids stay as they are.
    expect(auditValue('stg_9', 'toStageId', auditNames({}))).toBe('stg_9');
  });
  it('reads and writes the consent keywords, confirmations and messaging limit', () => {
    const form = consentForm({ optOutKeywords: ['STOP', 'PARAR'], optInKeywords: [], optOutConfirmation: null, optInConfirmation: 'Welcome back!', utilityNeedsConsent: true, messagingLimit: 2000 });
    expect(form).toEqual({ optOutKeywords: 'STOP, PARAR', optInKeywords: '', optOutConfirmation: '', optInConfirmation: 'Welcome back!', utilityNeedsConsent: true, messagingLimit: '2000' });
    expect(consentPatch({ ...form, optInKeywords: 'START, START , go', optOutConfirmation: '  ' })).toEqual({
      patch: { optOutKeywords: ['STOP', 'PARAR'], optInKeywords: ['START', 'go'], optOutConfirmation: null, optInConfirmation: 'Welcome back!', utilityNeedsConsent: true, messagingLimit: 2000 },
    });
    expect(consentPatch({ ...form, optOutKeywords: ' , ' })).toEqual({ error: expect.stringContaining('at least one opt-out keyword') });
    expect(consentPatch({ ...form, optInKeywords: 'x'.repeat(41) })).toEqual({ error: expect.stringContaining('too long') });
    expect(consentForm({}).messagingLimit).toBe('unlimited');
    expect([limitOption(null), limitOption(100_000), optionLimit('unlimited'), optionLimit('250')]).toEqual(['unlimited', '100000', null, 250]);
  });
});
