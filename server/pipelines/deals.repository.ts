import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { conversations } from '../../db/schema/inbox.js';
import { deals, dealStageHistory, type DEAL_KINDS } from '../../db/schema/pipelines.js';
import { toIso } from '../lib/clock.js';
import type { AuthInfo } from '../lib/http.js';
import { getContacts } from '../contacts/contacts.repository.js';
import { canSee, conversationScope } from '../teams/teams.repository.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { formatMinor } from './pipelines.models.js';
import { listStages, type StageRow } from './pipelines.repository.js';
import { olderThan } from '../lib/keyset.js';

export type DealRow = typeof deals.$inferSelect;
export type DealKind = (typeof DEAL_KINDS)[number];
export type DealScope = ReturnType<typeof conversationScope>;

/**
 * Who may see a deal. Owners and admins (and agents when `agentsSeeAll` is on) see every deal. An agent
 * sees the deals they own, the unowned ones (the team's shared work), and those linked to a conversation
 * they can see (assigned to them, to one of their teams, or in the shared queue). Anything else is
 * answered as if it did not exist (404), so ids do not leak.
 */
export function dealScope(db: Db, auth: AuthInfo): DealScope {
  return conversationScope(db, auth);
}

/** The SQL form of `canSeeDeal` for lists and aggregates (undefined: no restriction). */
export function dealScopeWhere(db: Db, scope: DealScope): SQL | undefined {
  if (!scope) return undefined;
  const visibleConversations = db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      or(
        eq(conversations.assigneeId, scope.userId),
        scope.teamIds.length ? inArray(conversations.teamId, scope.teamIds) : undefined,
        and(isNull(conversations.assigneeId), isNull(conversations.teamId)),
      ),
    );
  return or(eq(deals.ownerId, scope.userId), isNull(deals.ownerId), and(isNotNull(deals.conversationId), inArray(deals.conversationId, visibleConversations)));
}

/** Whether a deal is visible under `scope` (see dealScope). */
export function canSeeDeal(db: Db, scope: DealScope, deal: Pick<DealRow, 'ownerId' | 'conversationId'>): boolean {
  if (!scope || deal.ownerId === null || deal.ownerId === scope.userId) return true;
  const conv = deal.conversationId ? getConversation(db, deal.conversationId) : undefined;
  return !!conv && canSee(scope, conv);
}

/** One deal by id, visible or not (callers check canSeeDeal). */
export function getDeal(db: Db, id: string): DealRow | undefined {
  return prepared(db, 'deals.byId', () => db.select().from(deals).where(eq(deals.id, sql.placeholder('id'))).prepare()).get({ id });
}

export interface DealFilters {
  pipelineId?: string;
  stageId?: string;
  contactId?: string;
  conversationId?: string;
  ownerId?: string;
  open?: boolean;
  kind?: DealKind;
  q?: string;
  scope: SQL | undefined;
  before?: { at: number; id: string };
  limit: number;
}

/** Deals most recently changed first, filtered; paged by (updatedAt, id). */
export function listDeals(db: Db, f: DealFilters): DealRow[] {
  const where: (SQL | undefined)[] = [f.scope];
  if (f.pipelineId) where.push(eq(deals.pipelineId, f.pipelineId));
  if (f.stageId) where.push(eq(deals.stageId, f.stageId));
  if (f.contactId) where.push(eq(deals.contactId, f.contactId));
  if (f.conversationId) where.push(eq(deals.conversationId, f.conversationId));
  if (f.ownerId) where.push(eq(deals.ownerId, f.ownerId));
  if (f.open !== undefined) where.push(f.open ? isNull(deals.closedAt) : isNotNull(deals.closedAt));
  if (f.kind) where.push(eq(deals.kind, f.kind));
  if (f.q) {
    const pattern = `%${f.q.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
    where.push(or(sql`${deals.title} LIKE ${pattern} ESCAPE '\\'`, sql`${deals.reference} LIKE ${pattern} ESCAPE '\\'`));
  }
  if (f.before) where.push(olderThan(deals.updatedAt, deals.id, f.before));
  return db
    .select()
    .from(deals)
    .where(and(...where))
    .orderBy(desc(deals.updatedAt), desc(deals.id))
    .limit(f.limit)
    .all();
}

/** A deal's stage moves, oldest first. */
export function stageHistoryOf(db: Db, dealId: string) {
  return db.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, dealId)).orderBy(asc(dealStageHistory.at), asc(dealStageHistory.id)).all();
}

/** Appends one stage move (inside the transaction that moves the deal). */
export function recordStageMove(db: Db, input: { dealId: string; fromStageId: string | null; toStageId: string; msInPrevious: number | null; actorId: string | null; at: number }): void {
  db.insert(dealStageHistory).values(input).run();
}

/** The API shape of a deal; `stage` is its current stage row. */
export function dealToJson(d: DealRow, stage: Pick<StageRow, 'id' | 'name' | 'outcome'> | undefined) {
  return {
    id: d.id,
    kind: d.kind,
    title: d.title,
    reference: d.reference,
    amount: d.amountMinor !== null && d.currency ? formatMinor(d.amountMinor, d.currency) : null,
    currency: d.currency,
    pipelineId: d.pipelineId,
    stageId: d.stageId,
    stage: stage ? { id: stage.id, name: stage.name, outcome: stage.outcome } : null,
    ownerId: d.ownerId,
    contactId: d.contactId,
    conversationId: d.conversationId,
    expectedCloseAt: toIso(d.expectedCloseAt),
    customFields: JSON.parse(d.customFields) as Record<string, string | number>,
    stageEnteredAt: toIso(d.stageEnteredAt),
    closedAt: toIso(d.closedAt),
    payment: {
      status: d.paymentStatus,
      amount: d.paymentAmountMinor !== null && d.paymentCurrency ? formatMinor(d.paymentAmountMinor, d.paymentCurrency) : null,
      currency: d.paymentCurrency,
      link: d.paymentLink,
      providerRef: d.paymentProviderRef,
      updatedAt: toIso(d.paymentUpdatedAt),
    },
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
  };
}

export type DealJson = ReturnType<typeof dealToJson>;

/** Several deals to JSON with one stage lookup and one contact lookup (the board shows who each deal is with). */
export function dealsToJson(db: Db, rows: DealRow[]): (DealJson & { contact: { id: string; name: string | null; phone: string | null } | null })[] {
  if (rows.length === 0) return [];
  const stages = new Map(listStages(db).map((s) => [s.id, s]));
  const people = getContacts(db, rows.flatMap((d) => (d.contactId ? [d.contactId] : [])));
  return rows.map((d) => {
    const c = d.contactId ? people.get(d.contactId) : undefined;
    return { ...dealToJson(d, stages.get(d.stageId)), contact: c ? { id: c.id, name: c.name ?? c.profileName, phone: c.phone } : null };
  });
}
