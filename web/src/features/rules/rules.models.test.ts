import { describe, expect, it } from 'vitest';
import type { Rule } from './rules.api';
import {
  actionDraft,
  actionInput,
  actionText,
  agoText,
  checkCron,
  conditionFields,
  conditionForField,
  conditionsInput,
  conditionsResult,
  conditionText,
  cronText,
  emptyAction,
  eventLabel,
  EXAMPLES,
  explainError,
  fieldDef,
  keywordList,
  keywordMatches,
  minutesText,
  moveItem,
  opLabel,
  regexProblem,
  ruleDraft,
  ruleInput,
  ruleSummary,
  runStateBadge,
  stepBadge,
  stepDetailText,
  triggerInput,
  triggerText,
  validateRule,
  type CustomFieldLike,
  type RuleDraft,
} from './rules.models';

const rule = (over: Partial<Rule> = {}): Rule => ({
  id: 'rul_1',
  name: 'Lead router',
  enabled: true,
  trigger: { type: 'keyword', keywords: ['price', 'preço'] },
  conditions: { match: 'any', items: [{ field: 'contact.tag', op: 'neq', value: 'customer' }, { field: 'businessHours', op: 'out_of_hours' }] },
  actions: [
    { type: 'add_tag', tag: 'lead' },
    { type: 'assign', mode: 'round_robin', teamId: 'tm_sales' },
    { type: 'wait', minutes: 30 },
    { type: 'create_task', title: 'Call back', dueInMinutes: 60, assignee: 'user', userId: 'usr_ana' },
  ],
  scope: { channelId: 'ch_1' },
  flaggedError: null,
  builtIn: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  lastRunAt: null,
  runs24h: 0,
  ...over,
});
const names = { teams: new Map([['tm_sales', 'Sales']]), users: new Map([['usr_ana', 'Ana']]), stages: new Map([['stg_won', 'Won']]), pipelines: new Map([['pl_1', 'Sales pipeline']]), templates: new Map([['tpl_1', 'welcome']]) };
const custom: CustomFieldLike[] = [
  { key: 'shoe_size', label: 'Shoe size', type: 'number', options: [] },
  { key: 'plan', label: 'Plan', type: 'select', options: ['basic', 'pro'] },
  { key: 'birthday', label: 'Birthday', type: 'date', options: [] },
];
const valid = (): RuleDraft => ({ ...ruleDraft(null, 'Europe/Lisbon'), name: 'R', actions: [{ ...emptyAction('add_tag'), tag: 'x' }] });

