import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { remindTaskJob, TASK_REMINDER_QUEUE } from './tasks.usecases.js';

const HOUR = 3600_000;

describe('tasks and reminders', () => {
  it('lists due-today and overdue follow-ups for me, and completes them', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('agent');
    const at = (ms: number) => new Date(t.clock.now() + ms).toISOString();
    const create = (title: string, dueAt?: string) => t.request('/api/v1/tasks', { cookie, body: { title, ...(dueAt && { dueAt }) } });
    expect((await create('Call back Ana', at(-HOUR))).status).toBe(201);
    const soon = (await (await create('Send the quote', at(HOUR))).json()).data;
    await create('Someday', at(30 * 24 * HOUR));
    expect((await t.request('/api/v1/tasks', { cookie, body: { title: '' } })).status).toBe(400);

    const titles = async (q: string) => ((await (await t.request(`/api/v1/tasks?${q}`, { cookie })).json()).data as { title: string }[]).map((x) => x.title);
    expect(await titles('due=overdue&assignee=me')).toEqual(['Call back Ana']);
    expect(await titles('due=today&assignee=me')).toEqual(['Call back Ana', 'Send the quote']);
    // Undated tasks come after dated ones (overdue first), not before them as NULLs sort in SQLite.
    await create('No date');
    expect(await titles('assignee=me&done=false')).toEqual(['Call back Ana', 'Send the quote', 'Someday', 'No date']);
    await t.request(`/api/v1/tasks/${soon.id}`, { method: 'PATCH', cookie, body: { done: true } });
    expect(await titles('due=today')).toEqual(['Call back Ana']);
    expect(await titles('done=true')).toEqual(['Send the quote']);

    // Another agent cannot change or delete it; an admin can.
    const other = await t.signIn('agent', 'other@parley.test');
    const admin = await t.signIn('admin');
    const denied = await t.request(`/api/v1/tasks/${soon.id}`, { method: 'PATCH', cookie: other.cookie, body: { title: 'mine now' } });
    expect([denied.status, (await denied.json()).error.code]).toEqual([403, 'tasks.not_yours']);
    expect((await t.request(`/api/v1/tasks/${soon.id}`, { method: 'DELETE', cookie: other.cookie })).status).toBe(403);
    expect((await t.request(`/api/v1/tasks/${soon.id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(204);
  });

  it('fires a reminder once at the due time, even if its job runs again (e.g. after a crash), and follows a new due time', async () => {
    const t = createTestContext();
    const { cookie } = await t.signIn('agent');
    const heard: unknown[] = [];
    t.deps.bus.subscribe((e) => e.type === 'task.due' && heard.push(e.data));
    const task = (await (await t.request('/api/v1/tasks', { cookie, body: { title: 'Follow up', dueAt: new Date(t.clock.now() + HOUR).toISOString() } })).json()).data;
    expect(t.deps.jobs.claim(TASK_REMINDER_QUEUE, 10, 60_000)).toEqual([]); // not due yet

    t.clock.advance(HOUR);
    const [job] = t.deps.jobs.claim<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, 10, 60_000);
    expect(remindTaskJob(t.deps, job!.payload)).toBe(true);
    // The worker died before completing: the lease ends, the job runs again, nothing is sent twice.
    t.clock.advance(60_001);
    const [again] = t.deps.jobs.claim<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, 10, 60_000);
    expect(again!.id).toBe(job!.id);
    expect(remindTaskJob(t.deps, again!.payload)).toBe(false);
    expect(heard).toHaveLength(1);

    // Snoozing the task to tomorrow schedules a new reminder; the old time no longer matches.
    const tomorrow = new Date(t.clock.now() + 24 * HOUR).toISOString();
    await t.request(`/api/v1/tasks/${task.id}`, { method: 'PATCH', cookie, body: { dueAt: tomorrow } });
    expect(remindTaskJob(t.deps, job!.payload)).toBe(false);
    t.clock.advance(24 * HOUR);
    const next = t.deps.jobs.claim<{ taskId: string; dueAt: number }>(TASK_REMINDER_QUEUE, 10, 60_000).find((j) => j.payload.dueAt === Date.parse(tomorrow));
    expect(next && remindTaskJob(t.deps, next.payload)).toBe(true);
    expect(heard).toHaveLength(2);
  });
});
