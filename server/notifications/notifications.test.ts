import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client.js';
import type { LiveEvent } from '../lib/event-bus.js';
import { PUSH_USER_QUEUE, type PushToUser } from '../push/push.usecases.js';
import { rulesSetup } from '../rules/rules.testkit.js';
import { remindTaskJob, TASK_REMINDER_QUEUE } from '../tasks/tasks.usecases.js';
import { createTestContext, type JsonResponse } from '../testing.js';
import { NOTIFICATION_SCHEDULES, NOTIFICATIONS_PURGE_QUEUE } from './notifications.jobs.js';
import { createNotification, purgeOldNotifications } from './notifications.usecases.js';

const DAY = 86_400_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads a live stream (`GET /api/v1/events`) as it arrives. */
function liveStream(res: JsonResponse) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let pending: ReturnType<typeof reader.read> | null = null;
  const events = () =>
    text
      .split('\n\n')
      .map((block) => ({ type: /^event: (.+)$/m.exec(block)?.[1], data: /^data: (.+)$/m.exec(block)?.[1] }))
      .filter((e) => e.type && e.data)
      .map((e) => ({ type: e.type!, data: JSON.parse(e.data!) as Record<string, unknown> }));
  /** Waits until an event of `type` has arrived (fails after `ms`). */
  const until = async (type: string, ms = 3_000) => {
    const deadline = Date.now() + ms;
    while (!events().some((e) => e.type === type)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} event within ${ms} ms; got: ${text}`);
      pending ??= reader.read();
      const r = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
      if (!r) continue;
      pending = null;
      if (r.done) throw new Error('the stream ended');
      text += decoder.decode(r.value, { stream: true });
    }
    return events().filter((e) => e.type === type);
  };
  return { until, events, close: () => reader.cancel() };
}

describe('in-app notifications', () => {
  it('a rule that notifies a teammate writes a notification in the run, queues the push, and tells only that teammate live', async () => {
    const k = await rulesSetup();
    const agent = await k.t.signIn('agent');
    const agentId = k.t.deps.users.findByEmail(agent.email)!.id;
    const rule = await k.createRule({ name: 'Hot lead alert', trigger: { type: 'keyword', keywords: ['urgent'] }, actions: [{ type: 'notify', userId: agentId, text: 'A lead needs you now' }] });
    const agentLive = liveStream(await k.t.request('/api/v1/events', { cookie: agent.cookie }));
    const ownerLive = liveStream(await k.api('/events'));
    await agentLive.until('ready');
    await ownerLive.until('ready');

    await k.says('351912500001', 'This is URGENT');
    k.pump();
    const conv = k.conversationOf('351912500001');
    const [created] = await agentLive.until('notification.created');
    expect(created!.data).toMatchObject({ kind: 'rule', title: 'Hot lead alert', body: 'A lead needs you now', conversationId: conv.id, link: `/c/${conv.id}`, read: false, unreadCount: 1 });
    // The owner's stream carries the message events but never someone else's notification.
    k.t.deps.bus.publish({ type: 'test.marker', data: {} });
    await ownerLive.until('test.marker');
    expect(ownerLive.events().map((e) => e.type)).not.toContain('notification.created');

    const pushes = k.t.deps.jobs.claim<PushToUser>(PUSH_USER_QUEUE, 10, 60_000).map((j) => j.payload);
    expect(pushes).toEqual([{ userId: agentId, title: 'Hot lead alert', body: 'A lead needs you now', conversationId: conv.id, url: null }]);
    expect((await k.runs(rule.id))[0]!.steps).toEqual([expect.objectContaining({ action: 'notify', status: 'done', detail: agentId })]);

    // The API: mine only, newest first, with the unread count.
    const mine = await (await k.t.request('/api/v1/notifications', { cookie: agent.cookie })).json();
    expect(mine).toMatchObject({ data: [{ id: created!.data.id, title: 'Hot lead alert', read: false }], nextCursor: null, unreadCount: 1 });
    expect(await (await k.api('/notifications')).json()).toEqual({ data: [], nextCursor: null, unreadCount: 0 });

    // Someone else's id is ignored; the teammate's own read is told to their other tabs.
    expect((await (await k.api('/notifications/read', { body: { ids: [created!.data.id] } })).json()).data).toEqual({ updated: 0, unreadCount: 0 });
    const read = await k.t.request('/api/v1/notifications/read', { cookie: agent.cookie, body: { ids: [created!.data.id] } });
    expect((await read.json()).data).toEqual({ updated: 1, unreadCount: 0 });
    const [readEvent] = await agentLive.until('notification.read');
    expect(readEvent!.data).toMatchObject({ ids: [created!.data.id], unreadCount: 0 });
    const after = await (await k.t.request('/api/v1/notifications', { cookie: agent.cookie })).json();
    expect(after.data[0]).toMatchObject({ read: true, readAt: new Date(k.t.clock.now()).toISOString() });
    await agentLive.close();
    await ownerLive.close();
  });

  it('skips a notify step for a teammate who no longer exists or is disabled', async () => {
    const k = await rulesSetup();
    const gone = await k.t.deps.users.create({ email: 'gone@shop.test', password: 'correct horse battery', role: 'agent' });
    k.t.db.$client.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(k.t.clock.now(), gone.id);
    const rule = await k.createRule({ name: 'Tell', trigger: { type: 'message_received' }, actions: [{ type: 'notify', userId: gone.id, text: 'hi' }, { type: 'notify', userId: 'usr_missing', text: 'hi' }] });
    await k.says('351912500002', 'hello');
    k.pump();
    const [run] = await k.runs(rule.id);
    expect(run!.state).toBe('done');
    expect(run!.steps.map((s) => [s.status, s.detail])).toEqual([
      ['skipped', `teammate ${gone.id} no longer exists or is disabled`],
      ['skipped', 'teammate usr_missing no longer exists or is disabled'],
    ]);
    expect(k.t.db.$client.prepare('SELECT count(*) AS n FROM notifications').get()).toEqual({ n: 0 });
    expect(k.t.deps.jobs.claim(PUSH_USER_QUEUE, 10, 60_000)).toHaveLength(0);
  });

  it('a due task reminder notifies its assignee in the app too (once)', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('agent');
    const task = (await (await t.request('/api/v1/tasks', { cookie, body: { title: 'Call Ana back', dueAt: new Date(t.clock.now() + 60_000).toISOString() } })).json()).data;
    t.clock.advance(60_000);
    const [job] = t.deps.jobs.claim<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, 10, 60_000);
    expect(remindTaskJob(t.deps, job!.payload)).toBe(true);
    expect(remindTaskJob(t.deps, job!.payload)).toBe(false);
    const list = await (await t.request('/api/v1/notifications', { cookie })).json();
    expect(list.unreadCount).toBe(1);
    expect(list.data).toEqual([expect.objectContaining({ kind: 'task', title: 'Task due', body: 'Call Ana back', conversationId: null, link: '/tasks' })]);
    expect(task.id).toBeTruthy();
  });

  it('pages newest first, marks all read, and refuses a body that is neither ids nor all', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('agent');
    const userId = t.deps.users.findByEmail('agent@parley.test')!.id;
    for (let i = 1; i <= 5; i++) {
      createNotification(t.deps, { userId, kind: 'rule', title: `N${i}`, body: 'b' }, t.clock.now());
      t.clock.advance(1_000);
    }
    const first = await (await t.request('/api/v1/notifications?limit=3', { cookie })).json();
    expect(first.data.map((n: { title: string }) => n.title)).toEqual(['N5', 'N4', 'N3']);
    const second = await (await t.request(`/api/v1/notifications?limit=3&cursor=${first.nextCursor}`, { cookie })).json();
    expect(second).toMatchObject({ nextCursor: null, unreadCount: 5 });
    expect(second.data.map((n: { title: string }) => n.title)).toEqual(['N2', 'N1']);
    for (const body of [{}, { ids: [] }, { all: false }, { ids: ['x'], all: true }]) {
      const res = await t.request('/api/v1/notifications/read', { cookie, body });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('request.invalid');
    }
    expect((await (await t.request('/api/v1/notifications/read', { cookie, body: { all: true } })).json()).data).toEqual({ updated: 5, unreadCount: 0 });
    expect((await (await t.request('/api/v1/notifications?unread=1', { cookie })).json()).data).toEqual([]);
    expect((await t.request('/api/v1/notifications')).status).toBe(401);
  });

  it('announces a notification written in a transaction only once it commits', async () => {
    const t = createTestContext();
    const heard: LiveEvent[] = [];
    t.deps.bus.subscribe((e) => heard.push(e));
    expect(() =>
      inTransaction(t.db, () => {
        createNotification(t.deps, { userId: 'usr_a', kind: 'rule', title: 'rolled back', body: 'b' }, t.clock.now());
        throw new Error('the run failed');
      }),
    ).toThrow('the run failed');
    inTransaction(t.db, () => createNotification(t.deps, { userId: 'usr_a', kind: 'rule', title: 'kept', body: 'b' }, t.clock.now()));
    expect(heard).toEqual([]); // not while the transaction was open
    await nextTurn();
    expect(heard.map((e) => [e.type, e.userId, (e.data as { title: string }).title])).toEqual([['notification.created', 'usr_a', 'kept']]);
  });

  it('the daily purge deletes notifications older than 90 days, in batches', async () => {
    const t = createTestContext();
    for (let i = 0; i < 7; i++) createNotification(t.deps, { userId: 'usr_a', kind: 'task', title: `old ${i}`, body: 'b' }, t.clock.now());
    t.clock.advance(80 * DAY);
    createNotification(t.deps, { userId: 'usr_a', kind: 'task', title: 'recent', body: 'b' }, t.clock.now());
    t.clock.advance(10 * DAY + 1);
    let pauses = 0;
    const r = await purgeOldNotifications(t.deps, { batchSize: 3, pause: async () => void pauses++ });
    expect(r).toEqual({ deleted: 7, interrupted: false });
    expect(pauses).toBe(2); // 3 + 3 + 1
    expect((t.db.$client.prepare('SELECT title FROM notifications').all() as { title: string }[]).map((n) => n.title)).toEqual(['recent']);
    expect(NOTIFICATION_SCHEDULES).toEqual([expect.objectContaining({ queue: NOTIFICATIONS_PURGE_QUEUE })]);
  });
});
