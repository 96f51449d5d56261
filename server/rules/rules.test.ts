import { describe, expect, it } from 'vitest';
import { rulesSetup } from './rules.testkit.js';
import { fireSchedule } from './rules.jobs.js';
import { isWithinBusinessHours, triggerMatches } from './rules.models.js';
import { LOOP_LIMIT } from './rules.run.js';
import type { Trigger } from './rules.schemas.js';

const MIN = 60_000;

/** Two sales agents in a team, and a manager. */
async function salesTeam(k: Awaited<ReturnType<typeof rulesSetup>>) {
  const users = [];
  for (const email of ['ana@shop.test', 'bo@shop.test', 'manager@shop.test']) users.push(await k.t.deps.users.create({ email, password: 'correct horse battery', role: email.startsWith('manager') ? 'admin' : 'agent' }));
  const team = (await (await k.api('/teams', { body: { name: 'Sales' } })).json()).data;
  expect((await k.api(`/teams/${team.id}/members`, { method: 'PUT', body: { userIds: [users[0]!.id, users[1]!.id] } })).status).toBe(200);
  return { team, ana: users[0]!, bo: users[1]!, manager: users[2]! };
}

describe('automation rules', () => {
  it('a new lead who says "price" is tagged, assigned round-robin in sales, and gets a task for the manager if nobody answers in 30 minutes — once per lead', async () => {
    const k = await rulesSetup();
    const { team, ana, bo, manager } = await salesTeam(k);
    const router = await k.createRule({ name: 'Price leads', trigger: { type: 'keyword', keywords: ['price', 'preço'] }, actions: [{ type: 'add_tag', tag: 'lead' }, { type: 'assign', mode: 'round_robin', teamId: team.id }] });
    const follow = await k.createRule({ name: 'Nobody answered', trigger: { type: 'no_business_reply', minutes: 30 }, conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'eq', value: 'lead' }] }, actions: [{ type: 'create_task', title: 'Lead waiting 30 min', assignee: 'user', userId: manager.id }] });

    const first = await k.says('351912000001', 'Hi, what is the PRICE of the blue sofa?');
    await k.says('351912000001', 'Hi, what is the PRICE of the blue sofa?', { id: first }); // Meta redelivers
    await k.says('351912000002', 'Qual é o preço?');
    await k.says('351912000003', 'Just saying hello'); // not a lead
    k.pump();
    const a = k.conversationOf('351912000001');
    const b = k.conversationOf('351912000002');
    expect(k.tagsOf(a.contact_id)).toEqual(['lead']);
    expect(k.tagsOf(b.contact_id)).toEqual(['lead']);
    expect(k.tagsOf(k.conversationOf('351912000003').contact_id)).toEqual([]);
    expect(new Set([a.assignee_id, b.assignee_id])).toEqual(new Set([ana.id, bo.id])); // round-robin
    expect([a.team_id, b.team_id]).toEqual([team.id, team.id]);

    // Lead B gets an answer within the 30 minutes; lead A does not.
    k.t.clock.advance(10 * MIN);
    const reply = await k.api(`/conversations/${b.id}/messages`, { body: { type: 'text', text: 'Hi! It is 120 €.' } });
    expect(reply.status).toBe(202);
    k.t.clock.advance(21 * MIN);
    k.pump();
    k.pump();
    const tasks = k.t.db.$client.prepare(`SELECT title, assignee_id AS assigneeId, conversation_id AS conversationId FROM tasks`).all();
    expect(tasks).toEqual([{ title: 'Lead waiting 30 min', assigneeId: manager.id, conversationId: a.id }]);
    const followRuns = await k.runs(follow.id);
    expect(followRuns.map((r) => r.state).sort()).toEqual(['cancelled', 'done', 'skipped']); // A, B, and the non-lead
    expect(followRuns.find((r) => r.state === 'cancelled')!.error).toMatch(/answered/);
    const routerRuns = await k.runs(router.id);
    expect(routerRuns).toHaveLength(2); // one per lead, the redelivery added nothing
    expect(routerRuns[0]!.steps.map((s) => [s.action, s.status])).toEqual([
      ['add_tag', 'done'],
      ['assign', 'done'],
    ]);
  });

  it('the same as ONE rule: only new leads, tag, round robin, a wait that stops when answered, then the task — once per lead', async () => {
    const k = await rulesSetup();
    const { team, manager } = await salesTeam(k);
    const rule = await k.createRule({
      name: 'Lead router',
      trigger: { type: 'keyword', keywords: ['price'] },
      conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'neq', value: 'lead' }] },
      actions: [
        { type: 'add_tag', tag: 'lead' },
        { type: 'assign', mode: 'round_robin', teamId: team.id },
        { type: 'wait', minutes: 30, stopIfAnswered: true },
        { type: 'create_task', title: 'New lead waiting', assignee: 'user', userId: manager.id },
      ],
    });
    await k.says('351912000041', 'What is the price?');
    await k.says('351912000042', 'price please');
    k.pump();
    k.t.clock.advance(5 * MIN);
    await k.says('351912000041', 'Hello? The PRICE?'); // the same lead again: not new any more
    const b = k.conversationOf('351912000042');
    k.t.clock.advance(5 * MIN);
    expect((await k.api(`/conversations/${b.id}/messages`, { body: { type: 'text', text: 'It is 120 €.' } })).status).toBe(202);
    k.t.clock.advance(21 * MIN);
    k.pump();
    const a = k.conversationOf('351912000041');
    expect(k.t.db.$client.prepare(`SELECT title, assignee_id AS assigneeId, conversation_id AS conversationId FROM tasks`).all()).toEqual([{ title: 'New lead waiting', assigneeId: manager.id, conversationId: a.id }]);
    const runs = await k.runs(rule.id);
    const byConversation = (id: string) => runs.filter((r) => r.conversationId === id).map((r) => [r.state, r.error]);
    expect(byConversation(a.id).sort()).toEqual([['done', null], ['skipped', 'conditions not met']]);
    expect(byConversation(b.id)).toEqual([['cancelled', 'answered during the wait']]);
    const doneRun = runs.find((r) => r.state === 'done')!;
    expect(doneRun.steps.map((s) => s.action)).toEqual(['add_tag', 'assign', 'wait', 'create_task']);
    // A chat resolved before the wait began is not "resolved during the wait" (resolved → wait → survey).
    const survey = await k.createRule({ name: 'Survey', trigger: { type: 'conversation_resolved' }, actions: [{ type: 'wait', minutes: 10, stopIfAnswered: true }, { type: 'add_tag', tag: 'surveyed' }] });
    expect((await k.api(`/conversations/${a.id}`, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(200);
    k.pump();
    k.t.clock.advance(11 * MIN);
    k.pump();
    expect((await k.runs(survey.id)).map((r) => [r.state, r.error])).toEqual([['done', null]]);
    expect(k.tagsOf(a.contact_id)).toContain('surveyed');
    // The option is optional: a plain wait still saves.
    expect((await k.api(`/rules/${rule.id}`, { method: 'PATCH', body: { actions: [{ type: 'wait', minutes: 30 }, { type: 'add_note', text: 'after' }] } })).status).toBe(200);
  });

  it("checks each rule's conditions after the rules before it acted on the same message", async () => {
    const k = await rulesSetup();
    const first = await k.createRule({ name: 'Mark', trigger: { type: 'message_received' }, conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'neq', value: 'seen' }] }, actions: [{ type: 'add_tag', tag: 'seen' }] });
    const second = await k.createRule({ name: 'Then', trigger: { type: 'message_received' }, conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'eq', value: 'seen' }] }, actions: [{ type: 'add_tag', tag: 'followed' }] });
    await k.says('351912000077', 'hello');
    k.pump();
    expect(k.tagsOf(k.conversationOf('351912000077').contact_id)).toEqual(['followed', 'seen']);
    expect((await k.runs(first.id)).map((r) => r.state)).toEqual(['done']);
    expect((await k.runs(second.id)).map((r) => r.state)).toEqual(['done']);
  });

  it('counts "conditions not met" on one log line per conversation and hour, each event once', async () => {
    const k = await rulesSetup();
    const rule = await k.createRule({ name: 'VIPs', trigger: { type: 'message_received' }, conditions: { match: 'all', items: [{ field: 'contact.tag', op: 'eq', value: 'vip' }] }, actions: [{ type: 'add_tag', tag: 'vip-seen' }] });
    for (const text of ['one', 'two', 'three']) await k.says('351912000091', text);
    await k.says('351912000092', 'hello');
    k.pump();
    k.t.clock.advance(61 * MIN);
    await k.says('351912000091', 'an hour later');
    k.pump();
    // The outbox read again (a cursor set back by hand) counts nothing twice.
    k.t.db.$client.prepare(`UPDATE event_cursors SET last_id = 0 WHERE consumer = 'rules'`).run();
    k.pump();
    const a = k.conversationOf('351912000091');
    const b = k.conversationOf('351912000092');
    k.t.db.$client.prepare(`INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, 'vip', 0)`).run(b.contact_id);
    await k.says('351912000092', 'I am a VIP now');
    k.pump();
    const runs = await k.runs(rule.id);
    // Newest first (by when each line began): b's run, a's next hour, b's line, a's first hour (three messages).
    expect(runs.map((r) => [r.conversationId === a.id ? 'a' : 'b', r.state, r.eventCount])).toEqual([['b', 'done', 1], ['a', 'skipped', 1], ['b', 'skipped', 1], ['a', 'skipped', 3]]);
    expect(runs[3]).toMatchObject({ error: 'conditions not met' });
    expect(Date.parse(runs[1]!.createdAt) - Date.parse(runs[3]!.createdAt)).toBe(61 * MIN);
    // The rule list counts every firing, not every line.
    expect((await (await k.api(`/rules/${rule.id}`)).json()).data.runs24h).toBe(6);
  });

  it('fires once per event even when the outbox is read again (a restart before the cursor moved)', async () => {
    const k = await rulesSetup();
    const rule = await k.createRule({ name: 'Tag every message', trigger: { type: 'message_received' }, actions: [{ type: 'add_tag', tag: 'talked' }] });
    await k.says('351912000010', 'one');
    await k.says('351912000010', 'two');
    k.pump();
    k.t.db.$client.prepare(`UPDATE event_cursors SET last_id = 0 WHERE consumer = 'rules'`).run();
    k.pump();
    const runs = await k.runs(rule.id);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.steps[0]!.status).sort()).toEqual(['done', 'skipped']); // the second message found the tag there
  });

  it('waits N minutes, then continues with the latest state', async () => {
    const k = await rulesSetup();
    const rule = await k.createRule({ name: 'Later', trigger: { type: 'message_received', firstMessageOnly: true }, actions: [{ type: 'add_tag', tag: 'new' }, { type: 'wait', minutes: 15 }, { type: 'add_note', text: 'Checked after 15 minutes' }] });
    await k.says('351912000020', 'hello');
    k.pump();
    expect((await k.runs(rule.id))[0]!.state).toBe('waiting');
    k.t.clock.advance(15 * MIN);
    k.pump();
    const [run] = await k.runs(rule.id);
    expect(run!.state).toBe('done');
    expect(run!.steps.map((s) => s.action)).toEqual(['add_tag', 'wait', 'add_note']);
    expect(k.t.db.$client.prepare('SELECT body FROM conversation_notes').all()).toEqual([{ body: 'Checked after 15 minutes' }]);
  });

  it('stops a rule that keeps re-triggering itself (loop protection)', async () => {
    const k = await rulesSetup();
    await k.says('351912000030', 'hi');
    const conv = k.conversationOf('351912000030');
    const rule = await k.createRule({ name: 'Ping-pong', trigger: { type: 'tag_added', tag: 'ping' }, actions: [{ type: 'remove_tag', tag: 'ping' }, { type: 'add_tag', tag: 'ping' }] });
    await k.api(`/contacts/${conv.contact_id}/tags`, { body: { tag: 'ping' } });
    k.pump();
    const runs = await k.runs(rule.id);
    // Tag events carry no conversation: protection counts the contact's runs.
    expect(runs.filter((r) => r.state === 'done')).toHaveLength(LOOP_LIMIT);
    expect(runs.length).toBeLessThanOrEqual(LOOP_LIMIT + 2);
    expect(runs.some((r) => r.error?.startsWith('loop protection'))).toBe(true);
  });

  it('an auto-reply answered by an auto-responder stops at the loop limit; a rule that only tags messages never does', async () => {
    const k = await rulesSetup();
    const reply = await k.createRule({ name: 'Auto-reply', trigger: { type: 'message_received' }, actions: [{ type: 'send_reply', text: 'Thanks, we got it!' }] });
    const tag = await k.createRule({ name: 'Tag', trigger: { type: 'message_received' }, actions: [{ type: 'add_tag', tag: 'talked' }] });
    for (let i = 0; i < LOOP_LIMIT + 3; i++) {
      await k.says('351912000031', `Auto-response ${i}: we got your message`);
      k.pump();
      k.t.clock.advance(60_000);
    }
    const replies = await k.runs(reply.id);
    expect(replies.filter((r) => r.state === 'done')).toHaveLength(LOOP_LIMIT);
    expect(replies.filter((r) => r.error?.startsWith('loop protection'))).toHaveLength(3);
    expect((await k.runs(tag.id)).filter((r) => r.state === 'done')).toHaveLength(LOOP_LIMIT + 3);
  });

  it('a run that throws undoes the inline hand-out; the fan-out job isolates it, and every rule still acts exactly once', async () => {
    const k = await rulesSetup();
    const reply = await k.createRule({ name: 'Auto-reply', trigger: { type: 'message_received' }, actions: [{ type: 'send_reply', text: 'Hi! We will answer shortly.' }] });
    const tag = await k.createRule({ name: 'Tag', trigger: { type: 'message_received' }, actions: [{ type: 'add_tag', tag: 'seen' }] });
    // The reply's send job cannot be written twice in a row (inline, then in the fan-out job), then can.
    const enqueue = k.t.deps.jobs.enqueue.bind(k.t.deps.jobs);
    let failures = 2;
    k.t.deps.jobs.enqueue = (queue, payload, opts) => {
      if (queue.startsWith('whatsapp.send') && failures-- > 0) throw new Error('disk hiccup');
      return enqueue(queue, payload, opts);
    };
    await k.says('351912000032', 'Hello there');
    const conv = k.conversationOf('351912000032');
    // Inline, nothing of the hand-out stayed: not even the other rule's tag.
    expect(k.tagsOf(conv.contact_id)).toEqual([]);
    expect(await k.runs(tag.id)).toEqual([]);
    k.pump();
    expect(failures).toBe(-1); // it threw twice, then the rules.run job got through
    expect((await k.runs(reply.id)).map((r) => r.state)).toEqual(['done']);
    expect((await k.runs(tag.id)).map((r) => r.state)).toEqual(['done']);
    expect(k.tagsOf(conv.contact_id)).toEqual(['seen']);
    const outbound = k.t.db.$client.prepare(`SELECT text FROM messages WHERE direction = 'outbound'`).all();
    expect(outbound).toEqual([{ text: 'Hi! We will answer shortly.' }]);
  });

  it('logs a clear error and flags a rule whose team was deleted; other rules keep running', async () => {
    const k = await rulesSetup();
    const { team } = await salesTeam(k);
    const broken = await k.createRule({ name: 'To sales', trigger: { type: 'message_received' }, actions: [{ type: 'assign', mode: 'team', teamId: team.id }] });
    const fine = await k.createRule({ name: 'Tag', trigger: { type: 'message_received' }, actions: [{ type: 'add_tag', tag: 'seen' }] });
    expect((await k.api(`/teams/${team.id}`, { method: 'DELETE' })).status).toBe(204);
    await k.says('351912000040', 'hello');
    k.pump();
    const [run] = await k.runs(broken.id);
    expect(run).toMatchObject({ state: 'failed', error: expect.stringMatching(/team .* no longer exists/) });
    expect((await (await k.api(`/rules/${broken.id}`)).json()).data.flaggedError).toMatch(/no longer exists/);
    expect((await k.runs(fine.id))[0]!.state).toBe('done');
  });

  it('skips a reply outside the 24-hour window with the reason, and refuses bad rules with 400 naming the field', async () => {
    const k = await rulesSetup();
    const rule = await k.createRule({ name: 'Thanks', trigger: { type: 'conversation_resolved' }, actions: [{ type: 'send_reply', text: 'Thanks for shopping with us!' }] });
    await k.says('351912000050', 'hi');
    const conv = k.conversationOf('351912000050');
    k.t.clock.advance(25 * 60 * MIN);
    expect((await k.api(`/conversations/${conv.id}`, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(200);
    k.pump();
    const [run] = await k.runs(rule.id);
    expect(run!.steps[0]).toMatchObject({ action: 'send_reply', status: 'skipped', detail: expect.stringMatching(/window_closed/) });

    const bad = async (trigger: Record<string, unknown>) => {
      const res = await k.api('/rules', { body: { name: 'x', trigger, actions: [{ type: 'add_tag', tag: 'x' }] } });
      return [res.status, (await res.json()).error.message];
    };
    expect(await bad({ type: 'keyword', regex: '(unclosed' })).toEqual([400, expect.stringMatching(/^trigger\.regex: invalid regular expression/)]);
    expect(await bad({ type: 'schedule', cron: '61 * * * *' })).toEqual([400, expect.stringMatching(/^trigger\.cron: invalid cron expression/)]);
    expect(await bad({ type: 'schedule', cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toEqual([400, expect.stringMatching(/^trigger\.timezone: unknown time zone/)]);
  });

  it('a schedule fires once per slot, however many timers or restarts', async () => {
    const k = await rulesSetup();
    const rule = await k.createRule({ name: 'Daily', trigger: { type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Lisbon' }, actions: [{ type: 'notify', userId: 'usr_x', text: 'Good morning' }] });
    const at = Date.UTC(2026, 10, 24, 9, 0, 0);
    expect(fireSchedule(k.t.deps, rule.id, at)).toBe(true);
    expect(fireSchedule(k.t.deps, rule.id, at + 300)).toBe(false);
    k.pump();
    expect((await k.runs(rule.id)).map((r) => r.state)).toEqual(['done']);
  });
});

describe('rule models', () => {
  it('business hours in the team’s time zone, with holidays', () => {
    const lisbon = { timezone: 'Europe/Lisbon', week: { mon: [['09:00', '18:00']] as [string, string][] }, holidays: ['2026-12-28'] };
    const saoPaulo = { ...lisbon, timezone: 'America/Sao_Paulo' };
    const mondayUtc = (h: number, m = 0) => Date.UTC(2026, 10, 23, h, m); // Monday 23 Nov 2026
    expect(isWithinBusinessHours(lisbon, mondayUtc(9))).toBe(true); // Lisbon is UTC+0 in winter
    expect(isWithinBusinessHours(lisbon, mondayUtc(8, 59))).toBe(false);
    expect(isWithinBusinessHours(lisbon, mondayUtc(18))).toBe(false);
    expect(isWithinBusinessHours(saoPaulo, mondayUtc(11))).toBe(false); // 08:00 in São Paulo
    expect(isWithinBusinessHours(saoPaulo, mondayUtc(12))).toBe(true);
    expect(isWithinBusinessHours(lisbon, Date.UTC(2026, 11, 28, 10))).toBe(false); // a Monday, but a holiday
    expect(isWithinBusinessHours(lisbon, Date.UTC(2026, 10, 24, 10))).toBe(false); // Tuesday: no hours
  });

  it('keywords match whole words without case or accents; regexes too', () => {
    const t = { type: 'keyword' as const, keywords: ['preço', 'how much'] };
    expect(triggerMatches(t, { text: 'Qual o PRECO?' })).toBe(true);
    expect(triggerMatches(t, { text: 'How much is it' })).toBe(true);
    expect(triggerMatches(t, { text: 'precos' })).toBe(false);
    expect(triggerMatches({ type: 'keyword', regex: '\\border\\s*#?\\d+' }, { text: 'Where is order #123?' })).toBe(true);
  });

  it('the consumer, which cuts out only the words rules look for, fires the same keyword rules as a full split', async () => {
    const k = await rulesSetup();
    const triggers: Trigger[] = [
      { type: 'keyword', keywords: ['preço', 'blue sofa'] },
      { type: 'keyword', keywords: ['sofa'] },
      { type: 'keyword', regex: '\\bpedido 40: (pago|paid)' },
      { type: 'keyword', keywords: ['東京'] },
    ];
    const ids: string[] = [];
    for (const [i, trigger] of triggers.entries()) ids.push((await k.createRule({ name: `K${i}`, trigger, actions: [{ type: 'add_tag', tag: `k${i}` }] })).id);
    const texts = ['Qual o PREÇO do blue sofas?', 'sofa!', 'sofas', 'Pedido 40: PAGO ✓', 'pedido 400: pago', 'xpedido 40: paid', '東京 タワー', 'Olá 東京タワー'];
    for (const [i, text] of texts.entries()) await k.says(`3519120009${String(i).padStart(2, '0')}`, text);
    k.pump();
    for (const [i, text] of texts.entries()) {
      const contact = k.conversationOf(`3519120009${String(i).padStart(2, '0')}`).contact_id;
      const expected = triggers.flatMap((t, r) => (triggerMatches(t, { text }) ? [`k${r}`] : []));
      expect(k.tagsOf(contact), text).toEqual(expected);
    }
    // Not vacuous: the texts fire each rule at least once and not every time.
    const fired = triggers.map((t) => texts.filter((text) => triggerMatches(t, { text })).length);
    expect(fired.every((n) => n > 0 && n < texts.length)).toBe(true);
  });
});