describe('rules models: words', () => {
  it('says how long in minutes, hours and days', () => {
    expect([minutesText(30), minutesText(60), minutesText(90), minutesText(1440), minutesText(2 * 1440 + 120), minutesText(0)]).toEqual(['30 min', '1 h', '1 h 30 min', '1 day', '2 days 2 h', '0 min']);
  });
  it('reads common cron shapes and quotes the rest', () => {
    expect(cronText('0 9 * * 1-5')).toBe('Every weekday at 09:00');
    expect(cronText('30 8 * * *')).toBe('Every day at 08:30');
    expect(cronText('0 10 * * 1,3')).toBe('Every Monday and Wednesday at 10:00');
    expect(cronText('0 10 * * sat,sun')).toBe('Every weekend day at 10:00');
    expect(cronText('0 9 1 * *')).toBe('On day 1 of every month at 09:00');
    expect(cronText('*/15 * * * *')).toBe('Every 15 minutes');
    expect(cronText('0 * * * *')).toBe('Every hour');
    expect(cronText('0 */2 * * *')).toBe('Every 2 hours');
    expect(cronText('0 9 * 1 *')).toBe('On the schedule “0 9 * 1 *”');
    expect(cronText('0 0 9 * * 1')).toBe('On the schedule “0 0 9 * * 1”');
  });
  it('puts every trigger in a sentence', () => {
    expect(triggerText({ type: 'keyword', keywords: ['price', 'cost', 'quote'] })).toBe('When a message mentions “price”, “cost” or “quote”');
    expect(triggerText({ type: 'keyword', keywords: ['price'], regex: 'pre(c|ç)o' })).toBe('When a message mentions “price” or matches the pattern /pre(c|ç)o/');
    expect(triggerText({ type: 'message_received', firstMessageOnly: true })).toBe('When a customer sends the first message of a conversation');
    expect(triggerText({ type: 'no_business_reply', minutes: 30 })).toBe("When a customer's message gets no reply from us within 30 min");
    expect(triggerText({ type: 'no_customer_reply', minutes: 1440 })).toBe('When a customer does not answer us within 1 day');
    expect(triggerText({ type: 'deal_stage_changed', stageId: 'stg_won' }, names)).toBe('When a deal moves to “Won”');
    expect(triggerText({ type: 'deal_stage_changed', stageId: 'stg_gone' }, names)).toBe('When a deal moves to “stg_gone”');
    expect(triggerText({ type: 'tag_added' })).toBe('When a tag is added to a contact');
    expect(triggerText({ type: 'tag_removed', tag: 'vip' })).toBe('When the tag “vip” is removed from a contact');
    expect(triggerText({ type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Lisbon' })).toBe('Every weekday at 09:00 (Europe/Lisbon)');
    expect(triggerText({ type: 'conversation_resolved' })).toBe('When a conversation is resolved');
  });
  it('puts actions and conditions in words with names', () => {
    const r = rule();
    expect(r.actions.map((a) => actionText(a, names))).toEqual(['Add the tag “lead”', 'Assign round robin within Sales', 'Wait 30 min', 'Create the task “Call back” for Ana, due in 1 h']);
    expect(actionText({ type: 'notify', text: 'Hot lead' })).toBe("Notify the conversation's assignee: “Hot lead”");
    expect(actionText({ type: 'create_deal', pipelineId: 'pl_1', stageId: 'stg_won', title: 'Order' }, names)).toBe('Create the deal “Order” in Sales pipeline › Won');
    expect(actionText({ type: 'send_template', templateId: 'tpl_1' }, names)).toBe('Send the template “welcome”');
    expect(conditionText({ field: 'contact.tag', op: 'eq', value: 'vip' })).toBe('Contact tag includes “vip”');
    expect(conditionText({ field: 'conversation.teamId', op: 'eq', value: 'tm_sales' }, names)).toBe('Conversation team is Sales');
    expect(conditionText({ field: 'businessHours', op: 'out_of_hours' })).toBe('Business hours are closed for the workspace');
    expect(conditionText({ field: 'businessHours', op: 'in_hours', value: 'tm_sales' }, names)).toBe('Business hours are open for Sales');
    expect(conditionText({ field: 'contact.custom.shoe_size', op: 'gt', value: '40' }, {}, custom)).toBe('Shoe size is more than 40');
    expect(conditionText({ field: 'deal.amount', op: 'unset' })).toBe('Deal amount is empty');
    expect(opLabel('contact.custom.birthday', 'lt', custom)).toBe('is before');
  });
  it('summarises a rule for the list with its chips', () => {
    expect(ruleSummary(rule({ flaggedError: 'team deleted', builtIn: 'opt_out' }), names)).toEqual({
      when: 'When a message mentions “price” or “preço”',
      then: 'Add the tag “lead” → Assign round robin within Sales → Wait 30 min → Create the task “Call back” for Ana, due in 1 h',
      badges: [
        { label: 'Needs attention', tone: 'bad' },
        { label: 'Built-in', tone: 'info' },
      ],
    });
    expect(ruleSummary(rule()).badges).toEqual([]);
  });
});

describe('rules models: keywords, patterns and schedules', () => {
  it('matches keywords as whole words, ignoring case and accents, like the server', () => {
    const t = { keywords: ['preço', 'how much'] };
    expect(keywordMatches(t, 'Qual é o PRECO?')).toBe(true);
    expect(keywordMatches(t, 'How much is it')).toBe(true);
    expect(keywordMatches(t, 'precos')).toBe(false);
    expect(keywordMatches({ keywords: ['price'] }, 'priceless')).toBe(false);
    expect(keywordMatches({ regex: 'order\\s*#?\\d{4}' }, 'where is ORDER #1234')).toBe(true);
    expect(keywordMatches({ regex: '(' }, '(')).toBe(false);
    expect(keywordMatches(t, '')).toBe(false);
  });
  it('checks patterns with the server’s flags', () => {
    expect(regexProblem('pre(c|ç)o')).toBeNull();
    expect(regexProblem('(')).toMatch(/.+/);
    // Unicode mode rejects escapes that plain mode lets through: the server compiles with 'iu'.
    expect(regexProblem('\\-')).not.toBeNull();
  });
  it('checks cron expressions and tells the next run', () => {
    const ok = checkCron('0 9 * * 1-5', 'Europe/Lisbon');
    expect('next' in ok && ok.next instanceof Date).toBe(true);
    expect(checkCron('61 9 * * *')).toHaveProperty('error');
    expect(checkCron('every day')).toHaveProperty('error');
    expect(checkCron('  ')).toEqual({ error: 'enter a schedule' });
  });
  it('lists keywords without blanks or duplicates', () => {
    expect(keywordList('price, Preço ,, PRICE, preco, how much')).toEqual(['price', 'Preço', 'how much']);
  });
});

describe('rules models: the form', () => {
  it('round-trips a stored rule through the form unchanged', () => {
    const r = rule();
    const d = ruleDraft(r);
    expect(d.trigger.keywords).toBe('price, preço');
    expect(d.actions[3]).toMatchObject({ type: 'create_task', title: 'Call back', dueInMinutes: '60', assignee: 'user', userId: 'usr_ana' });
    expect(ruleInput(d)).toEqual({ name: r.name, trigger: r.trigger, conditions: r.conditions, actions: r.actions, scope: r.scope });
  });
  it('sends only the options of the chosen trigger type', () => {
    const d = { ...ruleDraft(null, 'Europe/Lisbon').trigger, keywords: 'price', regex: '  ', tag: 'vip', minutes: '45', cron: '0  9 * * *' };
    expect(triggerInput({ ...d, type: 'keyword' })).toEqual({ type: 'keyword', keywords: ['price'] });
    expect(triggerInput({ ...d, type: 'tag_added' })).toEqual({ type: 'tag_added', tag: 'vip' });
    expect(triggerInput({ ...d, type: 'no_business_reply' })).toEqual({ type: 'no_business_reply', minutes: 45 });
    expect(triggerInput({ ...d, type: 'schedule' })).toEqual({ type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Lisbon' });
    expect(triggerInput({ ...d, type: 'message_received' })).toEqual({ type: 'message_received' });
    expect(triggerInput({ ...d, type: 'message_received', firstMessageOnly: true })).toEqual({ type: 'message_received', firstMessageOnly: true });
  });
  it('sends condition values only where the operator reads one', () => {
    expect(
      conditionsInput('all', [
        { field: 'contact.tag', op: 'set', value: 'left over' },
        { field: 'message.text', op: 'contains', value: ' refund ' },
        { field: 'businessHours', op: 'in_hours', value: '' },
        { field: 'businessHours', op: 'out_of_hours', value: 'tm_sales' },
        { field: '', op: 'eq', value: 'x' },
      ]),
    ).toEqual({
      match: 'all',
      items: [
        { field: 'contact.tag', op: 'set' },
        { field: 'message.text', op: 'contains', value: 'refund' },
        { field: 'businessHours', op: 'in_hours' },
        { field: 'businessHours', op: 'out_of_hours', value: 'tm_sales' },
      ],
    });
  });
  it('sends only the fields of a step’s type, keeping typed text across type changes', () => {
    const d = { ...emptyAction('send_reply'), text: ' Thanks! ', tag: 'x', userId: 'usr_ana' };
    expect(actionInput(d)).toEqual({ type: 'send_reply', text: 'Thanks!' });
    expect(actionInput({ ...d, type: 'add_note' })).toEqual({ type: 'add_note', text: 'Thanks!' });
    expect(actionInput({ ...d, type: 'notify' })).toEqual({ type: 'notify', userId: 'usr_ana', text: 'Thanks!' });
    expect(actionInput({ ...d, type: 'notify', userId: '' })).toEqual({ type: 'notify', text: 'Thanks!' });
    expect(actionInput({ ...d, type: 'assign', mode: 'user' })).toEqual({ type: 'assign', mode: 'user', userId: 'usr_ana' });
    expect(actionInput({ ...d, type: 'assign', mode: 'team', teamId: 'tm_sales' })).toEqual({ type: 'assign', mode: 'team', teamId: 'tm_sales' });
    expect(actionInput({ ...d, type: 'create_task', title: 'T', assignee: 'conversation_assignee' })).toEqual({ type: 'create_task', title: 'T', assignee: 'conversation_assignee' });
    expect(actionDraft({ type: 'wait', minutes: 90 })).toMatchObject({ type: 'wait', minutes: '90' });
  });
  it('moves rows up and down', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 1, 2)).toEqual(['a', 'b']);
  });
  it('offers custom fields after the contact’s own, each with its operators', () => {
    const fields = conditionFields(custom);
    expect(fields.slice(0, 7).map((f) => f.id)).toEqual(['contact.tag', 'contact.name', 'contact.language', 'contact.optedOut', 'contact.custom.shoe_size', 'contact.custom.plan', 'contact.custom.birthday']);
    expect(fieldDef('contact.custom.plan', custom)).toMatchObject({ kind: 'option', options: ['basic', 'pro'], ops: ['eq', 'neq', 'set', 'unset'] });
    expect(fieldDef('contact.custom.gone', custom)).toMatchObject({ kind: 'text', label: 'gone' });
    expect(fieldDef('nope')).toBeNull();
    expect(conditionForField('contact.optedOut')).toEqual({ field: 'contact.optedOut', op: 'eq', value: 'true' });
    expect(conditionForField('businessHours')).toEqual({ field: 'businessHours', op: 'in_hours', value: '' });
  });
});

describe('rules models: validation', () => {
  it('accepts a complete rule', () => {
    expect(validateRule(valid())).toEqual([]);
  });
  it('names the rule, the trigger, each condition and each step that is wrong', () => {
    const d: RuleDraft = {
      ...valid(),
      name: ' ',
      trigger: { ...valid().trigger, type: 'keyword', keywords: ' , ', regex: '' },
      conditions: [
        { field: 'message.text', op: 'contains', value: '' },
        { field: 'deal.amount', op: 'gt', value: 'lots' },
        { field: 'contact.optedOut', op: 'gt', value: 'true' },
      ],
      actions: [
        { ...emptyAction('assign'), mode: 'round_robin', teamId: '' },
        { ...emptyAction('call_webhook'), url: 'ftp://x' },
        { ...emptyAction('create_task'), title: 'T', assignee: 'user' },
        { ...emptyAction('wait'), minutes: '0' },
      ],
    };
    expect(validateRule(d)).toEqual([
      'Give the rule a name.',
      'When: enter at least one keyword (or a pattern).',
      'Condition 1: enter a value.',
      'Condition 2: enter a number.',
      'Condition 3: choose a condition for Contact opted out of marketing.',
      'Step 1 (Assign the conversation): round robin needs a team.',
      'Step 2 (Call a webhook): enter a web address starting with https:// (or http://).',
      'Step 3 (Create a task): choose who gets the task.',
      'Step 4 (Wait): a whole number of minutes, 1 to 43200.',
    ]);
  });
  it('checks the pattern, the waiting time and the schedule', () => {
    const t = valid().trigger;
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'keyword', keywords: 'price', regex: '(unclosed' } })).toEqual([expect.stringMatching(/^When: the pattern is not valid \(.+\)\.$/)]);
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'keyword', keywords: '', regex: 'pre(c|ç)o' } })).toEqual([]);
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'no_business_reply', minutes: '' } })).toEqual(['When: waiting time, a whole number of minutes, 1 to 43200.']);
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Mars/Olympus' } })).toEqual(['When: unknown time zone “Mars/Olympus”.']);
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'schedule', cron: '0 25 * * *' } })).toEqual([expect.stringMatching(/^When: the schedule is not valid/)]);
    expect(validateRule({ ...valid(), trigger: { ...t, type: 'schedule', cron: '0 9 * * 1-5' } })).toEqual([]);
  });
  it('wants at least one action that does something', () => {
    expect(validateRule({ ...valid(), actions: [] })).toEqual(['Do: add at least one action.']);
    expect(validateRule({ ...valid(), actions: [{ ...emptyAction('wait'), minutes: '10' }] })).toEqual(['Do: a rule that only waits does nothing; add an action after the wait.']);
    expect(validateRule({ ...valid(), actions: Array.from({ length: 21 }, () => ({ ...emptyAction('add_tag'), tag: 'x' })) })).toEqual(['Do: at most 20 actions.']);
  });
  it('puts the server’s field paths in the form’s words', () => {
    expect(explainError('trigger.regex: invalid regular expression')).toBe('When (pattern): invalid regular expression');
    expect(explainError('trigger.cron: invalid cron expression "x"')).toBe('When (schedule): invalid cron expression "x"');
    expect(explainError('actions.1.teamId: is required')).toBe('Step 2 (teamId): is required');
    expect(explainError('conditions.items.0.field: unknown field')).toBe('Condition 1 (field): unknown field');
    expect(explainError('name: is required')).toBe('Name: is required');
    expect(explainError('Rule not found.')).toBe('Rule not found.');
  });
});

