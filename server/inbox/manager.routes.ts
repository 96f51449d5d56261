import { and, asc, isNull, lt, lte, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { users } from '../../db/schema/auth.js';
import { tasks } from '../../db/schema/tasks.js';
import { requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { readQuery, type AppEnv } from '../lib/http.js';
import { conversationScope, slaTargetsTable } from '../teams/teams.repository.js';
import { MANAGER_VIEWS, summarizeOpenWork, type ManagerView } from './conversations.repository.js';

const summaryQuery = z.object({ minutes: z.coerce.number().int().min(0).max(60 * 24 * 30).default(15) });

/**
 * The manager's page in one call: how many conversations sit in each view, who owns what (open,
 * waiting on us, SLA breached per teammate, plus "nobody"), and follow-ups due today / overdue.
 * Agents get the same numbers over what they may see, and their own tasks.
 */
export function createManagerRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  return new Hono<AppEnv>().get('/manager/summary', requireAuth, (c) => {
    const auth = c.get('auth')!;
    const { minutes } = readQuery(c, summaryQuery);
    const now = clock.now();
    const scope = conversationScope(db, auth);
    const opts = { waitingMinutes: minutes, ...slaTargetsTable(db) };
    const work = summarizeOpenWork(db, now, opts, scope);
    const total = (v: ManagerView) => [...work.values()].reduce((sum, counts) => sum + counts[v], 0);

    const people = db.select({ id: users.id, name: users.name, role: users.role, available: users.available }).from(users).where(isNull(users.disabledAt)).orderBy(asc(users.name)).all();
    const owners = [...people.map((p) => ({ userId: p.id as string | null, name: p.name, available: p.available })), { userId: null, name: null, available: false }];
    const agents = owners
      .map((o) => {
        const counts = work.get(o.userId);
        return { ...o, open: counts?.open ?? 0, waitingOnBusiness: counts?.waiting_on_business ?? 0, slaBreached: counts?.sla_breached ?? 0, escalated: counts?.escalated ?? 0 };
      })
      .filter((a) => a.userId !== null || a.open > 0);

    // "Today" is the server's calendar day, as in GET /tasks?due=today.
    const endOfDay = new Date(now);
    endOfDay.setHours(23, 59, 59, 999);
    const mine = auth.user.role === 'agent' ? sql`${tasks.assigneeId} = ${auth.user.id}` : undefined;
    const countTasks = (due: ReturnType<typeof lt>) => db.select({ n: sql<number>`count(*)` }).from(tasks).where(and(isNull(tasks.doneAt), due, mine)).get()!.n;

    return c.json({
      data: {
        views: Object.fromEntries(MANAGER_VIEWS.map((v) => [v, total(v)])) as Record<ManagerView, number>,
        waitingMinutes: minutes,
        agents,
        tasks: { dueToday: countTasks(lte(tasks.dueAt, endOfDay.getTime())), overdue: countTasks(lt(tasks.dueAt, now)) },
      },
    });
  });
}
