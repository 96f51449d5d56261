import { asc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { tasks } from '../../db/schema/tasks.js';
import { currentAuth, requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { forbidden, notFound } from '../lib/errors.js';
import { decodeCursor, page, readJson, readQuery, type AppEnv } from '../lib/http.js';
import { taskToJson } from '../tasks/tasks.usecases.js';
import { recordPaymentStatus, requestPayment } from './deals.payments.js';
import { canSeeDeal, dealScope, dealScopeWhere, dealsToJson, getDeal, listDeals, stageHistoryOf, type DealRow } from './deals.repository.js';
import { createDealBody, listDealsQuery, patchDealBody, paymentRequestBody, paymentStatusBody } from './deals.schemas.js';
import { createDeal, deleteDeal, publishDeal, updateDeal } from './deals.usecases.js';
import { timeInStages } from './pipelines.models.js';
import { listStages } from './pipelines.repository.js';

/**
 * Business objects (deals, orders, bookings, cases) in pipeline stages, their stage history and linked
 * tasks, and payment requests. Agents only reach the deals they may see (deals.repository dealScope);
 * others are 404.
 */
export function createDealsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const json = (d: DealRow) => dealsToJson(db, [d])[0]!;
  /** The deal if the caller may see it, else 404 (existence is not revealed). */
  const findVisible = (c: Context<AppEnv>, id: string) => {
    const deal = getDeal(db, id);
    if (!deal || !canSeeDeal(db, dealScope(db, currentAuth(c)), deal)) throw notFound('deals.not_found', 'No such deal.');
    return deal;
  };

  return new Hono<AppEnv>()
    .get('/deals', requireAuth, (c) => {
      const q = readQuery(c, listDealsQuery);
      const auth = currentAuth(c);
      const rows = listDeals(db, {
        pipelineId: q.pipelineId,
        stageId: q.stageId,
        contactId: q.contactId,
        conversationId: q.conversationId,
        ownerId: q.owner === 'me' ? auth.user.id : q.ownerId,
        open: q.open === undefined ? undefined : q.open === 'true',
        kind: q.kind,
        q: q.q || undefined,
        scope: dealScopeWhere(db, dealScope(db, auth)),
        before: decodeCursor(q.cursor),
        limit: q.limit + 1,
      });
      return c.json(page(rows, q.limit, (r) => ({ at: r.updatedAt, id: r.id }), (items) => dealsToJson(db, items)));
    })
    .post('/deals', requireAuth, async (c) => {
      const body = await readJson(c, createDealBody);
      const deal = createDeal(deps, currentAuth(c), body);
      const data = json(deal);
      publishDeal(deps, 'deal.created', deal, data);
      return c.json({ data }, 201);
    })
    .get('/deals/:id', requireAuth, (c) => {
      const deal = findVisible(c, c.req.param('id'));
      const stages = new Map(listStages(db).map((s) => [s.id, s]));
      const stageRef = (id: string | null) => {
        const s = id ? stages.get(id) : undefined;
        return id ? { id, name: s?.name ?? null, outcome: s?.outcome ?? null } : null;
      };
      const history = stageHistoryOf(db, deal.id);
      const now = clock.now();
      return c.json({
        data: {
          ...json(deal),
          stageHistory: history.map((h) => ({ from: stageRef(h.fromStageId), to: stageRef(h.toStageId), at: toIso(h.at), msInPrevious: h.msInPrevious, actorId: h.actorId })),
          timeInStages: timeInStages(history, { stageId: deal.stageId, enteredAt: deal.stageEnteredAt }, now).map((t) => ({ stage: stageRef(t.stageId), ms: t.ms, current: t.current })),
          tasks: db.select().from(tasks).where(eq(tasks.dealId, deal.id)).orderBy(asc(tasks.dueAt), asc(tasks.createdAt)).all().map(taskToJson),
        },
      });
    })
    .patch('/deals/:id', requireAuth, async (c) => {
      const body = await readJson(c, patchDealBody);
      const { deal, changed } = updateDeal(deps, currentAuth(c), findVisible(c, c.req.param('id')), body);
      const data = json(deal);
      if (changed) publishDeal(deps, 'deal.updated', deal, data);
      return c.json({ data });
    })
    .delete('/deals/:id', requireAuth, (c) => {
      const auth = currentAuth(c);
      const deal = findVisible(c, c.req.param('id'));
      if (auth.user.role === 'agent' && deal.ownerId !== auth.user.id) throw forbidden('deals.delete_forbidden', 'Only the deal owner, an owner or an admin can delete it.');
      deleteDeal(deps, auth, deal);
      publishDeal(deps, 'deal.deleted', deal, { id: deal.id, ownerId: deal.ownerId });
      return c.body(null, 204);
    })
    .put('/deals/:id/payment-request', requireAuth, async (c) => {
      const body = await readJson(c, paymentRequestBody);
      const { deal, changed } = requestPayment(deps, currentAuth(c), findVisible(c, c.req.param('id')), body);
      const data = json(deal);
      if (changed) publishDeal(deps, 'deal.updated', deal, data);
      return c.json({ data });
    })
    .post('/deals/:id/payment-status', requireAuth, async (c) => {
      // Refuse people before reading anything: a session (or the chat) is never proof of payment.
      if (currentAuth(c).via !== 'token') throw forbidden('deals.payment_status_token_only', 'Payment status can only be set by a payment integration with an API token.');
      const body = await readJson(c, paymentStatusBody);
      const { deal, changed } = recordPaymentStatus(deps, currentAuth(c), findVisible(c, c.req.param('id')), body);
      const data = json(deal);
      if (changed) publishDeal(deps, 'deal.updated', deal, data);
      return c.json({ data });
    });
}