describe('rules models: examples', () => {
  it('fills the lead router: a new lead says “price” → tag, round robin in the team, 30 min unanswered → task for the manager', () => {
    const d = EXAMPLES.find((e) => e.id === 'lead-router')!.draft({ teamId: 'tm_sales', managerId: 'usr_ana', timezone: 'Europe/Lisbon' });
    expect(ruleInput(d)).toEqual({
      name: 'Lead router',
      trigger: { type: 'keyword', keywords: ['price'] },
      conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'neq', value: 'lead' }] },
      actions: [
        { type: 'add_tag', tag: 'lead' },
        { type: 'assign', mode: 'round_robin', teamId: 'tm_sales' },
        { type: 'wait', minutes: 30, stopIfAnswered: true },
        { type: 'create_task', title: 'New lead waiting 30 min for an answer', dueInMinutes: 15, assignee: 'user', userId: 'usr_ana' },
      ],
      scope: {},
    });
    // Read back from the stored rule, the wait keeps its choice.
    expect(actionDraft({ type: 'wait', minutes: 30, stopIfAnswered: true }).stopIfAnswered).toBe(true);
    expect(actionDraft({ type: 'wait', minutes: 30 }).stopIfAnswered).toBe(false);
    expect(actionText({ type: 'wait', minutes: 30, stopIfAnswered: true }, {})).toBe('Wait 30 min; stop if we reply or resolve the chat meanwhile');
    expect(validateRule(d)).toEqual([]);
    // Without teams the form says what is missing instead of saving a broken rule.
    expect(validateRule(EXAMPLES[0]!.draft({}))).toEqual(['Step 2 (Assign the conversation): round robin needs a team.']);
  });
  it('fills the unanswered-customer rule with a task for a manager', () => {
    const d = EXAMPLES.find((e) => e.id === 'unanswered')!.draft({ managerId: 'usr_ana' });
    expect(ruleInput(d).trigger).toEqual({ type: 'no_business_reply', minutes: 30 });
    expect(ruleInput(d).actions).toEqual([{ type: 'create_task', title: 'Customer waiting 30 min for a reply', dueInMinutes: 15, assignee: 'user', userId: 'usr_ana' }]);
    expect(validateRule(d)).toEqual([]);
    expect(ruleInput(EXAMPLES[1]!.draft({})).actions[0]).toMatchObject({ assignee: 'conversation_assignee' });
  });
});

describe('rules models: run log', () => {
  it('labels states, steps, condition results and events', () => {
    expect([runStateBadge('done'), runStateBadge('failed'), runStateBadge('waiting'), runStateBadge('odd')]).toEqual([
      { label: 'Done', tone: 'ok' },
      { label: 'Failed', tone: 'bad' },
      { label: 'Waiting', tone: 'info' },
      { label: 'Odd', tone: 'neutral' },
    ]);
    expect([stepBadge('skipped'), stepBadge('failed')]).toEqual([
      { label: 'Skipped', tone: 'warn' },
      { label: 'Failed', tone: 'bad' },
    ]);
    expect(conditionsResult({ conditionsMatched: false, state: 'skipped' }).label).toBe('Conditions not met');
    expect(conditionsResult({ conditionsMatched: true, state: 'done' }).label).toBe('Conditions met');
    expect(conditionsResult({ conditionsMatched: null, state: 'pending' }).label).toBe('Not checked yet');
    expect([eventLabel('message.received'), eventLabel('deal.stage_changed'), eventLabel('campaign.started')]).toEqual(['Message received', 'Deal stage changed', 'Campaign started']);
  });
  it('names the people and teams in a step detail and leaves out bare ids', () => {
    const names = { users: new Map([['usr_beffmyrrkru243xx', 'Ana']]), teams: new Map([['team_2ejogqbt6m6qes55', 'Sales']]) };
    expect(stepDetailText('assigned to usr_beffmyrrkru243xx', names)).toBe('assigned to Ana');
    expect(stepDetailText('team team_2ejogqbt6m6qes55, nobody available', names)).toBe('team Sales, nobody available');
    expect(stepDetailText('usr_beffmyrrkru243xx', names)).toBe('Ana');
    expect(stepDetailText('task_oufk5mxqwrs6evtz', names)).toBe('');
    expect(stepDetailText('teammate usr_zzzzzzzzzzzzzzzz no longer exists or is disabled', names)).toBe('teammate usr_zzzzzzzzzzzzzzzz no longer exists or is disabled');
    expect([stepDetailText('lead', names), stepDetailText('30 min', names), stepDetailText(null, names)]).toEqual(['lead', '30 min', '']);
  });
  it('says how long ago', () => {
    const now = Date.parse('2026-03-02T12:00:00.000Z');
    expect([agoText(null, now), agoText('2026-03-02T11:59:40.000Z', now), agoText('2026-03-02T11:15:00.000Z', now), agoText('2026-03-02T02:00:00.000Z', now), agoText('2026-02-25T12:00:00.000Z', now)]).toEqual([
      'never',
      'just now',
      '45 min ago',
      '10 h ago',
      '5 days ago',
    ]);
  });
});
